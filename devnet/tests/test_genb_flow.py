"""Generation B, Appendix A driven over JSON-RPC with eth-account/eth-abi, with the operator's
reverts decoded to the contracts' custom errors (spec §2, §2.10, Appendix A)."""
import json

import pytest
from eth_abi import encode

from kalypso_devnet import constants as C
from kalypso_devnet.attestation import Enclave, encode_attestation, prover_family_id
from kalypso_devnet.deploy.gen_b import POND_TO_LOCK, matching_engine
from kalypso_devnet.rpc import dev_account

from genb_support import contracts, expect_revert

OP = dev_account(C.OPERATOR)
GAS = dev_account(C.GAS_KEY)
REQ = dev_account(C.REQUESTER)
ME = dev_account(C.MATCHING_ENGINE)
ADMIN = dev_account(C.ADMIN)
OTHER = dev_account(C.OTHER_PROVERS[0])
META = json.dumps({"display_name": "devnet operator", "display_description": "tests"}).encode()
ASSIGNED, COMPLETED, DEADLINE_CROSSED, UNASSIGNED, CREATED = 3, 4, 5, 2, 1


@pytest.fixture
def c(chain, deployment):
    return contracts(chain, deployment)


def fresh_attestation(chain, enc):
    return enc.attestation(chain.timestamp() * 1000)


def register_and_stake(c, who=OP, compute=8, stake=1000 * 10**18):
    c.proverManager.transact(who, "register", who.address, compute, META)
    c.stakingToken.transact(who, "approve", c.nativeStaking.address, stake)
    c.nativeStaking.transact(who, "stake", c.stakingToken.address, who.address, stake)


def join(chain, c, market, enc, who=OP, compute=2, cost=10 * 10**6, time=300, commission=10**17):
    att = fresh_attestation(chain, enc)
    return c.proverManager.transact(who, "joinMarketplace", market, compute, cost, time, commission, True,
                                    att, enc.sign_operator(att, who.address))


def create_bid(chain, c, market, reward=50 * 10**6, expiry_in=600, time=300, data=b"public inputs"):
    c.paymentToken.transact(REQ, "approve", c.proofMarketplace.address, reward)
    rc = c.proofMarketplace.transact(REQ, "createBid", (market, reward, chain.timestamp() + expiry_in, time, 0,
                                                        REQ.address, data), 0, b"", b"", b"")
    return c.proofMarketplace.events(rc, "BidCreated")[0]["bidId"]


def test_appendix_a_generation_b(chain, c):
    pm, pmp, ns, erk = c.proverManager, c.proofMarketplace, c.nativeStaking, c.entityKeyRegistry
    pond, usdc = c.stakingToken, c.paymentToken

    # 1. register
    expect_revert("CannotBeZero()", pm.transact, OP, "register", OP.address, 8, b"")
    rc = pm.transact(OP, "register", OP.address, 8, META)
    assert pm.events(rc, "ProverRegistered")[0]["proverData"] == META
    expect_revert("ProverAlreadyExists()", pm.transact, OP, "register", OP.address, 8, META)
    assert pm.call("proverRegistry", OP.address) == (OP.address, 0, 0, 0, 8, 10**18, META)

    # 2. stake (NativeStaking, POND)
    assert list(ns.call("getStakeTokenList")) == [pond.address, c.stakeToken2.address]
    pond.transact(OP, "approve", ns.address, 1000 * 10**18)
    expect_revert("OnlyProverCanStake()", ns.transact, OTHER, "stake", pond.address, OP.address, 1)
    expect_revert("TokenNotSupported()", ns.transact, OP, "stake", usdc.address, OP.address, 1)
    e = expect_revert("ERC20InsufficientAllowance(address,uint256,uint256)", ns.transact, OP, "stake",
                      pond.address, OP.address, 2000 * 10**18)
    assert e.args_ == (ns.address, 1000 * 10**18, 2000 * 10**18)
    rc = ns.transact(OP, "stake", pond.address, OP.address, 1000 * 10**18)
    assert ns.events(rc, "Staked")[0] | {"_block": 0} == {"account": OP.address, "prover": OP.address,
                                                          "token": pond.address, "amount": 1000 * 10**18, "_block": 0}
    assert ns.call("getProverStakeAmount", pond.address, OP.address) == 1000 * 10**18

    # 3-6. join market 1 with attestation + enclave signature
    enc = Enclave.generate(C.PROVER_PCRS, seed=b"op-enclave-1")
    att = fresh_attestation(chain, enc)
    sig = enc.sign_operator(att, OP.address)
    args = lambda m=1, comp=2, t=300, comm=10**17, key=True, a=att, s=sig: (m, comp, 10 * 10**6, t, comm, key, a, s)
    expect_revert("CannotBeZero()", pm.transact, OP, "joinMarketplace", *args(comp=0))
    expect_revert("InvalidProverProposedTime()", pm.transact, OP, "joinMarketplace", *args(t=0))
    expect_revert("InvalidProverProposedTime()", pm.transact, OP, "joinMarketplace", *args(t=86401))
    expect_revert("InvalidProverCommission()", pm.transact, OP, "joinMarketplace", *args(comm=10**18 + 1))
    e = expect_revert("Panic(uint256)", pm.transact, OP, "joinMarketplace", *args(m=99))
    assert e.args_ == (0x32,)
    expect_revert("InvalidMarket()", pm.transact, OP, "joinMarketplace", *args(m=0))
    expect_revert("CannotBeMoreThanDeclaredCompute()", pm.transact, OP, "joinMarketplace", *args(comp=9))
    expect_revert("PublicMarketsDontNeedKey()", pm.transact, OP, "joinMarketplace", *args(m=2))
    expect_revert("IncorrectImageId()", pm.transact, OP, "joinMarketplace", *args(m=4))
    wrong = enc.sign_operator(att, OTHER.address)     # authorises someone else
    e = expect_revert("InvalidEnclaveSignature(address)", pm.transact, OP, "joinMarketplace", *args(s=wrong))
    assert e.args_[0] != enc.address
    # a 63-byte key: the signature is recovered first, then the key length is checked (HELPER.GET_ADDRESS)
    short = encode_attestation(b"\x01" * 65, enc.public_key[:63], enc.pcrs, chain.timestamp() * 1000)
    expect_revert("InvalidEnclaveKey()", pm.transact, OP, "joinMarketplace",
                  *args(a=short, s=enc.sign_operator(short, OP.address)))
    expect_revert("ECDSAInvalidSignatureLength(uint256)", pm.transact, OP, "joinMarketplace", *args(s=sig[:64]))
    old = enc.attestation((chain.timestamp() - 60060) * 1000)
    expect_revert("AttestationAutherAttestationTooOld()", pm.transact, OP, "joinMarketplace",
                  *args(a=old, s=enc.sign_operator(old, OP.address)))
    assert erk.call("isImageInFamily", enc.image_id, prover_family_id(1)) is True
    rc = pm.transact(OP, "joinMarketplace", *args())
    assert pm.events(rc, "ProverJoinedMarketplace")[0]["commission"] == 10**17
    assert erk.events(rc, "UpdateKey")[0]["keyIndex"] == 1
    assert erk.events(rc, "EnclaveKeyVerified")[0]["imageId"] == enc.image_id
    assert erk.call("pub_key", OP.address, 1) == enc.public_key
    assert pm.call("proverInfoPerMarket", OP.address, 1) == (1, 2, 10**17, 10 * 10**6, 300, 0)
    assert pm.call("getProverState", OP.address, 1) == (1, 8)
    expect_revert("AlreadyJoinedMarket()", pm.transact, OP, "joinMarketplace", *args())
    # the same enclave key cannot be registered for a second market (spec §2.6.3)
    expect_revert("EnclaveKeyNotVerified()", pm.transact, OP, "joinMarketplace", *args(m=3))

    # 7. the TEE verifier of market 3 takes the attestation independently
    tee = c.teeVerifier3
    tee.transact(GAS, "verifyKey", att)
    assert tee.call("getVerifiedKey", enc.address) == enc.image_id
    expect_revert("TeeVerifierEnclaveKeyNotVerified(bytes,bytes,bytes)", tee.transact, GAS, "verifyKey", att)

    # 9. a task for us: bid, assignment by the matching engine, proof, reward
    bid = create_bid(chain, c, 1)
    assert pmp.call("getBidState", bid) == CREATED
    expect_revert("AttestationAutherKeyNotVerified()", pmp.transact, OTHER, "assignTask", bid, OP.address, b"acl")
    rc = pmp.transact(ME, "assignTask", bid, OP.address, b"acl")
    assert pmp.events(rc, "TaskCreated")[0] | {"_block": 0} == {"bidId": bid, "prover": OP.address,
                                                                "new_acl": b"acl", "_block": 0}
    lock = ns.events(rc, "StakeLocked")[0]
    assert (lock["bidId"], lock["prover"], lock["token"], lock["amount"]) == (bid, OP.address, pond.address, POND_TO_LOCK)
    assert ns.call("lockInfo", bid) == (pond.address, POND_TO_LOCK)
    assert pm.call("getProverState", OP.address, 1) == (3, 6)
    assert pmp.call("getBidState", bid) == ASSIGNED
    (b, state, requester, prover) = pmp.call("listOfBid", bid)
    assert b[0] == 1 and b[4] == chain.timestamp() + 300 and (state, requester, prover) == (ASSIGNED, REQ.address, OP.address)
    expect_revert("ShouldBeInCreateState()", pmp.transact, ME, "assignTask", bid, OP.address, b"acl")
    expect_revert("CannotLeaveMarketWithActiveRequest()", pm.transact, OP, "leaveMarketplace", 1)
    req_before = usdc.call("balanceOf", REQ.address)
    rc = pmp.transact(GAS, "submitProof", bid, b"proof bytes")
    assert pmp.events(rc, "ProofCreated")[0]["proof"] == b"proof bytes"
    assert pmp.events(rc, "ProverFeeRewardAdded")[0]["feeRewardAmount"] == 10 * 10**6
    assert ns.events(rc, "StakeUnlocked")[0]["amount"] == POND_TO_LOCK
    assert usdc.call("balanceOf", REQ.address) == req_before + 40 * 10**6    # reward - cost back
    assert pmp.call("getBidState", bid) == COMPLETED
    expect_revert("OnlyAssignedBidsCanBeProved(uint256)", pmp.transact, GAS, "submitProof", bid, b"again")
    assert pmp.call("proverClaimableFeeReward", OP.address) == 10 * 10**6
    before = usdc.call("balanceOf", OP.address)
    pmp.transact(OP, "claimProverFeeReward()")
    assert usdc.call("balanceOf", OP.address) == before + 10 * 10**6
    expect_revert("NoRewardToClaim()", pmp.transact, OP, "claimProverFeeReward()")
    expect_revert("NoRewardToClaim()", pmp.transact, GAS, "claimProverFeeReward(address)", OP.address)

    # 10. enclave restart: a new key through updateEncryptionKey
    enc2 = Enclave.generate(C.PROVER_PCRS, seed=b"op-enclave-2")
    att2 = fresh_attestation(chain, enc2)
    expect_revert("CannotBeZero()", pm.transact, OTHER, "updateEncryptionKey", 1, att2, enc2.sign_operator(att2, OTHER.address))
    expect_revert("EnclaveKeyNotVerified()", pm.transact, OP, "updateEncryptionKey", 1, att, sig)
    rc = pm.transact(OP, "updateEncryptionKey", 1, att2, enc2.sign_operator(att2, OP.address))
    assert erk.events(rc, "UpdateKey") and erk.call("pub_key", OP.address, 1) == enc2.public_key

    # 11. exit, leave, withdraw stake, deregister
    expect_revert("CannotLeaveWithActiveMarket()", pm.transact, OP, "deregister")
    rc = pm.transact(OP, "requestForExitMarketplace", 1)
    assert pm.events(rc, "ProverRequestedMarketplaceExit") and pm.events(rc, "ProverLeftMarketplace")
    expect_revert("OnlyValidProversCanRequestExit()", pm.transact, OP, "requestForExitMarketplace", 1)
    expect_revert("InvalidProverStatePerMarket()", pm.transact, OP, "leaveMarketplace", 1)
    expect_revert("InsufficientStakeAmount()", ns.transact, OP, "requestStakeWithdrawal", OP.address, pond.address,
                  1001 * 10**18)
    rc = ns.transact(OP, "requestStakeWithdrawal", OP.address, pond.address, 400 * 10**18)
    w = ns.events(rc, "StakeWithdrawalRequested")[0]
    assert (w["index"], w["amount"], w["token"]) == (0, 400 * 10**18, pond.address)
    assert ns.call("withdrawalRequests", OP.address, OP.address, 0) == (pond.address, 400 * 10**18, chain.timestamp() + 3600)
    expect_revert("WithdrawalTimeNotReached()", ns.transact, OP, "withdrawStake", OP.address, [0])
    expect_revert("OnlyProverCanWithdrawStake()", ns.transact, OTHER, "withdrawStake", OP.address, [0])
    expect_revert("InvalidIndexLength()", ns.transact, OP, "withdrawStake", OP.address, [])
    chain.increase_time(3600)
    before = pond.call("balanceOf", OP.address)
    rc = ns.transact(OP, "withdrawStake", OP.address, [0])
    assert ns.events(rc, "StakeWithdrawn")[0]["amount"] == 400 * 10**18
    assert pond.call("balanceOf", OP.address) == before + 400 * 10**18
    expect_revert("InvalidWithdrawalAmount()", ns.transact, OP, "withdrawStake", OP.address, [0])
    rc = pm.transact(OP, "deregister")
    assert pm.events(rc, "ProverDeregistered")[0]["prover"] == OP.address
    assert pm.call("proverRegistry", OP.address)[0] == "0x" + "00" * 20


def test_compute_and_profile_maintenance(chain, c):
    pm = c.proverManager
    expect_revert("ProverNotRegistered()", pm.transact, OP, "increaseDeclaredCompute", 1)
    expect_revert("InvalidProver()", pm.transact, OP, "decreaseDeclaredCompute")
    register_and_stake(c)
    expect_revert("ZeroComputeToIncrease()", pm.transact, OP, "increaseDeclaredCompute", 0)
    assert pm.events(pm.transact(OP, "increaseDeclaredCompute", 2), "ComputeIncreased")[0]["compute"] == 2
    join(chain, c, 1, Enclave.generate(C.PROVER_PCRS, seed=b"m1"), compute=4)
    expect_revert("ExceedsAcceptableRange()", pm.transact, OP, "intendToReduceCompute", 6)
    expect_revert("ReduceComputeRequestNotInPlace()", pm.transact, OP, "decreaseDeclaredCompute")
    rc = pm.transact(OP, "intendToReduceCompute", 5)
    assert pm.events(rc, "ComputeDecreaseRequested")[0]["intendedComputeUtilization"] == 5 * 10**18 // 10
    assert pm.call("reduceComputeRequestTimestamp", OP.address) == chain.timestamp() + 100
    expect_revert("RequestAlreadyInPlace()", pm.transact, OP, "intendToReduceCompute", 1)
    expect_revert("ReductionRequestNotValid()", pm.transact, OP, "decreaseDeclaredCompute")
    chain.increase_time(100)
    rc = pm.transact(OP, "decreaseDeclaredCompute")
    assert pm.events(rc, "ComputeDecreased")[0]["compute"] == 5
    assert pm.call("proverRegistry", OP.address)[4:6] == (5, 10**18)
    expect_revert("ZeroNewRewardAddress()", pm.transact, OP, "updateProverRewardAddress", "0x" + "00" * 20)
    rc = pm.transact(OP, "updateProverRewardAddress", GAS.address)
    assert pm.events(rc, "ProverRewardAddressChanged")[0]["newRewardAddress"] == GAS.address
    expect_revert("ZeroProverDataLength()", pm.transact, OP, "updateProverData", b"")
    assert pm.events(pm.transact(OP, "updateProverData", b"{}"), "ProverDataUpdated")[0]["newProverData"] == b"{}"
    # the reward address now collects the fees, claimable by anyone for it (Arbitrum One variant)
    bid = create_bid(chain, c, 1)
    c.proofMarketplace.transact(ME, "assignTask", bid, OP.address, b"")
    c.proofMarketplace.transact(OP, "submitProof", bid, b"p")
    assert c.proofMarketplace.call("proverClaimableFeeReward", GAS.address) == 10 * 10**6
    before = c.paymentToken.call("balanceOf", GAS.address)
    c.proofMarketplace.transact(REQ, "claimProverFeeReward(address)", GAS.address)
    assert c.paymentToken.call("balanceOf", GAS.address) == before + 10 * 10**6
    # removeEncryptionKey
    rc = pm.transact(OP, "removeEncryptionKey", 1)
    assert c.entityKeyRegistry.events(rc, "RemoveKey") and c.entityKeyRegistry.call("pub_key", OP.address, 1) == b""


def test_missed_deadline_discard_refund_slash(chain, c):
    pm, pmp, ns, usdc, pond = c.proverManager, c.proofMarketplace, c.nativeStaking, c.paymentToken, c.stakingToken
    register_and_stake(c)
    join(chain, c, 1, Enclave.generate(C.PROVER_PCRS, seed=b"m2"), time=60)
    late = create_bid(chain, c, 1, time=60)
    pmp.transact(ME, "assignTask", late, OP.address, b"")
    discarded = create_bid(chain, c, 1)
    pmp.transact(ME, "assignTask", discarded, OP.address, b"")
    expect_revert("ProofTimeMismatch(uint256)", pmp.transact, ME, "assignTask", create_bid(chain, c, 1, time=30),
                  OP.address, b"")
    expect_revert("ProofPriceMismatch(uint256)", pmp.transact, ME, "assignTask", create_bid(chain, c, 1, reward=1),
                  OP.address, b"")
    expect_revert("OnlyProverCanDiscardRequest(uint256)", pmp.transact, OTHER, "discardRequest", discarded)
    rc = pmp.transact(OP, "discardRequest", discarded)
    assert pmp.events(rc, "ProofNotGenerated")[0]["bidId"] == discarded
    expect_revert("ShouldBeInAssignedState(uint256)", pmp.transact, OP, "discardRequest", discarded)
    expect_revert("NotSlashableBidId(uint256)", pmp.transact, REQ, "refundFees", [late])
    chain.increase_time(61)
    assert pmp.call("getBidState", late) == DEADLINE_CROSSED
    expect_revert("OnlyAssignedBidsCanBeProved(uint256)", pmp.transact, OP, "submitProof", late, b"p")
    before = usdc.call("balanceOf", REQ.address)
    rc = pmp.transact(REQ, "refundFees", [late])
    assert pmp.events(rc, "ProofNotGenerated")[0]["bidId"] == late
    assert usdc.call("balanceOf", REQ.address) == before + 50 * 10**6
    assert pmp.call("listOfBid", late)[0][1] == 0 and pmp.call("getBidState", late) == COMPLETED
    # already refunded (COMPLETED) ids are skipped, not refused
    assert pmp.events(pmp.transact(REQ, "refundFees", [late, discarded]), "ProofNotGenerated") == []
    assert pm.call("getProverState", OP.address, 1) == (1, 8)
    # slash results (the admin stands in for the Symbiotic transmitter) take the locked stake
    locked = ns.call("getProverLockedAmount", pond.address, OP.address)
    assert locked == 2 * POND_TO_LOCK
    treasury = dev_account(C.TREASURY).address
    rc = c.stakingManager.transact(ADMIN, "onSlashResultSubmission", [(late, OP.address, treasury),
                                                                     (discarded, OP.address, treasury)])
    assert [e["bidId"] for e in ns.events(rc, "TaskSlashed")] == [late, discarded]
    # the real NativeStaking.slash releases the lock and pays the tokens out without reducing the
    # recorded stake; the look-alike does the same
    assert ns.call("getProverStakeAmount", pond.address, OP.address) == 1000 * 10**18
    assert ns.call("lockInfo", late) == ("0x" + "00" * 20, 0)
    assert ns.call("getProverLockedAmount", pond.address, OP.address) == 0
    assert pond.call("balanceOf", treasury) == 2 * POND_TO_LOCK
    # a slash result for a crossed, not yet refunded bid refunds the requester first
    late2 = create_bid(chain, c, 1, time=60)
    pmp.transact(ME, "assignTask", late2, OP.address, b"")
    chain.increase_time(61)
    before = usdc.call("balanceOf", REQ.address)
    rc = c.stakingManager.transact(ADMIN, "onSlashResultSubmission", [(late2, OP.address, treasury)])
    assert pmp.events(rc, "ProofNotGenerated")[0]["bidId"] == late2 and ns.events(rc, "TaskSlashed")
    assert usdc.call("balanceOf", REQ.address) == before + 50 * 10**6
    expect_revert("AccessControlUnauthorizedAccount(address,bytes32)", c.stakingManager.transact, OP,
                  "onSlashResultSubmission", [(late2, OP.address, OP.address)])
    # an unassigned bid past its expiry is cancelled by its owner
    expired = create_bid(chain, c, 1, expiry_in=30)
    expect_revert("OnlyExpiredBidsCanBeCancelled(uint256)", pmp.transact, REQ, "cancelBid", expired)
    chain.increase_time(31)
    assert pmp.call("getBidState", expired) == UNASSIGNED
    expect_revert("ShouldBeInCreateState()", pmp.transact, ME, "assignTask", expired, OP.address, b"")
    assert pmp.events(pmp.transact(REQ, "cancelBid", expired), "BidCancelled")[0]["bidId"] == expired


def test_tee_verifier_market_proofs(chain, c):
    pmp, tee = c.proofMarketplace, c.teeVerifier3
    register_and_stake(c)
    enc = Enclave.generate(C.PROVER_PCRS, seed=b"tee")
    att = fresh_attestation(chain, enc)
    c.proverManager.transact(OP, "joinMarketplace", 3, 1, 5 * 10**6, 600, 0, True, att, enc.sign_operator(att, OP.address))
    tee.transact(OP, "verifyKey", att)
    bid = create_bid(chain, c, 3, time=600, data=b"inputs")
    pmp.transact(ME, "assignTask", bid, OP.address, b"")
    forged = Enclave.generate(C.PROVER_PCRS, seed=b"not verified").sign_proof(b"inputs", b"proof")
    expect_revert("AttestationAutherKeyNotVerified()", pmp.transact, OP, "submitProof", bid, forged)
    rc = pmp.transact(GAS, "submitProof", bid, enc.sign_proof(b"inputs", b"proof"))
    assert pmp.events(rc, "ProofCreated")[0]["bidId"] == bid


def test_relay_batch_assign_and_market_views(chain, c):
    pmp = c.proofMarketplace
    assert pmp.call("marketCounter") == 5
    assert pmp.call("marketData", 0) == ("0x" + "00" * 20, b"\0" * 32, b"\0" * 32, "0x" + "00" * 20, b"")
    verifier, image, ivs, creator, meta = pmp.call("marketData", 2)
    assert image.hex() == "cd2e66bf0b91eeedc6c648ae9335a78d7c9a4ab0ef33612a824d91cdc68a4f21"   # NO_ENCLAVE_ID
    assert creator == ADMIN.address and json.loads(meta)["zkAppName"] == "devnet-public"
    e = expect_revert("Panic(uint256)", pmp.call, "marketData", 5)
    assert e.args_ == (0x32,)
    register_and_stake(c)
    join(chain, c, 1, Enclave.generate(C.PROVER_PCRS, seed=b"relay"))
    bids = [create_bid(chain, c, 1), create_bid(chain, c, 1)]
    from eth_utils import keccak
    from kalypso_devnet.attestation import personal_sign_digest
    digest = keccak(encode(["uint256[]", "address[]", "bytes[]"], [bids, [OP.address] * 2, [b"a", b"b"]]))
    sig = personal_sign_digest(digest, matching_engine().private_key)
    expect_revert("ArityMismatch()", pmp.transact, GAS, "relayBatchAssignTasks", bids, [OP.address], [b"a", b"b"], sig)
    rc = pmp.transact(GAS, "relayBatchAssignTasks", bids, [OP.address] * 2, [b"a", b"b"], sig)
    assert [e["bidId"] for e in pmp.events(rc, "TaskCreated")] == bids
    assert c.stakingManager.call("getPoolConfig", c.nativeStaking.address) == (10**18, True)
    assert c.stakingManager.call("isEnabledPool", c.nativeStaking.address) is True


def test_exit_request_with_an_active_task(chain, c):
    pm, pmp = c.proverManager, c.proofMarketplace
    register_and_stake(c)
    join(chain, c, 1, Enclave.generate(C.PROVER_PCRS, seed=b"exit"))
    bid = create_bid(chain, c, 1)
    pmp.transact(ME, "assignTask", bid, OP.address, b"")
    rc = pm.transact(OP, "requestForExitMarketplace", 1)
    assert pm.events(rc, "ProverRequestedMarketplaceExit") and not pm.events(rc, "ProverLeftMarketplace")
    assert pm.call("getProverState", OP.address, 1) == (4, 0)       # REQUESTED_FOR_EXIT
    assert pm.call("proverInfoPerMarket", OP.address, 1)[0] == 4
    expect_revert("AssignOnlyToIdleProvers()", pmp.transact, ME, "assignTask", create_bid(chain, c, 1), OP.address, b"")
    expect_revert("CannotLeaveMarketWithActiveRequest()", pm.transact, OP, "leaveMarketplaces", [1])
    pmp.transact(OP, "submitProof", bid, b"p")
    rc = pm.transact(OP, "leaveMarketplaces", [1])
    assert pm.events(rc, "ProverLeftMarketplace")[0]["marketId"] == 1
    assert pm.call("proverRegistry", OP.address)[1:4] == (0, 0, 0)
    # requestForExitMarketplaces (batch) on a market we are not in
    expect_revert("OnlyValidProversCanRequestExit()", pm.transact, OP, "requestForExitMarketplaces", [1])


def test_claim_variants_answer_like_the_two_deployments(chain, c):
    """Spec §2.10: probe with eth_call; NoRewardToClaim ⇒ the overload exists, empty revert ⇒ it does not."""
    from kalypso_devnet.rpc import Reverted
    pmp = c.proofMarketplace
    expect_revert("NoRewardToClaim()", pmp.call, "claimProverFeeReward()", sender=OP)
    expect_revert("NoRewardToClaim()", pmp.call, "claimProverFeeReward(address)", OP.address, sender=OP)
    for variant, missing in ((1, "claimProverFeeReward(address)"), (2, "claimProverFeeReward()")):
        pmp.transact(ADMIN, "devnetSetClaimVariants", variant)
        args = (OP.address,) if "address" in missing else ()
        with pytest.raises(Reverted) as e:
            pmp.call(missing, *args, sender=OP)
        assert e.value.raw == b""
        present = "claimProverFeeReward()" if variant == 1 else "claimProverFeeReward(address)"
        expect_revert("NoRewardToClaim()", pmp.call, present, *(() if variant == 1 else (OP.address,)), sender=OP)
    expect_revert("AccessControlUnauthorizedAccount(address,bytes32)", pmp.transact, OP, "devnetSetClaimVariants", 3)


def test_market_creator_functions_and_pause(chain, c):
    from kalypso_devnet.attestation import encode_pcrs, image_id, prover_family_id
    pmp, erk = c.proofMarketplace, c.entityKeyRegistry
    expect_revert("OnlyMarketCreator()", pmp.transact, OP, "updateMarketMetadata", 1, b"{}")
    rc = pmp.transact(ADMIN, "updateMarketMetadata", 1, b'{"zkAppName":"renamed"}')
    assert pmp.events(rc, "MarketMetadataUpdated")[0]["metadata"] == b'{"zkAppName":"renamed"}'
    # a second prover image for market 1: then OTHER_PROVER_PCRS enclaves may join it
    other = encode_pcrs(C.OTHER_PROVER_PCRS)
    expect_revert("CannotModifyImagesForPublicMarkets()", pmp.transact, ADMIN, "addExtraImages", 2, [other], [])
    rc = pmp.transact(ADMIN, "addExtraImages", 1, [other], [])
    assert pmp.events(rc, "AddExtraProverImage")[0]["imageId"] == image_id(C.OTHER_PROVER_PCRS)
    assert erk.call("isImageInFamily", image_id(C.OTHER_PROVER_PCRS), prover_family_id(1)) is True
    expect_revert("ImageAlreadyInFamily(bytes32,bytes32)", pmp.transact, ADMIN, "addExtraImages", 1, [other], [])
    expect_revert("CannotRemoveDefaultImageFromMarket(uint256,bytes32)", pmp.transact, ADMIN, "removeExtraImages",
                  1, [encode_pcrs(C.PROVER_PCRS)], [])
    pmp.transact(ADMIN, "removeExtraImages", 1, [other], [])
    assert erk.call("isImageInFamily", image_id(C.OTHER_PROVER_PCRS), prover_family_id(1)) is False
    pmp.transact(ADMIN, "freezeMarket", 1)
    assert pmp.call("marketData", 1)[3] == "0x" + "00" * 20
    expect_revert("OnlyMarketCreator()", pmp.transact, ADMIN, "addExtraImages", 1, [other], [])
    # pause stops new bids
    pmp.transact(ADMIN, "pause")
    assert pmp.call("paused") is True
    c.paymentToken.transact(REQ, "approve", pmp.address, 10**6)
    expect_revert("EnforcedPause()", pmp.transact, REQ, "createBid",
                  (1, 10**6, chain.timestamp() + 600, 300, 0, REQ.address, b"x"), 0, b"", b"", b"")
    pmp.transact(ADMIN, "unpause")
    expect_revert("ExpectedPause()", pmp.transact, ADMIN, "unpause")
    expect_revert("InvalidECIESACL()", pmp.transact, REQ, "createBid",
                  (1, 10**6, chain.timestamp() + 600, 300, 0, REQ.address, b"x"), 0, b"", bytes(131), b"")
    expect_revert("ExceedsMaximumMatchtime()", pmp.transact, REQ, "createBid",
                  (1, 10**6, chain.timestamp() + 90000, 300, 0, REQ.address, b"x"), 0, b"", b"", b"")
    expect_revert("InvalidMarket()", pmp.transact, REQ, "createBid",
                  (0, 10**6, chain.timestamp() + 600, 300, 0, REQ.address, b"x"), 0, b"", b"", b"")
