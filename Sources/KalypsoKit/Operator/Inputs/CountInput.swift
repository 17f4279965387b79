import BigInt

/// A whole number as an operator writes it (a market id, compute units, a block number): decimal digits only.
public enum CountInput {
    /// The value of `text`, or a usage error naming `argument` (exit 2).
    public static func parse(_ text: String, argument: String) throws(OperatorInputError) -> BigUInt {
        guard !text.isEmpty, text.allSatisfy(\.isASCII), text.allSatisfy(\.isNumber),
            let value = BigUInt(text, radix: 10), value.bitWidth <= 256
        else {
            throw OperatorInputError(
                code: "input.invalidNumber", argument: argument, title: "\(argument) is not a whole number",
                detail: text.count > 20
                    ? "expected decimal digits; got \(text.count) characters"
                    : "expected decimal digits, found \"\(text)\"", hint: "Give a number such as 10.")
        }
        return value
    }
}
