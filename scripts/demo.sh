#!/usr/bin/env bash
# The demo: sets everything up (scripts/setup.sh), starts the local Kalypso network in the background with its
# scenario running (devnet/up --live: node, contracts, enclave simulator, kalypso-config.json), showing progress
# while it deploys, and opens the console on it. A network that is already running is reused; closing the console
# leaves it running for the next time.
#
# Usage: scripts/demo.sh [--no-console] [--no-setup] [devnet/up flags, e.g. --generation A]
#        scripts/demo.sh --stop        stops the network this script started
#   --no-console   start (or reuse) the network and print how to use it, without opening the console
#   --no-setup     skip scripts/setup.sh (it is idempotent, but takes a few seconds to check)
# KALYPSO_DEVNET_RUN picks the run folder (default devnet/run); KALYPSO_CONSOLE_BINARY the console binary.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
RUN=${KALYPSO_DEVNET_RUN:-$ROOT/devnet/run}
INFO=$RUN/devnet.json
LOG=$RUN/up.log
CONSOLE=${KALYPSO_CONSOLE_BINARY:-$ROOT/.build/debug/kalypso-console}
START_TIMEOUT=${KALYPSO_DEMO_START_TIMEOUT:-300}

say() { printf 'demo: %s\n' "$*"; }
die() { printf 'demo: %s\n' "$*" >&2; exit 1; }

console=1 setup=1 stop=0 up_args=()
for a in "$@"; do
    case "$a" in
    --stop) stop=1 ;;
    --no-console) console=0 ;;
    --no-setup) setup=0 ;;
    -h | --help) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) up_args+=("$a") ;;
    esac
done

# A field of the running network's devnet.json ("" when missing).
field() { [ -f "$INFO" ] && "$ROOT/.venv/bin/python" -c '
import json, sys
v = json.load(open(sys.argv[1]))
for k in sys.argv[2].split("."): v = v.get(k) if isinstance(v, dict) else None
print("" if v is None else v)' "$INFO" "$1" 2>/dev/null || true; }

alive() { [ -n "$1" ] && kill -0 "$1" 2>/dev/null; }

# Whether the recorded network still serves: its devnet/up process lives and its node answers eth_chainId.
running() {
    local pid url
    pid=$(field pid) url=$(field rpcHttp)
    alive "$pid" || return 1
    "$ROOT/.venv/bin/python" - "$url" <<'PY' 2>/dev/null
import json, sys, urllib.request
body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": "eth_chainId", "params": []}).encode()
req = urllib.request.Request(sys.argv[1], body, {"Content-Type": "application/json"})
json.loads(urllib.request.urlopen(req, timeout=5).read())["result"]
PY
}

stop_network() {
    local pid
    pid=$(field pid)
    if ! alive "$pid"; then
        say "no demo network is running${pid:+ (devnet/up pid $pid has exited)}."
        rm -f "$INFO"
        return 0
    fi
    say "stopping the demo network (devnet/up pid $pid) ..."
    kill -TERM "$pid"
    for _ in $(seq 1 100); do alive "$pid" || break; sleep 0.1; done
    if alive "$pid"; then kill -KILL "$pid" 2>/dev/null || true; fi
    rm -f "$INFO"
    say "stopped."
}

if ((stop)); then
    [ -x "$ROOT/.venv/bin/python" ] || die ".venv is missing: nothing was started by this script"
    stop_network
    exit 0
fi

((setup)) && scripts/setup.sh

# Reuse a running network when it is what was asked for; otherwise say why not.
want_gen=B
for ((i = 0; i < ${#up_args[@]}; i++)); do
    case "${up_args[$i]}" in
    --generation) want_gen=${up_args[$((i + 1))]:-B} ;;
    --generation=*) want_gen=${up_args[$i]#--generation=} ;;
    esac
done
reuse=0
if [ -f "$INFO" ]; then
    if running; then
        have_gen=$(field generation)
        if [ "$have_gen" != "$want_gen" ]; then
            say "a Generation $have_gen network is running (devnet/up pid $(field pid)); Generation $want_gen was asked:"
            say "stopping it to start a new one."
            stop_network
        elif [ "$(field live)" != "True" ]; then
            say "the running network (devnet/up pid $(field pid)) has no scenario running (not --live): starting a new one."
            stop_network
        else
            reuse=1
            say "reusing the running Generation $have_gen network (devnet/up pid $(field pid), $(field rpcHttp))."
        fi
    else
        say "the network recorded in $INFO is gone (devnet/up pid $(field pid) or its node does not answer): starting a new one."
        rm -f "$INFO"
    fi
fi

if ((!reuse)); then
    mkdir -p "$RUN"
    say "starting the local Kalypso network ..."
    say "  (its output: $LOG)"
    # Its own session: closing this terminal or the console does not stop it; `scripts/demo.sh --stop` does.
    setsid devnet/up --live --run-dir "$RUN" --config "$RUN/kalypso-config.json" "${up_args[@]}" \
        >"$LOG" 2>&1 </dev/null &
    up_pid=$!
    shown=0 t0=$SECONDS
    while :; do
        # Show devnet/up's progress lines as they come.
        total=$(wc -l <"$LOG")
        if ((total > shown)); then
            sed -n "$((shown + 1)),${total}p" "$LOG" | grep '^devnet/up: ' | sed 's/^devnet\/up: /  /' || true
            shown=$total
        fi
        if [ -f "$INFO" ] && [ "$(field pid)" = "$up_pid" ]; then break; fi
        if ! alive "$up_pid"; then
            printf '%s\n' "--- last lines of $LOG:" >&2
            tail -n 30 "$LOG" >&2
            die "devnet/up exited before the network was ready (see $LOG)"
        fi
        if ((SECONDS - t0 > START_TIMEOUT)); then
            kill -TERM "$up_pid" 2>/dev/null || true
            die "the network was not ready after $START_TIMEOUT s (see $LOG)"
        fi
        sleep 0.5
    done
    # The summary: what listens where.
    sed -n '/^Kalypso devnet/,$p' "$LOG" | grep -v -e '^devnet/up: ' -e '^Serving until Ctrl-C.$'
fi

CONFIG=$(field config)
say "the network keeps running in the background; stop it with: scripts/demo.sh --stop"
if ((!console)); then
    say "config: $CONFIG"
    exit 0
fi
[ -x "$CONSOLE" ] || die "$CONSOLE is not built (run scripts/setup.sh)"
# The console's default command opens the screens on the network with the demo operator's test key (written
# by devnet/up, 0600): it opens on Onboarding, so a newcomer can onboard the operator from there.
KEY_FILE=$(field operator.keyFile)
[ -n "$KEY_FILE" ] && [ -f "$KEY_FILE" ] || die "the network record $INFO names no operator key file"
# The enclave's gas key (a funded dev account) for the onboarding wizard's enclave configuration.
# A network started by an older devnet/up has none: the wizard's enclave form then asks for its path.
GAS_KEY_FILE=$(field gasKey.keyFile)
gas=()
if [ -n "$GAS_KEY_FILE" ] && [ -f "$GAS_KEY_FILE" ]; then
    gas=(--gas-key-file "$GAS_KEY_FILE")
else
    say "this network has no gas key file (started by an older devnet/up): restart it with scripts/demo.sh --stop"
fi
exec "$CONSOLE" --config "$CONFIG" --key-file "$KEY_FILE" "${gas[@]}"
