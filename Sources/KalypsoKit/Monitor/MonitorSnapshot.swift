import Foundation
import KalypsoStore

/// What `monitor` knows at one poll: the cache's position, the watched jobs, the stake and the enclave.
///
/// Two snapshots in a row are all ``MonitorEvents/diff(from:to:deadlineLead:)`` needs; a snapshot holds
/// only open jobs and what changed since the previous poll, so its size does not grow with the chain.
public struct MonitorSnapshot: Sendable, Equatable {
    /// The last indexed block and its chain time (seconds since 1970).
    public var block: Int64
    public var blockTime: Int64
    /// Wall time of the poll (seconds since 1970): deadlines are measured from it.
    public var now: Int64
    /// The watched prover (lowercase hex), or nil to watch every job.
    public var prover: String?
    /// Open jobs (ours, or all) and jobs touched since the previous poll, by id.
    public var jobs: [Int64: MonitorJob]
    /// Stake per token (lowercase token address) as last read from the getters.
    public var stake: [String: MonitorStake]
    /// Slashes of the watched prover after the previous poll's block.
    public var slashes: [MonitorSlash]
    /// What can be claimed per reward address (base units, decimal).
    public var claimable: [String: String]
    /// Whether the enclave answered; nil when no enclave is configured or it was not asked.
    public var enclave: EnclaveReachability?

    public init(
        block: Int64, blockTime: Int64, now: Int64, prover: String?, jobs: [Int64: MonitorJob] = [:],
        stake: [String: MonitorStake] = [:], slashes: [MonitorSlash] = [], claimable: [String: String] = [:],
        enclave: EnclaveReachability? = nil
    ) {
        self.block = block
        self.blockTime = blockTime
        self.now = now
        self.prover = prover
        self.jobs = jobs
        self.stake = stake
        self.slashes = slashes
        self.claimable = claimable
        self.enclave = enclave
    }

    /// Open jobs assigned to the watched prover (all assigned open jobs when none is watched).
    public var openAssigned: [MonitorJob] {
        jobs.values.filter { $0.outcome == nil && $0.prover != nil && (prover == nil || $0.prover == prover) }
            .sorted { $0.jobId < $1.jobId }
    }
}

/// A job as the monitor sees it.
public struct MonitorJob: Sendable, Equatable {
    public var jobId: Int64
    public var marketId: Int64
    public var prover: String?
    public var reward: String
    public var createdBlock: Int64
    public var assignedBlock: Int64?
    public var outcome: CachedJob.Outcome?
    public var outcomeBlock: Int64?
    /// When the proof (or, unassigned, the job) is due, seconds since 1970; nil when it cannot be told
    /// (Gen A block deadlines on Arbitrum).
    public var dueWallTime: Int64?

    public init(
        jobId: Int64, marketId: Int64, prover: String?, reward: String, createdBlock: Int64,
        assignedBlock: Int64? = nil, outcome: CachedJob.Outcome? = nil, outcomeBlock: Int64? = nil,
        dueWallTime: Int64?
    ) {
        self.jobId = jobId
        self.marketId = marketId
        self.prover = prover
        self.reward = reward
        self.createdBlock = createdBlock
        self.assignedBlock = assignedBlock
        self.outcome = outcome
        self.outcomeBlock = outcomeBlock
        self.dueWallTime = dueWallTime
    }

    public init(_ job: CachedJob, due: DueTime) {
        self.init(
            jobId: job.jobId, marketId: job.marketId, prover: job.prover, reward: job.reward,
            createdBlock: job.createdBlock, assignedBlock: job.assignedBlock, outcome: job.outcome,
            outcomeBlock: job.outcomeBlock, dueWallTime: due.wallTime(job))
    }
}

/// A prover's stake in one token (base units, decimal strings as the cache keeps them).
public struct MonitorStake: Sendable, Equatable {
    public var total: String
    public var locked: String
    public init(total: String, locked: String) {
        self.total = total
        self.locked = locked
    }
}

/// One slash of the watched prover's stake.
public struct MonitorSlash: Sendable, Equatable {
    public var blockNumber: Int64
    public var logIndex: Int64
    public var token: String
    public var amount: String
    public var jobId: Int64?
    public var txHash: String
    public init(blockNumber: Int64, logIndex: Int64, token: String, amount: String, jobId: Int64?, txHash: String) {
        self.blockNumber = blockNumber
        self.logIndex = logIndex
        self.token = token
        self.amount = amount
        self.jobId = jobId
        self.txHash = txHash
    }
}

/// Whether an enclave answered HTTP at all (any status counts: the process is there).
public enum EnclaveReachability: Sendable, Equatable {
    case up
    /// Why not, in words (connection refused, timed out, …).
    case down(String)

    public var isUp: Bool { self == .up }
}
