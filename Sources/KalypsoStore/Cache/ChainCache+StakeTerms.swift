import Foundation
import GRDB

/// The staking pool's terms as last read from the chain (Generation B `NativeStaking`): what the console shows
/// at start, before (or without) a chain call.
public struct CachedStakeTerms: Sendable, Hashable {
    /// `amountToLock(token)` per stake token (lowercase 0x address → decimal base units).
    public var amountToLock: [String: String]
    /// `withdrawalDuration()` in seconds, as decimal text; nil when never read.
    public var withdrawalDuration: String?
    /// When the terms were last read (seconds since 1970); nil when never.
    public var readAt: Double?

    public init(amountToLock: [String: String] = [:], withdrawalDuration: String? = nil, readAt: Double? = nil) {
        self.amountToLock = amountToLock
        self.withdrawalDuration = withdrawalDuration
        self.readAt = readAt
    }
}

extension ChainCache {
    /// The staking pool's terms the cache has for a network (empty when never read).
    public func stakeTerms(network n: Int64) throws(StoreError) -> CachedStakeTerms {
        try read { db in
            var terms = CachedStakeTerms()
            for row in try Row.fetchAll(
                db, sql: "SELECT token, amountToLock, readAt FROM cache_stake_lock WHERE networkId = ?", arguments: [n])
            {
                let token: String = row["token"]
                terms.amountToLock[token] = row["amountToLock"]
                terms.readAt = max(terms.readAt ?? 0, row["readAt"])
            }
            if let row = try Row.fetchOne(
                db, sql: "SELECT withdrawalDuration, readAt FROM cache_stake_pool WHERE networkId = ?", arguments: [n])
            {
                terms.withdrawalDuration = row["withdrawalDuration"]
                terms.readAt = max(terms.readAt ?? 0, row["readAt"])
            }
            return terms
        }
    }

    /// Records terms read from the chain at `readAt`, in one transaction: each token's lock replaces the one
    /// kept; a nil withdrawal duration keeps the one kept.
    public func recordStakeTerms(_ terms: CachedStakeTerms, network n: Int64, readAt: Double) throws(StoreError) {
        try write { db in
            for (token, amount) in terms.amountToLock {
                try db.execute(
                    sql: """
                        INSERT INTO cache_stake_lock (networkId, token, amountToLock, readAt) VALUES (?, ?, ?, ?)
                        ON CONFLICT (networkId, token) DO UPDATE SET amountToLock = excluded.amountToLock,
                        readAt = excluded.readAt
                        """, arguments: [n, token.lowercased(), amount, readAt])
            }
            if let d = terms.withdrawalDuration {
                try db.execute(
                    sql: """
                        INSERT INTO cache_stake_pool (networkId, withdrawalDuration, readAt) VALUES (?, ?, ?)
                        ON CONFLICT (networkId) DO UPDATE SET withdrawalDuration = excluded.withdrawalDuration,
                        readAt = excluded.readAt
                        """, arguments: [n, d, readAt])
            }
        }
    }
}
