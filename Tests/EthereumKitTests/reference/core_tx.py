"""Seeded random signed transactions from eth-account 0.14 for the Swift tests.

Usage: core_tx.py SEED N_LEGACY N_TYPE2 N_TYPE1. Prints a JSON list of cases; integers are decimal strings,
bytes are 0x-hex. Each case has the fields, the key, and eth-account's signing hash, raw bytes, tx hash, v/r/s
and the sender recovered by eth-account from the raw bytes.
"""
import json
import random
import sys

from eth_account import Account
from eth_account._utils.legacy_transactions import serializable_unsigned_transaction_from_dict
from eth_account.typed_transactions import TypedTransaction
from eth_utils import to_checksum_address

seed, n_legacy, n_type2, n_type1 = (int(a) for a in sys.argv[1:5])
rng = random.Random(seed)
N = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141


def rint(max_bits):
    r = rng.random()
    if r < 0.1:
        return 0
    if r < 0.15:
        return (1 << max_bits) - 1
    if r < 0.5:
        return rng.randrange(1 << rng.randrange(1, 40))
    return rng.randrange(1 << rng.randrange(1, max_bits + 1))


def rchain():
    return rng.choice([1, 5, 137, 17000, 42161, 421614, rint(64), rint(256) or 1])


def rbytes(n):
    return bytes(rng.randrange(256) for _ in range(n))


def raddr():
    return to_checksum_address(rbytes(20))


def rdata():
    r = rng.random()
    if r < 0.3:
        return b""
    if r < 0.9:
        return rbytes(rng.randrange(1, 200))
    return rbytes(rng.randrange(200, 2000))


def raccess():
    return [{"address": raddr(), "storageKeys": ["0x" + rbytes(32).hex() for _ in range(rng.randrange(0, 4))]}
            for _ in range(rng.choice([0, 0, 1, 2, 3]))]


cases = []
kinds = [0] * n_legacy + [2] * n_type2 + [1] * n_type1
for kind in kinds:
    key = rng.randrange(1, N).to_bytes(32, "big")
    to = raddr() if rng.random() < 0.85 else None
    tx = {"nonce": rint(64), "gas": rint(256), "value": rint(256), "data": rdata()}
    if kind == 0:
        tx["gasPrice"] = rint(256)
        tx["to"] = to if to else b""
        if rng.random() < 0.85:
            tx["chainId"] = rchain()
        unsigned_hash = serializable_unsigned_transaction_from_dict(tx).hash()
    else:
        tx["type"] = kind
        tx["chainId"] = rchain()
        tx["to"] = to
        tx["accessList"] = raccess()
        if kind == 2:
            tx["maxFeePerGas"] = rint(256)
            tx["maxPriorityFeePerGas"] = rint(256)
        else:
            tx["gasPrice"] = rint(256)
        unsigned_hash = TypedTransaction.from_dict(tx).hash()
    signed = Account.sign_transaction(tx, key)
    sender = Account.recover_transaction(signed.raw_transaction)
    if sender != Account.from_key(key).address:
        sys.exit("eth-account recovered a different sender")
    fields = {k: (str(v) if isinstance(v, int) else v) for k, v in tx.items() if k not in ("data", "to", "accessList")}
    cases.append({
        "type": kind, "key": "0x" + key.hex(), "fields": fields, "to": to, "data": "0x" + tx["data"].hex(),
        "accessList": tx.get("accessList"), "signingHash": "0x" + bytes(unsigned_hash).hex(),
        "raw": "0x" + bytes(signed.raw_transaction).hex(), "hash": "0x" + bytes(signed.hash).hex(),
        "v": str(signed.v), "r": str(signed.r), "s": str(signed.s), "sender": sender,
    })
print(json.dumps(cases))
