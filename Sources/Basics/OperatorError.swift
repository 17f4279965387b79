/// An error an operator may see: in a dialog, on stderr of a headless command, in `--json` output or
/// in the `--plain` monitor.
///
/// Every module's public errors conform, so one place (``ErrorReport``) renders any of them the same
/// way and picks the exit code. Messages name what went wrong and where, and never carry secret
/// values (keys, passwords, RPC URL credentials): conformers build `detail` from positions, types and
/// lengths, not from the bytes they refused.
public protocol OperatorError: Error, Sendable, CustomStringConvertible {
    /// A stable identifier for scripts (`--json` "code"); never reworded once published.
    var code: ErrorCode { get }
    /// One short line: what failed ("Keystore password is wrong").
    var title: String { get }
    /// What exactly, and where (file, key path, line, argument, contract, function).
    var detail: String { get }
    /// What the operator can do about it; a command in it must work exactly as printed.
    var hint: String { get }
    /// Whether running the same thing again, unchanged, may succeed (timeouts, rate limits, a node
    /// that is down). A wrong value, a revert or a bad key is not retryable.
    var isRetryable: Bool { get }
    /// What kind of failure this is; headless commands derive their exit code from it.
    var category: ErrorCategory { get }
}

extension OperatorError {
    public var isRetryable: Bool { false }
    public var category: ErrorCategory { .internal }
    /// `title: detail`, the one-line form used in logs and by `String(describing:)`.
    public var description: String { detail.isEmpty ? title : "\(title): \(detail)" }
}

/// A stable, machine-readable error code, extensible without breaking callers (as GRDB's
/// `ResultCode`): each module declares its codes as static constants in an extension.
public struct ErrorCode: RawRepresentable, Hashable, Sendable, CustomStringConvertible,
    ExpressibleByStringLiteral
{
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public init(_ rawValue: String) { self.rawValue = rawValue }
    public init(stringLiteral value: String) { self.rawValue = value }
    public var description: String { rawValue }

    /// Matches any error whose code is this one: `case ErrorCode.keystoreWrongPassword: …`.
    public static func ~= (pattern: ErrorCode, value: any Error) -> Bool {
        (value as? any OperatorError)?.code == pattern
    }

    /// An error that does not conform to ``OperatorError`` (a bug to fix: every error an operator can
    /// meet should say what to do).
    public static let unclassified: ErrorCode = "unclassified"
}

/// The kind of a failure, which decides a headless command's exit code (README, "Exit codes").
public struct ErrorCategory: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: String
    /// The process exit code for this kind of failure.
    public let exitCode: Int32
    public init(rawValue: String) {
        self.rawValue = rawValue
        self.exitCode = Self.known[rawValue] ?? 1
    }
    private init(_ rawValue: String, exitCode: Int32) {
        self.rawValue = rawValue
        self.exitCode = exitCode
    }
    public var description: String { rawValue }

    private static let known: [String: Int32] = [
        "internal": 1, "usage": 2, "configuration": 3, "unreachable": 4, "refused": 5, "enclaveRefused": 6,
    ]
    /// A bug or an unexpected state of this program (exit 1).
    public static let `internal` = ErrorCategory("internal", exitCode: 1)
    /// The command line was wrong (exit 2).
    public static let usage = ErrorCategory("usage", exitCode: 2)
    /// The configuration or a key is wrong or missing (exit 3).
    public static let configuration = ErrorCategory("configuration", exitCode: 3)
    /// The chain or the enclave could not be reached (exit 4).
    public static let unreachable = ErrorCategory("unreachable", exitCode: 4)
    /// A pre-flight check or the contract (a revert) refused the action (exit 5).
    public static let refused = ErrorCategory("refused", exitCode: 5)
    /// The enclave answered and refused the request (exit 6).
    public static let enclaveRefused = ErrorCategory("enclaveRefused", exitCode: 6)
}
