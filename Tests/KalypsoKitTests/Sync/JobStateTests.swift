import Foundation
import KalypsoKit
import KalypsoStore
import Testing

/// Job states as the contracts compute them (spec §3.4; the devnet's look-alikes `_bid_state`/`_ask_state`):
/// CREATED becomes UNASSIGNED at `expiry <= now`, ASSIGNED becomes DEADLINE_CROSSED at `deadline < now`.
struct JobStateTests {
    static func job(state: Int64, expiry: Int64, deadline: Int64, unit: String = "second") -> CachedJob {
        CachedJob(
            jobId: 7, marketId: 1, state: state, reward: "1", expiry: expiry, timeForProof: 10, deadline: deadline,
            deadlineUnit: unit, requester: "0x" + String(repeating: "11", count: 20),
            prover: state == 3 ? "0x" + String(repeating: "22", count: 20) : nil, hasPrivateInputs: false,
            outcome: nil, createdBlock: 1, createdTx: "0xaa", assignedBlock: nil, assignedTx: nil, outcomeBlock: nil,
            outcomeTx: nil, refreshedBlock: 1)
    }

    @Test func createdAsksExpireAtTheirExpiryAndAssignedOnesCrossTheirDeadlineAfterIt() {
        let created = Self.job(state: 1, expiry: 1_000, deadline: 0)
        #expect(JobState.of(created, at: JobClock(seconds: 999, blocks: nil)) == .created)
        #expect(JobState.of(created, at: JobClock(seconds: 1_000, blocks: nil)) == .unassigned)
        #expect(JobState.of(created, at: JobClock(seconds: 1_000, blocks: nil))?.name == "UNASSIGNED")
        let assigned = Self.job(state: 3, expiry: 500, deadline: 2_000)
        #expect(JobState.of(assigned, at: JobClock(seconds: 2_000, blocks: nil)) == .assigned)
        #expect(JobState.of(assigned, at: JobClock(seconds: 2_001, blocks: nil)) == .deadlineCrossed)
        // Completed jobs stay completed; a state the contracts do not define is none.
        #expect(
            JobState.of(Self.job(state: 4, expiry: 0, deadline: 0), at: JobClock(seconds: 9, blocks: 9)) == .completed)
        #expect(JobState.of(Self.job(state: 9, expiry: 0, deadline: 0), at: JobClock(seconds: 9, blocks: 9)) == nil)
    }

    @Test func blockTimedJobsUseTheBlockClockAndStayAsStoredWhenItIsUnknown() {
        let ask = Self.job(state: 1, expiry: 120, deadline: 0, unit: "block")
        #expect(JobState.of(ask, at: JobClock(seconds: 1_000_000, blocks: 119)) == .created)
        #expect(JobState.of(ask, at: JobClock(seconds: 0, blocks: 120)) == .unassigned)
        #expect(JobState.of(ask, at: JobClock(seconds: 1_000_000, blocks: nil)) == .created)
    }

    /// The clock's block is `block.number` as Generation A sees it: L1's on Arbitrum (spec §6.3), unknown on an
    /// Arbitrum chain without an L1 number, the chain's own elsewhere.
    @Test func theClockOfASyncProgress() {
        var progress = SyncProgress(
            contract: "proofMarketplace", startBlock: 0, lastBlock: 250_000_000, lastHash: "0x", headBlock: 250_000_000,
            headTime: 1_700_000_000, updatedAt: 0, headL1Block: 20_000_000)
        #expect(
            DueTime(progress: progress, secondsPerBlock: 0.25, chainId: 42161).clock
                == JobClock(seconds: 1_700_000_000, blocks: 20_000_000))
        progress.headL1Block = nil
        #expect(
            DueTime(progress: progress, secondsPerBlock: 0.25, chainId: 42161).clock
                == JobClock(seconds: 1_700_000_000, blocks: nil))
        #expect(
            DueTime(progress: progress, secondsPerBlock: 1, chainId: 31337).clock
                == JobClock(seconds: 1_700_000_000, blocks: 250_000_000))
    }
}
