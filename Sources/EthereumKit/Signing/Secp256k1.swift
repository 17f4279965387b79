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

/// Why a key could not be built. Never carries key material: only lengths and positions.
public struct KeyError: OperatorError, Equatable {
    public let code: ErrorCode
    /// The length in bytes of what was given, for a wrong-length private or public key.
    public let length: Int?
    /// The 0-based position of the first character that is not a hex digit.
    public let position: Int?

    init(code: ErrorCode, length: Int? = nil, position: Int? = nil) {
        self.code = code
        self.length = length
        self.position = position
    }

    public static func wrongLength(_ bytes: Int) -> Self { Self(code: .keyWrongLength, length: bytes) }
    /// Zero or not below the curve order.
    public static let outOfRange = Self(code: .keyOutOfRange)
    public static func invalidHex(position: Int) -> Self { Self(code: .keyInvalidHex, position: position) }
    public static func invalidPublicKey(length: Int) -> Self { Self(code: .keyInvalidPublicKey, length: length) }

    public var title: String {
        code == .keyInvalidPublicKey ? "Not a valid public key" : "Not a valid private key"
    }
    public var detail: String {
        switch code {
        case .keyWrongLength:
            return "a private key has 32 bytes (64 hex digits); this one has \(length ?? 0) bytes"
        case .keyOutOfRange: return "the key is zero or not below the secp256k1 group order"
        case .keyInvalidHex: return "the character at position \((position ?? 0) + 1) is not a hex digit"
        default:
            return "\(length ?? 0) bytes are not a point on secp256k1 (64, 65 or 33 bytes on the curve are accepted)"
        }
    }
    public var hint: String {
        switch code {
        case .keyInvalidPublicKey:
            return
                "Give the uncompressed key (0x04 followed by 64 bytes, or the 64 bytes alone) or the compressed form."
        default:
            return
                "Check that the key file or variable holds exactly the 64 hex digits of the key, with or without 0x, and nothing else."
        }
    }
    public var category: ErrorCategory { .configuration }
}

/// Why a signature was rejected or could not be made.
public struct SignatureError: OperatorError, Equatable {
    public let code: ErrorCode
    /// A length in bytes (of the signature or of the digest).
    public let length: Int?
    /// The v byte that was given.
    public let v: UInt8?
    /// Why the signature text is not hex.
    public let hexError: Hex.DecodingError?

    init(code: ErrorCode, length: Int? = nil, v: UInt8? = nil, hexError: Hex.DecodingError? = nil) {
        self.code = code
        self.length = length
        self.v = v
        self.hexError = hexError
    }

    public static func wrongLength(_ n: Int) -> Self { Self(code: .signatureWrongLength, length: n) }
    public static func invalidV(_ v: UInt8) -> Self { Self(code: .signatureInvalidV, v: v) }
    /// s above n/2; EIP-2 makes such signatures invalid (they are the malleable twin of a low-s one).
    public static let highS = Self(code: .signatureHighS)
    public static let rOutOfRange = Self(code: .signatureROutOfRange)
    public static let sOutOfRange = Self(code: .signatureSOutOfRange)
    public static func digestLength(_ n: Int) -> Self { Self(code: .signatureDigestLength, length: n) }
    public static let recoveryFailed = Self(code: .signatureRecoveryFailed)
    public static func invalidHex(_ e: Hex.DecodingError) -> Self { Self(code: .signatureInvalidHex, hexError: e) }
    /// A signer returned a signature that does not recover to its own address.
    public static let signerMismatch = Self(code: .signatureSignerMismatch)

    public var title: String {
        switch code {
        case .signatureDigestLength: return "Cannot sign this digest"
        case .signatureSignerMismatch: return "The signer returned a signature of another key"
        default: return "Not a valid signature"
        }
    }
    public var detail: String {
        switch code {
        case .signatureWrongLength: return "a signature has 65 bytes (r, s, v); this one has \(length ?? 0)"
        case .signatureInvalidV: return "v is \(v ?? 0); expected 27 or 28 (or 0 or 1)"
        case .signatureHighS: return "s is in the upper half of the curve order (not canonical, EIP-2)"
        case .signatureROutOfRange: return "r is zero or not below the curve order"
        case .signatureSOutOfRange: return "s is zero or not below the curve order"
        case .signatureDigestLength: return "a signing digest has 32 bytes; this one has \(length ?? 0)"
        case .signatureRecoveryFailed: return "no public key can be recovered from this signature and digest"
        case .signatureInvalidHex: return hexError?.detail ?? "it is not hex"
        default: return "the signature does not recover to the signer's address"
        }
    }
    public var hint: String {
        switch code {
        case .signatureDigestLength: return "This is a bug in the caller: only 32-byte digests are signed."
        case .signatureSignerMismatch:
            return "Check that the keystore, hardware wallet or remote signer is the account configured as the sender."
        default:
            return "Check that the signature was copied whole (130 hex digits) and belongs to this message."
        }
    }
    public var category: ErrorCategory {
        switch code {
        case .signatureDigestLength: return .internal
        case .signatureSignerMismatch: return .configuration
        default: return .usage
        }
    }
}
