import BigInt
import EthereumKit
import Foundation
import KalypsoStore

/// The stretch of chain the recent asks are taken from, in node blocks and seconds.
public struct AskWindow: Sendable, Hashable {
    public var fromBlock: Int64
    public var toBlock: Int64
    public var seconds: Double
    public var source: String

    public init(fromBlock: Int64, toBlock: Int64, seconds: Double, source: String) {
        self.fromBlock = fromBlock
        self.toBlock = toBlock
        self.seconds = seconds
        self.source = source
    }

    /// The last `hours` before the head, cut at the block the cache starts from, with the node's block pace
    /// measured from the blocks the cache remembers. Nil when the pace cannot be measured.
    public static func last(
        hours: Double, head: SyncProgress, recentBlocks: [CachedBlock]
    ) -> AskWindow? {
        let sorted = recentBlocks.sorted { $0.number < $1.number }
        var points = sorted.map { ($0.number, $0.timestamp) }
        if head.headTime > 0 { points.append((head.headBlock, head.headTime)) }
        guard let first = points.min(by: { $0.0 < $1.0 }), let last = points.max(by: { $0.0 < $1.0 }),
            last.0 > first.0, last.1 > first.1
        else { return nil }
        let pace = Double(last.1 - first.1) / Double(last.0 - first.0)
        let wanted = Int64((hours * 3600 / pace).rounded(.up))
        let from = max(head.startBlock, head.headBlock - wanted)
        let seconds = Double(head.headBlock - from) * pace
        guard seconds > 0 else { return nil }
        return AskWindow(
            fromBlock: from, toBlock: head.headBlock, seconds: seconds,
            source: "cache: node blocks \(from)…\(head.headBlock), "
                + "\(ContractTimeScale.format(pace)) s per block measured")
    }
}

/// Stake a job puts at risk: what a missed deadline costs in one token.
public struct StakeAtRisk: Sendable, Hashable {
    public var token: TokenInfo
    public var amount: BigUInt
    /// "chain: marketData(3).slashingPenalty", "chain: NativeStaking.amountToLock(POND)".
    public var source: String

    public init(token: TokenInfo, amount: BigUInt, source: String) {
        self.token = token
        self.amount = amount
        self.source = source
    }
}

/// Our terms in a market, when we have joined it.
public struct OurTerms: Sendable, Hashable {
    public var proposedTime: ChainTime
    /// The least reward we accept (`proofGenerationCost`).
    public var minimumReward: BigUInt
    /// Proofs we can run at once (declared compute ÷ compute per request); nil when unknown (one is assumed).
    public var parallelJobs: Int?

    public init(proposedTime: ChainTime, minimumReward: BigUInt, parallelJobs: Int?) {
        self.proposedTime = proposedTime
        self.minimumReward = minimumReward
        self.parallelJobs = parallelJobs
    }
}

/// Everything the profitability and risk figures of one market are made of.
public struct MarketRiskInputs: Sendable {
    public var marketId: Int64
    public var paymentToken: TokenInfo
    /// Our benchmark runs for the market, of the enclave that proves for it.
    public var benchmarkRuns: [BenchmarkRun]
    /// The market's time unit and block pace; nil when blocks cannot be turned into seconds.
    public var scale: ContractTimeScale?
    /// Nil when we have not joined.
    public var ours: OurTerms?
    /// The market's jobs (all of them or those of the window; the window filters).
    public var jobs: [CachedJob]
    public var window: AskWindow?
    /// Provers in the market besides us (the market list's count, minus us when we are one).
    public var otherProvers: Int
    public var ourProver: String?
    public var stakeAtRisk: [StakeAtRisk]
    /// What a proof costs us to make (power, hardware), in the payment token; nil counts as zero and says so.
    public var costPerProof: BigUInt?
    /// A run counts as a miss when it takes longer than the deadline less this share of it (fetching inputs,
    /// sending the proof).
    public var missMarginPercent: Int

    public init(
        marketId: Int64, paymentToken: TokenInfo, benchmarkRuns: [BenchmarkRun], scale: ContractTimeScale?,
        ours: OurTerms?, jobs: [CachedJob], window: AskWindow?, otherProvers: Int, ourProver: String?,
        stakeAtRisk: [StakeAtRisk], costPerProof: BigUInt?, missMarginPercent: Int = 20
    ) {
        self.marketId = marketId
        self.paymentToken = paymentToken
        self.benchmarkRuns = benchmarkRuns
        self.scale = scale
        self.ours = ours
        self.jobs = jobs
        self.window = window
        self.otherProvers = otherProvers
        self.ourProver = ourProver?.lowercased()
        self.stakeAtRisk = stakeAtRisk
        self.costPerProof = costPerProof
        self.missMarginPercent = missMarginPercent
    }
}

/// The chance a proof misses its deadline, and how it was estimated.
public struct MissChance: Sendable, Hashable {
    /// 0…1.
    public var probability: Double
    public var slowRuns: Int
    public var runs: Int
    public var model: String
    /// A share of runs needs a few runs to mean anything.
    public static let minimumRuns = 3
}

/// One token's expected slash loss per hour.
public struct SlashLoss: Sendable, Hashable {
    public var token: TokenInfo
    public var perHour: BigUInt
}

/// Profitability and risk of one market, each figure with the inputs and assumptions behind it.
public struct MarketRisk: Sendable, Hashable {
    public var marketId: Int64
    public var inputs: [InsightInput]
    public var assumptions: [String]
    /// Asks we could be assigned (reward and time within our terms), per hour.
    public var eligibleAsksPerHour: Result<Double, NotEnoughData>
    /// Jobs we expect per hour: our share of those, capped by how many proofs an hour we can make.
    public var ourJobsPerHour: Result<Double, NotEnoughData>
    /// Mean reward of the eligible asks, in the payment token's base units.
    public var rewardPerProof: Result<BigUInt, NotEnoughData>
    public var missChance: Result<MissChance, NotEnoughData>
    /// (rewards of proofs made in time − cost of every proof) per hour; negative when we lose money.
    public var earningsPerHour: Result<BigInt, NotEnoughData>
    public var slashLossPerHour: Result<[SlashLoss], NotEnoughData>
}

/// Profitability and risk per market: no existing tool shows these (issue 11).
public enum Profitability {
    /// The figures for one market. Every figure that cannot be made says why instead.
    public static func assess(_ x: MarketRiskInputs) -> MarketRisk {
        var inputs: [InsightInput] = []
        var assumptions: [String] = []
        let runs = x.benchmarkRuns.sorted { $0.at < $1.at }
        let latestMs = runs.last?.milliseconds
        inputs.append(
            InsightInput(
                "our benchmark",
                latestMs.map { "\(runs.count) runs, latest \(formatMilliseconds($0))" } ?? "none",
                source: "cache: benchmark history of market \(x.marketId)"
                    + (runs.last.map { ", enclave \($0.enclave)" } ?? "")))
        inputs.append(
            InsightInput(
                "time unit", x.scale.map { $0.unit == .blocks ? "blocks" : "seconds" } ?? "blocks, pace unknown",
                source: x.scale?.source ?? "no block times in the cache yet"))

        // Our terms: joined, or the terms the benchmark supports.
        var proposed: ChainTime?
        var minimumReward = BigUInt(0)
        var parallel = 1
        if let ours = x.ours {
            proposed = ours.proposedTime
            minimumReward = ours.minimumReward
            parallel = max(1, ours.parallelJobs ?? 1)
            if ours.parallelJobs == nil {
                assumptions.append("one proof at a time (our compute per job is not known here)")
            }
            inputs.append(
                InsightInput(
                    "our terms",
                    "proposed \(x.scale?.display(ours.proposedTime) ?? ours.proposedTime.description), "
                        + "minimum reward \(x.paymentToken.format(ours.minimumReward)), "
                        + (ours.parallelJobs.map { "\($0) at once" } ?? "jobs at once unknown"),
                    source: "chain: our membership of market \(x.marketId)"))
        } else if let scale = x.scale,
            case .success(let s) = BenchmarkInsights.suggestProposedTime(runs: runs, scale: scale)
        {
            proposed = s.proposed
            inputs.append(
                InsightInput(
                    "our terms", "not joined; proposed \(s.display) as the benchmark supports, any reward",
                    source: "benchmark + \(s.marginPercent) % margin"))
            assumptions.append("not joined: as if joined with the proposed time the benchmark supports")
            assumptions.append("one proof at a time")
        }

        // Asks of the window, and those we could be assigned.
        let unitName = x.scale?.unit == .blocks ? "block" : "second"
        let windowJobs = x.window.map { w in
            x.jobs.filter { $0.createdBlock >= w.fromBlock && $0.createdBlock <= w.toBlock }
        }
        let eligible = (windowJobs ?? []).filter { j in
            guard (BigUInt(j.reward) ?? 0) >= minimumReward else { return false }
            guard let proposed else { return true }
            return j.deadlineUnit == unitName && BigUInt(j.timeForProof) >= proposed.value
        }
        if let w = x.window, let jobs = windowJobs {
            inputs.append(
                InsightInput(
                    "recent asks",
                    "\(jobs.count) in \(ChainClock.words(seconds: BigUInt(Int64(w.seconds)))), "
                        + "\(eligible.count) within our terms", source: w.source))
            let times = eligible.map {
                ChainTime(BigUInt($0.timeForProof), $0.deadlineUnit == "block" ? .blocks : .seconds)
            }
            if !times.isEmpty, let scale = x.scale {
                inputs.append(
                    InsightInput(
                        "deadline lengths", BenchmarkInsights.range(times, scale),
                        source: "cache: the asks' timeForProof"))
            }
        } else {
            inputs.append(InsightInput("recent asks", "none", source: "the cache has no block times yet"))
        }

        let eligiblePerHour: Result<Double, NotEnoughData>
        if let w = x.window, w.seconds > 0 {
            eligiblePerHour = .success(Double(eligible.count) * 3600 / w.seconds)
            if w.seconds < 3600 {
                assumptions.append(
                    "the cache holds only \(ChainClock.words(seconds: BigUInt(Int64(w.seconds)))) of asks: "
                        + "rates per hour are rough")
            }
        } else {
            eligiblePerHour = .failure(NotEnoughData("no window of recent asks"))
        }

        // Our share of them.
        let ourJobs: Result<Double, NotEnoughData>
        switch eligiblePerHour {
        case .failure(let e): ourJobs = .failure(e)
        case .success(let rate):
            let mine = x.ourProver.map { me in eligible.filter { $0.prover == me }.count } ?? 0
            let share: Double
            if x.ours != nil && mine > 0 {
                share = Double(mine) / Double(eligible.count)
                inputs.append(
                    InsightInput(
                        "our share", "\(mine) of \(eligible.count) assigned to us",
                        source: "cache: the window's assignments"))
            } else {
                let provers = x.otherProvers + 1
                share = 1 / Double(provers)
                inputs.append(
                    InsightInput("our share", "1 of \(provers) provers", source: "cache: the market's prover count"))
                assumptions.append("asks are shared evenly among the market's provers")
            }
            var perHour = rate * share
            if let ms = latestMs, ms > 0 {
                let capacity = Double(parallel) * 3_600_000 / Double(ms)
                if capacity < perHour {
                    perHour = capacity
                    assumptions.append(
                        "capped at \(ContractTimeScale.format(capacity)) proofs per hour: "
                            + "\(parallel) at a time, \(formatMilliseconds(ms)) each")
                }
            }
            ourJobs = .success(perHour)
        }

        // Reward per proof: the contracts credit the prover exactly its proofGenerationCost for a proof, whatever
        // the ask offered (the rest goes back to the requester, spec §2.6.3). Before joining, the asks' rewards
        // are what a cost could be set to.
        let rewardPerProof: Result<BigUInt, NotEnoughData>
        if eligible.isEmpty {
            rewardPerProof = .failure(NotEnoughData("no recent ask within our terms"))
        } else if let ours = x.ours {
            rewardPerProof = .success(ours.minimumReward)
            inputs.append(
                InsightInput(
                    "reward per proof", x.paymentToken.format(ours.minimumReward),
                    source: "chain: our proofGenerationCost, credited for each proof"))
        } else {
            let sum = eligible.reduce(BigUInt(0)) { $0 + (BigUInt($1.reward) ?? 0) }
            rewardPerProof = .success(sum / BigUInt(eligible.count))
            inputs.append(
                InsightInput(
                    "reward per proof", "mean \(x.paymentToken.format(sum / BigUInt(eligible.count)))",
                    source: "cache: the asks' reward"))
            assumptions.append(
                "a proof earns the proof cost we join with, at most the ask's reward: "
                    + "the mean reward is the most a cost could take")
        }
        let cost = x.costPerProof ?? 0
        inputs.append(
            InsightInput(
                "our cost per proof", x.paymentToken.format(cost),
                source: x.costPerProof == nil ? "assumed 0: no cost configured" : "setting"))

        // Chance of missing a deadline.
        let miss = missChance(
            runs: runs, eligible: eligible, proposed: proposed, scale: x.scale, margin: x.missMarginPercent)

        // Earnings and slash loss.
        let earnings: Result<BigInt, NotEnoughData>
        let slash: Result<[SlashLoss], NotEnoughData>
        switch (ourJobs, rewardPerProof) {
        case (.failure(let e), _), (_, .failure(let e)):
            earnings = .failure(e)
        case (.success(let perHour), .success(let reward)):
            let p: Double
            if case .success(let m) = miss {
                p = m.probability
            } else {
                p = 0
                assumptions.append("no misses: the chance of missing cannot be estimated yet")
            }
            let gross = scaled(reward, by: perHour * (1 - p))
            let spent = scaled(cost, by: perHour)
            earnings = .success(BigInt(gross) - BigInt(spent))
        }
        switch (ourJobs, miss) {
        case (.failure(let e), _), (_, .failure(let e)):
            slash = .failure(e)
        case (.success(let perHour), .success(let m)):
            if x.stakeAtRisk.isEmpty {
                slash = .failure(NotEnoughData("the stake locked per job is unknown"))
            } else {
                slash = .success(
                    x.stakeAtRisk.map {
                        SlashLoss(token: $0.token, perHour: scaled($0.amount, by: perHour * m.probability))
                    })
                if x.stakeAtRisk.count > 1 {
                    assumptions.append("each token's loss as if every job locked that token (one is chosen per job)")
                }
            }
        }
        for s in x.stakeAtRisk {
            inputs.append(InsightInput("stake at risk per job", s.token.format(s.amount), source: s.source))
        }
        return MarketRisk(
            marketId: x.marketId, inputs: inputs, assumptions: assumptions, eligibleAsksPerHour: eligiblePerHour,
            ourJobsPerHour: ourJobs, rewardPerProof: rewardPerProof, missChance: miss, earningsPerHour: earnings,
            slashLossPerHour: slash)
    }

    /// Empirical model: for each ask we could be assigned, the share of our benchmark runs slower than its
    /// deadline less the margin; averaged over those asks (our proposed time when there are none).
    static func missChance(
        runs: [BenchmarkRun], eligible: [CachedJob], proposed: ChainTime?, scale: ContractTimeScale?, margin: Int
    ) -> Result<MissChance, NotEnoughData> {
        guard runs.count >= MissChance.minimumRuns else {
            return .failure(
                NotEnoughData("\(runs.count) benchmark runs, the chance of missing needs \(MissChance.minimumRuns)"))
        }
        guard let scale else { return .failure(NotEnoughData("the pace of blocks is unknown")) }
        var deadlines = eligible.compactMap { j in
            scale.seconds(ChainTime(BigUInt(j.timeForProof), j.deadlineUnit == "block" ? .blocks : .seconds))
        }
        var basis = "the \(deadlines.count) recent asks within our terms"
        if deadlines.isEmpty, let proposed, let s = scale.seconds(proposed) {
            deadlines = [s]
            basis = "our proposed time"
        }
        guard !deadlines.isEmpty else { return .failure(NotEnoughData("no deadline to compare with")) }
        let keep = Double(100 - min(max(margin, 0), 99)) / 100
        var total = 0.0
        var slowest = 0
        for d in deadlines {
            let slow = runs.filter { Double($0.milliseconds) / 1000 > d * keep }.count
            slowest = max(slowest, slow)
            total += Double(slow) / Double(runs.count)
        }
        return .success(
            MissChance(
                probability: total / Double(deadlines.count), slowRuns: slowest, runs: runs.count,
                model: "share of \(runs.count) benchmark runs slower than the deadline less \(margin) %, "
                    + "over \(basis)"))
    }

    /// `amount × factor`, factor a non-negative rate, to 1e-9.
    static func scaled(_ amount: BigUInt, by factor: Double) -> BigUInt {
        guard factor > 0, factor.isFinite else { return 0 }
        let nano = BigUInt(UInt64((factor * 1e9).rounded()))
        return amount * nano / BigUInt(1_000_000_000)
    }
}
