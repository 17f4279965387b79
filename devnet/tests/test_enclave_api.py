"""The enclave simulator's HTTP APIs without a chain: envelopes, status codes and messages of the real
generator client (spec §5.4, §9.2), the attestation server (§5.2), the verifier (§5.3), signatures checked
independently with eth-account against the constructions of spec §2.6.1/§2.6.2, restart, faults."""
from __future__ import annotations

import socket
import time

import cbor2
import pytest
from eth_account import Account
from eth_account.messages import encode_defunct
from eth_keys import keys
from eth_utils import keccak

from test_enclave_support import Dropped, request, setup_body

from kalypso_devnet.constants import PROVER_PCRS, VERIFIER_PRIVATE_KEY
from kalypso_devnet.enclave import Simulator

OPERATOR = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8"
GAS_KEY = "0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a"  # anvil account #2, public


@pytest.fixture
def sim():
    s = Simulator(quiet=True).start()
    yield s
    s.stop()


def gen(sim):
    return sim.urls()["generator"]


def configured(sim, market="1", address=OPERATOR):
    """Stores a config as a successful generatorConfigSetup would (its gas check needs a chain: see
    test_enclave_devnet.py)."""
    body = setup_body(address, "http://127.0.0.1:1", GAS_KEY, market)
    sim.set_config(body["generator_config"], body["runtime_config"])
    return sim


# -- programs ----------------------------------------------------------------------------------------------

def test_program_status_messages_and_stop(sim):
    ans = request(gen(sim), "GET", "/api/getProgramStatus?program_name=listener")
    assert ans.status == 200
    assert ans.json == {"message": "Program status fetched", "data": "Program hasn't been started yet."}
    sim.set_program("listener", "Running")
    assert request(gen(sim), "GET", "/api/getProgramStatus?program_name=listener").json["data"] == \
        "Program has been started."
    ans = request(gen(sim), "POST", "/api/stopProgram", {"program_name": "listener"})
    assert (ans.status, ans.json) == (200, {"message": "Program stopped", "data": None})
    # §9.2: after stopProgram the status says the program has not been started.
    assert request(gen(sim), "GET", "/api/getProgramStatus?program_name=listener").json["data"] == \
        "Program hasn't been started yet."
    sim.set_program("prover", "Exited")
    assert request(gen(sim), "GET", "/api/getProgramStatus?program_name=prover").json["data"] == \
        "Program has been stopped."


def test_program_status_errors(sim):
    ans = request(gen(sim), "GET", "/api/getProgramStatus?program_name=")
    assert ans.status == 400
    assert ans.json["message"] == "Invalid program name, please provide program name in the request query params."
    ans = request(gen(sim), "GET", "/api/getProgramStatus")
    assert (ans.status, ans.body) == (400, b"Query deserialize error: missing field `program_name`")
    assert ans.content_type.startswith("text/plain")
    ans = request(gen(sim), "GET", "/api/getProgramStatus?program_name=nope")
    assert (ans.status, ans.json["message"]) == (500, "Error fetching program status")
    ans = request(gen(sim), "POST", "/api/stopProgram", {"program_name": "nope"})
    assert (ans.status, ans.json["message"]) == (500, "Error stopping the program")


def test_start_program_payload_and_unconfigured(sim):
    ans = request(gen(sim), "POST", "/api/startProgram", {})
    assert ans.status == 400
    assert ans.json == {"message": "Invalid payload",
                        "data": "program_name: program_name was not provided in the JSON body"}
    # Without a config the real contract_validation fails to read its files: 500.
    ans = request(gen(sim), "POST", "/api/startProgram", {"program_name": "listener"})
    assert (ans.status, ans.json) == (500, {"message": "There was an issue in validating", "data": None})
    ans = request(gen(sim), "POST", "/api/restartProgram", {"program_name": "listener"})
    assert (ans.status, ans.json["message"]) == (500, "There was an issue in validating")


def test_plain_text_400_for_content_type_and_type_errors(sim):
    ans = request(gen(sim), "POST", "/api/startProgram", b'{"program_name":"listener"}', content_type=None)
    assert (ans.status, ans.body) == (400, b"Content type error")
    assert ans.content_type.startswith("text/plain")
    ans = request(gen(sim), "POST", "/api/startProgram", {"program_name": 5})
    assert ans.status == 400 and ans.content_type.startswith("text/plain")
    assert ans.body == b"Json deserialize error: invalid type: integer `5`, expected a string"
    ans = request(gen(sim), "POST", "/api/generatorConfigSetup", b"{not json")
    assert ans.status == 400 and ans.body.startswith(b"Json deserialize error: ")
    body = setup_body(OPERATOR, "http://127.0.0.1:1", GAS_KEY, start_block="1")
    ans = request(gen(sim), "POST", "/api/generatorConfigSetup", body)
    assert ans.body == b'Json deserialize error: invalid type: string "1", expected i32'
    body = setup_body(OPERATOR, "http://127.0.0.1:1", GAS_KEY)
    del body["runtime_config"]["markets"]
    ans = request(gen(sim), "POST", "/api/generatorConfigSetup", body)
    assert ans.body == b"Json deserialize error: missing field `markets`"


def test_unknown_route_is_empty_404(sim):
    ans = request(gen(sim), "GET", "/api/getGeneratorStatus")
    assert (ans.status, ans.body) == (404, b"")
    ans = request(gen(sim), "POST", "/api/addNewGenerator", {"address": OPERATOR})
    assert ans.status == 404


# -- generatorConfigSetup validation (before the gas check) -------------------------------------------------

@pytest.mark.parametrize("mutate, status, message, data", [
    (lambda b: b["generator_config"].append(dict(b["generator_config"][0])), 400,
     "Only one generator supported", None),
    (lambda b: b["generator_config"][0]["supported_markets"].append("2"), 400,
     "Only one market is supported for every generator", None),
    (lambda b: b["generator_config"][0].update(address="7099"), 400, "Invalid payload",
     "address: The address should start with 0x"),
    (lambda b: b["runtime_config"].update(ws_url="ws://127.0.0.1:8545"), 400, "Invalid payload",
     "ws_url: wss url is required"),
    (lambda b: b["runtime_config"].update(http_url="127.0.0.1:8545"), 400, "Invalid payload",
     "http_url: wss url is required"),
    (lambda b: b["runtime_config"].update(start_block=0), 400, "Invalid payload",
     "start_block: Block number should be at least 1"),
    (lambda b: b["runtime_config"].update(chain_id=0), 400, "Invalid payload",
     "chain_id: Chain ID should be at least 1"),
    (lambda b: b["runtime_config"].pop("entity_registry"), 400, "Invalid payload",
     "entity_registry: entity_registry was not provided in the runtime_config"),
    (lambda b: b.pop("generator_config"), 400, "Invalid payload",
     "generator_config: generator_config was not provided in the JSON body"),
])
def test_config_setup_validation(sim, mutate, status, message, data):
    body = setup_body(OPERATOR, "http://127.0.0.1:1", GAS_KEY)
    mutate(body)
    ans = request(gen(sim), "POST", "/api/generatorConfigSetup", body)
    assert (ans.status, ans.json) == (status, {"message": message, "data": data})
    assert sim.config_snapshot() == (None, None)


def test_config_setup_unreachable_rpc_is_500_and_key_never_echoed(sim):
    # Port 1 on localhost refuses: the balance check cannot run.
    ans = request(gen(sim), "POST", "/api/generatorConfigSetup",
                  setup_body(OPERATOR, "http://127.0.0.1:1", GAS_KEY))
    assert (ans.status, ans.json) == (500, {"message": "There was an issue while validating the request",
                                            "data": None})
    assert GAS_KEY[2:].encode() not in ans.body


def test_config_setup_unparsable_gas_key_drops_connection(sim):
    with pytest.raises(Dropped):
        request(gen(sim), "POST", "/api/generatorConfigSetup",
                setup_body(OPERATOR, "http://127.0.0.1:1", "0xnothex"))
    with pytest.raises(Dropped):  # supported_markets missing: the real handler unwraps it
        body = setup_body(OPERATOR, "http://127.0.0.1:1", GAS_KEY)
        del body["generator_config"][0]["supported_markets"]
        request(gen(sim), "POST", "/api/generatorConfigSetup", body)


# -- config-dependent endpoints -----------------------------------------------------------------------------

def test_fetch_public_keys_exact_case_sensitive(sim):
    ans = request(gen(sim), "POST", "/api/fetchGeneratorPublicKeys", {"generator_address": OPERATOR})
    assert (ans.status, ans.json["message"]) == (500, "There was an issue while fetching the generator public key.")
    configured(sim)
    ans = request(gen(sim), "POST", "/api/fetchGeneratorPublicKeys", {"generator_address": OPERATOR})
    assert ans.status == 200 and ans.json["message"] == "Generators public keys fetched"
    state = request(sim.urls()["control"], "GET", "/_sim/state").json
    pub64 = bytes.fromhex(state["enclave_public_key"][2:])
    pub = keys.PublicKey(pub64)
    compressed = ans.json["data"]["generator_ecies_public_key"]
    assert compressed == "0x" + pub.to_compressed_bytes().hex() and len(compressed) == 2 + 66
    assert ans.json["data"]["generator_public_key"] == pub.to_address()
    ans = request(gen(sim), "POST", "/api/fetchGeneratorPublicKeys", {"generator_address": OPERATOR.lower()})
    assert (ans.status, ans.json) == (404, {"message": "No generator found for the provided address", "data": None})
    ans = request(gen(sim), "POST", "/api/fetchGeneratorPublicKeys", {"generator_address": "7099"})
    assert ans.json == {"message": "Invalid payload", "data": "generator_address: The address should start with 0x"}


def test_update_generator_config(sim):
    ans = request(gen(sim), "PUT", "/api/updateGeneratorConfig",
                  {"address": OPERATOR, "supported_markets": ["2"]})
    assert ans.status == 500
    configured(sim)
    ans = request(gen(sim), "PUT", "/api/updateGeneratorConfig",
                  {"address": OPERATOR, "data": "x", "supported_markets": ["2"]})
    assert (ans.status, ans.json["message"]) == (200, "Generator config updated")
    assert sim.config_snapshot()[0][0]["supported_markets"] == ["2"]
    ans = request(gen(sim), "PUT", "/api/updateGeneratorConfig",
                  {"address": OPERATOR, "supported_markets": ["2", "3"]})
    assert (ans.status, ans.json["message"]) == (400, "Only one market is supported for every generator")
    ans = request(gen(sim), "PUT", "/api/updateGeneratorConfig",
                  {"address": "0x" + "ab" * 20, "supported_markets": ["2"]})
    assert (ans.status, ans.json["message"]) == (404, "No generator found for the provided address")


def test_update_runtime_config_validation(sim):
    ans = request(gen(sim), "PUT", "/api/updateRuntimeConfig", {"ws_url": "ws://x"})
    assert ans.json == {"message": "Invalid payload", "data": "ws_url: wss url is required"}
    ans = request(gen(sim), "PUT", "/api/updateRuntimeConfig", {"start_block": 5})
    assert (ans.status, ans.json["message"]) == (500, "There was an issue while updating the generator config file")
    configured(sim)  # its http_url refuses connections
    ans = request(gen(sim), "PUT", "/api/updateRuntimeConfig", {"start_block": 5})
    assert ans.status == 500 and ans.json["message"].startswith("There was an issue while updating the runtime config")


@pytest.mark.parametrize("shape, status, body", [
    ("A", 200, {"message": "Proof generated in 4321ms", "data": None}),
    ("B", 200, {"data": "Benchmark proof generated", "time_in_ms": 4321}),
    ("C", 200, {"benchmarkTime": "4321"}),
    ("501", 501, {"message": "Benchmarking API is not implemented", "data": None}),
])
def test_benchmark_shapes(sim, shape, status, body):
    ans = request(gen(sim), "GET", "/api/benchmark?market_id=1")
    assert ans.status == 500 and ans.json["message"].startswith("There was an error reading the config file")
    configured(sim)
    request(sim.urls()["control"], "POST", "/_sim/benchmark", {"shape": shape, "time_ms": 4321})
    ans = request(gen(sim), "GET", "/api/benchmark?market_id=1")
    assert (ans.status, ans.json) == (status, body)
    ans = request(gen(sim), "GET", "/api/benchmark?market_id=7")
    assert (ans.status, ans.json) == (400, {"message": "No generator found for market ID :7 ", "data": None})


# -- signatures ---------------------------------------------------------------------------------------------

def _enclave_address(sim) -> str:
    return request(sim.urls()["control"], "GET", "/_sim/state").json["enclave_address"]


def _abi_encode_bytes_address(att: bytes, operator: str) -> bytes:
    """abi.encode(bytes, address) laid out by hand as spec §2.6.2 gives it."""
    padded = att + bytes(-len(att) % 32)
    return ((0x40).to_bytes(32, "big") + bytes(12) + bytes.fromhex(operator[2:]) +
            len(att).to_bytes(32, "big") + padded)


def test_sign_attestation_recovers_to_enclave(sim):
    att = bytes(range(200)) * 3 + b"\x01"
    ans = request(gen(sim), "POST", "/api/signAttestation", {"attestation": "0x" + att.hex(), "address": OPERATOR})
    assert ans.status == 200 and ans.json["message"] == "Attestation signed"
    data = ans.json["data"]
    assert data["v"] in (27, 28) and len(data["r"]) == 66 and len(data["s"]) == 66
    digest = keccak(_abi_encode_bytes_address(att, OPERATOR))
    signer = Account.recover_message(encode_defunct(primitive=digest),
                                     vrs=(data["v"], int(data["r"], 16), int(data["s"], 16)))
    assert signer == _enclave_address(sim)
    # What the contract does (spec §2.6.2): ECDSA.recover over "\x19Ethereum Signed Message:\n32" ‖ digest.
    eth_digest = keccak(b"\x19Ethereum Signed Message:\n32" + digest)
    sig = keys.Signature(vrs=(data["v"] - 27, int(data["r"], 16), int(data["s"], 16)))
    assert sig.recover_public_key_from_msg_hash(eth_digest).to_checksum_address() == signer


def test_sign_attestation_errors(sim):
    ans = request(gen(sim), "POST", "/api/signAttestation", {"address": OPERATOR})
    assert (ans.status, ans.json) == (400, {"message": "Invalid attestation",
                                            "data": "attestation: attestation bytes were not provided in the JSON body"})
    for bad in ({"attestation": "0xzz", "address": OPERATOR},       # bad hex
                {"attestation": "abcd", "address": OPERATOR},       # no 'x' to split on
                {"attestation": "0xabcd", "address": "0x1234"}):    # bad address
        with pytest.raises(Dropped):
            request(gen(sim), "POST", "/api/signAttestation", bad)
    # The server keeps serving after a dropped connection.
    assert request(gen(sim), "GET", "/api/getProgramStatus?program_name=listener").status == 200


def test_sign_address(sim):
    ans = request(gen(sim), "POST", "/api/signAddress", {"address": OPERATOR})
    assert ans.status == 200 and ans.json["message"] == "Address signed"
    d = ans.json["data"]
    digest = keccak(bytes(12) + bytes.fromhex(OPERATOR[2:]))
    signer = Account.recover_message(encode_defunct(primitive=digest), vrs=(d["v"], int(d["r"], 16), int(d["s"], 16)))
    assert signer == _enclave_address(sim)
    with pytest.raises(Dropped):
        request(gen(sim), "POST", "/api/signAddress", {"address": "not an address"})
    ans = request(gen(sim), "POST", "/api/signAddress", {})
    assert ans.json == {"message": "Invalid payload", "data": "address: address was not provided in the JSON body"}


# -- attestation server and verifier -----------------------------------------------------------------------

SPEC_DOMAIN_SEPARATOR = bytes.fromhex("0de834feb03c214f785e75b2828ffeceb322312d4487e2fb9640ca5fc32542c7")
SPEC_TYPEHASH = bytes.fromhex("6889df476ca38f3f4b417c17eb496682eb401b4f41a2259741a78acc481ea805")


def test_attestation_document_shape(sim):
    before = int(time.time() * 1000)
    raw = request(sim.urls()["attestation"], "GET", "/attestation/raw")
    assert raw.status == 200 and raw.content_type == "application/octet-stream"
    protected, unprotected, payload, signature = cbor2.loads(raw.body)
    assert cbor2.loads(protected) == {1: -35} and len(signature) == 96
    doc = cbor2.loads(payload)
    assert doc["digest"] == "SHA384" and doc["module_id"].startswith("i-")
    assert before <= doc["timestamp"] <= int(time.time() * 1000)
    assert (doc["pcrs"][0], doc["pcrs"][1], doc["pcrs"][2]) == PROVER_PCRS
    assert doc["public_key"].hex() == _state(sim)["enclave_public_key"][2:]
    assert isinstance(doc["certificate"], bytes) and isinstance(doc["cabundle"], list)
    hexed = request(sim.urls()["attestation"], "GET", "/attestation/hex")
    assert hexed.status == 200 and hexed.content_type.startswith("text/plain")
    assert cbor2.loads(cbor2.loads(bytes.fromhex(hexed.body.decode()))[2])["public_key"] == doc["public_key"]


def _state(sim):
    return request(sim.urls()["control"], "GET", "/_sim/state").json


def test_verifier_signs_eip712_attestation(sim):
    raw = request(sim.urls()["attestation"], "GET", "/attestation/raw").body
    for path, body, ctype in (("/verify/raw", raw, "application/octet-stream"),
                              ("/verify/hex", raw.hex(), "text/plain")):
        ans = request(sim.urls()["verifier"], "POST", path, body, content_type=ctype)
        assert ans.status == 200, ans.body
        out = ans.json
        assert set(out) == {"signature", "secp256k1_public", "pcr0", "pcr1", "pcr2", "timestamp",
                            "verifier_secp256k1_public"}
        assert out["secp256k1_public"] == _state(sim)["enclave_public_key"][2:]
        assert (out["pcr0"], out["pcr1"], out["pcr2"]) == tuple(p.hex() for p in PROVER_PCRS)
        sig = bytes.fromhex(out["signature"])
        assert len(sig) == 65 and sig[64] in (27, 28)
        struct_hash = keccak(SPEC_TYPEHASH + keccak(bytes.fromhex(out["secp256k1_public"])) +
                             keccak(bytes.fromhex(out["pcr0"])) + keccak(bytes.fromhex(out["pcr1"])) +
                             keccak(bytes.fromhex(out["pcr2"])) + out["timestamp"].to_bytes(32, "big"))
        digest = keccak(b"\x19\x01" + SPEC_DOMAIN_SEPARATOR + struct_hash)
        recovered = keys.Signature(vrs=(sig[64] - 27, int.from_bytes(sig[:32], "big"),
                                        int.from_bytes(sig[32:64], "big"))).recover_public_key_from_msg_hash(digest)
        verifier = keys.PrivateKey(bytes.fromhex(VERIFIER_PRIVATE_KEY[2:])).public_key
        assert recovered == verifier
        assert out["verifier_secp256k1_public"] == verifier.to_bytes().hex()


def test_verifier_rejections(sim):
    v = sim.urls()["verifier"]
    ans = request(v, "POST", "/verify/hex", "zz12", content_type="text/plain")
    assert ans.status == 400 and ans.content_type.startswith("text/plain")
    ans = request(v, "POST", "/verify/raw", b"\xa0", content_type="application/octet-stream")
    assert ans.status == 401 and ans.content_type.startswith("text/plain")
    # A document signed by another root (another simulator) fails verification.
    other = Simulator(quiet=True).start()
    try:
        foreign = request(other.urls()["attestation"], "GET", "/attestation/raw").body
    finally:
        other.stop()
    ans = request(v, "POST", "/verify/raw", foreign, content_type="application/octet-stream")
    assert ans.status == 401 and b"trusted root" in ans.body
    # A tampered payload (the signature no longer matches).
    raw = request(sim.urls()["attestation"], "GET", "/attestation/raw").body
    parts = cbor2.loads(raw)
    doc = cbor2.loads(parts[2])
    doc["public_key"] = bytes(63) + b"\x01"
    parts[2] = cbor2.dumps(doc)
    ans = request(v, "POST", "/verify/raw", cbor2.dumps(parts), content_type="application/octet-stream")
    assert ans.status == 401 and b"signature does not verify" in ans.body


# -- restart and control ------------------------------------------------------------------------------------

def test_restart_gives_new_key_and_clears_state(sim):
    configured(sim)
    sim.set_program("listener", "Running")
    first = _state(sim)
    doc1 = cbor2.loads(cbor2.loads(request(sim.urls()["attestation"], "GET", "/attestation/raw").body)[2])
    after = request(sim.urls()["control"], "POST", "/_sim/restart").json
    assert after["enclave_address"] != first["enclave_address"]
    assert after["boot"] == first["boot"] + 1
    assert after["generator_config"] is None and after["runtime_config"] is None
    assert after["programs"] == {"listener": "Stopped", "prover": "Stopped"}
    doc2 = cbor2.loads(cbor2.loads(request(sim.urls()["attestation"], "GET", "/attestation/raw").body)[2])
    assert doc2["public_key"] != doc1["public_key"]
    assert doc2["public_key"].hex() == after["enclave_public_key"][2:]
    ans = request(gen(sim), "POST", "/api/fetchGeneratorPublicKeys", {"generator_address": OPERATOR})
    assert ans.status == 500


def test_state_never_shows_gas_key(sim):
    configured(sim)
    body = request(sim.urls()["control"], "GET", "/_sim/state").body
    assert GAS_KEY[2:].encode() not in body.lower()
    assert b'"gas_key_address": "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC"' in body


def test_control_rejects_bad_requests(sim):
    c = sim.urls()["control"]
    assert request(c, "POST", "/_sim/fault", {"scope": "*", "mode": "explode"}).status == 400
    assert request(c, "POST", "/_sim/benchmark", {"shape": "D"}).status == 400
    assert request(c, "POST", "/_sim/refuse", {"service": "control"}).status == 400
    assert request(c, "POST", "/_sim/nothing", {}).status == 404


# -- faults -------------------------------------------------------------------------------------------------

STATUS_PATH = "/api/getProgramStatus?program_name=listener"


def test_fault_latency(sim):
    request(sim.urls()["control"], "POST", "/_sim/fault", {"scope": "/api/getProgramStatus", "latency_ms": 400})
    t = time.monotonic()
    assert request(gen(sim), "GET", STATUS_PATH).status == 200
    assert time.monotonic() - t >= 0.4
    t = time.monotonic()
    request(gen(sim), "POST", "/api/signAddress", {"address": OPERATOR})
    assert time.monotonic() - t < 0.3  # other paths are not delayed


def test_fault_http500_counted(sim):
    request(sim.urls()["control"], "POST", "/_sim/fault", {"scope": "generator", "mode": "http500", "count": 2})
    for _ in range(2):
        ans = request(gen(sim), "GET", STATUS_PATH)
        assert ans.status == 500 and ans.json["data"] is None
    assert request(gen(sim), "GET", STATUS_PATH).status == 200
    # Service scope: the attestation server is not affected.
    request(sim.urls()["control"], "POST", "/_sim/fault", {"scope": "generator", "mode": "http500"})
    assert request(sim.urls()["attestation"], "GET", "/attestation/raw").status == 200


def test_fault_malformed_json(sim):
    request(sim.urls()["control"], "POST", "/_sim/fault", {"scope": "*", "mode": "malformed"})
    ans = request(gen(sim), "GET", STATUS_PATH)
    assert ans.status == 200 and ans.content_type == "application/json"
    with pytest.raises(ValueError):
        ans.json
    request(sim.urls()["control"], "POST", "/_sim/clear", {})
    assert request(gen(sim), "GET", STATUS_PATH).json["message"] == "Program status fetched"


def test_fault_dropped_connection(sim):
    request(sim.urls()["control"], "POST", "/_sim/fault", {"scope": "/attestation/raw", "mode": "drop", "count": 1})
    with pytest.raises(Dropped):
        request(sim.urls()["attestation"], "GET", "/attestation/raw")
    assert request(sim.urls()["attestation"], "GET", "/attestation/raw").status == 200


def test_fault_connection_refused_and_resume(sim):
    url = gen(sim)
    port = int(url.rsplit(":", 1)[1])
    request(sim.urls()["control"], "POST", "/_sim/refuse", {"service": "generator"})
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", port), timeout=2).close()
    assert request(sim.urls()["verifier"], "POST", "/verify/raw", b"", content_type="application/octet-stream").status == 401
    request(sim.urls()["control"], "POST", "/_sim/refuse", {"service": "generator", "refused": False})
    assert request(url, "GET", STATUS_PATH).status == 200  # same port again


def test_keep_alive_serves_several_requests_on_one_connection(sim):
    import http.client
    port = int(gen(sim).rsplit(":", 1)[1])
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        for _ in range(3):
            conn.request("GET", STATUS_PATH)
            resp = conn.getresponse()
            assert resp.status == 200 and resp.version == 11
            resp.read()
    finally:
        conn.close()


def test_concurrent_requests_each_get_their_own_answer(sim):
    from concurrent.futures import ThreadPoolExecutor
    operators = ["0x" + bytes([i]) .hex() * 20 for i in range(1, 17)]

    def sign(op):
        ans = request(gen(sim), "POST", "/api/signAddress", {"address": op})
        d = ans.json["data"]
        digest = keccak(bytes(12) + bytes.fromhex(op[2:]))
        return Account.recover_message(encode_defunct(primitive=digest), vrs=(d["v"], int(d["r"], 16), int(d["s"], 16)))

    with ThreadPoolExecutor(8) as pool:
        signers = list(pool.map(sign, operators))
    assert signers == [_enclave_address(sim)] * len(operators)
