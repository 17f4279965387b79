import BigInt
import EthereumKit
import KalypsoStore
import Testing

@testable import KalypsoKit

/// Profitability and risk per market: each figure from stated inputs, or the reason it cannot be made.
@Suite struct ProfitabilityTests {
    static let usdc = TokenInfo(
        address: address("0x00000000000000000000000000000000000000cc"), symbol: "USDC", decimals: 6)
    static let pond = TokenInfo(
        address: address("0x00000000000000000000000000000000000000aa"), symbol: "POND", decimals: 18)
    static let me = "0x00000000000000000000000000000000000000bb"
    static let window = AskWindow(fromBlock: 0, toBlock: 100, seconds: 3600, source: "test window")

    static func address(_ text: String) -> Address {
        guard let a = try? Address(text) else { fatalError("bad test address \(text)") }
        return a
    }

    static func job(_ id: Int64, reward: Int, seconds: Int64, prover: String? = nil, block: Int64 = 50) -> CachedJob {
        CachedJob(
            jobId: id, marketId: 1, state: 3, reward: String(reward), expiry: 0, timeForProof: seconds, deadline: 0,
            deadlineUnit: "second", requester: "0x01", prover: prover, hasPrivateInputs: false, outcome: nil,
            createdBlock: block, createdTx: "0x1", assignedBlock: nil, assignedTx: nil, outcomeBlock: nil,
            outcomeTx: nil, refreshedBlock: block)
    }

    static func runs(_ ms: [Int64]) -> [BenchmarkRun] {
        ms.enumerated().map { BenchmarkRun(enclave: "e", marketId: 1, milliseconds: $1, at: Double($0 + 1)) }
    }

    static func inputs(runs: [Int64] = [10_000, 20_000, 50_000], window: AskWindow? = window) -> MarketRiskInputs {
        MarketRiskInputs(
            marketId: 1, paymentToken: usdc, benchmarkRuns: Self.runs(runs), scale: .seconds,
            ours: OurTerms(proposedTime: .seconds(30), minimumReward: 5_000_000, parallelJobs: 1),
            jobs: [
                job(1, reward: 10_000_000, seconds: 60, prover: me), job(2, reward: 10_000_000, seconds: 60),
                job(3, reward: 10_000_000, seconds: 60), job(4, reward: 10_000_000, seconds: 60),
                // Below our minimum reward, too short for our proposed time, outside the window:
                job(5, reward: 1_000_000, seconds: 60), job(6, reward: 10_000_000, seconds: 20),
                job(7, reward: 10_000_000, seconds: 60, block: 101),
            ],
            window: window, otherProvers: 3, ourProver: me,
            stakeAtRisk: [StakeAtRisk(token: pond, amount: 5 * BigUInt(10).power(18), source: "amountToLock")],
            costPerProof: nil)
    }

    @Test func figuresFromTheirInputs() throws {
        let r = Profitability.assess(Self.inputs())
        #expect(try r.eligibleAsksPerHour.get() == 4)
        // One of the four was assigned to us.
        #expect(try r.ourJobsPerHour.get() == 1)
        // Joined: a proof is credited our proofGenerationCost (5 USDC), not the ask's 10.
        #expect(try r.rewardPerProof.get() == 5_000_000)
        #expect(r.inputs.contains { $0.label == "reward per proof" && $0.source.contains("proofGenerationCost") })
        // Deadline 60 s less 20 % = 48 s: the 50 s run of three is slower.
        let miss = try r.missChance.get()
        #expect(miss.slowRuns == 1)
        #expect(miss.runs == 3)
        #expect(abs(miss.probability - 1.0 / 3) < 1e-12)
        // 1 job/h × 2/3 in time × 5 USDC, nothing spent.
        #expect(try r.earningsPerHour.get() == 3_333_333)
        // 1 job/h × 1/3 missed × 5 POND.
        #expect(try r.slashLossPerHour.get() == [SlashLoss(token: Self.pond, perHour: 1_666_666_665_000_000_000)])
        #expect(r.inputs.contains { $0.label == "recent asks" && $0.value == "6 in 1h, 4 within our terms" })
        #expect(r.inputs.contains { $0.label == "our cost per proof" && $0.source == "assumed 0: no cost configured" })
    }

    @Test func aCostAboveTheRewardLosesMoney() throws {
        var x = Self.inputs(runs: [1000, 1000, 1000])
        x.costPerProof = 12_000_000
        let r = Profitability.assess(x)
        #expect(try r.earningsPerHour.get() == -7_000_000)
        #expect(try r.missChance.get().probability == 0)
    }

    @Test func notEnoughBenchmarkRuns() throws {
        let r = Profitability.assess(Self.inputs(runs: [10_000]))
        #expect(r.missChance == .failure(NotEnoughData("1 benchmark runs, the chance of missing needs 3")))
        #expect(r.slashLossPerHour == .failure(NotEnoughData("1 benchmark runs, the chance of missing needs 3")))
        #expect(r.assumptions.contains("no misses: the chance of missing cannot be estimated yet"))
        #expect(try r.earningsPerHour.get() == 5_000_000)
    }

    /// Before joining there is no proof cost of ours: the asks' mean reward, said to be the most a cost could take.
    @Test func notJoinedTheAsksRewardIsTheCeiling() throws {
        var x = Self.inputs(runs: [1000, 1000, 1000])
        x.ours = nil
        let r = Profitability.assess(x)
        // Any reward is within the terms now: asks 1–6 of the window, (5 × 10 + 1) / 6 USDC.
        #expect(try r.rewardPerProof.get() == 8_500_000)
        #expect(r.inputs.contains { $0.label == "reward per proof" && $0.source == "cache: the asks' reward" })
        #expect(r.assumptions.contains { $0.hasPrefix("a proof earns the proof cost we join with") })
    }

    @Test func noWindowNoRates() {
        let r = Profitability.assess(Self.inputs(window: nil))
        #expect(r.eligibleAsksPerHour == .failure(NotEnoughData("no window of recent asks")))
        #expect(r.earningsPerHour == .failure(NotEnoughData("no window of recent asks")))
    }

    @Test func evenShareAndCapacityCapWhenNothingWasOurs() throws {
        var x = Self.inputs(runs: [1_800_000, 1_800_000, 1_800_000])
        x.ourProver = "0x00000000000000000000000000000000000000ff"
        // 4 eligible per hour among 4 provers is 1/h; a 30 min proof allows 2/h, so no cap.
        #expect(try Profitability.assess(x).ourJobsPerHour.get() == 1)
        x.otherProvers = 0
        // Alone we would get 4/h, but one 30 min proof at a time makes 2.
        let r = Profitability.assess(x)
        #expect(try r.ourJobsPerHour.get() == 2)
        #expect(r.assumptions.contains("capped at 2 proofs per hour: 1 at a time, 30m each"))
    }

    @Test func windowFromTheCachesBlocks() throws {
        let head = SyncProgress(
            contract: "proofMarketplace", startBlock: 10, lastBlock: 1000, lastHash: "0x1", headBlock: 1000,
            headTime: 2000, updatedAt: 0)
        let w = try #require(
            AskWindow.last(hours: 1, head: head, recentBlocks: [CachedBlock(number: 900, hash: "0x2", timestamp: 1800)])
        )
        // 2 s per block: an hour is 1800 blocks, cut at the start block 10.
        #expect(w.fromBlock == 10)
        #expect(w.seconds == 1980)
    }
}

extension ProfitabilityTests {
    @Test func aShortWindowSaysItsRatesAreRough() {
        var x = Self.inputs()
        x.window = AskWindow(fromBlock: 0, toBlock: 100, seconds: 600, source: "test")
        let r = Profitability.assess(x)
        #expect(r.eligibleAsksPerHour == .success(24))
        #expect(r.assumptions.contains("the cache holds only 10m of asks: rates per hour are rough"))
        #expect(r.inputs.contains { $0.label == "our terms" && $0.value.hasSuffix("1 at once") })
    }
}
