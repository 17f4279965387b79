import ArgumentParser
import Basics
import BigInt
import EthereumKit
import Foundation
import KalypsoKit
import KalypsoStore

/// What the commands that sign need: the node, the key, the fee policy and the prompt. Each falls back
/// to kalypso-config.json when not given on the command line.
struct SendingOptions: ParsableArguments {
    @Option(help: "The JSON-RPC URL of the node (else the configuration's rpcHttp).")
    var rpc: String?

    @Option(help: "Sign with this encrypted keystore (Web3 Secret Storage v3).")
    var keystore: String?

    @Option(name: .customLong("key-file"), help: "Sign with the key in this file (hex, mode 600).")
    var keyFile: String?

    @Flag(
        name: .customLong("from-env"), help: "Sign with $KALYPSO_PRIVATE_KEY (visible to your other processes).")
    var fromEnvironment = false

    @OptionGroup var password: PasswordOptions

    @Option(name: .customLong("fee-cap"), help: "Refuse if the fee could exceed this many ETH (else the config's).")
    var feeCap: String?

    @Option(help: "Blocks to wait for, counting the one that mines it (else the config's).")
    var confirmations: UInt64?

    @Option(help: "Seconds to wait for the receipt before leaving it pending in the journal.")
    var timeout: Int = 180

    @Flag(help: "Do not ask: send after printing the review.")
    var yes = false

    /// The configuration, unless `--rpc` makes the command self-contained.
    func config(_ journalOptions: JournalOptions) throws -> KalypsoConfig? {
        rpc == nil ? try journalOptions.loadConfig() : nil
    }

    func settings(_ journalOptions: JournalOptions, config: KalypsoConfig?) throws -> SenderSettings {
        let urls = rpc.map { [$0] } ?? config?.rpcHttp.map(\.url.absoluteString) ?? []
        guard !urls.isEmpty else {
            throw TxKeyError(
                title: "No RPC URL", detail: "neither --rpc nor rpcHttp in the configuration",
                hint: "Pass --rpc http://HOST:PORT or set rpcHttp in kalypso-config.json.")
        }
        var cap = config?.fees.maxTotalFee
        if let feeCap {
            do { cap = try Units.parseEther(feeCap) } catch {
                throw TxUsageError(message: "--fee-cap: expected an amount of ETH such as 0.01, found \"\(feeCap)\"")
            }
        }
        return SenderSettings(
            rpcURLs: urls, expectedChainId: config?.chainId,
            databasePath: try journalOptions.databasePath(config: config),
            feeCap: cap, feeCapPerGas: config?.fees.maxFeePerGas,
            confirmations: max(1, confirmations ?? UInt64(max(1, config?.confirmations ?? 1))), timeoutSeconds: timeout)
    }

    /// The key: `--keystore`, `--key-file`, `--from-env`, the configuration's operator key, or
    /// `$KALYPSO_PRIVATE_KEY` when set (with a warning). Messages never contain the key.
    func loadKey(config: KalypsoConfig?) throws -> PrivateKey {
        let warn: @Sendable (String) -> Void = { FileHandle.standardError.write(Data(($0 + "\n").utf8)) }
        let chosen = [keystore != nil, keyFile != nil, fromEnvironment].filter { $0 }.count
        guard chosen <= 1 else {
            throw TxUsageError(message: "give at most one of --keystore, --key-file and --from-env")
        }
        let source: any KeySource
        if let keystore {
            source = KeystoreSource(path: keystore, password: password.source)
        } else if let keyFile {
            source = KeyFileSource(path: keyFile)
        } else if fromEnvironment {
            source = EnvironmentKeySource(variable: EnvironmentKeySource.operatorVariable, warn: warn)
        } else if let spec = config?.operatorKey {
            source = spec.source(passwords: password.source, warn: warn)
        } else if let env = ProcessInfo.processInfo.environment[EnvironmentKeySource.operatorVariable], !env.isEmpty {
            source = EnvironmentKeySource(variable: EnvironmentKeySource.operatorVariable, warn: warn)
        } else {
            throw TxKeyError(
                title: "No key to sign with",
                detail: "no --keystore, --key-file or --from-env, and no operator key configured",
                hint: "Pass --key-file PATH (a file with the key as hex, mode 600) or --keystore PATH.")
        }
        return try source.loadKey()
    }

    /// The question asked before signing, unless `--yes`.
    func approval() -> TransactionSender.Approval { headlessApproval(yes: yes) }
}

/// A missing or unreadable key or RPC URL (exit 3).
struct TxKeyError: OperatorError {
    var title: String
    var detail: String
    var hint: String
    var code: ErrorCode { "tx.configuration" }
    var category: ErrorCategory { .configuration }
}

/// The sender's settings, read from the command line and the configuration once (plain values, safe
/// to hand to a task).
struct SenderSettings: Sendable {
    var rpcURLs: [String]
    var expectedChainId: UInt64?
    var databasePath: String
    var feeCap: BigUInt?
    var feeCapPerGas: BigUInt?
    var confirmations: UInt64 = 1
    var timeoutSeconds: Int = 180
}

/// Opens the node, checks its chain id, and builds the sender over the journal.
func makeSender(_ settings: SenderSettings) async throws -> TransactionSender {
    let journal = TransactionJournal(database: try KalypsoDatabase(path: settings.databasePath))
    let (chain, chainId) = try await ChainConnection.open(urls: settings.rpcURLs)
    if let expected = settings.expectedChainId, BigUInt(expected) != chainId {
        throw PipelineError(.wrongChain(expected: BigUInt(expected), found: chainId))
    }
    var policy = FeePolicy(
        rules: FeeRules.forChain(chainId), feeCap: settings.feeCap, confirmations: settings.confirmations)
    policy.feeCapPerGas = settings.feeCapPerGas
    var sender = TransactionSender(
        chain: chain, journal: journal, chainId: chainId, policy: policy, errors: try KnownErrors.registry())
    sender.waitTimeout = .seconds(settings.timeoutSeconds)
    return sender
}

/// Prints how a transaction ended: a line of text, or JSON with the journal row.
func report(_ outcome: TransactionMachine.Outcome, journal: TransactionJournal, json: Bool) throws {
    let hash: String
    switch outcome {
    case .confirmed(let h, _): hash = h
    case .replaced(let h, _): hash = h
    }
    if json {
        guard let row = try journal.entry(hash: hash) else { return }
        print(try TxJSON.text(TxJSON.object(row)))
        return
    }
    switch outcome {
    case .confirmed(let h, let receipt): print("confirmed \(h) in block \(receipt.blockNumber)")
    case .replaced(let h, let by): print("replaced \(h) by \(by)")
    }
}

/// `tx speed-up HASH`: the same call with the same nonce and higher fees.
struct TxSpeedUp: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "speed-up", abstract: "Resend a pending transaction with the same nonce and higher fees.")

    @OptionGroup var journalOptions: JournalOptions
    @OptionGroup var sending: SendingOptions
    @Argument(help: "The pending transaction's hash.") var hash: String

    func run() async throws {
        try await runReplacement(kind: .speedUp, hash: hash, journalOptions: journalOptions, sending: sending)
    }
}

/// `tx cancel HASH`: 0 ETH to oneself with the same nonce, so the original can never be mined.
struct TxCancel: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cancel", abstract: "Replace a pending transaction by a 0 ETH transfer to yourself.")

    @OptionGroup var journalOptions: JournalOptions
    @OptionGroup var sending: SendingOptions
    @Argument(help: "The pending transaction's hash.") var hash: String

    func run() async throws {
        try await runReplacement(kind: .cancel, hash: hash, journalOptions: journalOptions, sending: sending)
    }
}

func runReplacement(
    kind: TransactionSender.ReplacementKind, hash: String, journalOptions: JournalOptions, sending: SendingOptions
) async throws {
    let config = try sending.config(journalOptions)
    let settings = try sending.settings(journalOptions, config: config)
    let key = try sending.loadKey(config: config)
    let approve = sending.approval()
    let json = journalOptions.json
    let sender = try await makeSender(settings)
    // A crash may have left rows behind: bring the journal up to date before replacing anything.
    _ = try await sender.recover()
    let outcome = try await sender.replace(hash: hash, kind: kind, signer: key, approve: approve)
    try report(outcome, journal: sender.journal, json: json)
}

/// `tx recover`: what every start does: re-send or settle the rows a crash left open.
struct TxRecover: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "recover", abstract: "Re-send or settle journaled transactions left open by a crash.")

    @OptionGroup var journalOptions: JournalOptions
    @Option(help: "The JSON-RPC URL of the node (or $KALYPSO_RPC_URL).") var rpc: String?

    func run() async throws {
        let config = rpc == nil ? try journalOptions.loadConfig() : nil
        guard let url = rpc ?? config?.rpcHttp.first?.url.absoluteString else {
            throw TxKeyError(
                title: "No RPC URL", detail: "neither --rpc nor rpcHttp in the configuration",
                hint: "Pass --rpc http://HOST:PORT.")
        }
        let settings = SenderSettings(
            rpcURLs: [url], expectedChainId: config?.chainId,
            databasePath: try journalOptions.databasePath(config: config))
        let results = try await makeSender(settings).recover()
        if journalOptions.json {
            let items: [[String: Any]] = results.map {
                ["hash": $0.hash, "nonce": $0.nonce, "before": $0.before.rawValue, "after": $0.after.rawValue]
            }
            print(try TxJSON.text(["recovered": items]))
            return
        }
        if results.isEmpty { print("Nothing to recover.") }
        for r in results { print("\(r.hash) nonce \(r.nonce): \(r.before.rawValue) → \(r.after.rawValue)") }
    }
}
