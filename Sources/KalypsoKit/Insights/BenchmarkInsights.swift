import BigInt
import Foundation
import KalypsoStore

/// The benchmark history of one enclave for one market, with the figures the Benchmarks screen shows.
public struct BenchmarkSeries: Sendable, Hashable {
    public var enclave: String
    public var marketId: Int64?
    /// Oldest first.
    public var runs: [BenchmarkRun]

    public init(enclave: String, marketId: Int64?, runs: [BenchmarkRun]) {
        self.enclave = enclave
        self.marketId = marketId
        self.runs = runs.sorted { $0.at < $1.at }
    }

    public var latest: BenchmarkRun? { runs.last }
    public var fastest: Int64? { runs.map(\.milliseconds).min() }
    public var slowest: Int64? { runs.map(\.milliseconds).max() }
    /// The 90th percentile by nearest rank (the smallest run at least 90 % of runs are no slower than).
    public var p90: Int64? { BenchmarkInsights.percentile(90, of: runs.map(\.milliseconds)) }
    public var median: Int64? { BenchmarkInsights.percentile(50, of: runs.map(\.milliseconds)) }

    /// Groups runs per (enclave, market), enclaves then markets in order: several enclaves side by side.
    public static func grouped(_ runs: [BenchmarkRun]) -> [BenchmarkSeries] {
        let keys = Set(runs.map { Key(enclave: $0.enclave, marketId: $0.marketId) })
        return keys.sorted { ($0.enclave, $0.marketId ?? -1) < ($1.enclave, $1.marketId ?? -1) }.map { key in
            BenchmarkSeries(
                enclave: key.enclave, marketId: key.marketId,
                runs: runs.filter { $0.enclave == key.enclave && $0.marketId == key.marketId })
        }
    }

    private struct Key: Hashable {
        var enclave: String
        var marketId: Int64?
    }
}

/// Which benchmark figure a proposed time is built on.
public enum ProposedTimeBasis: String, Sendable, Hashable {
    /// The newest run: follows the enclave as it is now.
    case latest
    /// The 90th percentile of the runs: one proof in ten may still be slower.
    case p90

    /// The p90 needs a few runs to mean anything; with fewer the latest run is the honest basis.
    public static let p90MinimumRuns = 5

    public static func preferred(runCount: Int) -> ProposedTimeBasis { runCount >= p90MinimumRuns ? .p90 : .latest }
}

/// The proposed time a benchmark supports: the basis time plus a margin, in the market's unit, with every
/// input and a warning when the market's asks give less time than that.
public struct ProposedTimeSuggestion: Sendable, Hashable {
    public var basis: ProposedTimeBasis
    public var basisMilliseconds: Int64
    public var marginPercent: Int
    /// Rounded up to whole seconds or blocks.
    public var proposed: ChainTime
    /// "480 blocks (≈ 1h 36m)".
    public var display: String
    /// Why this proposed time will not be assigned work, when it will not.
    public var warning: String?
    public var inputs: [InsightInput]
}

/// Pure figures from benchmark runs.
public enum BenchmarkInsights {
    /// The generation B contracts accept a proposed time of at most one day (spec §3.1 `MAX_PROVING_TIME`).
    public static let maxProvingTimeSeconds: Int64 = 86_400

    /// Nearest-rank percentile; nil for no values.
    public static func percentile(_ p: Int, of values: [Int64]) -> Int64? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        let rank = max(1, Int((Double(p) / 100 * Double(sorted.count)).rounded(.up)))
        return sorted[min(rank, sorted.count) - 1]
    }

    /// The proposed time `runs` support for a market (spec §2.3 "use the result to choose proposedTime with
    /// margin").
    /// - Parameters:
    ///   - basis: which figure to build on; nil picks ``ProposedTimeBasis/preferred(runCount:)``.
    ///   - marginPercent: added on top of the basis for fetching inputs and sending the proof.
    ///   - scale: the market's time unit and, for blocks, their pace.
    ///   - askTimes: the time recent asks of the market gave for the proof (`timeForProof`), for the warning.
    public static func suggestProposedTime(
        runs: [BenchmarkRun], basis: ProposedTimeBasis? = nil, marginPercent: Int = 50, scale: ContractTimeScale,
        askTimes: [ChainTime] = []
    ) -> Result<ProposedTimeSuggestion, NotEnoughData> {
        let series = runs.sorted { $0.at < $1.at }
        guard let latest = series.last else { return .failure(NotEnoughData("no benchmark run for this market")) }
        let basis = basis ?? .preferred(runCount: series.count)
        let ms: Int64
        switch basis {
        case .latest: ms = latest.milliseconds
        case .p90:
            guard series.count >= ProposedTimeBasis.p90MinimumRuns,
                let p = percentile(90, of: series.map(\.milliseconds))
            else {
                return .failure(
                    NotEnoughData(
                        "a p90 needs \(ProposedTimeBasis.p90MinimumRuns) benchmark runs, there are \(series.count)"))
            }
            ms = p
        }
        let seconds = Double(ms) * Double(100 + max(0, marginPercent)) / 100 / 1000
        guard let proposed = scale.duration(seconds: seconds) else {
            return .failure(NotEnoughData("the pace of blocks is unknown, so seconds cannot be turned into blocks"))
        }
        var inputs = [
            InsightInput(
                "benchmark",
                basis == .latest
                    ? "latest of \(series.count) runs: \(formatMilliseconds(ms))"
                    : "p90 of \(series.count) runs: \(formatMilliseconds(ms))", source: "cache: benchmark history"),
            InsightInput(
                "margin", "+\(marginPercent) % for fetching inputs and sending the proof", source: "setting"),
            InsightInput("time unit", scale.unit == .blocks ? "blocks" : "seconds", source: scale.source),
        ]
        var warnings: [String] = []
        if scale.unit == .seconds, proposed.value > BigUInt(maxProvingTimeSeconds) {
            warnings.append("longer than the contracts' maximum of \(maxProvingTimeSeconds) s: a join would revert")
        }
        if !askTimes.isEmpty {
            let comparable = askTimes.filter { $0.unit == proposed.unit }
            let shorter = comparable.filter { $0.value < proposed.value }
            inputs.append(
                InsightInput(
                    "recent asks", "\(comparable.count), giving \(range(comparable, scale))",
                    source: "cache: the market's jobs (timeForProof)"))
            if !comparable.isEmpty && shorter.count == comparable.count {
                warnings.append(
                    "too slow for this market: all \(comparable.count) recent asks give less time, "
                        + "so none would be assigned")
            } else if !shorter.isEmpty {
                warnings.append(
                    "\(shorter.count) of \(comparable.count) recent asks give less time and would not be assigned")
            }
        }
        return .success(
            ProposedTimeSuggestion(
                basis: basis, basisMilliseconds: ms, marginPercent: marginPercent, proposed: proposed,
                display: scale.display(proposed), warning: warnings.isEmpty ? nil : warnings.joined(separator: "; "),
                inputs: inputs))
    }

    /// "120…600 s" or "none".
    static func range(_ times: [ChainTime], _ scale: ContractTimeScale) -> String {
        guard let lo = times.min(by: { $0.value < $1.value }), let hi = times.max(by: { $0.value < $1.value })
        else { return "none" }
        return lo == hi ? scale.display(lo) : "\(lo.value)…\(scale.display(hi))"
    }
}
