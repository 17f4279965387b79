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
            Without a subcommand it opens the console (the same as 'kalypso-console console').

            Every operator command accepts --config, --network, --key-file | --keystore (else \
            $KALYPSO_PRIVATE_KEY), --gas-key-file | --gas-keystore (else $KALYPSO_GAS_PRIVATE_KEY), \
            --password-file, --database, --json, --yes, --dry-run and --read-only, before or after its name.

            Exit codes:
              0  done (also a step that must wait: it says when to run again, and what)
              2  usage: a wrong command line or argument, or a write under --read-only
              3  configuration or key
              4  chain or enclave unreachable
              5  refused by a pre-flight check or by the contract (a revert)
              6  the enclave refused
              1  a bug in kalypso-console
            """,
        version: ConsoleApp.version,
        subcommands: [
            ConsoleCommand.self,
            Version.self,
            UIDemo.self,
            ConfigCommand.self,
            KeyCommand.self,
            MarketsCommand.self,
            JobsCommand.self,
            StakeCommand.self,
            StatusCommand.self,
            RegisterCommand.self,
            JoinCommand.self,
            VerifyKeyCommand.self,
            LeaveCommand.self,
            ComputeCommand.self,
            UnstakeCommand.self,
            WithdrawCommand.self,
            ClaimCommand.self,
            SetRewardAddressCommand.self,
            SetMetadataCommand.self,
            DiscardCommand.self,
            DeregisterCommand.self,
            EnclaveConfigCommand.self,
            BenchmarkCommand.self,
            StartCommand.self,
            UpdateKeyCommand.self,
            OnboardCommand.self,
            MonitorCommand.self,
            Tx.self,
            DecodeError.self,
        ],
        defaultSubcommand: ConsoleCommand.self
    )
}

struct Version: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Print the version and exit.")
    func run() { print("kalypso-console \(ConsoleApp.version)") }
}

ks_unblock_terminal_signals()
// Not `KalypsoConsole.main`: every error, the parser's included, goes through CommandRunner's one mapping.
let outcome = await CommandRunner.run(
    KalypsoConsole.self,
    arguments: GlobalFlags.reorder(Array(CommandLine.arguments.dropFirst()), root: KalypsoConsole.self))
if !outcome.standardOutput.isEmpty { FileHandle.standardOutput.write(Data(outcome.standardOutput.utf8)) }
if !outcome.standardError.isEmpty { FileHandle.standardError.write(Data(outcome.standardError.utf8)) }
exit(outcome.exitCode)
