/// The log sync's lifecycle as a value: events in, actions out, no I/O inside.
///
/// One pass: check the remembered head hash (reorg?) → fetch logs for `[next, next + range - 1]` →
/// store them in one transaction → next range, until the head; then wait for the next poll. The range
/// adapts: halved when the node refuses it (range limit or too many results), doubled after
/// `growAfter` quiet ranges, never outside `minRange…maxRange`.
public struct SyncMachine: Sendable, Equatable {
    /// What the driver must do next.
    public enum Action: Sendable, Equatable {
        /// Read the chain head (number).
        case fetchHead
        /// Compare the remembered hash of `block` with the chain's (reorg check).
        case verify(block: UInt64, hash: String)
        /// Roll the cache back to `block` (everything above goes) after a reorg.
        case rollback(toBlock: UInt64)
        /// `eth_getLogs` for all contracts over the range, then getters, then one write.
        case fetchLogs(from: UInt64, to: UInt64)
        /// Sleep, then send ``Event/timerFired``.
        case wait(Duration)
        /// The cache holds everything up to the head (once per catch-up).
        case caughtUp(head: UInt64)
        /// Give up: the error cannot be worked around by shrinking or waiting.
        case fail(String)
    }

    /// What happened outside.
    public enum Event: Sendable, Equatable {
        /// Start (or resume): the last indexed block and its hash, nil when nothing is indexed yet.
        case start(lastIndexed: UInt64?, lastHash: String?)
        case head(UInt64)
        /// The reorg check: the chain still has the remembered hash?
        case verified(matches: Bool)
        /// Found by walking the window back: the highest remembered block still on the chain (nil: none).
        case forkFound(UInt64?)
        case rolledBack(toBlock: UInt64, hash: String?)
        /// A range was fetched and stored: its last block, its hash, and how many logs it held.
        case stored(to: UInt64, hash: String, logCount: Int)
        /// The node refused the range as too large (either limit).
        case rangeRefused
        /// Rate limited: wait at least this long.
        case rateLimited(retryAfter: Duration?)
        /// Any other failure of a fetch (retried after `retryDelay`, at most `maxRetries` in a row).
        case failed(String)
        case timerFired
    }

    public enum Phase: Sendable, Equatable {
        case idle, headPending, verifying, findingFork, rollingBack, fetching(from: UInt64, to: UInt64), waiting, failed
    }

    public private(set) var phase: Phase = .idle
    /// The first block to index (`logStartBlock`).
    public let startBlock: UInt64
    /// The next block to fetch.
    public private(set) var next: UInt64
    public private(set) var lastHash: String?
    public private(set) var head: UInt64?
    public private(set) var range: UInt64
    public let minRange: UInt64
    public let maxRange: UInt64
    /// Ranges with at most this many logs count as quiet.
    public let quietLogCount: Int
    public let growAfter: Int
    public let pollInterval: Duration
    public let retryDelay: Duration
    public let maxRetries: Int
    private var quietStreak = 0
    private var retries = 0
    private var wasCaughtUp = false
    /// Stop after catching up instead of polling (one-shot `--refresh`).
    public let followHead: Bool

    public init(
        startBlock: UInt64, initialRange: UInt64 = 2_000, minRange: UInt64 = 1, maxRange: UInt64 = 10_000,
        quietLogCount: Int = 1_000, growAfter: Int = 2, pollInterval: Duration = .seconds(4),
        retryDelay: Duration = .seconds(1), maxRetries: Int = 5, followHead: Bool = true
    ) {
        self.startBlock = startBlock
        self.next = startBlock
        self.minRange = max(1, minRange)
        self.maxRange = max(self.minRange, maxRange)
        self.range = min(max(initialRange, self.minRange), self.maxRange)
        self.quietLogCount = quietLogCount
        self.growAfter = growAfter
        self.pollInterval = pollInterval
        self.retryDelay = retryDelay
        self.maxRetries = maxRetries
        self.followHead = followHead
    }

    /// How far the first sync is, 0…1 (1 when caught up); nil before the head is known.
    public var progress: Double? {
        guard let head else { return nil }
        if next > head { return 1 }
        let total = Double(head + 1 - min(startBlock, head + 1))
        guard total > 0 else { return 1 }
        return Double(next - min(startBlock, next)) / total
    }

    /// The last block stored, if any.
    public var lastIndexed: UInt64? { next > startBlock ? next - 1 : nil }

    /// Feeds one event; returns what to do next (nothing when the machine is waiting for a step to finish
    /// or has stopped).
    public mutating func handle(_ event: Event) -> [Action] {
        switch (phase, event) {
        case (.idle, .start(let last, let hash)):
            if let last, last >= startBlock {
                next = last + 1
                lastHash = hash
            }
            return askHead()
        case (.headPending, .head(let h)):
            head = h
            if let last = lastIndexed, let hash = lastHash, !hash.isEmpty {
                phase = .verifying
                return [.verify(block: last, hash: hash)]
            }
            return nextRange()
        case (.verifying, .verified(let matches)):
            if matches { return nextRange() }
            phase = .findingFork
            return []
        case (.findingFork, .forkFound(let fork)):
            // Nothing remembered survives: start again from the first block.
            let target = fork ?? (startBlock > 0 ? startBlock - 1 : 0)
            phase = .rollingBack
            return [.rollback(toBlock: target)]
        case (.rollingBack, .rolledBack(let to, let hash)):
            next = max(startBlock, to + 1)
            lastHash = hash
            wasCaughtUp = false
            return askHead()
        case (.fetching(_, let to), .stored(let storedTo, let hash, let count)) where storedTo == to:
            next = to + 1
            lastHash = hash
            retries = 0
            if count <= quietLogCount {
                quietStreak += 1
                if quietStreak >= growAfter {
                    range = min(maxRange, range * 2)
                    quietStreak = 0
                }
            } else {
                quietStreak = 0
            }
            return nextRange()
        case (.fetching(let from, let to), .rangeRefused):
            quietStreak = 0
            let width = to - from + 1
            guard width > minRange else {
                phase = .failed
                return [.fail("the node refuses even \(width)-block log queries (too many results in one block?)")]
            }
            range = max(minRange, width / 2)
            return nextRange()
        case (.fetching, .rateLimited(let after)):
            phase = .waiting
            return [.wait(max(after ?? retryDelay, retryDelay))]
        case (.fetching, .failed(let why)), (.headPending, .failed(let why)), (.verifying, .failed(let why)),
            (.findingFork, .failed(let why)), (.rollingBack, .failed(let why)):
            retries += 1
            guard retries <= maxRetries else {
                phase = .failed
                return [.fail(why)]
            }
            phase = .waiting
            let factor = 1 << min(retries - 1, 5)
            return [.wait(retryDelay * factor)]
        case (.waiting, .timerFired):
            return askHead()
        default:
            return []
        }
    }

    private mutating func askHead() -> [Action] {
        phase = .headPending
        return [.fetchHead]
    }

    private mutating func nextRange() -> [Action] {
        guard let head else { return askHead() }
        guard next <= head else {
            var out: [Action] = []
            if !wasCaughtUp {
                wasCaughtUp = true
                out.append(.caughtUp(head: head))
            }
            guard followHead else {
                phase = .idle
                return out
            }
            phase = .waiting
            return out + [.wait(pollInterval)]
        }
        wasCaughtUp = false
        let to = min(head, next + range - 1)
        phase = .fetching(from: next, to: to)
        return [.fetchLogs(from: next, to: to)]
    }
}
