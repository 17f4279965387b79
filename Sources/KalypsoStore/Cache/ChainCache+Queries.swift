import Foundation
import GRDB

/// A market row with what the market list shows beside it: our membership and the counts.
public struct MarketSummary: Sendable, Hashable {
    public var market: CachedMarket
    /// Our operator's membership (nil when not a member).
    public var ours: CachedMarketProver?
}

/// Rows of the screens' reads. Each is one indexed query (see the schema's indexes); none scans the
/// jobs table.
extension ChainCache {
    /// Every market with our operator's membership and the maintained counts, by id.
    ///
    /// With `clock`, a market's open jobs leave out its asks that expired unassigned (as ``jobsDueSoonest(network:
    /// prover:limit:openAt:)`` does): the maintained count cannot know the clock, so those are counted here,
    /// over the open jobs only (the partial index `cache_job_open_due`).
    public func marketsWithStatus(network n: Int64, operator op: String?, openAt clock: JobClock? = nil)
        throws(StoreError) -> [MarketSummary]
    {
        let me = op?.lowercased()
        return try read { db in
            var markets = try Row.fetchAll(
                db, sql: "SELECT * FROM cache_market WHERE networkId = ? ORDER BY marketId", arguments: [n]
            ).map(Self.market)
            if let clock {
                var expired: [Int64: Int64] = [:]
                for row in try Row.fetchAll(
                    db,
                    sql: """
                        SELECT marketId, COUNT(*) AS n FROM cache_job
                        WHERE networkId = ? AND outcome IS NULL AND prover IS NULL
                        AND expiry <= CASE deadlineUnit WHEN 'second' THEN ? ELSE ? END
                        GROUP BY marketId
                        """, arguments: [n, clock.seconds, clock.blocks ?? Int64.min])
                {
                    expired[row["marketId"]] = row["n"]
                }
                for i in markets.indices {
                    markets[i].openJobCount = max(0, markets[i].openJobCount - (expired[markets[i].marketId] ?? 0))
                }
            }
            var ours: [Int64: CachedMarketProver] = [:]
            if let me {
                for row in try Row.fetchAll(
                    db, sql: "SELECT * FROM cache_market_prover WHERE networkId = ? AND prover = ?", arguments: [n, me])
                {
                    let p = Self.marketProver(row)
                    ours[p.marketId] = p
                }
            }
            return markets.map { MarketSummary(market: $0, ours: ours[$0.marketId]) }
        }
    }

    /// Open jobs ordered by what is due next (proof deadline once assigned, else expiry), optionally one
    /// prover's only. Times stay in the job's unit; the caller converts blocks to wall time.
    ///
    /// With `clock`, an unassigned job whose expiry has passed is left out: it is expired (the contracts'
    /// `getBidState`/`getAskState` read UNASSIGNED, no prover can take it any more, only its requester can
    /// cancel it), not open. The comparison is the contracts' (`expiry <= block.timestamp` or `block.number`).
    public func jobsDueSoonest(network n: Int64, prover: String? = nil, limit: Int, openAt clock: JobClock?)
        throws(StoreError) -> [CachedJob]
    {
        let p = prover?.lowercased()
        // Unknown clocks expire nothing: Int64.min is below every expiry.
        let seconds = clock?.seconds ?? Int64.min
        let blocks = clock?.blocks ?? Int64.min
        return try read { db in
            if let p {
                // A prover's jobs are assigned: none of them can be an expired ask.
                return try Row.fetchAll(
                    db,
                    sql: """
                        SELECT * FROM cache_job INDEXED BY cache_job_prover_due
                        WHERE networkId = ? AND prover = ? AND outcome IS NULL ORDER BY dueAt LIMIT ?
                        """, arguments: [n, p, limit]
                ).map(Self.job)
            }
            return try Row.fetchAll(
                db,
                sql: """
                    SELECT * FROM cache_job WHERE networkId = ? AND outcome IS NULL
                    AND NOT (prover IS NULL AND expiry <= CASE deadlineUnit WHEN 'second' THEN ? ELSE ? END)
                    ORDER BY dueAt LIMIT ?
                    """,
                arguments: [n, seconds, blocks, limit]
            ).map(Self.job)
        }
    }

    /// Every job, by id (for the jobs view and checks).
    public func jobs(network n: Int64, limit: Int = Int.max, offset: Int = 0) throws(StoreError) -> [CachedJob] {
        try read { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM cache_job WHERE networkId = ? ORDER BY jobId LIMIT ? OFFSET ?",
                arguments: [n, Int64(clamping: limit), offset]
            ).map(Self.job)
        }
    }

    /// One job by id.
    public func job(network n: Int64, id: Int64) throws(StoreError) -> CachedJob? {
        try read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM cache_job WHERE networkId = ? AND jobId = ?", arguments: [n, id])
                .map(Self.job)
        }
    }

    /// Every membership of every market (what the prover counts are made of).
    public func marketProvers(network n: Int64) throws(StoreError) -> [CachedMarketProver] {
        try read { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM cache_market_prover WHERE networkId = ? ORDER BY marketId, prover",
                arguments: [n]
            ).map(Self.marketProver)
        }
    }

    /// A prover's stake per token, as last read from the getters.
    public func stakeBalances(network n: Int64, prover: String? = nil) throws(StoreError) -> [CachedStakeBalance] {
        let p = prover?.lowercased()
        return try read { db in
            let rows =
                if let p {
                    try Row.fetchAll(
                        db, sql: "SELECT * FROM cache_stake_balance WHERE networkId = ? AND prover = ? ORDER BY token",
                        arguments: [n, p])
                } else {
                    try Row.fetchAll(
                        db, sql: "SELECT * FROM cache_stake_balance WHERE networkId = ? ORDER BY prover, token",
                        arguments: [n])
                }
            return rows.map {
                CachedStakeBalance(
                    token: $0["token"], prover: $0["prover"], total: $0["total"], locked: $0["locked"],
                    refreshedBlock: $0["refreshedBlock"])
            }
        }
    }

    /// A prover's stake movements in chain order (the stake chart's points), optionally one token's.
    public func stakeSeries(network n: Int64, prover: String, token: String? = nil) throws(StoreError)
        -> [CachedStakeEvent]
    {
        let p = prover.lowercased()
        let t = token?.lowercased()
        return try read { db in
            var sql = "SELECT * FROM cache_stake_event WHERE networkId = ? AND prover = ?"
            var args: [any DatabaseValueConvertible] = [n, p]
            if let t {
                sql += " AND token = ?"
                args.append(t)
            }
            sql += " ORDER BY blockNumber, logIndex"
            return try Row.fetchAll(db, sql: sql, arguments: StatementArguments(args)).map { r in
                CachedStakeEvent(
                    blockNumber: r["blockNumber"], logIndex: r["logIndex"], timestamp: r["timestamp"],
                    token: r["token"],
                    prover: r["prover"], account: r["account"],
                    kind: CachedStakeEvent.Kind(rawValue: r["kind"]) ?? .staked, amount: r["amount"],
                    jobId: r["jobId"], withdrawalIndex: r["withdrawalIndex"], txHash: r["txHash"])
            }
        }
    }

    /// Rewards credited to or claimed by an address since a time (seconds since 1970), oldest first:
    /// the earnings chart's points and the "last 24 h" sum.
    public func earnings(network n: Int64, address: String, since: Int64 = 0) throws(StoreError) -> [CachedRewardEvent]
    {
        let a = address.lowercased()
        return try read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT * FROM cache_reward_event WHERE networkId = ? AND address = ? AND timestamp >= ?
                    ORDER BY timestamp, blockNumber, logIndex
                    """, arguments: [n, a, since]
            ).map { r in
                CachedRewardEvent(
                    blockNumber: r["blockNumber"], logIndex: r["logIndex"], timestamp: r["timestamp"],
                    address: r["address"], kind: CachedRewardEvent.Kind(rawValue: r["kind"]) ?? .accrued,
                    amount: r["amount"], jobId: r["jobId"], txHash: r["txHash"])
            }
        }
    }

    /// What addresses can claim, as last read from the marketplace.
    public func rewardBalances(network n: Int64) throws(StoreError) -> [CachedRewardBalance] {
        try read { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM cache_reward_balance WHERE networkId = ? ORDER BY address", arguments: [n]
            ).map {
                CachedRewardBalance(
                    address: $0["address"], claimable: $0["claimable"], refreshedBlock: $0["refreshedBlock"])
            }
        }
    }

    /// Where a prover's earnings are credited, as last read from the registry.
    public func rewardAddress(network n: Int64, prover: String) throws(StoreError) -> String? {
        let p = prover.lowercased()
        return try read { db in
            try String.fetchOne(
                db, sql: "SELECT rewardAddress FROM cache_prover WHERE networkId = ? AND prover = ?", arguments: [n, p])
        }
    }

    /// Benchmarks of one enclave (and market, when given), oldest first.
    public func benchmarkHistory(network n: Int64, enclave: String, marketId: Int64? = nil) throws(StoreError)
        -> [BenchmarkRun]
    {
        try read { db in
            let rows =
                if let marketId {
                    try Row.fetchAll(
                        db,
                        sql: """
                            SELECT * FROM cache_benchmark_run WHERE networkId = ? AND enclave = ? AND marketId = ?
                            ORDER BY at
                            """, arguments: [n, enclave, marketId])
                } else {
                    try Row.fetchAll(
                        db, sql: "SELECT * FROM cache_benchmark_run WHERE networkId = ? AND enclave = ? ORDER BY at",
                        arguments: [n, enclave])
                }
            return rows.map {
                BenchmarkRun(
                    enclave: $0["enclave"], marketId: $0["marketId"], milliseconds: $0["milliseconds"], at: $0["at"])
            }
        }
    }

    /// The sync progress rows of a network (one per contract).
    public func progress(network n: Int64) throws(StoreError) -> [SyncProgress] {
        try read { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM cache_sync_progress WHERE networkId = ? ORDER BY contract", arguments: [n]
            ).map {
                SyncProgress(
                    contract: $0["contract"], startBlock: $0["startBlock"], lastBlock: $0["lastBlock"],
                    lastHash: $0["lastHash"], headBlock: $0["headBlock"], headTime: $0["headTime"],
                    updatedAt: $0["updatedAt"], headL1Block: $0["headL1Block"])
            }
        }
    }

    /// The remembered blocks, newest first (the confirmations window).
    public func recentBlocks(network n: Int64) throws(StoreError) -> [CachedBlock] {
        try read { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM cache_block WHERE networkId = ? ORDER BY number DESC", arguments: [n]
            ).map { CachedBlock(number: $0["number"], hash: $0["hash"], timestamp: $0["timestamp"]) }
        }
    }

    /// Ids of jobs whose getters must be read again (a reorg touched them).
    public func staleJobIds(network n: Int64) throws(StoreError) -> [Int64] {
        try read { db in
            try Int64.fetchAll(
                db, sql: "SELECT jobId FROM cache_job WHERE networkId = ? AND refreshedBlock < 0", arguments: [n])
        }
    }

    /// (market, prover) memberships and stake provers whose getters must be read again.
    public func staleAccounts(network n: Int64) throws(StoreError) -> (
        memberships: [(Int64, String)], provers: [String]
    ) {
        try read { db in
            let m = try Row.fetchAll(
                db, sql: "SELECT marketId, prover FROM cache_market_prover WHERE networkId = ? AND refreshedBlock < 0",
                arguments: [n]
            ).map { (row: Row) -> (Int64, String) in (row["marketId"], row["prover"]) }
            let p = try String.fetchAll(
                db, sql: "SELECT DISTINCT prover FROM cache_stake_balance WHERE networkId = ? AND refreshedBlock < 0",
                arguments: [n])
            return (m, p)
        }
    }

    /// Row counts and an order-independent checksum of the indexed events, for comparing two caches.
    public func eventDigest(network n: Int64) throws(StoreError) -> (count: Int, digest: String) {
        try read { db in
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT e.blockNumber, e.logIndex, COALESCE(\(CacheSchema.eventBytesSQL("b.hash")), '') AS blockHash,
                    \(CacheSchema.eventBytesSQL("e.txHash")) AS txHash, k.name, e.jobId
                    FROM cache_event e JOIN cache_event_kind k ON k.id = e.kind
                    LEFT JOIN cache_event_block b ON b.networkId = e.networkId AND b.number = e.blockNumber
                    WHERE e.networkId = ? ORDER BY e.blockNumber, e.logIndex
                    """, arguments: [n])
            var hasher = FNV64()
            for r in rows {
                let line =
                    "\(r["blockNumber"] as Int64):\(r["logIndex"] as Int64):\(r["blockHash"] as String):"
                    + "\(r["txHash"] as String):\(r["name"] as String):\((r["jobId"] as Int64?) ?? -1)\n"
                hasher.add(line)
            }
            return (rows.count, String(hasher.value, radix: 16))
        }
    }

    // MARK: - Row mapping

    static func market(_ r: Row) -> CachedMarket {
        var m = CachedMarket(
            marketId: r["marketId"], verifier: r["verifier"], proverImageId: r["proverImageId"],
            ivsImageId: r["ivsImageId"], creator: r["creator"], metadata: r["metadata"],
            metadataIsJSON: r["metadataIsJSON"], isPrivate: r["isPrivate"], slashingPenalty: r["slashingPenalty"],
            activationBlock: r["activationBlock"], createdBlock: r["createdBlock"])
        m.proverCount = r["proverCount"]
        m.jobCount = r["jobCount"]
        m.openJobCount = r["openJobCount"]
        return m
    }

    static func marketProver(_ r: Row) -> CachedMarketProver {
        CachedMarketProver(
            marketId: r["marketId"], prover: r["prover"], state: r["state"], computePerRequest: r["computePerRequest"],
            proofGenerationCost: r["proofGenerationCost"], proposedTime: r["proposedTime"], commission: r["commission"],
            activeRequests: r["activeRequests"], joinedBlock: r["joinedBlock"], refreshedBlock: r["refreshedBlock"])
    }

    static func job(_ r: Row) -> CachedJob {
        CachedJob(
            jobId: r["jobId"], marketId: r["marketId"], state: r["state"], reward: r["reward"], expiry: r["expiry"],
            timeForProof: r["timeForProof"], deadline: r["deadline"], deadlineUnit: r["deadlineUnit"],
            requester: r["requester"], prover: r["prover"], hasPrivateInputs: r["hasPrivateInputs"],
            outcome: (r["outcome"] as String?).flatMap(CachedJob.Outcome.init(rawValue:)),
            createdBlock: r["createdBlock"],
            createdTx: r["createdTx"], assignedBlock: r["assignedBlock"], assignedTx: r["assignedTx"],
            outcomeBlock: r["outcomeBlock"], outcomeTx: r["outcomeTx"], refreshedBlock: r["refreshedBlock"])
    }
}

/// FNV-1a, 64 bits: a stable checksum for comparing two caches' contents (not for security).
struct FNV64 {
    var value: UInt64 = 0xcbf2_9ce4_8422_2325
    mutating func add(_ text: String) {
        for byte in text.utf8 {
            value ^= UInt64(byte)
            value = value &* 0x100_0000_01b3
        }
    }
}
