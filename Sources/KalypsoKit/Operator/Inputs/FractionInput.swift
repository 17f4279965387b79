import BigInt
import EthereumKit
import Foundation

/// A fraction as an operator writes it, `0.05` or `5%`, scaled by 1e18 as the contracts store it
/// (a commission of 5 % is 5e16). Never rounded; at most 1 (100 %).
public struct FractionInput: Sendable, Hashable {
    /// The fraction × 1e18.
    public let scaled: BigUInt
    public static let one = BigUInt(10).power(18)

    public init(parsing text: String, argument: String) throws(OperatorInputError) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let isPercent = trimmed.hasSuffix("%")
        // 1 % is 1e16: a percentage has two fewer decimals than the 1e18 scale.
        let decimals = isPercent ? 16 : 18
        let number = isPercent ? String(trimmed.dropLast()).trimmingCharacters(in: .whitespaces) : trimmed
        let value: BigUInt
        do { value = try Units.parse(number, decimals: decimals) } catch {
            throw OperatorInputError(error, argument: argument)
        }
        guard value <= Self.one else {
            throw OperatorInputError(
                code: .inputFractionAboveOne, argument: argument, title: "Fraction above 100 %",
                detail: "it is more than 1 (100 %)",
                hint: "Write a fraction between 0 and 1 (0.05) or a percentage up to 100 (5%).")
        }
        scaled = value
    }
}
