import Basics

/// A missing key, operator address or other setting the options or the configuration should have given
/// (exit 3).
public struct OptionsError: OperatorError {
    public var title: String
    public var detail: String
    public var hint: String
    public var code: ErrorCode { "configuration.options" }
    public var category: ErrorCategory { .configuration }

    public init(title: String, detail: String, hint: String) {
        self.title = title
        self.detail = detail
        self.hint = hint
    }
}
