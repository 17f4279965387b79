import Foundation
import KalypsoStore

/// A job's state as the contracts' `getBidState` (Generation B) and `getAskState` (Generation A) compute it
/// (spec §3.4, §10): the stored state, except that a created job whose expiry has passed reads UNASSIGNED
/// (expired: no prover can take it, only its requester can cancel it) and an assigned job past its deadline
/// reads DEADLINE_CROSSED. The cache keeps the stored state (`listOfBid`/`listOfAsk`); time moves on without
/// an event, so this is computed when read, at the cache's chain clock.
public enum JobState: Int64, Sendable, CaseIterable {
    case null = 0, created, unassigned, assigned, completed, deadlineCrossed

    /// The contracts' enum names (`AskState`/`BidState`; Generation A spells two of them CREATE and COMPLETE).
    public var name: String {
        switch self {
        case .null: "NULL"
        case .created: "CREATED"
        case .unassigned: "UNASSIGNED"
        case .assigned: "ASSIGNED"
        case .completed: "COMPLETED"
        case .deadlineCrossed: "DEADLINE_CROSSED"
        }
    }

    /// The state at `clock`; nil when the stored state is none the contracts define.
    public static func of(_ job: CachedJob, at clock: JobClock) -> JobState? {
        guard let stored = JobState(rawValue: job.state) else { return nil }
        let now = job.deadlineUnit == "second" ? clock.seconds : clock.blocks
        guard let now else { return stored }
        // The contracts' comparisons, exactly: expired at `expiry <= now`, crossed at `deadline < now`.
        if stored == .created && job.expiry <= now { return .unassigned }
        if stored == .assigned && job.deadline < now { return .deadlineCrossed }
        return stored
    }
}

extension DueTime {
    /// The chain's clock at the reference block: its time, and `block.number` as Generation A's contracts
    /// see it (the L1 number on Arbitrum; unknown on an Arbitrum chain whose blocks carry none).
    public var clock: JobClock {
        let blocks: Int64? =
            referenceL1Block ?? (Self.arbitrum.contains(chainId) ? nil : referenceBlock)
        return JobClock(seconds: referenceTime, blocks: blocks)
    }
}
