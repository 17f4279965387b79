"""A real operator join on the devnet with the enclave simulator (spec §2.6, §2.8, §2.9), for each generation
whose deploy is in this checkout: the start-time checks refuse before the join with the exact messages,
the join succeeds with the simulator's attestation and signature, the programs start, and after an enclave
restart the key mismatch is reported until updateEncryptionKey."""
from __future__ import annotations

import pytest

from test_enclave_devnet import attestation_data, operator_signature
from test_enclave_support import request, setup_body

from kalypso_devnet import constants as C
from kalypso_devnet.deploy import GENERATIONS, deploy
from kalypso_devnet.enclave import Simulator
from kalypso_devnet.rpc import dev_account

REGISTRY_ROLE = {"A": "generatorRegistry", "B": "proverManager"}


@pytest.fixture(scope="module", params=["B", "A"])
def network(request, node, rpc):
    generation = request.param
    if generation not in GENERATIONS:
        pytest.skip(f"Generation {generation} deploy is not in this checkout")
    snap = rpc.snapshot()  # other modules share the session node
    d = deploy(node.url, generation=generation)
    yield d
    assert rpc.revert(snap) is True


@pytest.fixture
def net(network, chain):
    return network


@pytest.fixture
def sim():
    s = Simulator(quiet=True).start()
    yield s
    s.stop()


def _market(d, kind):
    return next(m.id for m in d.markets.values() if m.kind == kind)


def _register(rpc, d, operator):
    reg = d.contract(rpc, REGISTRY_ROLE[d.generation])
    if d.generation == "A":
        reg.transact(operator, "register", operator.address, 100, 0, b'{"display_name":"enclave test"}')
    else:
        reg.transact(operator, "register", operator.address, 100, b'{"display_name":"enclave test"}')
    return reg


def _join(reg, d, operator, market, att, sig):
    if d.generation == "A":
        return reg.transact(operator, "joinMarketplace", market, 1, 10**6, 10_000, True, att, sig)
    return reg.transact(operator, "joinMarketplace", market, 1, 10**6, 600, 0, True, att, sig)


def _configure(sim, node, d, operator, market):
    body = setup_body(operator.address, node.url, "0x" + bytes(dev_account(C.GAS_KEY).key).hex(), str(market),
                      entity_registry=d.addresses["entityKeyRegistry"],
                      generator_registry=d.addresses[REGISTRY_ROLE[d.generation]],
                      proof_market_place=d.addresses["proofMarketplace"],
                      attestation_verifier=d.addresses["attestationVerifier"])
    ans = request(sim.urls()["generator"], "POST", "/api/generatorConfigSetup", body)
    assert (ans.status, ans.json["message"]) == (200, "Config done")


def _start(sim, program="listener"):
    ans = request(sim.urls()["generator"], "POST", "/api/startProgram", {"program_name": program})
    return ans.status, ans.json["message"]


def test_join_then_start_then_restart_and_update_key(sim, rpc, node, net):
    operator = dev_account(C.OPERATOR)
    market = _market(net, "private")
    reg = _register(rpc, net, operator)
    _configure(sim, node, net, operator, market)
    assert _start(sim) == (400, f"ECIES key not udpated in the registry for generator : {operator.address}")

    att = attestation_data(sim)
    _join(reg, net, operator, market, att, operator_signature(sim, att, operator.address))
    assert _start(sim) == (200, "Program started")
    assert _start(sim, "prover") == (200, "Program started")
    status = request(sim.urls()["generator"], "GET", "/api/getProgramStatus?program_name=listener").json
    assert status["data"] == "Program has been started."
    ans = request(sim.urls()["generator"], "POST", "/api/restartProgram", {"program_name": "listener"})
    assert (ans.status, ans.json["message"]) == (200, "Program restarted")

    # Enclave restart (spec §2.9): new key, config gone.
    request(sim.urls()["control"], "POST", "/_sim/restart")
    assert _start(sim) == (500, "There was an issue in validating")
    _configure(sim, node, net, operator, market)
    assert _start(sim) == (400, "Local ECIES pub key does not match the the ecies pub key in registry for "
                                f"generator : {operator.address}")
    att2 = attestation_data(sim)
    reg.transact(operator, "updateEncryptionKey", market, att2, operator_signature(sim, att2, operator.address))
    assert _start(sim) == (200, "Program started")


def test_not_joined_market_state_check(rpc, node, net):
    """With SKIP_VERIFICATION the key checks are skipped and the per-market state decides (spec §2.8)."""
    sim = Simulator(quiet=True, skip_verification=True).start()
    try:
        operator = dev_account(C.OPERATOR)
        market = _market(net, "public")
        _register(rpc, net, operator)
        _configure(sim, node, net, operator, market)
        assert _start(sim) == (400, f"Generator {operator.address} is not registered for market {market}. "
                                    "Please register and try again")
        reg = net.contract(rpc, REGISTRY_ROLE[net.generation])
        if net.generation == "A":
            reg.transact(operator, "joinMarketplace", market, 1, 10**6, 10_000, False, b"", b"")
        else:
            reg.transact(operator, "joinMarketplace", market, 1, 10**6, 600, 0, False, b"", b"")
        assert _start(sim) == (200, "Program started")
    finally:
        sim.stop()
