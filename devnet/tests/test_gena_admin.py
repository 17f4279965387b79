"""Generation A paths around the operator: the matching engine's signed batch assignment, invalid-input
reports, market creators' image management, pausing, third-party staking, attestation age at join
and the exact signer reported by InvalidEnclaveSignature (spec §2.6, §2.10, §9.1)."""
from __future__ import annotations

from eth_abi import encode
from eth_account import Account
from eth_account.messages import encode_defunct
from eth_utils import keccak

from kalypso_devnet import constants as C
from kalypso_devnet.attestation import Enclave, encode_pcrs, generator_family_id, image_id
from kalypso_devnet.deploy.gen_a import CREATE_ASK, GenA
from kalypso_devnet.rpc import dev_account

from test_gena_flow import (E18, GAS, ME, OP, OTHER, REQ, USDC, expect, gena, gena_node, gena_session, now_ms,  # noqa: F401
                            one, register_and_stake)

ADMIN = dev_account(C.ADMIN)


def _ask(a: GenA, market_id: int, reward=3 * USDC, time_blocks=30, inputs=b"inputs"):
    a.payment.transact(REQ, "approve", a.pm.address, reward)
    rc = a.pm.transact(REQ, CREATE_ASK, (market_id, reward, a.rpc.block_number() + 50, time_blocks, 0, REQ.address,
                                         inputs), 1, b"", b"")
    return one(a.pm, rc, "AskCreated")["askId"]


def test_relay_batch_assign_signed_by_the_matching_engine(gena: GenA):
    a = gena
    register_and_stake(a)
    m = a.market("public").id
    a.gr.transact(OP, "joinMarketplace", m, 1, USDC, 10, False, b"", b"")
    ids = [_ask(a, m), _ask(a, m)]
    gens, acls = [OP.address, OP.address], [b"acl-1", b"acl-2"]
    digest = keccak(encode(["uint256[]", "address[]", "bytes[]"], [ids, gens, acls]))
    sig = Account.sign_message(encode_defunct(primitive=digest), ME.key).signature
    expect("ArityMismatch", a.pm.transact, GAS, "relayBatchAssignTasks", ids, gens[:1], acls, sig)
    forged = Account.sign_message(encode_defunct(primitive=digest), OTHER.key).signature
    expect("AttestationAutherKeyNotVerified", a.pm.transact, GAS, "relayBatchAssignTasks", ids, gens, acls, forged)
    rc = a.pm.transact(GAS, "relayBatchAssignTasks", ids, gens, acls, sig)  # anyone may relay
    assert [(e["askId"], e["new_acl"]) for e in a.pm.events(rc, "TaskCreated")] == list(zip(ids, acls))
    assert a.gr.call("generatorInfoPerMarket", OP.address, m)[4] == 2  # activeRequests
    rc = a.pm.transact(GAS, "submitProofs", ids, [b"p1", b"p2"])
    assert [e["askId"] for e in a.pm.events(rc, "ProofCreated")] == ids
    assert a.pm.call("claimableAmount", OP.address) == 2 * USDC


def test_invalid_inputs_report_signed_by_the_enclave(gena: GenA):
    a = gena
    register_and_stake(a)
    m = a.market("private").id
    enc = Enclave.generate(C.PROVER_PCRS, seed=b"gena-invalid-inputs")
    att = enc.attestation(now_ms(a.rpc))
    a.gr.transact(OP, "joinMarketplace", m, 1, USDC, 10, True, att, enc.sign_operator(att, OP.address))
    ask_id = _ask(a, m, inputs=b"garbage")
    a.pm.transact(ME, "assignTask", ask_id, OP.address, b"")
    digest = keccak(encode(["uint256", "bytes"], [ask_id, b"garbage"]))
    stranger = Account.sign_message(encode_defunct(primitive=digest), OTHER.key).signature
    expect("CannotSlashUsingValidInputs", a.pm.transact, GAS, "submitProofForInvalidInputs", ask_id, stranger)
    sig = Account.sign_message(encode_defunct(primitive=digest), enc.private_key).signature
    rc = a.pm.transact(GAS, "submitProofForInvalidInputs", ask_id, sig)
    assert one(a.pm, rc, "InvalidInputsDetected")["askId"] == ask_id
    assert a.pm.call("claimableAmount", OP.address) == USDC  # the operator still earns its cost
    # the rest of the reward is the treasury's, credited like every other amount owed
    assert a.pm.call("claimableAmount", dev_account(C.TREASURY).address) == 2 * USDC
    assert a.gr.call("generatorRegistry", OP.address)[4] == 0  # stake lock released, nothing slashed


def test_market_creator_image_management(gena: GenA):
    a = gena
    priv, pub = a.market("private").id, a.market("public").id
    other = encode_pcrs(C.OTHER_PROVER_PCRS)
    expect("OnlyMarketCreator", a.pm.transact, OP, "addExtraImages", priv, [other], [])
    expect("CannotModifyImagesForPublicMarkets", a.pm.transact, ADMIN, "addExtraImages", pub, [other], [])
    err = expect("ImageAlreadyInFamily", a.pm.transact, ADMIN, "addExtraImages", priv, [encode_pcrs(C.PROVER_PCRS)], [])
    assert err.args_ == (image_id(C.PROVER_PCRS), generator_family_id(priv))
    rc = a.pm.transact(ADMIN, "addExtraImages", priv, [other], [])
    assert one(a.pm, rc, "AddExtraProverImage")["imageId"] == image_id(C.OTHER_PROVER_PCRS)
    # an enclave of the added image may now join the private market
    register_and_stake(a)
    enc = Enclave.generate(C.OTHER_PROVER_PCRS, seed=b"gena-extra-image")
    att = enc.attestation(now_ms(a.rpc))
    a.gr.transact(OP, "joinMarketplace", priv, 1, 1, 10, True, att, enc.sign_operator(att, OP.address))
    err = expect("CannotRemoveDefaultImageFromMarket", a.pm.transact, ADMIN, "removeExtraImages", priv,
                 [encode_pcrs(C.PROVER_PCRS)], [])
    assert err.args_ == (priv, image_id(C.PROVER_PCRS))
    rc = a.pm.transact(ADMIN, "removeExtraImages", priv, [other], [])
    assert one(a.pm, rc, "RemoveExtraProverImage")["imageId"] == image_id(C.OTHER_PROVER_PCRS)
    assert a.ekr.call("isImageInFamily", image_id(C.OTHER_PROVER_PCRS), generator_family_id(priv)) is False
    # freezing zeroes the creator (spec §3.1)
    a.pm.transact(ADMIN, "freezeMarket", priv)
    assert a.pm.call("marketData", priv)[5] == "0x" + "00" * 20
    expect("OnlyMarketCreator", a.pm.transact, ADMIN, "freezeMarket", priv)


def test_pause_blocks_new_asks(gena: GenA):
    a = gena
    expect("AccessControlUnauthorizedAccount", a.pm.transact, OP, "pause")
    a.pm.transact(ADMIN, "pause")
    assert a.pm.call("paused") is True
    a.payment.transact(REQ, "approve", a.pm.address, USDC)
    ask = (a.market("public").id, USDC, a.rpc.block_number() + 10, 5, 0, REQ.address, b"x")
    expect("EnforcedPause", a.pm.transact, REQ, CREATE_ASK, ask, 1, b"", b"")
    a.pm.transact(ADMIN, "unpause")
    expect("ExpectedPause", a.pm.transact, ADMIN, "unpause")
    a.pm.transact(REQ, CREATE_ASK, ask, 1, b"", b"")


def test_anyone_may_stake_for_a_registered_generator(gena: GenA):
    a = gena
    register_and_stake(a, stake=0)
    a.staking.transact(OTHER, "approve", a.gr.address, 7 * E18)
    rc = a.gr.transact(OTHER, "stake", OP.address, 7 * E18)
    assert one(a.gr, rc, "AddedStake") == {"generator": OP.address, "amount": 7 * E18, "_block": int(rc["blockNumber"], 16)}
    assert a.gr.call("generatorRegistry", OP.address)[1] == 7 * E18


def test_join_attestation_age_and_reported_signer(gena: GenA):
    a = gena
    register_and_stake(a)
    m = a.market("private").id
    enc = Enclave.generate(C.PROVER_PCRS, seed=b"gena-age")
    now = now_ms(a.rpc)
    old = enc.attestation(now - 60_060_000)  # older than ATTESTATION_MAX_AGE = 60000 s (spec §9.1)
    expect("AttestationAutherAttestationTooOld", a.gr.transact, OP, "joinMarketplace", m, 1, 1, 10, True, old,
           enc.sign_operator(old, OP.address))
    att = enc.attestation(now - 59_990_000)
    wrong = enc.sign_operator(att, REQ.address)
    operator_digest = keccak(encode(["bytes", "address"], [att, OP.address]))
    recovered = Account.recover_message(encode_defunct(primitive=operator_digest), signature=wrong)
    err = expect("InvalidEnclaveSignature", a.gr.transact, OP, "joinMarketplace", m, 1, 1, 10, True, att, wrong)
    assert err.args_ == (recovered,)
    a.gr.transact(OP, "joinMarketplace", m, 1, 1, 10, True, att, enc.sign_operator(att, OP.address))


def test_enclave_signature_and_key_checks_order(gena: GenA):
    """HELPER.VERIFY_ENCLAVE_SIGNATURE: recover the signer (OZ ECDSA errors), then check the attested
    key is 64 bytes (a 0x04-prefixed key is the classic client mistake, spec §2.6.1 item 3)."""
    from kalypso_devnet.attestation import encode_attestation
    a = gena
    register_and_stake(a)
    m = a.market("private").id
    enc = Enclave.generate(C.PROVER_PCRS, seed=b"gena-key-order")
    att = enc.attestation(now_ms(a.rpc))
    err = expect("ECDSAInvalidSignatureLength", a.gr.transact, OP, "joinMarketplace", m, 1, 1, 10, True, att, bytes(64))
    assert err.args_ == (64,)
    prefixed = encode_attestation(bytes(65), b"\x04" + enc.public_key, enc.pcrs, now_ms(a.rpc))
    expect("InvalidEnclaveKey", a.gr.transact, OP, "joinMarketplace", m, 1, 1, 10, True, prefixed,
           enc.sign_operator(prefixed, OP.address))
    expect("ECDSAInvalidSignatureLength", a.gr.transact, OP, "joinMarketplace", m, 1, 1, 10, True, prefixed, b"\x01")
