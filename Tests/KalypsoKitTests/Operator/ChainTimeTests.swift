import BigInt
import Testing

@testable import KalypsoKit

/// Time values carry their unit and convert for display with the chain's rules (spec §6.3).
@Suite struct ChainTimeTests {
    /// On Arbitrum, Generation A counts L1 blocks of about 12 s: "proposedTimeInBlocks = 10000 ≈ 33 h" (spec §6.3).
    let arbitrum = ChainClock(
        contractBlockNumber: 20_000_000, nodeBlockNumber: 280_000_000, timestamp: 1_700_000_000, secondsPerBlock: 12)
    let local = ChainClock(contractBlockNumber: 50, nodeBlockNumber: 50, timestamp: 1_700_000_000, secondsPerBlock: nil)

    @Test func blocksBecomeWallTimeOnlyWhereTheBlockTimeIsKnown() {
        #expect(arbitrum.estimatedSeconds(.blocks(10_000)) == 120_000)
        #expect(arbitrum.display(.blocks(10_000)) == "10000 blocks (≈ 1d 9h)")
        #expect(arbitrum.display(.blocks(480)) == "480 blocks (≈ 1h 36m)")
        #expect(local.estimatedSeconds(.blocks(480)) == nil)
        #expect(local.display(.blocks(480)) == "480 blocks")
        #expect(local.display(.seconds(3600)) == "3600 s (1h)")
        #expect(local.display(.seconds(45)) == "45 s")
    }

    @Test func pointsAreComparedInTheirOwnUnit() {
        // Generation A's block.number is the L1 block on Arbitrum, not the node's L2 number.
        #expect(arbitrum.hasReached(.blocks(20_000_000)))
        #expect(!arbitrum.hasReached(.blocks(20_000_001)))
        #expect(arbitrum.remaining(until: .blocks(20_000_100)) == .blocks(100))
        #expect(arbitrum.remaining(until: .seconds(1_700_000_100)) == .seconds(100))
        #expect(arbitrum.remaining(until: .seconds(1_600_000_000)) == .seconds(0))
    }
}

/// Generation A's two-step reductions as the registry stores them (spec §3.3: pending ⇔ utilisation < 1e18).
@Suite struct PendingReductionTests {
    static let e18 = BigUInt(10).power(18)

    @Test func anUnregisteredAddressHasNoReduction() {
        // generatorRegistry(fresh address) is all zeros: utilisation 0 is no record, not "reduce everything".
        #expect(GenAOperator.pending(total: 0, utilization: 0, registered: false) == nil)
        #expect(GenAOperator.pending(total: 100, utilization: Self.e18, registered: true) == nil)
        // Registered, asked to reduce 100 by 30: utilisation 0.7, releases 30 (rounded down, devnet reductions).
        let r = GenAOperator.pending(total: 100, utilization: Self.e18 * 7 / 10, registered: true)
        #expect(r?.newTotal == 70)
        #expect(r?.releases == 30)
    }
}
