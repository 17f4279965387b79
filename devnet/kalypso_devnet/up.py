"""One command for a seeded local Kalypso network: `devnet/up [--generation A|B] [--slash-events sdk|sepolia]
[--config PATH] [--live] [--console] [--show-dev-keys] [--ready-file PATH]`.

Starts the JSON-RPC node on a free port, deploys a full network of the chosen generation, starts the enclave
simulator, writes kalypso-config.json, seeds the network with the scenario (and keeps feeding it with --live),
prints where everything listens, then serves until Ctrl-C / SIGTERM and stops every child it started.
"""
from __future__ import annotations

import argparse
import ctypes
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
import traceback
from pathlib import Path

DEVNET_DIR = Path(__file__).resolve().parent.parent
REPO_DIR = DEVNET_DIR.parent
RUN_DIR = DEVNET_DIR / "run"
# KALYPSO_CONSOLE_BINARY lets tests (and a release build) point --console elsewhere.
CONSOLE_BINARY = Path(os.environ.get("KALYPSO_CONSOLE_BINARY") or REPO_DIR / ".build" / "debug" / "kalypso-console")
START_TIMEOUT_S = 60.0
STOP_TIMEOUT_S = 5.0

_PR_SET_PDEATHSIG = 1
_HANDLED_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


class UpError(Exception):
    """Bringing the network up failed; the message says which step and why."""


def _child_setup() -> None:
    """In each child: clean signal mask, own default dispositions, and die with us (no orphans even on SIGKILL)."""
    signal.pthread_sigmask(signal.SIG_SETMASK, [])
    try:
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
    except OSError:
        pass  # not Linux: the signal handlers below still stop children on a normal exit


class Child:
    """A child process whose output goes to a log file under run/; the first line can be awaited."""

    def __init__(self, name: str, argv: list[str], log_path: Path):
        self.name = name
        self.log_path = log_path
        self._log = open(log_path, "w")
        self.first_line: str | None = None
        self._first = threading.Event()
        self.proc = subprocess.Popen(argv, cwd=DEVNET_DIR, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL, text=True, bufsize=1, preexec_fn=_child_setup,
                                     env={**os.environ, "PYTHONUNBUFFERED": "1"},
                                     # Own process group: a terminal Ctrl-C reaches only us, and we stop them.
                                     start_new_session=True)
        self._pump = threading.Thread(target=self._drain, name=f"{name}-log", daemon=True)
        self._pump.start()

    def _drain(self) -> None:
        assert self.proc.stdout is not None
        try:
            for line in self.proc.stdout:
                if self.first_line is None:
                    self.first_line = line.rstrip("\n")
                    self._first.set()
                self._log.write(line)
                self._log.flush()
        except (OSError, ValueError):
            pass  # the log was closed by stop() while a straggler still wrote: nothing left to keep
        finally:
            self._first.set()

    def wait_first_line(self, timeout: float) -> str:
        if not self._first.wait(timeout):
            raise UpError(f"{self.name} did not start within {timeout:.0f} s; see {self.log_path}")
        if self.first_line is None:
            raise UpError(f"{self.name} exited (code {self.proc.wait()}) before it was ready; see {self.log_path}")
        return self.first_line

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self._pump.join(2)
        self._log.close()


class Progress:
    """Says what `devnet/up` is doing while it works (a deploy is 25–50 s of silence otherwise): one line per step,
    and a "still …" line every `every` seconds of a long step."""

    def __init__(self, steps: int, every: float = 10.0, out=None):
        self.steps = steps
        self.every = every
        self.out = out or sys.stdout
        self.n = 0
        self.t0 = time.monotonic()
        self._current: tuple[str, float] | None = None
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._ticker = threading.Thread(target=self._tick, name="progress", daemon=True)
        self._ticker.start()

    def step(self, what: str, note: str = "") -> None:
        with self._lock:
            self.n += 1
            self._current = (what, time.monotonic())
            self._say(f"[{self.n}/{self.steps}] {what}" + (f" ({note})" if note else "") + " ...")

    def done(self) -> None:
        self._stop.set()
        with self._lock:
            self._current = None

    def _say(self, text: str) -> None:
        print(f"devnet/up: {text}", file=self.out, flush=True)

    def _tick(self) -> None:
        while not self._stop.wait(self.every):
            with self._lock:
                if self._current is not None:
                    what, since = self._current
                    self._say(f"      still {what} ({time.monotonic() - since:.0f} s; "
                              f"{time.monotonic() - self.t0:.0f} s in all)")


def _wait_file(path: Path, child: Child, timeout: float) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if path.exists():
            return json.loads(path.read_text())
        if child.proc.poll() is not None:
            break
        time.sleep(0.05)
    raise UpError(f"{child.name} did not become ready (exit code {child.proc.poll()}); see {child.log_path}")


def spawn_node(run_dir: Path) -> Child:
    return Child("node", [sys.executable, "-m", "kalypso_devnet.node", "--port", "0"], run_dir / "node.log")


def node_url(node: Child) -> str:
    line = node.wait_first_line(START_TIMEOUT_S)
    match = re.search(r"https?://[^\s]+", line)
    if not match:
        raise UpError(f"node's first line has no URL: {line!r}")
    return match.group(0).rstrip(",;")


def spawn_enclave(run_dir: Path, extra: list[str]) -> Child:
    ready = run_dir / "enclave-ready.json"
    ready.unlink(missing_ok=True)
    return Child("enclave simulator",
                 [sys.executable, "-m", "kalypso_devnet.enclave", "serve", "--ready-file", str(ready), *extra],
                 run_dir / "enclave.log")


def enclave_ready(run_dir: Path, enclave: Child) -> dict:
    return _wait_file(run_dir / "enclave-ready.json", enclave, START_TIMEOUT_S)


# -- the network: deploy, config, seed ---------------------------------------------------------------------

def deploy_network(generation: str, rpc_url: str, **options):
    """devnet-b's deploy framework (with devnet-a's Generation A plugged in when present); `options` are the
    generation's deploy options (Gen A: slash_events)."""
    from .deploy import GENERATIONS, deploy
    if generation not in GENERATIONS:
        raise UpError(f"Generation {generation} cannot be deployed: this checkout has no deploy for it "
                      f"(available: {', '.join(sorted(GENERATIONS)) or 'none'})")
    return deploy(rpc_url, generation=generation, **options)


def write_network_config(path: Path, deployment, enclave_urls: dict, rpc_url: str) -> dict:
    from .deploy import write_config
    path.parent.mkdir(parents=True, exist_ok=True)
    return write_config(path, deployment, {"url": enclave_urls["generator"], "utilityUrl": enclave_urls["attestation"],
                                           "verifier": enclave_urls["verifier"]}, rpc_url)


def write_operator_key(run_dir: Path) -> Path:
    """The operator's well-known dev key in a 0600 file the console can be pointed at, so it is never printed
    by default (it is public anyway: anvil/hardhat account #1)."""
    from . import constants as C
    return _write_dev_key(run_dir / "operator.key", C.OPERATOR)


def write_gas_key(run_dir: Path) -> Path:
    """The enclave's gas key (a well-known dev account, funded) in a 0600 file: the console's onboarding wizard
    sends it to the enclave with its configuration."""
    from . import constants as C
    return _write_dev_key(run_dir / "gas.key", C.GAS_KEY)


def _write_dev_key(path: Path, index: int) -> Path:
    from .rpc import dev_account
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write("0x" + bytes(dev_account(index).key).hex() + "\n")
    return path


def _scenario(generation: str):
    """The generation's scenario module (scenario/gen_a.py, scenario/gen_b.py), or None if not in this checkout."""
    import importlib
    name = f"{__package__}.scenario.gen_{generation.lower()}"
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as exc:
        if exc.name == name:
            return None
        raise


def _driver(module, generation: str, rpc_url: str, deployment):
    """Both scenarios have the same shape: Gen<X>Scenario(rpc_url, deployment) with populate / run_forever."""
    return getattr(module, f"Gen{generation}Scenario")(rpc_url, deployment)


def seed(generation: str, rpc_url: str, deployment, rounds: int) -> bool:
    """Plays the scenario's seeded history (`populate`); False when this checkout has no scenario for it."""
    module = _scenario(generation)
    if module is None:
        print(f"devnet/up: no scenario for Generation {generation} in this checkout: the network is deployed "
              "but not seeded.", file=sys.stderr, flush=True)
        return False
    _driver(module, generation, rpc_url, deployment).populate(rounds=rounds)
    return True


def onboard(generation: str, rpc_url: str, deployment, config: dict, urls: dict) -> int:
    """--onboard: our operator goes through Appendix A against the simulated enclave over HTTP (register, stake,
    generatorConfigSetup, attestation → verifier → signAttestation → join the private market, startProgram),
    so the demo starts with it live. Returns the market id."""
    from . import constants as C
    from .enclave import client
    from .rpc import dev_account
    module = _scenario(generation)
    if module is None:
        raise UpError(f"--onboard needs the Generation {generation} scenario, which this checkout lacks")
    market = next(m.id for m in deployment.markets.values() if m.kind == "private")
    operator = dev_account(C.OPERATOR).address
    # The config's rpcWs goes to the enclave as ws_url: the simulator checks it as the real client does.
    client.configure(urls["generator"], operator, market, "0x" + bytes(dev_account(C.GAS_KEY).key).hex(), rpc_url,
                     config, deployment.chain_id, deployment.start_block, ws_url=config["rpcWs"])
    _driver(module, generation, rpc_url, deployment).onboard_operator(client.key_provider(urls), market=market)
    client.start_programs(urls["generator"])
    return market


def feed(generation: str, rpc_url: str, deployment, stop: threading.Event, control_url: str) -> None:
    """--live: the scenario's `run_forever` until stop is set; a failure is reported once and ends the feeding.
    Our operator's tasks are proven only while the simulated enclave's listener and prover run (mirror_listener),
    as the in-enclave listener would."""
    module = _scenario(generation)
    if module is None:
        return
    try:
        driver = _driver(module, generation, rpc_url, deployment)
        threading.Thread(target=mirror_listener, args=(driver, control_url, stop), name="listener-mirror",
                         daemon=True).start()
        driver.run_forever(stop=stop)
    except Exception as exc:
        if not stop.is_set():
            print(f"devnet/up: live feeding stopped: {type(exc).__name__}: {exc}", file=sys.stderr, flush=True)


def mirror_listener(driver, control_url: str, stop: threading.Event, interval: float = 1.0) -> None:
    """Sets driver.prove_operator_tasks from the simulator's program state (listener and prover Running)."""
    import urllib.request
    while not stop.is_set():
        try:
            with urllib.request.urlopen(control_url + "/_sim/state", timeout=5) as resp:
                programs = json.loads(resp.read())["programs"]
            driver.prove_operator_tasks = programs.get("listener") == "Running" and programs.get("prover") == "Running"
        except (OSError, ValueError, KeyError):
            pass  # the simulator is restarting or refusing on purpose: keep the last value
        stop.wait(interval)


def chain_clock_drift(rpc_url: str) -> int:
    """Seconds the chain's latest block time is ahead of the wall clock. The simulator stamps attestations with
    wall-clock ms and registries accept them only while block.timestamp − 60000 s < ts ≤ about a day ahead
    (spec §2.6.1 item 5, §8.2 item 6, §9.1)."""
    from .rpc import Rpc
    return Rpc(rpc_url).timestamp() - int(time.time())


def summary(deployment, rpc_url: str, enclave_info: dict, config_path: Path, key_file: Path, gas_key_file: Path,
            elapsed: float,
            logs: dict) -> dict:
    from . import constants as C
    from .rpc import dev_account
    urls = enclave_info["urls"]
    return {
        "chainClockDriftSeconds": chain_clock_drift(rpc_url),
        "generation": deployment.generation,
        "chainId": deployment.chain_id,
        "rpcHttp": rpc_url,
        "config": str(config_path),
        "contracts": dict(deployment.addresses),
        "markets": {str(m.id): m.kind for m in deployment.markets.values()},
        "deployOptions": dict(deployment.options),
        "enclave": {"generatorClient": urls["generator"], "attestation": urls["attestation"],
                    "attestationVerifier": urls["verifier"], "control": urls["control"],
                    "enclaveAddress": enclave_info.get("enclave_address")},
        "operator": {"address": dev_account(C.OPERATOR).address, "keyFile": str(key_file),
                     "devAccountIndex": C.OPERATOR},
        "gasKey": {"address": dev_account(C.GAS_KEY).address, "keyFile": str(gas_key_file),
                   "devAccountIndex": C.GAS_KEY},
        "logs": logs,
        "startSeconds": round(elapsed, 2),
        "pid": os.getpid(),
    }


def render(info: dict, show_dev_keys: bool = False) -> str:
    """The startup summary: one fact per line, each within 120 columns unless a path itself is longer (paths get
    lines of their own); every command it shows works as printed from the repository root."""
    from . import constants as C
    from .rpc import dev_account
    w = 22
    e = info["enclave"]
    op = info["operator"]
    lines = [f"Kalypso devnet (Generation {info['generation']}) is up in {info['startSeconds']} s",
             f"  {'JSON-RPC':<{w}}{info['rpcHttp']}  (chain id {info['chainId']})",
             f"  {'generator client':<{w}}{e['generatorClient']}",
             f"  {'attestation server':<{w}}{e['attestation']}",
             f"  {'attestation verifier':<{w}}{e['attestationVerifier']}",
             f"  {'simulator control':<{w}}{e['control']}",
             f"  {'':<{w}}drive it: devnet/ctl --control {e['control']} state|restart|fault ...",
             f"  {'enclave key address':<{w}}{e['enclaveAddress']}",
             f"  {'kalypso-config.json':<{w}}{info['config']}",
             f"  {'operator':<{w}}{op['address']}  (dev account #{op['devAccountIndex']})",
             f"  {'operator test key':<{w}}{op['keyFile']}",
             f"  {'gas key (enclave)':<{w}}{info['gasKey']['address']}  (dev account #{info['gasKey']['devAccountIndex']})",
             "  contracts:"]
    lines += [f"    {role:<{w - 2}}{addr}" for role, addr in info["contracts"].items()]
    lines.append("  markets: " + ", ".join(f"{k} ({v})" for k, v in info["markets"].items()))
    if info.get("deployOptions"):
        lines.append("  deploy options: " + ", ".join(f"{k}={v}" for k, v in info["deployOptions"].items()))
    if info.get("onboardedMarket") is not None:
        lines.append(f"  our operator is onboarded into market {info['onboardedMarket']}; listener and prover run")
    if info.get("deploymentFile"):
        lines.append(f"  {'deployment (JSON)':<{w}}{info['deploymentFile']}")
    lines.append("  logs:")
    lines += [f"    {name:<{w - 2}}{path}" for name, path in info["logs"].items()]
    drift = info["chainClockDriftSeconds"]
    if abs(drift) > 3600:
        lines.append(f"  WARNING: the chain clock is {drift} s off the wall clock; the simulator's attestations")
        lines.append("  (wall-clock timestamps) may be rejected as too old.")
    if show_dev_keys:
        lines.append("  dev keys (well-known public TEST keys — never use them on a real network):")
        for role, index in (("operator", C.OPERATOR), ("gas key", C.GAS_KEY), ("admin", C.ADMIN)):
            lines.append(f"    {role:<{w - 2}}0x{bytes(dev_account(index).key).hex()}")
    return "\n".join(lines)


def run_console(config_path: Path, key_file: Path, gas_key_file: Path, stop: threading.Event) -> int:
    """Runs the console (its default command) on the network with the demo operator's test key; closing it ends
    the demo. Without a built binary it says so and serves the network only (until Ctrl-C)."""
    if not CONSOLE_BINARY.exists():
        print(f"devnet/up: {CONSOLE_BINARY} is not built (run scripts/setup.sh); serving the network only. "
              f"The generated {config_path}:", flush=True)
        print(config_path.read_text(), flush=True)
        return 0
    console = subprocess.Popen([str(CONSOLE_BINARY), "--config", str(config_path), "--key-file", str(key_file),
                                "--gas-key-file", str(gas_key_file)],
                               cwd=REPO_DIR, preexec_fn=_child_setup)
    while console.poll() is None and not stop.is_set():
        time.sleep(0.2)
    if console.poll() is None:
        console.terminate()
        try:
            console.wait(STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            console.kill()
            console.wait()
    stop.set()  # closing the console ends the demo
    return console.returncode or 0


def write_json_atomically(path: Path, value: dict) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(value, indent=2))
    os.replace(tmp, path)


def parse_args(argv=None):
    p = argparse.ArgumentParser(prog="devnet/up", description=__doc__.split("\n\n")[0])
    p.add_argument("--generation", choices=("A", "B"), default="B", help="contract generation (default B)")
    p.add_argument("--slash-events", choices=("sdk", "sepolia"),
                   help="Generation A: what a slash logs: sdk = ProofNotGenerated and the stake Transfer only (the SDK "
                        "1.0.57 build, default); sepolia = also StakeSlashed (the deployed Arbitrum Sepolia build)")
    p.add_argument("--config", default=str(RUN_DIR / "kalypso-config.json"),
                   help="where to write kalypso-config.json (default devnet/run/kalypso-config.json)")
    p.add_argument("--live", action="store_true", help="keep feeding the network with new activity")
    p.add_argument("--console", action="store_true", help="after seeding, run the console on the network")
    p.add_argument("--show-dev-keys", action="store_true",
                   help="print the well-known dev private keys (public test keys, never for real networks)")
    p.add_argument("--ready-file", help="write a JSON summary here once everything is up (for tests)")
    p.add_argument("--run-dir", default=str(RUN_DIR),
                   help="where logs and the operator key file go (default devnet/run, gitignored)")
    p.add_argument("--no-seed", action="store_true", help="deploy only; do not run the scenario")
    p.add_argument("--onboard", action="store_true",
                   help="also onboard our operator through the simulated enclave (register, stake, config, join the "
                        "private market, start its programs); by default the console's onboarding does that")
    p.add_argument("--rounds", type=int, default=8, help="rounds of seeded activity (default 8)")
    p.add_argument("--enclave-arg", action="append", default=[], metavar="ARG",
                   help="extra argument for the enclave simulator (e.g. --enclave-arg=--benchmark-shape=B)")
    args = p.parse_args(argv)
    if args.slash_events is not None and args.generation != "A":
        p.error("--slash-events is a Generation A option (use --generation A)")
    base = Path(os.environ.get("KALYPSO_UP_CWD") or os.getcwd())
    args.config = str(base / args.config)
    args.run_dir = str(base / args.run_dir)
    if args.ready_file:
        args.ready_file = str(base / args.ready_file)
    return args


def main(argv=None) -> int:
    args = parse_args(argv)
    # A parent may have blocked these (spec'd in PLATFORM-NOTES: Foundation.Process children); we need them.
    signal.pthread_sigmask(signal.SIG_UNBLOCK, list(_HANDLED_SIGNALS) + [signal.SIGCHLD])
    stop = threading.Event()
    serving = threading.Event()

    def on_signal(signum, _frame):
        stop.set()
        if not serving.is_set():
            raise KeyboardInterrupt  # abort a deploy or seed in progress; `finally` stops the children

    for sig in _HANDLED_SIGNALS:
        signal.signal(sig, on_signal)
    run_dir = Path(args.run_dir).resolve()
    run_dir.mkdir(parents=True, exist_ok=True)
    config_path = Path(args.config).resolve()
    # The machine-readable summary of a running network (scripts/demo.sh and devnet/ctl read it); removed on exit.
    deployment_file = run_dir / "devnet.json"
    children: list[Child] = []
    feeder: threading.Thread | None = None
    status = 0
    try:
        t0 = time.monotonic()
        progress = Progress(steps=3 + (not args.no_seed) + bool(args.onboard))
        deployment_file.unlink(missing_ok=True)  # a leftover from a killed run must not read as this one
        # Both start in parallel (each takes a second or two of imports).
        progress.step("starting the node and the enclave simulator")
        node = spawn_node(run_dir)
        children.append(node)
        enclave = spawn_enclave(run_dir, args.enclave_arg)
        children.append(enclave)
        rpc_url = node_url(node)
        enclave_info = enclave_ready(run_dir, enclave)
        progress.step(f"deploying the Generation {args.generation} contracts", "takes 25-50 s")
        deployment = deploy_network(args.generation, rpc_url,
                                    **({"slash_events": args.slash_events} if args.slash_events else {}))
        progress.step("writing kalypso-config.json and the operator's test key")
        config = write_network_config(config_path, deployment, enclave_info["urls"], rpc_url)
        key_file = write_operator_key(run_dir)
        gas_key_file = write_gas_key(run_dir)
        seeded = False
        if not args.no_seed:
            progress.step(f"seeding markets, provers and jobs ({args.rounds} rounds)")
            seeded = seed(args.generation, rpc_url, deployment, args.rounds)
        onboarded = None
        if args.onboard:
            progress.step("onboarding our operator through the enclave simulator")
            onboarded = onboard(args.generation, rpc_url, deployment, config, enclave_info["urls"])
        progress.done()
        if args.live:
            feeder = threading.Thread(target=feed, args=(args.generation, rpc_url, deployment, stop,
                                                         enclave_info["urls"]["control"]),
                                      name="live-feeder", daemon=True)
            feeder.start()
        info = summary(deployment, rpc_url, enclave_info, config_path, key_file, gas_key_file, time.monotonic() - t0,
                       logs={c.name: str(c.log_path) for c in children})
        info["children"] = {c.name: c.proc.pid for c in children}
        info["seeded"] = seeded
        info["onboardedMarket"] = onboarded
        info["live"] = bool(args.live)
        info["deployment"] = deployment.to_json()  # what `Deployment.from_json` reads back (scenario drivers)
        info["deploymentFile"] = str(deployment_file)
        serving.set()
        print(render(info, show_dev_keys=args.show_dev_keys), flush=True)
        for path in [deployment_file] + ([Path(args.ready_file)] if args.ready_file else []):
            write_json_atomically(path, info)
        if args.console:
            status = run_console(config_path, key_file, gas_key_file, stop)
        if not stop.is_set():
            print("Serving until Ctrl-C.", flush=True)
        while not stop.is_set():
            for child in children:
                if child.proc.poll() is not None:
                    raise UpError(f"{child.name} exited unexpectedly (code {child.proc.returncode}); "
                                  f"see {child.log_path}")
            stop.wait(0.5)
    except KeyboardInterrupt:
        print("devnet/up: interrupted", file=sys.stderr)
        status = 130
    except UpError as exc:
        print(f"devnet/up: {exc}", file=sys.stderr)
        status = 1
    except Exception as exc:  # a deploy/seed failure: show where, then clean up
        traceback.print_exc()
        print(f"devnet/up: failed: {type(exc).__name__}: {exc}", file=sys.stderr)
        status = 1
    finally:
        stop.set()
        try:
            if json.loads(deployment_file.read_text()).get("pid") == os.getpid():
                deployment_file.unlink()
        except (OSError, ValueError):
            pass  # not written (a failed start) or not ours
        if feeder is not None:
            feeder.join(5)
        for child in reversed(children):
            child.stop()
        if children:
            print("devnet/up: stopped " + ", ".join(c.name for c in reversed(children)), flush=True)
    return status


if __name__ == "__main__":
    sys.exit(main())
