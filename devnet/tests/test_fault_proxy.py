"""The fault proxy answers each injected fault in the shape the Swift client's tests rely on."""
from __future__ import annotations

import http.client
import json
import threading
from urllib.parse import urlsplit

import pytest

from kalypso_devnet.fault_proxy import serve


@pytest.fixture
def proxy(node):
    srv, state = serve(node.url)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{srv.server_address[1]}", state
    srv.shutdown()
    srv.server_close()


def post(url: str, path: str, body) -> tuple[int, dict, bytes]:
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    try:
        conn.request("POST", path, json.dumps(body).encode(), {"Content-Type": "application/json"})
        resp = conn.getresponse()
        return resp.status, dict(resp.getheaders()), resp.read()
    finally:
        conn.close()


CHAIN_ID = {"jsonrpc": "2.0", "id": 1, "method": "eth_chainId", "params": []}


def test_forwards_single_and_batch(proxy):
    url, state = proxy
    assert json.loads(post(url, "/", CHAIN_ID)[2])["result"] == "0x7a69"
    answers = json.loads(post(url, "/", [CHAIN_ID, {**CHAIN_ID, "id": 2}])[2])
    assert [a["id"] for a in answers] == [1, 2]
    assert state.stats["requests"] == 2 and state.stats["batches"] == 1


def test_one_shot_faults_in_order(proxy):
    url, _ = proxy
    post(url, "/_fault/queue", {"faults": [{"kind": "http429", "retry_after": 7}, {"kind": "http503"},
                                           {"kind": "malformed"}]})
    status, headers, _ = post(url, "/", CHAIN_ID)
    assert status == 429 and headers["Retry-After"] == "7"
    assert post(url, "/", CHAIN_ID)[0] == 503
    status, _, body = post(url, "/", CHAIN_ID)
    assert status == 200
    with pytest.raises(ValueError):
        json.loads(body)
    assert json.loads(post(url, "/", CHAIN_ID)[2])["result"] == "0x7a69"


def test_close_drops_the_connection_without_an_answer(proxy):
    url, _ = proxy
    post(url, "/_fault/queue", {"faults": [{"kind": "close"}]})
    with pytest.raises((http.client.RemoteDisconnected, ConnectionError)):
        post(url, "/", CHAIN_ID)


def test_method_filter_and_forward(proxy, rpc):
    url, state = proxy
    before = rpc.block_number()
    post(url, "/_fault/queue", {"faults": [{"kind": "http502", "method": "evm_mine", "forward": True}]})
    assert json.loads(post(url, "/", CHAIN_ID)[2])["result"] == "0x7a69"  # not the filtered method
    assert post(url, "/", {"jsonrpc": "2.0", "id": 3, "method": "evm_mine", "params": []})[0] == 502
    assert rpc.block_number() == before + 1  # forwarded: the node mined anyway
    assert state.stats["faults_applied"] == 1


def test_batchless_and_log_limits(proxy):
    url, _ = proxy
    post(url, "/_fault/config", {"batchless": True, "max_log_range": 2, "max_log_results": 0})
    answer = json.loads(post(url, "/", [CHAIN_ID])[2])
    assert answer["error"]["code"] == -32600 and "batch" in answer["error"]["message"]
    logs = {"jsonrpc": "2.0", "id": 4, "method": "eth_getLogs", "params": [{"fromBlock": "0x0", "toBlock": "0x9"}]}
    error = json.loads(post(url, "/", logs)[2])["error"]
    assert error == {"code": -32005, "message": "block range too large: 10 blocks, max 2"}
    assert post(url, "/_fault/config", {"nonsense": 1})[0] == 400
    post(url, "/_fault/reset", {})
    assert json.loads(post(url, "/", [CHAIN_ID])[2])[0]["result"] == "0x7a69"
