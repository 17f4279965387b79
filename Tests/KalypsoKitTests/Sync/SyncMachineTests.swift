import KalypsoKit
import Testing

@Suite struct SyncMachineTests {
    @Test func firstSyncWalksRangesToTheHeadThenCatchesUp() {
        var m = SyncMachine(startBlock: 100, initialRange: 50, maxRange: 200, followHead: false)
        #expect(m.handle(.start(lastIndexed: nil, lastHash: nil)) == [.fetchHead])
        #expect(m.progress == nil)
        // 100 blocks to index: 100…199.
        #expect(m.handle(.head(199)) == [.fetchLogs(from: 100, to: 149)])
        #expect(m.progress == 0)
        #expect(m.handle(.stored(to: 149, hash: "0xa", logCount: 5)) == [.fetchLogs(from: 150, to: 199)])
        #expect(m.progress == 0.5)
        #expect(m.handle(.stored(to: 199, hash: "0xb", logCount: 5)) == [.caughtUp(head: 199)])
        // Two quiet ranges: the window doubled.
        #expect(m.range == 100)
        #expect(m.progress == 1)
        #expect(m.lastIndexed == 199)
        #expect(m.phase == .idle)
    }

    @Test func resumesAfterTheLastIndexedBlockAndChecksItsHashFirst() {
        var m = SyncMachine(startBlock: 100, initialRange: 50)
        #expect(m.handle(.start(lastIndexed: 180, lastHash: "0xabc")) == [.fetchHead])
        #expect(m.handle(.head(300)) == [.verify(block: 180, hash: "0xabc")])
        #expect(m.handle(.verified(matches: true)) == [.fetchLogs(from: 181, to: 230)])
    }

    @Test func aChangedHashRollsBackToTheForkAndRescans() {
        var m = SyncMachine(startBlock: 0, initialRange: 10)
        _ = m.handle(.start(lastIndexed: 50, lastHash: "0xold"))
        _ = m.handle(.head(60))
        #expect(m.handle(.verified(matches: false)) == [])
        #expect(m.handle(.forkFound(45)) == [.rollback(toBlock: 45)])
        #expect(m.handle(.rolledBack(toBlock: 45, hash: "0x45")) == [.fetchHead])
        #expect(m.handle(.head(61)) == [.verify(block: 45, hash: "0x45")])
        #expect(m.handle(.verified(matches: true)) == [.fetchLogs(from: 46, to: 55)])
    }

    @Test func noRememberedBlockSurvivingMeansStartingOver() {
        var m = SyncMachine(startBlock: 7, initialRange: 10)
        _ = m.handle(.start(lastIndexed: 50, lastHash: "0xold"))
        _ = m.handle(.head(60))
        _ = m.handle(.verified(matches: false))
        #expect(m.handle(.forkFound(nil)) == [.rollback(toBlock: 6)])
        _ = m.handle(.rolledBack(toBlock: 6, hash: nil))
        #expect(m.handle(.head(60)) == [.fetchLogs(from: 7, to: 16)])
    }

    @Test func aRefusedRangeIsHalvedUntilTheNodeTakesIt() {
        var m = SyncMachine(startBlock: 0, initialRange: 1_000, minRange: 1)
        _ = m.handle(.start(lastIndexed: nil, lastHash: nil))
        #expect(m.handle(.head(5_000)) == [.fetchLogs(from: 0, to: 999)])
        #expect(m.handle(.rangeRefused) == [.fetchLogs(from: 0, to: 499)])
        #expect(m.handle(.rangeRefused) == [.fetchLogs(from: 0, to: 249)])
        #expect(m.handle(.stored(to: 249, hash: "0x1", logCount: 5_000)) == [.fetchLogs(from: 250, to: 499)])
        // A busy range does not count as quiet: no growth.
        #expect(m.range == 250)
    }

    @Test func aSingleBlockTheNodeRefusesIsAFailureNotALoop() {
        var m = SyncMachine(startBlock: 10, initialRange: 1, minRange: 1)
        _ = m.handle(.start(lastIndexed: nil, lastHash: nil))
        _ = m.handle(.head(20))
        let out = m.handle(.rangeRefused)
        #expect(out.count == 1)
        if case .fail = out.first {} else { Issue.record("expected fail, got \(out)") }
        #expect(m.phase == .failed)
    }

    @Test func rateLimitsWaitAtLeastWhatTheNodeAsksThenRetryTheSameRange() {
        var m = SyncMachine(startBlock: 0, initialRange: 10, retryDelay: .seconds(1))
        _ = m.handle(.start(lastIndexed: nil, lastHash: nil))
        _ = m.handle(.head(100))
        #expect(m.handle(.rateLimited(retryAfter: .seconds(3))) == [.wait(.seconds(3))])
        #expect(m.handle(.timerFired) == [.fetchHead])
        #expect(m.handle(.head(100)) == [.fetchLogs(from: 0, to: 9)])
    }

    @Test func failuresBackOffThenGiveUp() {
        var m = SyncMachine(startBlock: 0, initialRange: 10, retryDelay: .seconds(1), maxRetries: 2)
        _ = m.handle(.start(lastIndexed: nil, lastHash: nil))
        _ = m.handle(.head(100))
        #expect(m.handle(.failed("boom")) == [.wait(.seconds(1))])
        _ = m.handle(.timerFired)
        _ = m.handle(.head(100))
        #expect(m.handle(.failed("boom")) == [.wait(.seconds(2))])
        _ = m.handle(.timerFired)
        _ = m.handle(.head(100))
        #expect(m.handle(.failed("boom")) == [.fail("boom")])
    }

    @Test func followingPollsAndVerifiesTheHeadEachTime() {
        var m = SyncMachine(startBlock: 0, initialRange: 100, pollInterval: .seconds(4), followHead: true)
        _ = m.handle(.start(lastIndexed: nil, lastHash: nil))
        _ = m.handle(.head(9))
        #expect(m.handle(.stored(to: 9, hash: "0x9", logCount: 0)) == [.caughtUp(head: 9), .wait(.seconds(4))])
        #expect(m.handle(.timerFired) == [.fetchHead])
        #expect(m.handle(.head(9)) == [.verify(block: 9, hash: "0x9")])
        // Nothing new: wait again without announcing a second catch-up.
        #expect(m.handle(.verified(matches: true)) == [.wait(.seconds(4))])
        _ = m.handle(.timerFired)
        _ = m.handle(.head(12))
        #expect(m.handle(.verified(matches: true)) == [.fetchLogs(from: 10, to: 12)])
    }

    @Test func eventsOutOfPlaceAreIgnored() {
        var m = SyncMachine(startBlock: 0)
        #expect(m.handle(.head(5)) == [])
        #expect(m.handle(.stored(to: 3, hash: "0x", logCount: 0)) == [])
        _ = m.handle(.start(lastIndexed: nil, lastHash: nil))
        _ = m.handle(.head(100))
        // A store report for another range than the one asked is not ours.
        #expect(m.handle(.stored(to: 3, hash: "0x", logCount: 0)) == [])
    }
}
