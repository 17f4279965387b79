import Basics
import Foundation

/// One JSON-RPC request of a batch.
public struct RPCCall: Sendable, Hashable {
    public var method: String
    public var params: [RPCValue]

    public init(_ method: String, _ params: [RPCValue] = []) {
        self.method = method
        self.params = params
    }

    /// Whether the request changes the chain; writes are never retried once they may have been sent.
    public var isWrite: Bool { method == "eth_sendRawTransaction" || method == "eth_sendTransaction" }

    /// Whether the answer may run to many megabytes (sent with ``RPCTransport/postLarge(_:timeout:)``).
    var expectsLargeAnswer: Bool { method == "eth_getLogs" }
}

/// Settings of a ``JSONRPCClient``.
public struct JSONRPCClientOptions: Sendable {
    /// The chain every endpoint must serve; checked once per endpoint before its first request.
    public var expectedChainId: UInt64?
    /// The deadline of one attempt (one HTTP exchange).
    public var attemptTimeout: Duration
    /// The deadline of a whole request, retries and waits included.
    public var totalTimeout: Duration
    /// How reads are retried.
    public var retry: RPCRetryPolicy
    /// Batches larger than this are sent as several batches (providers cap batch sizes).
    public var maxBatchSize: Int
    /// How many single requests run at once when an endpoint does not take batches.
    public var singleCallConcurrency: Int

    public init(
        expectedChainId: UInt64? = nil, attemptTimeout: Duration = .seconds(10), totalTimeout: Duration = .seconds(30),
        retry: RPCRetryPolicy = RPCRetryPolicy(), maxBatchSize: Int = 100, singleCallConcurrency: Int = 8
    ) {
        self.expectedChainId = expectedChainId
        self.attemptTimeout = attemptTimeout
        self.totalTimeout = totalTimeout
        self.retry = retry
        self.maxBatchSize = max(1, maxBatchSize)
        self.singleCallConcurrency = max(1, singleCallConcurrency)
    }
}

/// A JSON-RPC client over one or more endpoints: batches, deadlines, retries for reads, failover,
/// rate limits and a chain-id check. It knows nothing of any contract; revert data is explained by the
/// injected ``RevertDecoding``.
///
/// Every public method throws only ``RPCError``.
public final class JSONRPCClient: Sendable {
    private let transports: [any RPCTransport]
    public let options: JSONRPCClientOptions
    private let revertDecoder: (any RevertDecoding)?
    private let state = ClientState()

    /// - Parameters:
    ///   - transports: the endpoints in order of preference (at least one).
    ///   - revertDecoder: explains revert data in errors (custom errors of the contracts in use).
    public init(
        transports: [any RPCTransport], options: JSONRPCClientOptions = JSONRPCClientOptions(),
        revertDecoder: (any RevertDecoding)? = nil
    ) {
        precondition(!transports.isEmpty, "a JSON-RPC client needs at least one endpoint")
        self.transports = transports
        self.options = options
        self.revertDecoder = revertDecoder
        state.withLock { $0.endpoints = Array(repeating: EndpointState(), count: transports.count) }
    }

    /// A client over HTTP(S) URLs (``HTTPRPCTransport``).
    public convenience init(
        urls: [URL], options: JSONRPCClientOptions = JSONRPCClientOptions(), revertDecoder: (any RevertDecoding)? = nil
    ) {
        self.init(transports: urls.map { HTTPRPCTransport(url: $0) }, options: options, revertDecoder: revertDecoder)
    }

    /// The endpoints as they may be shown (redacted), in order.
    public var endpoints: [String] { transports.map(\.displayName) }

    /// The endpoint that answered last (and is tried first next time).
    public var currentEndpoint: Int { state.withLock { $0.preferred } }

    /// HTTP exchanges made so far (a batch is one), for benchmarks and tests.
    public var roundTrips: Int { state.withLock { $0.roundTrips } }

    /// Whether endpoint `index` was found to refuse batches (nil: not known yet).
    public func acceptsBatches(endpoint index: Int) -> Bool? {
        state.withLock { $0.endpoints[index].acceptsBatches }
    }

    // MARK: - Single requests

    /// Sends one request and returns its `result`.
    ///
    /// Reads are retried (backoff with jitter, `Retry-After`, failover); `eth_sendRawTransaction` is
    /// sent again only to another endpoint and only when the first certainly never received it;
    /// otherwise a failure is ``ErrorCode/rpcUnknownOutcome``.
    public func call(_ method: String, _ params: [RPCValue] = [], timeout: Duration? = nil) async throws(RPCError)
        -> RPCValue
    {
        let request = RPCCall(method, params)
        let deadline = ContinuousClock.now + (timeout ?? options.totalTimeout)
        return try await perform(request, deadline: deadline, endpointOverride: nil)
    }

    /// Like ``call(_:_:timeout:)``, with the answer read by `read` (a reader that works on the raw bytes, such
    /// as ``RPCLogReader``, falling back to the generic parser by calling `generic`). Retries, failover and
    /// error mapping are the same.
    func call<T>(
        _ method: String, _ params: [RPCValue], timeout: Duration? = nil,
        read: (_ reply: RPCHTTPReply, _ id: Int, _ generic: () -> Result<RPCValue, RPCError>) -> Result<T, RPCError>
    ) async throws(RPCError) -> T {
        let request = RPCCall(method, params)
        let deadline = ContinuousClock.now + (timeout ?? options.totalTimeout)
        return try await perform(request, deadline: deadline, endpointOverride: nil, read: read)
    }

    private func perform(_ request: RPCCall, deadline: ContinuousClock.Instant, endpointOverride: Int?)
        async throws(RPCError) -> RPCValue
    {
        try await perform(request, deadline: deadline, endpointOverride: endpointOverride) { _, _, generic in generic()
        }
    }

    private func perform<T>(
        _ request: RPCCall, deadline: ContinuousClock.Instant, endpointOverride: Int?,
        read: (RPCHTTPReply, Int, () -> Result<RPCValue, RPCError>) -> Result<T, RPCError>
    ) async throws(RPCError) -> T {
        var retry = RPCRetryState(
            policy: options.retry, endpointCount: transports.count,
            firstEndpoint: endpointOverride ?? state.withLock { $0.preferred }, isWrite: request.isWrite)
        var endpoint = retry.endpoint
        while true {
            let outcome = await attemptSingle(request, endpoint: endpoint, deadline: deadline, read: read)
            switch outcome {
            case .success(let value):
                state.withLock { $0.preferred = endpoint }
                return value
            case .failure(let failure):
                if failure.error.code == .rpcChainIdMismatch || failure.error.code == .rpcCancelled {
                    throw failure.error
                }
                let action = retry.failed(
                    failure.error, requestSent: failure.requestSent, remaining: deadline - .now,
                    jitter: Double.random(in: 0...1))
                switch action {
                case .fail:
                    if request.isWrite, failure.requestSent, failure.error.isUnknownOutcomeCandidate {
                        throw failure.error.asUnknownOutcome()
                    }
                    throw failure.error
                case .retry(let next, let delay):
                    if delay > .zero {
                        do { try await Task.sleep(for: delay) } catch {
                            throw RPCError.cancelled(request.method, transports[endpoint].displayName)
                        }
                    }
                    endpoint = next
                }
            }
        }
    }

    struct AttemptFailure: Error {
        var error: RPCError
        var requestSent: Bool
    }

    /// One HTTP exchange of a single request on one endpoint (after its chain-id check).
    private func attemptSingle<T>(
        _ request: RPCCall, endpoint: Int, deadline: ContinuousClock.Instant,
        read: (RPCHTTPReply, Int, () -> Result<RPCValue, RPCError>) -> Result<T, RPCError>
    ) async -> Result<T, AttemptFailure> {
        if let failure = await ensureChainId(endpoint: endpoint, deadline: deadline) { return .failure(failure) }
        let id = state.withLock { $0.nextId() }
        let body = RPCEnvelope.request(id: id, request)
        let reply: RPCHTTPReply
        switch await exchange(
            body: Array(body.jsonText.utf8), endpoint: endpoint, label: request.method, deadline: deadline,
            large: request.expectsLargeAnswer)
        {
        case .success(let r): reply = r
        case .failure(let f): return .failure(f)
        }
        let name = transports[endpoint].displayName
        let decoded = read(reply, id) {
            RPCEnvelope.decodeSingle(reply, method: request.method, endpoint: name, id: id, decoder: revertDecoder)
        }
        switch decoded {
        case .success(let value): return .success(value)
        case .failure(let error):
            // The node answered: with a JSON-RPC error it did not apply the request; with garbage we cannot tell.
            return .failure(AttemptFailure(error: error, requestSent: true))
        }
    }

    /// Posts `body` to an endpoint under the attempt's deadline (our own: URLSession's is whole seconds).
    private func exchange(
        body: [UInt8], endpoint: Int, label: String, deadline: ContinuousClock.Instant, large: Bool = false
    ) async -> Result<RPCHTTPReply, AttemptFailure> {
        let transport = transports[endpoint]
        let remaining = deadline - .now
        let limit = min(options.attemptTimeout, remaining)
        guard limit > .zero else {
            return .failure(
                AttemptFailure(
                    error: RPCError(
                        code: .rpcTimeout, method: label, endpoint: transport.displayName,
                        message: "no time left before the deadline"), requestSent: false))
        }
        state.withLock { $0.roundTrips += 1 }
        let result = await Deadline.run(limit) {
            large ? try await transport.postLarge(body, timeout: limit) : try await transport.post(body, timeout: limit)
        }
        switch result {
        case .success(let reply): return .success(reply)
        case .timedOut:
            return .failure(
                AttemptFailure(
                    error: RPCError(
                        code: .rpcTimeout, method: label, endpoint: transport.displayName,
                        message: "no answer within \(RPCError.format(limit))"), requestSent: true))
        case .cancelled:
            return .failure(AttemptFailure(error: .cancelled(label, transport.displayName), requestSent: true))
        case .failed(let error):
            let failure =
                error as? RPCTransportFailure ?? RPCTransportFailure(.other, String(describing: error))
            let code: ErrorCode =
                switch failure.kind {
                case .cannotConnect: .rpcUnreachable
                case .timedOut: .rpcTimeout
                case .connectionLost, .other: .rpcUnreachable
                }
            return .failure(
                AttemptFailure(
                    error: RPCError(
                        code: code, method: label, endpoint: transport.displayName, message: failure.reason),
                    requestSent: failure.requestMayHaveBeenSent))
        }
    }

    /// Checks the endpoint's chain id once (when one is expected); nil when it matches or was checked.
    private func ensureChainId(endpoint: Int, deadline: ContinuousClock.Instant) async -> AttemptFailure? {
        guard let expected = options.expectedChainId,
            !state.withLock({ $0.endpoints[endpoint].chainIdVerified })
        else { return nil }
        let id = state.withLock { $0.nextId() }
        let call = RPCCall("eth_chainId")
        let body = RPCEnvelope.request(id: id, call)
        let reply: RPCHTTPReply
        switch await exchange(
            body: Array(body.jsonText.utf8), endpoint: endpoint, label: "eth_chainId", deadline: deadline)
        {
        case .success(let r): reply = r
        case .failure(let f):
            // The real request was not sent: a write may go elsewhere.
            return AttemptFailure(error: f.error, requestSent: false)
        }
        let name = transports[endpoint].displayName
        let value: RPCValue
        switch RPCEnvelope.decodeSingle(reply, method: "eth_chainId", endpoint: name, id: id, decoder: nil) {
        case .success(let v): value = v
        case .failure(let error): return AttemptFailure(error: error, requestSent: false)
        }
        let actual: UInt64
        do { actual = try RPCDecode.uint64(value, method: "eth_chainId", field: "result", endpoint: name) } catch {
            return AttemptFailure(error: error, requestSent: false)
        }
        guard actual == expected else {
            return AttemptFailure(
                error: RPCError(
                    code: .rpcChainIdMismatch, method: "eth_chainId", endpoint: name,
                    message: "the endpoint serves chain \(actual)",
                    context: "expected chain \(expected)\(ChainNames.suffix(expected)), "
                        + "found chain \(actual)\(ChainNames.suffix(actual))"), requestSent: false)
        }
        state.withLock { $0.endpoints[endpoint].chainIdVerified = true }
        return nil
    }

    // MARK: - Batches

    /// Sends several reads as one JSON-RPC batch (one round trip) and returns each one's outcome in order.
    ///
    /// An endpoint that refuses batches is remembered and served the same requests one by one (several
    /// at a time). The call throws only when the requests could not be delivered at all (unreachable,
    /// chain id mismatch); a request the node refused is a failure in its own slot.
    public func batch(_ calls: [RPCCall], timeout: Duration? = nil) async throws(RPCError)
        -> [Result<RPCValue, RPCError>]
    {
        if calls.isEmpty { return [] }
        if let write = calls.first(where: \.isWrite) {
            throw RPCError(
                code: .rpcInvalidParams, method: write.method, endpoint: transports[0].displayName,
                message: "writes are never batched (a failed batch could not tell which write was applied)")
        }
        let deadline = ContinuousClock.now + (timeout ?? options.totalTimeout)
        var results: [Result<RPCValue, RPCError>] = []
        results.reserveCapacity(calls.count)
        var start = 0
        while start < calls.count {
            let chunk = Array(calls[start..<min(start + options.maxBatchSize, calls.count)])
            results += try await batchChunk(chunk, deadline: deadline)
            start += chunk.count
        }
        return results
    }

    private func batchChunk(_ calls: [RPCCall], deadline: ContinuousClock.Instant) async throws(RPCError)
        -> [Result<RPCValue, RPCError>]
    {
        var retry = RPCRetryState(
            policy: options.retry, endpointCount: transports.count, firstEndpoint: state.withLock { $0.preferred },
            isWrite: false)
        var endpoint = retry.endpoint
        var results = [Result<RPCValue, RPCError>?](repeating: nil, count: calls.count)
        while true {
            let pending = results.indices.filter { results[$0] == nil }
            if pending.isEmpty { break }
            if calls.count == 1 || state.withLock({ $0.endpoints[endpoint].acceptsBatches == false }) {
                let singles = try await singlesConcurrently(
                    pending.map { calls[$0] }, endpoint: endpoint, deadline: deadline)
                for (i, r) in zip(pending, singles) { results[i] = r }
                break
            }
            let outcome = await attemptBatch(pending.map { calls[$0] }, endpoint: endpoint, deadline: deadline)
            switch outcome {
            case .rejected:
                state.withLock { $0.endpoints[endpoint].acceptsBatches = false }
                continue
            case .answered(let items):
                state.withLock {
                    $0.endpoints[endpoint].acceptsBatches = true
                    $0.preferred = endpoint
                }
                var retryable: RPCError?
                for (i, item) in zip(pending, items) {
                    if case .failure(let e) = item, e.isRetryable {
                        retryable = e
                    } else {
                        results[i] = item
                    }
                }
                guard let retryable else { continue }
                let action = retry.failed(
                    retryable, requestSent: true, remaining: deadline - .now, jitter: Double.random(in: 0...1))
                switch action {
                case .fail:
                    for (i, item) in zip(pending, items) where results[i] == nil { results[i] = item }
                case .retry(let next, let delay):
                    try await sleep(delay, "batch", endpoint)
                    endpoint = next
                }
            case .failed(let failure):
                let lastError = failure.error
                if lastError.code == .rpcChainIdMismatch || lastError.code == .rpcCancelled { throw lastError }
                let action = retry.failed(
                    lastError, requestSent: failure.requestSent, remaining: deadline - .now,
                    jitter: Double.random(in: 0...1))
                switch action {
                case .fail: throw lastError
                case .retry(let next, let delay):
                    try await sleep(delay, "batch", endpoint)
                    endpoint = next
                }
            }
        }
        return results.map { $0 ?? .failure(RPCError.cancelled("batch", transports[endpoint].displayName)) }
    }

    private func sleep(_ delay: Duration, _ label: String, _ endpoint: Int) async throws(RPCError) {
        guard delay > .zero else { return }
        do { try await Task.sleep(for: delay) } catch {
            throw RPCError.cancelled(label, transports[endpoint].displayName)
        }
    }

    enum BatchOutcome {
        case answered([Result<RPCValue, RPCError>])
        case rejected
        case failed(AttemptFailure)
    }

    private func attemptBatch(_ calls: [RPCCall], endpoint: Int, deadline: ContinuousClock.Instant) async
        -> BatchOutcome
    {
        if let failure = await ensureChainId(endpoint: endpoint, deadline: deadline) { return .failed(failure) }
        let firstId = state.withLock { $0.nextIds(calls.count) }
        let ids = (0..<calls.count).map { firstId + $0 }
        let body = RPCValue.array(zip(ids, calls).map { RPCEnvelope.request(id: $0, $1) })
        let reply: RPCHTTPReply
        switch await exchange(body: Array(body.jsonText.utf8), endpoint: endpoint, label: "batch", deadline: deadline) {
        case .success(let r): reply = r
        case .failure(let f): return .failed(f)
        }
        let name = transports[endpoint].displayName
        switch RPCEnvelope.decodeBatch(reply, calls: calls, ids: ids, endpoint: name, decoder: revertDecoder) {
        case .items(let items): return .answered(items)
        case .rejected: return .rejected
        case .failed(let error): return .failed(AttemptFailure(error: error, requestSent: true))
        }
    }

    /// One request of a batch on its own (with its retries) on `endpoint`, as its slot's outcome.
    private func single(_ call: RPCCall, endpoint: Int, deadline: ContinuousClock.Instant) async
        -> Result<RPCValue, RPCError>
    {
        do { return .success(try await perform(call, deadline: deadline, endpointOverride: endpoint)) } catch {
            return .failure(error)
        }
    }

    /// The degraded path: each request alone, a few at a time, each with its own retries, all on the
    /// endpoint that refused the batch first.
    ///
    /// One request is sent directly, without a task group. The task group adds tasks from a loop over
    /// `group.next()` and each task returns a plain `Result` (no typed `throws` inside a child task's
    /// closure, no nested function that captures the group). The earlier shape (`for await` over the group
    /// while a nested function captured and grew it, a typed-throws `do` in the child closure) is
    /// miscompiled by `-O` on Swift 6.3.1: in a release build the index read back from a child's
    /// `(Int, Result)` was wrong, so `out[i] = r` trapped (index out of range) on the first one-element
    /// batch; a reduction of it lost all results but one. Checked with a release build of this client
    /// against a batch-less scripted node (batches of 1, 2, 3, 8, 9 and 20).
    private func singlesConcurrently(_ calls: [RPCCall], endpoint: Int, deadline: ContinuousClock.Instant)
        async throws(RPCError) -> [Result<RPCValue, RPCError>]
    {
        let results: [Result<RPCValue, RPCError>]
        if calls.count == 1 {
            results = [await single(calls[0], endpoint: endpoint, deadline: deadline)]
        } else {
            let limit = options.singleCallConcurrency
            results = await withTaskGroup(of: (Int, Result<RPCValue, RPCError>).self) { group in
                var out = [Result<RPCValue, RPCError>?](repeating: nil, count: calls.count)
                var next = 0
                while next < min(limit, calls.count) {
                    let i = next
                    group.addTask { (i, await self.single(calls[i], endpoint: endpoint, deadline: deadline)) }
                    next += 1
                }
                while let (i, r) = await group.next() {
                    out[i] = r
                    if next < calls.count {
                        let j = next
                        group.addTask { (j, await self.single(calls[j], endpoint: endpoint, deadline: deadline)) }
                        next += 1
                    }
                }
                return out.map { $0 ?? .failure(RPCError.cancelled("batch", "")) }
            }
        }
        // Nothing delivered at all: report it as the failure of the whole request, as for a batch.
        let failures = results.compactMap { r -> RPCError? in
            if case .failure(let e) = r { return e }
            return nil
        }
        if failures.count == results.count, let first = failures.first,
            first.category == .unreachable || first.code == .rpcChainIdMismatch || first.code == .rpcCancelled,
            first.rpcCode == nil
        {
            throw first
        }
        return results
    }
}

// MARK: - State

/// What the client learns while it runs: per-endpoint facts, the preferred endpoint, ids, counters.
struct EndpointState: Sendable {
    var chainIdVerified = false
    var acceptsBatches: Bool?
}

struct ClientMutableState: Sendable {
    var endpoints: [EndpointState] = []
    var preferred = 0
    var lastId = 0
    var roundTrips = 0

    mutating func nextId() -> Int {
        lastId += 1
        return lastId
    }

    mutating func nextIds(_ n: Int) -> Int {
        let first = lastId + 1
        lastId += n
        return first
    }
}

/// A lock around the client's small mutable state (a few field updates per request; no awaits inside).
final class ClientState: @unchecked Sendable {
    private let lock = NSLock()
    private var value = ClientMutableState()

    func withLock<T>(_ body: (inout ClientMutableState) -> T) -> T {
        lock.lock()
        defer { lock.unlock() }
        return body(&value)
    }
}

extension RPCError {
    static func cancelled(_ method: String, _ endpoint: String) -> RPCError {
        RPCError(code: .rpcCancelled, method: method, endpoint: endpoint, message: "cancelled")
    }

    /// Failures after which a write's fate is unknown (no JSON-RPC answer that says it was refused).
    var isUnknownOutcomeCandidate: Bool {
        switch code {
        case .rpcTimeout, .rpcUnreachable, .rpcHTTPStatus, .rpcMalformedResponse: return true
        default: return false
        }
    }

    func asUnknownOutcome() -> RPCError {
        RPCError(
            code: .rpcUnknownOutcome, method: method, endpoint: endpoint, message: message, httpStatus: httpStatus,
            context: "the request may have reached the node before the failure, so it was not sent again")
    }
}

/// Names of well-known chains, for chain-id messages.
enum ChainNames {
    static func suffix(_ id: UInt64) -> String {
        switch id {
        case 1: return " (Ethereum mainnet)"
        case 42161: return " (Arbitrum One)"
        case 421614: return " (Arbitrum Sepolia)"
        case 11_155_111: return " (Sepolia)"
        case 31337: return " (local devnet)"
        default: return ""
        }
    }
}
