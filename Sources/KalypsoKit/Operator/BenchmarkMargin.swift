import Basics
import BigInt
import EthereumKit
import Foundation
import KalypsoStore

extension ErrorCode {
    public static let operatorTimeBelowBenchmark: ErrorCode = "operator.timeBelowBenchmark"
}

/// The shortest proposed time a benchmark allows (spec §2.3: choose `proposedTime` from the benchmark "with
/// margin"): twice the benchmark, since a proof on a loaded machine, with its inputs fetched and its proof sent,
/// takes longer than one benchmark alone, and a late proof is slashed.
public enum BenchmarkMargin {
    public static let factor: BigUInt = 2

    /// Refuses `proposed` when it is shorter than `factor` × the benchmark. A time in blocks on a chain whose
    /// block time is unknown cannot be compared and passes (the market's bounds still apply).
    public static func check(
        proposed: ChainTime, benchmark: BenchmarkRun, marketId: BigUInt, clock: ChainClock
    ) throws(OperatorRefusal) {
        guard let seconds = clock.estimatedSeconds(proposed), benchmark.milliseconds > 0 else { return }
        let needed = (BigUInt(benchmark.milliseconds) * factor + 999) / 1000
        guard seconds < needed else { return }
        throw OperatorRefusal(
            .operatorTimeBelowBenchmark, "The proposed time is shorter than the benchmark allows",
            detail: "\(clock.display(proposed)) is under \(factor) × the latest benchmark for market \(marketId) "
                + "(\(benchmark.milliseconds) ms): at least \(needed) s",
            hint: "Propose at least \(needed) s (in the generation's unit), or benchmark again: "
                + "kalypso-console benchmark --market \(marketId)")
    }
}

extension OperatorSession {
    /// The latest benchmark of the enclave whose key has `enclave` as its address, for `marketId`, in the
    /// session's database (benchmarks are kept under the enclave key's lowercase address), if any.
    public func latestBenchmark(market marketId: BigUInt, enclave: Address) throws -> BenchmarkRun? {
        guard let market = Int64(exactly: marketId) else { return nil }
        let cache = ChainCache(database: sender.journal.database)
        guard let network = try cache.existingNetworkId(for: try ChainSync.cacheKey(config: config)) else {
            return nil
        }
        return try cache.benchmarkHistory(
            network: network, enclave: enclave.checksummed.lowercased(), marketId: market
        ).last
    }
}
