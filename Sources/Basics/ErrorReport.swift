/// Any error, rendered the one way operators see errors: title, detail, hint, retryable, code and
/// exit code. The executable, dialogs and `--plain`/`--json` output all go through this, so an error
/// reads the same everywhere (compare swift-argument-parser's `MessageInfo`).
public struct ErrorReport: Sendable, Equatable {
    public var code: ErrorCode
    public var title: String
    public var detail: String
    public var hint: String
    public var isRetryable: Bool
    public var category: ErrorCategory

    public init(_ error: any Error) {
        if let e = error as? any OperatorError {
            code = e.code
            title = e.title
            detail = e.detail
            hint = e.hint
            isRetryable = e.isRetryable
            category = e.category
        } else {
            // Not collapsed into "unknown error": the type and its own description stay visible.
            code = .unclassified
            title = "Unexpected error (\(String(reflecting: type(of: error))))"
            detail = String(describing: error)
            hint = "This is a bug in kalypso-console; please report it with the command you ran."
            isRetryable = false
            category = .internal
        }
    }

    public var exitCode: Int32 { category.exitCode }

    /// The text for a terminal: `error: title` / `  detail` / `  hint: …`, each on its own line.
    public var text: String {
        var lines = ["error: \(title)"]
        if !detail.isEmpty { lines.append(contentsOf: detail.split(separator: "\n").map { "  \($0)" }) }
        if !hint.isEmpty { lines.append("  hint: \(hint)") }
        if isRetryable { lines.append("  (retrying may help)") }
        return lines.joined(separator: "\n")
    }

    /// The fields for `--json` output, in a stable order of keys.
    public var jsonFields: [(String, String)] {
        [
            ("code", code.rawValue), ("title", title), ("detail", detail), ("hint", hint),
            ("retryable", isRetryable ? "true" : "false"), ("category", category.rawValue),
        ]
    }
}
