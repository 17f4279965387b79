import BigInt
import Foundation

/// A duration as an operator writes it (`30s`, `10m`, `2h`, `480blocks`), carrying its unit until it is
/// converted to the unit of the contract generation (spec §6.3).
public struct DurationInput: Sendable, Hashable, CustomStringConvertible {
    /// The duration in the unit it was written in: seconds (for `s`, `m`, `h`) or blocks.
    public let value: ChainTime
    public let argument: String

    /// The written suffixes and the seconds (or blocks) each one counts.
    static let suffixes: [(suffix: String, unit: TimeUnit, multiplier: BigUInt)] = [
        ("blocks", .blocks, 1), ("block", .blocks, 1), ("s", .seconds, 1), ("m", .seconds, 60), ("h", .seconds, 3600),
    ]
    static let hint = "Write a whole number with a unit: 30s, 10m, 2h or 480blocks."

    public init(parsing text: String, argument: String) throws(OperatorInputError) {
        self.argument = argument
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        func invalid(_ detail: String) -> OperatorInputError {
            OperatorInputError(
                code: .inputInvalidDuration, argument: argument, title: "Not a valid duration", detail: detail,
                hint: Self.hint)
        }
        guard !trimmed.isEmpty else { throw invalid("the duration is empty") }
        guard let match = Self.suffixes.first(where: { trimmed.hasSuffix($0.suffix) }) else {
            if trimmed.allSatisfy(\.isASCIIDigit) {
                throw invalid("it has no unit; blocks and seconds differ between contract generations")
            }
            throw invalid("it does not end in a unit (s, m, h or blocks)")
        }
        let number = trimmed.dropLast(match.suffix.count)
        if number.hasPrefix("-") { throw invalid("a duration cannot be negative") }
        guard !number.isEmpty, number.allSatisfy(\.isASCIIDigit), let count = BigUInt(String(number)) else {
            let position = number.firstIndex(where: { !$0.isASCIIDigit }).map {
                number.distance(from: number.startIndex, to: $0) + 1
            }
            throw invalid(
                position.map { "the character at position \($0) is not a digit" } ?? "it has no number before the unit")
        }
        let amount = count * match.multiplier
        guard amount > 0 else { throw invalid("a duration must be longer than zero") }
        guard amount <= uint256Max else { throw invalid("it is larger than a contract value can hold (2^256 − 1)") }
        value = ChainTime(amount, match.unit)
    }

    /// The duration in `unit`, and whether it had to be rounded to get there.
    public struct Conversion: Sendable, Hashable {
        public let value: ChainTime
        /// Why the value differs from what was written, for the review ("610 s is 50.8 blocks of 12 s: rounded up
        /// to 51 blocks (612 s)"); nil when the conversion is exact.
        public let roundingNote: String?
    }

    /// Converts to the generation's `unit`: seconds → blocks rounds up (never less time than asked),
    /// blocks → seconds is exact. Needs `secondsPerBlock` when the units differ.
    public func converted(to unit: TimeUnit, secondsPerBlock: UInt64?) throws(OperatorInputError) -> Conversion {
        if unit == value.unit { return Conversion(value: value, roundingNote: nil) }
        guard let perBlock = secondsPerBlock, perBlock > 0 else {
            let written = unit == .blocks ? "blocks (480blocks)" : "seconds (30s, 10m, 2h)"
            throw OperatorInputError(
                code: .inputUnconvertibleDuration, argument: argument, title: "Cannot convert the duration",
                detail: "the market counts \(unit.rawValue) and this chain's block time is unknown",
                hint: "Write the duration in \(written).")
        }
        let step = BigUInt(perBlock)
        switch unit {
        case .seconds:
            return Conversion(value: .seconds(value.value * step), roundingNote: nil)
        case .blocks:
            let (quotient, remainder) = value.value.quotientAndRemainder(dividingBy: step)
            if remainder == 0 { return Conversion(value: .blocks(quotient), roundingNote: nil) }
            let blocks = quotient + 1
            return Conversion(
                value: .blocks(blocks),
                roundingNote:
                    "\(value.value) s is not a whole number of \(perBlock) s blocks: rounded up to \(ChainTime.blocks(blocks)) (\(blocks * step) s)"
            )
        }
    }

    public var description: String { value.description }
}

extension Character {
    var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}
