"""The simulator's `*Encrypted` endpoints (spec §5.7): a client built here from eciespy and eth-account talks to
them; signatures are recovered independently; the real server's 400 messages and dropped connections."""
from __future__ import annotations

import json

import coincurve
import ecies
import pytest
from eth_abi import encode as abi_encode
from eth_account import Account
from eth_account.messages import encode_defunct
from eth_utils import keccak, to_checksum_address

from test_enclave_support import Dropped, request, setup_body

from kalypso_devnet import constants as C
from kalypso_devnet.attestation import Enclave, operator_digest
from kalypso_devnet.constants import PROVER_PCRS
from kalypso_devnet.enclave import Simulator, sch
from kalypso_devnet.rpc import dev_account

OPERATOR = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8"


@pytest.fixture
def sim():
    s = Simulator(quiet=True).start()
    yield s
    s.stop()


def enclave_public(sim) -> bytes:
    return b"\x04" + sim.key.public_key64


def post(sim, path: str, body) -> object:
    return request(sim.urls()["generator"], "POST", path, body)


def sealed(sim, payload: dict, secret: bytes | None = None):
    return sch.client_seal(enclave_public(sim), json.dumps(payload).encode(), secret)


def test_sign_attestation_encrypted_round_trip(sim):
    att = Enclave.generate(PROVER_PCRS, seed=b"sch").attestation(1_700_000_000_000)
    body, secret = sealed(sim, {"attestation": "0x" + att.hex(), "address": OPERATOR})
    ans = post(sim, "/api/signAttestationEncrypted", body)
    assert ans.status == 200 and ans.json["message"] == "Attestation signed"
    data = ans.json["data"]
    assert len(data["salt"]) == 64 and len(data["signature"]) == 65
    # The enclave signed (response, salt) with its key (checked here without sch.py).
    digest = keccak(abi_encode(["bytes", "bytes"], [bytes(data["response"]), bytes(data["salt"])]))
    assert Account.recover_message(encode_defunct(primitive=digest), signature=bytes(data["signature"])) == \
        sim.key.address
    plain = json.loads(ecies.decrypt(secret, bytes(data["response"])))
    sig = bytes.fromhex(plain["r"][2:]) + bytes.fromhex(plain["s"][2:]) + bytes([plain["v"]])
    signer = Account.recover_message(encode_defunct(primitive=operator_digest(att, OPERATOR)), signature=sig)
    assert signer == sim.key.address


def test_sign_address_encrypted(sim):
    body, secret = sealed(sim, {"address": OPERATOR})
    ans = post(sim, "/api/signAddressEncrypted", body)
    assert ans.status == 200 and ans.json["message"] == "Address signed"
    plain = sch.client_open(sim.key.address, secret, ans.json["data"])
    sig = bytes.fromhex(plain["r"][2:]) + bytes.fromhex(plain["s"][2:]) + bytes([plain["v"]])
    digest = keccak(abi_encode(["address"], [OPERATOR]))
    assert Account.recover_message(encode_defunct(primitive=digest), signature=sig) == sim.key.address


def test_signature_of_another_key_is_refused(sim):
    body, _ = sealed(sim, {"address": OPERATOR})
    other = coincurve.PrivateKey().public_key.format(compressed=False)
    body["response_key"] = list(other)
    ans = post(sim, "/api/signAddressEncrypted", body)
    assert (ans.status, ans.json) == (400, {"message": "Signature verification failed.", "data": None})


def test_signature_length_is_checked(sim):
    body, _ = sealed(sim, {"address": OPERATOR})
    body["signature"] = body["signature"][:64]
    ans = post(sim, "/api/signAttestationEncrypted", body)
    assert (ans.status, ans.json["message"]) == (400, "invalid signature length, got 64, expected 65")


def test_first_byte_of_response_key_is_not_checked(sim):
    secret = coincurve.PrivateKey().secret
    body, _ = sealed(sim, {"address": OPERATOR}, secret)
    # Re-sign with the first byte changed: the address is computed from bytes 1..64 only.
    key = list(body["response_key"])
    key[0] = 0x07
    digest = keccak(abi_encode(["bytes", "bytes"], [bytes(body["request"]), bytes(key)]))
    signed = Account.sign_message(encode_defunct(primitive=digest), secret)
    body["response_key"] = key
    body["signature"] = list(signed.r.to_bytes(32, "big") + signed.s.to_bytes(32, "big") + bytes([signed.v]))
    assert post(sim, "/api/signAddressEncrypted", body).status == 200


def test_request_for_the_key_before_a_restart_drops_the_connection(sim):
    body, _ = sealed(sim, {"address": OPERATOR})
    sim.restart()
    with pytest.raises(Dropped):
        post(sim, "/api/signAddressEncrypted", body)
    # A request sealed for the new key works.
    body, secret = sealed(sim, {"address": OPERATOR})
    assert post(sim, "/api/signAddressEncrypted", body).status == 200


@pytest.mark.parametrize("payload", [{}, {"attestation": "0x1234"}, {"attestation": "1234", "address": OPERATOR},
                                     {"attestation": "0xzz", "address": OPERATOR}])
def test_missing_or_bad_inner_fields_drop_the_connection(sim, payload):
    body, _ = sealed(sim, payload)
    with pytest.raises(Dropped):
        post(sim, "/api/signAttestationEncrypted", body)


def test_outer_body_errors_are_plain_text(sim):
    ans = post(sim, "/api/signAttestationEncrypted", {"request": [1, 2]})
    assert ans.status == 400 and ans.content_type.startswith("text/plain")
    assert ans.body.decode().startswith("Json deserialize error: missing field `response_key`")
    ans = request(sim.urls()["generator"], "POST", "/api/signAttestationEncrypted", b"{}", content_type=None)
    assert (ans.status, ans.body) == (400, b"Content type error")


def test_config_setup_encrypted_stores_the_config(sim, node, chain):
    gas = dev_account(C.GAS_KEY)
    payload = setup_body(OPERATOR, node.url, "0x" + bytes(gas.key).hex())
    body, secret = sealed(sim, payload)
    ans = post(sim, "/api/generatorConfigSetupEncrypted", body)
    assert ans.status == 200 and ans.json["message"] == "Config done"
    assert sch.client_open(sim.key.address, secret, ans.json["data"]) == {}
    state = sim.state()
    assert state["runtime_config"]["gas_key_address"] == gas.address
    assert state["generator_config"][0]["address"] == OPERATOR
    # The gas key never appears in the answer or the state.
    assert bytes(gas.key).hex().encode() not in ans.body
    assert bytes(gas.key).hex() not in json.dumps(state)


def test_config_setup_encrypted_low_balance_and_one_market(sim, node, chain):
    fresh = Account.create()
    chain("anvil_setBalance", fresh.address, hex(5 * 10**16 - 1))
    body, _ = sealed(sim, setup_body(OPERATOR, node.url, "0x" + bytes(fresh.key).hex()))
    ans = post(sim, "/api/generatorConfigSetupEncrypted", body)
    assert (ans.status, ans.json["message"]) == \
        (400, "Runtime private_key doesn't have enough balance, minimum balance required is 0.05ETH")
    two = setup_body(OPERATOR, node.url, "0x" + bytes(fresh.key).hex())
    two["generator_config"][0]["supported_markets"] = ["1", "2"]
    body, _ = sealed(sim, two)
    ans = post(sim, "/api/generatorConfigSetupEncrypted", body)
    assert (ans.status, ans.json["message"]) == (400, "Only one market is supported for every generator")


def test_config_setup_encrypted_skips_validation_and_drops_on_missing_fields(sim):
    payload = setup_body(OPERATOR, "http://127.0.0.1:1", "0x" + "11" * 32)
    del payload["runtime_config"]["private_key"]
    body, _ = sealed(sim, payload)
    with pytest.raises(Dropped):
        post(sim, "/api/generatorConfigSetupEncrypted", body)
    assert sim.state()["runtime_config"] is None


def test_enclave_address_is_keccak_of_the_key(sim):
    assert to_checksum_address(keccak(sim.key.public_key64)[12:]) == sim.key.address


def test_update_runtime_config_encrypted_changes_the_gas_key(sim, node, chain):
    gas = dev_account(C.GAS_KEY)
    body, _ = sealed(sim, setup_body(OPERATOR, node.url, "0x" + bytes(gas.key).hex()))
    assert post(sim, "/api/generatorConfigSetupEncrypted", body).status == 200
    other = dev_account(3)
    body, secret = sealed(sim, {"private_key": "0x" + bytes(other.key).hex(), "start_block": 7})
    ans = request(sim.urls()["generator"], "PUT", "/api/updateRuntimeConfigEncrypted", body)
    assert ans.status == 200 and ans.json["message"] == "Runtime config updated"
    assert sch.client_open(sim.key.address, secret, ans.json["data"]) == {}
    runtime = sim.state()["runtime_config"]
    assert (runtime["gas_key_address"], runtime["start_block"]) == (other.address, 7)
    # A type error inside the encrypted body drops the connection (no validation there).
    body, _ = sealed(sim, {"start_block": "seven"})
    with pytest.raises(Dropped):
        request(sim.urls()["generator"], "PUT", "/api/updateRuntimeConfigEncrypted", body)
