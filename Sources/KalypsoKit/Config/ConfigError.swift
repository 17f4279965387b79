import Basics

extension ErrorCode {
    /// One or more values in a configuration file are invalid (the detail lists each).
    public static let configInvalid: ErrorCode = "config.invalid"
    /// The configuration file named by `--config` or `$KALYPSO_CONFIG` does not exist.
    public static let configFileMissing: ErrorCode = "config.fileMissing"
    /// No configuration file in any of the places searched, and no `--network` profile.
    public static let configNotFound: ErrorCode = "config.notFound"
    /// The configuration file exists but cannot be read (permissions, not UTF-8).
    public static let configUnreadable: ErrorCode = "config.unreadable"
    /// The configuration file is not valid JSON.
    public static let configSyntax: ErrorCode = "config.syntax"
    /// `--network` names no built-in profile.
    public static let configUnknownNetwork: ErrorCode = "config.unknownNetwork"
}

/// One invalid or missing value: the file, the line, the key path, what was expected and what was found.
public struct ConfigIssue: Sendable, Equatable, CustomStringConvertible {
    /// The file as the operator named it (or the profile, for a built-in profile).
    public var file: String
    /// 1-based line of the value (or of the object that lacks a required key); nil when unknown.
    public var line: Int?
    /// Dotted path of the key, e.g. `generatorEnclave.url` or `markets.3.teeVerifier`.
    public var keyPath: String
    /// What a valid value looks like.
    public var expected: String
    /// What the file holds, already redacted where it could be a credential; nil when the key is missing.
    public var found: String?

    public init(file: String, line: Int?, keyPath: String, expected: String, found: String?) {
        self.file = file
        self.line = line
        self.keyPath = keyPath
        self.expected = expected
        self.found = found
    }

    /// `file:line: key.path: expected …, found …`.
    public var description: String {
        let place = line.map { "\(file):\($0)" } ?? file
        return "\(place): \(keyPath): expected \(expected), found \(found ?? "nothing (the key is missing)")"
    }
}

/// Why a configuration could not be loaded; every invalid value of one file is in one error.
public struct ConfigError: OperatorError, Equatable {
    public let code: ErrorCode
    public let title: String
    public let detail: String
    public let hint: String
    /// The invalid values, in file order (empty for file-level failures).
    public let issues: [ConfigIssue]
    public var category: ErrorCategory { .configuration }

    init(code: ErrorCode, title: String, detail: String, hint: String, issues: [ConfigIssue] = []) {
        self.code = code
        self.title = title
        self.detail = detail
        self.hint = hint
        self.issues = issues
    }

    static let documentedHint =
        "Every key is documented in the sample kalypso-config.json of the kalypso-console repository."

    /// All invalid values of one file, reported together.
    public static func invalid(file: String, issues: [ConfigIssue]) -> ConfigError {
        let n = issues.count
        return ConfigError(
            code: .configInvalid,
            title: n == 1 ? "\(file) has an invalid value" : "\(file) has \(n) invalid values",
            detail: issues.map(\.description).joined(separator: "\n"),
            hint: "Fix the values above, then run `\(CommandHints.configCheck)`. " + documentedHint,
            issues: issues)
    }

    static func fileMissing(path: String, namedBy: String) -> ConfigError {
        ConfigError(
            code: .configFileMissing, title: "Configuration file not found",
            detail: "\(path) (named by \(namedBy)) does not exist",
            hint: "Check the path, or leave out \(namedBy) to use ./kalypso-config.json.")
    }

    static func notFound(searched: [String]) -> ConfigError {
        ConfigError(
            code: .configNotFound, title: "No configuration file",
            detail: "looked for " + searched.joined(separator: ", "),
            hint:
                "Copy the sample kalypso-config.json there, pass --config PATH, or pick a public deployment with "
                + "--network arbitrum-one|arbitrum-sepolia-a|arbitrum-sepolia-b and put your rpcHttp in a config file.")
    }

    static func unreadable(path: String, reason: String) -> ConfigError {
        ConfigError(
            code: .configUnreadable, title: "Configuration file cannot be read", detail: "\(path): \(reason)",
            hint: "Check the file's permissions (`ls -l \(path)`) and that it is UTF-8 text.")
    }

    static func syntax(path: String, error: JSONSyntaxError) -> ConfigError {
        ConfigError(
            code: .configSyntax, title: "\(path) is not valid JSON",
            detail: "\(path):\(error.line):\(error.column): \(error.message)",
            hint: "JSON has no comments and no trailing commas; keys and strings take double quotes.")
    }

    static func unknownNetwork(_ name: String) -> ConfigError {
        ConfigError(
            code: .configUnknownNetwork, title: "Unknown network \"\(name)\"",
            detail: "built-in networks: " + NetworkProfile.all.map(\.name).joined(separator: ", "),
            hint: "Use one of the names above, or leave out --network and describe the network in kalypso-config.json.")
    }
}
