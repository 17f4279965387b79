import ArgumentParser
import CSystem
import ConsoleApp
import Foundation

/// Entry point: picks a front end from the subcommand.
struct KalypsoConsole: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kalypso-console",
        abstract: "A terminal console for Kalypso hardware operators.",
        discussion: """
            Onboarding, markets, stake, jobs and rewards for Kalypso provers, over SSH.
            The console screens arrive with the next releases; this build provides the subcommands below.
            """,
        version: ConsoleApp.version,
        subcommands: [
            Version.self,
            UIDemo.self,
            ConfigCommand.self,
            KeyCommand.self,
            MarketsCommand.self,
            JobsCommand.self,
            StakeCommand.self,
            MonitorCommand.self,
            Tx.self,
            DecodeError.self,
        ]
    )
}

struct Version: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Print the version and exit.")
    func run() { print("kalypso-console \(ConsoleApp.version)") }
}

ks_unblock_terminal_signals()
// Not `KalypsoConsole.main`: every error, the parser's included, goes through CommandRunner's one mapping.
let outcome = await CommandRunner.run(
    KalypsoConsole.self, arguments: GlobalFlags.reorder(Array(CommandLine.arguments.dropFirst())))
if !outcome.standardOutput.isEmpty { FileHandle.standardOutput.write(Data(outcome.standardOutput.utf8)) }
if !outcome.standardError.isEmpty { FileHandle.standardError.write(Data(outcome.standardError.utf8)) }
exit(outcome.exitCode)
