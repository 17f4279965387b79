"""The Generation A operator sequence of spec Appendix A over JSON-RPC, against the look-alike
GeneratorRegistry / ProofMarketplace on a devnet node: register -> approve+stake -> join with
attestation + enclave signature -> TEE verifyKey -> task assigned -> proof -> flush -> new enclave key
after a "restart" -> exit -> intendToReduceStake -> next block unstake -> deregister.

Every operator call is also made once in a way that must fail, and the revert data is checked against
the custom-error selector listed in abi/selectors.md (the generated table of the real ABIs), not
against anything computed by our contracts."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from eth_abi import encode
from eth_utils import keccak

from kalypso_devnet import constants as C
from kalypso_devnet.attestation import Enclave, generator_family_id
from kalypso_devnet.deploy import deploy
from kalypso_devnet.deploy.gen_a import CREATE_ASK, GenA, SLASHING_PENALTY
from kalypso_devnet.rpc import Reverted, Rpc, dev_account, topic

REPO = Path(__file__).resolve().parents[2]
OP = dev_account(C.OPERATOR)
GAS = dev_account(C.GAS_KEY)
REQ = dev_account(C.REQUESTER)
ME = dev_account(C.MATCHING_ENGINE)
OTHER = dev_account(C.OTHER_PROVERS[0])
E18 = 10**18
USDC = 10**6
PANIC = "0x4e487b71"  # Panic(uint256), spec §2.11


def _error_table() -> dict[str, str]:
    """Error name -> selector from abi/selectors.md (first occurrence; names are unique in meaning)."""
    text = (REPO / "abi" / "selectors.md").read_text()
    out: dict[str, str] = {}
    for name, sel in re.findall(r"\| error \| `(\w+)\([^`]*\)` \| `(0x[0-9a-f]{8})`", text):
        out.setdefault(name, sel)
    return out


ERRORS = _error_table()


def expect(name: str, fn, *args, **kw) -> Reverted:
    """Run fn(*args, **kw), require a revert with custom error `name` (selector from selectors.md)."""
    with pytest.raises(Reverted) as e:
        fn(*args, **kw)
    assert e.value.selector == ERRORS[name], f"expected {name} {ERRORS[name]}, got {e.value}"
    assert e.value.error == name
    return e.value


def expect_empty(fn, *args, **kw):
    with pytest.raises(Reverted) as e:
        fn(*args, **kw)
    assert e.value.raw == b"", f"expected empty revert data, got {e.value}"


def expect_panic(code: int, fn, *args, **kw):
    with pytest.raises(Reverted) as e:
        fn(*args, **kw)
    assert e.value.raw == bytes.fromhex(PANIC[2:]) + code.to_bytes(32, "big"), str(e.value)


# ------------------------------------------------------------------ fixtures

# Generation A gets its own node: deploying it on the shared session node would shift the admin's
# nonce and so every address of the Generation B session deployment (whose addresses a test pins).
# The other test_gena_* modules import these fixtures, which makes pytest define them once per module;
# the cache below keeps it to one node and one deployment per test session.
_SHARED: dict = {}


def _shared_node():
    if "node" not in _SHARED:
        import atexit
        from conftest import NodeProcess
        n = NodeProcess()
        atexit.register(n.stop)
        _SHARED["node"] = n
    return _SHARED["node"]


@pytest.fixture(scope="session")
def gena_node():
    return _shared_node()


@pytest.fixture(scope="session")
def gena_session(gena_node):
    if "deployment" not in _SHARED:
        _SHARED["deployment"] = deploy(gena_node.url, generation="A")
    return _SHARED["deployment"]


@pytest.fixture
def gena(gena_session, gena_node) -> GenA:
    """The Generation A deployment, with evm_snapshot/evm_revert around the test."""
    rpc = Rpc(gena_node.url)
    snap = rpc.snapshot()
    yield GenA.attach(rpc, gena_session)
    assert rpc.revert(snap) is True


def variant(a: GenA, **options) -> GenA:
    """A second Generation A deployment with deploy `options` on the same node, inside the test's
    snapshot (so it is reverted with the rest of the test)."""
    return GenA.attach(a.rpc, deploy(a.rpc.url, generation="A", **options))


def log_names(a: GenA, rc) -> list[tuple[str, str]]:
    """Every log of a receipt as (emitter role, event name), in order: the exact event list a client
    watching these contracts would see. Topics are matched against the compiled ABIs of the deployment's
    contracts; an unknown log shows as its topic0."""
    from kalypso_devnet.rpc import signature
    names = {}
    for role, address in a.d.addresses.items():
        for e in a.d.contract(a.rpc, role).abi:
            if e.get("type") == "event":
                names[(address.lower(), topic(signature(e)))] = (role, e["name"])
    return [names.get((lg["address"].lower(), lg["topics"][0]), (lg["address"], lg["topics"][0]))
            for lg in rc["logs"]]


def now_ms(rpc) -> int:
    return rpc.timestamp() * 1000


def register_and_stake(a: GenA, who=OP, compute=8, stake=100 * E18, meta=b'{"display_name":"devnet operator"}'):
    a.gr.transact(who, "register", who.address, compute, 0, meta)
    if stake:
        a.staking.transact(who, "approve", a.gr.address, stake)
        a.gr.transact(who, "stake", who.address, stake)


def one(contract, rc, event):
    evs = contract.events(rc, event)
    assert len(evs) == 1, f"{event}: {evs}"
    return evs[0]


# ------------------------------------------------------------------ the Appendix A sequence

def test_appendix_a_generation_a_sequence(gena: GenA):
    a, rpc = gena, gena.rpc
    gr, pm, ekr = a.gr, a.pm, a.ekr
    tee_market = a.market("tee")
    m = tee_market.id
    tee = a.d.contract(rpc, "teeVerifier")
    meta = b'{"display_name":"devnet operator","website":"https://example.invalid"}'

    # 1. register (0x136dfbf5)
    expect("CannotBeZero", gr.transact, OP, "register", OP.address, 8, 0, b"")
    rc = gr.transact(OP, "register", OP.address, 8, 0, meta)
    ev = one(gr, rc, "RegisteredGenerator")
    assert (ev["generator"], ev["initialCompute"], ev["initialStake"]) == (OP.address, 8, 0)
    assert rc["logs"][0]["topics"][0] == "0x491b0f461d05b79bfc6904a9ba9df523d766503f11046b2b5e6eddaae3a7231c"
    expect("GeneratorAlreadyExists", gr.transact, OP, "register", OP.address, 8, 0, meta)
    reg = gr.call("generatorRegistry", OP.address)
    assert reg == (OP.address, 0, 0, 0, 0, 0, 8, E18, E18, meta)

    # 2. approve + stake (0xadc9772e)
    expect("ERC20InsufficientAllowance", gr.transact, OP, "stake", OP.address, 100 * E18)
    a.staking.transact(OP, "approve", gr.address, 100 * E18)
    expect("CannotBeZero", gr.transact, OP, "stake", OP.address, 0)
    expect("InvalidGenerator", gr.transact, OP, "stake", OTHER.address, 1)
    rc = gr.transact(OP, "stake", OP.address, 100 * E18)
    assert one(gr, rc, "AddedStake")["amount"] == 100 * E18
    assert gr.call("generatorRegistry", OP.address)[1] == 100 * E18

    # 3. join the TEE-verifier market with attestation + enclave signature (0xe2fa33ce)
    enclave = Enclave.generate(C.PROVER_PCRS, seed=b"gena-flow-1")
    att = enclave.attestation(now_ms(rpc))
    sig = enclave.sign_operator(att, OP.address)
    cost, ptime = 2 * USDC, 50
    expect("CannotBeZero", gr.transact, OP, "joinMarketplace", m, 0, cost, ptime, True, att, sig)
    expect_empty(gr.transact, OP, "joinMarketplace", 99, 1, cost, ptime, True, att, sig)  # spec §9.1
    expect("CannotBeMoreThanDeclaredCompute", gr.transact, OP, "joinMarketplace", m, 9, cost, ptime, True, att, sig)
    expect("PublicMarketsDontNeedKey", gr.transact, OP, "joinMarketplace", a.market("public").id, 1, cost, ptime,
           True, att, sig)
    stranger = Enclave.generate(C.OTHER_PROVER_PCRS, seed=b"gena-flow-other")
    s_att = stranger.attestation(now_ms(rpc))
    expect("IncorrectImageId", gr.transact, OP, "joinMarketplace", m, 1, cost, ptime, True, s_att,
           stranger.sign_operator(s_att, OP.address))
    wrong = enclave.sign_operator(att, REQ.address)  # authorises someone else
    err = expect("InvalidEnclaveSignature", gr.transact, OP, "joinMarketplace", m, 1, cost, ptime, True, att, wrong)
    assert err.args_[0] != enclave.address  # the recovered (wrong) signer is reported (spec §9.1)
    assert ekr.call("isImageInFamily", enclave.image_id, generator_family_id(m)) is True
    rc = gr.transact(OP, "joinMarketplace", m, 1, cost, ptime, True, att, sig)
    ev = one(gr, rc, "JoinedMarketplace")
    assert (ev["generator"], ev["marketId"], ev["computeAllocation"]) == (OP.address, m, 1)
    assert one(ekr, rc, "UpdateKey") == {"user": OP.address, "keyIndex": m, "_block": ev["_block"]}
    assert ekr.call("pub_key", OP.address, m) == enclave.public_key
    assert gr.call("generatorInfoPerMarket", OP.address, m) == (1, 1, cost, ptime, 0)
    assert gr.call("getGeneratorState", OP.address, m) == (1, 8)  # JOINED, idle = declared
    expect("AlreadyJoinedMarket", gr.transact, OP, "joinMarketplace", m, 1, cost, ptime, True, att, sig)
    expect("CannotLeaveWithActiveMarket", gr.transact, OP, "deregister", OP.address)

    # 4. verify the enclave key in the market's TEE verifier (0x0707591f)
    tee.transact(OP, "verifyKey", att)
    assert tee.call("getVerifiedKey", enclave.address) == enclave.image_id
    with pytest.raises(Reverted) as e:
        tee.transact(OP, "verifyKey", att)
    assert e.value.selector == "0x" + keccak(text="TeeVerifierEnclaveKeyNotVerified(bytes,bytes,bytes)")[:4].hex()

    # 5. a requester's ask is assigned to us by the matching engine
    reward = 3 * USDC
    a.payment.transact(REQ, "approve", pm.address, reward)
    bn = rpc.block_number()
    ask = (m, reward, bn + 100, 60, 0, REQ.address, b"public inputs")
    rc = pm.transact(REQ, CREATE_ASK, ask, 1, b"", b"")
    ask_id = one(pm, rc, "AskCreated")["askId"]
    assert rc["logs"][-1]["topics"][0] == "0x7bbfce65358c44b598a1ee0eef063ce14de02516385794f6b60eea5523a936e4"
    assert pm.call("getAskState", ask_id) == 1  # CREATE
    expect("AttestationAutherKeyNotVerified", pm.transact, OP, "assignTask", ask_id, OP.address, b"acl")
    rc = pm.transact(ME, "assignTask", ask_id, OP.address, b"acl for the enclave")
    task = one(pm, rc, "TaskCreated")
    assert (task["askId"], task["generator"], task["new_acl"]) == (ask_id, OP.address, b"acl for the enclave")
    assert rc["logs"][-1]["topics"][2] == "0x" + bytes(12).hex() + OP.address[2:].lower()  # "my jobs" filter
    penalty = SLASHING_PENALTY["tee"]
    assert one(gr, rc, "StakeLockImposed")["stake"] == penalty
    assert gr.call("getGeneratorState", OP.address, m) == (3, 7)  # WIP, 1 of 8 in use
    info = pm.call("listOfAsk", ask_id)
    assert info[1:] == (3, REQ.address, OP.address) and info[0][4] == task["_block"] + 60
    expect("ShouldBeInCreateState", pm.transact, ME, "assignTask", ask_id, OP.address, b"")
    expect("CannotLeaveMarketWithActiveRequest", gr.transact, OP, "leaveMarketplace", m)

    # 6. the enclave's listener submits the proof (from the gas key), signed by the enclave
    forged = Enclave.generate(C.PROVER_PCRS, seed=b"gena-flow-forger").sign_proof(b"public inputs", b"proof")
    expect("AttestationAutherKeyNotVerified", pm.transact, GAS, "submitProof", ask_id, forged)
    proof = enclave.sign_proof(b"public inputs", b"proof bytes")
    rc = pm.transact(GAS, "submitProof", ask_id, proof)
    assert one(pm, rc, "ProofCreated")["proof"] == proof
    assert pm.call("getAskState", ask_id) == 4  # COMPLETE
    assert pm.call("claimableAmount", OP.address) == cost
    assert pm.call("claimableAmount", REQ.address) == reward - cost  # the requester's remainder waits too
    reg = gr.call("generatorRegistry", OP.address)
    assert (reg[3], reg[4]) == (0, 0)  # compute and stake locks released
    expect("OnlyAssignedAsksCanBeProved", pm.transact, GAS, "submitProof", ask_id, proof)

    # 7. flush the earnings (0x79c76e1a): exactly proofGenerationCost, rest refunded to the requester
    before = a.payment.call("balanceOf", OP.address)
    pm.transact(REQ, "flush", OP.address)
    assert a.payment.call("balanceOf", OP.address) - before == cost
    assert pm.call("claimableAmount", OP.address) == 0

    # 8. enclave restart: a new key -> updateEncryptionKey (0x92eb91e2) + TEE verifyKey again
    expect("EnclaveKeyNotVerified", gr.transact, OP, "updateEncryptionKey", m, att, sig)  # old key: already verified
    restarted = Enclave.generate(C.PROVER_PCRS, seed=b"gena-flow-2")
    att2 = restarted.attestation(now_ms(rpc))
    expect("InvalidEnclaveSignature", gr.transact, OP, "updateEncryptionKey", m, att2, sig)
    rc = gr.transact(OP, "updateEncryptionKey", m, att2, restarted.sign_operator(att2, OP.address))
    assert one(ekr, rc, "UpdateKey")["keyIndex"] == m
    assert ekr.call("pub_key", OP.address, m) == restarted.public_key
    tee.transact(OP, "verifyKey", att2)

    # 9. exit: with no active request the request leaves at once (0xe7bc9600)
    rc = gr.transact(OP, "requestForExitMarketplace", m)
    assert one(gr, rc, "RequestExitMarketplace")["marketId"] == m
    assert one(gr, rc, "LeftMarketplace")["marketId"] == m
    expect("OnlyValidGeneratorsCanRequestExit", gr.transact, OP, "requestForExitMarketplace", m)
    expect("InvalidGeneratorStatePerMarket", gr.transact, OP, "leaveMarketplace", m)
    assert gr.call("generatorInfoPerMarket", OP.address, m) == (0, 0, 0, 0, 0)

    # 10. intendToReduceStake (0xe9e934a0): the amount to reduce, not a utilisation (spec §9 item 2)
    expect("UnstakeRequestNotInPlace", gr.transact, OP, "unstake", OP.address)
    expect_panic(0x11, gr.transact, OP, "intendToReduceStake", 101 * E18)  # spec §9.1
    rc = gr.transact(OP, "intendToReduceStake", 40 * E18)
    assert one(gr, rc, "RequestStakeDecrease")["intendedUtilization"] == 6 * 10**17
    assert gr.call("generatorRegistry", OP.address)[7] == 6 * 10**17

    # 11. one block later: unstake (0xf2888dbb)
    a.mine(1)
    before = a.staking.call("balanceOf", OP.address)
    rc = gr.transact(OP, "unstake", OP.address)
    assert one(gr, rc, "RemovedStake")["amount"] == 40 * E18
    assert a.staking.call("balanceOf", OP.address) - before == 40 * E18
    assert gr.call("generatorRegistry", OP.address)[1] == 60 * E18
    expect("UnstakeRequestNotInPlace", gr.transact, OP, "unstake", OP.address)

    # 12. deregister (0x84ac33ec): the rest of the stake goes to the refund address
    before = a.staking.call("balanceOf", OP.address)
    rc = gr.transact(OP, "deregister", OP.address)
    assert one(gr, rc, "DeregisteredGenerator")["generator"] == OP.address
    assert a.staking.call("balanceOf", OP.address) - before == 60 * E18
    assert gr.call("generatorRegistry", OP.address)[0] == "0x" + "00" * 20
    expect("InvalidGenerator", gr.transact, OP, "stake", OP.address, 1)


def test_private_market_join_with_key_and_family(gena: GenA):
    """The private market (PROVER_PCRS) accepts our enclave image; the 'other-image' market does not."""
    a, rpc = gena, gena.rpc
    register_and_stake(a)
    priv, other = a.market("private").id, a.market("other-image").id
    enc = Enclave.generate(C.PROVER_PCRS, seed=b"gena-private")
    att = enc.attestation(now_ms(rpc))
    sig = enc.sign_operator(att, OP.address)
    expect("IncorrectImageId", a.gr.transact, OP, "joinMarketplace", other, 1, 1, 10, True, att, sig)
    a.gr.transact(OP, "joinMarketplace", priv, 2, 1, 10, True, att, sig)
    assert a.ekr.call("pub_key", OP.address, priv) == enc.public_key
    # the same enclave key cannot serve a second market (spec §2.6.3, §9 item 5)
    enc_other_mkt = a.market("tee").id
    expect("EnclaveKeyNotVerified", a.gr.transact, OP, "joinMarketplace", enc_other_mkt, 1, 1, 10, True, att, sig)
    # removeEncryptionKey (0x541a8c18) clears the registry entry
    rc = a.gr.transact(OP, "removeEncryptionKey", priv)
    assert one(a.ekr, rc, "RemoveKey") == {"user": OP.address, "keyIndex": priv, "_block": rc_block(rc)}
    assert a.ekr.call("pub_key", OP.address, priv) == b""


def rc_block(rc) -> int:
    return int(rc["blockNumber"], 16)


def test_join_public_market_without_enclave(gena: GenA):
    a = gena
    register_and_stake(a)
    pub = a.market("public").id
    rc = a.gr.transact(OP, "joinMarketplace", pub, 3, 5 * USDC, 20, False, b"", b"")
    assert one(a.gr, rc, "JoinedMarketplace")["computeAllocation"] == 3
    assert a.ekr.call("pub_key", OP.address, pub) == b""
    assert a.gr.call("generatorRegistry", OP.address)[2] == 3  # sumOfComputeAllocations
    assert topic("JoinedMarketplace(address,uint256,uint256)") == \
        "0x0459ab575508b4a5894f7b1387bf362d03213b3bf831da4526218c33e4a906d8"


def test_kalypso_config_for_generation_a(gena_session, tmp_path):
    """write_config names the Gen A contracts under the SDK keys of spec §1."""
    import json as _json
    from kalypso_devnet.deploy import write_config
    d = gena_session
    cfg = write_config(tmp_path / "kalypso-config.json", d, {"url": "http://127.0.0.1:5001"}, "http://127.0.0.1:8545")
    assert _json.loads((tmp_path / "kalypso-config.json").read_text()) == cfg
    assert cfg["generation"] == "A" and cfg["chainId"] == C.CHAIN_ID
    assert cfg["generator_registry"] == d.addresses["generatorRegistry"]
    assert cfg["proof_market_place"] == d.addresses["proofMarketplace"]
    assert cfg["staking_token"] == d.addresses["stakingToken"] and cfg["payment_token"] == d.addresses["paymentToken"]
    assert cfg["entity_registry"] == d.addresses["entityKeyRegistry"]
    assert cfg["markets"] == {str(m.id): {"teeVerifier": m.tee_verifier or "0x" + "00" * 20} for m in d.markets.values()}
    assert [m.kind for m in sorted(d.markets.values(), key=lambda m: m.id)] == ["private", "public", "tee", "other-image"]
    assert cfg["markets"]["2"]["teeVerifier"] == d.addresses["teeVerifier"]
    assert cfg["logStartBlock"] == d.start_block


def test_deploy_cli_passes_generation_a_options(gena: GenA, tmp_path):
    """python -m kalypso_devnet.deploy --slash-events/--ask-variant reach the contracts and the deployment JSON
    (which the scenario CLI reads); an option of the other generation is refused before anything is sent."""
    import json as _json
    import subprocess
    import sys
    from kalypso_devnet.deploy import Deployment
    devnet = Path(__file__).resolve().parents[1]
    out = tmp_path / "deployment.json"
    run = subprocess.run([sys.executable, "-m", "kalypso_devnet.deploy", "--rpc", gena.rpc.url, "--generation", "A",
                          "--slash-events", "sepolia", "--out", str(out)], cwd=devnet, capture_output=True, text=True,
                         timeout=300)
    assert run.returncode == 0, run.stderr
    d = Deployment.from_json(_json.loads(out.read_text()))
    assert d.options == {"slash_events": "sepolia", "ask_variant": "sdk"}
    a = GenA.attach(gena.rpc, d)
    expect_empty(a.pm.call, "treasuryCollection")  # ask_variant stayed "sdk"
    refused = subprocess.run([sys.executable, "-m", "kalypso_devnet.deploy", "--rpc", gena.rpc.url, "--generation",
                              "B", "--slash-events", "sdk"], cwd=devnet, capture_output=True, text=True, timeout=60)
    assert refused.returncode == 2 and "--slash-events is not an option of Generation B" in refused.stderr
