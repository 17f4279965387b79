"""Compile the look-alike Vyper contracts with the pinned vyper (0.4.3), caching artifacts.

Artifacts (abi + deploy bytecode) are cached as JSON under devnet/build/ keyed by the sha256 of the
contract source, of every other .vy file it may import (the contracts/ tree) and of the vyper
version, so an unchanged contract loads in milliseconds and a changed one recompiles (~1 s).
"""
from __future__ import annotations

import hashlib
import json
import os
import threading
from dataclasses import dataclass
from pathlib import Path

CONTRACTS_DIR = Path(__file__).resolve().parent / "contracts"
BUILD_DIR = Path(__file__).resolve().parent.parent / "build"

_lock = threading.Lock()
_memo: dict[str, "Artifact"] = {}


@dataclass(frozen=True)
class Artifact:
    """A compiled contract: its name (path under contracts/ without .vy, e.g. "genb/ProverManager"),
    ABI and creation bytecode (0x-hex)."""
    name: str
    abi: list
    bytecode: str


def _tree_hash() -> str:
    h = hashlib.sha256()
    for p in sorted(CONTRACTS_DIR.rglob("*.vy")):
        h.update(str(p.relative_to(CONTRACTS_DIR)).encode())
        h.update(b"\0")
        h.update(p.read_bytes())
        h.update(b"\0")
    return h.hexdigest()


def contract_path(name: str) -> Path:
    """Resolve "genb/ProverManager" (or a bare "ProverManager" when only one file has that name) to
    its .vy file under contracts/. Both generations have a ProofMarketplace: name the folder."""
    p = CONTRACTS_DIR / (name if name.endswith(".vy") else name + ".vy")
    if p.exists():
        return p
    hits = [q for q in CONTRACTS_DIR.rglob(Path(name).stem + ".vy")]
    if len(hits) == 1:
        return hits[0]
    if not hits:
        raise FileNotFoundError(f"no contract {name!r} under {CONTRACTS_DIR}")
    raise ValueError(f"contract name {name!r} is ambiguous: {[str(h) for h in hits]}")


def compile_contract(name: str) -> Artifact:
    """Compile (or load from cache) the contract `name` (file stem or path relative to contracts/)."""
    import vyper
    path = contract_path(name)
    rel = str(path.relative_to(CONTRACTS_DIR))
    with _lock:
        key = hashlib.sha256(f"artifact-v2\0{vyper.__version__}\0{rel}\0{_tree_hash()}".encode()).hexdigest()[:24]
        if key in _memo:
            return _memo[key]
        BUILD_DIR.mkdir(parents=True, exist_ok=True)
        cache = BUILD_DIR / f"{path.stem}-{key}.json"
        if cache.exists():
            d = json.loads(cache.read_text())
        else:
            from vyper.compiler.input_bundle import FilesystemInputBundle
            bundle = FilesystemInputBundle([path.parent, CONTRACTS_DIR])
            try:
                out = vyper.compile_code(path.read_text(), contract_path=path, resolved_path=path,
                                         input_bundle=bundle, output_formats=["abi", "bytecode"])
            except Exception as e:  # vyper's errors already name the file and line
                raise RuntimeError(f"vyper failed on {rel}: {e}") from e
            d = {"name": rel[:-3], "abi": out["abi"], "bytecode": out["bytecode"]}
            tmp = cache.with_suffix(f".tmp{os.getpid()}")
            tmp.write_text(json.dumps(d))
            tmp.replace(cache)
        art = Artifact(d["name"], d["abi"], d["bytecode"])
        _memo[key] = art
        return art


if __name__ == "__main__":
    import sys
    for n in sys.argv[1:] or [str(p.relative_to(CONTRACTS_DIR))[:-3] for p in sorted(CONTRACTS_DIR.rglob("*.vy"))
                              if "lib" not in p.relative_to(CONTRACTS_DIR).parts]:
        a = compile_contract(n)
        print(f"{a.name}: {len(a.bytecode) // 2 - 1} bytes, {len(a.abi)} abi entries")
