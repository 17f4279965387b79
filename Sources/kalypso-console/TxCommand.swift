import ArgumentParser
import Basics
import BigInt
import Dispatch
import EthereumKit
import Foundation
import KalypsoKit
import KalypsoStore

/// `kalypso-console tx …`: the transaction journal of this machine.
struct Tx: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List, inspect, speed up or cancel the transactions this machine has sent.",
        discussion: """
            Every write is journaled before it is sent. The journal lives in a SQLite file per network \
            (default $XDG_STATE_HOME/kalypso-console/<network>/kalypso.sqlite).
            """,
        subcommands: [TxList.self, TxShow.self, TxSpeedUp.self, TxCancel.self, TxRecover.self, TxTestSend.self])
}

/// Where the journal is: `--database`, else the state folder of the configured network.
struct JournalOptions: ParsableArguments {
    @Option(help: "kalypso-config.json to use (else $KALYPSO_CONFIG, ./kalypso-config.json, the XDG folder).")
    var config: String?

    @Option(help: "A built-in network profile (arbitrum-one, arbitrum-sepolia-a, arbitrum-sepolia-b).")
    var network: String?

    @Option(help: "The journal database file (instead of the network's default).")
    var database: String?

    @Flag(help: "Print JSON for scripts.")
    var json = false

    /// The configuration, when one is needed (no `--database`, or a chain to reach without `--rpc`).
    func loadConfig() throws -> KalypsoConfig {
        try ConfigLoader().load(flag: config, network: network).config
    }

    /// The database file: `--database`, or one per network under the XDG state folder.
    func databasePath(config loaded: KalypsoConfig?) throws -> String {
        if let database { return database }
        return OperatorOptions.defaultDatabasePath(config: try loaded ?? loadConfig(), network: network)
    }

    func openJournal(config: KalypsoConfig? = nil) throws -> TransactionJournal {
        TransactionJournal(database: try KalypsoDatabase(path: try databasePath(config: config)))
    }
}

/// A command line value the command itself refused (exit 2), with a hint to the `--help` of that command.
///
/// Thrown from option groups shared by several commands (`SendingOptions`), so the thrower need not know
/// which command it serves: ``CommandRunner`` names the running command (`command`) when the thrower did not.
struct TxUsageError: OperatorError {
    var message: String
    /// The command at fault as typed (`kalypso-console tx speed-up`); nil until ``CommandRunner`` sets it.
    var command: String?
    var hint: String { "Run '\(command ?? "kalypso-console") --help' to see the commands and options." }
    var code: ErrorCode { "usage.tx" }
    var title: String { message }
    var detail: String { "" }
    var category: ErrorCategory { .usage }
}

/// JSON for scripts: an entry as an object with stable keys; amounts as decimal strings of wei.
enum TxJSON {
    static func object(_ row: JournalEntry) -> [String: Any] {
        var o: [String: Any] = [
            "hash": row.hash, "chainId": row.chainId, "from": row.fromAddress, "nonce": row.nonce,
            "value": row.value, "gasLimit": row.gasLimit, "type": row.txType, "label": row.label,
            "state": row.state.rawValue, "createdAt": iso(row.createdAt), "updatedAt": iso(row.updatedAt),
            "data": "0x" + row.data.map { String(format: "%02x", $0) }.joined(),
        ]
        o["to"] = row.toAddress ?? NSNull()
        o["gasPrice"] = row.gasPrice ?? NSNull()
        o["maxFeePerGas"] = row.maxFeePerGas ?? NSNull()
        o["maxPriorityFeePerGas"] = row.maxPriorityFeePerGas ?? NSNull()
        o["replacedBy"] = row.replacedBy ?? NSNull()
        o["replaces"] = row.replaces ?? NSNull()
        o["receiptStatus"] = row.receiptStatus ?? NSNull()
        o["receiptBlock"] = row.receiptBlock ?? NSNull()
        o["gasUsed"] = row.gasUsed ?? NSNull()
        o["effectiveGasPrice"] = row.effectiveGasPrice ?? NSNull()
        o["failureReason"] = row.failureReason ?? NSNull()
        o["lastSendError"] = row.lastSendError ?? NSNull()
        o["sentAt"] = row.sentAt.map(iso) ?? NSNull()
        o["minedAt"] = row.minedAt.map(iso) ?? NSNull()
        return o
    }

    static func iso(_ date: Date) -> String {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return f.string(from: date)
    }

    static func text(_ value: Any) throws -> String {
        let data = try JSONSerialization.data(withJSONObject: value, options: [.sortedKeys, .prettyPrinted])
        return String(decoding: data, as: UTF8.self)
    }
}

/// Wei in gwei or ETH for the tables (decimal strings from the journal).
func formatWei(_ decimal: String?, gwei: Bool) -> String {
    guard let decimal, let value = BigUInt(decimal, radix: 10) else { return "-" }
    return gwei ? Units.formatGwei(value) + " gwei" : Units.formatEther(value) + " ETH"
}
