"""Helpers for the enclave simulator tests: an in-process simulator and a raw HTTP client that reports
dropped connections instead of hiding them. (Named test_* to stay in the simulator's files; it holds no tests.)"""
from __future__ import annotations

import http.client
import json
import os
import sys
import urllib.parse
from dataclasses import dataclass

DEVNET_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if DEVNET_DIR not in sys.path:
    sys.path.insert(0, DEVNET_DIR)


@dataclass
class Answer:
    status: int
    content_type: str
    body: bytes

    @property
    def json(self):
        return json.loads(self.body)


class Dropped(Exception):
    """The server closed the connection without an HTTP response."""


def request(url: str, method: str, path: str, body=None, content_type: str | None = "application/json",
            timeout: float = 10.0) -> Answer:
    parts = urllib.parse.urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    headers = {}
    data = None
    if body is not None:
        data = body if isinstance(body, (bytes, str)) else json.dumps(body)
        if isinstance(data, str):
            data = data.encode()
        if content_type:
            headers["Content-Type"] = content_type
    try:
        conn.request(method, path, body=data, headers=headers)
        resp = conn.getresponse()
        return Answer(resp.status, resp.getheader("Content-Type") or "", resp.read())
    except (http.client.RemoteDisconnected, ConnectionResetError, http.client.BadStatusLine) as exc:
        raise Dropped(str(exc)) from exc
    finally:
        conn.close()


def setup_body(operator: str, http_url: str, gas_key: str, market: str = "1", **runtime_overrides) -> dict:
    """A generatorConfigSetup body as the SDK sends it (spec §5.4.2)."""
    runtime = {
        "ws_url": "wss://127.0.0.1:1/ws",
        "http_url": http_url,
        "private_key": gas_key,
        "start_block": 1,
        "chain_id": 31337,
        "payment_token": "0x" + "11" * 20,
        "staking_token": "0x" + "22" * 20,
        "attestation_verifier": "0x" + "33" * 20,
        "entity_registry": "0x" + "44" * 20,
        "proof_market_place": "0x" + "55" * 20,
        "generator_registry": "0x" + "66" * 20,
        "markets": {market: {"port": "3000", "ivs_url": "http://not_available"}},
    }
    runtime.update(runtime_overrides)
    return {"generator_config": [{"address": operator, "data": "demo", "supported_markets": [market]}],
            "runtime_config": runtime}
