"""Attestation blobs and enclave signatures exactly as the Kalypso contracts check them (spec §2.6,
§2.7, §8.2 item 2), built with eth-keys/eth-abi. Shared by the deploy/scenario scripts, the enclave
simulator and the tests; keep this API small and stable.

    enc = Enclave.generate(PROVER_PCRS)              # a made-up enclave key + image
    att = enc.attestation(timestamp_ms)              # abi.encode(sig, pubkey64, pcr0, pcr1, pcr2, tsMs)
    sig = enc.sign_operator(att, operator_address)   # 65-byte r||s||v authorising `operator`
"""
from __future__ import annotations

import os
import time
from dataclasses import dataclass

from eth_abi import encode as abi_encode
from eth_keys import keys
from eth_utils import keccak, to_checksum_address

from .constants import VERIFIER_PRIVATE_KEY

# keccak256(abi.encode(keccak256("EIP712Domain(string name,string version)"),
#   keccak256("marlin.oyster.AttestationVerifier"), keccak256("1")))
DOMAIN_SEPARATOR = keccak(abi_encode(["bytes32", "bytes32", "bytes32"], [
    keccak(text="EIP712Domain(string name,string version)"),
    keccak(text="marlin.oyster.AttestationVerifier"), keccak(text="1")]))
ATTESTATION_TYPEHASH = keccak(
    text="Attestation(bytes enclavePubKey,bytes PCR0,bytes PCR1,bytes PCR2,uint256 timestampInMilliseconds)")
NO_ENCLAVE_ID = keccak(bytes(144))
MATCHING_ENGINE_ROLE = keccak(text="MATCHING_ENGINE_ROLE")
MATCHING_ENGINE_FAMILY_ID = keccak(abi_encode(["bytes32"], [MATCHING_ENGINE_ROLE]))
TEE_FAMILY_ID = keccak(text="FAMILY_ID")
ATTESTATION_TYPES = ["bytes", "bytes", "bytes", "bytes", "bytes", "uint256"]


def _key(k) -> keys.PrivateKey:
    if isinstance(k, keys.PrivateKey):
        return k
    if isinstance(k, str):
        k = bytes.fromhex(k[2:] if k.startswith("0x") else k)
    return keys.PrivateKey(bytes(k))


def image_id(pcrs) -> bytes:
    """keccak256(PCR0 ‖ PCR1 ‖ PCR2) (packed)."""
    return keccak(b"".join(pcrs))


def encode_pcrs(pcrs) -> bytes:
    """abi.encode(bytes PCR0, bytes PCR1, bytes PCR2) as markets and TEE verifiers take images."""
    return abi_encode(["bytes", "bytes", "bytes"], list(pcrs))


def family_id(tag: str, market_id: int) -> bytes:
    """keccak256(abi.encode(string tag, uint256 marketId)); tags "gen" (Gen A), "prov" (Gen B), "ivs"."""
    return keccak(abi_encode(["string", "uint256"], [tag, market_id]))


def prover_family_id(market_id: int) -> bytes:
    return family_id("prov", market_id)


def generator_family_id(market_id: int) -> bytes:
    return family_id("gen", market_id)


def ivs_family_id(market_id: int) -> bytes:
    return family_id("ivs", market_id)


def public_key64(private_key) -> bytes:
    """The 64-byte uncompressed secp256k1 public key (no 0x04 prefix)."""
    return _key(private_key).public_key.to_bytes()


def pubkey_address(pubkey64: bytes) -> str:
    """address(uint160(uint256(keccak256(pubkey64)))) as a checksummed string."""
    if len(pubkey64) != 64:
        raise ValueError(f"public key must be 64 bytes, got {len(pubkey64)}")
    return to_checksum_address(keccak(pubkey64)[12:])


def attestation_digest(pubkey64: bytes, pcrs, timestamp_ms: int) -> bytes:
    """The EIP-712 digest AttestationVerifier recomputes (spec §2.6.1 item 4)."""
    p0, p1, p2 = pcrs
    struct_hash = keccak(abi_encode(["bytes32"] * 5 + ["uint256"], [
        ATTESTATION_TYPEHASH, keccak(pubkey64), keccak(p0), keccak(p1), keccak(p2), timestamp_ms]))
    return keccak(b"\x19\x01" + DOMAIN_SEPARATOR + struct_hash)


def _sig65(sig) -> bytes:
    return sig.r.to_bytes(32, "big") + sig.s.to_bytes(32, "big") + bytes([27 + sig.v])


def sign_attestation(pubkey64: bytes, pcrs, timestamp_ms: int, verifier_key=VERIFIER_PRIVATE_KEY) -> bytes:
    """The attestation-verifier enclave's signature: raw (no EIP-191 prefix) over the EIP-712 digest."""
    return _sig65(_key(verifier_key).sign_msg_hash(attestation_digest(pubkey64, pcrs, timestamp_ms)))


def encode_attestation(signature: bytes, pubkey64: bytes, pcrs, timestamp_ms: int) -> bytes:
    """abi.encode(bytes signature, bytes enclavePubKey, bytes PCR0, bytes PCR1, bytes PCR2, uint256 tsMs)."""
    return abi_encode(ATTESTATION_TYPES, [signature, pubkey64, *pcrs, timestamp_ms])


def attestation_data(pubkey64: bytes, pcrs, timestamp_ms: int, verifier_key=VERIFIER_PRIVATE_KEY) -> bytes:
    """A complete on-chain attestation blob for `pubkey64` running image `pcrs`, signed by the verifier."""
    return encode_attestation(sign_attestation(pubkey64, pcrs, timestamp_ms, verifier_key), pubkey64, pcrs,
                              timestamp_ms)


def personal_sign_digest(digest32: bytes, private_key) -> bytes:
    """EIP-191 personal_sign of 32 raw bytes, as r‖s‖v (v = 27/28)."""
    h = keccak(b"\x19Ethereum Signed Message:\n32" + digest32)
    return _sig65(_key(private_key).sign_msg_hash(h))


def operator_digest(attestation: bytes, operator: str) -> bytes:
    """keccak256(abi.encode(bytes attestationData, address operator)) (spec §2.6.2)."""
    return keccak(abi_encode(["bytes", "address"], [attestation, to_checksum_address(operator)]))


def enclave_signature(enclave_key, attestation: bytes, operator: str) -> bytes:
    """What /api/signAttestation returns (as r‖s‖v): the enclave authorising `operator`."""
    return personal_sign_digest(operator_digest(attestation, operator), enclave_key)


def signed_proof(enclave_key, public_inputs: bytes, proof: bytes) -> bytes:
    """A TEE-verifier-market proof: abi.encode(publicInputs, proof, personal_sign(keccak(abi.encode(publicInputs, proof))))."""
    sig = personal_sign_digest(keccak(abi_encode(["bytes", "bytes"], [public_inputs, proof])), enclave_key)
    return abi_encode(["bytes", "bytes", "bytes"], [public_inputs, proof, sig])


def now_ms() -> int:
    return int(time.time() * 1000)


@dataclass
class Enclave:
    """A made-up enclave: a secp256k1 key and the image (PCRs) it claims to run."""
    private_key: bytes
    pcrs: tuple

    @classmethod
    def generate(cls, pcrs, seed: bytes | None = None) -> "Enclave":
        """A fresh random key, or a deterministic one derived from `seed`."""
        return cls(keccak(b"kalypso-devnet-enclave:" + seed) if seed is not None else os.urandom(32), tuple(pcrs))

    @property
    def public_key(self) -> bytes:
        return public_key64(self.private_key)

    @property
    def address(self) -> str:
        return pubkey_address(self.public_key)

    @property
    def image_id(self) -> bytes:
        return image_id(self.pcrs)

    def attestation(self, timestamp_ms: int | None = None, verifier_key=VERIFIER_PRIVATE_KEY) -> bytes:
        return attestation_data(self.public_key, self.pcrs, now_ms() if timestamp_ms is None else timestamp_ms,
                                verifier_key)

    def sign_operator(self, attestation: bytes, operator: str) -> bytes:
        return enclave_signature(self.private_key, attestation, operator)

    def sign_proof(self, public_inputs: bytes, proof: bytes) -> bytes:
        return signed_proof(self.private_key, public_inputs, proof)


def verify_response(pubkey64: bytes, pcrs, timestamp_ms: int, verifier_key=VERIFIER_PRIVATE_KEY) -> dict:
    """The JSON the attestation verifier's POST /verify/raw answers (spec §2.6.1 item 2, §5.3):
    hex without 0x, signature r‖s‖v (v = 1b/1c), timestamp in milliseconds."""
    return {"signature": sign_attestation(pubkey64, pcrs, timestamp_ms, verifier_key).hex(),
            "secp256k1_public": pubkey64.hex(),
            "pcr0": pcrs[0].hex(), "pcr1": pcrs[1].hex(), "pcr2": pcrs[2].hex(),
            "timestamp": timestamp_ms,
            "verifier_secp256k1_public": public_key64(verifier_key).hex()}


def attestation_from_verify_response(resp: dict) -> bytes:
    """What a client builds from a /verify/raw answer: abi.encode(sig, pubkey, pcr0, pcr1, pcr2, tsMs)."""
    try:
        parts = [bytes.fromhex(resp[k]) for k in ("signature", "secp256k1_public", "pcr0", "pcr1", "pcr2")]
        ts = int(resp["timestamp"])
    except (KeyError, ValueError, TypeError) as e:
        raise ValueError(f"malformed verifier response: {e}") from None
    if len(parts[1]) != 64:
        raise ValueError(f"secp256k1_public must be 64 bytes, got {len(parts[1])}")
    return encode_attestation(parts[0], parts[1], parts[2:5], ts)
