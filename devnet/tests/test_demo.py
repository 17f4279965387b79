"""`scripts/demo.sh`: starts the network in the background with progress lines, reuses it on the next run (and
opens the console on it with the config), and `--stop` stops it; `devnet/ctl` works as the summary prints it."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

from test_enclave_support import DEVNET_DIR

from kalypso_devnet.deploy import GENERATIONS

REPO = Path(DEVNET_DIR).resolve().parent
DEMO = REPO / "scripts" / "demo.sh"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0] != "Z"
    except OSError:
        return False


def _demo(env, *args, timeout=400):
    return subprocess.run([str(DEMO), "--no-setup", *args], cwd=REPO, env=env, capture_output=True, text=True,
                          timeout=timeout)


@pytest.fixture
def demo_env(tmp_path):
    env = {**os.environ, "KALYPSO_DEVNET_RUN": str(tmp_path / "run")}
    console = tmp_path / "fake-console"
    # Stands in for the console binary: a run records its arguments.
    console.write_text(f"#!/bin/sh\necho \"$@\" > {tmp_path / 'console-args'}\n")
    console.chmod(0o755)
    env["KALYPSO_CONSOLE_BINARY"] = str(console)
    yield env, tmp_path
    info = tmp_path / "run" / "devnet.json"
    if info.exists():  # a failed test must not leave a network running
        try:
            os.kill(json.loads(info.read_text())["pid"], signal.SIGTERM)
        except (ProcessLookupError, ValueError, KeyError):
            pass


def test_demo_starts_with_progress_reuses_opens_the_console_and_stops(demo_env):
    if "B" not in GENERATIONS:
        pytest.skip("Generation B deploy is not in this checkout")
    env, tmp = demo_env
    run = tmp / "run"
    first = _demo(env, "--no-console", "--no-seed")
    assert first.returncode == 0, first.stdout + first.stderr
    out = first.stdout
    assert "demo: starting the local Kalypso network" in out
    assert "[1/3] starting the node and the enclave simulator" in out  # devnet/up's progress, shown as it comes
    assert "[2/3] deploying the Generation B contracts" in out
    assert "Kalypso devnet (Generation B) is up" in out
    assert "scripts/demo.sh --stop" in out
    for line in out.splitlines():
        if not line.startswith(("    ", "  logs", "  operator test key", "  kalypso-config.json", "demo: config")):
            assert len(line) <= 120, line  # the summary's own lines fit; only paths may be longer
    info = json.loads((run / "devnet.json").read_text())
    pid = info["pid"]
    assert _alive(pid) and info["live"] is True
    assert info["deployment"]["generation"] == "B"

    # devnet/ctl as the summary prints it, and without --control (it finds the running network).
    printed = next(l for l in out.splitlines() if "devnet/ctl --control" in l).split("drive it: ")[1]
    ctl = subprocess.run(printed.replace("state|restart|fault ...", "state").split(), cwd=REPO, env=env,
                         capture_output=True, text=True, timeout=30)
    assert ctl.returncode == 0, ctl.stderr
    assert "programs" in json.loads(ctl.stdout)
    bare = subprocess.run(["devnet/ctl", "state"], cwd=REPO, env=env, capture_output=True, text=True, timeout=30)
    assert bare.returncode == 0 and json.loads(bare.stdout) == json.loads(ctl.stdout), bare.stderr

    # The second run reuses it (no redeploy) and opens the console with its config.
    t = time.monotonic()
    second = _demo(env, "--no-seed")
    assert second.returncode == 0, second.stdout + second.stderr
    assert f"reusing the running Generation B network (devnet/up pid {pid}" in second.stdout
    assert "starting the local Kalypso network" not in second.stdout
    assert time.monotonic() - t < 30
    # With the demo operator's key, so the newcomer can onboard from the console's first screen.
    assert (tmp / "console-args").read_text().split() == [
        "--config", str(run / "kalypso-config.json"), "--key-file", str(run / "operator.key"),
        "--gas-key-file", str(run / "gas.key")]
    assert json.loads((run / "devnet.json").read_text())["pid"] == pid

    stopped = _demo(env, "--stop")
    assert stopped.returncode == 0 and "stopped." in stopped.stdout
    deadline = time.monotonic() + 15
    while _alive(pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _alive(pid)
    assert not (run / "devnet.json").exists()
    again = _demo(env, "--stop")
    assert again.returncode == 0 and "no demo network is running" in again.stdout


def test_demo_says_why_a_recorded_network_is_not_reused(demo_env):
    if "B" not in GENERATIONS:
        pytest.skip("Generation B deploy is not in this checkout")
    env, tmp = demo_env
    run = tmp / "run"
    run.mkdir(parents=True)
    # A devnet.json left by a network that is gone (a pid that cannot be ours).
    (run / "devnet.json").write_text(json.dumps({"pid": 2 ** 22 + 7, "rpcHttp": "http://127.0.0.1:9", "generation": "B",
                                                 "live": True}))
    result = _demo(env, "--no-console", "--no-seed")
    try:
        assert result.returncode == 0, result.stdout + result.stderr
        first = result.stdout.splitlines()[0]
        assert "the network recorded in" in first and "is gone" in first and "starting a new one" in first
        assert "Kalypso devnet (Generation B) is up" in result.stdout
    finally:
        assert _demo(env, "--stop").returncode == 0
