import EthereumKit
import Foundation
import KalypsoStore

/// Reads ``MonitorSnapshot``s from the chain cache: a reader never writes, so it works beside a process that
/// syncs the same file (WAL) as well as after its own sync.
public struct MonitorReader: Sendable {
    public let cache: ChainCache
    public let network: Int64
    /// The watched prover (lowercase hex), or nil for every job.
    public let prover: String?
    public let chainId: Int64
    /// Block time used for Gen A block deadlines (off Arbitrum); nil: the pace of the cache's recent blocks.
    public var secondsPerBlock: Double?

    public init(cache: ChainCache, network: Int64, prover: String?, chainId: Int64) {
        self.cache = cache
        self.network = network
        self.prover = prover?.lowercased()
        self.chainId = chainId
    }

    /// The cache's state now; `previous` bounds what is read to what changed since it. Deadlines are measured
    /// from the later of the wall clock and the last block's time: a block past a deadline makes it overdue
    /// on the chain whatever the local clock says (a time-travelling devnet, a skewed clock).
    public func read(previous: MonitorSnapshot?, now: Int64, enclave: EnclaveReachability?) throws(StoreError)
        -> MonitorSnapshot?
    {
        guard let progress = try cache.progress(network: network).min(by: { $0.lastBlock < $1.lastBlock }) else {
            return nil
        }
        let since = previous?.block ?? progress.lastBlock
        let due: DueTime
        if let secondsPerBlock {
            due = DueTime(progress: progress, secondsPerBlock: secondsPerBlock, chainId: chainId)
        } else {
            due = DueTime(progress: progress, recentBlocks: try cache.recentBlocks(network: network), chainId: chainId)
        }
        var jobs: [Int64: MonitorJob] = [:]
        for j in try cache.monitorJobs(network: network, prover: prover, since: since) {
            jobs[j.jobId] = MonitorJob(j, due: due)
        }
        var stake: [String: MonitorStake] = [:]
        var slashes: [MonitorSlash] = []
        var claimable: [String: String] = [:]
        if let prover {
            for b in try cache.stakeBalances(network: network, prover: prover) {
                stake[b.token] = MonitorStake(total: b.total, locked: b.locked)
            }
            slashes = try cache.stakeEvents(network: network, prover: prover, since: since)
                .filter { $0.kind == .slashed }
                .map {
                    MonitorSlash(
                        blockNumber: $0.blockNumber, logIndex: $0.logIndex, token: $0.token, amount: $0.amount,
                        jobId: $0.jobId, txHash: $0.txHash)
                }
            let rewardAddress = try cache.rewardAddress(network: network, prover: prover) ?? prover
            for r in try cache.rewardBalances(network: network) where r.address == rewardAddress {
                claimable[r.address] = r.claimable
            }
        }
        return MonitorSnapshot(
            block: progress.lastBlock, blockTime: progress.headTime, now: max(now, progress.headTime), prover: prover,
            jobs: jobs,
            stake: stake, slashes: slashes, claimable: claimable, enclave: enclave)
    }
}
