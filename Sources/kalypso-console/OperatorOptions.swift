import ArgumentParser
import Basics
import EthereumKit
import Foundation
import KalypsoKit
import KalypsoStore

/// The options every operator command accepts (issue 9, "Global"): where the configuration, the keys and
/// the database are, and how the command talks (`--json`) and sends (`--yes`, `--dry-run`, `--read-only`).
///
/// A command that sends nothing ignores `--yes`, `--dry-run` and the gas key. ``GlobalFlags`` moves these
/// options after the command name, so they work before and after it.
struct OperatorOptions: ParsableArguments, ConfigLocation {
    @Option(help: configHelp) var config: String?

    @Option(help: networkHelp) var network: String?

    @Option(name: .customLong("key-file"), help: "The operator key: a file holding it as hex (mode 600).")
    var keyFile: String?

    @Option(help: "The operator key: an encrypted keystore (Web3 Secret Storage v3). Else $KALYPSO_PRIVATE_KEY.")
    var keystore: String?

    @Option(name: .customLong("gas-key-file"), help: "The enclave's gas key: a file holding it as hex (mode 600).")
    var gasKeyFile: String?

    @Option(
        name: .customLong("gas-keystore"),
        help: "The enclave's gas key: an encrypted keystore. Else $KALYPSO_GAS_PRIVATE_KEY.")
    var gasKeystore: String?

    @OptionGroup var password: PasswordOptions

    @Option(help: databaseHelp) var database: String?

    @Flag(help: "Print one JSON object for scripts.")
    var json = false

    @Flag(help: "Do not ask before sending: send after printing the review.")
    var yes = false

    @Flag(name: .customLong("dry-run"), help: "Stop after the simulation and print the review; nothing is signed.")
    var dryRun = false

    @Flag(name: .customLong("read-only"), help: "Load no key; every write is refused (exit 2).")
    var readOnly = false

    /// The option names ``GlobalFlags`` moves after the command name: flags alone, options with a value.
    static let flagNames: Set<String> = ["--json", "--yes", "--dry-run", "--read-only"]
    static let optionNames: Set<String> = [
        "--config", "--network", "--key-file", "--keystore", "--gas-key-file", "--gas-keystore", "--password-file",
        "--database",
    ]

    func validate() throws {
        if keyFile != nil, keystore != nil {
            throw ValidationError("give at most one of --key-file and --keystore")
        }
        if gasKeyFile != nil, gasKeystore != nil {
            throw ValidationError("give at most one of --gas-key-file and --gas-keystore")
        }
    }

    // MARK: - Configuration and database

    static let configHelp = ArgumentHelp(
        "kalypso-config.json to use (else $KALYPSO_CONFIG, ./kalypso-config.json, the XDG folder).")
    static let networkHelp = ArgumentHelp(
        "A built-in network profile (arbitrum-one, arbitrum-sepolia-a, arbitrum-sepolia-b).")
    static let databaseHelp = ArgumentHelp(
        "The database file (cache and transaction journal) instead of the network's default.")

    /// The network's database file under the XDG state folder, named by network and chain id: two networks
    /// that share a name (a devnet restarted on another chain) never mix.
    static func defaultDatabasePath(config loaded: KalypsoConfig, network: String?) -> String {
        let parts = [loaded.networkName ?? network ?? "chain", loaded.chainId.map { String($0) }].compactMap { $0 }
        return KalypsoDatabase.defaultPath(
            network: parts.joined(separator: "-"), environment: ProcessInfo.processInfo.environment)
    }

    /// Opens (creating if needed) the database that holds the journal and the cache.
    func openDatabase(config loaded: KalypsoConfig) throws -> KalypsoDatabase {
        try KalypsoDatabase(path: databasePath(config: loaded))
    }

    /// The transaction journal of this network.
    func openJournal(config loaded: KalypsoConfig) throws -> TransactionJournal {
        TransactionJournal(database: try openDatabase(config: loaded))
    }

    // MARK: - Keys

    /// Whether writes are refused: `--read-only`, or `readOnly` in the configuration.
    func isReadOnly(config loaded: KalypsoConfig) -> Bool { readOnly || loaded.readOnly }

    /// The operator's signing key: `--key-file`, `--keystore`, the configuration's `operatorKey`, else
    /// `$KALYPSO_PRIVATE_KEY`. Refused under `--read-only` (exit 2). Messages never contain the key.
    func loadOperatorKey(config loaded: KalypsoConfig, action: String) throws -> PrivateKey {
        if isReadOnly(config: loaded) { throw ReadOnlyRefusal(action: action, byFlag: readOnly) }
        let source = try keySource(
            file: keyFile, keystore: keystore, configured: loaded.operatorKey,
            variable: EnvironmentKeySource.operatorVariable, role: "operator key",
            hint: "Pass --key-file PATH (the key as hex, mode 600), --keystore PATH, or set $KALYPSO_PRIVATE_KEY.")
        return try source.loadKey()
    }

    /// The enclave's gas key: `--gas-key-file`, `--gas-keystore`, the configuration's `enclaveGasKey`, else
    /// `$KALYPSO_GAS_PRIVATE_KEY`. Refused under `--read-only` (exit 2).
    func loadGasKey(config loaded: KalypsoConfig, action: String) throws -> PrivateKey {
        if isReadOnly(config: loaded) { throw ReadOnlyRefusal(action: action, byFlag: readOnly) }
        let source = try keySource(
            file: gasKeyFile, keystore: gasKeystore, configured: loaded.enclaveGasKey,
            variable: EnvironmentKeySource.gasVariable, role: "gas key",
            hint: "Pass --gas-key-file PATH, --gas-keystore PATH, or set $KALYPSO_GAS_PRIVATE_KEY.")
        return try source.loadKey()
    }

    /// The operator address without loading a key: the configuration's `operator`, else the key's address
    /// (loaded only when not read-only).
    func operatorAddress(config loaded: KalypsoConfig) throws -> Address {
        if let address = loaded.operatorAddress { return address }
        if isReadOnly(config: loaded) {
            throw OptionsError(
                title: "No operator address", detail: "read-only and no \"operator\" in the configuration",
                hint: "Set \"operator\" in kalypso-config.json, or drop --read-only so the key gives the address.")
        }
        return try loadOperatorKey(config: loaded, action: "reading the operator's address").address
    }

    private func keySource(
        file: String?, keystore: String?, configured: KeySpec?, variable: String, role: String, hint: String
    ) throws -> any KeySource {
        let warn: @Sendable (String) -> Void = { FileHandle.standardError.write(Data(($0 + "\n").utf8)) }
        let environment = ProcessInfo.processInfo.environment
        if let keystore { return KeystoreSource(path: keystore, password: password.source) }
        if let file { return KeyFileSource(path: file) }
        if let configured { return configured.source(passwords: password.source, warn: warn) }
        if let value = environment[variable], !value.isEmpty {
            return EnvironmentKeySource(variable: variable, environment: environment, warn: warn)
        }
        throw OptionsError(
            title: "No \(role) to sign with", detail: "no flag, no entry in the configuration and no $\(variable)",
            hint: hint)
    }
}

/// Where the configuration and the database are (`--config`, `--network`, `--database`): what a command
/// needs to read the chain or the cache, with or without a key.
protocol ConfigLocation {
    var config: String? { get }
    var network: String? { get }
    var database: String? { get }
}

extension ConfigLocation {
    /// The configuration (`--config`, `--network`, then the usual places).
    func loadConfig() throws -> KalypsoConfig {
        try ConfigLoader().load(flag: config, network: network).config
    }

    /// The database file: `--database`, or one per network (name and chain id) under the XDG state folder.
    func databasePath(config loaded: KalypsoConfig) -> String {
        database ?? OperatorOptions.defaultDatabasePath(config: loaded, network: network)
    }

    /// The configuration and the database file it uses.
    func location() throws -> (KalypsoConfig, String) {
        let loaded = try loadConfig()
        return (loaded, databasePath(config: loaded))
    }
}

/// A write asked for under `--read-only` (or `readOnly` in the configuration): exit 2, nothing loaded.
struct ReadOnlyRefusal: OperatorError {
    var action: String
    var byFlag: Bool
    var code: ErrorCode { "usage.readOnly" }
    var title: String { "Read-only: \(action) would sign a transaction" }
    var detail: String {
        byFlag ? "--read-only loads no key and refuses every write" : "the configuration sets \"readOnly\": true"
    }
    var hint: String {
        byFlag ? "Run the command again without --read-only." : "Set \"readOnly\": false in kalypso-config.json."
    }
    var category: ErrorCategory { .usage }
}
