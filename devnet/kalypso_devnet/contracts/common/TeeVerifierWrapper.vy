# pragma version ~=0.4.3
"""tee_verifier_wrapper look-alike (kalypso-contracts periphery): a market's proof verifier that
accepts proofs signed by an enclave key verified through an attestation of a whitelisted image
(spec §2.7). Proof format: abi.encode(bytes publicInputs, bytes proof, bytes sig) with
sig = personal_sign(keccak256(abi.encode(publicInputs, proof))) by the enclave key."""
from ..lib import ecdsa
from ..lib import auther

initializes: auther
exports: (auther.ATTESTATION_VERIFIER, auther.ATTESTATION_MAX_AGE)

FAMILY_ID: constant(bytes32) = keccak256("FAMILY_ID")
ACCEPTABLE_ATTESTATION_DELAY: constant(uint256) = 60000
NO_ENCLAVE_ID: constant(bytes32) = 0xcd2e66bf0b91eeedc6c648ae9335a78d7c9a4ab0ef33612a824d91cdc68a4f21

event EnclaveKeyVerified:
    enclaveAddress: indexed(address)
    imageId: indexed(bytes32)
    enclavePubKey: Bytes[256]

admin: public(address)
sampleInput: public(Bytes[1024])
sampleProof: public(Bytes[1024])


@deploy
def __init__(_admin: address, _av: address, _proverPcrs: DynArray[Bytes[1024], 8]):
    self.admin = _admin
    auther.__init__(_av, ACCEPTABLE_ATTESTATION_DELAY)
    for pcrs: Bytes[1024] in _proverPcrs:
        self._add_image(pcrs)


@internal
def _add_image(pcrs: Bytes[1024]):
    p0: Bytes[128] = empty(Bytes[128])
    p1: Bytes[128] = empty(Bytes[128])
    p2: Bytes[128] = empty(Bytes[128])
    p0, p1, p2 = abi_decode(pcrs, (Bytes[128], Bytes[128], Bytes[128]))
    iid: bytes32 = ecdsa.image_id(p0, p1, p2)
    if iid == empty(bytes32) or iid == NO_ENCLAVE_ID:
        raw_revert(concat(method_id("MustBeAnEnclave(bytes32)"), iid))
    fresh: bool = False
    iid, fresh = auther.whitelist_image(p0, p1, p2)
    auther.add_to_family(iid, FAMILY_ID)


@external
def addEnclaveImageToFamily(_proverPcr: Bytes[1024]):
    if msg.sender != self.admin:
        raw_revert(method_id("OnlyAdminCanCall()"))
    self._add_image(_proverPcr)


@external
def verifyKey(attestation_data: Bytes[4096]):
    sig: Bytes[256] = empty(Bytes[256])
    pk: Bytes[256] = empty(Bytes[256])
    p0: Bytes[128] = empty(Bytes[128])
    p1: Bytes[128] = empty(Bytes[128])
    p2: Bytes[128] = empty(Bytes[128])
    ts: uint256 = 0
    sig, pk, p0, p1, p2, ts = abi_decode(attestation_data, (Bytes[256], Bytes[256], Bytes[128], Bytes[128], Bytes[128], uint256))
    ok: bool = False
    iid: bytes32 = empty(bytes32)
    enclave: address = empty(address)
    ok, iid, enclave = auther.verify_enclave_key(sig, auther.Attestation(
        enclavePubKey=pk, PCR0=p0, PCR1=p1, PCR2=p2, timestampInMilliseconds=ts))
    if not ok:
        raw_revert(concat(method_id("TeeVerifierEnclaveKeyNotVerified(bytes,bytes,bytes)"), abi_encode(p0, p1, p2)))
    log EnclaveKeyVerified(enclaveAddress=enclave, imageId=iid, enclavePubKey=pk)


@external
def verifyEnclaveKey(signature: Bytes[4096], attestation: auther.Attestation) -> bool:
    ok: bool = False
    iid: bytes32 = empty(bytes32)
    enclave: address = empty(address)
    ok, iid, enclave = auther.verify_enclave_key(signature, attestation)
    if ok:
        log EnclaveKeyVerified(enclaveAddress=enclave, imageId=iid, enclavePubKey=attestation.enclavePubKey)
    return ok


@internal
@view
def _verify_proof(proverData: Bytes[4096], proofData: Bytes[8192], proofSignature: Bytes[256]) -> bool:
    digest: bytes32 = keccak256(abi_encode(proverData, proofData))
    signer: address = ecdsa.recover(ecdsa.eth_signed(digest), proofSignature)
    auther.allow_only_verified_family(FAMILY_ID, signer)
    return True


@external
@view
def verifyProofForTeeVerifier(proverData: Bytes[4096], proofData: Bytes[8192], proofSignature: Bytes[256]) -> bool:
    return self._verify_proof(proverData, proofData, proofSignature)


@external
@view
def verify(encodedData: Bytes[32768]) -> bool:
    """Called by ProofMarketplace.submitProof with abi.encode(bid.proverData, proof)."""
    inputs: Bytes[4096] = empty(Bytes[4096])
    proof: Bytes[16384] = empty(Bytes[16384])
    inputs, proof = abi_decode(encodedData, (Bytes[4096], Bytes[16384]))
    public_inputs: Bytes[4096] = empty(Bytes[4096])
    proof_bytes: Bytes[8192] = empty(Bytes[8192])
    sig: Bytes[256] = empty(Bytes[256])
    public_inputs, proof_bytes, sig = abi_decode(proof, (Bytes[4096], Bytes[8192], Bytes[256]))
    if keccak256(inputs) != keccak256(public_inputs):
        raw_revert(method_id("InvalidInputs()"))
    return self._verify_proof(public_inputs, proof_bytes, sig)


@external
@view
def getVerifiedKey(_key: address) -> bytes32:
    return auther.verifiedKeys[_key]


@external
@view
def isImageInFamily(imageId: bytes32, family: bytes32) -> bool:
    return auther.families[family][imageId]


@external
@view
def getWhitelistedImage(_imageId: bytes32) -> auther.EnclaveImage:
    return auther.images[_imageId]


@external
@pure
def verifyInputs(inputs: Bytes[8192]) -> bool:
    return True


@external
@pure
def verifyAgainstSampleInputs(data: Bytes[8192]) -> bool:
    return True


@external
@view
def checkSampleInputsAndProof() -> bool:
    return True


@external
@pure
def encodeInputs(inputs: DynArray[String[256], 16]) -> Bytes[8192]:
    return abi_encode(inputs)


@external
@pure
def encodeProof(proof: String[4096]) -> Bytes[4224]:
    return abi_encode(proof)


@external
@pure
def encodeInputAndProofForVerification(inputs: DynArray[String[256], 16], proof: String[4096]) -> Bytes[16384]:
    return abi_encode(abi_encode(inputs), abi_encode(proof))
