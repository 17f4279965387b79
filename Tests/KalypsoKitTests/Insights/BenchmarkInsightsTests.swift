import BigInt
import KalypsoStore
import Testing

@testable import KalypsoKit

/// The proposed time a benchmark supports, in the market's unit (spec §2.3, §6.3), and the history figures.
@Suite struct BenchmarkInsightsTests {
    static func runs(_ ms: [Int64], market: Int64 = 1, enclave: String = "e1") -> [BenchmarkRun] {
        ms.enumerated().map { BenchmarkRun(enclave: enclave, marketId: market, milliseconds: $1, at: Double($0 + 1)) }
    }

    @Test func nearestRankPercentiles() {
        let values: [Int64] = [1000, 900, 800, 700, 600, 500, 400, 300, 200, 100]
        #expect(BenchmarkInsights.percentile(90, of: values) == 900)
        #expect(BenchmarkInsights.percentile(50, of: values) == 500)
        #expect(BenchmarkInsights.percentile(90, of: [7]) == 7)
        #expect(BenchmarkInsights.percentile(90, of: []) == nil)
    }

    @Test func latestRunPlusMarginInSeconds() throws {
        let s = try BenchmarkInsights.suggestProposedTime(
            runs: Self.runs([1000, 2000]), marginPercent: 50, scale: .seconds
        ).get()
        #expect(s.basis == .latest)
        #expect(s.basisMilliseconds == 2000)
        #expect(s.proposed == .seconds(3))
        #expect(s.warning == nil)
        #expect(s.inputs.contains { $0.label == "benchmark" && $0.value == "latest of 2 runs: 2s" })
    }

    @Test func blocksRoundUpAtTheMeasuredPace() throws {
        let scale = ContractTimeScale(unit: .blocks, secondsPerBlock: 2, source: "test")
        // 2 s + 50 % = 3 s = 1.5 blocks: a proposed time never undercuts the proof, so 2 blocks.
        let s = try BenchmarkInsights.suggestProposedTime(runs: Self.runs([2000]), scale: scale).get()
        #expect(s.proposed == .blocks(2))
        #expect(s.display == "2 blocks (≈ 4s)")
    }

    @Test func p90NeedsFiveRunsAndIsPreferredThen() throws {
        let few = BenchmarkInsights.suggestProposedTime(runs: Self.runs([1, 2, 3, 4]), basis: .p90, scale: .seconds)
        #expect(throws: NotEnoughData.self) { try few.get() }
        let ten = Self.runs([100, 200, 300, 400, 500, 600, 700, 800, 900, 1000])
        let s = try BenchmarkInsights.suggestProposedTime(runs: ten, scale: .seconds).get()
        #expect(s.basis == .p90)
        #expect(s.basisMilliseconds == 900)
        #expect(s.proposed == .seconds(2))  // 1.35 s rounded up
    }

    @Test func warnsWhenAsksGiveLessTime() throws {
        let some = try BenchmarkInsights.suggestProposedTime(
            runs: Self.runs([2000]), scale: .seconds, askTimes: [.seconds(1), .seconds(10)]
        ).get()
        #expect(some.warning == "1 of 2 recent asks give less time and would not be assigned")
        let all = try BenchmarkInsights.suggestProposedTime(
            runs: Self.runs([2000]), scale: .seconds, askTimes: [.seconds(1), .seconds(2)]
        ).get()
        #expect(all.warning == "too slow for this market: all 2 recent asks give less time, so none would be assigned")
    }

    @Test func warnsAboveGenerationBsMaximum() throws {
        let s = try BenchmarkInsights.suggestProposedTime(runs: Self.runs([80_000_000]), scale: .seconds).get()
        #expect(s.proposed == .seconds(120_000))
        #expect(s.warning?.contains("maximum of 86400 s") == true)
    }

    @Test func saysWhyWhenItCannot() {
        let none = BenchmarkInsights.suggestProposedTime(runs: [], scale: .seconds)
        #expect(none == .failure(NotEnoughData("no benchmark run for this market")))
        let unknownPace = ContractTimeScale(unit: .blocks, secondsPerBlock: nil, source: "test")
        let blocks = BenchmarkInsights.suggestProposedTime(runs: Self.runs([1000]), scale: unknownPace)
        #expect(
            blocks == .failure(NotEnoughData("the pace of blocks is unknown, so seconds cannot be turned into blocks")))
    }

    @Test func blockPaceFromTheClockOrTheCache() {
        let arbitrum = ChainClock(contractBlockNumber: 5, nodeBlockNumber: 900, timestamp: 0, secondsPerBlock: 12)
        #expect(ContractTimeScale.blocks(clock: arbitrum, recentBlocks: [])?.secondsPerBlock == 12)
        let blocks = [
            CachedBlock(number: 20, hash: "0x2", timestamp: 150), CachedBlock(number: 10, hash: "0x1", timestamp: 100),
        ]
        let measured = ContractTimeScale.blocks(clock: nil, recentBlocks: blocks)
        #expect(measured?.secondsPerBlock == 5)
        #expect(measured?.source == "measured: blocks 10…20 in the cache, 5 s per block")
        #expect(ContractTimeScale.blocks(clock: nil, recentBlocks: [blocks[0]]) == nil)
        // Off Arbitrum (the contracts' block is the node's) a clock's pace is not Arbitrum's L1: the cache's
        // measured pace wins, else the clock's, said as this chain's own.
        let devnet = ChainClock(contractBlockNumber: 20, nodeBlockNumber: 20, timestamp: 150, secondsPerBlock: 1)
        #expect(ContractTimeScale.blocks(clock: devnet, recentBlocks: blocks)?.source.contains("Arbitrum") == false)
        #expect(ContractTimeScale.blocks(clock: devnet, recentBlocks: blocks)?.secondsPerBlock == 5)
        let alone = ContractTimeScale.blocks(clock: devnet, recentBlocks: [])
        #expect(alone?.source == "block.number is this chain's own block, 1 s each")
        #expect(
            ContractTimeScale.blocks(clock: arbitrum, recentBlocks: blocks)?.source
                == "Arbitrum: block.number is the L1 block, 12 s each (spec §6.3)")
    }

    @Test func seriesSideBySidePerEnclaveAndMarket() {
        let all =
            Self.runs([300, 100], enclave: "b") + Self.runs([50], market: 2, enclave: "a")
            + Self.runs([70], enclave: "a")
        let groups = BenchmarkSeries.grouped(all)
        #expect(groups.map { "\($0.enclave)/\($0.marketId ?? -1)" } == ["a/1", "a/2", "b/1"])
        #expect(groups[2].latest?.milliseconds == 100)
        #expect(groups[2].slowest == 300)
        #expect(groups[2].fastest == 100)
    }

    @Test func millisecondsForPeople() {
        #expect(formatMilliseconds(850) == "850ms")
        #expect(formatMilliseconds(1250) == "1.3s")
        #expect(formatMilliseconds(2000) == "2s")
        #expect(formatMilliseconds(185_000) == "3m 5s")
    }
}
