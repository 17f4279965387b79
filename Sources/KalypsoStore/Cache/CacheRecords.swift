import Foundation

/// What keys a cache: a network's chain id, generation and contract addresses. Two configurations with
/// the same key share rows; anything else gets rows of its own.
public struct CacheNetworkKey: Sendable, Hashable {
    public var chainId: Int64
    /// "A" or "B".
    public var generation: String
    /// Contract role → lowercase address; every role takes part in the key.
    public var addresses: [String: String]

    public init(chainId: Int64, generation: String, addresses: [String: String]) {
        self.chainId = chainId
        self.generation = generation
        self.addresses = addresses.mapValues { $0.lowercasedIfNeeded }
    }

    /// The text stored in `cache_network.key`: stable under dictionary order.
    public var text: String {
        let parts = addresses.keys.sorted().map { "\($0)=\(addresses[$0] ?? "")" }
        return "\(chainId)|\(generation)|" + parts.joined(separator: ",")
    }
}

/// A block the sync saw, kept for the confirmations window to notice reorgs.
public struct CachedBlock: Sendable, Hashable {
    public var number: Int64
    public var hash: String
    public var timestamp: Int64
    public init(number: Int64, hash: String, timestamp: Int64) {
        self.number = number
        self.hash = hash.lowercasedIfNeeded
        self.timestamp = timestamp
    }
}

/// One indexed log, by its position in the chain: the primary key makes a second copy impossible.
///
/// Hashes and the account are raw bytes (stored as BLOBs, read back as lowercase `0x` hex): a first sync
/// writes one of these per log, and the bytes are the log's own arrays, not a string built per log.
public struct CachedEvent: Sendable, Hashable {
    public var blockNumber: Int64
    public var logIndex: Int64
    /// 32 bytes; empty when unknown.
    public var blockHash: [UInt8]
    /// 32 bytes; empty when unknown.
    public var txHash: [UInt8]
    /// The emitting contract's role (`proofMarketplace`, `nativeStaking`, …).
    public var contract: String
    /// The event's name (`TaskCreated`, `AskCreated`, …).
    public var name: String
    public var jobId: Int64?
    public var marketId: Int64?
    /// The prover or account the event is about (20 bytes), if any.
    public var account: [UInt8]?

    public init(
        blockNumber: Int64, logIndex: Int64, blockHash: [UInt8], txHash: [UInt8], contract: String, name: String,
        jobId: Int64? = nil, marketId: Int64? = nil, account: [UInt8]? = nil
    ) {
        self.blockNumber = blockNumber
        self.logIndex = logIndex
        self.blockHash = blockHash
        self.txHash = txHash
        self.contract = contract
        self.name = name
        self.jobId = jobId
        self.marketId = marketId
        self.account = account
    }
}

/// A market as its getter returns it, with the counts the market list shows (maintained on every write).
public struct CachedMarket: Sendable, Hashable {
    public var marketId: Int64
    public var verifier: String
    public var proverImageId: String
    public var ivsImageId: String
    public var creator: String
    /// The metadata bytes as UTF-8 text (hex when they are not UTF-8).
    public var metadata: String
    public var metadataIsJSON: Bool
    public var isPrivate: Bool
    /// Gen A: stake locked per task (decimal base units); nil on Gen B (per token in the staking pools).
    public var slashingPenalty: String?
    /// Gen A: the block from which asks are accepted; nil on Gen B.
    public var activationBlock: Int64?
    public var createdBlock: Int64
    public var proverCount: Int64 = 0
    public var jobCount: Int64 = 0
    public var openJobCount: Int64 = 0

    public init(
        marketId: Int64, verifier: String, proverImageId: String, ivsImageId: String, creator: String,
        metadata: String, metadataIsJSON: Bool, isPrivate: Bool, slashingPenalty: String?, activationBlock: Int64?,
        createdBlock: Int64
    ) {
        self.marketId = marketId
        self.verifier = verifier.lowercasedIfNeeded
        self.proverImageId = proverImageId.lowercasedIfNeeded
        self.ivsImageId = ivsImageId.lowercasedIfNeeded
        self.creator = creator.lowercasedIfNeeded
        self.metadata = metadata
        self.metadataIsJSON = metadataIsJSON
        self.isPrivate = isPrivate
        self.slashingPenalty = slashingPenalty
        self.activationBlock = activationBlock
        self.createdBlock = createdBlock
    }
}

/// A prover's membership of a market as the registry getter returns it (state 0 means not a member).
public struct CachedMarketProver: Sendable, Hashable {
    public var marketId: Int64
    public var prover: String
    /// The registry's state: 1 joined, 2 no compute available, 3 working, 4 requested exit.
    public var state: Int64
    public var computePerRequest: String
    public var proofGenerationCost: String
    /// In the generation's time unit (blocks on A, seconds on B).
    public var proposedTime: Int64
    /// Gen B only (1e18 = 100 %).
    public var commission: String?
    public var activeRequests: Int64
    public var joinedBlock: Int64
    public var refreshedBlock: Int64

    public init(
        marketId: Int64, prover: String, state: Int64, computePerRequest: String, proofGenerationCost: String,
        proposedTime: Int64, commission: String?, activeRequests: Int64, joinedBlock: Int64, refreshedBlock: Int64
    ) {
        self.marketId = marketId
        self.prover = prover.lowercasedIfNeeded
        self.state = state
        self.computePerRequest = computePerRequest
        self.proofGenerationCost = proofGenerationCost
        self.proposedTime = proposedTime
        self.commission = commission
        self.activeRequests = activeRequests
        self.joinedBlock = joinedBlock
        self.refreshedBlock = refreshedBlock
    }
}

/// An ask (Gen A) or bid (Gen B) with its task: getter fields plus what the events said happened.
public struct CachedJob: Sendable, Hashable {
    /// How a job ended; nil while it is open.
    public enum Outcome: String, Sendable, CaseIterable {
        case proved, notGenerated, invalidInputs, cancelled
    }

    public var jobId: Int64
    public var marketId: Int64
    /// The stored state of `listOfAsk`/`listOfBid` (0 null, 1 created, 3 assigned, 4 complete).
    public var state: Int64
    public var reward: String
    public var expiry: Int64
    public var timeForProof: Int64
    /// Set at assignment (0 before); in `deadlineUnit`.
    public var deadline: Int64
    /// "block" (Gen A, `block.number`) or "second" (Gen B, `block.timestamp`).
    public var deadlineUnit: String
    public var requester: String
    public var prover: String?
    public var hasPrivateInputs: Bool
    public var outcome: Outcome?
    public var createdBlock: Int64
    public var createdTx: String
    public var assignedBlock: Int64?
    public var assignedTx: String?
    public var outcomeBlock: Int64?
    public var outcomeTx: String?
    public var refreshedBlock: Int64

    /// The time that matters next, in `deadlineUnit`: the proof deadline once assigned, else the expiry.
    public var dueAt: Int64 { deadline > 0 ? deadline : expiry }

    public init(
        jobId: Int64, marketId: Int64, state: Int64, reward: String, expiry: Int64, timeForProof: Int64,
        deadline: Int64, deadlineUnit: String, requester: String, prover: String?, hasPrivateInputs: Bool,
        outcome: Outcome?, createdBlock: Int64, createdTx: String, assignedBlock: Int64?, assignedTx: String?,
        outcomeBlock: Int64?, outcomeTx: String?, refreshedBlock: Int64
    ) {
        self.jobId = jobId
        self.marketId = marketId
        self.state = state
        self.reward = reward
        self.expiry = expiry
        self.timeForProof = timeForProof
        self.deadline = deadline
        self.deadlineUnit = deadlineUnit
        self.requester = requester.lowercasedIfNeeded
        self.prover = prover?.lowercasedIfNeeded
        self.hasPrivateInputs = hasPrivateInputs
        self.outcome = outcome
        self.createdBlock = createdBlock
        self.createdTx = createdTx.lowercasedIfNeeded
        self.assignedBlock = assignedBlock
        self.assignedTx = assignedTx?.lowercasedIfNeeded
        self.outcomeBlock = outcomeBlock
        self.outcomeTx = outcomeTx?.lowercasedIfNeeded
        self.refreshedBlock = refreshedBlock
    }
}

/// A stake movement as an event reported it (a hint for charts; balances come from getters).
public struct CachedStakeEvent: Sendable, Hashable {
    public enum Kind: String, Sendable, CaseIterable {
        case staked, locked, unlocked, slashed, withdrawalRequested, withdrawn
    }
    public var blockNumber: Int64
    public var logIndex: Int64
    public var timestamp: Int64
    public var token: String
    public var prover: String
    public var account: String?
    public var kind: Kind
    public var amount: String
    public var jobId: Int64?
    public var withdrawalIndex: Int64?
    public var txHash: String

    public init(
        blockNumber: Int64, logIndex: Int64, timestamp: Int64, token: String, prover: String, account: String?,
        kind: Kind, amount: String, jobId: Int64?, withdrawalIndex: Int64?, txHash: String
    ) {
        self.blockNumber = blockNumber
        self.logIndex = logIndex
        self.timestamp = timestamp
        self.token = token.lowercasedIfNeeded
        self.prover = prover.lowercasedIfNeeded
        self.account = account?.lowercasedIfNeeded
        self.kind = kind
        self.amount = amount
        self.jobId = jobId
        self.withdrawalIndex = withdrawalIndex
        self.txHash = txHash.lowercasedIfNeeded
    }
}

/// A prover's stake in one token as the staking getters return it.
public struct CachedStakeBalance: Sendable, Hashable {
    public var token: String
    public var prover: String
    public var total: String
    public var locked: String
    public var refreshedBlock: Int64
    public init(token: String, prover: String, total: String, locked: String, refreshedBlock: Int64) {
        self.token = token.lowercasedIfNeeded
        self.prover = prover.lowercasedIfNeeded
        self.total = total
        self.locked = locked
        self.refreshedBlock = refreshedBlock
    }
}

/// A reward credited to (or claimed by) a reward address.
public struct CachedRewardEvent: Sendable, Hashable {
    public enum Kind: String, Sendable, CaseIterable { case accrued, claimed }
    public var blockNumber: Int64
    public var logIndex: Int64
    public var timestamp: Int64
    public var address: String
    public var kind: Kind
    public var amount: String
    public var jobId: Int64?
    public var txHash: String
    public init(
        blockNumber: Int64, logIndex: Int64, timestamp: Int64, address: String, kind: Kind, amount: String,
        jobId: Int64?, txHash: String
    ) {
        self.blockNumber = blockNumber
        self.logIndex = logIndex
        self.timestamp = timestamp
        self.address = address.lowercasedIfNeeded
        self.kind = kind
        self.amount = amount
        self.jobId = jobId
        self.txHash = txHash.lowercasedIfNeeded
    }
}

/// What a reward address can claim now, from the marketplace getter.
public struct CachedRewardBalance: Sendable, Hashable {
    public var address: String
    public var claimable: String
    public var refreshedBlock: Int64
    public init(address: String, claimable: String, refreshedBlock: Int64) {
        self.address = address.lowercasedIfNeeded
        self.claimable = claimable
        self.refreshedBlock = refreshedBlock
    }
}

/// A registered prover's reward address, from the registry getter (where its earnings are credited).
public struct CachedProver: Sendable, Hashable {
    public var prover: String
    public var rewardAddress: String
    public var refreshedBlock: Int64
    public init(prover: String, rewardAddress: String, refreshedBlock: Int64) {
        self.prover = prover.lowercasedIfNeeded
        self.rewardAddress = rewardAddress.lowercasedIfNeeded
        self.refreshedBlock = refreshedBlock
    }
}

/// One benchmark of an enclave for a market.
public struct BenchmarkRun: Sendable, Hashable {
    public var enclave: String
    public var marketId: Int64?
    public var milliseconds: Int64
    /// Seconds since 1970.
    public var at: Double
    public init(enclave: String, marketId: Int64?, milliseconds: Int64, at: Double) {
        self.enclave = enclave
        self.marketId = marketId
        self.milliseconds = milliseconds
        self.at = at
    }
}

/// How far the cache has indexed a network, and the chain head seen then.
public struct SyncProgress: Sendable, Hashable {
    public var contract: String
    public var startBlock: Int64
    public var lastBlock: Int64
    public var lastHash: String
    public var headBlock: Int64
    /// The head block's timestamp (seconds since 1970).
    public var headTime: Int64
    /// When this row was written (seconds since 1970): how old the data is.
    public var updatedAt: Double
    /// Arbitrum: the L1 block number of the last indexed block (its `l1BlockNumber`, what Generation A's
    /// `block.number` returned there, spec §6.3); nil on other chains.
    public var headL1Block: Int64?
    public init(
        contract: String, startBlock: Int64, lastBlock: Int64, lastHash: String, headBlock: Int64, headTime: Int64,
        updatedAt: Double, headL1Block: Int64? = nil
    ) {
        self.contract = contract
        self.startBlock = startBlock
        self.lastBlock = lastBlock
        self.lastHash = lastHash.lowercasedIfNeeded
        self.headBlock = headBlock
        self.headTime = headTime
        self.updatedAt = updatedAt
        self.headL1Block = headL1Block
    }
}

/// The chain's clock in both units the contracts time jobs in, at one block: for telling an expired ask
/// from an open one (``ChainCache/jobsDueSoonest(network:prover:limit:openAt:)``).
public struct JobClock: Sendable, Hashable {
    /// `block.timestamp` (Generation B's unit).
    public var seconds: Int64
    /// `block.number` as the contracts see it (Generation A's unit; on Arbitrum the L1 number, spec §6.3);
    /// nil when unknown, and then no job timed in blocks is taken for expired.
    public var blocks: Int64?
    public init(seconds: Int64, blocks: Int64?) {
        self.seconds = seconds
        self.blocks = blocks
    }
}

/// Everything one indexed block range changes, written in one SQLite transaction.
public struct CacheRangeWrite: Sendable {
    public var fromBlock: Int64
    public var toBlock: Int64
    /// The blocks to remember (the range's last block and blocks with logs), for reorg checks.
    public var blocks: [CachedBlock] = []
    public var events: [CachedEvent] = []
    public var markets: [CachedMarket] = []
    /// Memberships read from the registry; a state of 0 removes the row.
    public var marketProvers: [CachedMarketProver] = []
    public var jobs: [CachedJob] = []
    public var stakeEvents: [CachedStakeEvent] = []
    public var stakeBalances: [CachedStakeBalance] = []
    public var rewardEvents: [CachedRewardEvent] = []
    public var rewardBalances: [CachedRewardBalance] = []
    public var provers: [CachedProver] = []
    /// The contracts (roles) the range covered; each gets its progress row.
    public var contracts: [String] = []
    public var progress: SyncProgress
    /// Blocks older than `toBlock - window` lose their stored hash.
    public var confirmationsWindow: Int64

    public init(fromBlock: Int64, toBlock: Int64, progress: SyncProgress, confirmationsWindow: Int64) {
        self.fromBlock = fromBlock
        self.toBlock = toBlock
        self.progress = progress
        self.confirmationsWindow = confirmationsWindow
    }
}

extension String {
    /// `lowercased()`, without the new string when there is nothing to lower: the sync builds its hex
    /// already in lower case, and a copy of every hash of every indexed log was a measurable part of a sync.
    var lowercasedIfNeeded: String {
        let utf8 = self.utf8
        // Only ASCII without A–Z is certainly unchanged; anything else goes through the full mapping.
        let unchanged = utf8.withContiguousStorageIfAvailable { bytes in
            !bytes.contains { $0 >= 0x80 || ($0 &- 0x41) < 26 }
        }
        if unchanged == true { return self }
        if unchanged == nil, !utf8.contains(where: { $0 >= 0x80 || ($0 &- 0x41) < 26 }) { return self }
        return lowercased()
    }
}
