# pragma version ~=0.4.3
"""AttestationAuther look-alike: image whitelist, image families and enclave keys verified from
attestations signed by the AttestationVerifier (kalypso-contracts AttestationAutherUpgradeable).
Callers emit their own EnclaveKeyVerified event (its shape differs between the registry and the
TEE verifier wrapper)."""
from . import ecdsa

struct EnclaveImage:
    PCR0: Bytes[128]
    PCR1: Bytes[128]
    PCR2: Bytes[128]

struct Attestation:
    enclavePubKey: Bytes[256]
    PCR0: Bytes[128]
    PCR1: Bytes[128]
    PCR2: Bytes[128]
    timestampInMilliseconds: uint256

interface IAttestationVerifier:
    def verify(signature: Bytes[4096], attestation: Attestation): nonpayable

event EnclaveImageWhitelisted:
    imageId: indexed(bytes32)
    PCR0: Bytes[128]
    PCR1: Bytes[128]
    PCR2: Bytes[128]

event EnclaveImageRevoked:
    imageId: indexed(bytes32)

event EnclaveImageAddedToFamily:
    imageId: indexed(bytes32)
    family: bytes32

event EnclaveImageRemovedFromFamily:
    imageId: indexed(bytes32)
    family: bytes32

ATTESTATION_VERIFIER: public(address)
ATTESTATION_MAX_AGE: public(uint256)

verifiedKeys: HashMap[address, bytes32]
images: HashMap[bytes32, EnclaveImage]
families: HashMap[bytes32, HashMap[bytes32, bool]]


@deploy
def __init__(verifier: address, max_age: uint256):
    self.ATTESTATION_VERIFIER = verifier
    self.ATTESTATION_MAX_AGE = max_age


@internal
def whitelist_image(pcr0: Bytes[128], pcr1: Bytes[128], pcr2: Bytes[128]) -> (bytes32, bool):
    if len(pcr0) != 48 or len(pcr1) != 48 or len(pcr2) != 48:
        raw_revert(method_id("AttestationAutherPCRsInvalid()"))
    iid: bytes32 = ecdsa.image_id(pcr0, pcr1, pcr2)
    if len(self.images[iid].PCR0) != 0:
        return iid, False
    self.images[iid] = EnclaveImage(PCR0=pcr0, PCR1=pcr1, PCR2=pcr2)
    log EnclaveImageWhitelisted(imageId=iid, PCR0=pcr0, PCR1=pcr1, PCR2=pcr2)
    return iid, True


@internal
def revoke_image(iid: bytes32) -> bool:
    if len(self.images[iid].PCR0) == 0:
        return False
    self.images[iid] = empty(EnclaveImage)
    log EnclaveImageRevoked(imageId=iid)
    return True


@internal
def add_to_family(iid: bytes32, family: bytes32) -> bool:
    if self.families[family][iid]:
        return False
    self.families[family][iid] = True
    log EnclaveImageAddedToFamily(imageId=iid, family=family)
    return True


@internal
def remove_from_family(iid: bytes32, family: bytes32) -> bool:
    if not self.families[family][iid]:
        return False
    self.families[family][iid] = False
    log EnclaveImageRemovedFromFamily(imageId=iid, family=family)
    return True


@internal
def verify_enclave_key(sig: Bytes[4096], att: Attestation) -> (bool, bytes32, address):
    """(newly verified?, imageId, enclave address). Same checks in the same order as
    AttestationAutherUpgradeable._verifyEnclaveKey; an already-verified key returns False."""
    iid: bytes32 = ecdsa.image_id(att.PCR0, att.PCR1, att.PCR2)
    if len(self.images[iid].PCR0) == 0:
        raw_revert(method_id("AttestationAutherImageNotWhitelisted()"))
    if not (att.timestampInMilliseconds // 1000 > block.timestamp - self.ATTESTATION_MAX_AGE):
        raw_revert(method_id("AttestationAutherAttestationTooOld()"))
    extcall IAttestationVerifier(self.ATTESTATION_VERIFIER).verify(sig, att)  # a view in the real verifier
    if len(att.enclavePubKey) != 64:
        raw_revert(method_id("AttestationAutherPubkeyLengthInvalid()"))
    enclave: address = ecdsa.pubkey_to_address(att.enclavePubKey)
    if self.verifiedKeys[enclave] != empty(bytes32):
        return False, iid, enclave
    self.verifiedKeys[enclave] = iid
    return True, iid, enclave


@internal
@view
def allow_only_verified_family(family: bytes32, key: address):
    iid: bytes32 = self.verifiedKeys[key]
    if iid == empty(bytes32):
        raw_revert(method_id("AttestationAutherKeyNotVerified()"))
    if len(self.images[iid].PCR0) == 0:
        raw_revert(method_id("AttestationAutherImageNotWhitelisted()"))
    if not self.families[family][iid]:
        raw_revert(method_id("AttestationAutherImageNotInFamily()"))
