import BigInt

/// Decimal formatting and parsing of integer token amounts (wei, gwei, ether, ERC-20 units), with no floating point.
///
/// An amount is always a `BigUInt` count of the smallest unit; `decimals` says where the decimal point goes
/// (18 for ether, 9 for gwei, the token's `decimals()` for an ERC-20).
public enum Units {
    public static let etherDecimals = 18
    public static let gweiDecimals = 9

    /// Why a decimal amount string was rejected.
    public enum ParseError: Error, Equatable, Sendable, CustomStringConvertible {
        case empty
        case negative(String)
        case invalidCharacter(String, Character, position: Int)
        case tooManyFractionalDigits(String, digits: Int, decimals: Int)
        case misplacedSeparator(String, position: Int)
        case noDigits(String)

        public var description: String {
            switch self {
            case .empty: return "amount is empty"
            case .negative(let s): return "amount \(String(reflecting: s)) is negative; amounts cannot be negative"
            case .invalidCharacter(let s, let c, let p):
                return
                    "amount \(String(reflecting: s)) has an invalid character \(String(reflecting: String(c))) at position \(p + 1); use digits and one '.'"
            case .tooManyFractionalDigits(let s, let n, let d):
                return
                    "amount \(String(reflecting: s)) has \(n) digits after the decimal point; this unit allows at most \(d)"
            case .misplacedSeparator(let s, let p):
                return
                    "amount \(String(reflecting: s)) has a misplaced '_' or ',' at position \(p + 1); separators go between groups of three digits"
            case .noDigits(let s): return "amount \(String(reflecting: s)) has no digits"
            }
        }
    }

    /// Parses a decimal amount such as `"1.5"` into smallest units with `decimals` decimals.
    ///
    /// Accepts digits, one `.`, and thousands separators `,` or `_` in the integer part (between groups
    /// of three digits); surrounding whitespace is trimmed. Rejects signs, exponents and more fractional
    /// digits than `decimals` (never rounds: a silently rounded amount is a different amount).
    public static func parse(_ string: String, decimals: Int) throws(ParseError) -> BigUInt {
        precondition(decimals >= 0, "decimals must not be negative")
        // Positions in errors count characters of the trimmed string, which is also what the error shows.
        let string = String(string.trimmingSpaces())
        let trimmed = string
        guard !trimmed.isEmpty else { throw .empty }
        let chars = Array(trimmed)
        if chars[0] == "-" { throw .negative(string) }
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
                if seenPoint { throw .invalidCharacter(string, c, position: i) }
                if let n = separatorGroupLength, n != 3 { throw .misplacedSeparator(string, position: i) }
                seenPoint = true
            case ",", "_":
                let valid =
                    !seenPoint && !integerDigits.isEmpty
                    && (separatorGroupLength.map { $0 == 3 } ?? (integerDigits.count <= 3))
                if !valid { throw .misplacedSeparator(string, position: i) }
                separatorGroupLength = 0
            default:
                throw .invalidCharacter(string, c, position: i)
            }
        }
        if !seenPoint, let n = separatorGroupLength, n != 3 {
            throw .misplacedSeparator(string, position: chars.count - 1)
        }
        guard !integerDigits.isEmpty || !fractionDigits.isEmpty else { throw .noDigits(string) }
        if fractionDigits.count > decimals {
            // Trailing zeros past the precision do not change the value, but reject them too: the
            // input was most likely meant for a different unit.
            throw .tooManyFractionalDigits(string, digits: fractionDigits.count, decimals: decimals)
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
