import Foundation

/// The test double of ``RPCTransport``: every POST goes to a handler the test supplies, and every body
/// sent is recorded, so tests can script a node (answers, failures, delays) and check what was sent.
public final class ScriptedRPCTransport: RPCTransport, @unchecked Sendable {
    public typealias Handler = @Sendable (_ body: [UInt8], _ index: Int) async throws -> RPCHTTPReply

    public let displayName: String
    private let handler: Handler
    private let lock = NSLock()
    private var sent: [[UInt8]] = []

    /// - Parameter handler: answers POST number `index` (0-based) with body `body`; may sleep, throw an
    ///   ``RPCTransportFailure`` or return any status and body.
    public init(displayName: String = "scripted://node", handler: @escaping Handler) {
        self.displayName = displayName
        self.handler = handler
    }

    /// The bodies posted so far, as text.
    public var requests: [String] {
        lock.lock()
        defer { lock.unlock() }
        return sent.map { String(decoding: $0, as: UTF8.self) }
    }

    public func post(_ body: [UInt8], timeout: Duration) async throws -> RPCHTTPReply {
        try await handler(body, record(body))
    }

    private func record(_ body: [UInt8]) -> Int {
        lock.lock()
        defer { lock.unlock() }
        sent.append(body)
        return sent.count - 1
    }

    /// A reply with status 200 and `json` as its body.
    public static func json(_ json: String, status: Int = 200, retryAfter: Duration? = nil) -> RPCHTTPReply {
        RPCHTTPReply(status: status, body: Array(json.utf8), retryAfter: retryAfter)
    }
}
