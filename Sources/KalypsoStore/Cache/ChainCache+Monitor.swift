import Foundation
import GRDB

/// The reads `monitor` makes each poll: bounded by what is open or changed since the last poll, so a
/// monitor that runs for days reads (and holds) the same amount each time.
extension ChainCache {
    /// Jobs still open plus jobs any event touched after block `since` (created, assigned, proved,
    /// slashed, cancelled), optionally one prover's only. A job that opened and closed between two polls is
    /// still returned once, so no outcome is missed.
    public func monitorJobs(network n: Int64, prover: String?, since: Int64) throws(StoreError) -> [CachedJob] {
        let p = prover?.lowercased()
        return try read { db in
            let open =
                if let p {
                    try Row.fetchAll(
                        db,
                        sql: """
                            SELECT * FROM cache_job INDEXED BY cache_job_prover_due
                            WHERE networkId = ? AND prover = ? AND outcome IS NULL
                            """, arguments: [n, p])
                } else {
                    try Row.fetchAll(
                        db, sql: "SELECT * FROM cache_job WHERE networkId = ? AND outcome IS NULL", arguments: [n])
                }
            var byId: [Int64: CachedJob] = [:]
            for row in open {
                let j = Self.job(row)
                byId[j.jobId] = j
            }
            let touched = try Row.fetchAll(
                db,
                sql: """
                    SELECT * FROM cache_job WHERE networkId = ?1 AND jobId IN
                    (SELECT DISTINCT jobId FROM cache_event WHERE networkId = ?1 AND blockNumber > ?2
                     AND jobId IS NOT NULL)
                    """, arguments: [n, since])
            for row in touched {
                let j = Self.job(row)
                if p == nil || j.prover == p { byId[j.jobId] = j }
            }
            return byId.values.sorted { $0.jobId < $1.jobId }
        }
    }

    /// A prover's stake movements after block `since`, in chain order.
    public func stakeEvents(network n: Int64, prover: String, since: Int64) throws(StoreError) -> [CachedStakeEvent] {
        let p = prover.lowercased()
        return try read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT * FROM cache_stake_event WHERE networkId = ? AND prover = ? AND blockNumber > ?
                    ORDER BY blockNumber, logIndex
                    """, arguments: [n, p, since]
            ).map(Self.stakeEvent)
        }
    }

    static func stakeEvent(_ r: Row) -> CachedStakeEvent {
        CachedStakeEvent(
            blockNumber: r["blockNumber"], logIndex: r["logIndex"], timestamp: r["timestamp"], token: r["token"],
            prover: r["prover"], account: r["account"],
            kind: CachedStakeEvent.Kind(rawValue: r["kind"]) ?? .staked, amount: r["amount"],
            jobId: r["jobId"], withdrawalIndex: r["withdrawalIndex"], txHash: r["txHash"])
    }
}
