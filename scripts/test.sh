#!/usr/bin/env bash
# Sets everything up (scripts/setup.sh) and runs the whole test suite:
# the Swift tests (unit, cross-checks against the Python reference libraries, tmux end-to-end)
# and the devnet's Python tests (local chain, look-alike contracts, enclave simulator).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh

status=0
printf '\033[1m==> swift format lint\033[0m\n'
swift format lint --recursive --strict Sources Tests || status=1

printf '\033[1m==> swift test\033[0m\n'
swift test 2>&1 | tee .build/swift-test.log || status=1
# swift test can exit 0 when a test process crashed; the log tells.
grep -qE "Test run with [0-9]+ tests? .*passed" .build/swift-test.log || status=1

if [ -d devnet/tests ]; then
    printf '\033[1m==> devnet tests (pytest)\033[0m\n'
    .venv/bin/python -m pytest -q devnet/tests || status=1
fi
exit $status
