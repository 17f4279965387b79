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
struct ConsoleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "console",
        abstract: "Open the operator console (the default command): markets, jobs, rewards, activity.")

    @OptionGroup var terminal: TerminalOptions

    @Option(help: "kalypso-config.json to use (else $KALYPSO_CONFIG, ./kalypso-config.json, the XDG folder).")
    var config: String?

    @Option(help: "A built-in network profile (arbitrum-one, arbitrum-sepolia-a, arbitrum-sepolia-b).")
    var network: String?

    @Option(help: "The cache and journal database file (instead of the network's default).")
    var database: String?

    @Option(help: "Sign with this encrypted keystore (Web3 Secret Storage v3).")
    var keystore: String?

    @Option(name: .customLong("key-file"), help: "Sign with the key in this file (hex, mode 600).")
    var keyFile: String?

    @Option(name: .customLong("password-file"), help: "The keystore's password: first line of this file (mode 600).")
    var passwordFile: String?

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
        let start: Int
        if let screen {
            guard let i = registry.index(named: screen) else {
                throw ConsoleUsageError(
                    message: "--screen: no screen named \"\(screen)\"",
                    hint: "Screens: \(registry.names.joined(separator: ", ")).")
            }
            start = i
        } else {
            start = 0
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
        let loaded = try ConfigLoader().load(flag: config, network: network).config
        // The flag wins over the config; either way no key is loaded at all.
        let readOnly = terminal.readOnly || loaded.readOnly
        let keys: KeyTable
        do {
            keys = try ConsoleKeys.table(registry: registry, overrides: overrides, readOnly: readOnly)
        } catch {
            throw InvalidOptionValue(option: "--keys", command: "kalypso-console console", underlying: error)
        }
        let operatorAddress = try readOnly ? loaded.operatorAddress : operatorFromKey(loaded)
        let path = try databasePath(loaded)
        let services = try LiveConsoleServices(
            config: loaded, database: try KalypsoDatabase(path: path), operatorAddress: operatorAddress)
        let state = ConsoleState(
            network: services.network, keys: keys, registry: registry, initialScreen: start, now: Date(),
            bellOnDeadline: bell, pollInterval: loaded.refresh.chainPoll)
        let code = try terminal.session.run { _, _ in ConsoleApplication(state: state, services: services) }
        if code != 0 { throw ExitCode(code) }
    }

    /// The operator's address from the key (a wrong password fails here, before the screen opens); it
    /// must match the config's `operator` when both are given.
    func operatorFromKey(_ config: KalypsoConfig) throws -> Address? {
        let environment = ProcessInfo.processInfo.environment
        let spec: KeySpec?
        if let keystore {
            spec = .keystore(path: keystore, passwordFile: passwordFile)
        } else if let keyFile {
            spec = .keyFile(path: keyFile)
        } else if environment[EnvironmentKeySource.operatorVariable] != nil {
            spec = .environment(variable: EnvironmentKeySource.operatorVariable)
        } else {
            spec = nil
        }
        guard let spec else { return config.operatorAddress }
        let source = spec.source(
            passwords: TerminalPasswordPrompt(), environment: environment,
            warn: { writeStandardError("kalypso-console: \($0)\n") })
        let address = try source.loadKey().address
        if let configured = config.operatorAddress, configured != address {
            throw ConsoleUsageError(
                message: "the key is for \(address.checksummed) but the config's operator is \(configured.checksummed)",
                hint: "Use the key of the configured operator, or change \"operator\" in the config.")
        }
        return address
    }

    func databasePath(_ config: KalypsoConfig) throws -> String {
        if let database { return database }
        let parts = [config.networkName ?? network ?? "chain", config.chainId.map { String($0) }].compactMap { $0 }
        return KalypsoDatabase.defaultPath(
            network: parts.joined(separator: "-"), environment: ProcessInfo.processInfo.environment)
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
