import Basics
import EthereumKit
import Foundation
import KalypsoKit
import KalypsoStore
import Synchronization

/// The console's services on a real network: the SQLite cache (read for every snapshot, written by
/// the background sync), the transaction journal, and token facts read once from the chain.
public final class LiveConsoleServices: ConsoleServices {
    public let config: KalypsoConfig
    public let cache: ChainCache
    public let journal: TransactionJournal
    /// Lowercase hex of the operator, as the cache stores addresses.
    let operatorKey: String?
    let operatorAddress: Address?
    let chainSync: ChainSync
    let client: JSONRPCClient
    let tokens = Mutex<(payment: ConsoleToken, stake: ConsoleToken?)?>(nil)
    /// How many jobs of ours and per market a snapshot reads.
    public let ourJobsLimit = 300
    public let marketJobsLimit = 12
    public let journalLimit = 200

    /// - Parameter database: the database file (the network's default one unless `--database`).
    public init(config: KalypsoConfig, database: KalypsoDatabase, operatorAddress: Address?) throws {
        guard config.chainId != nil else { throw SyncError(.notConfigured, "the configuration has no chainId") }
        guard !config.rpcHttp.isEmpty else { throw SyncError(.notConfigured, "the configuration has no rpcHttp") }
        self.config = config
        cache = ChainCache(database: database)
        journal = TransactionJournal(database: database)
        self.operatorAddress = operatorAddress
        operatorKey = operatorAddress.map { Hex.encode($0.bytes) }
        client = JSONRPCClient(
            urls: config.rpcHttp.map(\.url), options: JSONRPCClientOptions(expectedChainId: config.chainId),
            revertDecoder: try? KalypsoErrors.bundled())
        chainSync = try ChainSync.make(config: config, cache: cache, chain: RPCSyncChain(client: client))
    }

    /// What the header says about this network.
    public var network: ConsoleNetwork {
        let generation = config.generation?.rawValue ?? "?"
        return ConsoleNetwork(
            name: config.networkName ?? "custom", chainId: config.chainId, generation: generation,
            operatorAddress: operatorAddress?.checksummed, timeUnit: config.generation == .a ? "block" : "second")
    }

    public func sync() async throws -> ConsoleSyncProgress {
        ConsoleSyncProgress(try await chainSync.run())
    }

    public func loadSnapshot() async throws -> ConsoleSnapshot {
        let (payment, stake) = try await tokenInfo()
        let n = try cache.networkId(for: ChainSync.cacheKey(config: config))
        let progress = try cache.progress(network: n).max { $0.lastBlock < $1.lastBlock }
        let markets = try cache.marketsWithStatus(network: n, operator: operatorKey)
        var marketJobs: [Int64: [CachedJob]] = [:]
        for m in markets {
            marketJobs[m.market.marketId] = try cache.jobs(
                network: n, marketId: m.market.marketId, limit: marketJobsLimit)
        }
        var ourJobs: [CachedJob] = []
        var rewardAddress: String?
        var history: [CachedRewardEvent] = []
        var stakes: [CachedStakeBalance] = []
        if let me = operatorKey {
            ourJobs = try cache.jobs(network: n, prover: me, limit: ourJobsLimit)
            rewardAddress = try cache.rewardAddress(network: n, prover: me)
            history = try rewardAddress.map { try cache.earnings(network: n, address: $0) } ?? []
            stakes = try cache.stakeBalances(network: n, prover: me)
        }
        let entries = try journal.recent(
            chainId: config.chainId.map { Int64($0) }, from: operatorKey, limit: journalLimit)
        return ConsoleSnapshot(
            progress: progress, markets: markets, ourJobs: ourJobs, marketJobs: marketJobs,
            rewardAddress: rewardAddress, rewardBalances: try cache.rewardBalances(network: n),
            rewardHistory: history, stakeBalances: stakes, journal: entries, paymentToken: payment, stakeToken: stake,
            insights: try await loadInsights(network: n, stake: stake, balances: stakes))
    }

    /// The payment and (Generation A) staking tokens' symbols and decimals, read once.
    func tokenInfo() async throws -> (ConsoleToken, ConsoleToken?) {
        if let t = tokens.withLock({ $0 }) { return t }
        let payment = try await readToken(config.contracts.paymentToken, fallback: "payment token")
        var stake: ConsoleToken?
        if config.generation == .a, let s = config.contracts.stakingToken {
            stake = try await readToken(s, fallback: "staking token")
        }
        let found = (payment, stake)
        tokens.withLock { $0 = found }
        return found
    }

    func readToken(_ address: Address?, fallback: String) async throws -> ConsoleToken {
        // Without an address the unit is said plainly rather than guessed.
        guard let address, address != .zero else {
            return ConsoleToken(symbol: "base units of the \(fallback)", decimals: 0)
        }
        let answers = try await client.calls([
            RPCCallRequest(to: address, data: ABI.selector("symbol()")),
            RPCCallRequest(to: address, data: ABI.selector("decimals()")),
        ])
        let symbol = try ABI.decode([.string], from: try answers[0].get())
        let decimals = try ABI.decode([.uint(8)], from: try answers[1].get())
        guard case .uint(let d)? = decimals.first, case .string(let s)? = symbol.first else {
            throw SyncError(
                .notConfigured, "the \(fallback) at \(address.checksummed) did not answer symbol()/decimals()")
        }
        return ConsoleToken(symbol: s, decimals: Int(d))
    }

    public func review(_ write: ConsoleWrite) async throws -> ConsoleReview {
        throw ConsoleWriteUnavailable(write: write)
    }

    public func send(_ review: ConsoleReview) async throws -> String {
        throw ConsoleWriteUnavailable(write: review.write)
    }
}

/// Writes from the console go through the operator send path (review, confirm, simulate, sign, send,
/// wait, journal), which this build does not contain yet; the console says so instead of pretending.
public struct ConsoleWriteUnavailable: OperatorError {
    public let write: ConsoleWrite
    public var code: ErrorCode { "console.writeUnavailable" }
    public var title: String { "\(write.summary) cannot be sent from the console in this build" }
    public var detail: String { "the console's review-and-send step is not wired to the operator send path yet" }
    public var hint: String { "Nothing was signed or sent. Use the headless operator commands for writes until then." }
    public var category: ErrorCategory { .refused }
}
