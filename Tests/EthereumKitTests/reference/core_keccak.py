"""Keccak-256 reference digests from pycryptodome (the backend eth-hash uses) for the Swift tests.

Input of length n is bytes((i * 7 + 3) % 256 for i in range(n)); prints {"n": hexdigest} as JSON.
"""
import json
import sys

from Crypto.Hash import keccak
from eth_hash.auto import keccak as eth_keccak

LENGTHS = [0, 1, 31, 32, 33, 55, 56, 64, 135, 136, 137, 200, 271, 272, 273, 408, 1000, 4096, 65537]


def pattern(n):
    return bytes((i * 7 + 3) % 256 for i in range(n))


out = {}
for n in LENGTHS:
    data = pattern(n)
    d1 = keccak.new(digest_bits=256, data=data).hexdigest()
    d2 = eth_keccak(data).hex()
    if d1 != d2:
        sys.exit(f"pycryptodome and eth-hash disagree for n={n}")
    out[str(n)] = "0x" + d1
print(json.dumps(out))
