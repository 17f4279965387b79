"""Contracts shared by both generations: AttestationVerifier (EIP-712, the devnet verifier key),
EntityKeyRegistry (images, families, keys; spec §2.6.1 items 4-6 and §2.6.3), TeeVerifierWrapper
(spec §2.7). Expected values come from the spec (§10 constants, error selectors of abi/)."""
import pytest
from eth_abi import encode
from eth_utils import keccak

from kalypso_devnet import constants as C
from kalypso_devnet.attestation import (Enclave, attestation_data, encode_pcrs, image_id, now_ms,
                                        prover_family_id, public_key64, sign_attestation)
from kalypso_devnet.compile import compile_contract
from kalypso_devnet.deploy.common import Deployment, deploy_common
from kalypso_devnet.rpc import Reverted, deploy, dev_account

ADMIN = dev_account(C.ADMIN)
OP = dev_account(C.OPERATOR)
KEY_REGISTER_ROLE = keccak(text="KEY_REGISTER_ROLE")


def sel(sig):
    return "0x" + keccak(text=sig)[:4].hex()


@pytest.fixture
def common(chain):
    d = Deployment("B", 31337, chain.block_number() + 1)
    deploy_common(chain, d)
    return d


def test_tokens(chain, common):
    usdc = common.contract(chain, "paymentToken")
    assert usdc.call("decimals") == 6 and usdc.call("symbol") == "USDC"
    assert usdc.call("balanceOf", OP.address) == 1_000_000 * 10**6
    with pytest.raises(Reverted) as e:
        usdc.transact(OP, "transferFrom", ADMIN.address, OP.address, 1)
    assert e.value.selector == "0xfb8f41b2" and e.value.args_ == (OP.address, 0, 1)  # ERC20InsufficientAllowance


def test_attestation_verifier(chain, common):
    av = common.contract(chain, "attestationVerifier")
    enc = Enclave.generate(C.PROVER_PCRS, seed=b"t1")
    ts = now_ms()
    sig = sign_attestation(enc.public_key, enc.pcrs, ts)
    att = (enc.public_key, *enc.pcrs, ts)
    av.call("verify(bytes,(bytes,bytes,bytes,bytes,uint256))", sig, att)          # no revert
    av.call("verify(bytes)", encode(["bytes", "(bytes,bytes,bytes,bytes,uint256)"], [sig, att]))
    bad = sign_attestation(enc.public_key, enc.pcrs, ts, verifier_key=b"\x01" * 32)
    with pytest.raises(Reverted) as e:
        av.call("verify(bytes,(bytes,bytes,bytes,bytes,uint256))", bad, att)
    assert e.value.selector == "0x17fb268e"  # AttestationVerifierKeyNotVerified
    # the verifier's own key is whitelisted with the verifier image
    vaddr = keccak(public_key64(C.VERIFIER_PRIVATE_KEY))[12:]
    assert av.call("verifiedKeys", "0x" + vaddr.hex()) == image_id(C.VERIFIER_PCRS)
    assert av.call("whitelistedImages", image_id(C.VERIFIER_PCRS)) == tuple(C.VERIFIER_PCRS)


def test_entity_key_registry(chain, common):
    erk = common.contract(chain, "entityKeyRegistry")
    assert erk.call("ATTESTATION_MAX_AGE") == 60000
    assert erk.call("ATTESTATION_VERIFIER") == common.addresses["attestationVerifier"]
    fam = prover_family_id(1)
    with pytest.raises(Reverted) as e:
        erk.transact(OP, "whitelistImageUsingPcrs", fam, encode_pcrs(C.PROVER_PCRS))
    assert e.value.selector == "0xe2517d3f" and e.value.args_ == (OP.address, KEY_REGISTER_ROLE)
    # a Generation B registry: addGeneratorRegistry (Gen A's) is absent, reverting with empty data
    with pytest.raises(Reverted) as e:
        erk.transact(ADMIN, "addGeneratorRegistry", ADMIN.address)
    assert e.value.raw == b""
    erk.transact(ADMIN, "addProverManager", ADMIN.address)   # the admin plays the ProverManager here
    rc = erk.transact(ADMIN, "whitelistImageUsingPcrs", fam, encode_pcrs(C.PROVER_PCRS))
    assert erk.events(rc, "EnclaveImageAddedToFamily")[0]["imageId"] == image_id(C.PROVER_PCRS)
    assert erk.call("isImageInFamily", image_id(C.PROVER_PCRS), fam) is True
    assert erk.call("isImageInFamily", image_id(C.PROVER_PCRS), prover_family_id(2)) is False
    assert erk.call("getWhitelistedImage", image_id(C.PROVER_PCRS)) == tuple(C.PROVER_PCRS)

    enc = Enclave.generate(C.PROVER_PCRS, seed=b"t2")
    att = enc.attestation(chain.timestamp() * 1000)
    rc = erk.transact(ADMIN, "updatePubkey", OP.address, 1, enc.public_key, att)
    assert erk.events(rc, "UpdateKey")[0] | {"_block": 0} == {"user": OP.address, "keyIndex": 1, "_block": 0}
    ev = erk.events(rc, "EnclaveKeyVerified")[0]
    assert ev["enclavePubKey"] == keccak(enc.public_key) and ev["imageId"] == enc.image_id
    assert erk.call("pub_key", OP.address, 1) == enc.public_key
    assert erk.call("getVerifiedKey", enc.address) == enc.image_id
    # the same key again: EnclaveKeyNotVerified (spec §2.6.3)
    with pytest.raises(Reverted) as e:
        erk.transact(ADMIN, "updatePubkey", OP.address, 2, enc.public_key, enc.attestation(chain.timestamp() * 1000))
    assert e.value.selector == "0xa135a55d"
    # too old: 60000 s (spec §9.1: 59990 s old passes, 60060 s fails)
    enc2 = Enclave.generate(C.PROVER_PCRS, seed=b"t3")
    old = enc2.attestation((chain.timestamp() - 60060) * 1000)
    with pytest.raises(Reverted) as e:
        erk.transact(ADMIN, "updatePubkey", OP.address, 1, enc2.public_key, old)
    assert e.value.selector == "0x19605e0a"
    erk.transact(ADMIN, "updatePubkey", OP.address, 1, enc2.public_key, enc2.attestation((chain.timestamp() - 59990) * 1000))
    # image not whitelisted
    enc3 = Enclave.generate(C.OTHER_PROVER_PCRS, seed=b"t4")
    with pytest.raises(Reverted) as e:
        erk.transact(ADMIN, "updatePubkey", OP.address, 1, enc3.public_key, enc3.attestation(chain.timestamp() * 1000))
    assert e.value.selector == "0x38c4ac16"
    # wrong pubkey length
    with pytest.raises(Reverted) as e:
        erk.transact(ADMIN, "updatePubkey", OP.address, 1, enc3.public_key[:63], enc3.attestation())
    assert e.value.selector == "0xd283335d"
    rc = erk.transact(ADMIN, "removePubkey", OP.address, 1)
    assert erk.call("pub_key", OP.address, 1) == b"" and erk.events(rc, "RemoveKey")
    with pytest.raises(Reverted) as e:
        erk.call("allowOnlyVerifiedFamily", fam, OP.address)
    assert e.value.selector == "0x3dd8ca95"   # AttestationAutherKeyNotVerified
    erk.call("allowOnlyVerifiedFamily", fam, enc.address)
    with pytest.raises(Reverted) as e:
        erk.call("allowOnlyVerifiedFamily", prover_family_id(2), enc.address)
    assert e.value.selector == "0x90cc4b02"   # AttestationAutherImageNotInFamily


def test_tee_verifier_wrapper(chain, common):
    tee = deploy(chain, ADMIN, compile_contract("common/TeeVerifierWrapper"), ADMIN.address,
                 common.addresses["attestationVerifier"], [encode_pcrs(C.PROVER_PCRS)])
    enc = Enclave.generate(C.PROVER_PCRS, seed=b"t5")
    assert tee.call("getVerifiedKey", enc.address) == b"\0" * 32
    # a proof signed by a key that is not verified yet
    blob = enc.sign_proof(b"inputs", b"proof")
    with pytest.raises(Reverted) as e:
        tee.call("verify", encode(["bytes", "bytes"], [b"inputs", blob]))
    assert e.value.selector == "0x3dd8ca95"
    att = enc.attestation(chain.timestamp() * 1000)
    rc = tee.transact(OP, "verifyKey", att)
    ev = tee.events(rc, "EnclaveKeyVerified")[0]
    assert ev["enclaveAddress"] == enc.address and ev["enclavePubKey"] == enc.public_key
    assert tee.call("getVerifiedKey", enc.address) == enc.image_id
    assert tee.call("verify", encode(["bytes", "bytes"], [b"inputs", blob])) is True
    with pytest.raises(Reverted) as e:   # the signed inputs must be the bid's inputs
        tee.call("verify", encode(["bytes", "bytes"], [b"other inputs", blob]))
    assert e.value.selector == "0xf34cfab6"   # InvalidInputs()
    assert tee.call("encodeProof", "p") == encode(["string"], ["p"])
    assert tee.call("encodeInputAndProofForVerification", ["a", "b"], "p") == encode(
        ["bytes", "bytes"], [encode(["string[]"], [["a", "b"]]), encode(["string"], ["p"])])
    with pytest.raises(Reverted) as e:
        tee.transact(OP, "verifyKey", enc.attestation(chain.timestamp() * 1000))
    assert e.value.selector == sel("TeeVerifierEnclaveKeyNotVerified(bytes,bytes,bytes)") == "0xda7977ba"
    assert e.value.args_ == tuple(C.PROVER_PCRS)
    other = Enclave.generate(C.OTHER_PROVER_PCRS, seed=b"t6")
    with pytest.raises(Reverted) as e:
        tee.transact(OP, "verifyKey", other.attestation(chain.timestamp() * 1000))
    assert e.value.selector == "0x38c4ac16"
    with pytest.raises(Reverted) as e:
        tee.transact(OP, "addEnclaveImageToFamily", encode_pcrs(C.OTHER_PROVER_PCRS))
    assert e.value.selector == "0xa7f8eed6"   # OnlyAdminCanCall


def test_verify_response_round_trip(chain, common):
    """The /verify/raw JSON turned back into the attestation blob is accepted on chain (spec §2.6.1)."""
    from kalypso_devnet.attestation import attestation_from_verify_response, verify_response
    enc = Enclave.generate(C.PROVER_PCRS, seed=b"vr")
    ts = now_ms()
    resp = verify_response(enc.public_key, enc.pcrs, ts)
    assert len(resp["signature"]) == 130 and resp["signature"][-2:] in ("1b", "1c")
    assert len(resp["secp256k1_public"]) == 128 and len(resp["pcr0"]) == 96
    assert resp["verifier_secp256k1_public"] == public_key64(C.VERIFIER_PRIVATE_KEY).hex()
    blob = attestation_from_verify_response(resp)
    assert blob == enc.attestation(ts) and len(blob) == 704
    # spec §2.6.1 item 3: head offsets 0xc0, 0x140, 0x1a0, 0x200, 0x260, then the timestamp
    words = [int.from_bytes(blob[i:i + 32], "big") for i in range(0, 0xc0, 32)]
    assert words == [0xc0, 0x140, 0x1a0, 0x200, 0x260, ts]
    assert int.from_bytes(blob[0xc0:0xe0], "big") == 65 and int.from_bytes(blob[0x140:0x160], "big") == 64
    from eth_abi import decode
    sig, pk, p0, p1, p2, t = decode(["bytes", "bytes", "bytes", "bytes", "bytes", "uint256"], blob)
    common.contract(chain, "attestationVerifier").call("verify(bytes,(bytes,bytes,bytes,bytes,uint256))",
                                                       sig, (pk, p0, p1, p2, t))
    with pytest.raises(ValueError, match="64 bytes"):
        attestation_from_verify_response(resp | {"secp256k1_public": "04" + resp["secp256k1_public"]})
