"""Deploy framework shared by both generations: the contracts every Kalypso network has (tokens,
AttestationVerifier with the devnet's verifier key, EntityKeyRegistry, MockVerifier), the
`Deployment` record and kalypso-config.json output.

Generations plug in through `GENERATIONS` (deploy/__init__.py): a function
`deploy(rpc: Rpc, d: Deployment) -> None` that adds its contracts, markets and block range to `d`.
Every contract is deployed directly (Vyper has no UUPS proxies; where the real contract has an
`initialize`, the look-alike keeps it as a one-time wiring call by the deployer).
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from .. import constants as C
from ..attestation import public_key64
from ..compile import compile_contract
from ..rpc import Contract, Rpc, deploy as deploy_artifact, dev_account

TOKEN_UNIT = 10**18
USDC_UNIT = 10**6
# EntityKeyRegistry's constructor `_generation`: which key-registrar function the build has.
EKR_GENERATION = {"A": 1, "B": 2}


@dataclass
class Market:
    """A market created at deployment: its id, kind ("private", "public", "tee", "other-image"),
    proof verifier and (for TEE-verifier markets) the wrapper address."""
    id: int
    kind: str
    verifier: str
    tee_verifier: str | None = None
    prover_pcrs: tuple | None = None


@dataclass
class Deployment:
    """Where everything landed: contract addresses by role name, the artifact (contract) name behind
    each, markets, the block range of the deployment (logStartBlock = start_block) and the deploy
    options the generation used, defaults included (e.g. Gen A {"slash_events": "sdk", ...})."""
    generation: str
    chain_id: int
    start_block: int
    end_block: int = 0
    addresses: dict[str, str] = field(default_factory=dict)
    artifacts: dict[str, str] = field(default_factory=dict)
    markets: dict[int, Market] = field(default_factory=dict)
    options: dict[str, str] = field(default_factory=dict)

    def add(self, role: str, contract: Contract, artifact: str):
        self.addresses[role] = contract.address
        self.artifacts[role] = artifact

    def contract(self, rpc: Rpc, role: str) -> Contract:
        """A Contract wrapper for the contract deployed under `role` (e.g. "proverManager")."""
        if role not in self.addresses:
            raise KeyError(f"no contract {role!r} in this Generation {self.generation} deployment "
                           f"(have {sorted(self.addresses)})")
        art = compile_contract(self.artifacts[role])
        return Contract(rpc, self.addresses[role], art.abi, role)

    def to_json(self) -> dict:
        return {"generation": self.generation, "chainId": self.chain_id, "startBlock": self.start_block,
                "endBlock": self.end_block, "addresses": self.addresses, "artifacts": self.artifacts,
                "markets": {str(k): vars(m) | {"prover_pcrs": [p.hex() for p in m.prover_pcrs] if m.prover_pcrs else None}
                            for k, m in self.markets.items()},
                "options": dict(self.options)}

    @classmethod
    def from_json(cls, d: dict) -> "Deployment":
        out = cls(d["generation"], d["chainId"], d["startBlock"], d.get("endBlock", 0),
                  dict(d["addresses"]), dict(d["artifacts"]), options=dict(d.get("options", {})))
        for k, m in d.get("markets", {}).items():
            pcrs = tuple(bytes.fromhex(p) for p in m["prover_pcrs"]) if m.get("prover_pcrs") else None
            out.markets[int(k)] = Market(m["id"], m["kind"], m["verifier"], m.get("tee_verifier"), pcrs)
        return out


def deploy_contract(rpc: Rpc, d: Deployment, role: str, artifact: str, *args, account=None) -> Contract:
    """Compile (cached) and deploy `artifact` from the admin account, recording it under `role`."""
    art = compile_contract(artifact)
    c = deploy_artifact(rpc, account or dev_account(C.ADMIN), art, *args, name=role)
    d.add(role, c, artifact)
    return c


def deploy_common(rpc: Rpc, d: Deployment):
    """Tokens, AttestationVerifier, EntityKeyRegistry and MockVerifier, plus token balances for the
    dev accounts (operator, other provers, requester, gas key). The EntityKeyRegistry is built for
    `d.generation` (addGeneratorRegistry on A, addProverManager on B)."""
    admin = dev_account(C.ADMIN)
    staking = deploy_contract(rpc, d, "stakingToken", "common/Token", "Marlin POND (devnet)", "POND", 18, 10**9 * TOKEN_UNIT)
    payment = deploy_contract(rpc, d, "paymentToken", "common/Token", "USD Coin (devnet)", "USDC", 6, 10**9 * USDC_UNIT)
    second = deploy_contract(rpc, d, "stakeToken2", "common/Token", "Wrapped Ether (devnet)", "WETH", 18, 10**6 * TOKEN_UNIT)
    av = deploy_contract(rpc, d, "attestationVerifier", "common/AttestationVerifier",
                         [tuple(C.VERIFIER_PCRS)], [public_key64(C.VERIFIER_PRIVATE_KEY)], admin.address)
    deploy_contract(rpc, d, "entityKeyRegistry", "common/EntityKeyRegistry", av.address, admin.address, [],
                    EKR_GENERATION[d.generation])
    deploy_contract(rpc, d, "mockVerifier", "common/MockVerifier")
    for who in (C.OPERATOR, *C.OTHER_PROVERS, C.REQUESTER, C.TOKEN_FAUCET):
        addr = dev_account(who).address
        staking.transact(admin, "transfer", addr, 1_000_000 * TOKEN_UNIT)
        payment.transact(admin, "transfer", addr, 1_000_000 * USDC_UNIT)
        second.transact(admin, "transfer", addr, 1_000 * TOKEN_UNIT)


def enclave_ws_url(rpc_url: str) -> str:
    """The `rpcWs` written for the devnet: rpc_url with the scheme "wss" (http://127.0.0.1:8545 ->
    wss://127.0.0.1:8545). The devnet has no WebSocket server; the value exists because the generator
    client refuses a ws_url that does not contain "wss" (spec §5.4.2, §9.2), so a client that sends rpcWs
    as the enclave's ws_url must get one it accepts. The enclave simulator checks that rule and reads the
    chain at http_url, never at ws_url; a WebSocket client pointed at it finds nothing."""
    if "://" not in rpc_url:
        return "wss://" + rpc_url
    return "wss" + rpc_url[rpc_url.index("://"):]


def write_config(path, deployment: Deployment, enclave_urls: dict | None = None, rpc_url: str = "http://127.0.0.1:8545",
                 rpc_ws: str | None = None, network_name: str = "Kalypso devnet") -> dict:
    """Write kalypso-config.json (the SDK's KalspsoConfig keys plus the console's own, spec §1) for
    `deployment`. `enclave_urls` may hold "url" and "utilityUrl" (generator enclave), "verifier"
    (attestationVerifierEndPoint) and "checkInputUrl". Returns the written dict."""
    e = enclave_urls or {}
    a = deployment.addresses
    z = "0x0000000000000000000000000000000000000000"
    gen = deployment.generation
    cfg = {
        "$comment": "kalypso-config.json: the SDK's KalspsoConfig (spec §1) plus the console's own keys. Secrets "
                    "(private keys, RPC URLs with API keys) do not belong here: keys come from a keystore or an "
                    "environment variable. Written by kalypso_devnet.deploy.write_config for the local devnet; a "
                    "fresh devnet deploys the same addresses with the default accounts.",
        "networkName": network_name,
        "chainId": deployment.chain_id,
        "rpcHttp": rpc_url,
        "rpcWs": rpc_ws or enclave_ws_url(rpc_url),
        "generation": gen,
        "logStartBlock": deployment.start_block,
        "readOnly": False,
        "operator": dev_account(C.OPERATOR).address,
        "payment_token": a.get("paymentToken", z),
        "staking_token": a.get("stakingToken", z),
        # SDK 1.0.58 keeps the key name for the ProverManager (spec §1).
        "generator_registry": a.get("generatorRegistry" if gen == "A" else "proverManager", z),
        "attestation_verifier": a.get("attestationVerifier", z),
        "entity_registry": a.get("entityKeyRegistry", z),
        "proof_market_place": a.get("proofMarketplace", z),
        "tee_verifier_deployer": a.get("teeVerifierDeployer", z),
        "nativeStaking": a.get("nativeStaking", z),
        "symbioticStaking": a.get("symbioticStaking", z),
        "stakingManager": a.get("stakingManager", z),
        "markets": {str(m.id): {"teeVerifier": m.tee_verifier or z} for m in deployment.markets.values()},
        "generatorEnclave": {"url": e.get("url", "http://127.0.0.1:5000"),
                             "utilityUrl": e.get("utilityUrl", "http://127.0.0.1:1500")},
        "checkInputUrl": e.get("checkInputUrl", "http://not_available"),
        "attestationVerifierEndPoint": e.get("verifier", "http://127.0.0.1:1400"),
    }
    Path(path).write_text(json.dumps(cfg, indent=2) + "\n")
    return cfg
