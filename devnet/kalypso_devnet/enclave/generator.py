"""The generator client API (spec §5.4, port 5000 of a real enclave), behaving as kalypso-unified
`generator_client` does, including its quirks of spec §9.2.

Each handler takes the simulator and the request and returns a Response, or raises Drop where the real
client's handler panics (the connection then closes without an HTTP response).
"""
from __future__ import annotations

import json
import re
import urllib.parse
from dataclasses import dataclass

from . import bodies, sch
from .chain import MIN_GAS_BALANCE_WEI, Chain, ChainError
from .crypto import address_of_private_key, strict_hex

LOW_BALANCE = "Runtime private_key doesn't have enough balance, minimum balance required is 0.05ETH"
STATUS_MESSAGES = {
    "Stopped": "Program hasn't been started yet.",
    "Exited": "Program has been stopped.",
    "Running": "Program has been started.",
}
_ADDRESS = re.compile(r"(0x)?[0-9a-fA-F]{40}")
_DECIMAL = re.compile(r"[0-9]+")


class Drop(Exception):
    """The real handler panics here: close the connection without an answer."""


@dataclass
class Response:
    status: int
    content_type: str
    body: bytes


def envelope(status: int, message: str, data=None) -> Response:
    """The generator client's `{"message","data"}` envelope (helper/src/response.rs)."""
    return Response(status, "application/json", json.dumps({"message": message, "data": data}).encode())


def plain(status: int, text: str) -> Response:
    return Response(status, "text/plain; charset=utf-8", text.encode())


def parse_address(text: str) -> bytes:
    """ethers' `Address::from_str`: 40 hex digits, optional 0x; anything else makes the real handler panic."""
    if not _ADDRESS.fullmatch(text):
        raise Drop()
    return bytes.fromhex(text[-40:])


def _json_body(headers, raw: bytes, struct: bodies.Struct):
    """actix `web::Json<T>`: content type, JSON syntax and serde types; errors are plain-text 400s."""
    ctype = (headers.get("Content-Type") or "").split(";")[0].strip().lower()
    if not (ctype == "application/json" or ctype.endswith("+json")):
        raise _Answer(plain(400, "Content type error"))
    try:
        value = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise _Answer(plain(400, f"Json deserialize error: {exc}")) from exc
    try:
        return bodies.deserialize(value, struct)
    except bodies.DeserializeError as exc:
        raise _Answer(plain(400, f"Json deserialize error: {exc}")) from exc


def _query(query: str, name: str) -> str:
    """actix `web::Query<T>` with one required string field."""
    values = urllib.parse.parse_qs(query, keep_blank_values=True).get(name)
    if values is None:
        raise _Answer(plain(400, f"Query deserialize error: missing field `{name}`"))
    return values[0]


def _validated_body(headers, raw: bytes, struct: bodies.Struct, rules, message: str = "Invalid payload"):
    """A JSON body that also passes the handler's validator; a failed rule is a 400 envelope."""
    parsed = _json_body(headers, raw, struct)
    error = bodies.validate(parsed, rules)
    if error:
        raise _Answer(envelope(400, message, error))
    return parsed


class _Answer(Exception):
    """Ends a handler early with `response` (a plain-text error or an envelope)."""

    def __init__(self, response: Response):
        super().__init__(response.status)
        self.response = response


class GeneratorApi:
    """Routes of `web::scope("/api")`; every other path is an empty 404, as in actix."""

    def __init__(self, sim):
        self.sim = sim
        self.routes = {
            ("POST", "/api/startProgram"): self.start_program,
            ("POST", "/api/stopProgram"): self.stop_program,
            ("POST", "/api/restartProgram"): self.restart_program,
            ("GET", "/api/getProgramStatus"): self.program_status,
            ("POST", "/api/generatorConfigSetup"): self.config_setup,
            ("PUT", "/api/updateRuntimeConfig"): self.update_runtime_config,
            ("PUT", "/api/updateGeneratorConfig"): self.update_generator_config,
            ("POST", "/api/fetchGeneratorPublicKeys"): self.fetch_public_keys,
            ("POST", "/api/signAddress"): self.sign_address,
            ("POST", "/api/signAttestation"): self.sign_attestation,
            ("GET", "/api/benchmark"): self.benchmark,
            ("POST", "/api/generatorConfigSetupEncrypted"): self.config_setup_encrypted,
            ("POST", "/api/signAttestationEncrypted"): self.sign_attestation_encrypted,
            ("POST", "/api/signAddressEncrypted"): self.sign_address_encrypted,
            ("PUT", "/api/updateRuntimeConfigEncrypted"): self.update_runtime_config_encrypted,
        }

    def handle(self, method: str, path: str, query: str, headers, body: bytes) -> Response:
        route = self.routes.get((method, path))
        if route is None:
            return Response(404, "", b"")
        try:
            return route(query, headers, body)
        except _Answer as answer:
            return answer.response

    # -- supervisord programs --------------------------------------------------------------------------------

    def _program_body(self, headers, body) -> str:
        parsed = _validated_body(headers, body, bodies.SUPERVISORD_INPUT, bodies.SUPERVISORD_RULES)
        return parsed["program_name"]

    def start_program(self, query, headers, body):
        name = self._program_body(headers, body)
        refusal = self._contract_validation()
        if refusal:
            return refusal
        if not self.sim.set_program(name, "Running"):
            return envelope(500, "Error starting the program")
        return envelope(200, "Program started")

    def stop_program(self, query, headers, body):
        name = self._program_body(headers, body)
        if not self.sim.set_program(name, "Stopped"):
            return envelope(500, "Error stopping the program")
        return envelope(200, "Program stopped")

    def restart_program(self, query, headers, body):
        name = self._program_body(headers, body)
        refusal = self._contract_validation()
        if refusal:
            return refusal
        if not self.sim.set_program(name, "Stopped"):
            return envelope(500, "Error stopping the program")
        self.sim.set_program(name, "Running")
        return envelope(200, "Program restarted")

    def program_status(self, query, headers, body):
        name = _query(query, "program_name")
        if not name:
            return envelope(400, "Invalid program name, please provide program name in the request query params.")
        state = self.sim.program_state(name)
        if state is None:
            return envelope(500, "Error fetching program status")
        return envelope(200, "Program status fetched", STATUS_MESSAGES[state])

    def _contract_validation(self) -> Response | None:
        """generator_client kalypso.rs `contract_validation` (spec §2.8); None when the programs may start."""
        internal = envelope(500, "There was an issue in validating")
        generators, runtime = self.sim.config_snapshot()
        if generators is None or runtime is None:
            return internal
        try:
            gas_address = address_of_private_key(runtime["private_key"])
        except ValueError:
            raise Drop() from None  # `.parse::<LocalWallet>().unwrap()`
        chain = Chain(runtime["http_url"])
        try:
            if chain.balance(gas_address) < MIN_GAS_BALANCE_WEI:
                return envelope(400, LOW_BALANCE)
            registry = runtime["generator_registry"]
            entity_registry = runtime["entity_registry"]
            if not (_ADDRESS.fullmatch(registry) and _ADDRESS.fullmatch(entity_registry)):
                return internal
            for generator in generators:
                address = generator["address"]
                if not _ADDRESS.fullmatch(address):
                    return internal
                operator = "0x" + address[-40:]
                if not generator["supported_markets"]:
                    raise Drop()  # `supported_markets[0]` on an empty list
                market = generator["supported_markets"][0]
                if not self.sim.skip_verification:
                    if not _DECIMAL.fullmatch(market):
                        return internal
                    registered = chain.pub_key("0x" + entity_registry[-40:], operator, int(market))
                    if len(registered) < 2:
                        return envelope(400, f"ECIES key not udpated in the registry for generator : {address}")
                    if len(registered) != 64:
                        raise Drop()  # copy_from_slice into [u8; 65] panics
                    if registered != self.sim.key.public_key64:
                        return envelope(
                            400, "Local ECIES pub key does not match the the ecies pub key in registry "
                                 f"for generator : {address}")
                for m in generator["supported_markets"]:
                    if not _DECIMAL.fullmatch(m):
                        return internal
                    if chain.market_state("0x" + registry[-40:], operator, int(m)) == 0:
                        return envelope(
                            400, f"Generator {address} is not registered for market {m}. Please register and try again")
        except ChainError as exc:
            self.sim.log(f"contract validation failed: {exc}")
            return internal
        return None

    # -- configuration ---------------------------------------------------------------------------------------

    def _gas_check(self, private_key: str, http_url: str) -> Response | None:
        """`runtime_config_validation`: the gas key must parse (else the handler panics) and hold ≥ 0.05 ETH."""
        try:
            gas_address = address_of_private_key(private_key)
        except ValueError:
            raise Drop() from None
        try:
            if Chain(http_url).balance(gas_address) < MIN_GAS_BALANCE_WEI:
                return envelope(400, LOW_BALANCE)
        except ChainError as exc:
            self.sim.log(f"gas balance check failed: {exc}")
            return envelope(500, "There was an issue while validating the request")
        return None

    def config_setup(self, query, headers, body):
        parsed = _validated_body(headers, body, bodies.SETUP_BODY, bodies.SETUP_BODY_RULES)
        generators = parsed["generator_config"]
        if len(generators) > 1:
            return envelope(400, "Only one generator supported")
        for generator in generators:
            if generator["supported_markets"] is None:
                raise Drop()  # `supported_markets.as_ref().unwrap()` before validate()
            if len(generator["supported_markets"]) > 1:
                return envelope(400, "Only one market is supported for every generator")
            error = bodies.validate(generator, bodies.SETUP_GENERATOR_RULES)
            if error:
                return envelope(400, "Invalid payload", error)
        runtime = parsed["runtime_config"]
        error = bodies.validate(runtime, bodies.SETUP_RUNTIME_RULES)
        if error:
            return envelope(400, "Invalid payload", error)
        return self._store_config(generators, runtime) or envelope(200, "Config done")

    def _store_config(self, generators, runtime) -> Response | None:
        """The end of both setup handlers: gas key balance, then the config files; None when stored."""
        refusal = self._gas_check(runtime["private_key"], runtime["http_url"])
        if refusal:
            return refusal
        if runtime["payment_token"] is None:
            raise Drop()  # generate_runtime_file unwraps payment_token
        self.sim.set_config(generators, runtime)
        return None

    def update_runtime_config(self, query, headers, body):
        parsed = _validated_body(headers, body, bodies.UPDATE_RUNTIME, bodies.UPDATE_RUNTIME_RULES)
        return self._update_runtime(parsed) or envelope(200, "Runtime config updated")

    def _update_runtime(self, parsed) -> Response | None:
        """The end of both runtime-update handlers: gas key balance, then the change; None when applied."""
        _, runtime = self.sim.config_snapshot()
        if runtime is None:
            return envelope(500, "There was an issue while updating the generator config file")
        private_key = parsed["private_key"] if parsed["private_key"] is not None else runtime["private_key"]
        http_url = parsed["http_url"] if parsed["http_url"] is not None else runtime["http_url"]
        try:
            gas_address = address_of_private_key(private_key)
        except ValueError:
            raise Drop() from None
        try:
            if Chain(http_url).balance(gas_address) < MIN_GAS_BALANCE_WEI:
                return envelope(400, LOW_BALANCE)
        except ChainError:
            return envelope(500, "There was an issue while updating the runtime config, Please make sure if you "
                                 "are providing a new RPC url it is a valid one.")
        changes = {k: v for k, v in parsed.items() if v is not None}
        if not self.sim.update_runtime(changes):
            return envelope(404, "There was an issue in updating the config file, since the config file was not found")
        return None

    def update_generator_config(self, query, headers, body):
        parsed = _validated_body(headers, body, bodies.UPDATE_GENERATOR, bodies.UPDATE_GENERATOR_RULES)
        if parsed["supported_markets"] is None:
            raise Drop()  # `supported_markets.as_ref().unwrap().len()`
        if len(parsed["supported_markets"]) > 1:
            return envelope(400, "Only one market is supported for every generator")
        result = self.sim.update_generator(parsed["address"], parsed["data"], parsed["supported_markets"])
        if result is None:
            return envelope(500, "There was an issue while updating the generator config file")
        if result is False:
            return envelope(404, "No generator found for the provided address")
        return envelope(200, "Generator config updated")

    def fetch_public_keys(self, query, headers, body):
        parsed = _validated_body(headers, body, bodies.GET_PUBLIC_KEYS, bodies.GET_PUBLIC_KEYS_RULES)
        generators, _ = self.sim.config_snapshot()
        if generators is None:
            return envelope(500, "There was an issue while fetching the generator public key.")
        # Exact, case-sensitive string match (spec §9.2).
        if not any(g["address"] == parsed["generator_address"] for g in generators):
            return envelope(404, "No generator found for the provided address")
        key = self.sim.key
        return envelope(200, "Generators public keys fetched", {
            "generator_ecies_public_key": "0x" + key.compressed_public_key.hex(),
            "generator_public_key": "0x" + key.address[2:].lower(),
        })

    # -- signatures ------------------------------------------------------------------------------------------

    def sign_address(self, query, headers, body):
        parsed = _validated_body(headers, body, bodies.SIGN_ADDRESS, bodies.SIGN_ADDRESS_RULES)
        r, s, v = self.sim.key.sign_address(parse_address(parsed["address"]))
        return envelope(200, "Address signed", _rsv(r, s, v))

    def sign_attestation(self, query, headers, body):
        parsed = _validated_body(
            headers, body, bodies.SIGN_ATTESTATION, bodies.SIGN_ATTESTATION_RULES, "Invalid attestation")
        # The real handler splits on "x" and hex-decodes part [1]; a missing part or bad hex panics.
        parts = parsed["attestation"].split("x")
        if len(parts) < 2:
            raise Drop()
        attestation = strict_hex(parts[1])
        if attestation is None:
            raise Drop()
        r, s, v = self.sim.key.sign_attestation(attestation, parse_address(parsed["address"]))
        return envelope(200, "Attestation signed", _rsv(r, s, v))

    # -- secure channel (spec §5.7; the handlers are below the class) ---------------------------------------

    def config_setup_encrypted(self, query, headers, body):
        return _config_setup_encrypted(self, query, headers, body)

    def sign_attestation_encrypted(self, query, headers, body):
        return _sign_attestation_encrypted(self, query, headers, body)

    def sign_address_encrypted(self, query, headers, body):
        return _sign_address_encrypted(self, query, headers, body)

    def update_runtime_config_encrypted(self, query, headers, body):
        return _update_runtime_config_encrypted(self, query, headers, body)

    # -- benchmark -------------------------------------------------------------------------------------------

    def benchmark(self, query, headers, body):
        market = _query(query, "market_id")
        _, runtime = self.sim.config_snapshot()
        if runtime is None:
            return envelope(500, "There was an error reading the config file, Please make sure you have setup "
                                 "the generator config file.")
        if market not in runtime["markets"]:
            return envelope(400, f"No generator found for market ID :{market} ")
        shape, ms = self.sim.benchmark_mode()
        if shape == "A":
            return envelope(200, f"Proof generated in {ms}ms")
        if shape == "B":
            return Response(200, "application/json",
                            json.dumps({"data": "Benchmark proof generated", "time_in_ms": ms}).encode())
        if shape == "C":
            return Response(200, "application/json", json.dumps({"benchmarkTime": str(ms)}).encode())
        return envelope(501, "Benchmarking API is not implemented")


# -- secure channel (spec §5.7) --------------------------------------------------------------------------------

def _sch_open(sim, headers, body: bytes):
    """Body → (plaintext JSON value, response key) for the *Encrypted handlers, as sch_payload.rs does.

    serde errors of the outer body are plain-text 400s; a bad signature is a 400 envelope; a request that does not
    decrypt, or whose plaintext is not JSON, panics the real handler (the connection drops)."""
    ctype = (headers.get("Content-Type") or "").split(";")[0].strip().lower()
    if not (ctype == "application/json" or ctype.endswith("+json")):
        raise _Answer(plain(400, "Content type error"))
    try:
        request, response_key, signature = sch.parse_body(json.loads(body.decode("utf-8")))
    except (UnicodeDecodeError, json.JSONDecodeError, TypeError) as exc:
        raise _Answer(plain(400, f"Json deserialize error: {exc}")) from exc
    try:
        plaintext = sch.open_request(sim.key.secret, request, response_key, signature)
    except sch.Invalid as exc:
        raise _Answer(envelope(400, str(exc))) from None
    except sch.Undecryptable:
        raise Drop() from None
    try:
        return json.loads(plaintext.decode("utf-8")), response_key
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise Drop() from None


def _inner(value, struct: bodies.Struct, required: tuple[str, ...]):
    """The decrypted body: the encrypted handlers skip validation, so a missing field panics (drops)."""
    try:
        parsed = bodies.deserialize(value, struct)
    except bodies.DeserializeError:
        raise Drop() from None
    if any(parsed.get(name) is None for name in required):
        raise Drop()
    return parsed


def _config_setup_encrypted(api: "GeneratorApi", query, headers, body):
    value, response_key = _sch_open(api.sim, headers, body)
    parsed = _inner(value, bodies.SETUP_BODY, ("generator_config", "runtime_config"))
    generators = parsed["generator_config"]
    if len(generators) > 1:
        return envelope(400, "Only one generator supported")
    for generator in generators:
        if any(generator.get(name) is None for name in ("address", "data", "supported_markets")):
            raise Drop()
        if len(generator["supported_markets"]) > 1:
            return envelope(400, "Only one market is supported for every generator")
    runtime = parsed["runtime_config"]
    if any(runtime.get(name) is None for name in ("private_key", "http_url")):
        raise Drop()
    refusal = api._store_config(generators, runtime)
    if refusal:
        return refusal
    return envelope(200, "Config done", sch.seal_response(api.sim.key.secret, response_key, {}))


def _update_runtime_config_encrypted(api: "GeneratorApi", query, headers, body):
    value, response_key = _sch_open(api.sim, headers, body)
    parsed = _inner(value, bodies.UPDATE_RUNTIME, ())
    refusal = api._update_runtime(parsed)
    if refusal:
        return refusal
    return envelope(200, "Runtime config updated", sch.seal_response(api.sim.key.secret, response_key, {}))


def _sign_attestation_encrypted(api: "GeneratorApi", query, headers, body):
    value, response_key = _sch_open(api.sim, headers, body)
    parsed = _inner(value, bodies.SIGN_ATTESTATION, ("attestation", "address"))
    parts = parsed["attestation"].split("x")
    if len(parts) < 2:
        raise Drop()
    attestation = strict_hex(parts[1])
    if attestation is None:
        raise Drop()
    r, s, v = api.sim.key.sign_attestation(attestation, parse_address(parsed["address"]))
    return envelope(200, "Attestation signed", sch.seal_response(api.sim.key.secret, response_key, _rsv(r, s, v)))


def _sign_address_encrypted(api: "GeneratorApi", query, headers, body):
    value, response_key = _sch_open(api.sim, headers, body)
    parsed = _inner(value, bodies.SIGN_ADDRESS, ("address",))
    r, s, v = api.sim.key.sign_address(parse_address(parsed["address"]))
    return envelope(200, "Address signed", sch.seal_response(api.sim.key.secret, response_key, _rsv(r, s, v)))


def _rsv(r: int, s: int, v: int) -> dict:
    return {"r": "0x" + r.to_bytes(32, "big").hex(), "s": "0x" + s.to_bytes(32, "big").hex(), "v": v}
