import BigInt
import KalypsoKit
import KalypsoStore
import Testing

/// The proposed time must be at least twice the latest benchmark (spec §2.3 "with margin").
@Suite struct BenchmarkMarginTests {
    static let arbitrum = ChainClock(contractBlockNumber: 100, nodeBlockNumber: 5000, timestamp: 1, secondsPerBlock: 12)
    static let plain = ChainClock(contractBlockNumber: 100, nodeBlockNumber: 100, timestamp: 1, secondsPerBlock: nil)

    func run(_ ms: Int64) -> BenchmarkRun { BenchmarkRun(enclave: "e", marketId: 1, milliseconds: ms, at: 1) }

    @Test func secondsBelowTwiceTheBenchmarkAreRefused() throws {
        let refusal = #expect(throws: OperatorRefusal.self) {
            try BenchmarkMargin.check(proposed: .seconds(11), benchmark: run(6000), marketId: 1, clock: Self.plain)
        }
        #expect(refusal?.code == .operatorTimeBelowBenchmark)
        #expect(refusal?.category.exitCode == 5)
        #expect(refusal?.detail.hasSuffix("(6000 ms): at least 12 s") == true)
        #expect(refusal?.hint.hasSuffix("kalypso-console benchmark --market 1") == true)
        try BenchmarkMargin.check(proposed: .seconds(12), benchmark: run(6000), marketId: 1, clock: Self.plain)
        // 2 × 6001 ms = 12.002 s: 13 s needed, never rounded down.
        #expect(throws: OperatorRefusal.self) {
            try BenchmarkMargin.check(proposed: .seconds(12), benchmark: run(6001), marketId: 1, clock: Self.plain)
        }
    }

    @Test func blocksCountWithTheChainsBlockTime() throws {
        // Arbitrum: an L1 block is 12 s; 2 blocks = 24 s ≥ 2 × 12 s.
        try BenchmarkMargin.check(proposed: .blocks(2), benchmark: run(12_000), marketId: 3, clock: Self.arbitrum)
        #expect(throws: OperatorRefusal.self) {
            try BenchmarkMargin.check(proposed: .blocks(1), benchmark: run(12_000), marketId: 3, clock: Self.arbitrum)
        }
        // Unknown block time: cannot compare, the market's bounds still apply.
        try BenchmarkMargin.check(proposed: .blocks(1), benchmark: run(12_000), marketId: 3, clock: Self.plain)
    }
}
