"""ProverManager.joinMarketplace calldata (spec §2.6.3) with eth-abi 6.0.0 for fixed sample inputs.

The attestation blob is abi.encode(bytes sig65, bytes pubkey64, bytes pcr0, bytes pcr1, bytes pcr2, uint256 tsMs)
(spec §2.6.1 item 3). Prints JSON {blob, calldata} as 0x hex. The inputs are shared with ABIJoinMarketplaceTests
and Benchmarks/abi_reference.py.
"""
import json

from eth_abi import encode
from eth_utils import keccak


def sample():
    sig = bytes((i * 7 + 1) % 256 for i in range(64)) + b"\x1c"
    pubkey = bytes((i * 3 + 5) % 256 for i in range(64))
    pcr0, pcr1, pcr2 = bytes([0xA0] * 48), bytes([0xA1] * 48), bytes(range(48))
    ts = 1712471793488
    blob = encode(["bytes", "bytes", "bytes", "bytes", "bytes", "uint256"], [sig, pubkey, pcr0, pcr1, pcr2, ts])
    enclave_sig = bytes((i * 11) % 256 for i in range(64)) + b"\x1b"
    types = ["uint256", "uint256", "uint256", "uint256", "uint256", "bool", "bytes", "bytes"]
    args = [1, 10, 10**18, 3600, 10**17, True, blob, enclave_sig]
    return blob, types, args


if __name__ == "__main__":
    blob, types, args = sample()
    selector = keccak(text="joinMarketplace(" + ",".join(types) + ")")[:4]
    print(json.dumps({"blob": "0x" + blob.hex(), "calldata": "0x" + (selector + encode(types, args)).hex()}))
