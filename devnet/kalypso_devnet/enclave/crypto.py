"""Signatures of the simulated enclave and of the simulated attestation verifier.

Only the Python reference libraries sign here (eth-account, eth-keys, coincurve), so the console's own
Swift code is checked against an independent implementation.
"""
from __future__ import annotations

import re

import coincurve
from eth_abi import encode as abi_encode
from eth_account import Account
from eth_account.messages import encode_defunct
from eth_keys import keys as eth_keys
from eth_utils import keccak

_HEX = re.compile(r"[0-9a-fA-F]*")

# Spec §2.6.1 item 4 (periphery/AttestationVerifier.sol).
EIP712_DOMAIN_TYPEHASH = keccak(text="EIP712Domain(string name,string version)")
ATTESTATION_TYPEHASH = keccak(
    text="Attestation(bytes enclavePubKey,bytes PCR0,bytes PCR1,bytes PCR2,uint256 timestampInMilliseconds)")
DOMAIN_SEPARATOR = keccak(abi_encode(
    ["bytes32", "bytes32", "bytes32"],
    [EIP712_DOMAIN_TYPEHASH, keccak(text="marlin.oyster.AttestationVerifier"), keccak(text="1")]))


class EnclaveKey:
    """The secp256k1 key an enclave creates at every boot (spec §2.0); never leaves the simulator."""

    def __init__(self, secret: bytes | None = None):
        self._key = coincurve.PrivateKey(secret) if secret is not None else coincurve.PrivateKey()

    @property
    def public_key64(self) -> bytes:
        """The 64-byte public key (X ‖ Y, no 0x04 prefix) the attestation embeds."""
        return self._key.public_key.format(compressed=False)[1:]

    @property
    def secret(self) -> bytes:
        """The 32-byte secret, for the secure channel's ECIES (sch.py); never leaves the simulator."""
        return self._key.secret

    @property
    def compressed_public_key(self) -> bytes:
        """The 33-byte compressed form fetchGeneratorPublicKeys reports as the ECIES key."""
        return self._key.public_key.format(compressed=True)

    @property
    def address(self) -> str:
        """The checksummed address of the key: keccak256(pubkey64)[12:]."""
        return eth_keys.PublicKey(self.public_key64).to_checksum_address()

    def personal_sign_digest(self, digest: bytes) -> tuple[int, int, int]:
        """EIP-191 personal_sign over the 32 raw digest bytes, as ethers-rs `sign_message(H256)` does."""
        signed = Account.sign_message(encode_defunct(primitive=digest), self._key.secret)
        return signed.r, signed.s, signed.v

    def sign_attestation(self, attestation: bytes, operator: bytes) -> tuple[int, int, int]:
        """Spec §2.6.2: personal_sign(keccak256(abi.encode(bytes attestation, address operator)))."""
        return self.personal_sign_digest(keccak(abi_encode(["bytes", "address"], [attestation, operator])))

    def sign_address(self, address: bytes) -> tuple[int, int, int]:
        """Spec §2.6.2 variant: personal_sign(keccak256(abi.encode(address)))."""
        return self.personal_sign_digest(keccak(abi_encode(["address"], [address])))


def strict_hex(text: str) -> bytes | None:
    """Decodes hex like Rust's `hex::decode` (even length, hex digits only, no spaces); None if invalid."""
    if len(text) % 2 or not _HEX.fullmatch(text):
        return None
    return bytes.fromhex(text)


def attestation_digest(pubkey: bytes, pcr0: bytes, pcr1: bytes, pcr2: bytes, timestamp_ms: int) -> bytes:
    """The EIP-712 digest AttestationVerifier._verify recomputes (spec §2.6.1 item 4)."""
    struct_hash = keccak(abi_encode(
        ["bytes32", "bytes32", "bytes32", "bytes32", "bytes32", "uint256"],
        [ATTESTATION_TYPEHASH, keccak(pubkey), keccak(pcr0), keccak(pcr1), keccak(pcr2), timestamp_ms]))
    return keccak(b"\x19\x01" + DOMAIN_SEPARATOR + struct_hash)


def sign_raw_digest(private_key_hex: str, digest: bytes) -> bytes:
    """A raw secp256k1 signature r ‖ s ‖ v (v = 27/28) of a digest, without the EIP-191 prefix."""
    key = eth_keys.PrivateKey(bytes.fromhex(private_key_hex.removeprefix("0x")))
    sig = key.sign_msg_hash(digest)
    return sig.r.to_bytes(32, "big") + sig.s.to_bytes(32, "big") + bytes([sig.v + 27])


def public_key64_of(private_key_hex: str) -> bytes:
    """The 64-byte public key of a private key given as hex."""
    return eth_keys.PrivateKey(bytes.fromhex(private_key_hex.removeprefix("0x"))).public_key.to_bytes()


def address_of_private_key(private_key: str) -> str:
    """The address of a gas key as ethers' LocalWallet parses it; raises ValueError if it does not parse."""
    text = private_key
    if text[:2] in ("0x", "0X"):
        text = text[2:]
    raw = strict_hex(text)
    if raw is None:
        raise ValueError("private key is not hex")
    if len(raw) != 32:
        raise ValueError("private key is not 32 bytes")
    try:
        return eth_keys.PrivateKey(raw).public_key.to_checksum_address()
    except Exception as exc:  # eth-keys rejects 0 and values ≥ n
        raise ValueError("private key is out of range") from exc
