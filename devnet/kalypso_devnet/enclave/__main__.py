"""Command line of the enclave simulator.

    python -m kalypso_devnet.enclave serve [--generator-port N] [--attestation-port N] [--verifier-port N]
        [--control-port N] [--fault SCOPE=MODE[:COUNT]] [--latency SCOPE=MS] [--refuse SERVICE]
        [--benchmark-shape A|B|C|501] [--benchmark-ms N] [--skip-verification] [--ready-file PATH] [--quiet]
    python -m kalypso_devnet.enclave ctl --control URL state|restart|clear [SCOPE]
        | fault SCOPE [--mode http500|malformed|drop] [--latency-ms N] [--count N]
        | refuse SERVICE | resume SERVICE | benchmark [--shape S] [--ms N] | program NAME STATE

From the repository root, `devnet/ctl [--control URL] …` runs `ctl` with the venv's Python and, without
--control, the running devnet's control URL (devnet/run/devnet.json).

`serve` prints one line "enclave-sim listening generator=URL attestation=URL verifier=URL control=URL" and,
with --ready-file, writes the same URLs and the enclave address as JSON once every port listens.
"""
from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import threading
import urllib.error
import urllib.request

from .modes import BENCHMARK_SHAPES, FAULT_MODES


def _scoped(text: str, what: str) -> tuple[str, str]:
    scope, sep, value = text.rpartition("=")
    if not sep or not scope:
        raise argparse.ArgumentTypeError(f"{what} must look like SCOPE=VALUE (got {text!r})")
    return scope, value


def serve(args) -> int:
    from .server import Simulator
    sim = Simulator(host=args.host, ports={"generator": args.generator_port, "attestation": args.attestation_port,
                                            "verifier": args.verifier_port, "control": args.control_port},
                    skip_verification=args.skip_verification, benchmark_shape=args.benchmark_shape,
                    benchmark_ms=args.benchmark_ms, quiet=args.quiet)
    try:
        for spec in args.latency:
            scope, value = _scoped(spec, "--latency")
            sim.set_fault(scope, latency_ms=int(value))
        for spec in args.fault:
            scope, value = _scoped(spec, "--fault")
            mode, _, count = value.partition(":")
            old = sim.faults.get(scope)
            sim.set_fault(scope, latency_ms=old.latency_ms if old else 0, mode=mode,
                          count=int(count) if count else None)
    except (ValueError, argparse.ArgumentTypeError) as exc:
        print(f"enclave-sim: {exc}", file=sys.stderr)
        return 2
    try:
        sim.start()
    except OSError as exc:
        print(f"enclave-sim: cannot listen: {exc}", file=sys.stderr)
        return 1
    for service in args.refuse:
        sim.set_refused(service, True)
    urls = sim.urls()
    print("enclave-sim listening " + " ".join(f"{k}={v}" for k, v in urls.items()), flush=True)
    if args.ready_file:
        tmp = args.ready_file + ".tmp"
        with open(tmp, "w") as f:
            json.dump({"urls": urls, "enclave_address": sim.key.address, "pid": os.getpid()}, f)
        os.replace(tmp, args.ready_file)
    done = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: done.set())
    done.wait()
    sim.stop()
    return 0


def ctl(args) -> int:
    base = args.control.rstrip("/")
    body: dict = {}
    cmd = args.command
    if cmd == "state":
        method, path = "GET", "/_sim/state"
    elif cmd == "restart":
        method, path = "POST", "/_sim/restart"
    elif cmd == "clear":
        method, path = "POST", "/_sim/clear"
        if args.scope:
            body = {"scope": args.scope}
    elif cmd == "fault":
        method, path = "POST", "/_sim/fault"
        body = {"scope": args.scope, "mode": args.mode, "latency_ms": args.latency_ms, "count": args.count}
    elif cmd in ("refuse", "resume"):
        method, path = "POST", "/_sim/refuse"
        body = {"service": args.service, "refused": cmd == "refuse"}
    elif cmd == "benchmark":
        method, path = "POST", "/_sim/benchmark"
        body = {"shape": args.shape, "time_ms": args.ms}
    else:
        method, path = "POST", "/_sim/program"
        body = {"program_name": args.name, "state": args.state}
    req = urllib.request.Request(base + path, method=method, data=json.dumps(body).encode() if method == "POST" else None,
                                 headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            print(json.dumps(json.loads(resp.read()), indent=2))
            return 0
    except urllib.error.HTTPError as exc:
        print(f"enclave-sim ctl: {exc.code}: {exc.read().decode(errors='replace')}", file=sys.stderr)
    except OSError as exc:
        print(f"enclave-sim ctl: cannot reach {base}: {exc}", file=sys.stderr)
    return 1


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m kalypso_devnet.enclave", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="action", required=True)
    s = sub.add_parser("serve", help="run the simulator")
    s.add_argument("--host", default="127.0.0.1")
    for name in ("generator", "attestation", "verifier", "control"):
        s.add_argument(f"--{name}-port", type=int, default=0, help="0 = a free port (default)")
    s.add_argument("--fault", action="append", default=[], metavar="SCOPE=MODE[:COUNT]",
                   help=f"SCOPE is *, a service or a path; MODE one of {', '.join(FAULT_MODES)}")
    s.add_argument("--latency", action="append", default=[], metavar="SCOPE=MS")
    s.add_argument("--refuse", action="append", default=[], choices=("generator", "attestation", "verifier"))
    s.add_argument("--benchmark-shape", default="A", choices=BENCHMARK_SHAPES)
    s.add_argument("--benchmark-ms", type=int, default=12300)
    s.add_argument("--skip-verification", action="store_true", help="like SKIP_VERIFICATION=true in the enclave")
    s.add_argument("--ready-file")
    s.add_argument("--quiet", action="store_true")
    c = sub.add_parser("ctl", help="drive a running simulator through its control port")
    c.add_argument("--control", required=True, help="control URL printed by serve")
    csub = c.add_subparsers(dest="command", required=True)
    csub.add_parser("state")
    csub.add_parser("restart", help="new enclave key; config and programs cleared")
    cl = csub.add_parser("clear", help="clear faults (all, or one scope) and resume refused services")
    cl.add_argument("scope", nargs="?")
    f = csub.add_parser("fault")
    f.add_argument("scope")
    f.add_argument("--mode", choices=FAULT_MODES)
    f.add_argument("--latency-ms", type=int, default=0)
    f.add_argument("--count", type=int)
    for name in ("refuse", "resume"):
        r = csub.add_parser(name)
        r.add_argument("service", choices=("generator", "attestation", "verifier"))
    b = csub.add_parser("benchmark")
    b.add_argument("--shape", choices=BENCHMARK_SHAPES)
    b.add_argument("--ms", type=int)
    p = csub.add_parser("program", help="force a program state (e.g. Exited = it crashed)")
    p.add_argument("name")
    p.add_argument("state", choices=("Stopped", "Running", "Exited"))
    args = parser.parse_args(argv)
    return serve(args) if args.action == "serve" else ctl(args)


if __name__ == "__main__":
    sys.exit(main())
