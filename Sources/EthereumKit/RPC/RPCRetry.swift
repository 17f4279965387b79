/// How failed reads are retried: how often, how long to back off, and for how long at most.
public struct RPCRetryPolicy: Sendable, Equatable {
    /// Attempts per read, the first one included (failovers to another URL count as attempts).
    public var maxAttempts: Int
    /// The first backoff; each further one is `multiplier` times longer, up to `maxBackoff`.
    public var initialBackoff: Duration
    public var maxBackoff: Duration
    public var multiplier: Double
    /// A server asking to wait longer than this (`Retry-After`) is reported at once instead of waited for.
    public var maxRetryAfter: Duration

    public init(
        maxAttempts: Int = 4, initialBackoff: Duration = .milliseconds(200), maxBackoff: Duration = .seconds(5),
        multiplier: Double = 2, maxRetryAfter: Duration = .seconds(30)
    ) {
        self.maxAttempts = max(1, maxAttempts)
        self.initialBackoff = initialBackoff
        self.maxBackoff = maxBackoff
        self.multiplier = multiplier
        self.maxRetryAfter = maxRetryAfter
    }

    /// No retries at all (each request is tried once, on one URL).
    public static let none = RPCRetryPolicy(maxAttempts: 1)
}

/// The retry lifecycle of one request: failures in, the next step out. No I/O and no clock inside, so
/// every path is tested directly; the client performs the waits and the sends.
struct RPCRetryState: Sendable, Equatable {
    enum Action: Sendable, Equatable {
        /// Send again to endpoint `endpoint` after waiting `delay`.
        case retry(endpoint: Int, delay: Duration)
        /// Give up and report the last error.
        case fail
    }

    let policy: RPCRetryPolicy
    let endpointCount: Int
    let isWrite: Bool
    /// The endpoint of the next (or current) attempt.
    private(set) var endpoint: Int
    /// Attempts made so far.
    private(set) var attempts = 0

    init(policy: RPCRetryPolicy, endpointCount: Int, firstEndpoint: Int, isWrite: Bool) {
        self.policy = policy
        self.endpointCount = max(1, endpointCount)
        self.endpoint = firstEndpoint
        self.isWrite = isWrite
    }

    /// An attempt failed with `error`.
    ///
    /// - Parameters:
    ///   - requestSent: false only when the request certainly never reached a node (connection refused).
    ///   - remaining: time left before the request's overall deadline.
    ///   - jitter: a random number in 0...1; the backoff is scaled into its upper half (0.5…1 ×) so that
    ///     many consoles behind one provider do not retry in step.
    mutating func failed(_ error: RPCError, requestSent: Bool, remaining: Duration, jitter: Double) -> Action {
        attempts += 1
        if isWrite {
            // A write is resent only when it certainly never left: then another URL may take it.
            guard !requestSent, error.code == .rpcUnreachable, attempts < endpointCount else { return .fail }
            endpoint = (endpoint + 1) % endpointCount
            return .retry(endpoint: endpoint, delay: .zero)
        }
        guard error.isRetryable, attempts < policy.maxAttempts else { return .fail }
        if endpointCount > 1 {
            endpoint = (endpoint + 1) % endpointCount
            // The first pass over the other URLs goes at once: another provider is not the one that failed.
            if attempts < endpointCount { return .retry(endpoint: endpoint, delay: .zero) }
        }
        let round = endpointCount > 1 ? attempts / endpointCount : attempts
        var delay = backoff(round: max(1, round), jitter: jitter)
        if let retryAfter = error.retryAfter {
            if retryAfter > policy.maxRetryAfter { return .fail }
            delay = max(delay, retryAfter)
        }
        if delay >= remaining { return .fail }
        return .retry(endpoint: endpoint, delay: delay)
    }

    /// The backoff before retry number `round` (1 = the first retry): exponential, capped, jittered.
    func backoff(round: Int, jitter: Double) -> Duration {
        var base = policy.initialBackoff.seconds
        for _ in 1..<round { base *= policy.multiplier }
        base = min(base, policy.maxBackoff.seconds)
        let factor = 0.5 + 0.5 * min(max(jitter, 0), 1)
        return .milliseconds(Int64((base * factor * 1000).rounded()))
    }
}
