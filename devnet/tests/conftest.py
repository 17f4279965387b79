"""Fixtures: one devnet node per test session (a real subprocess on a free port, reached over HTTP
JSON-RPC), one Generation B deployment on it, and evm_snapshot/evm_revert around every test so tests
do not see each other's transactions."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

DEVNET = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(DEVNET))

from kalypso_devnet.node import NodeProcess  # noqa: E402
from kalypso_devnet.rpc import Rpc  # noqa: E402


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
