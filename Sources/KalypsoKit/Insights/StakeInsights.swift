import BigInt
import EthereumKit
import Foundation
import KalypsoStore

/// A stake withdrawal (Generation B) or unstake (Generation A's second step) waiting for its time.
public struct StakeWithdrawalLine: Sendable, Hashable {
    /// Generation B's withdrawal request index; nil for Generation A's reduction.
    public var index: BigUInt?
    public var amount: BigUInt
    /// When it can be completed, in the contract's unit; nil when the contract does not say (Generation A:
    /// one block after the request).
    public var readyAt: ChainTime?
    public var isReady: Bool
    /// "ready", "in 3600 s (1h), at 1 700 000 000", "in 12 blocks (≈ 2m 24s), at block 1 234".
    public var when: String
}

/// One token's stake as the Stake screen lists it.
public struct StakeLine: Sendable, Hashable {
    public var token: TokenInfo
    public var staked: BigUInt
    /// Locked by active jobs.
    public var locked: BigUInt
    /// What new jobs can still lock.
    public var free: BigUInt
    /// Stake locked per job (Generation B `amountToLock`; Generation A: per market, so nil here).
    public var lockedPerJob: BigUInt?
    /// How many more jobs the free stake covers, when the per-job lock is known.
    public var jobsCovered: BigUInt? {
        guard let per = lockedPerJob, per > 0 else { return nil }
        return free / per
    }
    /// The operator account's balance of the token; nil when read from the cache (it keeps no balances).
    public var walletBalance: BigUInt?
    public var pending: [StakeWithdrawalLine]
}

/// A point of the stake-over-time chart: the total and locked stake after one event.
public struct StakePoint: Sendable, Hashable {
    public var blockNumber: Int64
    /// Seconds since 1970 (the event's block time).
    public var timestamp: Int64
    public var total: BigUInt
    public var locked: BigUInt
}

/// What the Stake screen shows: per token the getters' state, and per token a series from the cache.
public struct StakeView: Sendable, Hashable {
    public var generation: Generation
    public var lines: [StakeLine]
    /// Per token (lowercase 0x address), oldest first; the last point is the getters' current value.
    public var series: [String: [StakePoint]]
    public var inputs: [InsightInput]

    public init(generation: Generation, lines: [StakeLine], series: [String: [StakePoint]], inputs: [InsightInput]) {
        self.generation = generation
        self.lines = lines
        self.series = series
        self.inputs = inputs
    }

    /// From the getters (`OperatorAPI.snapshot`), the freshest view.
    /// - Parameters:
    ///   - snapshot: the getters' truth (spec §3.3).
    ///   - events: the cache's stake events of our prover (`ChainCache.stakeSeries`), any order.
    ///   - scale: turns block waits into wall time; nil shows blocks only.
    public init(snapshot: OperatorSnapshot, events: [CachedStakeEvent], scale: ContractTimeScale? = nil) {
        let clock = snapshot.clock
        let lines = snapshot.stakes.map { p in
            var pending = p.pendingWithdrawals.map { w in
                Self.withdrawal(index: w.index, amount: w.amount, readyAt: w.availableAt, clock: clock, scale: scale)
            }
            if let r = p.pendingReduction {
                pending.append(
                    Self.withdrawal(index: nil, amount: r.releases, readyAt: r.dueAt, clock: clock, scale: scale))
            }
            return StakeLine(
                token: p.token, staked: p.staked, locked: p.locked, free: p.free, lockedPerJob: p.lockedPerTask,
                walletBalance: p.walletBalance, pending: pending)
        }
        self.init(
            generation: snapshot.generation, lines: lines, events: events,
            head: (Int64(clock.nodeBlockNumber), Int64(clock.timestamp)),
            source: snapshot.generation == .a
                ? "chain: GeneratorRegistry.generatorRegistry (spec §3.3)"
                : "chain: NativeStaking getters (spec §3.3)")
    }

    /// From the cache alone (what the console's snapshot holds): the getters' balances as the sync last read
    /// them, and pending withdrawals from the events (requested and not yet withdrawn, by index).
    /// - Parameters:
    ///   - tokens: how to show each token (lowercase 0x address → token); unknown tokens are skipped.
    ///   - clock: now, as the contracts see it (a withdrawal's ready time is its request's block time plus
    ///     `withdrawalDuration`, Generation B seconds).
    ///   - withdrawalDuration: `NativeStaking.withdrawalDuration()`; nil shows no ready time.
    ///   - lockedPerJob: per token, `amountToLock` (Generation B).
    ///   - reductions: per token, Generation A's unstake waiting for its second step (the registry's
    ///     getters: the events say nothing of the utilisation it leaves).
    public init(
        generation: Generation, balances: [CachedStakeBalance], events: [CachedStakeEvent],
        tokens: [String: TokenInfo], clock: ChainClock, withdrawalDuration: ChainTime? = nil,
        lockedPerJob: [String: BigUInt] = [:], reductions: [String: PendingReduction] = [:],
        scale: ContractTimeScale? = nil
    ) {
        var requested: [String: [BigUInt: CachedStakeEvent]] = [:]
        for e in events.sorted(by: { ($0.blockNumber, $0.logIndex) < ($1.blockNumber, $1.logIndex) }) {
            guard let i = e.withdrawalIndex.map({ BigUInt($0) }) else { continue }
            if e.kind == .withdrawalRequested { requested[e.token, default: [:]][i] = e }
            if e.kind == .withdrawn { requested[e.token]?[i] = nil }
        }
        let lines = balances.compactMap { b -> StakeLine? in
            guard let token = tokens[b.token] else { return nil }
            let total = BigUInt(b.total) ?? 0
            let locked = BigUInt(b.locked) ?? 0
            var pending = (requested[b.token] ?? [:]).sorted { $0.key < $1.key }.map { index, e in
                Self.withdrawal(
                    index: index, amount: BigUInt(e.amount) ?? 0,
                    readyAt: withdrawalDuration.map { ChainTime(BigUInt(e.timestamp) + $0.value, $0.unit) },
                    clock: clock, scale: scale)
            }
            // Generation A: a pending unstake already lowers what new jobs can lock to the total after it
            // (`total × intendedStakeUtilization`), as the registry's free stake does.
            var usable = total
            if let r = reductions[b.token] {
                pending.append(
                    Self.withdrawal(index: nil, amount: r.releases, readyAt: r.dueAt, clock: clock, scale: scale))
                usable = Swift.min(total, r.newTotal)
            }
            return StakeLine(
                token: token, staked: total, locked: locked, free: usable > locked ? usable - locked : 0,
                lockedPerJob: lockedPerJob[b.token], walletBalance: nil, pending: pending)
        }
        let refreshed = balances.map(\.refreshedBlock).max() ?? 0
        self.init(
            generation: generation, lines: lines, events: events,
            head: (Int64(clock.nodeBlockNumber), Int64(clock.timestamp)),
            source: "cache: the stake getters as read at block \(refreshed)")
    }

    private init(
        generation: Generation, lines: [StakeLine], events: [CachedStakeEvent], head: (Int64, Int64), source: String
    ) {
        var series: [String: [StakePoint]] = [:]
        for line in lines {
            let key = Hex.encode(line.token.address.bytes)
            series[key] = Self.walk(
                events: events.filter { $0.token == key }, total: line.staked, locked: line.locked,
                generation: generation, head: head)
        }
        self.init(
            generation: generation, lines: lines, series: series,
            inputs: [
                InsightInput("stake", "\(lines.count) token(s)", source: source),
                InsightInput(
                    "history", "\(events.count) stake events",
                    source: "cache: stake events, walked back from the current getters"),
            ])
    }

    static func withdrawal(
        index: BigUInt?, amount: BigUInt, readyAt: ChainTime?, clock: ChainClock, scale: ContractTimeScale?
    ) -> StakeWithdrawalLine {
        guard let readyAt else {
            return StakeWithdrawalLine(
                index: index, amount: amount, readyAt: nil, isReady: false,
                when: "one block after the request (the contract does not expose the block)")
        }
        if clock.hasReached(readyAt) {
            return StakeWithdrawalLine(index: index, amount: amount, readyAt: readyAt, isReady: true, when: "ready")
        }
        let left = clock.remaining(until: readyAt)
        let wait = scale.map { $0.display(left) } ?? clock.display(left)
        let at = readyAt.unit == .blocks ? "at block \(readyAt.value)" : "at \(Self.utc(readyAt.value))"
        return StakeWithdrawalLine(
            index: index, amount: amount, readyAt: readyAt, isReady: false, when: "in \(wait), \(at)")
    }

    /// "2026-12-03 10:50 UTC" for a `block.timestamp`.
    static func utc(_ seconds: BigUInt) -> String {
        guard let s = Int64(exactly: seconds) else { return "time \(seconds)" }
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "UTC")
        f.dateFormat = "yyyy-MM-dd HH:mm"
        return f.string(from: Date(timeIntervalSince1970: TimeInterval(s))) + " UTC"
    }

    /// Walks the events back from the getters' current totals, so the newest point is exact whatever the
    /// events missed (builds differ in what they log; spec ARCHITECTURE "events are hints").
    static func walk(
        events: [CachedStakeEvent], total: BigUInt, locked: BigUInt, generation: Generation, head: (Int64, Int64)
    ) -> [StakePoint] {
        let ordered = events.sorted { ($0.blockNumber, $0.logIndex) < ($1.blockNumber, $1.logIndex) }
        var points = [StakePoint(blockNumber: head.0, timestamp: head.1, total: total, locked: locked)]
        // No movement, no history: one point (a fresh operator's chart drew a 0 POND line on a ±1 axis).
        guard !ordered.isEmpty else { return points }
        var t = BigInt(total)
        var l = BigInt(locked)
        for e in ordered.reversed() {
            points.append(
                StakePoint(
                    blockNumber: e.blockNumber, timestamp: e.timestamp, total: BigUInt(max(t, 0)),
                    locked: BigUInt(max(l, 0))))
            let a = BigInt(BigUInt(e.amount) ?? 0)
            let (dt, dl) = delta(e.kind, a, generation)
            t -= dt
            l -= dl
        }
        points.append(
            StakePoint(
                blockNumber: (ordered.first?.blockNumber ?? head.0) - 1, timestamp: ordered.first?.timestamp ?? head.1,
                total: BigUInt(max(t, 0)), locked: BigUInt(max(l, 0))))
        // Points after the newest event repeat it; keep one per block (the last state of the block).
        var byBlock: [StakePoint] = []
        for p in points.reversed() {
            if let last = byBlock.last, last.blockNumber == p.blockNumber {
                byBlock[byBlock.count - 1] = p
            } else {
                byBlock.append(p)
            }
        }
        return byBlock
    }

    /// How one event changes (total, locked). Generation B takes stake out at the withdrawal request and
    /// leaves the total alone on a slash (the contracts release the lock and pay it out); Generation A takes
    /// it out at `RemovedStake` and out of both on a slash (devnet contracts, as the real ones).
    static func delta(_ kind: CachedStakeEvent.Kind, _ a: BigInt, _ g: Generation) -> (BigInt, BigInt) {
        switch kind {
        case .staked: return (a, 0)
        case .withdrawalRequested: return (g == .b ? -a : 0, 0)
        case .withdrawn: return (g == .a ? -a : 0, 0)
        case .locked: return (0, a)
        case .unlocked: return (0, -a)
        case .slashed: return (g == .a ? -a : 0, -a)
        }
    }
}
