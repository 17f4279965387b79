import Basics

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
