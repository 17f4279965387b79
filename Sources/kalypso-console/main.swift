import ArgumentParser
import CSystem
import ConsoleApp

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
        subcommands: [Version.self, UIDemo.self, DecodeError.self, KeyCommand.self, ConfigCommand.self]
    )
}

struct Version: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Print the version and exit.")
    func run() { print("kalypso-console \(ConsoleApp.version)") }
}

ks_unblock_terminal_signals()
KalypsoConsole.main(GlobalFlags.reorder(Array(CommandLine.arguments.dropFirst())))
