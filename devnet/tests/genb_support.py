"""Helpers for the Generation B tests: contract handles of a deployment, and revert checks against
the error selectors published in abi/selectors.md (an external reference, not our contracts)."""
from __future__ import annotations

import re
from pathlib import Path
from types import SimpleNamespace

import pytest
from eth_utils import keccak

from kalypso_devnet.rpc import Reverted

REPO = Path(__file__).resolve().parents[2]


def _selectors_table() -> dict[str, str]:
    """error name -> selector, from the `| error | ... |` rows of abi/selectors.md."""
    out = {}
    for m in re.finditer(r"^\| error \| `(\w+)\(([^`]*)\)` \| `(0x[0-9a-f]{8})`", (REPO / "abi/selectors.md").read_text(), re.M):
        out.setdefault(m.group(1), m.group(3))
    return out


SELECTORS_MD = _selectors_table()


def canonical(sig: str) -> str:
    return "0x" + keccak(text=sig)[:4].hex()


def expect_revert(sig: str, fn, *args, **kw) -> Reverted:
    """Run fn(*args) and require a revert whose data starts with the selector of error `sig`
    (e.g. "CannotBeZero()"); when abi/selectors.md lists the error, its selector must agree."""
    with pytest.raises(Reverted) as ei:
        fn(*args, **kw)
    want = canonical(sig)
    name = sig.split("(")[0]
    if name in SELECTORS_MD:
        assert SELECTORS_MD[name] == want, f"selectors.md has {SELECTORS_MD[name]} for {sig}"
    assert ei.value.selector == want, f"expected {sig} ({want}), got {ei.value.selector} {ei.value.error}{ei.value.args_}"
    return ei.value


def contracts(rpc, d) -> SimpleNamespace:
    return SimpleNamespace(**{role: d.contract(rpc, role) for role in d.addresses})
