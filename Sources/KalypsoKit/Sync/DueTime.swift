import Foundation
import KalypsoStore

/// Converts a job's due time (in its contract's unit) to wall time.
///
/// Gen B times are `block.timestamp` seconds already. Gen A times are `block.number`; off Arbitrum that is
/// the chain's own block number, estimated from the last indexed block and its time at `secondsPerBlock`.
/// On Arbitrum `block.number` is the L1 number (spec §6.3), which the cache does not record: no estimate.
public struct DueTime: Sendable {
    public var referenceBlock: Int64
    public var referenceTime: Int64
    public var secondsPerBlock: Double
    public var chainId: Int64

    /// Arbitrum chains, where Gen A's `block.number` is L1's (spec §6.3).
    static let arbitrum: Set<Int64> = [42161, 421614, 42170]

    public init(referenceBlock: Int64, referenceTime: Int64, secondsPerBlock: Double, chainId: Int64) {
        self.referenceBlock = referenceBlock
        self.referenceTime = referenceTime
        self.secondsPerBlock = secondsPerBlock
        self.chainId = chainId
    }

    /// Seconds since 1970 when the job is due; nil when it cannot be told.
    public func wallTime(_ job: CachedJob) -> Int64? {
        if job.deadlineUnit == "second" { return job.dueAt }
        guard !Self.arbitrum.contains(chainId) else { return nil }
        return referenceTime + Int64((Double(job.dueAt - referenceBlock) * secondsPerBlock).rounded())
    }
}
