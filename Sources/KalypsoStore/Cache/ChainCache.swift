import Foundation
import GRDB
import GRDBSQLite

/// The chain cache's named writes and reads. A sync writes one ``CacheRangeWrite`` per SQLite
/// transaction, so a process killed at any moment leaves either the whole range or none of it; readers
/// (the console, `monitor`, the `--json` commands) see the last committed range without waiting (WAL).
public struct ChainCache: Sendable {
    /// The connection(s) every read and write goes through: the writer's pool, or a reader's one connection.
    public let pool: any DatabaseWriter
    /// The file.
    public let path: String

    /// A cache in a database opened (and migrated) by ``KalypsoDatabase``: what a syncing process uses.
    public init(database: KalypsoDatabase) {
        self.init(pool: database.pool, path: database.path)
    }

    private init(pool: any DatabaseWriter, path: String) {
        self.pool = pool
        self.path = path
    }

    /// Opens an existing cache for reading without writing to the file when its schema is current.
    ///
    /// ``KalypsoDatabase/init(path:)`` runs the migrator, which takes the write lock and syncs the file even
    /// when nothing is pending: a reader (`markets --json`, the monitor, the dashboard's first paint) would
    /// wait behind a syncing writer and pay for disk syncs. This checks the applied migrations with a read
    /// and falls back to ``KalypsoDatabase/init(path:)`` only when the file is missing or lacks some.
    public init(readerPath path: String) throws(StoreError) {
        guard FileManager.default.fileExists(atPath: path) else {
            self.init(database: try KalypsoDatabase(path: path))
            return
        }
        var configuration = Configuration()
        configuration.busyMode = .timeout(KalypsoDatabase.busyTimeout)
        // One connection, opened lazily by nobody else: a reader needs no writer connection beside it (WAL
        // still lets it read while another process writes).
        let pool: DatabaseQueue
        do {
            pool = try DatabaseQueue(path: path, configuration: configuration)
        } catch {
            throw StoreError(.cannotOpen, path: path, underlying: error)
        }
        let current: Bool
        do {
            current = try pool.read { db in
                let migrator = KalypsoDatabase.migrator
                return try migrator.hasCompletedMigrations(db) && !migrator.hasBeenSuperseded(db)
            }
        } catch {
            throw StoreError(.migrationFailed, path: path, underlying: error)
        }
        guard current else {
            self.init(database: try KalypsoDatabase(path: path))
            return
        }
        self.init(pool: pool, path: path)
    }

    // MARK: - Networks

    /// The row id of a network key, created on first use.
    public func networkId(for key: CacheNetworkKey) throws(StoreError) -> Int64 {
        let text = key.text
        return try write { db in
            if let id = try Int64.fetchOne(db, sql: "SELECT id FROM cache_network WHERE key = ?", arguments: [text]) {
                return id
            }
            let addresses = key.addresses.keys.sorted().map { "\($0)=\(key.addresses[$0] ?? "")" }
            try db.execute(
                sql:
                    "INSERT INTO cache_network (key, chainId, generation, addresses, createdAt) VALUES (?, ?, ?, ?, ?)",
                arguments: [
                    text, key.chainId, key.generation, addresses.joined(separator: ","),
                    Date().timeIntervalSince1970,
                ])
            return db.lastInsertedRowID
        }
    }

    /// The row id of a network key if the cache has seen it (readers never create one).
    public func existingNetworkId(for key: CacheNetworkKey) throws(StoreError) -> Int64? {
        let text = key.text
        return try read { db in
            try Int64.fetchOne(db, sql: "SELECT id FROM cache_network WHERE key = ?", arguments: [text])
        }
    }

    // MARK: - Writes

    /// Writes one indexed range and its progress in one transaction.
    public func apply(_ range: CacheRangeWrite, network: Int64) throws(StoreError) {
        try write { db in try Self.apply(range, network: network, db: db) }
    }

    static func apply(_ r: CacheRangeWrite, network n: Int64, db: Database) throws {
        for b in r.blocks {
            try db.execute(
                sql: "INSERT OR REPLACE INTO cache_block (networkId, number, hash, timestamp) VALUES (?, ?, ?, ?)",
                arguments: [n, b.number, b.hash, b.timestamp])
        }
        try db.execute(
            sql: "DELETE FROM cache_block WHERE networkId = ? AND number < ?",
            arguments: [n, r.toBlock - r.confirmationsWindow])
        try insertEvents(r.events, network: n, db: db)
        var touchedMarkets = Set<Int64>()
        for m in r.markets {
            touchedMarkets.insert(m.marketId)
            try db.execute(
                sql: """
                    INSERT INTO cache_market (networkId, marketId, verifier, proverImageId, ivsImageId, creator, metadata,
                    metadataIsJSON, isPrivate, slashingPenalty, activationBlock, createdBlock)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (networkId, marketId) DO UPDATE SET verifier = excluded.verifier,
                    proverImageId = excluded.proverImageId, ivsImageId = excluded.ivsImageId, creator = excluded.creator,
                    metadata = excluded.metadata, metadataIsJSON = excluded.metadataIsJSON, isPrivate = excluded.isPrivate,
                    slashingPenalty = excluded.slashingPenalty, activationBlock = excluded.activationBlock,
                    createdBlock = MIN(createdBlock, excluded.createdBlock)
                    """,
                arguments: [
                    n, m.marketId, m.verifier, m.proverImageId, m.ivsImageId, m.creator, m.metadata, m.metadataIsJSON,
                    m.isPrivate, m.slashingPenalty, m.activationBlock, m.createdBlock,
                ])
        }
        for p in r.marketProvers {
            touchedMarkets.insert(p.marketId)
            if p.state == 0 {
                try db.execute(
                    sql: "DELETE FROM cache_market_prover WHERE networkId = ? AND marketId = ? AND prover = ?",
                    arguments: [n, p.marketId, p.prover])
                continue
            }
            try db.execute(
                sql: """
                    INSERT INTO cache_market_prover (networkId, marketId, prover, state, computePerRequest,
                    proofGenerationCost, proposedTime, commission, activeRequests, joinedBlock, refreshedBlock)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (networkId, marketId, prover) DO UPDATE SET state = excluded.state,
                    computePerRequest = excluded.computePerRequest, proofGenerationCost = excluded.proofGenerationCost,
                    proposedTime = excluded.proposedTime, commission = excluded.commission,
                    activeRequests = excluded.activeRequests, refreshedBlock = excluded.refreshedBlock
                    """,
                arguments: [
                    n, p.marketId, p.prover, p.state, p.computePerRequest, p.proofGenerationCost, p.proposedTime,
                    p.commission, p.activeRequests, p.joinedBlock, p.refreshedBlock,
                ])
        }
        let job = try db.cachedStatement(
            sql: """
                INSERT INTO cache_job (networkId, jobId, marketId, state, reward, expiry, timeForProof, deadline,
                deadlineUnit, dueAt, requester, prover, hasPrivateInputs, outcome, createdBlock, createdTx,
                assignedBlock, assignedTx, outcomeBlock, outcomeTx, refreshedBlock)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (networkId, jobId) DO UPDATE SET marketId = excluded.marketId, state = excluded.state,
                reward = excluded.reward, expiry = excluded.expiry, timeForProof = excluded.timeForProof,
                deadline = excluded.deadline, deadlineUnit = excluded.deadlineUnit, dueAt = excluded.dueAt,
                requester = excluded.requester, prover = excluded.prover,
                hasPrivateInputs = CASE WHEN excluded.createdBlock > 0 THEN excluded.hasPrivateInputs
                    ELSE hasPrivateInputs END,
                outcome = COALESCE(excluded.outcome, outcome),
                createdBlock = CASE WHEN excluded.createdBlock > 0 THEN excluded.createdBlock ELSE createdBlock END,
                createdTx = CASE WHEN excluded.createdBlock > 0 THEN excluded.createdTx ELSE createdTx END,
                assignedBlock = COALESCE(excluded.assignedBlock, assignedBlock),
                assignedTx = COALESCE(excluded.assignedTx, assignedTx),
                outcomeBlock = COALESCE(excluded.outcomeBlock, outcomeBlock),
                outcomeTx = COALESCE(excluded.outcomeTx, outcomeTx), refreshedBlock = excluded.refreshedBlock
                """)
        for j in r.jobs {
            touchedMarkets.insert(j.marketId)
            try job.execute(arguments: [
                n, j.jobId, j.marketId, j.state, j.reward, j.expiry, j.timeForProof, j.deadline, j.deadlineUnit,
                j.dueAt, j.requester, j.prover, j.hasPrivateInputs, j.outcome?.rawValue, j.createdBlock, j.createdTx,
                j.assignedBlock, j.assignedTx, j.outcomeBlock, j.outcomeTx, j.refreshedBlock,
            ])
        }
        for s in r.stakeEvents {
            try db.execute(
                sql: """
                    INSERT INTO cache_stake_event (networkId, blockNumber, logIndex, timestamp, token, prover, account,
                    kind, amount, jobId, withdrawalIndex, txHash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    n, s.blockNumber, s.logIndex, s.timestamp, s.token, s.prover, s.account, s.kind.rawValue, s.amount,
                    s.jobId, s.withdrawalIndex, s.txHash,
                ])
        }
        for b in r.stakeBalances {
            try db.execute(
                sql: """
                    INSERT OR REPLACE INTO cache_stake_balance (networkId, token, prover, total, locked, refreshedBlock)
                    VALUES (?, ?, ?, ?, ?, ?)
                    """,
                arguments: [n, b.token, b.prover, b.total, b.locked, b.refreshedBlock])
        }
        for e in r.rewardEvents {
            try db.execute(
                sql: """
                    INSERT INTO cache_reward_event (networkId, blockNumber, logIndex, timestamp, address, kind, amount,
                    jobId, txHash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    n, e.blockNumber, e.logIndex, e.timestamp, e.address, e.kind.rawValue, e.amount, e.jobId, e.txHash,
                ])
        }
        for b in r.rewardBalances {
            try db.execute(
                sql: """
                    INSERT OR REPLACE INTO cache_reward_balance (networkId, address, claimable, refreshedBlock)
                    VALUES (?, ?, ?, ?)
                    """,
                arguments: [n, b.address, b.claimable, b.refreshedBlock])
        }
        for p in r.provers {
            try db.execute(
                sql:
                    "INSERT OR REPLACE INTO cache_prover (networkId, prover, rewardAddress, refreshedBlock) VALUES (?, ?, ?, ?)",
                arguments: [n, p.prover, p.rewardAddress, p.refreshedBlock])
        }
        try refreshCounts(network: n, markets: touchedMarkets, db: db)
        let p = r.progress
        for contract in Set(r.contracts + [p.contract]) {
            try db.execute(
                sql: """
                    INSERT OR REPLACE INTO cache_sync_progress (networkId, contract, startBlock, lastBlock, lastHash,
                    headBlock, headTime, updatedAt, headL1Block) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    n, contract, p.startBlock, p.lastBlock, p.lastHash, p.headBlock, p.headTime, p.updatedAt,
                    p.headL1Block,
                ])
        }
    }

    /// Rows per multi-row `INSERT` of events: one statement execution per batch instead of one per row (GRDB's
    /// per-execution bookkeeping and SQLite's step/reset per row were most of the insert time of a busy range).
    static let eventBatch = 50

    /// Inserts a range's events in batches of ``eventBatch`` rows (a repeated log still fails the whole range).
    ///
    /// The values are bound with the SQLite C API on GRDB's cached statement: GRDB's `StatementArguments` box
    /// every value (ten per event) before binding it, which was a visible share of a first sync's CPU.
    static func insertEvents(_ events: [CachedEvent], network n: Int64, db: Database) throws {
        var kinds = EventKinds()
        // The hash of each block the events are in, stored once per block (`cache_event_block`).
        var blocks: [(number: Int64, hash: [UInt8])] = []
        var start = 0
        while start < events.count {
            let count = min(eventBatch, events.count - start)
            let rows = events[start..<start + count]
            // Looked up before the batch statement is bound: a new kind runs statements of its own.
            var kindIds: [Int64] = []
            kindIds.reserveCapacity(count)
            for e in rows {
                kindIds.append(try kinds.id(contract: e.contract, name: e.name, db: db))
                // A run of one block's events: its hash is compared (the same array when the reader shared it).
                if let run = blocks.last, run.number == e.blockNumber {
                    if run.hash != e.blockHash { throw blockHashConflict(e.blockNumber) }
                } else {
                    blocks.append((e.blockNumber, e.blockHash))
                }
            }
            let sql = count == eventBatch ? fullEventBatchSQL : eventInsertSQL(rows: count)
            let statement = try db.cachedStatement(sql: sql)
            var binder = RawBinder(statement.sqliteStatement)
            for (e, kind) in zip(rows, kindIds) {
                binder.bind(n)
                binder.bind(e.blockNumber)
                binder.bind(e.logIndex)
                binder.bind(bytes: e.txHash)
                binder.bind(kind)
                binder.bind(e.jobId)
                binder.bind(e.marketId)
                binder.bind(bytes: e.account)
            }
            // Not `statement.sql`: GRDB rebuilds and trims that text (Foundation) on every call.
            try binder.execute(db: db, sql: sql)
            start += count
        }
        try insertEventBlocks(blocks, network: n, db: db)
    }

    /// Stores the hash of each block the events are in (one entry per run of a block's events), once; refuses
    /// the range when two of its logs, or a log and one stored before, disagree on a block's hash (only one can
    /// be the chain's).
    static func insertEventBlocks(_ blocks: [(number: Int64, hash: [UInt8])], network n: Int64, db: Database) throws {
        var hashes: [Int64: [UInt8]] = [:]
        for b in blocks {
            if let seen = hashes[b.number], seen != b.hash { throw blockHashConflict(b.number) }
            hashes[b.number] = b.hash
        }
        let sql = """
            INSERT INTO cache_event_block (networkId, number, hash) VALUES (?, ?, ?)
            ON CONFLICT (networkId, number) DO NOTHING
            """
        let insert = try db.cachedStatement(sql: sql)
        let stored = try db.cachedStatement(
            sql: "SELECT hash FROM cache_event_block WHERE networkId = ? AND number = ?")
        for (number, hash) in hashes.sorted(by: { $0.key < $1.key }) {
            // Bound with the C API: GRDB binds an empty `Data` as NULL.
            var binder = RawBinder(insert.sqliteStatement)
            binder.bind(n)
            binder.bind(number)
            binder.bind(bytes: hash)
            try binder.execute(db: db, sql: sql)
            if db.changesCount == 0, (try Data.fetchOne(stored, arguments: [n, number])).map(Array.init) != hash {
                throw blockHashConflict(number)
            }
        }
    }

    static func blockHashConflict(_ number: Int64) -> DatabaseError {
        DatabaseError(
            resultCode: .SQLITE_CONSTRAINT,
            message: "the logs of block \(number) carry different block hashes (a reorg while they were read)")
    }

    static let fullEventBatchSQL = eventInsertSQL(rows: eventBatch)

    static func eventInsertSQL(rows: Int) -> String {
        let values = repeatElement("(?, ?, ?, ?, ?, ?, ?, ?)", count: rows).joined(separator: ", ")
        return """
            INSERT INTO cache_event (networkId, blockNumber, logIndex, txHash, kind, jobId, marketId, account)
            VALUES \(values)
            """
    }

    /// The `cache_event_kind` row of each (contract, event name), created on first use; a range's logs are
    /// mostly runs of one event, so the previous answer is checked first.
    struct EventKinds {
        private var known: [(contract: String, name: String, id: Int64)] = []
        private var last: (contract: String, name: String, id: Int64)?

        mutating func id(contract: String, name: String, db: Database) throws -> Int64 {
            if let last, last.name == name, last.contract == contract { return last.id }
            let id: Int64
            if let found = known.first(where: { $0.name == name && $0.contract == contract }) {
                id = found.id
            } else {
                try db.execute(
                    sql: "INSERT OR IGNORE INTO cache_event_kind (contract, name) VALUES (?, ?)",
                    arguments: [contract, name])
                guard
                    let stored = try Int64.fetchOne(
                        db, sql: "SELECT id FROM cache_event_kind WHERE contract = ? AND name = ?",
                        arguments: [contract, name])
                else {
                    throw DatabaseError(
                        resultCode: .SQLITE_INTERNAL, message: "no cache_event_kind row for \(contract).\(name)")
                }
                id = stored
                known.append((contract, name, id))
            }
            last = (contract, name, id)
            return id
        }
    }

    /// Binds values in order to a prepared statement with the C API, then runs it once.
    struct RawBinder {
        /// SQLite copies the bytes before `sqlite3_bind_text` returns (`SQLITE_TRANSIENT`).
        private static let transient = unsafeBitCast(OpaquePointer(bitPattern: -1), to: sqlite3_destructor_type.self)
        private let handle: OpaquePointer
        private var index: Int32 = 0
        private var failure: Int32 = SQLITE_OK

        init(_ handle: OpaquePointer) {
            self.handle = handle
            sqlite3_reset(handle)
            sqlite3_clear_bindings(handle)
        }

        mutating func bind(_ value: Int64?) {
            index += 1
            let code = value.map { sqlite3_bind_int64(handle, index, $0) } ?? sqlite3_bind_null(handle, index)
            if code != SQLITE_OK, failure == SQLITE_OK { failure = code }
        }

        mutating func bind(_ value: String?) {
            index += 1
            guard var text = value else {
                let code = sqlite3_bind_null(handle, index)
                if code != SQLITE_OK, failure == SQLITE_OK { failure = code }
                return
            }
            let code = text.withUTF8 { bytes in
                // An empty buffer may have no address, and a null pointer would bind NULL instead of ''.
                bytes.baseAddress.map { base in
                    base.withMemoryRebound(to: CChar.self, capacity: bytes.count) {
                        sqlite3_bind_text64(
                            handle, index, $0, sqlite3_uint64(bytes.count), Self.transient, UInt8(SQLITE_UTF8))
                    }
                } ?? sqlite3_bind_text(handle, index, "", 0, Self.transient)
            }
            if code != SQLITE_OK, failure == SQLITE_OK { failure = code }
        }

        /// Binds a BLOB (an empty one for no bytes), or NULL for nil.
        mutating func bind(bytes value: [UInt8]?) {
            index += 1
            guard let value else {
                let code = sqlite3_bind_null(handle, index)
                if code != SQLITE_OK, failure == SQLITE_OK { failure = code }
                return
            }
            let code = value.withUnsafeBytes { bytes in
                // A null pointer would bind NULL instead of an empty BLOB.
                bytes.baseAddress.map {
                    sqlite3_bind_blob64(handle, index, $0, sqlite3_uint64(bytes.count), Self.transient)
                } ?? sqlite3_bind_zeroblob(handle, index, 0)
            }
            if code != SQLITE_OK, failure == SQLITE_OK { failure = code }
        }

        /// Steps the statement to its end; the SQLite error (as GRDB reports it) when binding or stepping failed.
        func execute(db: Database, sql: String) throws {
            let code = failure == SQLITE_OK ? sqlite3_step(handle) : failure
            let message = code == SQLITE_DONE ? nil : db.sqliteConnection.map { String(cString: sqlite3_errmsg($0)) }
            sqlite3_reset(handle)
            sqlite3_clear_bindings(handle)
            guard code == SQLITE_DONE else {
                throw DatabaseError(resultCode: ResultCode(rawValue: code), message: message, sql: sql)
            }
        }
    }

    /// Keeps the market list's counts current for the markets a write touched (indexed counts, no scan).
    static func refreshCounts(network n: Int64, markets: Set<Int64>, db: Database) throws {
        for m in markets {
            try db.execute(
                sql: """
                    UPDATE cache_market SET
                    proverCount = (SELECT COUNT(*) FROM cache_market_prover WHERE networkId = ?1 AND marketId = ?2),
                    jobCount = (SELECT COUNT(*) FROM cache_job WHERE networkId = ?1 AND marketId = ?2),
                    openJobCount = (SELECT COUNT(*) FROM cache_job WHERE networkId = ?1 AND marketId = ?2
                        AND outcome IS NULL)
                    WHERE networkId = ?1 AND marketId = ?2
                    """,
                arguments: [n, m])
        }
    }

    /// Undoes everything indexed after block `fork` (a reorg replaced the blocks above it). Rows that
    /// survive but were touched after the fork are marked stale (`refreshedBlock = -1`) so the next range
    /// re-reads their getters; the progress goes back to `fork`.
    public func rollback(network n: Int64, after fork: Int64) throws(StoreError) {
        let account = CacheSchema.eventBytesSQL("account")
        try write { db in
            let hash =
                try String.fetchOne(
                    db, sql: "SELECT hash FROM cache_block WHERE networkId = ? AND number = ?", arguments: [n, fork])
                ?? ""
            let touchedJobs = try Int64.fetchAll(
                db,
                sql:
                    "SELECT DISTINCT jobId FROM cache_event WHERE networkId = ? AND blockNumber > ? AND jobId IS NOT NULL",
                arguments: [n, fork])
            for id in touchedJobs {
                try db.execute(
                    sql: "UPDATE cache_job SET refreshedBlock = -1 WHERE networkId = ? AND jobId = ?",
                    arguments: [n, id])
            }
            try db.execute(
                sql: """
                    UPDATE cache_market_prover SET refreshedBlock = -1 WHERE networkId = ?1 AND (marketId, prover) IN
                    (SELECT marketId, \(account) FROM cache_event WHERE networkId = ?1 AND blockNumber > ?2
                     AND marketId IS NOT NULL AND account IS NOT NULL)
                    """, arguments: [n, fork])
            try db.execute(
                sql: """
                    UPDATE cache_stake_balance SET refreshedBlock = -1 WHERE networkId = ?1 AND prover IN
                    (SELECT \(account) FROM cache_event WHERE networkId = ?1 AND blockNumber > ?2
                     AND account IS NOT NULL)
                    """, arguments: [n, fork])
            try db.execute(
                sql: "UPDATE cache_reward_balance SET refreshedBlock = -1 WHERE networkId = ?", arguments: [n])
            for table in ["cache_event", "cache_stake_event", "cache_reward_event"] {
                try db.execute(
                    sql: "DELETE FROM \(table) WHERE networkId = ? AND blockNumber > ?", arguments: [n, fork])
            }
            try db.execute(
                sql: "DELETE FROM cache_event_block WHERE networkId = ? AND number > ?", arguments: [n, fork])
            try db.execute(sql: "DELETE FROM cache_block WHERE networkId = ? AND number > ?", arguments: [n, fork])
            try db.execute(sql: "DELETE FROM cache_job WHERE networkId = ? AND createdBlock > ?", arguments: [n, fork])
            try db.execute(
                sql: """
                    UPDATE cache_job SET assignedBlock = NULL, assignedTx = NULL, refreshedBlock = -1
                    WHERE networkId = ? AND assignedBlock > ?
                    """, arguments: [n, fork])
            try db.execute(
                sql: """
                    UPDATE cache_job SET outcome = NULL, outcomeBlock = NULL, outcomeTx = NULL, refreshedBlock = -1
                    WHERE networkId = ? AND outcomeBlock > ?
                    """, arguments: [n, fork])
            try db.execute(
                sql: "DELETE FROM cache_market_prover WHERE networkId = ? AND joinedBlock > ?", arguments: [n, fork])
            try db.execute(
                sql: "DELETE FROM cache_market WHERE networkId = ? AND createdBlock > ?", arguments: [n, fork])
            let markets = try Int64.fetchAll(
                db, sql: "SELECT marketId FROM cache_market WHERE networkId = ?", arguments: [n])
            try Self.refreshCounts(network: n, markets: Set(markets), db: db)
            try db.execute(
                sql: """
                    UPDATE cache_sync_progress SET lastBlock = ?, lastHash = ?, updatedAt = ?
                    WHERE networkId = ? AND lastBlock > ?
                    """, arguments: [fork, hash, Date().timeIntervalSince1970, n, fork])
        }
    }

    /// Records a benchmark of an enclave.
    public func recordBenchmark(_ run: BenchmarkRun, network n: Int64) throws(StoreError) {
        try write { db in
            try db.execute(
                sql:
                    "INSERT INTO cache_benchmark_run (networkId, enclave, marketId, milliseconds, at) VALUES (?, ?, ?, ?, ?)",
                arguments: [n, run.enclave, run.marketId, run.milliseconds, run.at])
        }
    }

    // MARK: - Helpers

    func write<T: Sendable>(_ body: @Sendable (Database) throws -> T) throws(StoreError) -> T {
        do {
            return try pool.write(body)
        } catch {
            throw StoreError(.writeFailed, path: path, underlying: error)
        }
    }

    func read<T: Sendable>(_ body: @Sendable (Database) throws -> T) throws(StoreError) -> T {
        do {
            return try pool.read(body)
        } catch {
            throw StoreError(.queryFailed, path: path, underlying: error)
        }
    }
}
