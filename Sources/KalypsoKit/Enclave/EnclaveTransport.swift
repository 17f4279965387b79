import Basics
import Foundation

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// One HTTP request to an enclave service. Its description leaves the body out: it may hold the gas key.
public struct EnclaveRequest: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible,
    CustomReflectable
{
    public var method: String
    public var url: URL
    public var headers: [String: String]
    public var body: [UInt8]
    /// The whole call (connect, send, answer) must finish within this.
    public var timeout: Duration

    public init(method: String, url: URL, headers: [String: String] = [:], body: [UInt8] = [], timeout: Duration) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.timeout = timeout
    }

    public var description: String { "\(method) \(Redaction.url(url.absoluteString)) (\(body.count) bytes of body)" }
    public var debugDescription: String { description }
    public var customMirror: Mirror {
        Mirror(self, children: ["method": method, "url": Redaction.url(url.absoluteString), "bodyBytes": body.count])
    }
}

/// The HTTP answer of an enclave service, whatever its status.
public struct EnclaveResponse: Sendable, Equatable {
    public var status: Int
    /// Header names in lower case.
    public var headers: [String: String]
    public var body: [UInt8]

    public init(status: Int, headers: [String: String] = [:], body: [UInt8]) {
        self.status = status
        self.headers = Dictionary(headers.map { ($0.key.lowercased(), $0.value) }, uniquingKeysWith: { a, _ in a })
        self.body = body
    }
}

/// Why no HTTP answer came back. The client turns these into ``EnclaveError``s that name the service.
public enum EnclaveTransportFailure: Error, Sendable, Equatable {
    /// Nothing listens there, or the host is unknown (the reason in words).
    case unreachable(String)
    /// The call's deadline passed.
    case timedOut
    /// The connection closed before an HTTP answer.
    case dropped
    /// Anything else the HTTP stack reported (in words).
    case other(String)
}

/// The HTTP calls the enclave client makes; one real implementation on URLSession and one test double.
public protocol EnclaveTransport: Sendable {
    /// Sends `request`; an HTTP error status is a response, not a failure.
    func send(_ request: EnclaveRequest) async throws(EnclaveTransportFailure) -> EnclaveResponse
}

/// ``EnclaveTransport`` on URLSession (FoundationNetworking on Linux).
///
/// swift-corelibs-foundation truncates `timeoutInterval` to whole seconds (PLATFORM-NOTES §5), so the deadline is
/// our own: a task group races the request against a sleep and cancels the loser. URLSession's own timeout is set
/// a little above it only as a backstop.
public final class URLSessionEnclaveTransport: EnclaveTransport {
    private let session: URLSession

    public init() {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.httpCookieStorage = nil
        configuration.urlCache = nil
        session = URLSession(configuration: configuration)
    }

    deinit { session.invalidateAndCancel() }

    public func send(_ request: EnclaveRequest) async throws(EnclaveTransportFailure) -> EnclaveResponse {
        var urlRequest = URLRequest(url: request.url)
        urlRequest.httpMethod = request.method
        for (name, value) in request.headers { urlRequest.setValue(value, forHTTPHeaderField: name) }
        // swift-corelibs-foundation fails a GET that has a body (URLError -1103), so GET and HEAD never carry one.
        if request.method != "GET" && request.method != "HEAD" {
            urlRequest.httpBody = Data(request.body)
        }
        let seconds = Double(request.timeout.components.seconds) + Double(request.timeout.components.attoseconds) / 1e18
        urlRequest.timeoutInterval = max(1, seconds.rounded(.up) + 1)
        let session = self.session
        let prepared = urlRequest
        let outcome: Result<EnclaveResponse, EnclaveTransportFailure> = await withTaskGroup(
            of: Result<EnclaveResponse, EnclaveTransportFailure>?.self
        ) { group in
            group.addTask {
                do {
                    let (data, response) = try await session.cancellableData(for: prepared)
                    guard let http = response as? HTTPURLResponse else { return .failure(.dropped) }
                    var headers: [String: String] = [:]
                    for (key, value) in http.allHeaderFields {
                        headers[String(describing: key).lowercased()] = String(describing: value)
                    }
                    return .success(EnclaveResponse(status: http.statusCode, headers: headers, body: Array(data)))
                } catch {
                    return .failure(Self.classify(error))
                }
            }
            group.addTask {
                do {
                    try await Task.sleep(for: request.timeout)
                } catch {
                    return nil  // cancelled because the request finished first
                }
                return .failure(.timedOut)
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first ?? .failure(.timedOut)
        }
        return try outcome.get()
    }

    static func classify(_ error: any Error) -> EnclaveTransportFailure {
        guard let urlError = error as? URLError else { return .other(String(describing: error)) }
        switch urlError.code {
        case .cannotConnectToHost: return .unreachable("connection refused")
        case .cannotFindHost, .dnsLookupFailed: return .unreachable("host not found")
        case .notConnectedToInternet: return .unreachable("no network")
        case .timedOut: return .timedOut
        case .networkConnectionLost, .badServerResponse, .zeroByteResource, .cannotParseResponse:
            return .dropped
        case .cancelled: return .timedOut
        default: return .other("URLError \(urlError.code.rawValue)")
        }
    }
}

/// A test double: answers each request with a handler and records what was sent.
public final class ScriptedEnclaveTransport: EnclaveTransport, @unchecked Sendable {
    public typealias Handler = @Sendable (EnclaveRequest) throws(EnclaveTransportFailure) -> EnclaveResponse
    private let lock = NSLock()
    private let handler: Handler
    private var sent: [EnclaveRequest] = []

    public init(_ handler: @escaping Handler) { self.handler = handler }

    /// Every request so far, in order.
    public var requests: [EnclaveRequest] { lock.withLock { sent } }

    public func send(_ request: EnclaveRequest) async throws(EnclaveTransportFailure) -> EnclaveResponse {
        lock.withLock { sent.append(request) }
        return try handler(request)
    }
}
