import ArgumentParser
import Basics
import EthereumKit
import Foundation
import TestSupport
import Testing

@testable import kalypso_console

/// The executable's one error mapping: text, stream and exit code for every kind of failure.
@Suite struct CommandRunnerTests {
    @Test func unknownOptionIsAUsageErrorWithExitCode2() async {
        let outcome = await CommandRunner.run(KalypsoConsole.self, arguments: ["--bogus"])
        #expect(outcome.exitCode == 2)
        #expect(outcome.standardOutput.isEmpty)
        let lines = outcome.standardError.split(separator: "\n").map(String.init)
        #expect(lines.first == "error: Unknown option '--bogus'")
        // No subcommand is the console (the default command): its options are what was parsed.
        #expect(lines.last == "  hint: Run 'kalypso-console console --help' to see the commands and options.")
        #expect(outcome.standardError.contains("Usage: kalypso-console"))
    }

    @Test func subcommandUsageNamesTheSubcommandsHelp() async {
        let outcome = await CommandRunner.run(KalypsoConsole.self, arguments: ["ui-demo", "--no-such-flag"])
        #expect(outcome.exitCode == 2)
        #expect(outcome.standardError.hasPrefix("error: Unknown option '--no-such-flag'\n"))
        #expect(outcome.standardError.contains("hint: Run 'kalypso-console ui-demo --help'"))
    }

    /// `--keys` errors are found before the terminal is touched, so this runs in-process.
    @Test func badKeyBindingsAreUsageErrors() async {
        let malformed = await CommandRunner.run(KalypsoConsole.self, arguments: ["ui-demo", "--keys", "nonsense"])
        #expect(malformed.exitCode == 2)
        #expect(malformed.standardError.hasPrefix("error: --keys: \"nonsense\" is not action=key,key\n"))
        #expect(malformed.standardError.contains("  Usage: kalypso-console ui-demo [--no-color]"))
        #expect(
            malformed.standardError.hasSuffix(
                "  hint: Run 'kalypso-console ui-demo --help' to see the commands and options.\n"))
        let unknown = await CommandRunner.run(
            KalypsoConsole.self, arguments: ["ui-demo", "--keys", "no.such.action=x"])
        #expect(unknown.exitCode == 2)
        #expect(unknown.standardError.hasPrefix("error: Invalid value for --keys\n"))
        #expect(unknown.standardError.contains("unknown action \"no.such.action\"; the actions are: "))
        #expect(unknown.standardError.contains(", table.down, "))
        #expect(
            unknown.standardError.hasSuffix("  hint: Use one of the action ids listed above, e.g. --keys 'quit=x'.\n"))
    }

    @Test func helpAndVersionGoToStandardOutputWithExitCode0() async {
        let help = await CommandRunner.run(KalypsoConsole.self, arguments: ["--help"])
        #expect(help.exitCode == 0)
        #expect(help.standardError.isEmpty)
        #expect(help.standardOutput.contains("USAGE: kalypso-console"))
        let version = await CommandRunner.run(KalypsoConsole.self, arguments: ["--version"])
        #expect(version.exitCode == 0)
        #expect(version.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty == false)
    }

    /// Operator errors exit with their category's code (README, "Exit codes") and print title, detail, hint.
    @Test func operatorErrorsUseTheirCategory() throws {
        let key = CommandRunner.outcome(for: KeyError.outOfRange, root: KalypsoConsole.self, format: .text)
        #expect(key.exitCode == 3)
        #expect(
            key.standardError == """
                error: Not a valid private key
                  the key is zero or not below the secp256k1 group order
                  hint: \(KeyError.outOfRange.hint)

                """)
        let address = CommandRunner.outcome(
            for: Address.ParseError.wrongLength(digits: 38), root: KalypsoConsole.self, format: .text)
        #expect(address.exitCode == 2)
        let abi = CommandRunner.outcome(
            for: ABIDecodingError(offset: 4, reason: "x"), root: KalypsoConsole.self, format: .text)
        #expect(abi.exitCode == 3)
    }

    /// A command tree with an async subcommand, as the chain commands will be.
    struct AsyncRoot: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "t", subcommands: [Fetch.self])
    }

    struct Fetch: AsyncParsableCommand {
        struct Unreachable: OperatorError {
            var code: ErrorCode { "test.unreachable" }
            var title: String { "The node did not answer" }
            var detail: String { "after 1 s" }
            var hint: String { "Check the RPC URL." }
            var isRetryable: Bool { true }
            var category: ErrorCategory { .unreachable }
        }
        func run() async throws {
            try await Task.sleep(for: .milliseconds(1))
            throw Unreachable()
        }
    }

    /// An async command's run is awaited (not the synchronous default, which would print help), and
    /// its error goes through the same mapping.
    @Test func asyncCommandsAreAwaited() async {
        let outcome = await CommandRunner.run(AsyncRoot.self, arguments: ["fetch"])
        #expect(outcome.exitCode == 4)
        #expect(
            outcome.standardError
                == "error: The node did not answer\n  after 1 s\n  hint: Check the RPC URL.\n  (retrying may help)\n")
    }

    struct Opaque: Error {}

    @Test func anyOtherErrorIsShownWithItsTypeAndExitCode1() {
        let outcome = CommandRunner.outcome(for: Opaque(), root: KalypsoConsole.self, format: .text)
        #expect(outcome.exitCode == 1)
        #expect(
            outcome.standardError.hasPrefix("error: Unexpected error (KalypsoConsoleTests.CommandRunnerTests.Opaque)"))
        #expect(outcome.standardError.contains("hint: This is a bug in kalypso-console"))
    }

    @Test func exitCodeErrorsPassThroughSilently() {
        let outcome = CommandRunner.outcome(for: ExitCode(130), root: KalypsoConsole.self, format: .text)
        #expect(outcome == CommandOutcome(exitCode: 130))
    }

    @Test func jsonFormatIsOneObjectOnStandardOutput() async throws {
        let outcome = await CommandRunner.run(KalypsoConsole.self, arguments: ["--bogus", "--json"])
        #expect(outcome.exitCode == 2)
        #expect(outcome.standardError.isEmpty)
        let object = try JSONSerialization.jsonObject(with: Data(outcome.standardOutput.utf8)) as? [String: Any]
        let error = try #require(object?["error"] as? [String: Any])
        #expect(error["code"] as? String == "usage.invalidArguments")
        #expect(error["title"] as? String == "Unknown option '--bogus'")
        #expect(error["retryable"] as? Bool == false)
        #expect(error["category"] as? String == "usage")
        #expect(error["exitCode"] as? Int == 2)
        let key = CommandRunner.outcome(for: KeyError.wrongLength(31), root: KalypsoConsole.self, format: .json)
        let keyObject = try JSONSerialization.jsonObject(with: Data(key.standardOutput.utf8)) as? [String: Any]
        #expect((keyObject?["error"] as? [String: Any])?["code"] as? String == "key.wrongLength")
    }

    @Test func jsonStringsAreEscaped() throws {
        let text = "quote \" backslash \\ newline \n tab \t bell \u{7}"
        let literal = CommandRunner.quoted(text)
        let decoded = try JSONSerialization.jsonObject(with: Data("[\(literal)]".utf8)) as? [String]
        #expect(decoded == [text])
    }

    /// The real binary: the message on stderr and the exit code the shell sees.
    @Test func binaryExitsWith2OnUsageErrors() throws {
        let r = try runProcess([RepoPaths.consoleBinary, "--bogus"])
        #expect(r.status == 2)
        #expect(r.output.hasPrefix("error: Unknown option '--bogus'\n"))
        let keys = try runProcess([RepoPaths.consoleBinary, "ui-demo", "--keys", "no.such.action=x"])
        #expect(keys.status == 2)
        #expect(keys.output.hasPrefix("error: Invalid value for --keys\n"))
    }

    /// A value refused by an option group several commands share: the hint names the command that ran,
    /// not always `tx`.
    @Test func sharedOptionRefusalsNameTheirCommandsHelp() async {
        let cases: [([String], String)] = [
            (
                ["tx", "speed-up", "0xab", "--rpc", "http://127.0.0.1:9", "--fee-cap", "lots"],
                "kalypso-console tx speed-up"
            ),
            (
                ["tx", "cancel", "0xab", "--rpc", "http://127.0.0.1:9", "--fee-cap", "lots"],
                "kalypso-console tx cancel"
            ),
            (
                [
                    "tx", "cancel", "0xab", "--rpc", "http://127.0.0.1:9", "--database", "/nonexistent/k.sqlite",
                    "--key-file", "/nonexistent/k", "--from-env",
                ], "kalypso-console tx cancel"
            ),
        ]
        for (arguments, command) in cases {
            let outcome = await CommandRunner.run(KalypsoConsole.self, arguments: arguments)
            #expect(outcome.exitCode == 2, "\(arguments)")
            #expect(
                outcome.standardError.hasSuffix("  hint: Run '\(command) --help' to see the commands and options.\n"),
                "\(outcome.standardError)")
        }
        // Thrown with the command already named, the error keeps it.
        let named = TxUsageError(message: "m", command: "kalypso-console jobs")
        #expect(named.hint == "Run 'kalypso-console jobs --help' to see the commands and options.")
    }
}
