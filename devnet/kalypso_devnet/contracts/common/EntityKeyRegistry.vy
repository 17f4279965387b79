# pragma version ~=0.4.3
"""EntityKeyRegistry look-alike (kalypso-contracts EntityKeyRegistry.sol), one contract for both
generations: per-(operator, market) enclave keys checked against attestations, the image whitelist and
image families (Gen A keccak(abi.encode("gen", m)), Gen B keccak(abi.encode("prov", m)), IVS,
matching engine). The constructor's `_generation` (GENERATION_A = 1, GENERATION_B = 2) picks the build:
Gen A's registry has addGeneratorRegistry, Gen B's addProverManager (both grant KEY_REGISTER_ROLE); the
other one reverts with empty data, like a function the contract lacks. Deployed directly (no UUPS
proxy): the constructor takes what initialize() takes, plus `_generation`."""
from ..lib import ecdsa
from ..lib import access
from ..lib import auther

initializes: access
initializes: auther
exports: (access.hasRole, access.getRoleAdmin, access.supportsInterface, access.grantRole, access.revokeRole, access.renounceRole,
          access.DEFAULT_ADMIN_ROLE, auther.ATTESTATION_VERIFIER, auther.ATTESTATION_MAX_AGE)

KEY_REGISTER_ROLE: public(constant(bytes32)) = keccak256("KEY_REGISTER_ROLE")
MODERATOR_ROLE: public(constant(bytes32)) = keccak256("MODERATOR_ROLE")
# HELPER.ACCEPTABLE_ATTESTATION_DELAY: commented "60 seconds" in the source but compared in seconds.
ACCEPTABLE_ATTESTATION_DELAY: constant(uint256) = 60000
NO_ENCLAVE_ID: constant(bytes32) = 0xcd2e66bf0b91eeedc6c648ae9335a78d7c9a4ab0ef33612a824d91cdc68a4f21
GENERATION_A: constant(uint8) = 1
GENERATION_B: constant(uint8) = 2

GENERATION: immutable(uint8)

event UpdateKey:
    user: indexed(address)
    keyIndex: indexed(uint256)

event RemoveKey:
    user: indexed(address)
    keyIndex: indexed(uint256)

event EnclaveKeyVerified:
    enclavePubKey: indexed(Bytes[256])
    imageId: indexed(bytes32)

event ImageBlacklisted:
    imageId: indexed(bytes32)

keys: HashMap[address, HashMap[uint256, Bytes[256]]]
blackListedImages: public(HashMap[bytes32, bool])


@deploy
def __init__(_attestationVerifier: address, _admin: address, _images: DynArray[auther.EnclaveImage, 8], _generation: uint8):
    assert _generation == GENERATION_A or _generation == GENERATION_B, "generation must be 1 (A) or 2 (B)"
    GENERATION = _generation
    access.__init__(_admin)
    auther.__init__(_attestationVerifier, ACCEPTABLE_ATTESTATION_DELAY)
    for img: auther.EnclaveImage in _images:
        auther.whitelist_image(img.PCR0, img.PCR1, img.PCR2)


@internal
def _verify_key_internal(data: Bytes[4096]):
    sig: Bytes[256] = empty(Bytes[256])
    pk: Bytes[256] = empty(Bytes[256])
    p0: Bytes[128] = empty(Bytes[128])
    p1: Bytes[128] = empty(Bytes[128])
    p2: Bytes[128] = empty(Bytes[128])
    ts: uint256 = 0
    sig, pk, p0, p1, p2, ts = abi_decode(data, (Bytes[256], Bytes[256], Bytes[128], Bytes[128], Bytes[128], uint256))
    ok: bool = False
    iid: bytes32 = empty(bytes32)
    enclave: address = empty(address)
    ok, iid, enclave = auther.verify_enclave_key(sig, auther.Attestation(
        enclavePubKey=pk, PCR0=p0, PCR1=p1, PCR2=p2, timestampInMilliseconds=ts))
    if not ok:
        raw_revert(method_id("EnclaveKeyNotVerified()"))
    log EnclaveKeyVerified(enclavePubKey=pk, imageId=iid)


@external
def updatePubkey(key_owner: address, key_index: uint256, pubkey: Bytes[256], attestation_data: Bytes[4096]):
    access.check(KEY_REGISTER_ROLE, msg.sender)
    if len(pubkey) != 64:
        raw_revert(method_id("InvalidEnclaveKey()"))
    self.keys[key_owner][key_index] = pubkey
    self._verify_key_internal(attestation_data)
    log UpdateKey(user=key_owner, keyIndex=key_index)


@external
def verifyKey(attestation_data: Bytes[4096]):
    access.check(KEY_REGISTER_ROLE, msg.sender)
    self._verify_key_internal(attestation_data)


@external
def verifyEnclaveKey(signature: Bytes[4096], attestation: auther.Attestation) -> bool:
    ok: bool = False
    iid: bytes32 = empty(bytes32)
    enclave: address = empty(address)
    ok, iid, enclave = auther.verify_enclave_key(signature, attestation)
    if ok:
        log EnclaveKeyVerified(enclavePubKey=attestation.enclavePubKey, imageId=iid)
    return ok


@external
def removePubkey(key_owner: address, key_index: uint256):
    access.check(KEY_REGISTER_ROLE, msg.sender)
    self.keys[key_owner][key_index] = b""
    log RemoveKey(user=key_owner, keyIndex=key_index)


@external
def whitelistImageUsingPcrs(family: bytes32, pcrs: Bytes[1024]):
    access.check(KEY_REGISTER_ROLE, msg.sender)
    p0: Bytes[128] = empty(Bytes[128])
    p1: Bytes[128] = empty(Bytes[128])
    p2: Bytes[128] = empty(Bytes[128])
    p0, p1, p2 = abi_decode(pcrs, (Bytes[128], Bytes[128], Bytes[128]))
    iid: bytes32 = ecdsa.image_id(p0, p1, p2)
    if iid == empty(bytes32) or iid == NO_ENCLAVE_ID:
        raw_revert(concat(method_id("MustBeAnEnclave(bytes32)"), iid))
    if self.blackListedImages[iid]:
        raw_revert(concat(method_id("BlacklistedImage(bytes32)"), iid))
    auther.whitelist_image(p0, p1, p2)
    auther.add_to_family(iid, family)


@external
def removeEnclaveImageFromFamily(imageId: bytes32, family: bytes32):
    access.check(KEY_REGISTER_ROLE, msg.sender)
    auther.remove_from_family(imageId, family)


@external
def blacklistImage(imageId: bytes32):
    access.check(MODERATOR_ROLE, msg.sender)
    if self.blackListedImages[imageId]:
        raw_revert(concat(method_id("AlreadyABlacklistedImage(bytes32)"), imageId))
    self.blackListedImages[imageId] = True
    log ImageBlacklisted(imageId=imageId)
    auther.revoke_image(imageId)


@external
def addProverManager(_proverManager: address):
    """Gen B: lets the ProverManager register operator keys."""
    if GENERATION != GENERATION_B:
        raw_revert(b"")
    access.check(access.DEFAULT_ADMIN_ROLE, msg.sender)
    access._grant(KEY_REGISTER_ROLE, _proverManager)


@external
def addGeneratorRegistry(_generatorRegistry: address):
    """Gen A: lets the GeneratorRegistry register operator keys."""
    if GENERATION != GENERATION_A:
        raw_revert(b"")
    access.check(access.DEFAULT_ADMIN_ROLE, msg.sender)
    access._grant(KEY_REGISTER_ROLE, _generatorRegistry)


@external
@view
def pub_key(key_owner: address, key_index: uint256) -> Bytes[256]:
    return self.keys[key_owner][key_index]


@external
@view
def isImageInFamily(imageId: bytes32, family: bytes32) -> bool:
    return auther.families[family][imageId]


@external
@view
def getWhitelistedImage(_imageId: bytes32) -> auther.EnclaveImage:
    return auther.images[_imageId]


@external
@view
def getVerifiedKey(_key: address) -> bytes32:
    return auther.verifiedKeys[_key]


@external
@view
def allowOnlyVerifiedFamily(familyId: bytes32, _key: address):
    auther.allow_only_verified_family(familyId, _key)
