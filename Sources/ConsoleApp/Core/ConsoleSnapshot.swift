import BigInt
import EthereumKit
import Foundation
import KalypsoStore

/// An ERC-20 as the console labels amounts of it (rewards in the payment token, stake in its token).
public struct ConsoleToken: Sendable, Hashable {
    public var symbol: String
    public var decimals: Int

    public init(symbol: String, decimals: Int) {
        self.symbol = symbol
        self.decimals = decimals
    }

    /// "12.5 POND" for a decimal amount of base units as the cache stores it; the text itself when it
    /// is not a decimal number (never shown as zero).
    public func format(_ baseUnits: String) -> String {
        guard let v = BigUInt(baseUnits, radix: 10) else { return baseUnits }
        return format(v)
    }

    /// "12.5 POND" for an amount of base units, exact (never rounded).
    public func format(_ amount: BigUInt) -> String {
        "\(Units.format(amount, decimals: decimals, groupThousands: true)) \(symbol)"
    }
}

/// What the header says about the network; fixed for a session.
public struct ConsoleNetwork: Sendable, Hashable {
    public var name: String
    public var chainId: UInt64?
    /// "A" or "B".
    public var generation: String
    /// The operator (prover) address in EIP-55 form; nil when neither the key nor the config names one.
    public var operatorAddress: String?
    /// "block" (Generation A) or "second" (Generation B): the unit of job deadlines and proposed times.
    public var timeUnit: String
    /// Seconds per block of the deadline clock, for converting block countdowns to time (nil: unknown).
    public var secondsPerBlock: Int64?

    public init(
        name: String, chainId: UInt64?, generation: String, operatorAddress: String?, timeUnit: String,
        secondsPerBlock: Int64? = nil
    ) {
        self.name = name
        self.chainId = chainId
        self.generation = generation
        self.operatorAddress = operatorAddress
        self.timeUnit = timeUnit
        self.secondsPerBlock = secondsPerBlock
    }
}

/// Everything the screens draw, read from the cache and the journal in one go.
///
/// Screens never query anything themselves: a refresh reads a new snapshot and the screens redraw from it
/// only when it differs from the one they show.
public struct ConsoleSnapshot: Sendable, Hashable {
    /// How far the cache got (the header's block and age); nil before the first sync.
    public var progress: SyncProgress?
    public var markets: [MarketSummary]
    /// Our operator's jobs, newest first, open and finished.
    public var ourJobs: [CachedJob]
    /// Each market's most recent jobs, newest first (the market detail view).
    public var marketJobs: [Int64: [CachedJob]]
    /// Where our rewards are credited (nil when unknown).
    public var rewardAddress: String?
    public var rewardBalances: [CachedRewardBalance]
    /// Rewards credited to and claimed by our reward address, oldest first.
    public var rewardHistory: [CachedRewardEvent]
    public var stakeBalances: [CachedStakeBalance]
    /// Our transactions from the journal, newest first.
    public var journal: [JournalEntry]
    /// The token rewards and job prices are paid in.
    public var paymentToken: ConsoleToken
    /// Generation A's staking token (slashing penalties per job are in it); nil when not known.
    public var stakeToken: ConsoleToken?
    /// What the Stake, Benchmarks and Profitability screens read besides the above.
    public var insights: InsightsData

    public init(
        progress: SyncProgress? = nil, markets: [MarketSummary] = [], ourJobs: [CachedJob] = [],
        marketJobs: [Int64: [CachedJob]] = [:], rewardAddress: String? = nil,
        rewardBalances: [CachedRewardBalance] = [], rewardHistory: [CachedRewardEvent] = [],
        stakeBalances: [CachedStakeBalance] = [], journal: [JournalEntry] = [], paymentToken: ConsoleToken,
        stakeToken: ConsoleToken? = nil, insights: InsightsData = InsightsData()
    ) {
        self.stakeToken = stakeToken
        self.insights = insights
        self.progress = progress
        self.markets = markets
        self.ourJobs = ourJobs
        self.marketJobs = marketJobs
        self.rewardAddress = rewardAddress
        self.rewardBalances = rewardBalances
        self.rewardHistory = rewardHistory
        self.stakeBalances = stakeBalances
        self.journal = journal
        self.paymentToken = paymentToken
    }
}
