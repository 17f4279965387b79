import ArgumentParser
import Basics
import BigInt
import EthereumKit
import Foundation
import KalypsoKit
import KalypsoStore

/// What the commands that sign need: the node, the key, the fee policy and the prompt.
struct SendingOptions: ParsableArguments {
    @Option(help: "The JSON-RPC URL of the node (or $KALYPSO_RPC_URL).")
    var rpc: String?

    @Option(
        name: .customLong("key-file"),
        help: "A file holding the sending key as hex (or $KALYPSO_PRIVATE_KEY).")
    var keyFile: String?

    @Option(name: .customLong("fee-cap"), help: "Refuse if the fee could exceed this many ETH.")
    var feeCap: String?

    @Option(help: "Blocks to wait for after the one that mines it.")
    var confirmations: UInt64 = 1

    @Option(help: "Seconds to wait for the receipt before leaving it pending in the journal.")
    var timeout: Int = 180

    @Flag(help: "Do not ask: send after printing the review.")
    var yes = false

    func rpcURL() throws -> String {
        guard let url = rpc ?? ProcessInfo.processInfo.environment["KALYPSO_RPC_URL"], !url.isEmpty else {
            throw TxKeyError(
                title: "No RPC URL", detail: "neither --rpc nor $KALYPSO_RPC_URL is set",
                hint: "Pass --rpc http://HOST:PORT.")
        }
        return url
    }

    func feeCapWei() throws -> BigUInt? {
        guard let feeCap else { return nil }
        do { return try Units.parseEther(feeCap) } catch {
            throw TxUsageError(message: "--fee-cap: expected an amount of ETH such as 0.01, found \"\(feeCap)\"")
        }
    }

    /// The key from `--key-file` or `$KALYPSO_PRIVATE_KEY`; messages never contain the key.
    func loadKey(warn: (String) -> Void) throws -> PrivateKey {
        var text: String
        if let keyFile {
            do { text = try String(contentsOfFile: keyFile, encoding: .utf8) } catch {
                throw TxKeyError(
                    title: "Cannot read the key file", detail: "\(keyFile): \((error as NSError).localizedDescription)",
                    hint: "Check the path and that this user can read it.")
            }
        } else if let env = ProcessInfo.processInfo.environment["KALYPSO_PRIVATE_KEY"], !env.isEmpty {
            warn("warning: using $KALYPSO_PRIVATE_KEY; other processes of this user can read the environment")
            text = env
        } else {
            throw TxKeyError(
                title: "No key to sign with", detail: "neither --key-file nor $KALYPSO_PRIVATE_KEY is set",
                hint: "Pass --key-file PATH (a file with the key as hex, mode 600).")
        }
        defer { text = "" }
        do {
            return try PrivateKey(hex: text.trimmingCharacters(in: .whitespacesAndNewlines))
        } catch {
            let report = ErrorReport(error)
            throw TxKeyError(
                title: "The key is not valid",
                detail: report.title + (report.detail.isEmpty ? "" : ": \(report.detail)"),
                hint: "The key must be 64 hex digits, with or without 0x.")
        }
    }

    /// The question asked before signing, unless `--yes`.
    func approval(json: Bool) -> TransactionSender.Approval {
        let yes = self.yes
        return { review in
            let text = review.lines.joined(separator: "\n") + "\n"
            FileHandle.standardError.write(Data(text.utf8))
            if yes { return true }
            guard isatty(0) == 1 else {
                FileHandle.standardError.write(Data("not a terminal and no --yes: nothing sent\n".utf8))
                return false
            }
            FileHandle.standardError.write(Data("Sign and send? [y/N] ".utf8))
            let answer = readLine()?.trimmingCharacters(in: .whitespaces).lowercased()
            return answer == "y" || answer == "yes"
        }
    }
}

/// A missing or unreadable key or RPC URL (exit 3).
struct TxKeyError: OperatorError {
    var title: String
    var detail: String
    var hint: String
    var code: ErrorCode { "tx.configuration" }
    var category: ErrorCategory { .configuration }
}

/// The sender's settings, read from the command line once (plain values, safe to hand to a task).
struct SenderSettings: Sendable {
    var rpcURL: String
    var feeCap: BigUInt?
    var confirmations: UInt64 = 1
    var timeoutSeconds: Int = 180
}

extension SendingOptions {
    func settings() throws -> SenderSettings {
        SenderSettings(
            rpcURL: try rpcURL(), feeCap: try feeCapWei(), confirmations: max(1, confirmations),
            timeoutSeconds: timeout)
    }
}

/// Opens the node, checks its chain id, and builds the sender over the journal.
func makeSender(journal journalOptions: JournalOptions, settings: SenderSettings) async throws -> TransactionSender {
    let journal = try journalOptions.openJournal()
    let (chain, chainId) = try await ChainConnection.open(url: settings.rpcURL)
    let policy = FeePolicy(
        rules: FeeRules.forChain(chainId), feeCap: settings.feeCap, confirmations: settings.confirmations)
    var sender = TransactionSender(
        chain: chain, journal: journal, chainId: chainId, policy: policy, errors: KnownErrors.registry())
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
struct TxSpeedUp: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "speed-up", abstract: "Resend a pending transaction with the same nonce and higher fees.")

    @OptionGroup var journalOptions: JournalOptions
    @OptionGroup var sending: SendingOptions
    @Argument(help: "The pending transaction's hash.") var hash: String

    func run() throws {
        try runReplacement(kind: .speedUp, hash: hash, journalOptions: journalOptions, sending: sending)
    }
}

/// `tx cancel HASH`: 0 ETH to oneself with the same nonce, so the original can never be mined.
struct TxCancel: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cancel", abstract: "Replace a pending transaction by a 0 ETH transfer to yourself.")

    @OptionGroup var journalOptions: JournalOptions
    @OptionGroup var sending: SendingOptions
    @Argument(help: "The pending transaction's hash.") var hash: String

    func run() throws {
        try runReplacement(kind: .cancel, hash: hash, journalOptions: journalOptions, sending: sending)
    }
}

func runReplacement(
    kind: TransactionSender.ReplacementKind, hash: String, journalOptions: JournalOptions, sending: SendingOptions
) throws {
    let key = try sending.loadKey { FileHandle.standardError.write(Data(($0 + "\n").utf8)) }
    let approve = sending.approval(json: journalOptions.json)
    let json = journalOptions.json
    let settings = try sending.settings()
    try runBlocking {
        let sender = try await makeSender(journal: journalOptions, settings: settings)
        // A crash may have left rows behind: bring the journal up to date before replacing anything.
        _ = try await sender.recover()
        let outcome = try await sender.replace(hash: hash, kind: kind, signer: key, approve: approve)
        try report(outcome, journal: sender.journal, json: json)
    }
}

/// `tx recover`: what every start does: re-send or settle the rows a crash left open.
struct TxRecover: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "recover", abstract: "Re-send or settle journaled transactions left open by a crash.")

    @OptionGroup var journalOptions: JournalOptions
    @Option(help: "The JSON-RPC URL of the node (or $KALYPSO_RPC_URL).") var rpc: String?

    func run() throws {
        guard let url = rpc ?? ProcessInfo.processInfo.environment["KALYPSO_RPC_URL"], !url.isEmpty else {
            throw TxKeyError(
                title: "No RPC URL", detail: "neither --rpc nor $KALYPSO_RPC_URL is set",
                hint: "Pass --rpc http://HOST:PORT.")
        }
        let settings = SenderSettings(rpcURL: url, feeCap: nil)
        let journalOptions = self.journalOptions
        let results = try runBlocking {
            try await makeSender(journal: journalOptions, settings: settings).recover()
        }
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
