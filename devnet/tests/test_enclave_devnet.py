"""The enclave simulator against the real devnet node and look-alike contracts: its verifier output is accepted
by AttestationVerifier / EntityKeyRegistry, the generatorConfigSetup gas-key rule reads real balances, and the
start-time checks of spec §2.8 read the real registries (a real Generation B join included)."""
from __future__ import annotations

import pytest
from eth_abi import decode as abi_decode, encode as abi_encode
from eth_account import Account
from eth_utils import keccak

from test_enclave_support import request, setup_body

from kalypso_devnet import constants as C
from kalypso_devnet.attestation import prover_family_id
from kalypso_devnet.enclave import Simulator
from kalypso_devnet.deploy import Deployment, deploy_common
from kalypso_devnet.rpc import Reverted, dev_account

LOW_BALANCE = "Runtime private_key doesn't have enough balance, minimum balance required is 0.05ETH"
KEY_REGISTER_ROLE = keccak(text="KEY_REGISTER_ROLE")


@pytest.fixture
def sim():
    s = Simulator(quiet=True).start()
    yield s
    s.stop()


@pytest.fixture(scope="module")
def common(rpc):
    """Only the common contracts (AttestationVerifier with the devnet's verifier key, EntityKeyRegistry)."""
    snap = rpc.snapshot()  # reverted at the end: other modules share the session node and expect fresh addresses
    d = Deployment("B", C.CHAIN_ID, rpc.block_number() + 1)
    deploy_common(rpc, d)
    yield d
    assert rpc.revert(snap) is True


@pytest.fixture
def deployment(common, chain):
    return common


def attestation_data(sim) -> bytes:
    """Spec §2.6.1: raw document from the attestation server → verifier → abi.encode(sig, pubkey, pcrs, ts)."""
    raw = request(sim.urls()["attestation"], "GET", "/attestation/raw").body
    out = request(sim.urls()["verifier"], "POST", "/verify/raw", raw, content_type="application/octet-stream").json
    return abi_encode(["bytes", "bytes", "bytes", "bytes", "bytes", "uint256"],
                      [bytes.fromhex(out["signature"]), bytes.fromhex(out["secp256k1_public"]),
                       bytes.fromhex(out["pcr0"]), bytes.fromhex(out["pcr1"]), bytes.fromhex(out["pcr2"]),
                       out["timestamp"]])


def operator_signature(sim, att: bytes, operator: str) -> bytes:
    d = request(sim.urls()["generator"], "POST", "/api/signAttestation",
                {"attestation": "0x" + att.hex(), "address": operator}).json["data"]
    return bytes.fromhex(d["r"][2:]) + bytes.fromhex(d["s"][2:]) + bytes([d["v"]])


def test_verifier_output_accepted_by_attestation_verifier(sim, rpc, deployment):
    av = deployment.contract(rpc, "attestationVerifier")
    att = attestation_data(sim)
    sig, pub, p0, p1, p2, ts = abi_decode(["bytes", "bytes", "bytes", "bytes", "bytes", "uint256"], att)
    av.call("verify(bytes,(bytes,bytes,bytes,bytes,uint256))", sig, (pub, p0, p1, p2, ts))  # no revert
    with pytest.raises(Reverted):
        av.call("verify(bytes,(bytes,bytes,bytes,bytes,uint256))", sig, (pub, p0, p1, p2, ts + 1))


def test_entity_key_registry_verifies_simulator_key(sim, rpc, deployment):
    ekr = deployment.contract(rpc, "entityKeyRegistry")
    admin = dev_account(C.ADMIN)
    ekr.transact(admin, "grantRole", KEY_REGISTER_ROLE, admin.address)
    ekr.transact(admin, "whitelistImageUsingPcrs", prover_family_id(1),
                 abi_encode(["bytes", "bytes", "bytes"], list(C.PROVER_PCRS)))
    receipt = ekr.transact(admin, "verifyKey", attestation_data(sim))  # KEY_REGISTER_ROLE only
    assert len(ekr.events(receipt, "EnclaveKeyVerified")) == 1
    enclave = request(sim.urls()["control"], "GET", "/_sim/state").json["enclave_address"]
    assert ekr.call("getVerifiedKey", enclave) != bytes(32)


def test_config_setup_gas_key_rule(sim, rpc, node, deployment):
    operator = dev_account(C.OPERATOR).address
    gas = dev_account(C.GAS_KEY)
    ok = request(sim.urls()["generator"], "POST", "/api/generatorConfigSetup",
                 setup_body(operator, node.url, "0x" + bytes(gas.key).hex()))
    assert (ok.status, ok.json) == (200, {"message": "Config done", "data": None})
    fresh = Account.create()
    for balance, expected in ((0, 400), (5 * 10**16 - 1, 400), (5 * 10**16, 200)):
        rpc("anvil_setBalance", fresh.address, hex(balance))
        ans = request(sim.urls()["generator"], "POST", "/api/generatorConfigSetup",
                      setup_body(operator, node.url, "0x" + bytes(fresh.key).hex()))
        assert ans.status == expected, (balance, ans.body)
        if expected == 400:
            assert ans.json == {"message": LOW_BALANCE, "data": None}
        assert bytes(fresh.key).hex().encode() not in ans.body
    # updateRuntimeConfig checks the (new) key the same way.
    rpc("anvil_setBalance", fresh.address, hex(0))
    ans = request(sim.urls()["generator"], "PUT", "/api/updateRuntimeConfig", {"start_block": 2})
    assert (ans.status, ans.json["message"]) == (400, LOW_BALANCE)
    ans = request(sim.urls()["generator"], "PUT", "/api/updateRuntimeConfig",
                  {"private_key": "0x" + bytes(gas.key).hex(), "start_block": 2})
    assert (ans.status, ans.json["message"]) == (200, "Runtime config updated")


def test_config_rpc_ws_is_a_ws_url_the_enclave_accepts(sim, node, deployment, tmp_path):
    """kalypso-config.json's rpcWs, sent as the enclave's ws_url, passes the generator client's rule
    (spec §5.4.2: it must contain "wss"); the old ws:// value did not."""
    from kalypso_devnet.deploy import write_config
    cfg = write_config(tmp_path / "kalypso-config.json", deployment, rpc_url=node.url)
    assert cfg["rpcWs"] == "wss://" + node.url.split("://", 1)[1]
    operator = dev_account(C.OPERATOR).address
    gas = "0x" + bytes(dev_account(C.GAS_KEY).key).hex()
    ok = request(sim.urls()["generator"], "POST", "/api/generatorConfigSetup",
                 setup_body(operator, cfg["rpcHttp"], gas, ws_url=cfg["rpcWs"]))
    assert (ok.status, ok.json) == (200, {"message": "Config done", "data": None})
    old = request(sim.urls()["generator"], "POST", "/api/generatorConfigSetup",
                  setup_body(operator, cfg["rpcHttp"], gas, ws_url="ws" + node.url[4:]))
    assert (old.status, old.json) == (400, {"message": "Invalid payload", "data": "ws_url: wss url is required"})
    ans = request(sim.urls()["generator"], "PUT", "/api/updateRuntimeConfig", {"ws_url": cfg["rpcWs"]})
    assert (ans.status, ans.json["message"]) == (200, "Runtime config updated")


def test_start_refused_when_key_not_registered(sim, node, deployment):
    operator = dev_account(C.OPERATOR).address
    body = setup_body(operator, node.url, "0x" + bytes(dev_account(C.GAS_KEY).key).hex(),
                      entity_registry=deployment.addresses["entityKeyRegistry"])
    assert request(sim.urls()["generator"], "POST", "/api/generatorConfigSetup", body).status == 200
    for path in ("/api/startProgram", "/api/restartProgram"):
        ans = request(sim.urls()["generator"], "POST", path, {"program_name": "listener"})
        assert (ans.status, ans.json) == (
            400, {"message": f"ECIES key not udpated in the registry for generator : {operator}", "data": None})
    # A gas key drained below 0.05 ETH is refused first.
    body = setup_body(operator, node.url, "0x" + bytes(dev_account(C.GAS_KEY).key).hex(),
                      entity_registry=deployment.addresses["entityKeyRegistry"])
    sim.set_config(body["generator_config"], {**body["runtime_config"],
                                              "private_key": "0x" + bytes(Account.create().key).hex()})
    ans = request(sim.urls()["generator"], "POST", "/api/startProgram", {"program_name": "listener"})
    assert (ans.status, ans.json["message"]) == (400, LOW_BALANCE)
