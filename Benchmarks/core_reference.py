"""Python reference for `kalypso-bench ethereum`: the same work with eth-hash / eth-account 0.14.

Prints one JSON object of rates. Run by the Swift benchmark with .venv/bin/python in the same run.
Usage: core_reference.py SECONDS
"""
import json
import sys
import time

from Crypto.Hash import keccak as pycryptodome_keccak
from eth_account import Account
from eth_hash.auto import keccak

seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 1.0


def rate(fn, unit_work):
    """Work units per CPU second: the best of five slices of seconds/5 (as the Swift side measures)."""
    fn()  # warm up (imports, backend selection)
    best = 0.0
    for _ in range(5):
        # The CPU clock is read once per batch, not per call.
        count, batch, start = 0, 1, time.process_time()
        while True:
            for _ in range(batch):
                fn()
            count += batch
            elapsed = time.process_time() - start
            if elapsed >= seconds / 5:
                break
            if elapsed < seconds / 250:
                batch *= 2
        best = max(best, count * unit_work / elapsed)
    return best


MIB = 1 << 20
big = bytes((i * 7 + 3) % 256 for i in range(MIB))
small = big[:64]
key = bytes.fromhex("4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318")
account = Account.from_key(key)
digests = [keccak(i.to_bytes(4, "big")) for i in range(1024)]
state = {"i": 0}


def sign_recover():
    d = digests[state["i"] % 1024]
    state["i"] += 1
    sig = Account.unsafe_sign_hash(d, key)
    if Account._recover_hash(d, signature=sig.signature) != account.address:
        raise SystemExit("recover mismatch")


def sign_type2():
    state["i"] += 1
    tx = {
        "type": 2, "chainId": 42161, "nonce": state["i"], "maxPriorityFeePerGas": 0, "maxFeePerGas": 100_000_000,
        "gas": 500_000, "to": "0x4743a2c7a96C9FBED8b7eAD980aD01822F9711Db", "value": 0,
        "data": bytes(range(256)) * 3, "accessList": [],
    }
    return Account.sign_transaction(tx, key).raw_transaction


print(json.dumps({
    "keccak_mb_per_s": rate(lambda: keccak(big), MIB) / 1e6,
    "keccak_pycryptodome_mb_per_s": rate(lambda: pycryptodome_keccak.new(digest_bits=256, data=big).digest(), MIB) / 1e6,
    "keccak_64b_per_s": rate(lambda: keccak(small), 1),
    "sign_recover_per_s": rate(sign_recover, 1),
    "type2_sign_per_s": rate(sign_type2, 1),
}))
