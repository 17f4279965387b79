import Basics

/// Why the terminal could not be started, with a hint the operator can act on.
public struct TerminalStartError: OperatorError, Equatable {
    public var message: String
    public var hint: String
    public var description: String { "\(message)\n  hint: \(hint)" }

    public init(message: String, hint: String) {
        self.message = message
        self.hint = hint
    }

    public var code: ErrorCode { .terminalUnavailable }
    public var title: String { message }
    public var detail: String { "" }
    /// Where the program runs (no terminal, a TERM it cannot use) rather than a bug or a file.
    public var category: ErrorCategory { .usage }
}
