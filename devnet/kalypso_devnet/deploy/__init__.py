"""Deploy a Kalypso look-alike network onto a devnet node.

    from kalypso_devnet.deploy import deploy, write_config
    d = deploy("http://127.0.0.1:8545", generation="B")
    write_config("kalypso-config.json", d, {"url": ..., "utilityUrl": ..., "verifier": ...}, rpc_url)

A generation plugs in by adding `GENERATIONS[letter] = fn` where `fn(rpc, deployment)` deploys its
contracts and markets on top of the common ones (deploy/common.py). Generation A lives in
deploy/gen_a.py (registered here when present).
"""
from __future__ import annotations

import importlib
import importlib.util

from ..constants import CHAIN_ID
from ..rpc import Rpc
from .common import Deployment, Market, deploy_common, deploy_contract, write_config

GENERATIONS: dict = {}

# A generation module that exists must import cleanly (its errors are not hidden).
for _letter, _mod in (("A", "gen_a"), ("B", "gen_b")):
    if importlib.util.find_spec(f"{__name__}.{_mod}") is not None:
        GENERATIONS[_letter] = importlib.import_module(f"{__name__}.{_mod}").deploy


def deploy(rpc_url: str, generation: str = "B", **options) -> Deployment:
    """Deploy the common contracts and those of `generation` ("A" or "B") from the dev admin account.
    On a fresh node (same accounts, same order) the addresses are always the same, whatever the options.
    `options` go to the generation's deploy, which records them in `Deployment.options`:
    Gen A slash_events="sdk" | "sepolia", ask_variant="sdk" | "master";
    Gen B claim_variant="both" | "sdk" | "arbitrum-one"."""
    if generation not in GENERATIONS:
        raise ValueError(f"unknown or unavailable generation {generation!r} (have {sorted(GENERATIONS)})")
    rpc = Rpc(rpc_url)
    chain_id = int(rpc("eth_chainId"), 16)
    if chain_id != CHAIN_ID:
        raise ValueError(f"node at {rpc_url} has chain id {chain_id}, the devnet uses {CHAIN_ID}")
    d = Deployment(generation, chain_id, rpc.block_number() + 1)
    deploy_common(rpc, d)
    GENERATIONS[generation](rpc, d, **options)
    d.end_block = rpc.block_number()
    return d


__all__ = ["deploy", "write_config", "Deployment", "Market", "deploy_common", "deploy_contract", "GENERATIONS"]
