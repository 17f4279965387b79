"""Seeded random RLP cases from pyrlp 5.0 for the Swift tests.

Prints {"items": [{"item": <tree>, "rlp": hex}], "mutations": [{"input": hex, "valid": bool, "item": <tree>|null}]}
where a tree is a hex string (bytes) or a JSON array (list).
"""
import json
import random
import sys

import rlp

seed = int(sys.argv[1]) if len(sys.argv) > 1 else 1
count = int(sys.argv[2]) if len(sys.argv) > 2 else 300
rng = random.Random(seed)


def random_bytes():
    kind = rng.random()
    if kind < 0.15:
        return b""
    if kind < 0.35:
        return bytes([rng.randrange(256)])
    if kind < 0.75:
        return bytes(rng.randrange(256) for _ in range(rng.randrange(2, 56)))
    return bytes(rng.randrange(256) for _ in range(rng.randrange(56, 1200 if rng.random() < 0.2 else 120)))


def random_item(depth=0):
    if depth < 4 and rng.random() < 0.4:
        return [random_item(depth + 1) for _ in range(rng.randrange(0, 8 if depth < 2 else 4))]
    return random_bytes()


def tree(x):
    if isinstance(x, (bytes, bytearray)):
        return x.hex()
    return [tree(c) for c in x]


items = []
mutations = []
for _ in range(count):
    item = random_item()
    enc = rlp.encode(item)
    if rlp.decode(enc) != item:
        sys.exit("pyrlp does not round-trip")
    items.append({"item": tree(item), "rlp": enc.hex()})
    # Mutations: flip one random bit, cut at a random point, append a byte.
    flipped = bytearray(enc)
    flipped[rng.randrange(len(enc))] ^= 1 << rng.randrange(8)
    for mutated in (
        bytes(flipped),
        enc[: rng.randrange(len(enc))],
        enc + bytes([rng.randrange(256)]),
    ):
        try:
            decoded = rlp.decode(mutated)
            mutations.append({"input": mutated.hex(), "valid": True, "item": tree(decoded)})
        except rlp.exceptions.DecodingError:
            mutations.append({"input": mutated.hex(), "valid": False, "item": None})

print(json.dumps({"items": items, "mutations": mutations}))
