"""Random ABI types and values encoded with eth-abi 6.0.0: the reference for ABICrossCheckTests.

Prints one JSON document:
  cases:   [{types: [type strings], values: [JSON values], hex: eth_abi.encode(types, values)}]
  calls:   [{name, types, values, hex: selector + encoding}]
  events:  [{name, params: [{type, indexed}], values, topics: [hex], data: hex}]
  packed:  [{types, values, hex: eth_abi.packed.encode_packed}] (elementary types only: for arrays eth-abi does not
           pad elements as Solidity does, so it is no reference there)
  mutants: [{types, hex: a damaged encoding, ok: eth-abi strict decode succeeded, values (when ok)}]
JSON values: integers as decimal strings, bytes as 0x hex, addresses EIP-55, arrays and tuples as lists.
Usage: abi_random.py SEED COUNT
"""
import json
import random
import sys

from eth_abi import decode, encode
from eth_abi.packed import encode_packed
from eth_utils import keccak, to_checksum_address

rng = random.Random(int(sys.argv[1]))
COUNT = int(sys.argv[2])

ELEMENTARY = ["uint", "int", "address", "bool", "fixedbytes", "bytes", "string"]


def elementary():
    k = rng.choice(ELEMENTARY)
    if k == "uint":
        return "uint%d" % (8 * rng.randint(1, 32))
    if k == "int":
        return "int%d" % (8 * rng.randint(1, 32))
    if k == "fixedbytes":
        return "bytes%d" % rng.randint(1, 32)
    return k


def random_type(depth, force=False):
    """A type string; with force, nesting reaches `depth` levels."""
    if depth == 0:
        return elementary()
    r = rng.random()
    if not force and r < 0.45:
        return elementary()
    kind = rng.choice(["array", "fixed", "tuple", "tuple"])
    if kind == "array":
        return random_type(depth - 1, force) + "[]"
    if kind == "fixed":
        return random_type(depth - 1, force) + "[%d]" % rng.randint(1, 3)
    n = rng.randint(1, 4)
    forced = rng.randrange(n)
    return "(" + ",".join(random_type(depth - 1, force and i == forced) for i in range(n)) + ")"


def split_top(s):
    """Splits a tuple body at top-level commas."""
    parts, level, cur = [], 0, ""
    for ch in s:
        if ch == "," and level == 0:
            parts.append(cur)
            cur = ""
            continue
        level += ch == "("
        level -= ch == ")"
        cur += ch
    parts.append(cur)
    return parts


def random_value(t):
    """(python value for eth_abi, JSON value)."""
    if t.endswith("]"):
        open_ = t.rindex("[")
        inner, size = t[:open_], t[open_ + 1:-1]
        n = int(size) if size else rng.choice([0, 1, 1, 2, 2, 3])
        pairs = [random_value(inner) for _ in range(n)]
        return [p for p, _ in pairs], [j for _, j in pairs]
    if t.startswith("("):
        pairs = [random_value(c) for c in split_top(t[1:-1])]
        return tuple(p for p, _ in pairs), [j for _, j in pairs]
    if t.startswith("uint"):
        bits = int(t[4:])
        v = rng.choice([0, 1, (1 << bits) - 1, rng.getrandbits(bits), rng.getrandbits(rng.randint(1, bits))])
        return v, str(v)
    if t.startswith("int"):
        bits = int(t[3:])
        lo, hi = -(1 << (bits - 1)), (1 << (bits - 1)) - 1
        v = rng.choice([0, -1, lo, hi, rng.randint(lo, hi)])
        return v, str(v)
    if t == "address":
        a = to_checksum_address(bytes(rng.getrandbits(8) for _ in range(20)))
        return a, a
    if t == "bool":
        b = rng.random() < 0.5
        return b, b
    if t == "string":
        alphabet = "abcXYZ 09_-é€😀\"\\\n"
        s = "".join(rng.choice(alphabet) for _ in range(rng.choice([0, 1, 5, 31, 32, 33, 70])))
        return s, s
    if t == "bytes":
        b = bytes(rng.getrandbits(8) for _ in range(rng.choice([0, 1, 31, 32, 33, 64, 65, 100])))
        return b, "0x" + b.hex()
    if t.startswith("bytes"):
        b = bytes(rng.getrandbits(8) for _ in range(int(t[5:])))
        return b, "0x" + b.hex()
    raise ValueError(t)


def to_json(t, v):
    """JSON form of a value eth-abi decoded, matching random_value's JSON."""
    if t.endswith("]"):
        inner = t[:t.rindex("[")]
        return [to_json(inner, x) for x in v]
    if t.startswith("("):
        return [to_json(c, x) for c, x in zip(split_top(t[1:-1]), v)]
    if t.startswith("uint") or t.startswith("int"):
        return str(v)
    if t == "address":
        return to_checksum_address(v)
    if t.startswith("bytes"):
        return "0x" + v.hex()
    return v


def case(depth_force):
    n = rng.randint(1, 4)
    types = [random_type(rng.randint(0, 4), force=(i == 0 and depth_force)) for i in range(n)]
    if depth_force:
        types[0] = random_type(3, force=True)
    pairs = [random_value(t) for t in types]
    py = [p for p, _ in pairs]
    return types, py, [j for _, j in pairs]


cases, calls, events, mutants, packed = [], [], [], [], []
for i in range(COUNT):
    types, py, js = case(depth_force=(i % 2 == 0))
    cases.append({"types": types, "values": js, "hex": "0x" + encode(types, py).hex()})

for i in range(COUNT // 4):
    types, py, js = case(depth_force=False)
    name = "f%d_%s" % (i, rng.choice(["join", "stake", "x"]))
    sig = name + "(" + ",".join(types) + ")"
    calls.append({"name": name, "types": types, "values": js,
                  "hex": "0x" + (keccak(text=sig)[:4] + encode(types, py)).hex()})

for i in range(COUNT // 4):
    n = rng.randint(1, 5)
    params = []
    for _ in range(n):
        indexed = len([p for p in params if p["indexed"]]) < 3 and rng.random() < 0.5
        t = rng.choice([elementary(), elementary(), "string", "bytes"]) if indexed else random_type(rng.randint(0, 3))
        params.append({"type": t, "indexed": indexed})
    name = "E%d" % i
    pairs = [random_value(p["type"]) for p in params]
    topics = [keccak(text=name + "(" + ",".join(p["type"] for p in params) + ")")]
    data_types, data_values = [], []
    for p, (v, _) in zip(params, pairs):
        if p["indexed"]:
            if p["type"] == "string":
                topics.append(keccak(text=v))
            elif p["type"] == "bytes":
                topics.append(keccak(v))
            else:
                topics.append(encode([p["type"]], [v]))
        else:
            data_types.append(p["type"])
            data_values.append(v)
    events.append({"name": name, "params": params, "values": [j for _, j in pairs],
                   "topics": ["0x" + t.hex() for t in topics], "data": "0x" + encode(data_types, data_values).hex()})

for i in range(COUNT // 2):
    types, py, js = case(depth_force=False)
    data = bytearray(encode(types, py))
    mode = rng.choice(["flip", "flip", "truncate", "word"])
    if mode == "truncate" and data:
        data = data[:rng.randrange(len(data))]
    elif mode == "flip" and data:
        for _ in range(rng.randint(1, 3)):
            p = rng.randrange(len(data))
            data[p] ^= 1 << rng.randrange(8)
    elif data:
        w = rng.randrange(len(data) // 32) * 32 if len(data) >= 32 else 0
        data[w:w + 32] = rng.choice([
            (1 << 255).to_bytes(32, "big"), ((1 << 64) + 1).to_bytes(32, "big"), (2**256 - 1).to_bytes(32, "big"),
            (len(data)).to_bytes(32, "big"), (len(data) - 32).to_bytes(32, "big"), (0).to_bytes(32, "big")])
    entry = {"types": types, "hex": "0x" + bytes(data).hex()}
    try:
        decoded = decode(types, bytes(data))
        entry["ok"] = True
        entry["values"] = [to_json(t, v) for t, v in zip(types, decoded)]
    except Exception as e:  # any eth-abi rejection: we record the verdict, not the message
        entry["ok"] = False
        entry["error"] = type(e).__name__
    mutants.append(entry)

for i in range(COUNT // 4):
    types = [elementary() for _ in range(rng.randint(1, 6))]
    pairs = [random_value(t) for t in types]
    packed.append({"types": types, "values": [j for _, j in pairs],
                   "hex": "0x" + encode_packed(types, [p for p, _ in pairs]).hex()})

print(json.dumps({"cases": cases, "calls": calls, "events": events, "mutants": mutants, "packed": packed}))
