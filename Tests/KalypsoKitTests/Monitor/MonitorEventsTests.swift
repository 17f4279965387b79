import Basics
import KalypsoKit
import KalypsoStore
import Testing

/// The pure diff of two monitor snapshots: every event kind, once, and nothing on the first poll but news.
@Suite struct MonitorEventsTests {
    static let me = "0x70997970c51812dc3a010c7d01b50e0d17dc79c8"
    static let other = "0x3c44cdddb6a900fa2b585dd299e03d12fa4293bc"

    static func job(
        _ id: Int64, prover: String? = me, created: Int64 = 10, assigned: Int64? = 11,
        outcome: CachedJob.Outcome? = nil, outcomeBlock: Int64? = nil, due: Int64? = 10_000
    ) -> MonitorJob {
        MonitorJob(
            jobId: id, marketId: 2, prover: prover, reward: "1000", createdBlock: created, assignedBlock: assigned,
            outcome: outcome, outcomeBlock: outcomeBlock, dueWallTime: due)
    }

    static func snap(
        block: Int64, now: Int64 = 1_000, jobs: [MonitorJob] = [], stake: [String: MonitorStake] = [:],
        slashes: [MonitorSlash] = [], enclave: EnclaveReachability? = nil, prover: String? = me
    ) -> MonitorSnapshot {
        MonitorSnapshot(
            block: block, blockTime: now, now: now, prover: prover,
            jobs: Dictionary(uniqueKeysWithValues: jobs.map { ($0.jobId, $0) }), stake: stake, slashes: slashes,
            enclave: enclave)
    }

    @Test func theFirstPollReportsOnlyNearDeadlinesAndADownEnclave() {
        let first = Self.snap(
            block: 20, jobs: [Self.job(1), Self.job(2, due: 1_100)], enclave: .down("connection refused"))
        let events = MonitorEvents.diff(from: nil, to: first, deadlineLead: 300)
        #expect(
            events == [
                .enclaveDown("connection refused"), .deadlineNear(Self.job(2, due: 1_100), secondsLeft: 100),
            ])
    }

    @Test func aJobAssignedToUsIsNewOnceAndOthersJobsAreNot() {
        let old = Self.snap(block: 20, jobs: [Self.job(1)])
        let assigned = Self.job(3, created: 21, assigned: 22)
        let new = Self.snap(
            block: 25, jobs: [Self.job(1), assigned, Self.job(4, prover: Self.other, created: 23, assigned: 24)])
        #expect(MonitorEvents.diff(from: old, to: new, deadlineLead: 60) == [.newJob(assigned)])
        let later = Self.snap(block: 30, now: 1_010, jobs: [Self.job(1), assigned])
        #expect(MonitorEvents.diff(from: new, to: later, deadlineLead: 60).isEmpty)
    }

    @Test func withNoProverWatchedEveryCreatedJobIsNew() {
        let old = Self.snap(block: 20, jobs: [], prover: nil)
        let created = Self.job(5, prover: nil, created: 21, assigned: nil, due: 5_000)
        let new = Self.snap(block: 22, jobs: [created], prover: nil)
        #expect(MonitorEvents.diff(from: old, to: new, deadlineLead: 60) == [.newJob(created)])
    }

    @Test func aDeadlineIsReportedOnceWhenItComesWithinTheLead() {
        let j = Self.job(1, due: 2_000)
        let far = Self.snap(block: 20, now: 1_000, jobs: [j])
        let near = Self.snap(block: 21, now: 1_500, jobs: [j])
        let nearer = Self.snap(block: 22, now: 1_900, jobs: [j])
        #expect(MonitorEvents.diff(from: far, to: near, deadlineLead: 600) == [.deadlineNear(j, secondsLeft: 500)])
        #expect(MonitorEvents.diff(from: near, to: nearer, deadlineLead: 600).isEmpty)
        // Unassigned jobs have no proof deadline for us.
        let open = Self.job(9, prover: nil, assigned: nil, due: 1_010)
        #expect(MonitorEvents.diff(from: far, to: Self.snap(block: 21, jobs: [j, open]), deadlineLead: 600).isEmpty)
    }

    @Test func outcomesBetweenPollsAreReportedEvenForAJobNeverSeenOpen() {
        let old = Self.snap(block: 20, jobs: [Self.job(1)])
        let proved = Self.job(1, outcome: .proved, outcomeBlock: 23)
        // Job 7 was created, assigned and proved between two polls.
        let quick = Self.job(7, created: 21, assigned: 21, outcome: .proved, outcomeBlock: 22)
        let new = Self.snap(block: 25, jobs: [proved, quick])
        #expect(
            MonitorEvents.diff(from: old, to: new, deadlineLead: 60) == [
                .proofDone(proved), .newJob(quick), .proofDone(quick),
            ])
        // The next poll still holds the closed job (touched since block 20 is no longer asked): no repeat.
        #expect(MonitorEvents.diff(from: new, to: Self.snap(block: 30, jobs: [proved]), deadlineLead: 60).isEmpty)
    }

    @Test func aMissedDeadlineAndItsSlashAreReportedOnceEachEvenInDifferentPolls() {
        let old = Self.snap(block: 20, jobs: [Self.job(1)])
        let missed = Self.job(1, outcome: .notGenerated, outcomeBlock: 24)
        let outcomeFirst = Self.snap(block: 24, jobs: [missed])
        #expect(MonitorEvents.diff(from: old, to: outcomeFirst, deadlineLead: 60) == [.missed(missed)])
        // The staking contract's slash lands a block later: reported then, once, with its amount.
        let slash = MonitorSlash(
            blockNumber: 25, logIndex: 3, token: "0xtoken", amount: "500", jobId: 1, txHash: "0xabc")
        let slashLater = Self.snap(block: 25, jobs: [missed], slashes: [slash])
        #expect(
            MonitorEvents.diff(from: outcomeFirst, to: slashLater, deadlineLead: 60) == [
                .slashed(jobId: 1, marketId: 2, token: "0xtoken", amount: "500", block: 25)
            ])
        #expect(MonitorEvents.diff(from: slashLater, to: Self.snap(block: 26, jobs: []), deadlineLead: 60).isEmpty)
        // Both in one poll: two events, in the order job outcome, then stake.
        #expect(
            MonitorEvents.diff(from: old, to: slashLater, deadlineLead: 60) == [
                .missed(missed), .slashed(jobId: 1, marketId: 2, token: "0xtoken", amount: "500", block: 25),
            ])
    }

    @Test func invalidInputsAndCancellationEndAJobWithoutASlash() {
        let old = Self.snap(block: 20, jobs: [Self.job(1), Self.job(2)])
        let a = Self.job(1, outcome: .invalidInputs, outcomeBlock: 21)
        let b = Self.job(2, outcome: .cancelled, outcomeBlock: 22)
        #expect(
            MonitorEvents.diff(from: old, to: Self.snap(block: 22, jobs: [a, b]), deadlineLead: 60) == [
                .jobEnded(a, .invalidInputs), .jobEnded(b, .cancelled),
            ])
    }

    @Test func stakeChangesPerTokenIncludingANewToken() {
        let old = Self.snap(block: 20, stake: ["0xa": MonitorStake(total: "100", locked: "0")])
        let new = Self.snap(
            block: 21,
            stake: ["0xa": MonitorStake(total: "100", locked: "40"), "0xb": MonitorStake(total: "5", locked: "0")])
        #expect(
            MonitorEvents.diff(from: old, to: new, deadlineLead: 60) == [
                .stakeChanged(
                    token: "0xa", from: MonitorStake(total: "100", locked: "0"),
                    to: MonitorStake(total: "100", locked: "40")),
                .stakeChanged(token: "0xb", from: nil, to: MonitorStake(total: "5", locked: "0")),
            ])
    }

    @Test func theEnclaveGoingDownAndUpIsReportedOnEachChangeOnly() {
        let up = Self.snap(block: 20, enclave: .up)
        let down = Self.snap(block: 21, enclave: .down("connection refused"))
        let stillDown = Self.snap(block: 22, enclave: .down("no answer in time"))
        let back = Self.snap(block: 23, enclave: .up)
        #expect(MonitorEvents.diff(from: up, to: down, deadlineLead: 60) == [.enclaveDown("connection refused")])
        #expect(MonitorEvents.diff(from: down, to: stillDown, deadlineLead: 60).isEmpty)
        #expect(MonitorEvents.diff(from: stillDown, to: back, deadlineLead: 60) == [.enclaveUp])
        #expect(MonitorEvents.diff(from: back, to: back, deadlineLead: 60).isEmpty)
    }

    @Test func linesAreWordsWithExactDurations() {
        let j = Self.job(4, due: 1_000 + 9 * 3600 + 35 * 60)
        #expect(
            MonitorEvent.deadlineNear(j, secondsLeft: 9 * 3600 + 35 * 60).text
                == "deadline near: job 4 in market 2 is due in 9h 35m (at 1970-01-01T09:51:40Z)")
        #expect(
            MonitorEvent.deadlineNear(j, secondsLeft: -75).text
                == "deadline near: job 4 in market 2 is overdue by 1m 15s (at 1970-01-01T09:51:40Z)")
        #expect(MonitorEvent.enclaveDown("connection refused").text == "enclave down: connection refused")
        // The job's reward is what the requester offered; a proof earns our proof cost (spec §2.6.3).
        #expect(
            MonitorEvent.proofDone(j).text.hasSuffix("; offered 1000 base units of the payment token"),
            "\(MonitorEvent.proofDone(j).text)")
    }

    @Test func durationsUseTwoUnits() {
        #expect(HumanDuration.text(0) == "0s")
        #expect(HumanDuration.text(59) == "59s")
        #expect(HumanDuration.text(60) == "1m")
        #expect(HumanDuration.text(535 * 60) == "8h 55m")
        #expect(HumanDuration.text(9 * 3600 + 35 * 60 + 59) == "9h 35m")
        #expect(HumanDuration.text(7200) == "2h")
        #expect(HumanDuration.text(86_400 * 2 + 3 * 3600 + 5) == "2d 3h")
        #expect(HumanDuration.text(-5) == "0s")
        // What text writes, seconds reads back (to the shown precision).
        for s in [Int64(0), 59, 60, 61, 3599, 3600, 34_500, 86_399, 86_400, 200_000] {
            let shown = HumanDuration.text(s)
            let back = HumanDuration.seconds(shown)
            #expect(back.map { $0 <= s && s - $0 < (s < 3600 ? 1 : s < 86_400 ? 60 : 3600) } == true, "\(s) \(shown)")
        }
        for bad in ["", "535", "m", "5x", "9h  35m", "-5m", "99999999999999999d"] {
            #expect(HumanDuration.seconds(bad) == nil, "\(bad)")
        }
    }
}
