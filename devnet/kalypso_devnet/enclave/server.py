"""The enclave simulator: four HTTP servers on their own ports.

* generator — the generator client API (spec §5.4, real port 5000), see generator.py;
* attestation — the attestation server (spec §5.2, real port 1500): GET /attestation/raw and /attestation/hex;
* verifier — the attestation verifier (spec §5.3, real port 1400): POST /verify/raw and /verify/hex;
* control — the simulator's own API under /_sim/ (restart, faults, state) for tests and the demo.

Faults (latency, HTTP 500, malformed JSON, dropped connection) apply per path, per service or globally;
"refuse" closes a service's listening socket so connections are refused until it is resumed.
"""
from __future__ import annotations

import json
import socket
import sys
import threading
import time
from dataclasses import asdict, dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from ..constants import PROVER_PCRS, VERIFIER_PRIVATE_KEY
from .crypto import (EnclaveKey, address_of_private_key, attestation_digest, public_key64_of, sign_raw_digest,
                     strict_hex)
from .generator import Drop, GeneratorApi, Response, envelope, plain
from .nitro import NitroRoot, VerificationError

from .modes import BENCHMARK_SHAPES, FAULT_MODES, PROGRAMS, SERVICES


@dataclass
class Fault:
    """What happens to requests in one scope ("*", a service name or a path such as /api/benchmark)."""
    latency_ms: int = 0
    mode: str | None = None          # one of FAULT_MODES, or None for latency only
    remaining: int | None = None     # requests left before the fault clears itself; None = until cleared


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address, handler, sim: "Simulator", service: str):
        self.sim = sim
        self.service = service
        self.connections: set[socket.socket] = set()
        self.conn_lock = threading.Lock()
        super().__init__(address, handler)

    def process_request(self, request, client_address):
        with self.conn_lock:
            self.connections.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request):
        with self.conn_lock:
            self.connections.discard(request)
        super().shutdown_request(request)

    def close_connections(self) -> None:
        with self.conn_lock:
            conns = list(self.connections)
            self.connections.clear()
        for conn in conns:
            try:
                conn.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    server_version = "kalypso-enclave-sim"
    sys_version = ""

    def do_GET(self):
        self._dispatch("GET")

    def do_POST(self):
        self._dispatch("POST")

    def do_PUT(self):
        self._dispatch("PUT")

    def do_DELETE(self):
        self._dispatch("DELETE")

    def log_message(self, fmt, *args):  # bodies (gas keys) are never logged; only the request line
        self.server.sim.log(f"{self.server.service} {self.address_string()} {fmt % args}")

    def _read_body(self) -> bytes:
        length = self.headers.get("Content-Length")
        if length is None:
            return b""
        try:
            n = int(length)
        except ValueError:
            return b""
        return self.rfile.read(n) if n > 0 else b""

    def _dispatch(self, method: str) -> None:
        sim: Simulator = self.server.sim
        service = self.server.service
        path, _, query = self.path.partition("?")
        body = self._read_body()
        fault = sim.take_fault(service, path) if service != "control" else None
        if fault and fault.latency_ms:
            time.sleep(fault.latency_ms / 1000)
        mode = fault.mode if fault else None
        if mode == "drop":
            self._drop()
            return
        if mode == "http500":
            self._send(envelope(500, "Simulated internal error (enclave simulator fault)"))
            return
        try:
            response = sim.handle(service, method, path, query, self.headers, body)
        except Drop:
            self._drop()
            return
        except Exception as exc:  # a bug in the simulator must not kill the server; say so in plain text
            sim.log(f"{service} {method} {path}: internal error {type(exc).__name__}: {exc}")
            response = plain(500, f"enclave simulator internal error: {type(exc).__name__}")
        if mode == "malformed":
            cut = max(1, len(response.body) // 2)
            response = Response(response.status, response.content_type or "application/json",
                                response.body[:cut] + b"\x00{]")
        self._send(response)

    def _send(self, response: Response) -> None:
        self.send_response(response.status)
        if response.content_type:
            self.send_header("Content-Type", response.content_type)
        self.send_header("Content-Length", str(len(response.body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(response.body)

    def _drop(self) -> None:
        self.close_connection = True
        self.server.sim.log(f"{self.server.service} {self.command} {self.path}: connection dropped")
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass


class _Service:
    """One listening HTTP server; can stop listening (refuse) and listen again on the same port."""

    def __init__(self, sim: "Simulator", name: str, host: str, port: int):
        self.sim, self.name, self.host, self.port = sim, name, host, port
        self.server: _Server | None = None
        self.thread: threading.Thread | None = None

    def listen(self) -> None:
        if self.server is not None:
            return
        self.server = _Server((self.host, self.port), _Handler, self.sim, self.name)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05},
                                       name=f"enclave-sim-{self.name}", daemon=True)
        self.thread.start()

    def close(self) -> None:
        if self.server is None:
            return
        server, self.server = self.server, None
        server.shutdown()
        server.server_close()
        server.close_connections()

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"


class Simulator:
    """A simulated prover enclave plus the attestation verifier enclave, in one process."""

    def __init__(self, host: str = "127.0.0.1", ports: dict[str, int] | None = None,
                 pcrs: tuple[bytes, bytes, bytes] = PROVER_PCRS, verifier_key: str = VERIFIER_PRIVATE_KEY,
                 skip_verification: bool = False, benchmark_shape: str = "A", benchmark_ms: int = 12300,
                 programs: tuple[str, ...] = PROGRAMS, quiet: bool = False):
        if benchmark_shape not in BENCHMARK_SHAPES:
            raise ValueError(f"benchmark shape must be one of {', '.join(BENCHMARK_SHAPES)}")
        self.lock = threading.RLock()
        self.pcrs = pcrs
        self.verifier_key = verifier_key
        self.skip_verification = skip_verification
        self.quiet = quiet
        self.root = NitroRoot()
        self._programs_known = programs
        self._benchmark = [benchmark_shape, benchmark_ms]
        self.faults: dict[str, Fault] = {}
        self.refused: set[str] = set()
        self.boots = 0
        self._boot()
        ports = ports or {}
        self.services = {name: _Service(self, name, host, ports.get(name, 0)) for name in SERVICES}
        self.generator_api = GeneratorApi(self)

    # -- lifecycle -------------------------------------------------------------------------------------------

    def _boot(self) -> None:
        with self.lock:
            self.key = EnclaveKey()
            self.generator_config: list[dict] | None = None
            self.runtime_config: dict | None = None
            self.programs = {name: "Stopped" for name in self._programs_known}
            self.boots += 1

    def start(self) -> "Simulator":
        for name, service in self.services.items():
            if name not in self.refused:
                service.listen()
        return self

    def stop(self) -> None:
        # In parallel: each close waits up to one poll interval for its serve_forever loop.
        closers = [threading.Thread(target=service.close) for service in self.services.values()]
        for t in closers:
            t.start()
        for t in closers:
            t.join()

    def restart(self) -> None:
        """Like refreshEnclave.sh: a new enclave key, config and program state gone (spec §2.2, §2.9)."""
        self._boot()
        self.log(f"enclave restarted: new key {self.key.address}")

    def urls(self) -> dict[str, str]:
        return {name: service.url for name, service in self.services.items()}

    def log(self, line: str) -> None:
        if not self.quiet:
            print(f"enclave-sim: {line}", file=sys.stderr, flush=True)

    # -- state used by the generator API ---------------------------------------------------------------------

    def config_snapshot(self) -> tuple[list[dict] | None, dict | None]:
        with self.lock:
            gens = None if self.generator_config is None else [dict(g) for g in self.generator_config]
            rt = None if self.runtime_config is None else dict(self.runtime_config)
            return gens, rt

    def set_config(self, generators: list[dict], runtime: dict) -> None:
        with self.lock:
            self.generator_config = [dict(g) for g in generators]
            self.runtime_config = dict(runtime)

    def update_runtime(self, changes: dict) -> bool:
        with self.lock:
            if self.runtime_config is None:
                return False
            self.runtime_config.update(changes)
            return True

    def update_generator(self, address: str, data: str | None, markets: list[str]) -> bool | None:
        with self.lock:
            if self.generator_config is None:
                return None
            for generator in self.generator_config:
                if generator["address"] == address:
                    generator["supported_markets"] = list(markets)
                    if data is not None:
                        generator["data"] = data
                    return True
            return False

    def set_program(self, name: str, state: str) -> bool:
        with self.lock:
            if name not in self.programs:
                return False
            self.programs[name] = state
            return True

    def program_state(self, name: str) -> str | None:
        with self.lock:
            return self.programs.get(name)

    def benchmark_mode(self) -> tuple[str, int]:
        with self.lock:
            return self._benchmark[0], self._benchmark[1]

    def set_benchmark(self, shape: str | None = None, ms: int | None = None) -> None:
        with self.lock:
            if shape is not None:
                if shape not in BENCHMARK_SHAPES:
                    raise ValueError(f"benchmark shape must be one of {', '.join(BENCHMARK_SHAPES)}")
                self._benchmark[0] = shape
            if ms is not None:
                self._benchmark[1] = ms

    # -- faults ----------------------------------------------------------------------------------------------

    def set_fault(self, scope: str, latency_ms: int = 0, mode: str | None = None, count: int | None = None) -> None:
        if mode is not None and mode not in FAULT_MODES:
            raise ValueError(f"fault mode must be one of {', '.join(FAULT_MODES)}")
        if latency_ms < 0 or (count is not None and count < 1):
            raise ValueError("latency_ms must be ≥ 0 and count ≥ 1")
        if scope == "control":
            raise ValueError("the control service takes no faults")
        with self.lock:
            self.faults[scope] = Fault(latency_ms, mode, count)

    def clear_faults(self, scope: str | None = None) -> None:
        with self.lock:
            if scope is None:
                self.faults.clear()
            else:
                self.faults.pop(scope, None)
        if scope is None:
            for name in list(self.refused):
                self.set_refused(name, False)

    def take_fault(self, service: str, path: str) -> Fault | None:
        """The fault for a request (path, then service, then global); counts down limited faults."""
        with self.lock:
            for scope in (path, service, "*"):
                fault = self.faults.get(scope)
                if fault is None:
                    continue
                if fault.remaining is not None:
                    fault.remaining -= 1
                    if fault.remaining <= 0:
                        del self.faults[scope]
                return Fault(fault.latency_ms, fault.mode, None)
            return None

    def set_refused(self, service: str, refused: bool) -> None:
        """Stop (or resume) listening on a service's port: connections are refused meanwhile."""
        if service not in SERVICES or service == "control":
            raise ValueError("service must be generator, attestation or verifier")
        if refused:
            self.refused.add(service)
            self.services[service].close()
        else:
            self.refused.discard(service)
            self.services[service].listen()

    def state(self) -> dict:
        with self.lock:
            runtime = None
            if self.runtime_config is not None:
                runtime = {k: v for k, v in self.runtime_config.items() if k != "private_key"}
                try:
                    runtime["gas_key_address"] = address_of_private_key(self.runtime_config["private_key"])
                except ValueError:
                    runtime["gas_key_address"] = None
            return {
                "boot": self.boots,
                "enclave_address": self.key.address,
                "enclave_public_key": "0x" + self.key.public_key64.hex(),
                "generator_config": self.generator_config,
                "runtime_config": runtime,
                "programs": dict(self.programs),
                "faults": {scope: asdict(f) for scope, f in self.faults.items()},
                "refused": sorted(self.refused),
                "benchmark": {"shape": self._benchmark[0], "time_ms": self._benchmark[1]},
                "skip_verification": self.skip_verification,
                "urls": self.urls(),
            }

    # -- dispatch --------------------------------------------------------------------------------------------

    def handle(self, service: str, method: str, path: str, query: str, headers, body: bytes) -> Response:
        if service == "generator":
            return self.generator_api.handle(method, path, query, headers, body)
        if service == "attestation":
            return self._attestation(method, path)
        if service == "verifier":
            return self._verify(method, path, body)
        return self._control(method, path, body)

    def _attestation(self, method: str, path: str) -> Response:
        """oyster-attestation-server: a fresh document for the current enclave key at each request."""
        if method != "GET" or path not in ("/attestation/raw", "/attestation/hex"):
            return Response(404, "", b"")
        with self.lock:
            pub = self.key.public_key64
        document = self.root.document(pub, self.pcrs)
        if path == "/attestation/raw":
            return Response(200, "application/octet-stream", document)
        return Response(200, "text/plain; charset=utf-8", document.hex().encode())

    def _verify(self, method: str, path: str, body: bytes) -> Response:
        """oyster-attestation-verifier: check the document, answer the EIP-712 signed attestation (spec §5.3)."""
        if method != "POST" or path not in ("/verify/raw", "/verify/hex"):
            return Response(404, "", b"")
        document = body
        if path == "/verify/hex":
            text = body.decode("ascii", errors="replace").strip().removeprefix("0x")
            decoded = strict_hex(text)
            if decoded is None:
                return plain(400, "invalid hex in request body")
            document = decoded
        try:
            checked = self.root.verify(document)
        except VerificationError as exc:
            return plain(401, f"attestation verification failed: {exc}")
        digest = attestation_digest(checked["public_key"], checked["pcr0"], checked["pcr1"], checked["pcr2"],
                                    checked["timestamp"])
        answer = {
            "signature": sign_raw_digest(self.verifier_key, digest).hex(),
            "secp256k1_public": checked["public_key"].hex(),
            "pcr0": checked["pcr0"].hex(),
            "pcr1": checked["pcr1"].hex(),
            "pcr2": checked["pcr2"].hex(),
            "timestamp": checked["timestamp"],
            "verifier_secp256k1_public": public_key64_of(self.verifier_key).hex(),
        }
        return Response(200, "application/json", json.dumps(answer).encode())

    def _control(self, method: str, path: str, body: bytes) -> Response:
        def ok():
            return Response(200, "application/json", json.dumps(self.state()).encode())

        try:
            args = json.loads(body) if body else {}
            if not isinstance(args, dict):
                raise ValueError("the body must be a JSON object")
            if method == "GET" and path == "/_sim/state":
                return ok()
            if method == "POST" and path == "/_sim/restart":
                self.restart()
                return ok()
            if method == "POST" and path == "/_sim/fault":
                scope = args.get("scope", "*")
                if not isinstance(scope, str) or not scope:
                    raise ValueError("scope must be \"*\", a service name or a path")
                self.set_fault(scope, int(args.get("latency_ms", 0)), args.get("mode"),
                               None if args.get("count") is None else int(args["count"]))
                return ok()
            if method == "POST" and path == "/_sim/clear":
                self.clear_faults(args.get("scope"))
                return ok()
            if method == "POST" and path == "/_sim/refuse":
                self.set_refused(str(args.get("service")), bool(args.get("refused", True)))
                return ok()
            if method == "POST" and path == "/_sim/benchmark":
                self.set_benchmark(args.get("shape"), None if args.get("time_ms") is None else int(args["time_ms"]))
                return ok()
            if method == "POST" and path == "/_sim/program":
                state = args.get("state")
                if state not in ("Stopped", "Running", "Exited"):
                    raise ValueError("state must be Stopped, Running or Exited")
                if not self.set_program(str(args.get("program_name")), state):
                    raise ValueError(f"unknown program {args.get('program_name')!r}")
                return ok()
        except (ValueError, TypeError) as exc:
            return plain(400, f"bad control request: {exc}")
        return plain(404, f"no control endpoint {method} {path}")
