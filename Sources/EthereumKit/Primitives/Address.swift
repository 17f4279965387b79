/// A 20-byte Ethereum account address.
public struct Address: Hashable, Sendable, Comparable, CustomStringConvertible {
    public let bytes: [UInt8]

    public static let zero = Address(uncheckedBytes: [UInt8](repeating: 0, count: 20))

    public enum ParseError: Error, Equatable, CustomStringConvertible {
        case missingPrefix(String)
        case wrongLength(String, digits: Int)
        case notHex(String, Hex.DecodingError)
        case badChecksum(String, expected: String)
        case notChecksummed(String)

        public var description: String {
            switch self {
            case .missingPrefix(let s): return "address \(s) must start with 0x"
            case .wrongLength(let s, let n): return "address \(s) has \(n) hex digits; an address has 40"
            case .notHex(let s, let e): return "address \(s) is not hex: \(e)"
            case .badChecksum(let s, let expected):
                return
                    "address \(s) has a wrong EIP-55 checksum (mixed case does not match); did you mean \(expected)? A typo in an address sends funds nowhere, so check where it came from"
            case .notChecksummed(let s):
                return "address \(s) is all lower- or upper-case; strict parsing needs the EIP-55 checksummed form"
            }
        }
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
        guard string.hasPrefix("0x") || string.hasPrefix("0X") else { throw .missingPrefix(string) }
        let digits = string.dropFirst(2)
        guard digits.utf8.count == 40 else { throw .wrongLength(string, digits: digits.utf8.count) }
        let raw: [UInt8]
        do { raw = try Hex.decode(String(digits)) } catch { throw .notHex(string, error) }
        let address = Address(uncheckedBytes: raw)
        let hasLower = digits.contains { $0.isLowercase }
        let hasUpper = digits.contains { $0.isUppercase }
        if hasLower && hasUpper || strict {
            let expected = address.checksummed
            if String(digits) != expected.dropFirst(2) {
                if hasLower && hasUpper { throw .badChecksum(string, expected: expected) }
                throw .notChecksummed(string)
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
