"""The Generation A lived-in scenario leaves a history the chain itself confirms (counted from logs),
leaves our operator alone until it joins, then feeds it tasks."""
from __future__ import annotations

import json
import threading

from kalypso_devnet import constants as C
from kalypso_devnet.attestation import Enclave
from kalypso_devnet.rpc import dev_account
from kalypso_devnet.scenario.gen_a import PLANS, GenAScenario

from test_gena_flow import OP, gena, gena_node, gena_session, variant  # noqa: F401


def _count(contract, event, start):
    return len(contract.logs(event, start))


def test_populate_history_matches_the_chain(gena):
    a = gena
    start = a.rpc.block_number() + 1
    asks_before = a.pm.call("askCounter")
    st = GenAScenario(a.rpc, a.d, seed=7).populate(rounds=20)
    assert st.errors == []
    assert a.pm.call("askCounter") - asks_before == st.asks > 0
    assert _count(a.pm, "TaskCreated", start) == st.assigned > 0
    assert _count(a.pm, "ProofCreated", start) == st.proved > 0
    assert _count(a.pm, "AskCancelled", start) == st.cancelled
    # the default (SDK 1.0.57) build logs a slash as ProofNotGenerated only, never StakeSlashed
    assert st.slashed + st.discarded > 0
    assert _count(a.pm, "ProofNotGenerated", start) == st.slashed + st.discarded
    assert _count(a.gr, "StakeSlashed", start) == 0
    for plan in PLANS:
        reg = a.gr.call("generatorRegistry", dev_account(plan.account).address)
        assert json.loads(reg[9]) == plan.metadata and reg[6] == plan.declared_compute
        for kind, compute, cost, ptime in plan.markets:
            info = a.gr.call("generatorInfoPerMarket", dev_account(plan.account).address, a.market(kind).id)
            assert info[:4] == (1, compute, cost, ptime)
    # our operator is left for the console
    assert st.to_operator == 0
    assert a.gr.call("generatorRegistry", OP.address)[0] == "0x" + "00" * 20
    assert all(t["generator"] != OP.address for t in a.pm.logs("TaskCreated", start))
    # the TEE market's proofs went through the wrapper with the generator's enclave signature
    tee = a.market("tee").id
    assert any(a.pm.call("listOfAsk", e["askId"])[0][0] == tee for e in a.pm.logs("ProofCreated", start))


def test_populate_on_the_sepolia_build_logs_stake_slashed(gena):
    """slash_events="sepolia" reaches the scenario through the deployment: same history, plus StakeSlashed."""
    a = variant(gena, slash_events="sepolia")
    start = a.rpc.block_number() + 1
    s = GenAScenario(a.rpc, a.d, seed=7)
    assert s.options == {"slash_events": "sepolia", "ask_variant": "sdk"}
    st = s.populate(rounds=20)
    assert st.errors == [] and st.slashed + st.discarded > 0
    assert _count(a.gr, "StakeSlashed", start) == _count(a.pm, "ProofNotGenerated", start) == st.slashed + st.discarded


def test_onboarded_operator_gets_tasks(gena):
    a = gena
    s = GenAScenario(a.rpc, a.d, seed=3, prove_operator_tasks=True)
    s.setup()
    tee = a.market("tee").id
    s.onboard_operator(Enclave.generate(C.PROVER_PCRS, seed=b"gena-scenario-operator"), market=tee)
    assert a.gr.call("getGeneratorState", OP.address, tee)[0] == 1
    start = a.rpc.block_number() + 1
    for _ in range(6):
        s.step(asks=3)
        a.mine(3)
    ours = [t["askId"] for t in a.pm.logs("TaskCreated", start) if t["generator"] == OP.address]
    assert len(ours) == s.stats.to_operator > 0
    proved = {e["askId"] for e in a.pm.logs("ProofCreated", start)}
    assert set(ours) <= proved | s.open  # proved by the operator's enclave key through the TEE wrapper
    assert a.pm.call("claimableAmount", OP.address) == 2 * 10**6 * len(set(ours) & proved)


def test_setup_is_idempotent_and_run_forever_stops(gena):
    a = gena
    start = a.rpc.block_number() + 1
    GenAScenario(a.rpc, a.d, seed=1).populate(rounds=1)
    stop = threading.Event()
    timer = threading.Timer(1.0, stop.set)
    timer.start()
    st = GenAScenario(a.rpc, a.d, seed=2).run_forever(interval=0.1, stop=stop)  # setup again: skips what exists
    timer.join()
    assert stop.is_set() and st.asks > 0 and st.errors == []
    # the second setup found everything on chain: one registration and one join per plan entry
    assert _count(a.gr, "RegisteredGenerator", start) == len(PLANS)
    assert _count(a.gr, "JoinedMarketplace", start) == sum(len(p.markets) for p in PLANS)
    assert a.gr.call("generatorRegistry", dev_account(C.OPERATOR).address)[0] == "0x" + "00" * 20
