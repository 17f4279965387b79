import Foundation
import GRDB
import KalypsoStore
import Testing

private let marketplace = "0x00000000000000000000000000000000000000a1"
private let me = "0x00000000000000000000000000000000000000b1"
private let other = "0x00000000000000000000000000000000000000b2"
private let token = "0x00000000000000000000000000000000000000c1"
/// `me` as an event row holds it.
private let meBytes: [UInt8] = Array(repeating: 0, count: 19) + [0xb1]

/// A 32-byte hash whose last bytes are `n` (big-endian).
private func word(_ n: Int64) -> [UInt8] {
    Array(repeating: 0, count: 24) + withUnsafeBytes(of: UInt64(bitPattern: n).bigEndian) { Array($0) }
}

private func key(_ generation: String = "B", marketplace address: String = marketplace) -> CacheNetworkKey {
    CacheNetworkKey(chainId: 31337, generation: generation, addresses: ["proofMarketplace": address])
}

private func progress(_ last: Int64, hash: String = "0x01") -> SyncProgress {
    SyncProgress(
        contract: "proofMarketplace", startBlock: 1, lastBlock: last, lastHash: hash, headBlock: last, headTime: 1000,
        updatedAt: 1)
}

private func job(
    _ id: Int64, market: Int64, due: Int64, prover: String?, created: Int64, outcome: CachedJob.Outcome? = nil
)
    -> CachedJob
{
    CachedJob(
        jobId: id, marketId: market, state: prover == nil ? 1 : 3, reward: "1000000", expiry: due + 100,
        timeForProof: 60, deadline: prover == nil ? 0 : due, deadlineUnit: "second", requester: other, prover: prover,
        hasPrivateInputs: false, outcome: outcome, createdBlock: created, createdTx: "0xaa\(id)",
        assignedBlock: prover == nil ? nil : created + 1, assignedTx: nil,
        outcomeBlock: outcome == nil ? nil : created + 2,
        outcomeTx: nil, refreshedBlock: created + 2)
}

private func market(_ id: Int64, created: Int64) -> CachedMarket {
    CachedMarket(
        marketId: id, verifier: "0x00000000000000000000000000000000000000d1", proverImageId: "0x00",
        ivsImageId: "0x00", creator: other, metadata: "{\"zkAppName\":\"m\(id)\"}", metadataIsJSON: true,
        isPrivate: false, slashingPenalty: nil, activationBlock: nil, createdBlock: created)
}

private func member(_ market: Int64, _ prover: String, joined: Int64, state: Int64 = 1) -> CachedMarketProver {
    CachedMarketProver(
        marketId: market, prover: prover, state: state, computePerRequest: "1", proofGenerationCost: "10",
        proposedTime: 600, commission: "0", activeRequests: 0, joinedBlock: joined, refreshedBlock: joined)
}

@Suite struct ChainCacheTests {
    @Test func networksWithDifferentAddressesNeverShareRows() throws {
        let cache = ChainCache(database: try KalypsoDatabase(path: temporaryDatabasePath()))
        let a = try cache.networkId(for: key())
        let b = try cache.networkId(for: key(marketplace: "0x00000000000000000000000000000000000000ff"))
        let c = try cache.networkId(for: key("A"))
        #expect(Set([a, b, c]).count == 3)
        #expect(try cache.networkId(for: key()) == a)
        var w = CacheRangeWrite(fromBlock: 1, toBlock: 10, progress: progress(10), confirmationsWindow: 64)
        w.markets = [market(1, created: 2)]
        try cache.apply(w, network: a)
        #expect(try cache.marketsWithStatus(network: a, operator: me).count == 1)
        #expect(try cache.marketsWithStatus(network: b, operator: me).isEmpty)
    }

    @Test func countsAreMaintainedAndOurStatusJoined() throws {
        let cache = ChainCache(database: try KalypsoDatabase(path: temporaryDatabasePath()))
        let n = try cache.networkId(for: key())
        var w = CacheRangeWrite(fromBlock: 1, toBlock: 10, progress: progress(10), confirmationsWindow: 64)
        w.markets = [market(1, created: 2), market(2, created: 3)]
        w.marketProvers = [member(1, me, joined: 4), member(1, other, joined: 4), member(2, other, joined: 5)]
        w.jobs = [
            job(1, market: 1, due: 500, prover: me, created: 5),
            job(2, market: 1, due: 400, prover: nil, created: 6),
            job(3, market: 1, due: 300, prover: other, created: 6, outcome: .proved),
        ]
        try cache.apply(w, network: n)
        let rows = try cache.marketsWithStatus(network: n, operator: me)
        #expect(rows.map(\.market.proverCount) == [2, 1])
        #expect(rows.map(\.market.jobCount) == [3, 0])
        #expect(rows.map(\.market.openJobCount) == [2, 0])
        #expect(rows[0].ours?.state == 1)
        #expect(rows[1].ours == nil)

        // A membership read back as state 0 (left) goes, and the count follows.
        var leave = CacheRangeWrite(fromBlock: 11, toBlock: 12, progress: progress(12), confirmationsWindow: 64)
        leave.marketProvers = [member(1, other, joined: 0, state: 0)]
        try cache.apply(leave, network: n)
        #expect(try cache.marketsWithStatus(network: n, operator: me)[0].market.proverCount == 1)
    }

    /// An unassigned job is expired once `expiry <= now` in its unit (the contracts' UNASSIGNED): not open.
    /// Assigned jobs past their deadline stay listed (they are overdue, the prover's business).
    @Test func expiredAsksAreNotOpenAtTheClock() throws {
        let cache = ChainCache(database: try KalypsoDatabase(path: temporaryDatabasePath()))
        let n = try cache.networkId(for: key())
        var w = CacheRangeWrite(fromBlock: 1, toBlock: 10, progress: progress(10), confirmationsWindow: 64)
        w.markets = [market(1, created: 2)]
        var blockAsk = job(5, market: 1, due: 20, prover: nil, created: 6)  // expiry block 120
        blockAsk.deadlineUnit = "block"
        w.jobs = [
            job(1, market: 1, due: 400, prover: nil, created: 5),  // expiry 500
            job(2, market: 1, due: 450, prover: nil, created: 6),  // expiry 550
            job(3, market: 1, due: 300, prover: me, created: 6),  // deadline 300, assigned
            job(4, market: 1, due: 100, prover: nil, created: 7, outcome: .cancelled),
            blockAsk,
        ]
        try cache.apply(w, network: n)
        func open(_ seconds: Int64, _ blocks: Int64?) throws -> [Int64] {
            try cache.jobsDueSoonest(network: n, limit: 10, openAt: JobClock(seconds: seconds, blocks: blocks))
                .map(\.jobId)
        }
        // Before every expiry: all open ones, by due time (job 5 is due at block 120 in its own unit).
        #expect(try open(499, 119) == [5, 3, 1, 2])
        // At job 1's expiry (`expiry <= block.timestamp`): job 1 is expired; the assigned job 3 stays.
        #expect(try open(500, 119) == [5, 3, 2])
        #expect(try open(10_000, 119) == [5, 3])
        // Block-timed asks expire by the block clock only, and never when it is unknown.
        #expect(try open(10_000, 120) == [3])
        #expect(try open(10_000, nil) == [5, 3])
        // A prover's own jobs are never expired asks.
        #expect(
            try cache.jobsDueSoonest(network: n, prover: me, limit: 10, openAt: JobClock(seconds: 10_000, blocks: 500))
                .map(\.jobId) == [3])
        // The market list counts the same open jobs at the clock (without one: the maintained count, 4).
        func openCount(_ seconds: Int64, _ blocks: Int64?) throws -> Int64? {
            try cache.marketsWithStatus(network: n, operator: nil, openAt: JobClock(seconds: seconds, blocks: blocks))
                .first?.market.openJobCount
        }
        #expect(try cache.marketsWithStatus(network: n, operator: nil).first?.market.openJobCount == 4)
        #expect(try openCount(499, 119) == 4)
        #expect(try openCount(500, 119) == 3)
        #expect(try openCount(10_000, 120) == 1)
        #expect(try openCount(10_000, nil) == 2)
    }

    @Test func jobsDueSoonestAreOpenJobsByDueTime() throws {
        let cache = ChainCache(database: try KalypsoDatabase(path: temporaryDatabasePath()))
        let n = try cache.networkId(for: key())
        var w = CacheRangeWrite(fromBlock: 1, toBlock: 10, progress: progress(10), confirmationsWindow: 64)
        w.markets = [market(1, created: 2)]
        w.jobs = [
            job(1, market: 1, due: 500, prover: me, created: 5),
            job(2, market: 1, due: 400, prover: nil, created: 6),  // unassigned: due at its expiry, 500
            job(3, market: 1, due: 300, prover: other, created: 6, outcome: .proved),
            job(4, market: 1, due: 200, prover: me, created: 7),
        ]
        try cache.apply(w, network: n)
        #expect(try cache.jobsDueSoonest(network: n, limit: 10, openAt: nil).map(\.jobId) == [4, 1, 2])
        #expect(try cache.jobsDueSoonest(network: n, prover: me, limit: 10, openAt: nil).map(\.jobId) == [4, 1])
        #expect(try cache.jobsDueSoonest(network: n, limit: 1, openAt: nil).map(\.jobId) == [4])
        // The query plan uses the partial index, not a scan of the jobs table.
        let plan = try cache.pool.read { db in
            try Row.fetchAll(
                db,
                sql:
                    "EXPLAIN QUERY PLAN SELECT * FROM cache_job WHERE networkId = ? AND outcome IS NULL ORDER BY dueAt LIMIT 50",
                arguments: [n]
            ).map { $0["detail"] as String }
        }
        #expect(plan.contains { $0.contains("cache_job_open_due") }, "\(plan)")
    }

    @Test func rollbackUndoesEverythingAboveTheForkAndMarksSurvivorsStale() throws {
        let cache = ChainCache(database: try KalypsoDatabase(path: temporaryDatabasePath()))
        let n = try cache.networkId(for: key())
        var w1 = CacheRangeWrite(
            fromBlock: 1, toBlock: 10, progress: progress(10, hash: "0x10"), confirmationsWindow: 64)
        w1.blocks = [CachedBlock(number: 10, hash: "0x10", timestamp: 100)]
        w1.markets = [market(1, created: 2)]
        w1.jobs = [job(1, market: 1, due: 500, prover: nil, created: 5)]
        w1.stakeBalances = [CachedStakeBalance(token: token, prover: me, total: "5", locked: "0", refreshedBlock: 10)]
        w1.events = [
            CachedEvent(
                blockNumber: 5, logIndex: 0, blockHash: word(5), txHash: word(0xa), contract: "proofMarketplace",
                name: "BidCreated", jobId: 1)
        ]
        try cache.apply(w1, network: n)
        var w2 = CacheRangeWrite(
            fromBlock: 11, toBlock: 20, progress: progress(20, hash: "0x20"), confirmationsWindow: 64)
        w2.blocks = [CachedBlock(number: 20, hash: "0x20", timestamp: 200)]
        w2.jobs = [
            job(1, market: 1, due: 500, prover: me, created: 0),  // assigned in block 1 (created 0: not in this range)
            job(2, market: 1, due: 600, prover: nil, created: 15),
        ]
        w2.jobs[0].assignedBlock = 12
        w2.events = [
            CachedEvent(
                blockNumber: 12, logIndex: 0, blockHash: word(12), txHash: word(0xb), contract: "proofMarketplace",
                name: "TaskCreated", jobId: 1, account: meBytes),
            CachedEvent(
                blockNumber: 15, logIndex: 0, blockHash: word(15), txHash: word(0xc), contract: "proofMarketplace",
                name: "BidCreated", jobId: 2),
        ]
        w2.stakeEvents = [
            CachedStakeEvent(
                blockNumber: 13, logIndex: 0, timestamp: 130, token: token, prover: me, account: me, kind: .staked,
                amount: "5", jobId: nil, withdrawalIndex: nil, txHash: "0xd")
        ]
        try cache.apply(w2, network: n)
        #expect(try cache.job(network: n, id: 1)?.createdBlock == 5)  // kept: the second write did not know it
        #expect(try cache.eventDigest(network: n).count == 3)

        try cache.rollback(network: n, after: 10)
        #expect(try cache.eventDigest(network: n).count == 1)
        #expect(try cache.job(network: n, id: 2) == nil)
        let survivor = try #require(try cache.job(network: n, id: 1))
        #expect(survivor.assignedBlock == nil)
        #expect(survivor.refreshedBlock == -1)
        #expect(try cache.staleJobIds(network: n) == [1])
        // The event after the fork names `me` (a BLOB in the row): its stake is re-read.
        #expect(try cache.staleAccounts(network: n).provers == [me])
        #expect(try cache.stakeSeries(network: n, prover: me).isEmpty)
        #expect(try cache.progress(network: n).first?.lastBlock == 10)
        #expect(try cache.progress(network: n).first?.lastHash == "0x10")
        #expect(try cache.recentBlocks(network: n).map(\.number) == [10])
        #expect(try cache.marketsWithStatus(network: n, operator: nil)[0].market.jobCount == 1)
    }

    @Test func aSecondCopyOfALogIsRefusedWithTheWholeRange() throws {
        let cache = ChainCache(database: try KalypsoDatabase(path: temporaryDatabasePath()))
        let n = try cache.networkId(for: key())
        var w = CacheRangeWrite(fromBlock: 1, toBlock: 10, progress: progress(10), confirmationsWindow: 64)
        w.events = [
            CachedEvent(
                blockNumber: 5, logIndex: 0, blockHash: word(5), txHash: word(0xa), contract: "proofMarketplace",
                name: "BidCreated", jobId: 1)
        ]
        try cache.apply(w, network: n)
        var again = w
        again.markets = [market(9, created: 5)]
        again.progress = progress(11)
        #expect(throws: StoreError.self) { try cache.apply(again, network: n) }
        // Nothing of the refused range stayed: no market, progress unchanged.
        #expect(try cache.marketsWithStatus(network: n, operator: nil).isEmpty)
        #expect(try cache.progress(network: n).first?.lastBlock == 10)
    }

    /// Events go in as multi-row inserts: every row of a range larger than a batch arrives with its fields, and
    /// a repeated log deep in a later batch still refuses the whole range.
    @Test func rangesLargerThanABatchKeepEveryEventAndRefuseRepeats() throws {
        let path = temporaryDatabasePath()
        let cache = ChainCache(database: try KalypsoDatabase(path: path))
        let n = try cache.networkId(for: key())
        func event(_ i: Int64) -> CachedEvent {
            var e = CachedEvent(
                blockNumber: 100 + i / 3, logIndex: i % 3, blockHash: word(100 + i / 3), txHash: word(1_000 + i),
                contract: "proofMarketplace", name: i % 7 == 0 ? "ProofCreated" : "TaskCreated", jobId: i)
            e.account = i % 2 == 0 ? meBytes : nil
            e.marketId = i % 5 == 0 ? i / 5 : nil
            return e
        }
        var w = CacheRangeWrite(fromBlock: 100, toBlock: 199, progress: progress(199), confirmationsWindow: 64)
        w.events = (0..<123).map(event)
        try cache.apply(w, network: n)
        // The same rows one by one in a second cache give the same digest.
        let singlePath = temporaryDatabasePath()
        let single = ChainCache(database: try KalypsoDatabase(path: singlePath))
        let s = try single.networkId(for: key())
        for (k, e) in w.events.enumerated() {
            var one = CacheRangeWrite(
                fromBlock: 100, toBlock: 100 + Int64(k), progress: progress(100 + Int64(k)), confirmationsWindow: 64)
            one.events = [e]
            try single.apply(one, network: s)
        }
        let digest = try cache.eventDigest(network: n)
        #expect(digest.count == 123)
        #expect(digest == (try single.eventDigest(network: s)))
        let everyColumn = { (p: String) throws -> [Row] in
            try DatabaseQueue(path: p).read { db in
                try Row.fetchAll(
                    db, sql: "SELECT * FROM cache_event ORDER BY blockNumber, logIndex")
            }
        }
        #expect(try everyColumn(path) == everyColumn(singlePath))

        var repeated = CacheRangeWrite(fromBlock: 200, toBlock: 299, progress: progress(299), confirmationsWindow: 64)
        repeated.events = (200..<320).map(event) + [event(7)]
        #expect(throws: StoreError.self) { try cache.apply(repeated, network: n) }
        #expect(try cache.eventDigest(network: n) == digest)
        #expect(try cache.progress(network: n).first?.lastBlock == 199)
    }

    /// The events' values are bound with the C API: what lands in the file is what GRDB's own binding stores
    /// (types included), for empty BLOBs, non-ASCII names, NULLs and the extremes of 64-bit integers.
    @Test func eventsBoundWithTheCAPIMatchGRDBsBinding() throws {
        let path = temporaryDatabasePath()
        let cache = ChainCache(database: try KalypsoDatabase(path: path))
        let n = try cache.networkId(for: key())
        let events = [
            CachedEvent(
                blockNumber: Int64.max, logIndex: 0, blockHash: [], txHash: [0xAB], contract: "proofMarketplace",
                name: "Ünïcødé ✓", jobId: Int64.min, marketId: nil, account: nil),
            CachedEvent(
                blockNumber: 1, logIndex: -1, blockHash: Array(repeating: 0xff, count: 32), txHash: [],
                contract: "", name: "TaskCreated", jobId: nil, marketId: 0, account: meBytes),
        ]
        var w = CacheRangeWrite(fromBlock: 1, toBlock: 2, progress: progress(2), confirmationsWindow: 64)
        w.events = events
        try cache.apply(w, network: n)
        let reference = try DatabaseQueue()
        try reference.write { db in
            try db.execute(
                sql: """
                    CREATE TABLE e (networkId, blockNumber, logIndex, blockHash, txHash, contract, name, jobId, marketId,
                    account)
                    """)
            for e in events {
                try db.execute(
                    sql: "INSERT INTO e VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    arguments: [
                        n, e.blockNumber, e.logIndex, Data(e.blockHash), Data(e.txHash), e.contract, e.name, e.jobId,
                        e.marketId, e.account.map { Data($0) },
                    ])
            }
        }
        let columns = "networkId, blockNumber, logIndex, blockHash, txHash, contract, name, jobId, marketId, account"
        let typed = columns.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.map {
            "\($0), typeof(\($0))"
        }.joined(separator: ", ")
        let stored = try DatabaseQueue(path: path).read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT \(typed) FROM (SELECT e.*, b.hash AS blockHash, k.contract, k.name FROM cache_event e
                    JOIN cache_event_kind k ON k.id = e.kind
                    JOIN cache_event_block b ON b.networkId = e.networkId AND b.number = e.blockNumber)
                    ORDER BY logIndex
                    """)
        }
        let expected = try reference.read { db in
            try Row.fetchAll(db, sql: "SELECT \(typed) FROM e ORDER BY logIndex")
        }
        #expect(stored == expected)
        #expect(stored.count == 2)
        #expect(stored.first?["blockHash"] == Data(repeating: 0xff, count: 32))
        #expect(stored.first?["typeof(blockHash)"] == "blob")
        #expect(stored.last?["typeof(blockHash)"] == "blob")  // empty, not NULL
        #expect(stored.first?["typeof(txHash)"] == "blob")
    }

    /// `v7-cache-event-compact` converts a cache written by an older build: the same digest as the same events
    /// written now, hex it cannot read kept as it was, and the rollback still finds the accounts.
    @Test func compactingMigrationConvertsExistingEvents() throws {
        let path = temporaryDatabasePath()
        try FileManager.default.createDirectory(
            atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        do {
            let old = try DatabasePool(path: path)
            try KalypsoDatabase.migrator.migrate(old, upTo: "v6-cache-stake-terms")
            try old.write { db in
                try db.execute(
                    sql: """
                        INSERT INTO cache_network (id, key, chainId, generation, addresses, createdAt)
                        VALUES (1, ?, 31337, 'B', '', 0)
                        """, arguments: [key().text])
                let hash = "0x" + String(repeating: "ab", count: 32)
                let rows: [[(any DatabaseValueConvertible)?]] = [
                    [
                        5, 0, hash, "0x" + String(repeating: "CD", count: 32), "proofMarketplace", "AskCreated", 7, nil,
                        nil,
                    ],
                    [12, 1, hash, "", "proofMarketplace", "TaskCreated", 7, nil, me],
                    [12, 2, hash, "0xnot-hex", "nativeStaking", "Staked", nil, 3, me],
                ]
                for r in rows {
                    try db.execute(
                        sql: """
                            INSERT INTO cache_event (networkId, blockNumber, logIndex, blockHash, txHash, contract, name,
                            jobId, marketId, account) VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                            """, arguments: StatementArguments(r))
                }
                try db.execute(
                    sql: """
                        INSERT INTO cache_stake_balance (networkId, token, prover, total, locked, refreshedBlock)
                        VALUES (1, ?, ?, '5', '0', 12)
                        """, arguments: [token, me])
            }
            try old.close()
        }
        let cache = ChainCache(database: try KalypsoDatabase(path: path))
        let n = try #require(try cache.existingNetworkId(for: key()))
        let kept = try DatabaseQueue(path: path).read { db in
            try Row.fetchAll(
                db,
                sql: "SELECT txHash, typeof(txHash) AS type, typeof(account) AS a FROM cache_event ORDER BY logIndex")
        }
        #expect(kept.map { $0["type"] as String } == ["blob", "blob", "text"])
        #expect(kept[2]["txHash"] == "0xnot-hex")
        #expect(kept.map { $0["a"] as String } == ["null", "blob", "blob"])
        let noIndex = try DatabaseQueue(path: path).read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM sqlite_master WHERE name = 'cache_event_job'")
        }
        #expect(noIndex == 0)
        // The block hash once per block.
        let blocks = try DatabaseQueue(path: path).read { db in
            try Row.fetchAll(db, sql: "SELECT number, hash FROM cache_event_block ORDER BY number")
        }
        #expect(blocks.map { $0["number"] as Int64 } == [5, 12])
        #expect(blocks.allSatisfy { ($0["hash"] as Data) == Data(repeating: 0xab, count: 32) })
        let eventColumns = try DatabaseQueue(path: path).read { db in try db.columns(in: "cache_event").map(\.name) }
        #expect(!eventColumns.contains("blockHash"))

        // The same (readable) events written by this build give the same digest.
        let fresh = ChainCache(database: try KalypsoDatabase(path: temporaryDatabasePath()))
        let f = try fresh.networkId(for: key())
        var w = CacheRangeWrite(fromBlock: 1, toBlock: 12, progress: progress(12), confirmationsWindow: 64)
        w.events = [
            CachedEvent(
                blockNumber: 5, logIndex: 0, blockHash: Array(repeating: 0xab, count: 32),
                txHash: Array(repeating: 0xcd, count: 32), contract: "proofMarketplace", name: "AskCreated", jobId: 7),
            CachedEvent(
                blockNumber: 12, logIndex: 1, blockHash: Array(repeating: 0xab, count: 32), txHash: [],
                contract: "proofMarketplace", name: "TaskCreated", jobId: 7, account: meBytes),
        ]
        try fresh.apply(w, network: f)
        let migrated = try cache.eventDigest(network: n)
        try cache.rollback(network: n, after: 11)
        #expect(try cache.staleAccounts(network: n).provers == [me])
        try cache.rollback(network: n, after: 10)
        #expect(try cache.eventDigest(network: n).count == 1)
        #expect(migrated.count == 3)
        try fresh.rollback(network: f, after: 10)
        #expect(try cache.eventDigest(network: n) == fresh.eventDigest(network: f))
    }

    /// A block's hash is stored once: logs of one block that disagree on it (in one range, or with a range
    /// stored before) refuse the range, and nothing of it stays.
    @Test func logsOfOneBlockMustAgreeOnItsHash() throws {
        let cache = ChainCache(database: try KalypsoDatabase(path: temporaryDatabasePath()))
        let n = try cache.networkId(for: key())
        func event(_ block: Int64, _ index: Int64, hash: Int64) -> CachedEvent {
            CachedEvent(
                blockNumber: block, logIndex: index, blockHash: word(hash), txHash: word(index),
                contract: "proofMarketplace", name: "TaskCreated", jobId: index)
        }
        var w = CacheRangeWrite(fromBlock: 1, toBlock: 10, progress: progress(10), confirmationsWindow: 64)
        w.events = [event(5, 0, hash: 5), event(5, 1, hash: 5), event(6, 2, hash: 6), event(5, 3, hash: 55)]
        #expect(throws: StoreError.self) { try cache.apply(w, network: n) }
        w.events = [event(5, 0, hash: 5), event(5, 1, hash: 55)]
        #expect(throws: StoreError.self) { try cache.apply(w, network: n) }
        #expect(try cache.eventDigest(network: n).count == 0)

        w.events = [event(5, 0, hash: 5), event(5, 1, hash: 5)]
        try cache.apply(w, network: n)
        var later = CacheRangeWrite(fromBlock: 5, toBlock: 11, progress: progress(11), confirmationsWindow: 64)
        later.events = [event(5, 2, hash: 55)]
        #expect(throws: StoreError.self) { try cache.apply(later, network: n) }
        later.events = [event(5, 2, hash: 5)]
        try cache.apply(later, network: n)
        #expect(try cache.eventDigest(network: n).count == 3)
    }

    @Test func confirmationsWindowKeepsOnlyRecentHashes() throws {
        let cache = ChainCache(database: try KalypsoDatabase(path: temporaryDatabasePath()))
        let n = try cache.networkId(for: key())
        for to in stride(from: Int64(10), through: 100, by: 10) {
            var w = CacheRangeWrite(fromBlock: to - 9, toBlock: to, progress: progress(to), confirmationsWindow: 30)
            w.blocks = [CachedBlock(number: to, hash: "0x\(to)", timestamp: to)]
            try cache.apply(w, network: n)
        }
        #expect(try cache.recentBlocks(network: n).map(\.number) == [100, 90, 80, 70])
    }

    @Test func seriesAndBenchmarkHistory() throws {
        let cache = ChainCache(database: try KalypsoDatabase(path: temporaryDatabasePath()))
        let n = try cache.networkId(for: key())
        var w = CacheRangeWrite(fromBlock: 1, toBlock: 10, progress: progress(10), confirmationsWindow: 64)
        w.rewardEvents = [
            CachedRewardEvent(
                blockNumber: 3, logIndex: 1, timestamp: 300, address: me, kind: .accrued, amount: "7", jobId: 1,
                txHash: "0x1"),
            CachedRewardEvent(
                blockNumber: 2, logIndex: 1, timestamp: 200, address: me, kind: .accrued, amount: "5", jobId: 2,
                txHash: "0x2"),
            CachedRewardEvent(
                blockNumber: 4, logIndex: 1, timestamp: 400, address: other, kind: .accrued, amount: "9", jobId: 3,
                txHash: "0x3"),
        ]
        w.stakeBalances = [CachedStakeBalance(token: token, prover: me, total: "100", locked: "10", refreshedBlock: 10)]
        try cache.apply(w, network: n)
        #expect(try cache.earnings(network: n, address: me).map(\.amount) == ["5", "7"])
        #expect(try cache.earnings(network: n, address: me, since: 250).map(\.amount) == ["7"])
        #expect(try cache.stakeBalances(network: n, prover: me).map(\.total) == ["100"])
        try cache.recordBenchmark(BenchmarkRun(enclave: "e1", marketId: 1, milliseconds: 900, at: 2), network: n)
        try cache.recordBenchmark(BenchmarkRun(enclave: "e1", marketId: 1, milliseconds: 800, at: 1), network: n)
        try cache.recordBenchmark(BenchmarkRun(enclave: "e1", marketId: 2, milliseconds: 700, at: 3), network: n)
        #expect(try cache.benchmarkHistory(network: n, enclave: "e1", marketId: 1).map(\.milliseconds) == [800, 900])
        #expect(try cache.benchmarkHistory(network: n, enclave: "e1").count == 3)
    }

    @Test func recentJobsOfAMarketAndAProverComeNewestFirstWithoutASort() throws {
        let cache = ChainCache(database: try KalypsoDatabase(path: temporaryDatabasePath()))
        let n = try cache.networkId(for: key())
        var w = CacheRangeWrite(fromBlock: 1, toBlock: 10, progress: progress(10), confirmationsWindow: 64)
        w.markets = [market(1, created: 2), market(2, created: 2)]
        for i in Int64(1)...40 {
            let prover = i % 3 == 0 ? me : other
            w.jobs.append(job(i, market: 1 + i % 2, due: 1000 - i, prover: prover, created: 5))
        }
        try cache.apply(w, network: n)
        #expect(try cache.jobs(network: n, marketId: 1, limit: 3).map(\.jobId) == [40, 38, 36])
        #expect(try cache.jobs(network: n, prover: me, limit: 4).map(\.jobId) == [39, 36, 33, 30])
        // The start of the console reads these per market: a sort of every job there took 0.1-0.25 s per
        // market on a cache of 100,000 jobs. The plan must walk an index backwards instead.
        for sql in [
            "SELECT * FROM cache_job INDEXED BY cache_job_market_recent WHERE networkId = 1 AND marketId = 1 "
                + "ORDER BY jobId DESC LIMIT 12",
            "SELECT * FROM cache_job INDEXED BY cache_job_prover_recent WHERE networkId = 1 AND prover = 'x' "
                + "ORDER BY jobId DESC LIMIT 300",
        ] {
            let plan = try cache.pool.read { db in
                try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + sql).map { ($0["detail"] as String?) ?? "" }
            }
            #expect(!plan.joined().contains("TEMP B-TREE"), "\(plan)")
        }
    }

    @Test func stakeTermsAreKeptPerNetworkAndReplacedWhenReadAgain() throws {
        let cache = ChainCache(database: try KalypsoDatabase(path: temporaryDatabasePath()))
        let n = try cache.networkId(for: key())
        let other = try cache.networkId(for: key("A"))
        #expect(try cache.stakeTerms(network: n) == CachedStakeTerms())
        try cache.recordStakeTerms(
            CachedStakeTerms(
                amountToLock: [token.uppercased().replacingOccurrences(of: "0X", with: "0x"): "500"],
                withdrawalDuration: "3600"),
            network: n, readAt: 10)
        #expect(
            try cache.stakeTerms(network: n)
                == CachedStakeTerms(amountToLock: [token: "500"], withdrawalDuration: "3600", readAt: 10))
        // A later read replaces the lock; without a duration the kept one stays.
        try cache.recordStakeTerms(CachedStakeTerms(amountToLock: [token: "700"]), network: n, readAt: 20)
        #expect(
            try cache.stakeTerms(network: n)
                == CachedStakeTerms(amountToLock: [token: "700"], withdrawalDuration: "3600", readAt: 20))
        #expect(try cache.stakeTerms(network: other) == CachedStakeTerms())
    }
}
