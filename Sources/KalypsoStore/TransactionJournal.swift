import Foundation
import GRDB

/// The named reads and writes of the transaction journal. Every write is its own SQLite transaction,
/// committed (and synced) before the call returns.
public struct TransactionJournal: Sendable {
    public let database: KalypsoDatabase

    public init(database: KalypsoDatabase) {
        self.database = database
    }

    /// Records a signed transaction; returns it with its row id. A second row with the same hash is refused.
    @discardableResult
    public func record(_ entry: JournalEntry) throws(StoreError) -> JournalEntry {
        try write { db in
            var row = entry
            try row.insert(db)
            return row
        }
    }

    /// Records a replacement (speed-up or cancel) and keeps the link both ways, in one transaction.
    @discardableResult
    public func recordReplacement(_ entry: JournalEntry, replacing oldHash: String) throws(StoreError) -> JournalEntry {
        try write { db in
            var row = entry
            row.replaces = oldHash.lowercased()
            try row.insert(db)
            return row
        }
    }

    /// The row of a transaction hash (any case, with `0x`).
    public func entry(hash: String) throws(StoreError) -> JournalEntry? {
        try read { db in
            try JournalEntry.filter(JournalEntry.Columns.hash == hash.lowercased()).fetchOne(db)
        }
    }

    /// Transactions of an account that are not final yet (signed, sent or mined), by nonce then age.
    public func pending(chainId: Int64, from: String) throws(StoreError) -> [JournalEntry] {
        try read { db in
            try JournalEntry
                .filter(JournalEntry.Columns.chainId == chainId)
                .filter(JournalEntry.Columns.fromAddress == from.lowercased())
                .filter(JournalEntry.State.open.contains(JournalEntry.Columns.state))
                .order(JournalEntry.Columns.nonce, JournalEntry.Columns.id)
                .fetchAll(db)
        }
    }

    /// Every row of a chain that is not final, any account (what recovery looks at on start).
    public func pending(chainId: Int64) throws(StoreError) -> [JournalEntry] {
        try read { db in
            try JournalEntry
                .filter(JournalEntry.Columns.chainId == chainId)
                .filter(JournalEntry.State.open.contains(JournalEntry.Columns.state))
                .order(JournalEntry.Columns.fromAddress, JournalEntry.Columns.nonce, JournalEntry.Columns.id)
                .fetchAll(db)
        }
    }

    /// The highest nonce this journal has used for an account, ignoring dropped rows (a dropped
    /// transaction never consumed its nonce through us); nil if the account never sent from here.
    public func latestNonce(chainId: Int64, from: String) throws(StoreError) -> Int64? {
        try read { db in
            try JournalEntry
                .filter(JournalEntry.Columns.chainId == chainId)
                .filter(JournalEntry.Columns.fromAddress == from.lowercased())
                .filter(JournalEntry.Columns.state != JournalEntry.State.dropped.rawValue)
                .select(max(JournalEntry.Columns.nonce), as: Int64?.self)
                .fetchOne(db) ?? nil
        }
    }

    /// Rows with the same account and nonce (an original and its replacements), oldest first.
    public func sameNonce(chainId: Int64, from: String, nonce: Int64) throws(StoreError) -> [JournalEntry] {
        try read { db in
            try JournalEntry
                .filter(JournalEntry.Columns.chainId == chainId)
                .filter(JournalEntry.Columns.fromAddress == from.lowercased())
                .filter(JournalEntry.Columns.nonce == nonce)
                .order(JournalEntry.Columns.id)
                .fetchAll(db)
        }
    }

    /// The most recent rows, newest first, optionally of one chain and account.
    public func recent(chainId: Int64? = nil, from: String? = nil, limit: Int = 50) throws(StoreError)
        -> [JournalEntry]
    {
        try read { db in
            var request = JournalEntry.all()
            if let chainId { request = request.filter(JournalEntry.Columns.chainId == chainId) }
            if let from { request = request.filter(JournalEntry.Columns.fromAddress == from.lowercased()) }
            return try request.order(JournalEntry.Columns.id.desc).limit(limit).fetchAll(db)
        }
    }

    /// Changes one row by hash, stamping `updatedAt`; returns the row as written.
    @discardableResult
    public func update(hash: String, _ change: @Sendable (inout JournalEntry) -> Void) throws(StoreError)
        -> JournalEntry
    {
        let path = database.path
        let result: JournalEntry? = try write { db in
            guard var row = try JournalEntry.filter(JournalEntry.Columns.hash == hash.lowercased()).fetchOne(db)
            else { return nil }
            change(&row)
            row.updatedAt = Date()
            try row.update(db)
            return row
        }
        guard let result else { throw StoreError(.notFound, path: path, reason: "no transaction \(hash)") }
        return result
    }

    func read<T: Sendable>(_ body: @Sendable (Database) throws -> T) throws(StoreError) -> T {
        do {
            return try database.pool.read(body)
        } catch {
            throw StoreError(.queryFailed, path: database.path, underlying: error)
        }
    }

    func write<T: Sendable>(_ body: @Sendable (Database) throws -> T) throws(StoreError) -> T {
        do {
            return try database.pool.write(body)
        } catch {
            throw StoreError(.writeFailed, path: database.path, underlying: error)
        }
    }
}
