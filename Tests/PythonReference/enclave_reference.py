"""Reference attestation blob and enclave signature from the devnet's Python code (kalypso_devnet.attestation,
eth-abi / eth-keys), for the Swift byte-for-byte checks.

    enclave_reference.py SEED TIMESTAMP_MS OPERATOR
prints one JSON object: the verifier's /verify/raw answer, the abi-encoded blob, the image id, the enclave
address, the enclave's signature authorising OPERATOR and its digest, and the verifier's address.
"""
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "devnet"))

from eth_account import Account  # noqa: E402

from kalypso_devnet import attestation as A  # noqa: E402
from kalypso_devnet.constants import PROVER_PCRS, VERIFIER_PRIVATE_KEY  # noqa: E402


def main() -> None:
    seed, timestamp_ms, operator = sys.argv[1].encode(), int(sys.argv[2]), sys.argv[3]
    enclave = A.Enclave.generate(PROVER_PCRS, seed=seed)
    answer = A.verify_response(enclave.public_key, enclave.pcrs, timestamp_ms)
    blob = A.attestation_from_verify_response(answer)
    print(json.dumps({
        "verifier_answer": answer,
        "blob": blob.hex(),
        "image_id": enclave.image_id.hex(),
        "enclave_address": enclave.address,
        "enclave_signature": enclave.sign_operator(blob, operator).hex(),
        "operator_digest": A.operator_digest(blob, operator).hex(),
        "verifier_address": Account.from_key(VERIFIER_PRIVATE_KEY).address,
        "family_gen_0": A.generator_family_id(0).hex(),
        "family_prov_1": A.prover_family_id(1).hex(),
    }))


if __name__ == "__main__":
    main()
