#!/usr/bin/env bash
# Sets everything up (scripts/setup.sh), then starts the local Kalypso demo network (devnet/up: node, contracts,
# enclave simulator, seeded activity, kalypso-config.json) and opens the console on it. Ctrl-C stops everything.
# Extra arguments go to devnet/up, e.g. `scripts/demo.sh --generation A --live`.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
exec devnet/up --console "$@"
