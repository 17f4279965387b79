import BigInt

/// JSON-RPC QUANTITY values: `0x`-prefixed hex integers, most compact form (`0x0` for zero, `0x1a`).
public enum Quantity {
    /// Why a QUANTITY string was rejected.
    public enum ParseError: Error, Equatable, Sendable, CustomStringConvertible {
        case missingPrefix(String)
        case empty(String)
        case invalidDigit(String, position: Int)
        case leadingZero(String)
        case tooLarge(String, maxBits: Int)

        public var description: String {
            switch self {
            case .missingPrefix(let s): return "quantity \(String(reflecting: s)) must start with 0x"
            case .empty(let s): return "quantity \(String(reflecting: s)) has no digits (zero is 0x0)"
            case .invalidDigit(let s, let p):
                return "quantity \(String(reflecting: s)) has a non-hex character at digit \(p + 1)"
            case .leadingZero(let s): return "quantity \(String(reflecting: s)) has leading zeros"
            case .tooLarge(let s, let bits): return "quantity \(String(reflecting: s)) does not fit \(bits) bits"
            }
        }
    }

    /// `0x` + minimal lower-case hex.
    public static func encode(_ value: BigUInt) -> String { "0x" + String(value, radix: 16) }

    public static func encode<T: BinaryInteger>(_ value: T) -> String { "0x" + String(value, radix: 16) }

    /// Parses a QUANTITY. `strict` also rejects leading zeros (nodes never send them; hand-written input may).
    public static func parse(_ string: String, strict: Bool = false, maxBits: Int = 256) throws(ParseError) -> BigUInt {
        guard string.hasPrefix("0x") || string.hasPrefix("0X") else { throw .missingPrefix(string) }
        let digits = Array(string.utf8.dropFirst(2))
        guard !digits.isEmpty else { throw .empty(string) }
        var value = BigUInt(0)
        for (i, c) in digits.enumerated() {
            guard let n = Hex.nibble(c) else { throw .invalidDigit(string, position: i) }
            value = value << 4 | BigUInt(n)
            if value.bitWidth > maxBits { throw .tooLarge(string, maxBits: maxBits) }
        }
        if strict && digits.count > 1 && digits[0] == 0x30 { throw .leadingZero(string) }
        return value
    }

    /// Parses a QUANTITY that must fit 64 bits (block numbers, nonces, gas).
    public static func parseUInt64(_ string: String, strict: Bool = false) throws(ParseError) -> UInt64 {
        UInt64(try parse(string, strict: strict, maxBits: 64))
    }
}
