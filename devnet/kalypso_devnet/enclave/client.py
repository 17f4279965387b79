"""The operator side of the enclave APIs, as the SDK does it (spec §2.4, §2.6, §2.8), over plain HTTP: used by
`devnet/up --onboard` and available to scenarios and tests as a key provider for `onboard_operator`."""
from __future__ import annotations

import json
import urllib.error
import urllib.request

from eth_abi import encode as abi_encode

ATTESTATION_TYPES = ["bytes", "bytes", "bytes", "bytes", "bytes", "uint256"]


class EnclaveError(Exception):
    """An enclave API answered with an error; the message carries the status and the enclave's message."""


def _http(method: str, url: str, body: bytes | None = None, content_type: str | None = None) -> bytes:
    req = urllib.request.Request(url, data=body, method=method,
                                 headers={"Content-Type": content_type} if content_type else {})
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:
            return resp.read()
    except urllib.error.HTTPError as exc:
        raise EnclaveError(f"{method} {url}: {exc.code} {exc.read()[:300].decode(errors='replace')}") from None


def _post_json(url: str, payload: dict) -> dict:
    return json.loads(_http("POST", url, json.dumps(payload).encode(), "application/json"))


def attestation_data(attestation_url: str, verifier_url: str) -> bytes:
    """Spec §2.6.1: the raw Nitro document → /verify/raw → abi.encode(sig, pubkey64, PCR0..2, timestampMs)."""
    raw = _http("GET", attestation_url.rstrip("/") + "/attestation/raw")
    out = json.loads(_http("POST", verifier_url.rstrip("/") + "/verify/raw", raw, "application/octet-stream"))
    return abi_encode(ATTESTATION_TYPES, [bytes.fromhex(out["signature"]), bytes.fromhex(out["secp256k1_public"]),
                                          bytes.fromhex(out["pcr0"]), bytes.fromhex(out["pcr1"]),
                                          bytes.fromhex(out["pcr2"]), out["timestamp"]])


def enclave_signature(generator_url: str, attestation: bytes, operator: str) -> bytes:
    """Spec §2.6.2: /api/signAttestation → r ‖ s ‖ v (65 bytes)."""
    data = _post_json(generator_url.rstrip("/") + "/api/signAttestation",
                      {"attestation": "0x" + attestation.hex(), "address": operator})["data"]
    return bytes.fromhex(data["r"][2:]) + bytes.fromhex(data["s"][2:]) + bytes([data["v"]])


def key_provider(urls: dict):
    """`f(operator) -> (attestation_data, enclave_signature)` from a simulator's (or real enclave's) URLs
    {"generator", "attestation", "verifier"}: what a scenario's onboard_operator expects."""
    def provide(operator: str) -> tuple[bytes, bytes]:
        att = attestation_data(urls["attestation"], urls["verifier"])
        return att, enclave_signature(urls["generator"], att, operator)
    return provide


def configure(generator_url: str, operator: str, market: int, gas_key: str, rpc_url: str, contracts: dict,
              chain_id: int, start_block: int, ws_url: str | None = None) -> None:
    """Spec §2.4 / §5.4.2: generatorConfigSetup for one operator and one market. `contracts` holds the SDK's
    kalypso-config.json keys (payment_token, staking_token, attestation_verifier, entity_registry,
    proof_market_place, generator_registry); `ws_url` defaults to rpc_url with the scheme "wss"."""
    runtime = {
        # The real client dials ws_url and insists on "wss"; the simulator reads balances at http_url.
        "ws_url": ws_url or ("wss" + rpc_url[rpc_url.index("://"):] if "://" in rpc_url else "wss://" + rpc_url),
        "http_url": rpc_url, "private_key": gas_key, "start_block": max(1, start_block), "chain_id": chain_id,
        **{k: contracts[k] for k in ("payment_token", "staking_token", "attestation_verifier", "entity_registry",
                                     "proof_market_place", "generator_registry")},
        "markets": {str(market): {"port": "3000", "ivs_url": "http://not_available"}},
    }
    answer = _post_json(generator_url.rstrip("/") + "/api/generatorConfigSetup",
                        {"generator_config": [{"address": operator, "data": "devnet operator",
                                               "supported_markets": [str(market)]}],
                         "runtime_config": runtime})
    if answer.get("message") != "Config done":
        raise EnclaveError(f"generatorConfigSetup: {answer.get('message')}")


def start_programs(generator_url: str, programs=("listener", "prover")) -> None:
    """Spec §2.8: startProgram for each program (the enclave's start-time checks run first)."""
    for name in programs:
        answer = _post_json(generator_url.rstrip("/") + "/api/startProgram", {"program_name": name})
        if answer.get("message") != "Program started":
            raise EnclaveError(f"startProgram {name}: {answer.get('message')}")
