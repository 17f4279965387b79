import Basics
import BigInt
import EthereumKit

extension ErrorCode {
    /// A duration without a unit, with an unknown unit, zero, or too large.
    public static let inputInvalidDuration: ErrorCode = "input.invalidDuration"
    /// A duration in seconds cannot become blocks: the chain's block time is unknown.
    public static let inputUnconvertibleDuration: ErrorCode = "input.unconvertibleDuration"
    /// A fraction (commission) above 1 or 100 %.
    public static let inputFractionAboveOne: ErrorCode = "input.fractionAboveOne"
    /// An amount larger than a uint256 can hold.
    public static let inputAmountOverflow: ErrorCode = "input.amountOverflow"
    /// A base-unit (`wei`) amount with a fraction.
    public static let inputBaseUnitsFraction: ErrorCode = "input.baseUnitsFraction"
    /// `@FILE` names a file that cannot be read, or `@` names no file.
    public static let inputUnreadableFile: ErrorCode = "input.unreadableFile"
}

/// A command-line value of an operator command that cannot be used: which argument, what is wrong
/// with it, and how to write it. Always a usage error (exit 2); never repeats a file's content.
public struct OperatorInputError: OperatorError, Equatable {
    public let code: ErrorCode
    /// The argument as the operator wrote it, e.g. `--proof-cost` or `AMOUNT`.
    public let argument: String
    public let title: String
    public let detail: String
    public let hint: String
    public var category: ErrorCategory { .usage }

    public init(code: ErrorCode, argument: String, title: String, detail: String, hint: String) {
        self.code = code
        self.argument = argument
        self.title = title
        self.detail = "\(argument): \(detail)"
        self.hint = hint
    }

    /// An amount error of ``Units/parse(_:decimals:)`` placed at `argument`.
    init(_ error: Units.ParseError, argument: String) {
        self.init(code: error.code, argument: argument, title: error.title, detail: error.detail, hint: error.hint)
    }
}

/// The largest value a uint256 argument can hold.
let uint256Max = (BigUInt(1) << 256) - 1
