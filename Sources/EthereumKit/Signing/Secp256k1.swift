import Basics
import CSecp256k1

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// secp256k1 operations on one shared libsecp256k1 context.
///
/// The context is created once and randomised (side-channel blinding); libsecp256k1 documents every call we
/// make on it (sign, pubkey create/parse/serialise, recover) as safe to run concurrently on a const context.
public enum Secp256k1 {
    final class Context: @unchecked Sendable {
        let pointer: OpaquePointer

        init() {
            // Creation only fails on invalid flags, which NONE is not; trap there rather than run unsigned.
            guard let ctx = secp256k1_context_create(UInt32(SECP256K1_CONTEXT_NONE)) else {
                fatalError("secp256k1_context_create failed")
            }
            var seed = [UInt8](repeating: 0, count: 32)
            var rng = SystemRandomNumberGenerator()
            for i in 0..<32 { seed[i] = rng.next() }
            _ = secp256k1_context_randomize(ctx, seed)
            Secp256k1.wipe(&seed)
            pointer = ctx
        }
    }

    static let context = Context()

    /// The group order n, big-endian.
    static let order: [UInt8] = [
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe,
        0xba, 0xae, 0xdc, 0xe6, 0xaf, 0x48, 0xa0, 0x3b, 0xbf, 0xd2, 0x5e, 0x8c, 0xd0, 0x36, 0x41, 0x41,
    ]
    /// n / 2: EIP-2 (Homestead) rejects signatures with s above this.
    static let halfOrder: [UInt8] = [
        0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        0x5d, 0x57, 0x6e, 0x73, 0x57, 0xa4, 0x50, 0x1d, 0xdf, 0xe9, 0x2f, 0x46, 0x68, 0x1b, 0x20, 0xa0,
    ]

    /// Big-endian comparison of equal-length byte strings.
    static func compare(_ a: [UInt8], _ b: [UInt8]) -> Int {
        for i in 0..<a.count where a[i] != b[i] { return a[i] < b[i] ? -1 : 1 }
        return 0
    }

    /// Overwrites a buffer with zeros in a way the optimiser may not drop.
    static func wipe(_ bytes: inout [UInt8]) {
        bytes.withUnsafeMutableBytes { wipe($0) }
    }

    static func wipe(_ buffer: UnsafeMutableRawBufferPointer) {
        guard let base = buffer.baseAddress, buffer.count > 0 else { return }
        #if canImport(Glibc)
            explicit_bzero(base, buffer.count)
        #else
            _ = memset_s(base, buffer.count, 0, buffer.count)
        #endif
    }

    /// The public key that produced `signature` over the 32-byte `digest`.
    public static func recoverPublicKey(digest: [UInt8], signature: Signature) throws(SignatureError) -> PublicKey {
        guard digest.count == 32 else { throw .digestLength(digest.count) }
        var compact = signature.r + signature.s
        var recSig = secp256k1_ecdsa_recoverable_signature()
        guard
            secp256k1_ecdsa_recoverable_signature_parse_compact(
                context.pointer, &recSig, &compact, Int32(signature.yParity)) == 1
        else { throw .recoveryFailed }
        var pubkey = secp256k1_pubkey()
        guard secp256k1_ecdsa_recover(context.pointer, &pubkey, &recSig, digest) == 1 else { throw .recoveryFailed }
        return PublicKey(secp: pubkey)
    }

    /// The address that produced `signature` over the 32-byte `digest` ("who signed this?").
    public static func recover(digest: [UInt8], signature: Signature) throws(SignatureError) -> Address {
        try recoverPublicKey(digest: digest, signature: signature).address
    }
}
