"""The simulator as a process: `python -m kalypso_devnet.enclave serve` with startup fault flags, the `ctl`
commands, and a clean exit on SIGTERM."""
from __future__ import annotations

import json
import signal
import socket
import subprocess
import sys
import time

import pytest

from test_enclave_support import DEVNET_DIR, Dropped, request


def _serve(tmp_path, *flags):
    ready = tmp_path / "ready.json"
    proc = subprocess.Popen([sys.executable, "-m", "kalypso_devnet.enclave", "serve", "--quiet",
                             "--ready-file", str(ready), *flags], cwd=DEVNET_DIR,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 20
    while not ready.exists():
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            raise AssertionError(f"simulator did not start: {proc.communicate()}")
        time.sleep(0.05)
    return proc, json.loads(ready.read_text())


def _stop(proc):
    proc.send_signal(signal.SIGTERM)
    try:
        assert proc.wait(5) == 0
    finally:
        if proc.poll() is None:
            proc.kill()


def _ctl(control, *args):
    out = subprocess.run([sys.executable, "-m", "kalypso_devnet.enclave", "ctl", "--control", control, *args],
                         cwd=DEVNET_DIR, capture_output=True, text=True, timeout=20)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def test_serve_prints_urls_and_applies_startup_faults(tmp_path):
    proc, info = _serve(tmp_path, "--benchmark-shape", "C", "--fault", "/api/signAddress=drop",
                        "--latency", "attestation=300", "--fault", "/api/getProgramStatus=http500:1",
                        "--refuse", "verifier")
    try:
        urls = info["urls"]
        assert set(urls) == {"generator", "attestation", "verifier", "control"}
        assert len({u.rsplit(":", 1)[1] for u in urls.values()}) == 4
        assert info["enclave_address"].startswith("0x") and info["pid"] == proc.pid
        state = request(urls["control"], "GET", "/_sim/state").json
        assert state["benchmark"]["shape"] == "C"
        assert state["faults"]["/api/signAddress"]["mode"] == "drop"
        assert state["refused"] == ["verifier"]
        with pytest.raises(Dropped):
            request(urls["generator"], "POST", "/api/signAddress", {"address": "0x" + "00" * 20})
        t = time.monotonic()
        assert request(urls["attestation"], "GET", "/attestation/raw").status == 200
        assert time.monotonic() - t >= 0.3
        assert request(urls["generator"], "GET", "/api/getProgramStatus?program_name=listener").status == 500
        assert request(urls["generator"], "GET", "/api/getProgramStatus?program_name=listener").status == 200
        with pytest.raises(ConnectionRefusedError):
            socket.create_connection(("127.0.0.1", int(urls["verifier"].rsplit(":", 1)[1])), timeout=2).close()
    finally:
        _stop(proc)


def test_ctl_commands(tmp_path):
    proc, info = _serve(tmp_path)
    try:
        control = info["urls"]["control"]
        before = _ctl(control, "state")
        after = _ctl(control, "restart")
        assert after["enclave_address"] != before["enclave_address"] and after["boot"] == 2
        assert _ctl(control, "fault", "generator", "--mode", "http500", "--count", "3")["faults"]["generator"] == \
            {"latency_ms": 0, "mode": "http500", "remaining": 3}
        assert _ctl(control, "clear", "generator")["faults"] == {}
        assert _ctl(control, "refuse", "attestation")["refused"] == ["attestation"]
        assert _ctl(control, "resume", "attestation")["refused"] == []
        assert _ctl(control, "benchmark", "--shape", "B", "--ms", "77")["benchmark"] == {"shape": "B", "time_ms": 77}
        assert _ctl(control, "program", "listener", "Exited")["programs"]["listener"] == "Exited"
        assert request(info["urls"]["generator"], "GET", "/api/getProgramStatus?program_name=listener").json["data"] \
            == "Program has been stopped."
    finally:
        _stop(proc)
    bad = subprocess.run([sys.executable, "-m", "kalypso_devnet.enclave", "ctl", "--control", control, "state"],
                         cwd=DEVNET_DIR, capture_output=True, text=True, timeout=20)
    assert bad.returncode == 1 and "cannot reach" in bad.stderr


def test_bad_startup_flag_is_reported(tmp_path):
    out = subprocess.run([sys.executable, "-m", "kalypso_devnet.enclave", "serve", "--fault", "*=explode"],
                         cwd=DEVNET_DIR, capture_output=True, text=True, timeout=20)
    assert out.returncode == 2 and "fault mode must be one of http500, malformed, drop" in out.stderr
