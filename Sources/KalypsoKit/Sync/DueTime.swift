import Foundation
import KalypsoStore

/// Converts a job's due time (in its contract's unit) to wall time.
///
/// Gen B times are `block.timestamp` seconds already. Gen A times are `block.number`; off Arbitrum that is
/// the chain's own block number, estimated from the last indexed block and its time at `secondsPerBlock`.
/// On Arbitrum `block.number` is the L1 (Ethereum) block number the sequencer assigned (spec §6.3): the
/// estimate starts from the last indexed block's `l1BlockNumber` and its time, at L1's 12 s per block; when
/// the cache has no L1 number for an Arbitrum chain, there is no estimate (an L2 number would be wrong by
/// a factor of about 50).
public struct DueTime: Sendable {
    public var referenceBlock: Int64
    public var referenceTime: Int64
    /// The chain's own seconds per block (off Arbitrum); 0 when it is not known.
    public var secondsPerBlock: Double
    public var chainId: Int64
    /// Arbitrum: the L1 block number at `referenceTime` (``SyncProgress/headL1Block``).
    public var referenceL1Block: Int64?

    /// Ethereum's block time since the merge: what Gen A's block counts mean on Arbitrum.
    public static let l1SecondsPerBlock: Double = 12

    /// Arbitrum chains, where Gen A's `block.number` is L1's (spec §6.3).
    static let arbitrum: Set<Int64> = [42161, 421614, 42170]

    public init(
        referenceBlock: Int64, referenceTime: Int64, secondsPerBlock: Double, chainId: Int64,
        referenceL1Block: Int64? = nil
    ) {
        self.referenceBlock = referenceBlock
        self.referenceTime = referenceTime
        self.secondsPerBlock = secondsPerBlock
        self.chainId = chainId
        self.referenceL1Block = referenceL1Block
    }

    /// The reference of a cache's sync progress (its last indexed block, that block's time and, on Arbitrum,
    /// its L1 block number).
    public init(progress: SyncProgress, secondsPerBlock: Double, chainId: Int64) {
        self.init(
            referenceBlock: progress.lastBlock, referenceTime: progress.headTime, secondsPerBlock: secondsPerBlock,
            chainId: chainId, referenceL1Block: progress.headL1Block)
    }

    /// Seconds since 1970 when the job is due; nil when it cannot be told.
    public func wallTime(_ job: CachedJob) -> Int64? {
        if job.deadlineUnit == "second" { return job.dueAt }
        // A chain whose blocks carry an L1 number is an Arbitrum chain (One, Nova, Sepolia or an Orbit chain).
        if let l1 = referenceL1Block {
            return referenceTime + Int64((Double(job.dueAt - l1) * Self.l1SecondsPerBlock).rounded())
        }
        // Off Arbitrum a block count needs the chain's pace; 0 (unknown) gives no estimate rather than a wrong one.
        guard !Self.arbitrum.contains(chainId), secondsPerBlock > 0, secondsPerBlock.isFinite else { return nil }
        return referenceTime + Int64((Double(job.dueAt - referenceBlock) * secondsPerBlock).rounded())
    }
}

extension DueTime {
    /// A cache's reference for due times: its last indexed block, at the pace the cache's recent blocks show
    /// (0, no estimate off Arbitrum, when it keeps too few blocks to tell).
    public init(progress: SyncProgress, recentBlocks: [CachedBlock], chainId: Int64) {
        let pace = ContractTimeScale.blocks(clock: nil, recentBlocks: recentBlocks)?.secondsPerBlock ?? 0
        self.init(progress: progress, secondsPerBlock: pace, chainId: chainId)
    }
}
