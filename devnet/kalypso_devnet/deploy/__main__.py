"""python -m kalypso_devnet.deploy --rpc URL [--generation B] [--out deployment.json] [--config kalypso-config.json]"""
import argparse
import json
from pathlib import Path

from . import deploy, write_config

ap = argparse.ArgumentParser(description="Deploy the Kalypso look-alike contracts onto a devnet node.")
ap.add_argument("--rpc", default="http://127.0.0.1:8545")
ap.add_argument("--generation", default="B", choices=["A", "B"])
ap.add_argument("--claim-variant", choices=["both", "sdk", "arbitrum-one"],
                help="Gen B: which claimProverFeeReward overloads the marketplace answers (default both)")
ap.add_argument("--out", help="write the Deployment as JSON here")
ap.add_argument("--config", help="write kalypso-config.json here")
a = ap.parse_args()
d = deploy(a.rpc, a.generation, **({"claim_variant": a.claim_variant} if a.claim_variant else {}))
for p in (a.out, a.config):
    if p:
        Path(p).parent.mkdir(parents=True, exist_ok=True)
if a.out:
    Path(a.out).write_text(json.dumps(d.to_json(), indent=2) + "\n")
if a.config:
    write_config(a.config, d, rpc_url=a.rpc)
print(json.dumps(d.to_json()["addresses"], indent=2))
