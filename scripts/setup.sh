#!/usr/bin/env bash
# Sets up everything kalypso-console needs on a Debian machine, as root, idempotently:
#   1. Debian packages (C libraries, tmux, Python venv support) — only those missing;
#   2. the Python venv in .venv with the pinned requirements.txt — only when it changed;
#   3. the Swift build (debug).
# Usage: scripts/setup.sh [--release]
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }
die() { printf 'setup: %s\n' "$*" >&2; exit 1; }

# --- 1. Debian packages --------------------------------------------------------------------------
APT_PACKAGES=(libncurses-dev libsqlite3-dev libsecp256k1-dev tmux pkg-config ncurses-term)
missing=()
for p in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
PY=${PYTHON:-python3}
command -v "$PY" >/dev/null || missing+=(python3)
if command -v "$PY" >/dev/null && ! "$PY" -c 'import venv, ensurepip' 2>/dev/null; then missing+=(python3-venv); fi
if ((${#missing[@]})); then
    say "installing Debian packages: ${missing[*]}"
    [ "$(id -u)" = 0 ] || die "need root to install ${missing[*]} (run as root, or install them first)"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# --- 2. Python venv -------------------------------------------------------------------------------
stamp=.venv/.requirements.sha256
want=$(sha256sum requirements.txt | cut -d' ' -f1)
if [ ! -x .venv/bin/python ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    say "creating Python venv (.venv) from requirements.txt"
    [ -x .venv/bin/python ] || "$PY" -m venv .venv
    .venv/bin/pip install -q --disable-pip-version-check -r requirements.txt
    echo "$want" > "$stamp"
fi

# --- 3. Swift build -------------------------------------------------------------------------------
command -v swift >/dev/null || die "swift is not on PATH (Swift 6.1 or newer is needed; see README)"
if [ "${1:-}" = "--release" ]; then
    say "building (release)"
    swift build -c release
else
    say "building (debug)"
    swift build
fi
