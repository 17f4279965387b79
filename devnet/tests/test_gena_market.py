"""Generation A asks, tasks, slashing, earnings and the behaviour observed on the real Gen A bytecode
(spec §9.1), over JSON-RPC. Revert selectors come from abi/selectors.md (see test_gena_flow)."""
from __future__ import annotations

import pytest
from eth_abi import decode
from eth_utils import keccak

from kalypso_devnet import constants as C
from kalypso_devnet.attestation import Enclave, encode_pcrs
from kalypso_devnet.deploy.gen_a import (CREATE_ASK, CREATE_ASK_WITH_EXTRA, MARKET_CREATION_COST, SLASHING_PENALTY,
                                        GenA, market_metadata)
from kalypso_devnet.reductions import EXPONENT, intended_utilization, reduction, total_after
from kalypso_devnet.rpc import dev_account

from test_gena_flow import (E18, GAS, ME, OP, OTHER, REQ, USDC, expect, expect_empty, expect_panic,  # noqa: F401
                            gena, gena_node, gena_session, log_names, now_ms, one, register_and_stake, variant)

ADMIN = dev_account(C.ADMIN)
TREASURY = dev_account(C.TREASURY)
PROOF_MARKET_PLACE_ROLE = keccak(text="PROOF_MARKET_PLACE_ROLE")


def public_task(a: GenA, reward=3 * USDC, cost=2 * USDC, ptime=20, ask_time=30, expiry_in=50, compute=8, stake=100 * E18):
    """Operator joined to the public market, one ask created; returns (market id, ask id)."""
    register_and_stake(a, compute=compute, stake=stake)
    m = a.market("public").id
    a.gr.transact(OP, "joinMarketplace", m, 1, cost, ptime, False, b"", b"")
    a.payment.transact(REQ, "approve", a.pm.address, reward)
    ask = (m, reward, a.rpc.block_number() + expiry_in, ask_time, 0, REQ.address, b"inputs")
    rc = a.pm.transact(REQ, CREATE_ASK, ask, 1, b"", b"")
    return m, one(a.pm, rc, "AskCreated")["askId"]


def test_observed_behaviour_of_the_real_bytecode(gena: GenA):
    """Spec §9.1, one check per bullet that concerns these contracts."""
    a = gena
    n = a.pm.call("marketCounter")
    expect_empty(a.pm.call, "marketData", n)
    expect_empty(a.pm.call, "listOfAsk", a.pm.call("askCounter") + 5)
    expect_panic(0x32, a.pm.call, "getAskState", 12345)
    expect_panic(0x32, a.pm.transact, OP, "discardRequest", 12345)
    register_and_stake(a)
    # updateEncryptionKey works before joining (only registration is checked)
    priv = a.market("private").id
    enc = Enclave.generate(C.PROVER_PCRS, seed=b"gena-9.1-key")
    att = enc.attestation(now_ms(a.rpc))
    a.gr.transact(OP, "updateEncryptionKey", priv, att, enc.sign_operator(att, OP.address))
    assert a.ekr.call("pub_key", OP.address, priv) == enc.public_key
    assert a.gr.call("generatorInfoPerMarket", OP.address, priv)[0] == 0
    # joining a private market with updateMarketDedicatedKey = false succeeds and registers nothing new
    other = a.market("other-image").id
    rc = a.gr.transact(OP, "joinMarketplace", other, 1, 1, 10, False, b"", b"")
    assert one(a.gr, rc, "JoinedMarketplace")["marketId"] == other
    assert a.ekr.call("pub_key", OP.address, other) == b""
    # leaveMarketplace works without a prior exit request
    rc = a.gr.transact(OP, "leaveMarketplace", other)
    assert one(a.gr, rc, "LeftMarketplace")["marketId"] == other
    # increaseDeclaredCompute(0) is accepted
    rc = a.gr.transact(OP, "increaseDeclaredCompute", 0)
    assert one(a.gr, rc, "IncreasedCompute")["compute"] == 0
    # intendToReduceStake above the total stake: Panic(0x11)
    expect_panic(0x11, a.gr.transact, OP, "intendToReduceStake", 100 * E18 + 1)
    # updateEncryptionKey checks registration before the market: an unregistered caller gets
    # CannotBeZero() even for a public market or an unknown market id
    expect("CannotBeZero", a.gr.transact, OTHER, "updateEncryptionKey", a.market("public").id, att,
           enc.sign_operator(att, OTHER.address))
    expect("CannotBeZero", a.gr.transact, OTHER, "updateEncryptionKey", a.pm.call("marketCounter"), att,
           enc.sign_operator(att, OTHER.address))
    expect("PublicMarketsDontNeedKey", a.gr.transact, OP, "updateEncryptionKey", a.market("public").id, att,
           enc.sign_operator(att, OP.address))
    # deregister by an address that never registered succeeds
    rc = a.gr.transact(OTHER, "deregister", OTHER.address)
    assert one(a.gr, rc, "DeregisteredGenerator")["generator"] == OTHER.address
    # flush with nothing claimable succeeds
    assert a.pm.call("claimableAmount", OTHER.address) == 0
    a.pm.transact(OTHER, "flush", OTHER.address)


def test_ask_states_expiry_and_cancel(gena: GenA):
    a = gena
    m = a.market("public").id
    a.payment.transact(REQ, "approve", a.pm.address, 10 * USDC)
    bn = a.rpc.block_number()
    expect("CannotBeZero", a.pm.transact, REQ, CREATE_ASK, (m, 0, bn + 10, 5, 0, REQ.address, b"x"), 1, b"", b"")
    expect("CannotAssignExpiredTasks", a.pm.transact, REQ, CREATE_ASK, (m, 1, bn, 5, 0, REQ.address, b"x"), 1, b"", b"")
    expect("InvalidECIESACL", a.pm.transact, REQ, CREATE_ASK, (m, 1, bn + 10, 5, 0, REQ.address, b"x"), 1, b"",
           bytes(131))
    before = a.payment.call("balanceOf", REQ.address)
    rc = a.pm.transact(REQ, CREATE_ASK, (m, 2 * USDC, bn + 5, 5, 0, REQ.address, b"x"), 1, b"secret", b"acl")
    ev = one(a.pm, rc, "AskCreated")
    # public market: neither the secret nor the ACL is logged (ProofMarketplace._createAsk)
    assert (ev["hasPrivateInputs"], ev["secret_data"], ev["acl"]) == (False, b"", b"")
    ask_id = ev["askId"]
    assert a.pm.call("getAskState", ask_id) == 1  # CREATE
    expect("OnlyExpiredAsksCanBeCancelled", a.pm.transact, REQ, "cancelAsk", ask_id)
    a.mine(5)
    assert a.pm.call("getAskState", ask_id) == 2  # UNASSIGNED: expiry passed (block numbers)
    rc = a.pm.transact(OTHER, "cancelAsk", ask_id)
    assert one(a.pm, rc, "AskCancelled")["askId"] == ask_id
    # the full reward is credited to refundAddress, not transferred: only AskCancelled is logged
    assert log_names(a, rc) == [("proofMarketplace", "AskCancelled")]
    assert a.payment.call("balanceOf", REQ.address) == before - 2 * USDC
    assert a.pm.call("claimableAmount", REQ.address) == 2 * USDC
    assert a.pm.call("getAskState", ask_id) == 4
    rc = a.pm.transact(OTHER, "flush", REQ.address)
    assert log_names(a, rc) == [("paymentToken", "Transfer")]
    assert a.payment.call("balanceOf", REQ.address) == before
    assert a.pm.call("claimableAmount", REQ.address) == 0


def test_sdk_build_has_no_master_extras(gena: GenA):
    """The default deployment is the SDK 1.0.57 / deployed build: no createAsk with extraData and no
    treasuryCollection(); like functions the contract lacks, both revert with empty data."""
    a = gena
    assert a.d.options == {"slash_events": "sdk", "ask_variant": "sdk"}
    m = a.market("private").id
    a.payment.transact(REQ, "approve", a.pm.address, 10 * USDC)
    bn, asks = a.rpc.block_number(), a.pm.call("askCounter")
    expect_empty(a.pm.transact, REQ, CREATE_ASK_WITH_EXTRA, (m, USDC, bn + 10, 5, 0, REQ.address, b"x"), 1, b"s",
                 b"acl", b"ext")
    expect_empty(a.pm.call, "treasuryCollection")
    assert a.pm.call("askCounter") == asks
    rc = a.pm.transact(REQ, CREATE_ASK, (m, USDC, bn + 10, 5, 0, REQ.address, b"x"), 1, b"s", b"acl")
    ev = one(a.pm, rc, "AskCreated")
    assert (ev["hasPrivateInputs"], ev["secret_data"], ev["acl"]) == (True, b"s", b"acl")
    # and its EntityKeyRegistry is Generation A's: addProverManager is Generation B's
    expect_empty(a.ekr.transact, ADMIN, "addProverManager", ADMIN.address)


def test_ask_with_extra_data_and_private_acl(gena: GenA):
    """ask_variant="master": the master-branch createAsk with extraData emits the 5-field AskCreated
    (spec §0.3); a private market emits the ACL."""
    a = variant(gena, ask_variant="master")
    assert a.d.options["ask_variant"] == "master"
    m = a.market("private").id
    a.payment.transact(REQ, "approve", a.pm.address, 10 * USDC)
    bn = a.rpc.block_number()
    rc = a.pm.transact(REQ, CREATE_ASK_WITH_EXTRA, (m, USDC, bn + 10, 5, 0, REQ.address, b"x"), 1, b"s", b"acl", b"ext")
    lg = rc["logs"][-1]
    assert lg["topics"][0] == "0xca872f71caf10cdbbd1dd22412d01d415ef80130c7e50bdb8cd6951a08336241"
    assert lg["topics"][2] == "0x" + "00" * 31 + "01"  # hasPrivateInputs
    rc = a.pm.transact(REQ, CREATE_ASK, (m, USDC, bn + 10, 5, 0, REQ.address, b"x"), 1, b"s", b"acl")
    ev = one(a.pm, rc, "AskCreated")
    assert (ev["hasPrivateInputs"], ev["acl"]) == (True, b"acl")
    # a public market logs neither secret nor ACL in the 5-field shape either; extraData is logged
    pub = a.market("public").id
    rc = a.pm.transact(REQ, CREATE_ASK_WITH_EXTRA, (pub, USDC, bn + 10, 5, 0, REQ.address, b"x"), 1, b"s", b"acl",
                       b"ext")
    lg = rc["logs"][-1]
    assert lg["topics"][2] == "0x" + "00" * 32
    assert decode(["bytes", "bytes", "bytes"], bytes.fromhex(lg["data"][2:])) == (b"", b"", b"ext")
    assert a.pm.call("treasuryCollection") == 0  # no platform fee configured


def test_create_marketplace_logs_the_fee_transfer_first(gena: GenA):
    """The creation fee is transferred before the families are written and the market is logged."""
    a = gena
    a.payment.transact(ADMIN, "approve", a.pm.address, 2 * MARKET_CREATION_COST)
    rc = a.pm.transact(ADMIN, "createMarketplace", market_metadata("pub", "public"), a.d.addresses["mockVerifier"],
                       E18, encode_pcrs((bytes(48),) * 3), encode_pcrs((bytes(48),) * 3))
    assert log_names(a, rc) == [("paymentToken", "Transfer"), ("proofMarketplace", "MarketplaceCreated")]
    fee = a.payment.events(rc, "Transfer")[0]
    assert (fee["sender"], fee["receiver"], fee["value"]) == (ADMIN.address, TREASURY.address, MARKET_CREATION_COST)
    rc = a.pm.transact(ADMIN, "createMarketplace", market_metadata("priv", "private"), a.d.addresses["mockVerifier"],
                       E18, encode_pcrs(C.OTHER_PROVER_PCRS), encode_pcrs((bytes(48),) * 3))
    names = log_names(a, rc)
    assert names[0] == ("paymentToken", "Transfer") and names[-1] == ("proofMarketplace", "MarketplaceCreated")
    assert ("entityKeyRegistry", "EnclaveImageAddedToFamily") in names[1:-1]


def test_market_activation_delay(gena: GenA):
    a = gena
    a.payment.transact(ADMIN, "approve", a.pm.address, 1000 * USDC)
    rc = a.pm.transact(ADMIN, "createMarketplace", market_metadata("late", "public"), a.d.addresses["mockVerifier"],
                       E18, encode_pcrs((bytes(48),) * 3), encode_pcrs((bytes(48),) * 3))
    m = one(a.pm, rc, "MarketplaceCreated")["marketId"]
    data = a.pm.call("marketData", m)
    assert data[3] == int(rc["blockNumber"], 16) + 100 and data[5] == ADMIN.address
    a.payment.transact(REQ, "approve", a.pm.address, USDC)
    ask = (m, USDC, a.rpc.block_number() + 500, 5, 0, REQ.address, b"x")
    expect("InactiveMarket", a.pm.transact, REQ, CREATE_ASK, ask, 1, b"", b"")
    a.mine(100)
    a.pm.transact(REQ, CREATE_ASK, ask, 1, b"", b"")


def test_assignment_checks(gena: GenA):
    a = gena
    m, ask_id = public_task(a, reward=3 * USDC, cost=4 * USDC)
    expect("ProofPriceMismatch", a.pm.transact, ME, "assignTask", ask_id, OP.address, b"")
    a.payment.transact(REQ, "approve", a.pm.address, 5 * USDC)
    rc = a.pm.transact(REQ, CREATE_ASK, (m, 5 * USDC, a.rpc.block_number() + 50, 10, 0, REQ.address, b"i"), 1, b"", b"")
    short = one(a.pm, rc, "AskCreated")["askId"]
    err = expect("ProofTimeMismatch", a.pm.transact, ME, "assignTask", short, OP.address, b"")
    assert err.args_ == (short,)
    # the marketplace alone may lock stake (AccessControl, OZ v5 error)
    err = expect("AccessControlUnauthorizedAccount", a.gr.transact, OP, "assignGeneratorTask", OP.address, m, 1)
    assert err.args_ == (OP.address, PROOF_MARKET_PLACE_ROLE)


def test_insufficient_stake_and_compute(gena: GenA):
    a = gena
    m, ask_id = public_task(a, stake=SLASHING_PENALTY["public"] - 1)
    expect("InsufficientStakeToLock", a.pm.transact, ME, "assignTask", ask_id, OP.address, b"")
    a.staking.transact(OP, "approve", a.gr.address, 1)
    a.gr.transact(OP, "stake", OP.address, 1)
    a.pm.transact(ME, "assignTask", ask_id, OP.address, b"")
    assert a.gr.call("generatorRegistry", OP.address)[4] == SLASHING_PENALTY["public"]  # stakeLocked


# What a slash logs (spec §9.1): the SDK 1.0.57 build ProofNotGenerated and the stake token's Transfer only;
# the Arbitrum Sepolia build also StakeSlashed. Neither logs ComputeLockReleased nor a refund Transfer.
SDK_SLASH_LOGS = [("proofMarketplace", "ProofNotGenerated"), ("stakingToken", "Transfer")]
SEPOLIA_SLASH_LOGS = SDK_SLASH_LOGS + [("generatorRegistry", "StakeSlashed")]


def _discard(a: GenA):
    m, ask_id = public_task(a)
    a.pm.transact(ME, "assignTask", ask_id, OP.address, b"")
    expect("OnlyGeneratorCanDiscardRequest", a.pm.transact, OTHER, "discardRequest", ask_id)
    req_before = a.payment.call("balanceOf", REQ.address)
    tre_before = a.staking.call("balanceOf", TREASURY.address)
    rc = a.pm.transact(OP, "discardRequest", ask_id)
    penalty = SLASHING_PENALTY["public"]
    assert one(a.pm, rc, "ProofNotGenerated")["askId"] == ask_id
    slashed = one(a.staking, rc, "Transfer")
    assert (slashed["sender"], slashed["receiver"], slashed["value"]) == (a.gr.address, TREASURY.address, penalty)
    assert a.staking.call("balanceOf", TREASURY.address) - tre_before == penalty
    # the requester's reward is credited, paid by flush
    assert a.payment.call("balanceOf", REQ.address) == req_before
    assert a.pm.call("claimableAmount", REQ.address) == 3 * USDC
    reg = a.gr.call("generatorRegistry", OP.address)
    assert (reg[1], reg[3], reg[4]) == (100 * E18 - penalty, 0, 0)
    assert a.gr.call("generatorInfoPerMarket", OP.address, m)[4] == 0  # activeRequests
    expect("ShouldBeInAssignedState", a.pm.transact, OP, "discardRequest", ask_id)
    a.pm.transact(OTHER, "flush", REQ.address)
    assert a.payment.call("balanceOf", REQ.address) - req_before == 3 * USDC
    return rc


def test_discard_request_slashes_to_treasury(gena: GenA):
    rc = _discard(gena)
    assert log_names(gena, rc) == SDK_SLASH_LOGS


def test_discard_request_on_the_sepolia_build_logs_stake_slashed(gena: GenA):
    a = variant(gena, slash_events="sepolia")
    assert a.d.options["slash_events"] == "sepolia"
    rc = _discard(a)
    assert log_names(a, rc) == SEPOLIA_SLASH_LOGS
    assert one(a.gr, rc, "StakeSlashed") == {"generator": OP.address, "stake": SLASHING_PENALTY["public"],
                                             "_block": int(rc["blockNumber"], 16)}


def test_missed_deadline_is_slashed_by_anyone(gena: GenA):
    a = gena
    m, ask_id = public_task(a, ask_time=30)
    rc = a.pm.transact(ME, "assignTask", ask_id, OP.address, b"")
    deadline = a.pm.call("listOfAsk", ask_id)[0][4]
    assert deadline == int(rc["blockNumber"], 16) + 30
    expect("ShouldBeInCrossedDeadlineState", a.pm.transact, OTHER, "slashGenerator", ask_id, OTHER.address)
    a.mine(deadline - a.rpc.block_number() + 1)
    assert a.pm.call("getAskState", ask_id) == 5  # DEADLINE_CROSSED
    expect("OnlyAssignedAsksCanBeProved", a.pm.transact, GAS, "submitProof", ask_id, b"late")
    before = a.staking.call("balanceOf", OTHER.address)
    rc = a.pm.transact(OTHER, "slashGenerator", ask_id, OTHER.address)
    assert log_names(a, rc) == SDK_SLASH_LOGS
    assert a.staking.call("balanceOf", OTHER.address) - before == SLASHING_PENALTY["public"]
    assert a.pm.call("claimableAmount", REQ.address) == 3 * USDC  # the reward, for the requester to flush
    assert a.pm.call("getAskState", ask_id) == 4


def test_proof_remainder_is_credited_to_the_requester(gena: GenA):
    """After a proof the operator's cost and the rest of the reward both wait in claimableAmount."""
    a = gena
    m, ask_id = public_task(a, reward=3 * USDC, cost=2 * USDC)
    a.pm.transact(ME, "assignTask", ask_id, OP.address, b"")
    before = a.payment.call("balanceOf", REQ.address)
    rc = a.pm.transact(GAS, "submitProof", ask_id, b"proof")
    assert log_names(a, rc) == [("generatorRegistry", "StakeLockReleased"), ("generatorRegistry", "ComputeLockReleased"),
                                ("proofMarketplace", "ProofCreated")]
    assert a.payment.call("balanceOf", REQ.address) == before
    assert (a.pm.call("claimableAmount", REQ.address), a.pm.call("claimableAmount", OP.address)) == (USDC, 2 * USDC)
    rc = a.pm.transact(OTHER, "flush", REQ.address)
    assert log_names(a, rc) == [("paymentToken", "Transfer")]
    assert a.payment.call("balanceOf", REQ.address) - before == USDC
    # nothing left: flush succeeds and moves nothing (no zero-value Transfer)
    rc = a.pm.transact(OTHER, "flush", REQ.address)
    assert rc["logs"] == []


def test_exit_waits_for_active_requests(gena: GenA):
    a = gena
    m, ask_id = public_task(a)
    a.pm.transact(ME, "assignTask", ask_id, OP.address, b"")
    rc = a.gr.transact(OP, "requestForExitMarketplace", m)
    assert a.gr.events(rc, "LeftMarketplace") == []
    assert a.gr.call("getGeneratorState", OP.address, m) == (4, 0)  # REQUESTED_FOR_EXIT
    a.payment.transact(REQ, "approve", a.pm.address, 3 * USDC)
    rc = a.pm.transact(REQ, CREATE_ASK, (m, 3 * USDC, a.rpc.block_number() + 50, 30, 0, REQ.address, b"i"), 1, b"", b"")
    expect("AssignOnlyToIdleGenerators", a.pm.transact, ME, "assignTask", one(a.pm, rc, "AskCreated")["askId"],
           OP.address, b"")
    a.pm.transact(GAS, "submitProof", ask_id, b"any proof (MockVerifier)")
    rc = a.gr.transact(OP, "leaveMarketplaces", [m])
    assert one(a.gr, rc, "LeftMarketplace")["marketId"] == m


def test_stake_and_compute_reduction_rules(gena: GenA):
    """Two-step reductions with the one-block gap, and the contract bug of spec §9 item 3."""
    a = gena
    register_and_stake(a, compute=8, stake=100 * E18)
    expect("ReduceComputeRequestNotInPlace", a.gr.transact, OP, "decreaseDeclaredCompute")
    expect("CannotBeZero", a.gr.transact, OP, "intendToReduceCompute", 0)
    expect("CannotBeZero", a.gr.transact, OP, "intendToReduceStake", 0)
    rc = a.gr.transact(OP, "intendToReduceCompute", 2)
    assert one(a.gr, rc, "RequestComputeDecrease")["intendedUtilization"] == 750_000_000_000_000_000
    expect("RequestAlreadyInPlace", a.gr.transact, OP, "intendToReduceCompute", 1)
    # the stake request checks the COMPUTE utilisation, so a pending compute request blocks it
    expect("RequestAlreadyInPlace", a.gr.transact, OP, "intendToReduceStake", E18)
    a.mine(1)
    rc = a.gr.transact(OP, "decreaseDeclaredCompute")
    assert one(a.gr, rc, "DecreaseCompute")["compute"] == 2
    assert a.gr.call("generatorRegistry", OP.address)[6] == 6
    # ... and a second stake request simply overwrites the first one
    a.gr.transact(OP, "intendToReduceStake", 10 * E18)
    rc = a.gr.transact(OP, "intendToReduceStake", 50 * E18)
    assert one(a.gr, rc, "RequestStakeDecrease")["intendedUtilization"] == E18 // 2
    a.mine(1)
    rc = a.gr.transact(OP, "unstake", OTHER.address)
    assert one(a.gr, rc, "RemovedStake")["amount"] == 50 * E18
    # joined compute cannot be reduced away
    a.gr.transact(OP, "joinMarketplace", a.market("public").id, 5, 1, 10, False, b"", b"")
    expect("ExceedsAcceptableRange", a.gr.transact, OP, "intendToReduceCompute", 1)


def test_reductions_round_down_like_the_real_contract(gena: GenA):
    """Observed on the real Generation A contract: declared 11, intendToReduceCompute(6), then
    decreaseDeclaredCompute() leaves 4 (the utilisation is stored rounded down); unstake likewise pays
    more than asked. Expected values: the issue's observation and kalypso_devnet.reductions."""
    a = gena
    assert reduction(11, 6).new_total == 4 and reduction(11, 6).released == 7  # the helper agrees with the chain
    register_and_stake(a, compute=11, stake=0)
    rc = a.gr.transact(OP, "intendToReduceCompute", 6)
    assert one(a.gr, rc, "RequestComputeDecrease")["intendedUtilization"] == 5 * EXPONENT // 11
    assert a.gr.call("generatorRegistry", OP.address)[8] == intended_utilization(11, 6)
    a.mine(1)
    rc = a.gr.transact(OP, "decreaseDeclaredCompute")
    assert one(a.gr, rc, "DecreaseCompute")["compute"] == 7
    assert a.gr.call("generatorRegistry", OP.address)[6] == 4

    # stake: an odd total so that the rounding shows in the payout
    total, asked = 7 * E18 + 3, 2 * E18
    expected = reduction(total, asked)
    assert expected.released > asked  # the case under test: pays more than asked
    a.staking.transact(OP, "approve", a.gr.address, total)
    a.gr.transact(OP, "stake", OP.address, total)
    rc = a.gr.transact(OP, "intendToReduceStake", asked)
    assert one(a.gr, rc, "RequestStakeDecrease")["intendedUtilization"] == expected.utilization
    a.mine(1)
    before = a.staking.call("balanceOf", OTHER.address)
    rc = a.gr.transact(OP, "unstake", OTHER.address)
    assert one(a.gr, rc, "RemovedStake")["amount"] == expected.released
    assert a.staking.call("balanceOf", OTHER.address) - before == expected.released
    assert a.gr.call("generatorRegistry", OP.address)[1] == expected.new_total == total - expected.released
    assert expected.released - asked <= total // EXPONENT  # "up to totalStake/1e18 wei more"

    # a stake added between the two steps is part of the payout base (step 2 reads the total again)
    a.gr.transact(OP, "intendToReduceStake", E18)
    u = a.gr.call("generatorRegistry", OP.address)[7]
    a.staking.transact(OP, "approve", a.gr.address, E18)
    a.gr.transact(OP, "stake", OP.address, E18)
    now = a.gr.call("generatorRegistry", OP.address)[1]
    rc = a.gr.transact(OP, "unstake", OP.address)
    assert one(a.gr, rc, "RemovedStake")["amount"] == now - total_after(now, u)


def test_reward_address_and_compute_increase(gena: GenA):
    a = gena
    expect("CannotBeZero", a.gr.transact, OP, "changeRewardAddress", OTHER.address)
    expect("CannotBeZero", a.gr.transact, OP, "increaseDeclaredCompute", 1)
    register_and_stake(a, stake=0)
    expect("CannotBeZero", a.gr.transact, OP, "changeRewardAddress", "0x" + "00" * 20)
    rc = a.gr.transact(OP, "changeRewardAddress", OTHER.address)
    assert one(a.gr, rc, "ChangedGeneratorRewardAddress")["newRewardAddress"] == OTHER.address
    assert a.gr.call("getGeneratorRewardDetails", OP.address, 0) == (OTHER.address, 0)
    rc = a.gr.transact(OP, "increaseDeclaredCompute", 4)
    assert a.gr.call("generatorRegistry", OP.address)[6] == 12


def test_batch_exit_requests(gena: GenA):
    a = gena
    register_and_stake(a)
    pub, other = a.market("public").id, a.market("other-image").id
    a.gr.transact(OP, "joinMarketplace", pub, 1, 1, 10, False, b"", b"")
    a.gr.transact(OP, "joinMarketplace", other, 2, 1, 10, False, b"", b"")
    assert a.gr.call("generatorRegistry", OP.address)[5] == 2  # activeMarketplaces
    expect("OnlyValidGeneratorsCanRequestExit", a.gr.transact, OP, "requestForExitMarketplaces", [pub, 0])
    rc = a.gr.transact(OP, "requestForExitMarketplaces", [pub, other])
    assert [e["marketId"] for e in a.gr.events(rc, "LeftMarketplace")] == [pub, other]
    reg = a.gr.call("generatorRegistry", OP.address)
    assert (reg[2], reg[5]) == (0, 0)  # sumOfComputeAllocations, activeMarketplaces
    expect_empty(a.gr.transact, OP, "leaveMarketplaces", [a.pm.call("marketCounter")])  # unknown id (spec §9.1)
