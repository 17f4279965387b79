import Basics
import BigInt
import EthereumKit
import Foundation

/// An amount as an operator writes it: in token units with decimals (`100`, `12.5`), resolved once the
/// token's `decimals()` is known, or in base units with a `wei` suffix (`123wei`), used as written.
///
/// Syntax is checked when parsing (before any chain read); precision and range when resolving.
public struct AmountInput: Sendable, Hashable {
    public enum Form: Sendable, Hashable {
        /// Base units, exact.
        case baseUnits(BigUInt)
        /// Token units as written (trimmed); the decimal point's meaning depends on the token.
        case tokenUnits(String)
    }

    public let form: Form
    /// The argument it came from, for errors (`AMOUNT`, `--stake`).
    public let argument: String

    public static let baseUnitSuffix = "wei"

    public init(parsing text: String, argument: String) throws(OperatorInputError) {
        self.argument = argument
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed.hasSuffix(Self.baseUnitSuffix) {
            let number = String(trimmed.dropLast(Self.baseUnitSuffix.count))
            if number.contains(".") {
                throw OperatorInputError(
                    code: .inputBaseUnitsFraction, argument: argument, title: "Not a valid amount",
                    detail: "an amount in base units (wei) has no fraction",
                    hint: "Write base units as whole digits (123wei), or drop the wei suffix to use token units (12.5)."
                )
            }
            let value: BigUInt
            do { value = try Units.parse(number, decimals: 0) } catch {
                throw OperatorInputError(error, argument: argument)
            }
            try Self.checkRange(value, argument: argument)
            form = .baseUnits(value)
        } else {
            // Check the syntax now: any number of fraction digits is acceptable until the token is known.
            let fractionDigits =
                trimmed.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
                .dropFirst().first?.count ?? 0
            do { _ = try Units.parse(trimmed, decimals: fractionDigits) } catch {
                throw OperatorInputError(error, argument: argument)
            }
            form = .tokenUnits(trimmed)
        }
    }

    /// The amount in base units for a token with `decimals` decimals: never rounded, at most a uint256.
    public func baseUnits(decimals: Int) throws(OperatorInputError) -> BigUInt {
        switch form {
        case .baseUnits(let value): return value
        case .tokenUnits(let text):
            let value: BigUInt
            do { value = try Units.parse(text, decimals: decimals) } catch {
                throw OperatorInputError(error, argument: argument)
            }
            try Self.checkRange(value, argument: argument)
            return value
        }
    }

    static func checkRange(_ value: BigUInt, argument: String) throws(OperatorInputError) {
        guard value > uint256Max else { return }
        throw OperatorInputError(
            code: .inputAmountOverflow, argument: argument, title: "Amount too large",
            detail:
                "it is \(value.description.count) digits long in base units; a contract amount is at most 2^256 − 1 (78 digits)",
            hint: "Check the amount and its unit: token units are multiplied by 10^decimals.")
    }
}
