# pragma version ~=0.4.3
"""AttestationVerifier look-alike (marlin oyster periphery/AttestationVerifier.sol): EIP-712 signed
attestations of Nitro enclaves, signed by a verified attestation-verifier enclave key whose image is
whitelisted. Deployed directly (no UUPS proxy): the constructor takes what initialize() takes."""
from ..lib import ecdsa
from ..lib import access
from ..lib import auther

initializes: access
exports: (access.hasRole, access.getRoleAdmin, access.supportsInterface, access.grantRole, access.revokeRole, access.renounceRole,
          access.DEFAULT_ADMIN_ROLE)

event EnclaveImageWhitelisted:
    imageId: indexed(bytes32)
    PCR0: Bytes[128]
    PCR1: Bytes[128]
    PCR2: Bytes[128]

event EnclaveImageRevoked:
    imageId: indexed(bytes32)

event EnclaveKeyWhitelisted:
    enclavePubKey: indexed(Bytes[256])
    imageId: indexed(bytes32)

event EnclaveKeyRevoked:
    enclavePubKey: indexed(Bytes[256])

event EnclaveKeyVerified:
    enclavePubKey: indexed(Bytes[256])
    imageId: indexed(bytes32)

MAX_AGE: public(constant(uint256)) = 300
# keccak256("EIP712Domain(string name,string version)") / name "marlin.oyster.AttestationVerifier" / version "1"
DOMAIN_SEPARATOR: constant(bytes32) = 0x0de834feb03c214f785e75b2828ffeceb322312d4487e2fb9640ca5fc32542c7
ATTESTATION_TYPEHASH: constant(bytes32) = 0x6889df476ca38f3f4b417c17eb496682eb401b4f41a2259741a78acc481ea805

verifiedKeys: public(HashMap[address, bytes32])
images: HashMap[bytes32, auther.EnclaveImage]


@deploy
def __init__(_images: DynArray[auther.EnclaveImage, 8], _keys: DynArray[Bytes[256], 8], _admin: address):
    if len(_images) == 0:
        raw_revert(method_id("AttestationVerifierNoImageProvided()"))
    if len(_images) != len(_keys):
        raw_revert(method_id("AttestationVerifierInitLengthMismatch()"))
    if _admin == empty(address):
        raw_revert(method_id("AttestationVerifierInvalidAdmin()"))
    access.__init__(_admin)
    for i: uint256 in range(8):
        if i >= len(_images):
            break
        iid: bytes32 = self._whitelist_image(_images[i])
        self._whitelist_key(_keys[i], iid)


@internal
def _whitelist_image(img: auther.EnclaveImage) -> bytes32:
    if len(img.PCR0) != 48 or len(img.PCR1) != 48 or len(img.PCR2) != 48:
        raw_revert(method_id("AttestationVerifierPCRsInvalid()"))
    iid: bytes32 = ecdsa.image_id(img.PCR0, img.PCR1, img.PCR2)
    if len(self.images[iid].PCR0) != 0:
        raw_revert(method_id("AttestationVerifierImageAlreadyWhitelisted()"))
    self.images[iid] = img
    log EnclaveImageWhitelisted(imageId=iid, PCR0=img.PCR0, PCR1=img.PCR1, PCR2=img.PCR2)
    return iid


@internal
def _whitelist_key(pubkey: Bytes[256], iid: bytes32):
    if len(pubkey) != 64:
        raw_revert(method_id("AttestationVerifierPubkeyLengthInvalid()"))
    if len(self.images[iid].PCR0) == 0:
        raw_revert(method_id("AttestationVerifierImageNotWhitelisted()"))
    enclave: address = ecdsa.pubkey_to_address(pubkey)
    if self.verifiedKeys[enclave] != empty(bytes32):
        raw_revert(method_id("AttestationVerifierKeyAlreadyVerified()"))
    self.verifiedKeys[enclave] = iid
    log EnclaveKeyWhitelisted(enclavePubKey=pubkey, imageId=iid)


@internal
@view
def _verify(sig: Bytes[4096], att: auther.Attestation) -> address:
    hash_struct: bytes32 = keccak256(abi_encode(ATTESTATION_TYPEHASH, keccak256(att.enclavePubKey),
                                                keccak256(att.PCR0), keccak256(att.PCR1), keccak256(att.PCR2),
                                                att.timestampInMilliseconds))
    digest: bytes32 = keccak256(concat(b"\x19\x01", DOMAIN_SEPARATOR, hash_struct))
    signer: address = ecdsa.recover(digest, sig)
    iid: bytes32 = self.verifiedKeys[signer]
    if iid == empty(bytes32):
        raw_revert(method_id("AttestationVerifierKeyNotVerified()"))
    if len(self.images[iid].PCR0) == 0:
        raw_revert(method_id("AttestationVerifierImageNotWhitelisted()"))
    return signer


@external
@view
def verify(data: Bytes[4096], attestation: auther.Attestation = empty(auther.Attestation)):
    """verify(bytes) takes abi.encode(bytes signature, Attestation); verify(bytes,Attestation) the parts."""
    if slice(msg.data, 0, 4) == method_id("verify(bytes)"):
        sig: Bytes[256] = empty(Bytes[256])
        att: auther.Attestation = empty(auther.Attestation)
        sig, att = abi_decode(data, (Bytes[256], auther.Attestation))
        self._verify(sig, att)
    else:
        self._verify(data, attestation)


@external
def verifyEnclaveKey(signature: Bytes[4096], attestation: auther.Attestation):
    """A new verifier enclave key, attested by an existing one (MAX_AGE = 300 s)."""
    if not (attestation.timestampInMilliseconds // 1000 > block.timestamp - MAX_AGE):
        raw_revert(method_id("AttestationVerifierAttestationTooOld()"))
    iid: bytes32 = ecdsa.image_id(attestation.PCR0, attestation.PCR1, attestation.PCR2)
    if len(self.images[iid].PCR0) == 0:
        raw_revert(method_id("AttestationVerifierImageNotWhitelisted()"))
    if len(attestation.enclavePubKey) != 64:
        raw_revert(method_id("AttestationVerifierPubkeyLengthInvalid()"))
    enclave: address = ecdsa.pubkey_to_address(attestation.enclavePubKey)
    if self.verifiedKeys[enclave] != empty(bytes32):
        raw_revert(method_id("AttestationVerifierKeyAlreadyVerified()"))
    self._verify(signature, attestation)
    self.verifiedKeys[enclave] = iid
    log EnclaveKeyVerified(enclavePubKey=attestation.enclavePubKey, imageId=iid)


@external
def whitelistEnclaveImage(PCR0: Bytes[128], PCR1: Bytes[128], PCR2: Bytes[128]):
    access.check(access.DEFAULT_ADMIN_ROLE, msg.sender)
    self._whitelist_image(auther.EnclaveImage(PCR0=PCR0, PCR1=PCR1, PCR2=PCR2))


@external
def whitelistEnclaveKey(enclavePubKey: Bytes[256], imageId: bytes32):
    access.check(access.DEFAULT_ADMIN_ROLE, msg.sender)
    self._whitelist_key(enclavePubKey, imageId)


@external
def revokeEnclaveImage(imageId: bytes32):
    access.check(access.DEFAULT_ADMIN_ROLE, msg.sender)
    if len(self.images[imageId].PCR0) == 0:
        raw_revert(method_id("AttestationVerifierImageNotWhitelisted()"))
    self.images[imageId] = empty(auther.EnclaveImage)
    log EnclaveImageRevoked(imageId=imageId)


@external
def revokeEnclaveKey(enclavePubKey: Bytes[256]):
    access.check(access.DEFAULT_ADMIN_ROLE, msg.sender)
    enclave: address = ecdsa.pubkey_to_address(enclavePubKey)
    if self.verifiedKeys[enclave] == empty(bytes32):
        raw_revert(method_id("AttestationVerifierKeyNotVerified()"))
    self.verifiedKeys[enclave] = empty(bytes32)
    log EnclaveKeyRevoked(enclavePubKey=enclavePubKey)


@external
@view
def whitelistedImages(imageId: bytes32) -> (Bytes[128], Bytes[128], Bytes[128]):
    img: auther.EnclaveImage = self.images[imageId]
    return img.PCR0, img.PCR1, img.PCR2


@external
@pure
def pubKeyToAddress(pubKey: Bytes[256]) -> address:
    if len(pubKey) != 64:
        raw_revert(method_id("AttestationVerifierPubkeyLengthInvalid()"))
    return ecdsa.pubkey_to_address(pubKey)
