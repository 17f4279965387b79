"""Seeded random EIP-191 and EIP-712 signing cases from eth-account 0.14 for the Swift tests.

Usage: core_sign.py SEED N191 N712. Prints {"eip191": [...], "hashes": [...], "eip712": [...]} (hex without
leading 0x stripped: every hex field is 0x-prefixed). Integers in typed-data messages are printed as decimal
or 0x-hex strings (JSON numbers cannot hold 256-bit values).
"""
import json
import random
import sys

from eth_account import Account
from eth_account.messages import _hash_eip191_message, encode_defunct, encode_typed_data
from eth_utils import keccak, to_checksum_address

seed, n191, n712 = (int(a) for a in sys.argv[1:4])
rng = random.Random(seed)
N = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141


def rbytes(n):
    return bytes(rng.randrange(256) for _ in range(n))


def rkey():
    return rng.randrange(1, N).to_bytes(32, "big")


def hx(b):
    return "0x" + bytes(b).hex()


eip191 = []
for _ in range(n191):
    key = rkey()
    kind = rng.random()
    if kind < 0.3:
        msg = rbytes(32)  # personal_sign of a 32-byte digest (Kalypso's enclave signature)
    elif kind < 0.5:
        msg = "".join(rng.choice("abc xyz\n€✓0123") for _ in range(rng.randrange(0, 40))).encode()
    else:
        msg = rbytes(rng.randrange(0, 300))
    signable = encode_defunct(primitive=msg)
    signed = Account.sign_message(signable, key)
    eip191.append({
        "key": hx(key), "message": hx(msg), "hash": hx(_hash_eip191_message(signable)),
        "signature": hx(signed.signature), "address": Account.from_key(key).address,
    })

hashes = []
for _ in range(n191):
    key = rkey()
    digest = rbytes(32)
    signed = Account.unsafe_sign_hash(digest, key)
    hashes.append({"key": hx(key), "digest": hx(digest), "signature": hx(signed.signature),
                   "address": Account.from_key(key).address})

ATOMIC = ["string", "bytes", "bool", "address"] + [f"bytes{n}" for n in (1, 4, 20, 31, 32)] + \
    [f"uint{b}" for b in (8, 16, 64, 128, 256)] + [f"int{b}" for b in (8, 32, 128, 256)]


def rvalue(t, types):
    """(python value for eth-account, json value for Swift)."""
    if t.endswith("]"):
        inner, size = t[: t.rindex("[")], t[t.rindex("[") + 1 : -1]
        n = int(size) if size else rng.randrange(0, 4)
        pairs = [rvalue(inner, types) for _ in range(n)]
        return [p for p, _ in pairs], [j for _, j in pairs]
    if t in types:
        py, js = {}, {}
        for f in types[t]:
            py[f["name"]], js[f["name"]] = rvalue(f["type"], types)
        return py, js
    if t == "string":
        s = "".join(rng.choice("Marlin kalypso ✓é\"\\") for _ in range(rng.randrange(0, 30)))
        return s, s
    if t == "bytes":
        b = rbytes(rng.randrange(0, 80))
        return hx(b), hx(b)
    if t == "bool":
        b = rng.random() < 0.5
        return b, b
    if t == "address":
        a = to_checksum_address(rbytes(20))
        return a, a if rng.random() < 0.5 else a.lower()
    if t.startswith("bytes"):
        b = rbytes(int(t[5:]))
        return hx(b), hx(b)
    if t.startswith("uint"):
        bits = int(t[4:])
        v = rng.choice([0, 1, (1 << bits) - 1, rng.randrange(1 << bits)])
        return v, str(v) if rng.random() < 0.6 else hex(v)
    if t.startswith("int"):
        bits = int(t[3:])
        v = rng.choice([0, -1, -(1 << (bits - 1)), (1 << (bits - 1)) - 1, rng.randrange(-(1 << (bits - 1)), 1 << (bits - 1))])
        return v, str(v)
    raise ValueError(t)


def rtypes():
    types = {}
    names = rng.sample(["Attestation", "Mail", "Person", "Order", "Zeta", "Alpha", "Bid", "Ask"], 3)
    primary, nested, leaf = names
    for name, depth in ((leaf, 2), (nested, 1), (primary, 0)):
        fields = []
        for i in range(rng.randrange(1, 7)):
            r = rng.random()
            if r < 0.15 and depth == 0:
                t = nested
            elif r < 0.25 and depth <= 1:
                t = leaf if depth == 1 else rng.choice([nested, leaf])
            else:
                t = rng.choice(ATOMIC)
            if rng.random() < 0.12:
                t += rng.choice(["[]", "[2]"])
            fields.append({"name": f"f{i}_{rng.choice(['a', 'b', 'pcr', 'x'])}", "type": t})
        types[name] = fields
    # Only keep types reachable from the primary type (eth-account rejects unused types).
    reachable, todo = set(), [primary]
    while todo:
        t = todo.pop()
        if t in reachable:
            continue
        reachable.add(t)
        for f in types[t]:
            base = f["type"].split("[")[0]
            if base in types:
                todo.append(base)
    return {k: v for k, v in types.items() if k in reachable}, primary


eip712 = []
for _ in range(n712):
    key = rkey()
    types, primary = rtypes()
    domain_fields, domain_py, domain_js = [], {}, {}
    for name, t in (("name", "string"), ("version", "string"), ("chainId", "uint256"),
                    ("verifyingContract", "address"), ("salt", "bytes32")):
        if rng.random() < 0.6 or (name == "name" and not domain_fields):
            domain_fields.append({"name": name, "type": t})
            domain_py[name], domain_js[name] = rvalue(t, {})
    types["EIP712Domain"] = domain_fields
    msg_py, msg_js = rvalue(primary, types)
    full = {"types": types, "primaryType": primary, "domain": domain_py, "message": msg_py}
    signable = encode_typed_data(full_message=full)
    signed = Account.sign_message(signable, key)
    eip712.append({
        "key": hx(key), "types": types, "primaryType": primary, "domain": domain_js, "message": msg_js,
        "domainSeparator": hx(signable.header), "structHash": hx(signable.body),
        "digest": hx(_hash_eip191_message(signable)), "signature": hx(signed.signature),
        "address": Account.from_key(key).address,
    })

# The Kalypso attestation struct (spec §2.6.1 item 4) with random enclave keys, PCRs and timestamps.
ATTESTATION_TYPES = {
    "EIP712Domain": [{"name": "name", "type": "string"}, {"name": "version", "type": "string"}],
    "Attestation": [
        {"name": "enclavePubKey", "type": "bytes"}, {"name": "PCR0", "type": "bytes"}, {"name": "PCR1", "type": "bytes"},
        {"name": "PCR2", "type": "bytes"}, {"name": "timestampInMilliseconds", "type": "uint256"},
    ],
}
attestations = []
for _ in range(20):
    verifier_key, enclave_key = rkey(), rkey()
    enclave_pub = Account.from_key(enclave_key)._key_obj.public_key.to_bytes()
    msg = {"enclavePubKey": enclave_pub, "PCR0": rbytes(48), "PCR1": rbytes(48), "PCR2": rbytes(48),
           "timestampInMilliseconds": rng.randrange(1_700_000_000_000, 1_900_000_000_000)}
    full = {"types": ATTESTATION_TYPES, "primaryType": "Attestation",
            "domain": {"name": "marlin.oyster.AttestationVerifier", "version": "1"}, "message": msg}
    signable = encode_typed_data(full_message=full)
    signed = Account.sign_message(signable, verifier_key)
    attestations.append({
        "verifierKey": hx(verifier_key), "enclavePubKey": hx(enclave_pub), "pcr0": hx(msg["PCR0"]),
        "pcr1": hx(msg["PCR1"]), "pcr2": hx(msg["PCR2"]), "timestamp": str(msg["timestampInMilliseconds"]),
        "digest": hx(_hash_eip191_message(signable)), "signature": hx(signed.signature),
        "verifierAddress": Account.from_key(verifier_key).address,
    })

print(json.dumps({"eip191": eip191, "hashes": hashes, "eip712": eip712, "attestations": attestations}))
