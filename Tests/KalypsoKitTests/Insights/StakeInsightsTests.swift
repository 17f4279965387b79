import BigInt
import EthereumKit
import KalypsoStore
import Testing

@testable import KalypsoKit

/// The Stake screen's figures: per token from the getters, and a history walked back from them.
@Suite struct StakeInsightsTests {
    static let pondAddress = "0x00000000000000000000000000000000000000aa"
    static let pond = TokenInfo(address: address(pondAddress), symbol: "POND", decimals: 18)

    static func address(_ text: String) -> Address {
        guard let a = try? Address(text) else { fatalError("bad test address \(text)") }
        return a
    }

    static func snapshot(_ g: Generation, stakes: [StakePosition], timestamp: UInt64 = 1000) -> OperatorSnapshot {
        let record = OperatorRecord(
            address: address("0x00000000000000000000000000000000000000bb"), registered: true, rewardAddress: nil,
            declaredCompute: 0, allocatedCompute: 0, consumedCompute: 0, activeMarkets: 0, metadata: [],
            pendingComputeReduction: nil)
        return OperatorSnapshot(
            generation: g,
            clock: ChainClock(contractBlockNumber: 50, nodeBlockNumber: 50, timestamp: timestamp, secondsPerBlock: nil),
            record: record, marketCount: 1, markets: [], stakes: stakes, rewards: [])
    }

    static func position(
        staked: BigUInt, locked: BigUInt, perTask: BigUInt?, withdrawals: [PendingWithdrawal] = [],
        reduction: PendingReduction? = nil
    ) -> StakePosition {
        StakePosition(
            token: pond, staked: staked, locked: locked, free: staked - locked, lockedPerTask: perTask,
            walletBalance: 7, allowance: 0, pendingReduction: reduction, pendingWithdrawals: withdrawals)
    }

    static func event(_ block: Int64, _ kind: CachedStakeEvent.Kind, _ amount: Int) -> CachedStakeEvent {
        CachedStakeEvent(
            blockNumber: block, logIndex: 0, timestamp: 100 * block, token: pondAddress, prover: "0xbb",
            account: nil, kind: kind, amount: String(amount), jobId: nil, withdrawalIndex: nil, txHash: "0x1")
    }

    @Test func perTokenLineWithJobsCoveredAndAWithdrawalWaiting() throws {
        let w = PendingWithdrawal(index: 0, token: Self.pond.address, amount: 10, availableAt: .seconds(2000))
        let ready = PendingWithdrawal(index: 1, token: Self.pond.address, amount: 3, availableAt: .seconds(900))
        let view = StakeView(
            snapshot: Self.snapshot(
                .b, stakes: [Self.position(staked: 100, locked: 10, perTask: 10, withdrawals: [w, ready])]),
            events: [], scale: .seconds)
        let line = try #require(view.lines.first)
        #expect(line.staked == 100)
        #expect(line.locked == 10)
        #expect(line.free == 90)
        #expect(line.jobsCovered == 9)
        #expect(line.pending.map(\.when) == ["in 1000 s (16m 40s), at 1970-01-01 00:33 UTC", "ready"])
        #expect(line.pending.map(\.isReady) == [false, true])
    }

    @Test func generationAReductionWithoutAKnownBlock() throws {
        let r = PendingReduction(current: 100, newTotal: 60, releases: 40, dueAt: nil)
        let view = StakeView(
            snapshot: Self.snapshot(.a, stakes: [Self.position(staked: 100, locked: 0, perTask: nil, reduction: r)]),
            events: [])
        let line = try #require(view.lines.first)
        #expect(line.jobsCovered == nil)
        #expect(line.pending.first?.amount == 40)
        #expect(line.pending.first?.when == "one block after the request (the contract does not expose the block)")
    }

    @Test func generationBSeriesEndsAtTheGetters() throws {
        let events = [
            Self.event(1, .staked, 50), Self.event(2, .staked, 60), Self.event(3, .locked, 10),
            Self.event(4, .withdrawalRequested, 10),
        ]
        let view = StakeView(
            snapshot: Self.snapshot(.b, stakes: [Self.position(staked: 100, locked: 10, perTask: 10)]), events: events)
        let points = try #require(view.series[Self.pondAddress])
        #expect(points.map(\.blockNumber) == [0, 1, 2, 3, 4, 50])
        #expect(points.map(\.total) == [0, 50, 110, 110, 100, 100])
        #expect(points.map(\.locked) == [0, 0, 0, 10, 10, 10])
    }

    @Test func noEventsNoHistory() throws {
        let view = StakeView(
            snapshot: Self.snapshot(.a, stakes: [Self.position(staked: 0, locked: 0, perTask: nil)]), events: [])
        #expect(view.series[Self.pondAddress]?.count == 1)
    }

    @Test func generationASlashTakesFromTotalAndLocked() throws {
        // Gen A: RemovedStake (withdrawn) and StakeSlashed reduce the total; Gen B's slash does not.
        let events = [
            Self.event(1, .staked, 100), Self.event(2, .locked, 20), Self.event(3, .slashed, 20),
            Self.event(4, .withdrawn, 30),
        ]
        let a = StakeView(
            snapshot: Self.snapshot(.a, stakes: [Self.position(staked: 50, locked: 0, perTask: nil)]), events: events)
        #expect(a.series[Self.pondAddress]?.map(\.total) == [0, 100, 100, 80, 50, 50])
        #expect(a.series[Self.pondAddress]?.map(\.locked) == [0, 0, 20, 0, 0, 0])
    }
}

extension StakeInsightsTests {
    @Test func fromTheCacheWithWithdrawalsFromEvents() throws {
        func request(_ block: Int64, _ kind: CachedStakeEvent.Kind, index: Int64, _ amount: Int) -> CachedStakeEvent {
            CachedStakeEvent(
                blockNumber: block, logIndex: 0, timestamp: 100 * block, token: Self.pondAddress, prover: "0xbb",
                account: "0xbb", kind: kind, amount: String(amount), jobId: nil, withdrawalIndex: index, txHash: "0x1")
        }
        let events = [
            Self.event(1, .staked, 100), request(2, .withdrawalRequested, index: 0, 10),
            request(3, .withdrawalRequested, index: 1, 20), request(5, .withdrawn, index: 0, 10),
        ]
        let balance = CachedStakeBalance(
            token: Self.pondAddress, prover: "0xbb", total: "70", locked: "5", refreshedBlock: 6)
        let view = StakeView(
            generation: .b, balances: [balance], events: events, tokens: [Self.pondAddress: Self.pond],
            clock: ChainClock(contractBlockNumber: 6, nodeBlockNumber: 6, timestamp: 600, secondsPerBlock: nil),
            withdrawalDuration: .seconds(3600), lockedPerJob: [Self.pondAddress: 5], scale: .seconds)
        let line = try #require(view.lines.first)
        #expect(line.free == 65)
        #expect(line.jobsCovered == 13)
        #expect(line.walletBalance == nil)
        // Index 0 was withdrawn; index 1 was requested at time 300 and is ready at 3900.
        #expect(line.pending.map(\.index) == [1])
        #expect(line.pending.first?.when == "in 3300 s (55m), at 1970-01-01 01:05 UTC")
        #expect(view.series[Self.pondAddress]?.map(\.total) == [0, 100, 90, 70, 70, 70])
        #expect(view.inputs.first?.source == "cache: the stake getters as read at block 6")
    }
}
