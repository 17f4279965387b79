"""Drives a devnet's Generation B scenario through compressed time for the monitor soak: `steps` scenario
steps (new bids, assignments, proofs, slashes, claims), the chain clock moved `seconds` after each, a pause of
`pause` wall seconds between steps so the monitor polls in between. Prints one JSON line of totals.

Usage: soak_driver.py DEVNET_JSON STEPS SECONDS PAUSE"""
import json
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(REPO / "devnet"))

from kalypso_devnet.deploy.common import Deployment  # noqa: E402
from kalypso_devnet.scenario.gen_b import GenBScenario  # noqa: E402


def main() -> int:
    info = json.loads(Path(sys.argv[1]).read_text())
    steps, seconds, pause = int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4])
    scenario = GenBScenario(info["rpcHttp"], Deployment.from_json(info["deployment"]), seed=11)
    scenario.setup()
    for _ in range(steps):
        scenario.step()
        scenario.rpc.increase_time(seconds)
        scenario.rpc("evm_mine")
        time.sleep(pause)
    scenario.prove_and_settle()
    s = scenario.stats
    print(json.dumps({k: v for k, v in vars(s).items() if isinstance(v, (int, float))}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
