import Basics

/// A 20-byte Ethereum account address.
public struct Address: Hashable, Sendable, Comparable, CustomStringConvertible {
    public let bytes: [UInt8]

    public static let zero = Address(uncheckedBytes: [UInt8](repeating: 0, count: 20))

    /// Why a string is not an address. The message never repeats the string (it may be a key pasted
    /// into the wrong field); it says what is wrong and where.
    public struct ParseError: OperatorError, Equatable {
        public let code: ErrorCode
        /// The number of hex digits after `0x`, when it is not 40.
        public let digitCount: Int?
        /// Why the digits are not hex.
        public let hexError: Hex.DecodingError?
        /// The first digit (1-based, after `0x`) whose case does not match the EIP-55 checksum.
        public let firstMismatch: Int?

        init(code: ErrorCode, digitCount: Int? = nil, hexError: Hex.DecodingError? = nil, firstMismatch: Int? = nil) {
            self.code = code
            self.digitCount = digitCount
            self.hexError = hexError
            self.firstMismatch = firstMismatch
        }

        public static let missingPrefix = Self(code: .addressMissingPrefix)
        public static func wrongLength(digits: Int) -> Self { Self(code: .addressWrongLength, digitCount: digits) }
        public static func notHex(_ e: Hex.DecodingError) -> Self { Self(code: .addressNotHex, hexError: e) }
        public static func badChecksum(firstMismatch: Int) -> Self {
            Self(code: .addressBadChecksum, firstMismatch: firstMismatch)
        }
        public static let notChecksummed = Self(code: .addressNotChecksummed)

        public var title: String {
            switch code {
            case .addressBadChecksum: return "Address checksum does not match"
            case .addressNotChecksummed: return "Address is not in checksummed form"
            default: return "Not a valid address"
            }
        }
        public var detail: String {
            switch code {
            case .addressMissingPrefix: return "an address starts with 0x"
            case .addressWrongLength:
                return "it has \(digitCount ?? 0) hex digits after 0x; an address has 40"
            case .addressNotHex: return hexError?.detail ?? "it is not hex"
            case .addressBadChecksum:
                return "the upper/lower case of digit \(firstMismatch ?? 0) does not match the EIP-55 checksum"
            default: return "it is all lower- or upper-case; the EIP-55 mixed-case form is required here"
            }
        }
        public var hint: String {
            switch code {
            case .addressBadChecksum:
                return
                    "A wrong checksum usually means a typo, and funds sent to a mistyped address are lost: copy the address again from where it came from."
            case .addressNotChecksummed:
                return
                    "Copy the address in its checksummed (mixed-case) form from a block explorer or the wallet that shows it."
            default: return "An address is 0x followed by 40 hex digits (20 bytes), for example from a block explorer."
            }
        }
        public var category: ErrorCategory { .usage }
    }

    init(uncheckedBytes: [UInt8]) {
        precondition(uncheckedBytes.count == 20, "an address has 20 bytes")
        bytes = uncheckedBytes
    }

    /// From exactly 20 bytes, or nil.
    public init?(bytes: [UInt8]) {
        guard bytes.count == 20 else { return nil }
        self.bytes = bytes
    }

    /// Parses `0x` + 40 hex digits.
    ///
    /// Lenient (default): all-lower or all-upper hex is accepted; mixed case must match EIP-55.
    /// Strict: the EIP-55 checksummed form is required.
    public init(_ string: String, strict: Bool = false) throws(ParseError) {
        let utf8 = string.utf8
        guard utf8.count >= 2, utf8.first == 0x30, let x = utf8.dropFirst().first, x == 0x78 || x == 0x58 else {
            throw .missingPrefix
        }
        let digits = Substring(utf8.dropFirst(2))
        guard digits.utf8.count == 40 else { throw .wrongLength(digits: digits.utf8.count) }
        let raw: [UInt8]
        // Bare digits: a second "0x" is not a prefix here but two bad digits.
        do { raw = try Hex.decode(digits: digits) } catch { throw .notHex(error) }
        guard let address = Address(bytes: raw) else { throw .wrongLength(digits: digits.utf8.count) }
        let hasLower = digits.utf8.contains { $0 >= 0x61 && $0 <= 0x66 }
        let hasUpper = digits.utf8.contains { $0 >= 0x41 && $0 <= 0x46 }
        if hasLower && hasUpper || strict {
            let expected = address.checksummed.utf8.dropFirst(2)
            if let i = zip(digits.utf8, expected).enumerated().first(where: { $0.element.0 != $0.element.1 })?.offset {
                if hasLower && hasUpper { throw .badChecksum(firstMismatch: i + 1) }
                throw .notChecksummed
            }
        }
        self = address
    }

    /// EIP-55 mixed-case checksum encoding.
    public var checksummed: String {
        let lower = Hex.encode(bytes, prefix: false)
        let hash = Keccak256.hash(Array(lower.utf8))
        var out = "0x"
        for (i, ch) in lower.enumerated() {
            let nibble = (hash[i / 2] >> (i % 2 == 0 ? 4 : 0)) & 0x0f
            out.append(ch.isLetter && nibble >= 8 ? Character(ch.uppercased()) : ch)
        }
        return out
    }

    /// Shortened for narrow screens: `0x1234…abcd` (checksummed).
    public var short: String {
        let c = checksummed
        return String(c.prefix(6)) + "…" + String(c.suffix(4))
    }

    public var description: String { checksummed }

    public static func < (a: Address, b: Address) -> Bool { a.bytes.lexicographicallyPrecedes(b.bytes) }
}
