"""The secure channel ("SCH") of the generator client's `*Encrypted` endpoints (spec §5.7), as kalypso-unified
`helper/src/sch_payload.rs` serves it, built on PyPI eciespy (the Rust server uses the `ecies` crate; both
follow the same scheme) so that it checks the console's Swift ECIES independently.

Request body: {"request": [u8], "response_key": [u8; 65], "signature": [u8; 65]}; the signature is the
response key's personal_sign of keccak256(abi.encode(bytes request, bytes response_key)). The answer's data is
{"response": ECIES(response_key, json), "salt": [64 random bytes], "signature": enclave's personal_sign of
keccak256(abi.encode(bytes response, bytes salt))}.
"""
from __future__ import annotations

import json
import os

import ecies
from eth_abi import encode as abi_encode
from eth_account import Account
from eth_account.messages import encode_defunct
from eth_utils import keccak, to_checksum_address


class Invalid(Exception):
    """A 400 the real server answers, with its message."""


class Undecryptable(Exception):
    """The request does not decrypt with the enclave key: the real handler panics (connection dropped)."""


def _bytes(value, name: str) -> bytes:
    if not isinstance(value, list) or not all(isinstance(b, int) and not isinstance(b, bool) and 0 <= b <= 255
                                              for b in value):
        raise TypeError(f"invalid type for `{name}`, expected a sequence of u8")
    return bytes(value)


def parse_body(value) -> tuple[bytes, bytes, bytes]:
    """(request, response_key, signature) from the JSON body; TypeError for serde-level errors."""
    if not isinstance(value, dict):
        raise TypeError("invalid type: expected struct SCHPayload")
    for name in ("request", "response_key", "signature"):
        if name not in value:
            raise TypeError(f"missing field `{name}`")
    return (_bytes(value["request"], "request"), _bytes(value["response_key"], "response_key"),
            _bytes(value["signature"], "signature"))


def open_request(enclave_secret: bytes, request: bytes, response_key: bytes, signature: bytes) -> bytes:
    """Checks the signature and decrypts the request; returns the plaintext."""
    if len(signature) != 65:
        raise Invalid(f"invalid signature length, got {len(signature)}, expected 65")
    digest = keccak(abi_encode(["bytes", "bytes"], [request, response_key]))
    try:
        signer = Account.recover_message(encode_defunct(primitive=digest), signature=signature)
    except Exception:  # eth-account rejects v outside 0/1/27/28 or an unrecoverable point
        raise Invalid("Signature verification failed.") from None
    # The first byte of the response key is not checked (spec §5.7).
    if signer != to_checksum_address(keccak(response_key[1:])[12:]):
        raise Invalid("Signature verification failed.")
    try:
        return ecies.decrypt(enclave_secret, request)
    except Exception as exc:
        raise Undecryptable(str(exc)) from None


def seal_response(enclave_secret: bytes, response_key: bytes, result) -> dict:
    """The SCHResponse for `result` (any JSON value), encrypted to the response key and signed by the enclave."""
    # Only X ‖ Y are used, as for the signature check: the first byte is not looked at.
    response = ecies.encrypt(b"\x04" + response_key[1:], json.dumps(result).encode())
    salt = os.urandom(64)
    digest = keccak(abi_encode(["bytes", "bytes"], [response, salt]))
    signed = Account.sign_message(encode_defunct(primitive=digest), enclave_secret)
    signature = signed.r.to_bytes(32, "big") + signed.s.to_bytes(32, "big") + bytes([signed.v])
    return {"response": list(response), "salt": list(salt), "signature": list(signature)}


def client_seal(enclave_public: bytes, payload: bytes, response_secret: bytes | None = None) -> tuple[dict, bytes]:
    """What a client sends (for tests): the body and the response key's secret."""
    import coincurve
    key = coincurve.PrivateKey(response_secret) if response_secret else coincurve.PrivateKey()
    response_key = key.public_key.format(compressed=False)
    request = ecies.encrypt(enclave_public, payload)
    digest = keccak(abi_encode(["bytes", "bytes"], [request, response_key]))
    signed = Account.sign_message(encode_defunct(primitive=digest), key.secret)
    signature = signed.r.to_bytes(32, "big") + signed.s.to_bytes(32, "big") + bytes([signed.v])
    return {"request": list(request), "response_key": list(response_key), "signature": list(signature)}, key.secret


def client_open(enclave_address: str, response_secret: bytes, data: dict):
    """What a client does with the answer's data (for tests): check the enclave signed it, decrypt, parse."""
    response, salt, signature = bytes(data["response"]), bytes(data["salt"]), bytes(data["signature"])
    digest = keccak(abi_encode(["bytes", "bytes"], [response, salt]))
    signer = Account.recover_message(encode_defunct(primitive=digest), signature=signature)
    if signer != to_checksum_address(enclave_address):
        raise ValueError(f"response signed by {signer}, not by the enclave {enclave_address}")
    return json.loads(ecies.decrypt(response_secret, response))
