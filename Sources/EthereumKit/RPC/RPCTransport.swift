import Basics
import Foundation

/// One HTTP answer of a JSON-RPC endpoint, before any JSON is read.
public struct RPCHTTPReply: Sendable, Equatable {
    /// The HTTP status (200 for every JSON-RPC answer, errors included; 429 and 5xx from providers).
    public var status: Int
    /// The body, raw.
    public var body: [UInt8]
    /// `Retry-After`, already converted to a delay (seconds or an HTTP date), when the server sent one.
    public var retryAfter: Duration?

    public init(status: Int, body: [UInt8], retryAfter: Duration? = nil) {
        self.status = status
        self.body = body
        self.retryAfter = retryAfter
    }
}

/// Why a request got no HTTP answer.
public struct RPCTransportFailure: OperatorError, Equatable {
    /// What went wrong, as far as the transport can tell.
    public enum Kind: Sendable, Equatable {
        /// The connection could not be opened (refused, no route, unknown host): the request was never sent.
        case cannotConnect
        /// The deadline passed with the request possibly sent.
        case timedOut
        /// The connection broke after it was opened: the request may have reached the node.
        case connectionLost
        /// Anything else the HTTP stack reported (TLS, bad response framing).
        case other
    }

    public var kind: Kind
    /// The HTTP stack's own words (never containing the URL: transports strip it).
    public var reason: String

    public init(_ kind: Kind, _ reason: String) {
        self.kind = kind
        self.reason = reason
    }

    /// False only when the request certainly never left this machine, so resending a write is safe.
    public var requestMayHaveBeenSent: Bool { kind != .cannotConnect }

    public var description: String { reason }

    // A transport failure normally reaches operators wrapped in an `RPCError` that names the method and the
    // endpoint; these fields serve a transport used on its own.
    public var code: ErrorCode {
        switch kind {
        case .cannotConnect: return .rpcUnreachable
        case .timedOut: return .rpcTimeout
        case .connectionLost, .other: return .rpcUnknownOutcome
        }
    }
    public var title: String {
        switch kind {
        case .cannotConnect: return "Cannot connect to the Ethereum node"
        case .timedOut: return "The Ethereum node did not answer in time"
        case .connectionLost: return "The connection to the Ethereum node broke"
        case .other: return "The HTTP request to the Ethereum node failed"
        }
    }
    public var detail: String { reason }
    public var hint: String {
        kind == .cannotConnect
            ? "Check that the node is running and that rpcHttp in kalypso-config.json points at it."
            : "The request may have reached the node: check before sending a transaction again (\(CommandHints.txList))."
    }
    public var isRetryable: Bool { true }
    public var category: ErrorCategory { .unreachable }
}

/// Sends raw JSON-RPC bodies to one endpoint and hands back the raw HTTP answers.
///
/// One real implementation (``HTTPRPCTransport``, URLSession) and one test double
/// (``ScriptedRPCTransport``). A transport knows nothing of JSON-RPC: batching, retries, failover and
/// deadlines are the ``JSONRPCClient``'s.
public protocol RPCTransport: Sendable {
    /// The endpoint as it may be shown: credentials and API keys masked (`Redaction.url`).
    var displayName: String { get }

    /// POSTs `body` (one request object or a batch array) and returns the answer.
    ///
    /// `timeout` is a backstop the transport may round up; the client enforces the exact deadline
    /// itself by cancelling the task. Throws ``RPCTransportFailure`` when no HTTP answer arrived and
    /// `CancellationError` when cancelled.
    func post(_ body: [UInt8], timeout: Duration) async throws -> RPCHTTPReply

    /// Like ``post(_:timeout:)``, for an answer that may run to many megabytes (`eth_getLogs`): a transport may
    /// receive it with fewer copies. The default is ``post(_:timeout:)``.
    func postLarge(_ body: [UInt8], timeout: Duration) async throws -> RPCHTTPReply
}

extension RPCTransport {
    public func postLarge(_ body: [UInt8], timeout: Duration) async throws -> RPCHTTPReply {
        try await post(body, timeout: timeout)
    }
}

extension Duration {
    /// Seconds as a `Double`, for APIs that take `TimeInterval`.
    var seconds: Double {
        let (s, atto) = components
        return Double(s) + Double(atto) / 1e18
    }
}
