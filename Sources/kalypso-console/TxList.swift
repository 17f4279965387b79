import ArgumentParser
import Foundation
import KalypsoStore

/// `tx list`: the journal's most recent rows, newest first.
struct TxList: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "List journaled transactions, newest first.")

    @OptionGroup var journalOptions: JournalOptions

    @Option(help: "Only this sending address.")
    var from: String?

    @Flag(help: "Only transactions that are not final (signed, sent, mined).")
    var pending = false

    @Option(help: "At most this many rows.")
    var limit = 50

    func run() throws {
        let journal = try journalOptions.openJournal()
        var rows = try journal.recent(from: from, limit: pending ? 10_000 : limit)
        if pending { rows = Array(rows.filter { !$0.state.isFinal }.prefix(limit)) }
        if journalOptions.json {
            print(try TxJSON.text(["transactions": rows.map(TxJSON.object)]))
            return
        }
        guard !rows.isEmpty else {
            print("No transactions in \(journal.database.path).")
            return
        }
        print(
            "STATE      NONCE  HASH                                                                FROM        DESCRIPTION"
        )
        for row in rows {
            let state = row.state.rawValue.padding(toLength: 10, withPad: " ", startingAt: 0)
            let nonce = String(row.nonce).padding(toLength: 6, withPad: " ", startingAt: 0)
            let from = String(row.fromAddress.prefix(10))
            print("\(state) \(nonce) \(row.hash)  \(from)  \(row.label)")
        }
    }
}
