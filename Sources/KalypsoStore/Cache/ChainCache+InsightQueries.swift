import Foundation
import GRDB

/// Reads of the Benchmarks and Profitability screens.
extension ChainCache {
    /// Every benchmark of every enclave on a network, oldest first (several enclaves side by side).
    public func benchmarkRuns(network n: Int64) throws(StoreError) -> [BenchmarkRun] {
        try read { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM cache_benchmark_run WHERE networkId = ? ORDER BY at", arguments: [n]
            ).map {
                BenchmarkRun(
                    enclave: $0["enclave"], marketId: $0["marketId"], milliseconds: $0["milliseconds"], at: $0["at"])
            }
        }
    }
}
