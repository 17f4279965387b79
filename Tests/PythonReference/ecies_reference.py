"""Reference ECIES (PyPI eciespy 0.4.7, default configuration) for the Swift cross-checks.

    ecies_reference.py decrypt SECRET_HEX CIPHERTEXT_HEX   -> prints the plaintext as hex
    ecies_reference.py encrypt PUBLIC_HEX PLAINTEXT_HEX    -> prints a fresh ciphertext as hex

Runs on the project's venv (Tests/TestSupport/Python.swift). Errors go to stderr with exit status 1.
"""
import sys

from ecies import ECIES_CONFIG, decrypt, encrypt


def main(argv: list[str]) -> int:
    # The parameters the Kalypso secure channel relies on (spec §5.7); fail loudly if a default changes.
    assert ECIES_CONFIG.elliptic_curve == "secp256k1"
    assert not ECIES_CONFIG.is_ephemeral_key_compressed and not ECIES_CONFIG.is_hkdf_key_compressed
    assert ECIES_CONFIG.symmetric_algorithm == "aes-256-gcm" and ECIES_CONFIG.symmetric_nonce_length == 16
    command, first, second = argv[1], bytes.fromhex(argv[2]), bytes.fromhex(argv[3])
    if command == "decrypt":
        print(decrypt(first, second).hex())
    elif command == "encrypt":
        print(encrypt(first, second).hex())
    else:
        print(f"unknown command {command}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
