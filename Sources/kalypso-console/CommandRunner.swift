import ArgumentParser
import Basics
import Foundation

/// What the process prints and returns when a command ends: the one mapping from any error to the
/// text an operator reads and the exit code (compare swift-argument-parser's `MessageInfo`).
///
/// Every command throws its errors up to `run(_:arguments:)` instead of printing them, so an error
/// reads the same whatever command met it, and the exit code follows README "Exit codes":
/// `ErrorCategory.exitCode` for operator errors, 2 for command-line usage errors, 1 for anything
/// unexpected, 0 for `--help` and `--version`.
struct CommandOutcome: Equatable {
    var standardOutput = ""
    var standardError = ""
    var exitCode: Int32 = 0
}

/// How errors are printed: text on stderr, or one JSON object on stdout for `--json` scripts.
enum ErrorFormat: Equatable {
    case text
    case json

    /// `--json` anywhere before a `--` asks for JSON errors too, even when parsing itself failed.
    init(arguments: [String]) {
        self = arguments.prefix { $0 != "--" }.contains("--json") ? .json : .text
    }
}

/// A command line the parser refused (unknown option, missing argument, failed validation).
struct UsageError: OperatorError {
    var message: String
    var usage: String
    var helpCommand: String

    var code: ErrorCode { .usageInvalidArguments }
    var title: String { message }
    var detail: String { usage }
    var hint: String { "Run '\(helpCommand)' to see the commands and options." }
    var category: ErrorCategory { .usage }
}

/// An option whose value was refused by the part of the program that reads it (a key table, a theme).
///
/// The underlying error says what is wrong; this adds which option, and makes it a usage error
/// (exit 2) whatever category the underlying error has.
struct InvalidOptionValue: OperatorError {
    var option: String
    /// The command line that takes the option (`kalypso-console ui-demo`), for the help hint.
    var command: String
    var underlying: any Error

    var code: ErrorCode {
        (underlying as? any OperatorError)?.code ?? .usageInvalidOptionValue
    }
    var title: String { "Invalid value for \(option)" }
    var detail: String {
        let report = ErrorReport(underlying)
        return report.code == .unclassified
            ? report.detail : [report.title, report.detail].filter { !$0.isEmpty }.joined(separator: ": ")
    }
    var hint: String {
        let hint = (underlying as? any OperatorError)?.hint ?? ""
        return hint.isEmpty ? "Run '\(command) --help' to see what \(option) accepts." : hint
    }
    var category: ErrorCategory { .usage }
}

extension ErrorCode {
    /// The command line does not parse (unknown option, missing value, failed validation).
    static let usageInvalidArguments: ErrorCode = "usage.invalidArguments"
    /// An option's value was refused by what reads it.
    static let usageInvalidOptionValue: ErrorCode = "usage.invalidOptionValue"
}

enum CommandRunner {
    /// Parses `arguments`, runs the command (an `AsyncParsableCommand` with `await`) and returns its
    /// outcome; nothing else prints errors.
    static func run(_ root: any ParsableCommand.Type, arguments: [String]) async -> CommandOutcome {
        let format = ErrorFormat(arguments: arguments)
        var command: any ParsableCommand
        do { command = try root.parseAsRoot(arguments) } catch {
            return outcome(for: error, root: root, format: format)
        }
        do {
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
            return CommandOutcome()
        } catch var error as TxUsageError where error.command == nil {
            error.command = commandPath(to: type(of: command), from: root).joined(separator: " ")
            return outcome(for: error, root: root, format: format)
        } catch let error as ValidationError {
            // Thrown by run(), where the parser no longer knows the subcommand: give its own usage.
            let path = commandPath(to: type(of: command), from: root).joined(separator: " ")
            let usage = UsageError(
                message: error.message, usage: "Usage: " + root.usageString(for: type(of: command)),
                helpCommand: path + " --help")
            return outcome(for: usage, root: root, format: format)
        } catch {
            return outcome(for: error, root: root, format: format)
        }
    }

    /// The command names from `root` down to `target` (`["kalypso-console", "ui-demo"]`).
    static func commandPath(to target: any ParsableCommand.Type, from root: any ParsableCommand.Type) -> [String] {
        func name(_ t: any ParsableCommand.Type) -> String {
            t.configuration.commandName ?? String(describing: t).lowercased()
        }
        func search(_ t: any ParsableCommand.Type) -> [String]? {
            if t == target { return [name(t)] }
            for sub in t.configuration.subcommands {
                if let rest = search(sub) { return [name(t)] + rest }
            }
            return nil
        }
        return search(root) ?? [name(root)]
    }

    /// The text and exit code for `error` thrown while parsing or running a command of `root`.
    static func outcome(for error: any Error, root: any ParsableCommand.Type, format: ErrorFormat) -> CommandOutcome {
        if let exit = error as? ExitCode {
            // The command has already told the operator what happened (an interactive session that ended).
            return CommandOutcome(exitCode: exit.rawValue)
        }
        let report: ErrorReport
        if error is any OperatorError {
            report = ErrorReport(error)
        } else {
            let parserCode = root.exitCode(for: error)
            if parserCode == .success {
                // --help, --version: not an error.
                return CommandOutcome(standardOutput: root.fullMessage(for: error) + "\n")
            }
            if parserCode == .validationFailure {
                report = ErrorReport(usageError(error, root: root))
            } else {
                report = ErrorReport(error)
            }
        }
        switch format {
        case .text: return CommandOutcome(standardError: report.text + "\n", exitCode: report.exitCode)
        case .json: return CommandOutcome(standardOutput: json(report) + "\n", exitCode: report.exitCode)
        }
    }

    /// ArgumentParser's message, usage and help pointer as one operator error.
    static func usageError(_ error: any Error, root: any ParsableCommand.Type) -> UsageError {
        let message = root.message(for: error)
        var usage: [String] = []
        var help = "\((root.configuration.commandName ?? "kalypso-console")) --help"
        for line in root.fullMessage(for: error, columns: 100).split(separator: "\n", omittingEmptySubsequences: false)
        {
            let text = line.trimmingCharacters(in: .whitespaces)
            if text.hasPrefix("Error: ") || text.isEmpty { continue }
            if text.hasPrefix("See '"), let end = text.dropFirst(5).firstIndex(of: "'") {
                help = String(text[text.index(text.startIndex, offsetBy: 5)..<end])
                continue
            }
            usage.append(String(line))
        }
        return UsageError(
            message: message.isEmpty ? "Invalid command line" : message, usage: usage.joined(separator: "\n"),
            helpCommand: help)
    }

    /// `{"error": {...}}` with the report's fields in their stable order, plus the exit code.
    static func json(_ report: ErrorReport) -> String {
        var fields = report.jsonFields.map { key, value in
            let literal = key == "retryable" ? value : quoted(value)
            return "\(quoted(key)): \(literal)"
        }
        fields.append("\"exitCode\": \(report.exitCode)")
        return "{\"error\": {" + fields.joined(separator: ", ") + "}}"
    }

    /// A JSON string literal (RFC 8259 escapes).
    static func quoted(_ s: String) -> String { JSONString.quoted(s) }
}
