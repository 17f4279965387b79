"""`devnet/up`: starts a seeded network of either generation in seconds, writes a kalypso-config.json whose
addresses have code and whose enclave URLs answer, and stops every child cleanly on SIGTERM (and, through
PDEATHSIG, even when it is killed)."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from test_enclave_support import DEVNET_DIR, request

from kalypso_devnet.deploy import GENERATIONS

UP = Path(DEVNET_DIR) / "up"
START_TIMEOUT_S = 240
ADDRESS_KEYS = ("payment_token", "staking_token", "generator_registry", "attestation_verifier", "entity_registry",
                "proof_market_place")


def _start(tmp_path, *flags):
    ready = tmp_path / "ready.json"
    config = tmp_path / "kalypso-config.json"
    log = open(tmp_path / "up.log", "w+")
    proc = subprocess.Popen([str(UP), "--config", str(config), "--ready-file", str(ready), "--run-dir",
                             str(tmp_path / "run"), *flags],
                            stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    deadline = time.monotonic() + START_TIMEOUT_S
    while not ready.exists():
        if proc.poll() is not None or time.monotonic() > deadline:
            _kill_group(proc)
            log.seek(0)
            raise AssertionError(f"devnet/up did not become ready: {log.read()[-4000:]}")
        time.sleep(0.2)
    return proc, json.loads(ready.read_text()), config, log


def _kill_group(proc):
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.wait()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie is gone for our purposes (its parent has not reaped it yet).
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0] != "Z"
    except OSError:
        return False


def _rpc(url, method, *params):
    body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": method, "params": list(params)}).encode()
    req = urllib.request.Request(url, body, {"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=10) as resp:
        return json.loads(resp.read())["result"]


def _wait_gone(pids, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not any(_alive(p) for p in pids):
            return True
        time.sleep(0.1)
    return False


@pytest.mark.parametrize("generation", ["B", "A"])
def test_up_starts_writes_config_and_stops(tmp_path, generation):
    if generation not in GENERATIONS:
        pytest.skip(f"Generation {generation} deploy is not in this checkout")
    # Generation A also runs with the non-default slash build, to see the flag reach the deployment.
    flags = ["--slash-events", "sepolia"] if generation == "A" else []
    proc, info, config_path, log = _start(tmp_path, "--generation", generation, *flags)
    try:
        cfg = json.loads(config_path.read_text())
        assert cfg["generation"] == generation and cfg["chainId"] == 31337
        assert cfg["rpcHttp"] == info["rpcHttp"]
        # nothing serves WebSocket; rpcWs is there for the enclave, which refuses a ws_url without "wss"
        assert cfg["rpcWs"] == "wss" + cfg["rpcHttp"][len("http"):]
        assert info["deployOptions"] == ({"slash_events": "sepolia", "ask_variant": "sdk"} if generation == "A"
                                         else {"claim_variant": "both"})
        for key in ADDRESS_KEYS:
            assert _rpc(cfg["rpcHttp"], "eth_getCode", cfg[key], "latest") not in ("0x", "0x0"), key
        for market in cfg["markets"].values():
            if market["teeVerifier"] != "0x" + "00" * 20:
                assert _rpc(cfg["rpcHttp"], "eth_getCode", market["teeVerifier"], "latest") != "0x"
        # The enclave URLs in the config answer.
        status = request(cfg["generatorEnclave"]["url"], "GET", "/api/getProgramStatus?program_name=listener")
        assert status.json == {"message": "Program status fetched", "data": "Program hasn't been started yet."}
        assert request(cfg["generatorEnclave"]["utilityUrl"], "GET", "/attestation/raw").status == 200
        assert cfg["operator"] == info["operator"]["address"]
        key_file = Path(info["operator"]["keyFile"])
        assert oct(key_file.stat().st_mode & 0o777) == "0o600"
        log.seek(0)
        out = log.read()
        assert key_file.read_text().strip()[2:] not in out  # the dev key only with --show-dev-keys
        assert str(config_path) in out and cfg["generatorEnclave"]["url"] in out
        assert info["startSeconds"] < 120
    finally:
        t = time.monotonic()
        proc.send_signal(signal.SIGTERM)
        try:
            code = proc.wait(15)
        except subprocess.TimeoutExpired:
            _kill_group(proc)
            raise
    assert code == 0
    assert time.monotonic() - t < 10
    assert _wait_gone(list(info["children"].values()), 5), "a child outlived devnet/up"


def test_up_children_die_with_it_even_on_sigkill(tmp_path):
    if "B" not in GENERATIONS:
        pytest.skip("Generation B deploy is not in this checkout")
    proc, info, _, log = _start(tmp_path, "--no-seed", "--show-dev-keys")
    log.seek(0)
    assert Path(info["operator"]["keyFile"]).read_text().strip() in log.read()  # printed only when asked
    children = list(info["children"].values())
    assert all(_alive(p) for p in children)
    proc.kill()  # only devnet/up itself; PDEATHSIG must take the children down
    proc.wait()
    try:
        assert _wait_gone(children, 10), "children were orphaned"
    finally:
        for p in children:
            if _alive(p):
                os.kill(p, signal.SIGKILL)


@pytest.mark.parametrize("generation", ["A", "B"])
def test_up_live_keeps_feeding_and_stops(tmp_path, generation):
    if generation not in GENERATIONS:
        pytest.skip(f"Generation {generation} deploy is not in this checkout")
    proc, info, config_path, _ = _start(tmp_path, "--generation", generation, "--rounds", "1", "--live")
    try:
        assert Path(info["logs"]["node"]).parent == tmp_path / "run"
        url = json.loads(config_path.read_text())["rpcHttp"]
        first = int(_rpc(url, "eth_blockNumber"), 16)
        deadline = time.monotonic() + 60
        while int(_rpc(url, "eth_blockNumber"), 16) <= first:
            assert time.monotonic() < deadline, "--live added no blocks in 60 s"
            time.sleep(0.5)
    finally:
        t = time.monotonic()
        proc.send_signal(signal.SIGTERM)
        try:
            code = proc.wait(20)
        except subprocess.TimeoutExpired:
            _kill_group(proc)
            raise
    assert code == 0 and time.monotonic() - t < 15
    assert _wait_gone(list(info["children"].values()), 5)


def test_up_interrupted_during_deploy_stops_children(tmp_path):
    """Ctrl-C (SIGINT) while contracts are being deployed aborts at once and leaves no child behind."""
    if "B" not in GENERATIONS:
        pytest.skip("Generation B deploy is not in this checkout")
    run = tmp_path / "run"
    proc = subprocess.Popen([str(UP), "--config", str(tmp_path / "c.json"), "--run-dir", str(run)],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        # The node has answered once its log has the listening line; deploy starts right after.
        while not ((run / "node.log").exists() and "listening" in (run / "node.log").read_text()):
            assert proc.poll() is None and time.monotonic() < deadline
            time.sleep(0.05)
        # Node and simulator start in parallel; under load the second may be spawned a moment later.
        while True:
            children = [int(p) for p in subprocess.run(["pgrep", "-P", str(proc.pid)], capture_output=True,
                                                       text=True).stdout.split()]
            if len(children) >= 2 or time.monotonic() > deadline:
                break
            time.sleep(0.05)
        assert len(children) == 2, children
        t = time.monotonic()
        proc.send_signal(signal.SIGINT)
        out, _ = proc.communicate(timeout=15)
        assert proc.returncode == 130, out
        assert time.monotonic() - t < 10
        assert "devnet/up: interrupted" in out and "stopped enclave simulator, node" in out
        assert _wait_gone(children, 5)
    finally:
        if proc.poll() is None:
            _kill_group(proc)


def _fake_console(tmp_path) -> Path:
    """A console that records the arguments devnet/up runs it with, then exits (closing the demo)."""
    script = tmp_path / "fake-console"
    script.write_text(f"#!/bin/sh\necho \"$@\" > {tmp_path / 'console-args'}\n")
    script.chmod(0o755)
    return script


def test_up_console_with_config_command_runs_it_and_stops_after(tmp_path, monkeypatch):
    if "B" not in GENERATIONS:
        pytest.skip("Generation B deploy is not in this checkout")
    monkeypatch.setenv("KALYPSO_CONSOLE_BINARY", str(_fake_console(tmp_path)))
    proc, info, config_path, _ = _start(tmp_path, "--no-seed", "--console")
    try:
        assert proc.wait(30) == 0  # the console exited: the demo ends
    finally:
        if proc.poll() is None:
            _kill_group(proc)
    assert (tmp_path / "console-args").read_text().split() == [
        "--config", str(config_path), "--key-file", info["operator"]["keyFile"],
        "--gas-key-file", info["gasKey"]["keyFile"]]
    assert _wait_gone(list(info["children"].values()), 5)


def test_slash_events_is_a_generation_a_flag(capsys):
    from kalypso_devnet.up import parse_args
    assert parse_args(["--generation", "A", "--slash-events", "sepolia"]).slash_events == "sepolia"
    assert parse_args(["--generation", "A"]).slash_events is None  # the deploy default (sdk)
    with pytest.raises(SystemExit) as e:
        parse_args(["--slash-events", "sepolia"])  # Generation B by default
    assert e.value.code == 2 and "--slash-events is a Generation A option" in capsys.readouterr().err


def test_mirror_listener_follows_the_simulated_programs():
    """--live proves our operator's tasks only while the simulated enclave's listener and prover run."""
    import threading
    from types import SimpleNamespace

    from kalypso_devnet.enclave import Simulator
    from kalypso_devnet.up import mirror_listener

    sim = Simulator(quiet=True).start()
    stop = threading.Event()
    driver = SimpleNamespace(prove_operator_tasks=None)
    t = threading.Thread(target=mirror_listener, args=(driver, sim.urls()["control"], stop, 0.05))
    t.start()
    try:
        def settles(value):
            deadline = time.monotonic() + 5
            while driver.prove_operator_tasks is not value:
                assert time.monotonic() < deadline, f"never became {value}"
                time.sleep(0.02)
        settles(False)
        sim.set_program("listener", "Running")
        time.sleep(0.2)
        assert driver.prove_operator_tasks is False  # the prover is still stopped
        sim.set_program("prover", "Running")
        settles(True)
        sim.restart()  # a restarted enclave runs nothing
        settles(False)
    finally:
        stop.set()
        t.join(5)
        sim.stop()


@pytest.mark.parametrize("generation", ["B", "A"])
def test_up_onboard_joins_our_operator_through_the_simulator(tmp_path, generation):
    if generation not in GENERATIONS:
        pytest.skip(f"Generation {generation} deploy is not in this checkout")
    proc, info, config_path, _ = _start(tmp_path, "--generation", generation, "--no-seed", "--onboard")
    try:
        cfg = json.loads(config_path.read_text())
        market = info["onboardedMarket"]
        assert market == (1 if generation == "B" else 0)
        gen_url = cfg["generatorEnclave"]["url"]
        status = request(gen_url, "GET", "/api/getProgramStatus?program_name=prover").json
        assert status["data"] == "Program has been started."
        # The registry holds the simulator's current key for (operator, market): the real start checks pass.
        ans = request(gen_url, "POST", "/api/restartProgram", {"program_name": "listener"})
        assert (ans.status, ans.json["message"]) == (200, "Program restarted")
        state = request(info["enclave"]["control"], "GET", "/_sim/state").json
        selector = "0xe1a63130"  # pub_key(address,uint256)
        data = selector + "00" * 12 + cfg["operator"][2:].lower() + f"{market:064x}"
        out = _rpc(cfg["rpcHttp"], "eth_call", {"to": cfg["entity_registry"], "data": data}, "latest")
        assert out[2 + 128:2 + 128 + 128] == state["enclave_public_key"][2:].lower()
    finally:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(15) == 0
