import EthereumKit
import Foundation
import KalypsoStore

/// How a sync adapts and how often it polls.
public struct SyncOptions: Sendable {
    public var initialRange: UInt64 = 2_000
    public var minRange: UInt64 = 1
    /// The SDK and the in-enclave listener use 10 000-block windows (spec §3.6).
    public var maxRange: UInt64 = 10_000
    /// How many recent block hashes are kept to notice a reorg.
    public var confirmationsWindow: Int64 = 128
    public var pollInterval: Duration = .seconds(4)
    public var retryDelay: Duration = .seconds(1)
    public var maxRetries = 5
    /// Re-read the getters of what each range's events touched (the truth, spec §9.1). Off only to measure
    /// the log path alone (`kalypso-bench cache-index`): the rows then hold what the events said, nothing more.
    public var readGetters = true
    /// Keep polling after catching up (the console, `monitor`); false for a one-shot `--refresh`.
    public var follow = false

    public init() {}
}

/// What the screen draws while a sync runs.
public struct SyncStatus: Sendable, Equatable {
    /// 0…1 towards the head; nil before the head is known.
    public var progress: Double?
    public var lastIndexed: UInt64?
    public var head: UInt64?
    /// The current `eth_getLogs` window in blocks.
    public var range: UInt64
    public var caughtUp: Bool
    /// Logs indexed by this run.
    public var logsIndexed: Int
    /// Reorgs repaired by this run.
    public var reorgs: Int
}

/// The I/O around ``SyncMachine``: fetches what its actions ask, feeds back what happened, and writes
/// one range per SQLite transaction through ``ChainCache``.
public final class ChainSync: Sendable {
    public let chain: any SyncChain
    public let cache: ChainCache
    public let contracts: SyncContracts
    public let key: CacheNetworkKey
    public let startBlock: UInt64
    public let operatorAddress: Address?
    public let options: SyncOptions

    /// Throws when the chain id or the start block is past what the cache holds (2^63 − 1).
    public init(
        chain: any SyncChain, cache: ChainCache, contracts: SyncContracts, chainId: UInt64, startBlock: UInt64,
        operatorAddress: Address?, options: SyncOptions = SyncOptions()
    ) throws(SyncError) {
        self.chain = chain
        self.cache = cache
        self.contracts = contracts
        self.startBlock = startBlock
        self.operatorAddress = operatorAddress
        self.options = options
        self.key = try Self.key(contracts: contracts, chainId: chainId)
        _ = try Storable.int64(startBlock, "logStartBlock")
    }

    static func key(contracts: SyncContracts, chainId: UInt64) throws(SyncError) -> CacheNetworkKey {
        guard let id = Int64(exactly: chainId) else {
            throw SyncError(.notConfigured, "chainId \(chainId) is past 2^63 − 1, the largest the cache holds")
        }
        var addresses: [String: String] = [:]
        for (role, address) in contracts.addresses { addresses[role.rawValue] = Hex.encode(address.bytes) }
        return CacheNetworkKey(chainId: id, generation: contracts.generation.rawValue, addresses: addresses)
    }

    /// Syncs from the last indexed block (or `startBlock`) to the head, then follows it when
    /// `options.follow`; returns when caught up (one-shot) or when the task is cancelled.
    @discardableResult
    public func run(onStatus: @Sendable (SyncStatus) -> Void = { _ in }) async throws -> SyncStatus {
        let network = try cache.networkId(for: key)
        let tokens = try await stakeTokens()
        var indexer = RangeIndexer(
            contracts: contracts, chain: chain, operatorAddress: operatorAddress, stakeTokens: tokens)
        indexer.readsGetters = options.readGetters
        var machine = SyncMachine(
            startBlock: startBlock, initialRange: options.initialRange, minRange: options.minRange,
            maxRange: options.maxRange, pollInterval: options.pollInterval, retryDelay: options.retryDelay,
            maxRetries: options.maxRetries, followHead: options.follow)
        let saved = try cache.progress(network: network).first
        var status = SyncStatus(
            progress: nil, lastIndexed: nil, head: nil, range: machine.range, caughtUp: false, logsIndexed: 0, reorgs: 0
        )
        var queue = machine.handle(
            .start(
                lastIndexed: saved.flatMap { $0.lastBlock >= Int64(startBlock) ? UInt64($0.lastBlock) : nil },
                lastHash: saved?.lastHash))
        while !queue.isEmpty {
            if Task.isCancelled { return status }
            let action = queue.removeFirst()
            let event: SyncMachine.Event?
            switch action {
            case .fetchHead:
                event = await attempt { () async throws -> SyncMachine.Event in .head(try await self.chain.headNumber())
                }
            case .verify(let block, let hash):
                event = await attempt { () async throws -> SyncMachine.Event in
                    let found = try await self.chain.blocks([block])[block]
                    return .verified(matches: found.map { Hex.encode($0.hash) == hash.lowercased() } ?? false)
                }
                if event == .verified(matches: false) {
                    queue += machine.handle(event ?? .failed("verify"))
                    let fork = await attempt { () async throws -> SyncMachine.Event in
                        .forkFound(try await self.findFork(network: network))
                    }
                    queue += machine.handle(fork ?? .failed("fork"))
                    continue
                }
            case .rollback(let to):
                event = await attempt { () async throws -> SyncMachine.Event in
                    try self.cache.rollback(network: network, after: Int64(to))
                    let hash = try self.cache.recentBlocks(network: network).first { $0.number == Int64(to) }?.hash
                    return .rolledBack(toBlock: to, hash: hash)
                }
                status.reorgs += 1
            case .fetchLogs(let from, let to):
                event = try await fetchAndStore(
                    from: from, to: to, network: network, indexer: indexer, head: machine.head ?? to, status: &status)
            case .wait(let duration):
                try? await Task.sleep(for: duration)
                if Task.isCancelled { return status }
                event = .timerFired
            case .caughtUp:
                status.caughtUp = true
                event = nil
            case .fail(let why):
                throw SyncError(.gaveUp, why)
            }
            if let event { queue += machine.handle(event) }
            status.progress = machine.progress
            status.lastIndexed = machine.lastIndexed
            status.head = machine.head
            status.range = machine.range
            if case .fetching = machine.phase { status.caughtUp = false }
            onStatus(status)
        }
        return status
    }

    /// Runs one step, turning a thrown error into the event the machine understands.
    private func attempt(_ body: () async throws -> SyncMachine.Event) async -> SyncMachine.Event? {
        do {
            return try await body()
        } catch let error as RPCError {
            return Self.event(for: error)
        } catch {
            return .failed(String(describing: error))
        }
    }

    static func event(for error: RPCError) -> SyncMachine.Event {
        switch error.code {
        case .rpcLogQueryTooLarge: .rangeRefused
        case .rpcRateLimited: .rateLimited(retryAfter: error.retryAfter)
        default: .failed(error.detail)
        }
    }

    /// Indexes and stores one range; a value the cache cannot hold is thrown (retrying reads it again),
    /// anything else becomes the machine's event.
    private func fetchAndStore(
        from: UInt64, to: UInt64, network: Int64, indexer: RangeIndexer, head: UInt64, status: inout SyncStatus
    ) async throws(SyncError) -> SyncMachine.Event {
        do {
            let logs = try await chain.logs(
                from: from, to: to, addresses: contracts.logAddresses, topic0s: contracts.topic0s)
            let staleJobs = try cache.staleJobIds(network: network)
            let staleAccounts = try cache.staleAccounts(network: network)
            var stale = RangeIndexer.Stale()
            // Ids read back from the cache were checked when stored; a negative one (a damaged file) is skipped.
            stale.jobs = staleJobs.compactMap { UInt64(exactly: $0) }
            for (m, p) in staleAccounts.memberships {
                if let a = try? Address(p), let market = UInt64(exactly: m) {
                    stale.memberships.append(.init(market: market, prover: a))
                }
            }
            stale.provers = staleAccounts.provers.compactMap { try? Address($0) }
            let known = try cache.marketsWithStatus(network: network, operator: nil).compactMap {
                UInt64(exactly: $0.market.marketId)
            }
            let progress = SyncProgress(
                contract: SyncContracts.Role.proofMarketplace.rawValue, startBlock: Int64(startBlock),
                lastBlock: try Storable.int64(to, "block number \(to)"), lastHash: "",
                headBlock: try Storable.int64(head, "the head block number \(head)"), headTime: 0,
                updatedAt: Date().timeIntervalSince1970)
            let write = try await indexer.index(
                logs: logs, from: from, to: to, knownMarkets: known, stale: stale, progress: progress,
                window: options.confirmationsWindow)
            try cache.apply(write, network: network)
            status.logsIndexed += write.events.count
            return .stored(to: to, hash: write.progress.lastHash, logCount: logs.count)
        } catch let error as RPCError {
            return Self.event(for: error)
        } catch let reorg as ReorgDuringRange {
            return .failed("block \(reorg.block) changed while its range was read")
        } catch let error as SyncError where error.kind == .unstorable {
            throw error
        } catch {
            return .failed(String(describing: error))
        }
    }

    /// The highest remembered block whose hash the chain still has; nil when none does.
    private func findFork(network: Int64) async throws -> UInt64? {
        let remembered = try cache.recentBlocks(network: network)
        guard !remembered.isEmpty else { return nil }
        let onChain = try await chain.blocks(remembered.compactMap { UInt64(exactly: $0.number) })
        for block in remembered {  // newest first
            guard let number = UInt64(exactly: block.number) else { continue }
            if let found = onChain[number], Hex.encode(found.hash) == block.hash { return number }
        }
        return nil
    }

    /// Gen A: the registry's `STAKING_TOKEN`; Gen B: NativeStaking's token list.
    private func stakeTokens() async throws -> [Address] {
        let getter = try contracts.generation == .a ? contracts.stakingTokenGetter() : contracts.stakeTokenListGetter()
        guard let getter else { return [] }
        var batch = GetterBatch()
        batch.add("tokens", getter)
        let values = try await batch.run(chain)["tokens"] ?? []
        guard let first = values.first else { return [] }
        if let list = first.elements { return list.compactMap(\.addressValue) }
        return first.addressValue.map { [$0] } ?? []
    }
}
