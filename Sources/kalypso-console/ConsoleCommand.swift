import ArgumentParser
import Basics
import CSystem
import ConsoleApp
import EthereumKit
import Foundation
import KalypsoKit
import KalypsoStore
import TerminalKit

/// `kalypso-console` (no subcommand) and `kalypso-console console`: the operator console.
struct ConsoleCommand: ParsableCommand, GlobalOptionsCommand {
    static var globalFlags: Set<String> { OperatorOptions.flagNames.union(GlobalFlags.terminalFlags) }
    static var globalOptions: Set<String> { OperatorOptions.optionNames.union(GlobalFlags.terminalOptions) }

    static let configuration = CommandConfiguration(
        commandName: "console",
        abstract: "Open the operator console (the default command): markets, jobs, rewards, activity.")

    @OptionGroup var options: OperatorOptions

    @OptionGroup var appearance: TerminalAppearance

    @Option(help: "The screen to open: \(ScreenRegistry.standard.names.joined(separator: ", ")).")
    var screen: String?

    @Option(
        name: .customLong("keys"),
        help: "Key remapping as action=key,key;... (e.g. \"table.down=n,Down;quit=x\"; ? in the console lists ids).")
    var keyOverrides: String?

    @Flag(help: "Ring the terminal bell when one of our job deadlines comes near.")
    var bell = false

    func run() throws {
        let registry = ScreenRegistry.standard
        // The screen asked for; nil: the default (Onboarding until onboarded, Markets when read-only).
        var start: Int?
        if let screen {
            guard let i = registry.index(named: screen) else {
                throw ConsoleUsageError(
                    message: "--screen: no screen named \"\(screen)\"",
                    hint: "Screens: \(registry.names.joined(separator: ", ")).")
            }
            start = i
        }
        var overrides: [String: [String]] = [:]
        if let keyOverrides {
            switch ConsoleKeys.parseOverrides(keyOverrides) {
            case .success(let o): overrides = o
            case .failure(let e):
                throw ConsoleUsageError(
                    message: "--keys: \"\(e.part)\" is not action=key,key",
                    hint: "Write --keys \"table.down=n,Down;quit=x\"; the ids are listed under ? in the console.")
            }
        }
        // Before any prompt or file: without a terminal nothing else is worth doing.
        if isatty(0) == 0 || isatty(1) == 0 {
            throw TerminalStartError(
                message: "\(isatty(1) == 0 ? "stdout" : "stdin") is not a terminal, so the console cannot start",
                hint:
                    "run it in a terminal (over SSH: ssh -t); for scripts use the headless commands, e.g. kalypso-console markets --refresh"
            )
        }
        let loaded = try options.loadConfig()
        // The flag wins over the config; either way no key is loaded at all.
        let readOnly = options.isReadOnly(config: loaded)
        let keys: KeyTable
        do {
            keys = try ConsoleKeys.table(registry: registry, overrides: overrides, readOnly: readOnly)
        } catch {
            throw InvalidOptionValue(option: "--keys", command: "kalypso-console console", underlying: error)
        }
        // The key is loaded before the screen opens, so a password prompt or a wrong key is plain text.
        let key = readOnly ? nil : try options.loadOperatorKey(config: loaded, action: "the console's writes")
        if let key, let configured = loaded.operatorAddress, configured != key.address {
            throw ConsoleUsageError(
                message:
                    "the key is for \(key.address.checksummed) but the config's operator is \(configured.checksummed)",
                hint: "Use the key of the configured operator, or change \"operator\" in the config.")
        }
        let services = try LiveConsoleServices(
            config: loaded, databasePath: options.databasePath(config: loaded), key: key,
            operatorAddress: key?.address ?? loaded.operatorAddress)
        if !readOnly {
            // The wizard's enclave form asks for the gas key only when it is used (the enclave configuration).
            let options = self.options
            services.onboardingHooks.withLock {
                $0.gasKey = { try options.loadGasKey(config: loaded, action: "configuring the enclave") }
                $0.gasKeyFile = options.gasKeyFile
            }
        }
        // Without --screen: Onboarding until the first probe finds the operator onboarded, then Markets; a
        // read-only console (a teammate watching, a shared screen) has no wizard to run and opens on Markets.
        var state = ConsoleState(
            network: services.network, keys: keys, registry: registry,
            initialScreen: start ?? (readOnly ? registry.index(named: MarketsScreen.name) ?? 0 : 0), now: Date(),
            bellOnDeadline: bell, pollInterval: loaded.refresh.chainPoll,
            openOnboardingUntilComplete: start == nil && !readOnly)
        // The first snapshot before the terminal opens (the cache only: milliseconds), so the first frame shows
        // the operator's world rather than "loading". The effects it asks for (the sync, the chain details)
        // are asked for again by the application's start, which sees the snapshot.
        do {
            state = ConsoleCore.update(state, .loaded(.success(try services.cachedSnapshot()))).0
        } catch {
            // Left to the application's own first load, which shows the failure on the screen.
        }
        let code = try appearance.session.run { _, _ in ConsoleApplication(state: state, services: services) }
        if code != 0 { throw ExitCode(code) }
    }
}

/// A console option the command refused (exit 2).
struct ConsoleUsageError: OperatorError {
    var message: String
    var hint: String
    var code: ErrorCode { "usage.console" }
    var title: String { message }
    var detail: String { "" }
    var category: ErrorCategory { .usage }
}
