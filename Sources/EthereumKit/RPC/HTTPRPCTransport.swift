import Basics
import Foundation
import Synchronization

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// JSON-RPC over HTTP(S) with URLSession: one session per endpoint, connections kept alive.
///
/// swift-corelibs-foundation truncates URLSession timeouts to whole seconds (PLATFORM-NOTES §5), so
/// the timeout given here is only a backstop rounded up to at least one second; ``JSONRPCClient``
/// cancels the task at its own, exact deadline.
///
/// Known limit (swift-corelibs-foundation 6.3 over libcurl): when a server closes a kept-alive
/// connection just as a request is sent on it, libcurl resends the request on a new connection but
/// URLSession cannot rewind the body, so the resend carries the headers without the body and the
/// server waits for it. The attempt then ends at the client's deadline and is retried (reads) or
/// reported as an unknown outcome (writes); `httpBodyStream` with a rewinding delegate is refused
/// (URLError -1002) by the async API on Linux, so the deadline is the defence.
///
/// The session is made on the first request: making one starts libcurl and OpenSSL (0.1-0.6 s on a loaded
/// machine), which a program that may never call, or must draw first (the console), should not wait for.
public final class HTTPRPCTransport: RPCTransport {
    public let displayName: String
    private let url: URL
    private let made = Mutex<URLSession?>(nil)
    private let headers: [String: String]
    /// The socket client for `eth_getLogs` answers on http:// URLs (nil when the URL is not one it serves).
    private let plain: PlainHTTPClient?
    /// Set once the server answered in a way the plain client does not read: URLSession from then on.
    private let plainRefused = PlainRefusal()

    /// - Parameters:
    ///   - url: the endpoint; credentials in it are used but never shown.
    ///   - headers: extra request headers (an API key some providers want as a header).
    public init(url: URL, headers: [String: String] = [:]) {
        self.url = url
        self.displayName = Redaction.url(url.absoluteString)
        self.headers = headers
        self.plain = PlainHTTPClient(url: url, headers: headers)
    }

    /// The endpoint's session, made once.
    private var session: URLSession {
        made.withLock { made in
            if let s = made { return s }
            let configuration = URLSessionConfiguration.ephemeral
            configuration.httpMaximumConnectionsPerHost = 8
            configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
            configuration.urlCache = nil
            configuration.httpCookieStorage = nil
            configuration.httpShouldSetCookies = false
            let s = URLSession(configuration: configuration)
            made = s
            return s
        }
    }

    /// Parses `text` as an http(s) URL; nil for anything else.
    public convenience init?(_ text: String, headers: [String: String] = [:]) {
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(),
            scheme == "http" || scheme == "https", url.host != nil
        else { return nil }
        self.init(url: url, headers: headers)
    }

    deinit { made.withLock { $0?.finishTasksAndInvalidate() } }

    public func post(_ body: [UInt8], timeout: Duration) async throws -> RPCHTTPReply {
        var request = URLRequest(url: url)
        request.httpMethod = "POST"
        request.httpBody = Data(body)
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.setValue("application/json", forHTTPHeaderField: "Accept")
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        request.timeoutInterval = max(1, (timeout.seconds + 1).rounded(.up))
        let data: Data
        let response: URLResponse
        do {
            (data, response) = try await session.cancellableData(for: request)
        } catch let error as URLError {
            if error.code == .cancelled || Task.isCancelled { throw CancellationError() }
            throw Self.failure(error)
        }
        guard let http = response as? HTTPURLResponse else {
            throw RPCTransportFailure(.other, "the answer is not an HTTP response")
        }
        return RPCHTTPReply(
            status: http.statusCode, body: [UInt8](data),
            retryAfter: (http.value(forHTTPHeaderField: "Retry-After")).flatMap { Self.retryAfter($0) })
    }

    /// Like ``post(_:timeout:)`` for an answer that may run to many megabytes: on an http:// URL it goes through
    /// ``PlainHTTPClient`` (the body received into one buffer), and through URLSession when that client does not
    /// serve the URL or did not get a plain answer (so every failure is reported exactly as URLSession reports it).
    public func postLarge(_ body: [UInt8], timeout: Duration) async throws -> RPCHTTPReply {
        if let plain, !plainRefused.isSet {
            do {
                return try await plain.post(body, timeout: timeout)
            } catch let unsupported as PlainHTTPClient.Unsupported {
                if unsupported.permanent { plainRefused.set() }
            }
        }
        return try await post(body, timeout: timeout)
    }

    /// Whether the plain client is in use for large answers (false: URLSession only), for tests.
    var usesPlainClient: Bool { plain != nil && !plainRefused.isSet }

    /// A flag set once, read from any thread.
    final class PlainRefusal: @unchecked Sendable {
        private let lock = NSLock()
        private var value = false
        var isSet: Bool { lock.withLock { value } }
        func set() { lock.withLock { value = true } }
    }

    /// Maps URLSession's codes to what a client can conclude; the text names the code, not the URL.
    static func failure(_ error: URLError) -> RPCTransportFailure {
        let code = error.code
        let name: String
        let kind: RPCTransportFailure.Kind
        switch code {
        case .cannotConnectToHost: (kind, name) = (.cannotConnect, "connection refused")
        case .cannotFindHost, .dnsLookupFailed: (kind, name) = (.cannotConnect, "host not found")
        case .notConnectedToInternet: (kind, name) = (.cannotConnect, "no network")
        case .secureConnectionFailed, .serverCertificateUntrusted, .serverCertificateHasBadDate,
            .serverCertificateNotYetValid, .serverCertificateHasUnknownRoot, .clientCertificateRejected:
            // TLS fails in the handshake, before the request is written.
            (kind, name) = (.cannotConnect, "TLS handshake failed")
        case .timedOut: (kind, name) = (.timedOut, "timed out")
        case .networkConnectionLost: (kind, name) = (.connectionLost, "connection closed by the server")
        case .badServerResponse, .cannotParseResponse, .zeroByteResource:
            (kind, name) = (.connectionLost, "connection closed without a valid HTTP answer")
        default: (kind, name) = (.other, "network error")
        }
        return RPCTransportFailure(kind, "\(name) (URLError \(code.rawValue))")
    }

    /// `Retry-After: 3` or `Retry-After: Wed, 21 Oct 2026 07:28:00 GMT` as a delay from now.
    static func retryAfter(_ value: String, now: Date = Date()) -> Duration? {
        let trimmed = value.trimmingCharacters(in: .whitespaces)
        if let seconds = Int(trimmed), seconds >= 0 { return .seconds(seconds) }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        guard let date = formatter.date(from: trimmed) else { return nil }
        let delta = date.timeIntervalSince(now)
        return .milliseconds(max(0, Int64((delta * 1000).rounded(.up))))
    }
}
