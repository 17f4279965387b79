"""python -m kalypso_devnet.deploy --rpc URL [--generation B] [--claim-variant V] [--slash-events E]
[--ask-variant V] [--out deployment.json] [--config kalypso-config.json]"""
import argparse
import json
from pathlib import Path

from . import deploy, write_config

ap = argparse.ArgumentParser(description="Deploy the Kalypso look-alike contracts onto a devnet node.")
ap.add_argument("--rpc", default="http://127.0.0.1:8545")
ap.add_argument("--generation", default="B", choices=["A", "B"])
ap.add_argument("--claim-variant", choices=["both", "sdk", "arbitrum-one"],
                help="Gen B: which claimProverFeeReward overloads the marketplace answers (default both)")
ap.add_argument("--slash-events", choices=["sdk", "sepolia"],
                help="Gen A: what a slash logs: sdk = only ProofNotGenerated and the token Transfer (SDK 1.0.57 "
                     "build, default), sepolia = also StakeSlashed (deployed Arbitrum Sepolia build)")
ap.add_argument("--ask-variant", choices=["sdk", "master"],
                help="Gen A: sdk = the 4-argument createAsk only (default); master = also createAsk with extraData "
                     "and its 5-field AskCreated, plus treasuryCollection()")
ap.add_argument("--out", help="write the Deployment as JSON here")
ap.add_argument("--config", help="write kalypso-config.json here")
a = ap.parse_args()
given = {"claim_variant": a.claim_variant, "slash_events": a.slash_events, "ask_variant": a.ask_variant}
options = {k: v for k, v in given.items() if v is not None}
for k in options:
    if (k == "claim_variant") != (a.generation == "B"):
        ap.error(f"--{k.replace('_', '-')} is not an option of Generation {a.generation}")
d = deploy(a.rpc, a.generation, **options)
for p in (a.out, a.config):
    if p:
        Path(p).parent.mkdir(parents=True, exist_ok=True)
if a.out:
    Path(a.out).write_text(json.dumps(d.to_json(), indent=2) + "\n")
if a.config:
    write_config(a.config, d, rpc_url=a.rpc)
print(json.dumps(d.to_json()["addresses"], indent=2))
