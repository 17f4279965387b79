import ArgumentParser
import Foundation
import KalypsoStore

/// `tx show HASH`: one row of the journal in full.
struct TxShow: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show", abstract: "Show one journaled transaction.")

    @OptionGroup var journalOptions: JournalOptions

    @Argument(help: "The transaction hash (0x…).")
    var hash: String

    func run() throws {
        let journal = try journalOptions.openJournal()
        guard let row = try journal.entry(hash: hash) else {
            throw StoreError(.notFound, path: journal.database.path, reason: "no transaction \(hash)")
        }
        if journalOptions.json {
            print(try TxJSON.text(TxJSON.object(row)))
            return
        }
        var lines = [
            ("hash", row.hash), ("state", row.state.rawValue), ("description", row.label),
            ("chain id", String(row.chainId)), ("from", row.fromAddress), ("nonce", String(row.nonce)),
            ("to", row.toAddress ?? "(contract creation)"), ("value", formatWei(row.value, gwei: false)),
            ("gas limit", row.gasLimit),
        ]
        if row.txType == 2 {
            lines.append(("max fee", formatWei(row.maxFeePerGas, gwei: true) + "/gas"))
            lines.append(("tip", formatWei(row.maxPriorityFeePerGas, gwei: true) + "/gas"))
        } else {
            lines.append(("gas price", formatWei(row.gasPrice, gwei: true) + "/gas"))
        }
        if let r = row.replaces { lines.append(("replaces", r)) }
        if let r = row.replacedBy { lines.append(("replaced by", r)) }
        if let block = row.receiptBlock { lines.append(("block", String(block))) }
        if let status = row.receiptStatus { lines.append(("status", status == 1 ? "1 (success)" : "0 (reverted)")) }
        if let gas = row.gasUsed { lines.append(("gas used", gas)) }
        if let reason = row.failureReason { lines.append(("reason", reason)) }
        if let error = row.lastSendError { lines.append(("last send error", error)) }
        lines.append(("journaled", TxJSON.iso(row.createdAt)))
        if let sent = row.sentAt { lines.append(("sent", TxJSON.iso(sent))) }
        if let mined = row.minedAt { lines.append(("mined", TxJSON.iso(mined))) }
        for (key, value) in lines {
            print(key.padding(toLength: 16, withPad: " ", startingAt: 0) + value)
        }
    }
}
