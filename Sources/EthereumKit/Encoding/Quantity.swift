import Basics
import BigInt

/// JSON-RPC QUANTITY values: `0x`-prefixed hex integers, most compact form (`0x0` for zero, `0x1a`).
public enum Quantity {
    /// Why a QUANTITY string was rejected. The message gives positions and sizes, never the string.
    public struct ParseError: OperatorError, Equatable {
        public let code: ErrorCode
        /// The position of the bad digit, counting from the first digit after `0x`.
        public let position: Int?
        /// The largest allowed size in bits, when the value is too large.
        public let maxBits: Int?

        init(code: ErrorCode, position: Int? = nil, maxBits: Int? = nil) {
            self.code = code
            self.position = position
            self.maxBits = maxBits
        }

        public static let missingPrefix = Self(code: .quantityMissingPrefix)
        public static let empty = Self(code: .quantityEmpty)
        public static func invalidDigit(position: Int) -> Self { Self(code: .quantityInvalidDigit, position: position) }
        public static let leadingZero = Self(code: .quantityLeadingZero)
        public static func tooLarge(maxBits: Int) -> Self { Self(code: .quantityTooLarge, maxBits: maxBits) }

        public var title: String { "Not a valid hex quantity" }
        public var detail: String {
            switch code {
            case .quantityMissingPrefix: return "a quantity starts with 0x"
            case .quantityEmpty: return "it has no digits after 0x (zero is 0x0)"
            case .quantityInvalidDigit: return "digit \((position ?? 0) + 1) after 0x is not a hex digit"
            case .quantityLeadingZero: return "it has leading zeros (JSON-RPC quantities are written 0x1a, not 0x001a)"
            default: return "the value does not fit \(maxBits ?? 256) bits"
            }
        }
        public var hint: String {
            "A quantity is 0x followed by the value in hex without leading zeros, for example 0x0 or 0x1a."
        }
        public var category: ErrorCategory { .usage }
    }

    /// `0x` + minimal lower-case hex.
    public static func encode(_ value: BigUInt) -> String { "0x" + String(value, radix: 16) }

    public static func encode<T: BinaryInteger>(_ value: T) -> String { "0x" + String(value, radix: 16) }

    /// Parses a QUANTITY. `strict` also rejects leading zeros (nodes never send them; hand-written input may).
    public static func parse(_ string: String, strict: Bool = false, maxBits: Int = 256) throws(ParseError) -> BigUInt {
        guard string.hasPrefix("0x") || string.hasPrefix("0X") else { throw .missingPrefix }
        let digits = Array(string.utf8.dropFirst(2))
        guard !digits.isEmpty else { throw .empty }
        var value = BigUInt(0)
        for (i, c) in digits.enumerated() {
            guard let n = Hex.nibble(c) else { throw .invalidDigit(position: i) }
            value = value << 4 | BigUInt(n)
            if value.bitWidth > maxBits { throw .tooLarge(maxBits: maxBits) }
        }
        if strict && digits.count > 1 && digits[0] == 0x30 { throw .leadingZero }
        return value
    }

    /// Parses a QUANTITY that must fit 64 bits (block numbers, nonces, gas).
    public static func parseUInt64(_ string: String, strict: Bool = false) throws(ParseError) -> UInt64 {
        UInt64(try parse(string, strict: strict, maxBits: 64))
    }
}
