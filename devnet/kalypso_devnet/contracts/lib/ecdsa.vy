# pragma version ~=0.4.3
"""ECDSA helpers with OpenZeppelin v5 semantics (ECDSA.recover reverts with the same custom errors)
and the Kalypso HELPER functions built on them."""

HALF_N: constant(uint256) = 57896044618658097711785492504343953926418782139537452191302581570759080747168


@internal
@pure
def recover(digest: bytes32, sig: Bytes[4096]) -> address:
    """OZ ECDSA.recover: ECDSAInvalidSignatureLength(len) / ECDSAInvalidSignatureS(s) / ECDSAInvalidSignature()."""
    if len(sig) != 65:
        raw_revert(concat(method_id("ECDSAInvalidSignatureLength(uint256)"), convert(len(sig), bytes32)))
    r: uint256 = extract32(sig, 0, output_type=uint256)
    s: uint256 = extract32(sig, 32, output_type=uint256)
    v: uint256 = convert(slice(sig, 64, 1), uint256)
    if s > HALF_N:
        raw_revert(concat(method_id("ECDSAInvalidSignatureS(bytes32)"), convert(s, bytes32)))
    signer: address = ecrecover(digest, v, r, s)
    if signer == empty(address):
        raw_revert(method_id("ECDSAInvalidSignature()"))
    return signer


@internal
@pure
def eth_signed(digest: bytes32) -> bytes32:
    """EIP-191 personal-sign hash of a 32-byte digest (MessageHashUtils.toEthSignedMessageHash)."""
    return keccak256(concat(b"\x19Ethereum Signed Message:\n32", digest))


@internal
@pure
def pubkey_to_address(pubkey: Bytes[256]) -> address:
    """address(uint160(uint256(keccak256(pubkey)))) -- the caller checks the 64-byte length."""
    return convert(convert(convert(keccak256(pubkey), uint256) & convert(max_value(uint160), uint256), uint160), address)


@internal
@pure
def image_id(pcr0: Bytes[128], pcr1: Bytes[128], pcr2: Bytes[128]) -> bytes32:
    return keccak256(concat(pcr0, pcr1, pcr2))
