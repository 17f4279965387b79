#!/usr/bin/env bash
# Sets everything up (scripts/setup.sh), starts the local Kalypso demo network and opens the console on it.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
if [ -x devnet/up ]; then
    exec devnet/up --console
fi
exec .build/debug/kalypso-console --help
