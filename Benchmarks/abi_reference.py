"""eth-abi 6.0.0 reference figures for `kalypso-bench abi`: encodes/s and decodes/s of the
ProverManager.joinMarketplace call (spec §2.6.3) with a 704-byte attestation blob (spec §2.6.1).

Same sample inputs as Tests/EthereumKitTests/reference/abi_join.py. Prints JSON:
{"encodes_per_s", "decodes_per_s", "calldata"}. Usage: abi_reference.py [SECONDS]
"""
import json
import sys
import time

from eth_abi import decode, encode
from eth_utils import keccak

TYPES = ["uint256", "uint256", "uint256", "uint256", "uint256", "bool", "bytes", "bytes"]
SELECTOR = keccak(text="joinMarketplace(" + ",".join(TYPES) + ")")[:4]


def sample_args():
    sig = bytes((i * 7 + 1) % 256 for i in range(64)) + b"\x1c"
    pubkey = bytes((i * 3 + 5) % 256 for i in range(64))
    pcr0, pcr1, pcr2 = bytes([0xA0] * 48), bytes([0xA1] * 48), bytes(range(48))
    blob = encode(["bytes", "bytes", "bytes", "bytes", "bytes", "uint256"], [sig, pubkey, pcr0, pcr1, pcr2, 1712471793488])
    enclave_sig = bytes((i * 11) % 256 for i in range(64)) + b"\x1b"
    return [1, 10, 10**18, 3600, 10**17, True, blob, enclave_sig]


def rate(fn, seconds):
    """Calls fn in batches until `seconds` have passed; returns calls per second."""
    n, batch = 0, 64
    start = time.perf_counter()
    while True:
        for _ in range(batch):
            fn()
        n += batch
        elapsed = time.perf_counter() - start
        if elapsed >= seconds:
            return n / elapsed


def main():
    seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 1.0
    args = sample_args()
    calldata = SELECTOR + encode(TYPES, args)
    assert list(decode(TYPES, calldata[4:])) == args
    enc = rate(lambda: SELECTOR + encode(TYPES, args), seconds)
    dec = rate(lambda: decode(TYPES, calldata[4:]), seconds)
    print(json.dumps({"encodes_per_s": enc, "decodes_per_s": dec, "calldata": "0x" + calldata.hex()}))


if __name__ == "__main__":
    main()
