"""A look-alike of the AWS Nitro attestation document (spec §5.2): an untagged COSE_Sign1 (CBOR) whose payload
carries module_id, digest, timestamp (ms), pcrs, certificate, cabundle and the enclave's 64-byte public key.

It is signed (ES384, ECDSA P-384 over the COSE Sig_structure) by a simulated "Nitro root" key instead of AWS's
certificate chain; `certificate` and `cabundle[0]` hold that root's DER SubjectPublicKeyInfo. The simulated
attestation verifier (spec §5.3) trusts exactly that root.
"""
from __future__ import annotations

import secrets
import time

import cbor2
import coincurve
from Crypto.Hash import SHA384
from Crypto.PublicKey import ECC
from Crypto.Signature import DSS

COSE_ALG_ES384 = -35
COSE_SIGN1_TAG = 18
PCR_LEN = 48
PCR_COUNT = 16


class VerificationError(Exception):
    """The document is malformed or not signed by the trusted root."""


class NitroRoot:
    """The simulated root of trust; one per simulator process (AWS's root does not change when enclaves reboot)."""

    def __init__(self) -> None:
        self._key = ECC.generate(curve="P-384")
        self.der = self._key.public_key().export_key(format="DER")
        self.module_id = "i-0sim" + secrets.token_hex(6) + "-enc" + secrets.token_hex(8)

    def document(self, public_key64: bytes, pcrs: tuple[bytes, bytes, bytes], timestamp_ms: int | None = None) -> bytes:
        """A freshly signed attestation document for `public_key64` and PCR0..2 (other PCRs are zero)."""
        ts = int(time.time() * 1000) if timestamp_ms is None else timestamp_ms
        pcr_map = {i: (pcrs[i] if i < 3 else bytes(PCR_LEN)) for i in range(PCR_COUNT)}
        payload = cbor2.dumps({
            "module_id": self.module_id,
            "digest": "SHA384",
            "timestamp": ts,
            "pcrs": pcr_map,
            "certificate": self.der,
            "cabundle": [self.der],
            "public_key": public_key64,
            "user_data": None,
            "nonce": None,
        })
        protected = cbor2.dumps({1: COSE_ALG_ES384})
        signature = DSS.new(self._key, "fips-186-3").sign(SHA384.new(_sig_structure(protected, payload)))
        return cbor2.dumps([protected, {}, payload, signature])

    def verify(self, document: bytes) -> dict:
        """Parses and checks a document; returns {public_key, pcr0, pcr1, pcr2, timestamp}."""
        try:
            outer = cbor2.loads(document)
        except Exception as exc:
            raise VerificationError(f"not a CBOR document: {exc}") from exc
        if isinstance(outer, cbor2.CBORTag):
            if outer.tag != COSE_SIGN1_TAG:
                raise VerificationError(f"unexpected CBOR tag {outer.tag}")
            outer = outer.value
        if not isinstance(outer, list) or len(outer) != 4:
            raise VerificationError("not a COSE_Sign1 array of 4 items")
        protected, _unprotected, payload, signature = outer
        if not all(isinstance(x, bytes) for x in (protected, payload, signature)):
            raise VerificationError("COSE_Sign1 fields have wrong types")
        try:
            header = cbor2.loads(protected)
            body = cbor2.loads(payload)
        except Exception as exc:
            raise VerificationError(f"COSE header or payload is not CBOR: {exc}") from exc
        if not isinstance(header, dict) or header.get(1) != COSE_ALG_ES384:
            raise VerificationError("COSE algorithm is not ES384")
        if not isinstance(body, dict):
            raise VerificationError("payload is not a map")
        for field, kind in (("module_id", str), ("digest", str), ("timestamp", int), ("pcrs", dict),
                            ("certificate", bytes), ("cabundle", list), ("public_key", bytes)):
            if not isinstance(body.get(field), kind):
                raise VerificationError(f"payload field {field} is missing or has a wrong type")
        if body["digest"] != "SHA384":
            raise VerificationError("digest is not SHA384")
        if not body["cabundle"] or body["cabundle"][0] != self.der:
            raise VerificationError("certificate chain does not start at the trusted root")
        if body["certificate"] != self.der:
            raise VerificationError("certificate is not issued by the trusted root")
        try:
            DSS.new(self._key.public_key(), "fips-186-3").verify(
                SHA384.new(_sig_structure(protected, payload)), signature)
        except ValueError as exc:
            raise VerificationError("signature does not verify against the trusted root") from exc
        pcrs = body["pcrs"]
        for i in range(3):
            if not isinstance(pcrs.get(i), bytes) or len(pcrs[i]) != PCR_LEN:
                raise VerificationError(f"PCR{i} is missing or not {PCR_LEN} bytes")
        key = body["public_key"]
        if len(key) != 64:
            raise VerificationError(f"public_key is {len(key)} bytes, expected a 64-byte secp256k1 key")
        try:
            coincurve.PublicKey(b"\x04" + key)
        except Exception as exc:
            raise VerificationError("public_key is not a secp256k1 point") from exc
        return {"public_key": key, "pcr0": pcrs[0], "pcr1": pcrs[1], "pcr2": pcrs[2], "timestamp": body["timestamp"]}


def _sig_structure(protected: bytes, payload: bytes) -> bytes:
    return cbor2.dumps(["Signature1", protected, b"", payload])
