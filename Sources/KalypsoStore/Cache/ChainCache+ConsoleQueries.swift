import Foundation
import GRDB

/// Reads of the console's Jobs screen and market detail view (each one indexed query that reads only the
/// rows it returns: no sort).
extension ChainCache {
    /// One prover's jobs, newest first, open or finished (the Jobs screen's history with outcomes).
    public func jobs(network n: Int64, prover: String, limit: Int) throws(StoreError) -> [CachedJob] {
        let p = prover.lowercased()
        return try read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT * FROM cache_job INDEXED BY cache_job_prover_recent
                    WHERE networkId = ? AND prover = ? ORDER BY jobId DESC LIMIT ?
                    """, arguments: [n, p, Int64(clamping: limit)]
            ).map(Self.job)
        }
    }

    /// A market's most recent jobs, newest first (the market detail view).
    public func jobs(network n: Int64, marketId: Int64, limit: Int) throws(StoreError) -> [CachedJob] {
        try read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT * FROM cache_job INDEXED BY cache_job_market_recent
                    WHERE networkId = ? AND marketId = ? ORDER BY jobId DESC LIMIT ?
                    """, arguments: [n, marketId, Int64(clamping: limit)]
            ).map(Self.job)
        }
    }
}

extension MarketSummary {
    /// A market row as a screen's test data makes it.
    public init(_ market: CachedMarket, ours: CachedMarketProver?) {
        self.init(market: market, ours: ours)
    }
}
