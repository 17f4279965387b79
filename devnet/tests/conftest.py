"""Fixtures: one devnet node per test session (a real subprocess on a free port, reached over HTTP
JSON-RPC), one Generation B deployment on it, and evm_snapshot/evm_revert around every test so tests
do not see each other's transactions."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

DEVNET = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(DEVNET))

from kalypso_devnet.rpc import Rpc  # noqa: E402


class NodeProcess:
    def __init__(self, *args):
        self.proc = subprocess.Popen([sys.executable, "-m", "kalypso_devnet.node", "--port", "0", *args],
                                     cwd=DEVNET, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        line = self.proc.stdout.readline()
        if "listening on" not in line:
            self.proc.kill()
            raise RuntimeError(f"node did not start: {line!r} {self.proc.stderr.read()[:2000]}")
        self.first_line = line.strip()
        self.url = line.split("listening on ")[1].split()[0]
        self.port = int(self.url.rsplit(":", 1)[1])

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()


@pytest.fixture(scope="session")
def node():
    n = NodeProcess()
    yield n
    n.stop()


@pytest.fixture(scope="session")
def rpc(node):
    return Rpc(node.url)


@pytest.fixture(scope="session")
def session_deployment(node):
    from kalypso_devnet.deploy import deploy
    return deploy(node.url, generation="B")


@pytest.fixture
def chain(rpc):
    """Snapshot before the test, revert after it."""
    snap = rpc.snapshot()
    yield rpc
    assert rpc.revert(snap) is True


@pytest.fixture
def deployment(session_deployment, chain):
    return session_deployment
