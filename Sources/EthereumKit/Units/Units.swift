import Basics
import BigInt

/// Decimal formatting and parsing of integer token amounts (wei, gwei, ether, ERC-20 units), with no floating point.
///
/// An amount is always a `BigUInt` count of the smallest unit; `decimals` says where the decimal point goes
/// (18 for ether, 9 for gwei, the token's `decimals()` for an ERC-20).
public enum Units {
    public static let etherDecimals = 18
    public static let gweiDecimals = 9

    /// Why a decimal amount string was rejected: what and where (character positions of the trimmed
    /// text, counted from 0 here and from 1 in the message), without repeating the text.
    public struct ParseError: OperatorError, Equatable {
        public let code: ErrorCode
        /// The position of the offending character (0-based).
        public let position: Int?
        /// The offending character (never a digit).
        public let character: Character?
        /// Digits after the decimal point, and how many the unit allows.
        public let fractionDigits: Int?
        public let decimals: Int?

        init(
            code: ErrorCode, position: Int? = nil, character: Character? = nil, fractionDigits: Int? = nil,
            decimals: Int? = nil
        ) {
            self.code = code
            self.position = position
            self.character = character
            self.fractionDigits = fractionDigits
            self.decimals = decimals
        }

        public static let empty = Self(code: .amountEmpty)
        public static let negative = Self(code: .amountNegative)
        public static func invalidCharacter(_ c: Character, position: Int) -> Self {
            Self(code: .amountInvalidCharacter, position: position, character: c)
        }
        public static func tooManyFractionalDigits(digits: Int, decimals: Int) -> Self {
            Self(code: .amountTooPrecise, fractionDigits: digits, decimals: decimals)
        }
        public static func misplacedSeparator(position: Int) -> Self {
            Self(code: .amountMisplacedSeparator, position: position)
        }
        public static let noDigits = Self(code: .amountNoDigits)
        public static let invalidDecimals = Self(code: .amountInvalidDecimals)

        public var title: String { "Not a valid amount" }
        public var detail: String {
            switch code {
            case .amountEmpty: return "the amount is empty"
            case .amountNegative: return "amounts cannot be negative"
            case .amountInvalidCharacter:
                let shown = character.map { " " + String(reflecting: String($0)) } ?? ""
                return "the character\(shown) at position \((position ?? 0) + 1) is not a digit or the decimal point"
            case .amountTooPrecise:
                return
                    "it has \(fractionDigits ?? 0) digits after the decimal point; this unit allows at most \(decimals ?? 0)"
            case .amountMisplacedSeparator:
                return "the separator at position \((position ?? 0) + 1) is not between groups of three digits"
            case .amountInvalidDecimals: return "the unit has a negative number of decimals"
            default: return "it has no digits"
            }
        }
        public var hint: String {
            switch code {
            case .amountTooPrecise:
                return
                    "Amounts are never rounded: check the unit (ether, gwei, the token's own) and the number of decimals."
            default:
                return
                    "Write the amount with digits and at most one '.', for example 1.5 or 1,000.25 (no sign, no exponent)."
            }
        }
        public var category: ErrorCategory { .usage }
    }

    /// Parses a decimal amount such as `"1.5"` into smallest units with `decimals` decimals.
    ///
    /// Accepts digits, one `.`, and thousands separators `,` or `_` in the integer part (between groups
    /// of three digits); surrounding whitespace is trimmed. Rejects signs, exponents and more fractional
    /// digits than `decimals` (never rounds: a silently rounded amount is a different amount).
    public static func parse(_ string: String, decimals: Int) throws(ParseError) -> BigUInt {
        guard decimals >= 0 else { throw .invalidDecimals }
        // Positions in errors count characters of the trimmed string, which is also what the error shows.
        let string = String(string.trimmingSpaces())
        let trimmed = string
        guard !trimmed.isEmpty else { throw .empty }
        let chars = Array(trimmed)
        if chars[0] == "-" { throw .negative }
        var integerDigits: [UInt8] = []
        var fractionDigits: [UInt8] = []
        var seenPoint = false
        var separatorGroupLength: Int? = nil  // digits since the last separator, once one was seen
        for (i, c) in chars.enumerated() {
            if let d = c.asciiValue, d >= 0x30, d <= 0x39 {
                if seenPoint { fractionDigits.append(d - 0x30) } else { integerDigits.append(d - 0x30) }
                if let n = separatorGroupLength { separatorGroupLength = n + 1 }
                continue
            }
            switch c {
            case ".":
                if seenPoint { throw .invalidCharacter(c, position: i) }
                if let n = separatorGroupLength, n != 3 { throw .misplacedSeparator(position: i) }
                seenPoint = true
            case ",", "_":
                let valid =
                    !seenPoint && !integerDigits.isEmpty
                    && (separatorGroupLength.map { $0 == 3 } ?? (integerDigits.count <= 3))
                if !valid { throw .misplacedSeparator(position: i) }
                separatorGroupLength = 0
            default:
                throw .invalidCharacter(c, position: i)
            }
        }
        if !seenPoint, let n = separatorGroupLength, n != 3 {
            throw .misplacedSeparator(position: chars.count - 1)
        }
        guard !integerDigits.isEmpty || !fractionDigits.isEmpty else { throw .noDigits }
        if fractionDigits.count > decimals {
            // Trailing zeros past the precision do not change the value, but reject them too: the
            // input was most likely meant for a different unit.
            throw .tooManyFractionalDigits(digits: fractionDigits.count, decimals: decimals)
        }
        var value = BigUInt(0)
        for d in integerDigits + fractionDigits + [UInt8](repeating: 0, count: decimals - fractionDigits.count) {
            value = value * 10 + BigUInt(d)
        }
        return value
    }

    /// Formats smallest units as a decimal string with `decimals` decimals.
    ///
    /// - Parameters:
    ///   - trimTrailingZeros: drop zeros at the end of the fraction (and the point if nothing is left).
    ///   - groupThousands: put `separator` between groups of three integer digits.
    ///   - maxFractionDigits: cut (never round) the fraction to at most this many digits, for narrow columns.
    public static func format(
        _ amount: BigUInt, decimals: Int, trimTrailingZeros: Bool = true, groupThousands: Bool = false,
        separator: Character = ",", maxFractionDigits: Int? = nil
    ) -> String {
        precondition(decimals >= 0, "decimals must not be negative")
        var digits = String(amount, radix: 10)
        if digits.count <= decimals {
            digits = String(repeating: "0", count: decimals - digits.count + 1) + digits
        }
        let integerPart = String(digits.prefix(digits.count - decimals))
        var fraction = String(digits.suffix(decimals))
        if let maxFractionDigits, fraction.count > maxFractionDigits {
            fraction = String(fraction.prefix(maxFractionDigits))
        }
        if trimTrailingZeros {
            while fraction.last == "0" { fraction.removeLast() }
        }
        var integer = integerPart
        if groupThousands && integer.count > 3 {
            var grouped = ""
            for (i, c) in integer.enumerated() {
                if i > 0 && (integer.count - i) % 3 == 0 { grouped.append(separator) }
                grouped.append(c)
            }
            integer = grouped
        }
        return fraction.isEmpty ? integer : integer + "." + fraction
    }

    /// Parses ether (18 decimals) into wei.
    public static func parseEther(_ string: String) throws(ParseError) -> BigUInt {
        try parse(string, decimals: etherDecimals)
    }

    /// Parses gwei (9 decimals) into wei.
    public static func parseGwei(_ string: String) throws(ParseError) -> BigUInt {
        try parse(string, decimals: gweiDecimals)
    }

    /// Wei as ether, trailing zeros trimmed.
    public static func formatEther(_ wei: BigUInt, groupThousands: Bool = false) -> String {
        format(wei, decimals: etherDecimals, groupThousands: groupThousands)
    }

    /// Wei as gwei, trailing zeros trimmed.
    public static func formatGwei(_ wei: BigUInt, groupThousands: Bool = false) -> String {
        format(wei, decimals: gweiDecimals, groupThousands: groupThousands)
    }
}

extension String {
    fileprivate func trimmingSpaces() -> Substring {
        var s = Substring(self)
        while let f = s.first, f.isWhitespace { s.removeFirst() }
        while let l = s.last, l.isWhitespace { s.removeLast() }
        return s
    }
}
