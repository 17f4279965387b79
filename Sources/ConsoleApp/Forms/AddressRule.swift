import TerminalKit

extension TextRule {
    /// An account address as typed by an operator: `0x` and 40 hex digits (shape only; add a checksum
    /// check as an extra validator where the case matters).
    public static let accountAddress = TextRule(
        maxLength: 42,
        accepts: { c, text, cursor in
            if c == "x" || c == "X" {
                return cursor == 1 && text.first == "0" && !text.contains(where: { $0 == "x" || $0 == "X" })
            }
            return c.isHexDigit && c.isASCII
        },
        validate: { accountAddressShapeError($0) })

    /// Nil if `text` is `0x` + 40 hex digits; otherwise what is wrong.
    public static func accountAddressShapeError(_ text: String) -> String? {
        guard text.hasPrefix("0x") || text.hasPrefix("0X") else { return "address must start with 0x" }
        let hex = text.dropFirst(2)
        if let bad = hex.first(where: { !($0.isHexDigit && $0.isASCII) }) { return "not a hex digit: '\(bad)'" }
        guard hex.count == 40 else { return "address needs 40 hex digits after 0x, has \(hex.count)" }
        return nil
    }
}
