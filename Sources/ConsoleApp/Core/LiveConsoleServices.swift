import Basics
import BigInt
import EthereumKit
import Foundation
import KalypsoKit
import KalypsoStore
import Synchronization

/// The console's services on a real network: the SQLite cache (read for every snapshot, written by
/// the background sync), the transaction journal, and the chain details the cache keeps (token symbols and
/// decimals, the staking pool's terms), read in the background with short deadlines.
///
/// A snapshot reads the cache and the journal only: no chain call stands between the start and the first
/// frame of data, however slow or dead the RPC is.
public final class LiveConsoleServices: ConsoleServices {
    public let config: KalypsoConfig
    public let cache: ChainCache
    public let journal: TransactionJournal
    /// Lowercase hex of the operator, as the cache stores addresses.
    let operatorKey: String?
    let operatorAddress: Address?
    let chainSync: ChainSync
    let client: JSONRPCClient
    /// The chain details' reads: short deadlines, so a dead RPC says so in seconds.
    let detailsClient: JSONRPCClient
    /// Token symbols and decimals, kept beside the cache (shared with the headless commands).
    let tokenDirectory: TokenDirectory
    /// The cache's row of this network, looked up once (the lookup writes when the row is missing).
    let networkRow = Mutex<Int64?>(nil)
    /// Why the last read of the chain details failed, in words (nil when it worked or never ran).
    let detailsProblem = Mutex<String?>(nil)
    /// Generation A's pending unstake per token as the last sync read it, and why the last read failed.
    let pendingUnstake = Mutex<(found: [String: PendingReduction], problem: String?)?>(nil)
    /// How many jobs of ours and per market a snapshot reads.
    public let ourJobsLimit = 300
    public let marketJobsLimit = 12
    public let journalLimit = 200
    /// The deadline of one chain-details read (whole seconds: URLSession truncates the rest).
    public static let detailsTimeout: Duration = .seconds(5)

    /// The operator's key (nil in read-only mode: nothing can be signed).
    let key: PrivateKey?
    let databasePath: String
    /// The operator session of the writes, opened on the first write.
    let session = Mutex<OperatorSession?>(nil)
    /// Reviewed requests by review id: Send sends exactly what was reviewed.
    let reviewed = Mutex<(next: Int, requests: [Int: [TransactionRequest]])>((1, [:]))
    /// What the onboarding wizard gets from the command line (the gas key), and market facts read once.
    public let onboardingHooks = Mutex<ConsoleOnboardingHooks>(ConsoleOnboardingHooks())

    /// - Parameters:
    ///   - databasePath: the database file (the network's default one unless `--database`).
    ///   - key: the operator's key; nil in read-only mode.
    public init(config: KalypsoConfig, databasePath: String, key: PrivateKey?, operatorAddress: Address?) throws {
        guard let chainId = config.chainId else { throw SyncError(.notConfigured, "the configuration has no chainId") }
        guard !config.rpcHttp.isEmpty else { throw SyncError(.notConfigured, "the configuration has no rpcHttp") }
        self.config = config
        self.key = key
        self.databasePath = databasePath
        let database = try KalypsoDatabase(path: databasePath)
        cache = ChainCache(database: database)
        journal = TransactionJournal(database: database)
        self.operatorAddress = operatorAddress
        operatorKey = operatorAddress.map { Hex.encode($0.bytes) }
        // One HTTP session per endpoint, shared by both clients.
        let transports: [any RPCTransport] = config.rpcHttp.map { HTTPRPCTransport(url: $0.url) }
        client = JSONRPCClient(
            transports: transports, options: JSONRPCClientOptions(expectedChainId: config.chainId),
            revertDecoder: try? KalypsoErrors.bundled())
        detailsClient = JSONRPCClient(
            transports: transports,
            options: JSONRPCClientOptions(
                expectedChainId: chainId, attemptTimeout: Self.detailsTimeout, totalTimeout: Self.detailsTimeout))
        tokenDirectory = TokenDirectory(databasePath: databasePath, chainId: chainId)
        chainSync = try ChainSync.make(config: config, cache: cache, chain: RPCSyncChain(client: client))
    }

    /// What the header says about this network; the pace of Generation A's deadline clock comes from the cache
    /// as it is at start (each snapshot brings it up to date).
    public var network: ConsoleNetwork {
        let generation = config.generation?.rawValue ?? "?"
        var pace: Int64?
        if let n = try? cache.existingNetworkId(for: ChainSync.cacheKey(config: config)) {
            pace = try? secondsPerBlock(network: n)
        }
        return ConsoleNetwork(
            name: config.networkName ?? "custom", chainId: config.chainId, generation: generation,
            operatorAddress: operatorAddress?.checksummed, timeUnit: config.generation == .a ? "block" : "second",
            secondsPerBlock: pace)
    }

    public func sync() async throws -> ConsoleSyncProgress {
        let progress = ConsoleSyncProgress(try await chainSync.run())
        await readPendingUnstake()
        return progress
    }

    /// The cache's row of this network.
    func networkId() throws -> Int64 {
        if let n = networkRow.withLock({ $0 }) { return n }
        let n = try cache.networkId(for: ChainSync.cacheKey(config: config))
        networkRow.withLock { $0 = n }
        return n
    }

    /// Seconds per block of the deadline clock (spec §6.3): on Arbitrum, where the cache's progress carries
    /// the L1 block number Generation A counts in, an L1 block (12 s) as `jobs` and `monitor` count it;
    /// elsewhere the pace of the blocks the cache remembers; nil when neither is known.
    func secondsPerBlock(network n: Int64) throws -> Int64? {
        let progress = try cache.progress(network: n)
        return Self.secondsPerBlock(progress: progress, recentBlocks: try cache.recentBlocks(network: n))
    }

    static func secondsPerBlock(progress: [SyncProgress], recentBlocks: [CachedBlock]) -> Int64? {
        if progress.contains(where: { $0.headL1Block != nil }) { return Int64(DueTime.l1SecondsPerBlock) }
        guard let pace = ContractTimeScale.blocks(clock: nil, recentBlocks: recentBlocks)?.secondsPerBlock else {
            return nil
        }
        return max(1, Int64(pace.rounded()))
    }

    public func loadSnapshot() async throws -> ConsoleSnapshot { try cachedSnapshot() }

    /// The snapshot, read synchronously: cache, journal and token directory only (the console reads its first
    /// one before the terminal opens, so its first frame has the data).
    public func cachedSnapshot() throws -> ConsoleSnapshot {
        let n = try networkId()
        let progress = try cache.progress(network: n)
        // A market's open jobs as the contracts would say at the cached block (asks expired unassigned left out).
        let clock = progress.max { $0.lastBlock < $1.lastBlock }.map {
            DueTime(progress: $0, secondsPerBlock: 1, chainId: Int64(clamping: config.chainId ?? 0)).clock
        }
        let markets = try cache.marketsWithStatus(network: n, operator: operatorKey, openAt: clock)
        var marketJobs: [Int64: [CachedJob]] = [:]
        for m in markets {
            marketJobs[m.market.marketId] = try cache.jobs(
                network: n, marketId: m.market.marketId, limit: marketJobsLimit)
        }
        var ourJobs: [CachedJob] = []
        var rewardAddress: String?
        var history: [CachedRewardEvent] = []
        var stakes: [CachedStakeBalance] = []
        var stakeEvents: [CachedStakeEvent] = []
        if let me = operatorKey {
            ourJobs = try cache.jobs(network: n, prover: me, limit: ourJobsLimit)
            rewardAddress = try cache.rewardAddress(network: n, prover: me)
            history = try rewardAddress.map { try cache.earnings(network: n, address: $0) } ?? []
            stakes = try cache.stakeBalances(network: n, prover: me)
            stakeEvents = try cache.stakeSeries(network: n, prover: me)
        }
        let entries = try journal.recent(
            chainId: config.chainId.map { Int64($0) }, from: operatorKey, limit: journalLimit)
        var details = ChainDetails(
            known: tokenDirectory.known(tokensWanted(balances: stakes, events: stakeEvents)),
            terms: try cache.stakeTerms(network: n))
        let payment = details.token(config.contracts.paymentToken, role: "payment token")
        var stake: ConsoleToken?
        if config.generation == .a, let s = config.contracts.stakingToken {
            stake = details.token(s, role: "staking token")
        }
        var insights = try loadInsights(network: n, markets: markets, stake: stake, stakeEvents: stakeEvents)
        addPendingUnstake(to: &insights)
        if config.generation == .b {
            details.addStakeTerms(
                to: &insights, balances: stakes, pool: config.contracts.nativeStaking,
                failure: detailsProblem.withLock { $0 })
        }
        var snapshot = ConsoleSnapshot(
            progress: progress.max { $0.lastBlock < $1.lastBlock }, markets: markets, ourJobs: ourJobs,
            marketJobs: marketJobs, rewardAddress: rewardAddress, rewardBalances: try cache.rewardBalances(network: n),
            rewardHistory: history, stakeBalances: stakes, journal: entries, paymentToken: payment, stakeToken: stake,
            insights: insights)
        snapshot.secondsPerBlock = Self.secondsPerBlock(progress: progress, recentBlocks: insights.recentBlocks)
        snapshot.loading = details.loading
        snapshot.loadingProblem = details.loading.isEmpty ? nil : detailsProblem.withLock { $0 }
        return snapshot
    }

    /// The tokens whose symbol and decimals label amounts: the payment token, Generation A's staking token and
    /// Generation B's stake tokens (ours, from the cache).
    func tokensWanted(balances: [CachedStakeBalance], events: [CachedStakeEvent]) -> [Address] {
        var wanted = [config.contracts.paymentToken].compactMap { $0 }.filter { $0 != .zero }
        if config.generation == .a, let s = config.contracts.stakingToken, s != .zero { wanted.append(s) }
        if config.generation == .b {
            wanted += Set(balances.map(\.token) + events.map(\.token)).sorted().compactMap { try? Address($0) }
        }
        return wanted
    }

    /// Reads from the chain the details the cache lacks (token symbols and decimals) and the staking pool's
    /// terms (Generation B, read again each start: they can change), and keeps them in the cache. True when
    /// the cache changed, so the next snapshot shows more.
    public func readChainDetails() async throws -> Bool {
        do {
            let changed = try await readDetails()
            detailsProblem.withLock { $0 = nil }
            return changed
        } catch {
            let report = ErrorReport(error)
            detailsProblem.withLock { $0 = report.title }
            throw error
        }
    }

    func readDetails() async throws -> Bool {
        let n = try networkId()
        var stakes: [CachedStakeBalance] = []
        var events: [CachedStakeEvent] = []
        if let me = operatorKey {
            stakes = try cache.stakeBalances(network: n, prover: me)
            events = try cache.stakeSeries(network: n, prover: me)
        }
        let wanted = tokensWanted(balances: stakes, events: events)
        let known = tokenDirectory.known(wanted)
        var changed = false
        var unanswered: [Address] = []
        let missing = wanted.filter { known[$0] == nil }
        if !missing.isEmpty {
            let learned = try await tokenDirectory.learn(missing, client: detailsClient)
            changed = !learned.tokens.isEmpty
            unanswered = learned.unanswered
        }
        if config.generation == .b, let pool = config.contracts.nativeStaking, pool != .zero {
            let tokens = Set(stakes.map(\.token) + events.map(\.token)).sorted().compactMap { try? Address($0) }
            let terms = try await readStakeTerms(pool: pool, tokens: tokens)
            let before = try cache.stakeTerms(network: n)
            try cache.recordStakeTerms(terms, network: n, readAt: Date().timeIntervalSince1970)
            if before.readAt == nil
                || before.amountToLock.merging(terms.amountToLock, uniquingKeysWith: { $1 }) != before.amountToLock
                || terms.withdrawalDuration != before.withdrawalDuration
            {
                changed = true
            }
        }
        // The terms are kept all the same; the tokens that did not answer are said (and asked again later).
        guard unanswered.isEmpty else { throw ChainDetailsRefusal(tokens: unanswered) }
        return changed
    }

    /// Generation B `NativeStaking.amountToLock(token)` of each token and `withdrawalDuration()`, in one batch.
    func readStakeTerms(pool: Address, tokens: [Address]) async throws -> CachedStakeTerms {
        var requests = [RPCCallRequest(to: pool, data: ABI.selector("withdrawalDuration()"))]
        for t in tokens {
            requests.append(
                RPCCallRequest(
                    to: pool,
                    data: try ABI.encodeCall(
                        selector: ABI.selector("amountToLock(address)"), types: [.address], values: [.address(t)])))
        }
        let answers = try await detailsClient.calls(requests)
        var terms = CachedStakeTerms()
        guard case .uint(let d)? = try ABI.decode([.uint(256)], from: try answers[0].get()).first else {
            throw SyncError(
                .notConfigured, "NativeStaking at \(pool.checksummed) answered withdrawalDuration() with no number")
        }
        terms.withdrawalDuration = String(d)
        for (i, t) in tokens.enumerated() {
            guard case .uint(let v)? = try ABI.decode([.uint(256)], from: try answers[i + 1].get()).first else {
                throw SyncError(
                    .notConfigured,
                    "NativeStaking at \(pool.checksummed) answered amountToLock(\(t.checksummed)) with no number")
            }
            terms.amountToLock[Hex.encode(t.bytes)] = String(v)
        }
        return terms
    }

    /// The session of the writes (opened once, with the key).
    func writeSession() async throws -> OperatorSession {
        if let s = session.withLock({ $0 }) { return s }
        guard let key else { throw ConsoleWriteRefusal.readOnly }
        let opened = try await OperatorSession.open(config: config, key: key, databasePath: databasePath)
        session.withLock { $0 = opened }
        return opened
    }

    /// The transactions a write sends, built by the operator API (its pre-flight checks included); a stake
    /// may need the token's approval first.
    func requests(for write: ConsoleWrite, _ s: OperatorSession) async throws -> [TransactionRequest] {
        switch write {
        case .stake, .requestWithdrawal, .withdraw:
            return try await stakeRequests(for: write, s)
        case .onboarding(let request):
            return try await onboardingTransactions(request)
        default:
            return [try await request(for: write, s)]
        }
    }

    /// The transaction a write sends, built by the operator API (its pre-flight checks included).
    func request(for write: ConsoleWrite, _ s: OperatorSession) async throws -> TransactionRequest {
        switch write {
        case .claimRewards(let address):
            return try await s.api.claimRewards(rewardAddress: try Address(address))
        case .leave(let id):
            let market = BigUInt(id)
            guard let m = try await s.api.snapshot(markets: [market]).membership(market), m.isMember else {
                throw ConsoleWriteRefusal.notMember(id)
            }
            if m.state == .joined { return try await s.api.requestExit(marketId: market) }
            guard m.activeRequests == 0 else { throw ConsoleWriteRefusal.stillRunning(id, m.activeRequests) }
            return try await s.api.leave(marketId: market)
        case .join(let id, let compute, let cost, let time):
            // The same inputs and checks as the headless `join`.
            let perRequest = try AmountInput(parsing: compute, argument: "Compute per request").baseUnits(decimals: 0)
            let amount = try AmountInput(parsing: cost, argument: "Proof cost")
            let duration = try DurationInput(parsing: time, argument: "Proposed time")
            let clock = try await s.api.clock()
            let converted = try duration.converted(to: s.api.timeUnit, secondsPerBlock: clock.secondsPerBlock)
            let payment = try await s.paymentToken()
            let market = BigUInt(id)
            guard try await s.api.market(market).isPublic else { throw ConsoleWriteRefusal.privateJoin(id) }
            return try await s.api.join(
                JoinParameters(
                    marketId: market, computePerRequest: perRequest,
                    proofCost: try amount.baseUnits(decimals: payment.decimals), proposedTime: converted.value,
                    authorization: nil))
        case .speedUp, .cancelTransaction, .stake, .requestWithdrawal, .withdraw, .onboarding:
            throw ConsoleWriteRefusal.notReviewed
        }
    }

    /// A speed-up or cancel: the sender's own replacement (same nonce, every fee bumped).
    func replacement(_ write: ConsoleWrite) -> (hash: String, kind: TransactionSender.ReplacementKind)? {
        switch write {
        case .speedUp(let h): return (h, .speedUp)
        case .cancelTransaction(let h): return (h, .cancel)
        default: return nil
        }
    }

    /// Reviews a replacement by running it up to its approval and declining there: nothing is signed.
    func reviewReplacement(
        _ write: ConsoleWrite, hash: String, kind: TransactionSender.ReplacementKind, _ s: OperatorSession
    ) async throws -> ConsoleReview {
        guard let key else { throw ConsoleWriteRefusal.readOnly }
        let seen = Mutex<TransactionReview?>(nil)
        do {
            _ = try await s.sender.replace(hash: hash, kind: kind, signer: key) { review in
                seen.withLock { $0 = review }
                return false
            }
        } catch let e as PipelineError where e.kind == .declined {
            // Declined at the approval, as intended: the review is what would be sent.
        }
        guard let review = seen.withLock({ $0 }) else { throw ConsoleWriteRefusal.notReviewed }
        return ConsoleReview(write: write, lines: review.lines, canSend: true, id: 0)
    }

    /// Builds the request and runs the send path in dry-run mode: the review is the pipeline's own (the
    /// call in words, simulation, gas and fee); a simulation that reverts gives a review without Send.
    public func review(_ write: ConsoleWrite) async throws -> ConsoleReview {
        let s = try await writeSession()
        if let r = replacement(write) { return try await reviewReplacement(write, hash: r.hash, kind: r.kind, s) }
        let batch = try await requests(for: write, s)
        guard let request = batch.last else { throw ConsoleWriteRefusal.notReviewed }
        let id = reviewed.withLock { r -> Int in
            let id = r.next
            r.next += 1
            r.requests[id] = batch
            return id
        }
        do {
            let steps = try await s.sendPath(mode: .dryRun, confirm: { _ in false }).run(batch)
            let lines = ConsoleReviewText.lines(steps)
            guard !lines.isEmpty else {
                return ConsoleReview(write: write, lines: batch.map(\.description.summary), canSend: true, id: id)
            }
            return ConsoleReview(write: write, lines: lines, canSend: true, id: id)
        } catch {
            let report = ErrorReport(error)
            var lines = [request.description.summary, "", "Not sendable: \(report.title)"]
            if !report.detail.isEmpty { lines.append(report.detail) }
            if !report.hint.isEmpty { lines.append("hint: \(report.hint)") }
            return ConsoleReview(write: write, lines: lines, canSend: false, id: id)
        }
    }

    /// Sends the reviewed request through the one send path; the pipeline simulates and prices it again
    /// and it goes out only if it is still the call that was reviewed.
    public func send(_ review: ConsoleReview) async throws -> String {
        let s = try await writeSession()
        if let r = replacement(review.write) {
            guard let key else { throw ConsoleWriteRefusal.readOnly }
            let lines = review.lines
            // Sent only while its review still reads as the one the operator accepted.
            let outcome = try await s.sender.replace(hash: r.hash, kind: r.kind, signer: key) { again in
                again.lines.first == lines.first
            }
            switch outcome {
            case .confirmed(let hash, _): return hash
            case .replaced(let hash, let by): return "\(hash) (replaced by \(by))"
            }
        }
        guard let batch = reviewed.withLock({ $0.requests.removeValue(forKey: review.id) }) else {
            throw ConsoleWriteRefusal.notReviewed
        }
        if case .onboarding(let request) = review.write {
            return try await sendOnboarding(request, batch: batch, s)
        }
        let steps = try await s.sendPath(mode: .send, confirm: Self.sameAsReviewed(batch)).run(batch)
        switch steps.last?.result {
        case .confirmed(let hash, _)?: return hash
        case .replaced(let hash, let by)?: return "\(hash) (replaced by \(by))"
        default: return steps.last?.outcomeText ?? "nothing sent"
        }
    }
}

/// A write the console refuses before anything is signed, with what to do instead.
public struct ConsoleWriteRefusal: OperatorError {
    public let title: String
    public let detail: String
    public let hint: String
    public var code: ErrorCode { "console.writeRefused" }
    public var category: ErrorCategory { .refused }

    static let readOnly = ConsoleWriteRefusal(
        title: "Read-only: no key is loaded", detail: "the console was started with --read-only or readOnly",
        hint: "Start the console without --read-only and with the operator key to send.")
    static let notReviewed = ConsoleWriteRefusal(
        title: "Nothing reviewed to send", detail: "the review was already used or closed",
        hint: "Ask for the write again to see a fresh review.")
    static func notMember(_ id: Int64) -> Self {
        Self(
            title: "Not a member of market \(id)", detail: "the registry says we have not joined it",
            hint: "Nothing to leave.")
    }
    static func stillRunning(_ id: Int64, _ n: BigUInt) -> Self {
        Self(
            title: "Market \(id): \(n) request(s) still running",
            detail: "the exit is requested; leaving is possible once they finish",
            hint: "Leave again when the Jobs screen shows none of this market running.")
    }
    static func privateJoin(_ id: Int64) -> Self {
        Self(
            title: "Market \(id) is private: joining needs the enclave's attestation",
            detail: "the console does not ask the enclave for it yet",
            hint:
                "Run: kalypso-console join --market \(id) --compute-per-request N --proof-cost AMOUNT --proposed-time 10m"
        )
    }
}
