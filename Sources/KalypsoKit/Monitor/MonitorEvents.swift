import Foundation
import KalypsoStore

/// Something an operator (or their log) should hear about, found by comparing two snapshots.
public enum MonitorEvent: Sendable, Equatable {
    /// A job newly assigned to the watched prover (with no prover watched: a job created).
    case newJob(MonitorJob)
    /// An open assigned job's due time came within the lead; `secondsLeft` may be negative (overdue).
    case deadlineNear(MonitorJob, secondsLeft: Int64)
    /// The proof of a watched job was accepted.
    case proofDone(MonitorJob)
    /// A watched job ended without a proof (ProofNotGenerated): the prover is slashed for it.
    case missed(MonitorJob)
    /// Stake of the watched prover was slashed (the staking contract's event, with token and amount). Gen A's
    /// SDK build logs none: there ``missed`` is the only word of it.
    case slashed(jobId: Int64?, marketId: Int64?, token: String, amount: String, block: Int64)
    /// A watched job ended without a proof and without a slash (invalid inputs, cancelled).
    case jobEnded(MonitorJob, CachedJob.Outcome)
    /// Stake in one token changed (total or locked; base units).
    case stakeChanged(token: String, from: MonitorStake?, to: MonitorStake?)
    case enclaveDown(String)
    case enclaveUp

    /// A stable lowercase name (metrics label, `--json` `kind`).
    public var kind: String {
        switch self {
        case .newJob: "new_job"
        case .deadlineNear: "deadline_near"
        case .proofDone: "proof_done"
        case .missed: "deadline_missed"
        case .slashed: "slashed"
        case .jobEnded: "job_ended"
        case .stakeChanged: "stake_change"
        case .enclaveDown: "enclave_down"
        case .enclaveUp: "enclave_up"
        }
    }

    /// Every kind, in the order ``kind`` lists them (metrics start every counter at zero).
    public static let kinds = [
        "new_job", "deadline_near", "proof_done", "deadline_missed", "slashed", "job_ended", "stake_change",
        "enclave_down",
        "enclave_up",
    ]
}

/// The pure diff of two monitor snapshots.
public enum MonitorEvents {
    /// What happened between `old` and `new`, in a stable order: enclave, jobs by id (new, deadline, outcome),
    /// slashes in chain order, stake by token. With no `old` (the first poll) nothing is reported except
    /// deadlines already within the lead and an enclave that is down: the rest is history, not news.
    public static func diff(from old: MonitorSnapshot?, to new: MonitorSnapshot, deadlineLead: Int64)
        -> [MonitorEvent]
    {
        var events: [MonitorEvent] = []
        switch (old?.enclave, new.enclave) {
        case (.down?, .up?): events.append(.enclaveUp)
        case (let before, .down(let why)?) where before == nil || before == .up:
            events.append(.enclaveDown(why))
        default: break
        }
        let watched = { (j: MonitorJob) in new.prover == nil || j.prover == new.prover }
        let fresh = old.map { o in new.slashes.filter { $0.blockNumber > o.block } } ?? []
        for id in new.jobs.keys.sorted() {
            guard let job = new.jobs[id] else { continue }
            let before = old?.jobs[id]
            if let old {
                let isNew: Bool
                if new.prover == nil {
                    isNew = before == nil && job.createdBlock > old.block
                } else {
                    isNew =
                        watched(job) && (before.map { !watched($0) } ?? true)
                        && (job.assignedBlock ?? job.createdBlock) > old.block
                }
                if isNew { events.append(.newJob(job)) }
            }
            if job.outcome == nil, job.prover != nil, watched(job), let due = job.dueWallTime {
                let left = due - new.now
                let wasNear = before.flatMap { b in
                    b.outcome == nil && b.prover == job.prover ? b.dueWallTime.map { $0 - (old?.now ?? 0) } : nil
                }.map { $0 <= deadlineLead }
                if left <= deadlineLead && wasNear != true { events.append(.deadlineNear(job, secondsLeft: left)) }
            }
            guard let old, let outcome = job.outcome, before?.outcome == nil, watched(job),
                (job.outcomeBlock ?? Int64.max) > old.block
            else { continue }
            switch outcome {
            case .proved: events.append(.proofDone(job))
            case .notGenerated: events.append(.missed(job))
            case .invalidInputs, .cancelled: events.append(.jobEnded(job, outcome))
            }
        }
        for s in fresh.sorted(by: { ($0.blockNumber, $0.logIndex) < ($1.blockNumber, $1.logIndex) }) {
            events.append(
                .slashed(
                    jobId: s.jobId, marketId: s.jobId.flatMap { new.jobs[$0]?.marketId }, token: s.token,
                    amount: s.amount, block: s.blockNumber))
        }
        if let old {
            for token in Set(old.stake.keys).union(new.stake.keys).sorted() where old.stake[token] != new.stake[token] {
                events.append(.stakeChanged(token: token, from: old.stake[token], to: new.stake[token]))
            }
        }
        return events
    }
}
