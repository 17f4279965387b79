"""A JSON-RPC fault proxy for tests: sits in front of a devnet node and injects what real providers do.

    python -m kalypso_devnet.fault_proxy --upstream http://127.0.0.1:8545 --port 0 [--latency-ms 100]
        [--batchless] [--max-log-range N] [--max-log-results N]

First output line: `fault proxy listening on http://127.0.0.1:PORT upstream=URL`. JSON-RPC goes to `POST /`;
the proxy is controlled per test through `/_fault/*` (JSON bodies, never delayed or faulted):

* `POST /_fault/config` `{"latency_ms": 100, "batchless": true, "max_log_range": 10, "max_log_results": 5}` —
  standing behaviour (omitted keys keep their value).
* `POST /_fault/queue` `{"faults": [{"kind": "http500"}, {"kind": "http429", "retry_after": 1}, ...]}` — one-shot
  faults, each used by the next request that matches (`"method": "eth_call"` limits one to requests containing
  that method). Kinds: `http500` / `http502` / `http503` (status with an HTML body), `http429` (with
  `Retry-After: retry_after` seconds), `malformed` (200 with a truncated JSON body), `close` (the connection is
  closed without an answer), `delay` (`"ms": N` extra latency for this request only). `"forward": true` sends
  the request to the node first and then applies the fault, so a write is applied but its answer is lost.
* `POST /_fault/reset` — back to the command-line settings, queue emptied, counters zeroed.
* `GET /_fault/stats` — `{"requests": n, "batches": n, "faults_applied": n, "methods": {name: count}}`.

A batch-less proxy answers every JSON array with HTTP 200 and one error object `-32600 "batch requests are
not supported"`, as providers without batch support do. Log limits answer `-32005 "block range too large:
N blocks, max M"` / `-32005 "query returned more than M results"`, the shapes hosted providers use.
"""
from __future__ import annotations

import argparse
import http.client
import json
import signal
import socket
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

FAULT_KINDS = {"http500", "http502", "http503", "http429", "malformed", "close", "delay"}


class FaultState:
    """What the proxy does now: standing settings, one-shot faults, counters. One lock guards it all."""

    def __init__(self, latency_ms: float = 0, batchless: bool = False, max_log_range: int = 0,
                 max_log_results: int = 0):
        self.defaults = {"latency_ms": latency_ms, "batchless": batchless, "max_log_range": max_log_range,
                         "max_log_results": max_log_results}
        self.lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        with self.lock:
            self.config = dict(self.defaults)
            self.queue: list[dict] = []
            self.stats = {"requests": 0, "batches": 0, "faults_applied": 0, "methods": {}}

    def configure(self, changes: dict) -> dict:
        unknown = set(changes) - set(self.defaults)
        if unknown:
            raise ValueError(f"unknown settings {sorted(unknown)}; known: {sorted(self.defaults)}")
        with self.lock:
            self.config.update(changes)
            return dict(self.config)

    def enqueue(self, faults: list[dict]) -> int:
        for f in faults:
            if f.get("kind") not in FAULT_KINDS:
                raise ValueError(f"unknown fault kind {f.get('kind')!r}; known: {sorted(FAULT_KINDS)}")
        with self.lock:
            self.queue.extend(faults)
            return len(self.queue)

    def take(self, methods: list[str], is_batch: bool) -> dict | None:
        """Counts the request and pops the first queued fault that applies to it."""
        with self.lock:
            self.stats["requests"] += 1
            if is_batch:
                self.stats["batches"] += 1
            for m in methods:
                self.stats["methods"][m] = self.stats["methods"].get(m, 0) + 1
            for i, f in enumerate(self.queue):
                if "method" not in f or f["method"] in methods:
                    self.stats["faults_applied"] += 1
                    return self.queue.pop(i)
            return None


def _methods(payload) -> list[str]:
    items = payload if isinstance(payload, list) else [payload]
    return [r.get("method", "?") for r in items if isinstance(r, dict)]


def make_handler(upstream: str, state: FaultState):
    parts = urlsplit(upstream)
    host, port, path = parts.hostname or "127.0.0.1", parts.port or 80, parts.path or "/"
    local = threading.local()

    def forward(body: bytes) -> tuple[int, bytes]:
        """POSTs to the node on this thread's keep-alive connection (one reconnect if it went stale)."""
        for attempt in (0, 1):
            conn = getattr(local, "conn", None)
            if conn is None:
                conn = local.conn = http.client.HTTPConnection(host, port, timeout=120)
            try:
                conn.request("POST", path, body, {"Content-Type": "application/json"})
                resp = conn.getresponse()
                return resp.status, resp.read()
            except (OSError, http.client.HTTPException):
                conn.close()
                local.conn = None
                if attempt:
                    raise
        raise AssertionError("unreachable")

    def call(method: str, params: list):
        status, data = forward(json.dumps({"jsonrpc": "2.0", "id": 1, "method": method, "params": params}).encode())
        return json.loads(data).get("result")

    def block_of(tag, latest: int) -> int:
        if isinstance(tag, str) and tag.startswith("0x"):
            return int(tag, 16)
        if tag == "earliest":
            return 0
        return latest

    def log_limit_error(req: dict, config: dict) -> dict | None:
        """The provider-style refusal for an eth_getLogs over the configured limits, or None."""
        if req.get("method") != "eth_getLogs" or not (config["max_log_range"] or config["max_log_results"]):
            return None
        flt = (req.get("params") or [{}])[0] or {}
        if config["max_log_range"] and "blockHash" not in flt:
            latest = int(call("eth_blockNumber", []), 16)
            span = block_of(flt.get("toBlock", "latest"), latest) - block_of(flt.get("fromBlock", "latest"), latest) + 1
            if span > config["max_log_range"]:
                return {"code": -32005, "message": f"block range too large: {span} blocks, max {config['max_log_range']}"}
        if config["max_log_results"]:
            logs = call("eth_getLogs", [flt]) or []
            if len(logs) > config["max_log_results"]:
                return {"code": -32005, "message": f"query returned more than {config['max_log_results']} results"}
        return None

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True  # otherwise ~40 ms delayed-ACK stall per keep-alive request (PLATFORM-NOTES §5)

        def log_message(self, *args):
            pass

        def _send(self, status: int, body: bytes, headers: dict | None = None, content_type="application/json"):
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            for k, v in (headers or {}).items():
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(body)

        def _json(self, status: int, obj) -> None:
            self._send(status, json.dumps(obj).encode())

        def _close(self) -> None:
            self.close_connection = True
            try:
                self.connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

        def do_GET(self):
            if self.path == "/_fault/stats":
                with state.lock:
                    return self._json(200, json.loads(json.dumps(state.stats)))
            self._json(404, {"error": "GET /_fault/stats only"})

        def _control(self, body: bytes) -> None:
            try:
                payload = json.loads(body or b"{}")
                if self.path == "/_fault/reset":
                    state.reset()
                    return self._json(200, {"ok": True})
                if self.path == "/_fault/config":
                    return self._json(200, {"ok": True, "config": state.configure(payload)})
                if self.path == "/_fault/queue":
                    return self._json(200, {"ok": True, "queued": state.enqueue(payload.get("faults", []))})
            except (ValueError, AttributeError) as exc:
                return self._json(400, {"error": str(exc)})
            self._json(404, {"error": f"no control endpoint {self.path}"})

        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            if self.path.startswith("/_fault/"):
                return self._control(body)
            try:
                payload = json.loads(body)
            except ValueError:
                payload = None
            methods = _methods(payload) if payload is not None else []
            fault = state.take(methods, is_batch=isinstance(payload, list))
            with state.lock:
                config = dict(state.config)
            delay = config["latency_ms"] + (fault.get("ms", 0) if fault and fault["kind"] == "delay" else 0)
            if delay:
                time.sleep(delay / 1000)
            if fault and fault["kind"] != "delay" and not fault.get("forward"):
                return self._fault(fault)
            if isinstance(payload, list) and config["batchless"]:
                return self._json(200, {"jsonrpc": "2.0", "id": None,
                                        "error": {"code": -32600, "message": "batch requests are not supported"}})
            answer = self._answer(payload, body, config)
            if fault and fault["kind"] != "delay":
                return self._fault(fault)
            self._send(*answer)

        def _answer(self, payload, body: bytes, config: dict) -> tuple[int, bytes]:
            items = payload if isinstance(payload, list) else [payload]
            refusals = {}
            for i, req in enumerate(items):
                if isinstance(req, dict):
                    err = log_limit_error(req, config)
                    if err:
                        refusals[i] = {"jsonrpc": "2.0", "id": req.get("id"), "error": err}
            if not refusals:
                return forward(body)
            if not isinstance(payload, list):
                return 200, json.dumps(refusals[0]).encode()
            out = []
            for i, req in enumerate(items):
                if i in refusals:
                    out.append(refusals[i])
                else:
                    _, data = forward(json.dumps(req).encode())
                    out.append(json.loads(data))
            return 200, json.dumps(out).encode()

        def _fault(self, fault: dict) -> None:
            kind = fault["kind"]
            if kind == "close":
                return self._close()
            if kind == "malformed":
                return self._send(200, b'{"jsonrpc": "2.0", "id": 1, "result": "0x1')
            if kind == "http429":
                return self._send(429, b"Too Many Requests", {"Retry-After": str(fault.get("retry_after", 1))},
                                  content_type="text/plain")
            status = int(kind[4:])
            self._send(status, f"<html><body><h1>{status} Server Error</h1></body></html>".encode(),
                       content_type="text/html")

    return Handler


def serve(upstream: str, port: int = 0, host: str = "127.0.0.1", **settings) -> tuple[ThreadingHTTPServer, FaultState]:
    """A proxy server (not yet serving: call serve_forever) and its state, for Python tests."""
    state = FaultState(**settings)
    srv = ThreadingHTTPServer((host, port), make_handler(upstream, state))
    srv.daemon_threads = True
    return srv, state


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--upstream", required=True, help="the node's JSON-RPC URL")
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--latency-ms", type=float, default=0, help="delay added to every JSON-RPC request")
    ap.add_argument("--batchless", action="store_true", help="refuse JSON-RPC batches")
    ap.add_argument("--max-log-range", type=int, default=0, help="refuse eth_getLogs over more blocks (0: no limit)")
    ap.add_argument("--max-log-results", type=int, default=0, help="refuse eth_getLogs with more logs (0: no limit)")
    a = ap.parse_args(argv)
    # A parent that spawned us from a thread with these blocked (Foundation.Process, PLATFORM-NOTES gotcha 1)
    # could otherwise never stop us with SIGTERM.
    signal.pthread_sigmask(signal.SIG_UNBLOCK, [signal.SIGTERM, signal.SIGINT, signal.SIGHUP])
    srv, _ = serve(a.upstream, a.port, a.host, latency_ms=a.latency_ms, batchless=a.batchless,
                   max_log_range=a.max_log_range, max_log_results=a.max_log_results)
    print(f"fault proxy listening on http://{a.host}:{srv.server_address[1]} upstream={a.upstream}", flush=True)
    try:
        srv.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
