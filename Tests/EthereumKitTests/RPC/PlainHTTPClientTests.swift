import Foundation
import Testing

@testable import EthereumKit

#if canImport(Glibc)
    import Glibc
#endif

/// A one-port HTTP server that answers the n-th request with the n-th scripted reply (raw bytes), then closes the
/// connection when the step says so. It counts connections and requests.
final class ScriptedHTTPServer: @unchecked Sendable {
    struct Step {
        var bytes: [UInt8]
        /// Close the connection after writing (or instead of answering, when `bytes` is empty).
        var close = false
        /// Wait this long before answering (a server that never answers in time).
        var delay: Duration = .zero

        static func text(_ s: String, close: Bool = false) -> Step { Step(bytes: Array(s.utf8), close: close) }
    }

    let port: UInt16
    private let listener: Int32
    private let lock = NSLock()
    private var steps: [Step]
    private var connections = 0
    private var requests: [[UInt8]] = []

    init(_ steps: [Step]) throws {
        self.steps = steps
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        try #require(bound == 0 && listen(fd, 16) == 0)
        var size = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &size) }
        }
        listener = fd
        port = UInt16(bigEndian: address.sin_port)
        url = try #require(URL(string: "http://127.0.0.1:\(port)/rpc?key=1"))
        let thread = Thread { [self] in acceptLoop() }
        thread.start()
    }

    let url: URL
    var connectionCount: Int { lock.withLock { connections } }
    var received: [[UInt8]] { lock.withLock { requests } }

    private var stopped = false

    /// Closes the listener once (never in `deinit`: by then its number may be another test's socket).
    func stop() {
        let first = lock.withLock {
            defer { stopped = true }
            return !stopped
        }
        guard first else { return }
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
    }

    private func acceptLoop() {
        while true {
            let fd = accept(listener, nil, nil)
            if fd < 0 { return }
            lock.withLock { connections += 1 }
            let thread = Thread { [self] in serve(fd) }
            thread.start()
        }
    }

    private func serve(_ fd: Int32) {
        defer { close(fd) }
        var pending: [UInt8] = []
        while true {
            guard let request = readRequest(fd, &pending) else { return }
            let step: Step? = lock.withLock {
                requests.append(request)
                return steps.isEmpty ? nil : steps.removeFirst()
            }
            guard let step else { return }
            if step.delay > .zero { Thread.sleep(forTimeInterval: step.delay.seconds) }
            var sent = 0
            while sent < step.bytes.count {
                let n = step.bytes[sent...].withUnsafeBytes { b in
                    b.baseAddress.map { send(fd, $0, b.count, Int32(MSG_NOSIGNAL)) } ?? -1
                }
                if n <= 0 { return }
                sent += n
            }
            if step.close { return }
        }
    }

    /// One request: headers, then the body of its Content-Length.
    private func readRequest(_ fd: Int32, _ pending: inout [UInt8]) -> [UInt8]? {
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            if let end = Self.find([13, 10, 13, 10], in: pending) {
                let head = String(decoding: pending[..<end], as: UTF8.self).lowercased()
                var length = 0
                for line in head.split(separator: "\r\n") where line.hasPrefix("content-length:") {
                    length = Int(line.dropFirst(15).trimmingCharacters(in: .whitespaces)) ?? 0
                }
                if pending.count >= end + 4 + length {
                    let request = Array(pending[..<(end + 4 + length)])
                    pending.removeFirst(end + 4 + length)
                    return request
                }
            }
            let n = chunk.withUnsafeMutableBytes { b in b.baseAddress.map { recv(fd, $0, b.count, 0) } ?? -1 }
            if n <= 0 { return nil }
            pending += chunk[..<n]
        }
    }

    static func find(_ needle: [UInt8], in hay: [UInt8]) -> Int? {
        guard hay.count >= needle.count else { return nil }
        for i in 0...(hay.count - needle.count) where hay[i..<i + needle.count].elementsEqual(needle) { return i }
        return nil
    }
}

@Suite(.serialized)
struct PlainHTTPClientTests {
    static func ok(_ body: String, extra: String = "") -> ScriptedHTTPServer.Step {
        .text(
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\(extra)Content-Length: \(body.utf8.count)\r\n\r\n\(body)"
        )
    }

    static func client(_ server: ScriptedHTTPServer, headers: [String: String] = [:]) throws -> PlainHTTPClient {
        try #require(PlainHTTPClient(url: server.url, headers: headers, environment: [:]))
    }

    static func body(_ reply: RPCHTTPReply) -> String { String(decoding: reply.body, as: UTF8.self) }

    static func unsupported(_ body: () async throws -> RPCHTTPReply) async -> PlainHTTPClient.Unsupported? {
        do {
            _ = try await body()
            Issue.record("expected the plain client to step aside")
            return nil
        } catch let error as PlainHTTPClient.Unsupported {
            return error
        } catch {
            Issue.record("unexpected \(error)")
            return nil
        }
    }

    @Test func keepsTheConnectionAliveAndSendsARequestAServerReads() async throws {
        let server = try ScriptedHTTPServer([Self.ok("{\"a\":1}"), Self.ok("{\"b\":2}")])
        defer { server.stop() }
        let client = try Self.client(server, headers: ["X-Api-Key": "k"])
        let first = try await client.post(Array("{\"q\":1}".utf8), timeout: .seconds(10))
        let second = try await client.post(Array("{\"q\":2}".utf8), timeout: .seconds(10))
        #expect(first.status == 200 && Self.body(first) == "{\"a\":1}")
        #expect(Self.body(second) == "{\"b\":2}")
        #expect(server.connectionCount == 1)
        let request = String(decoding: server.received[0], as: UTF8.self)
        #expect(request.hasPrefix("POST /rpc?key=1 HTTP/1.1\r\n"))
        #expect(request.contains("\r\nHost: 127.0.0.1:\(server.port)\r\n"))
        #expect(request.contains("\r\nX-Api-Key: k\r\n"))
        #expect(request.contains("\r\nContent-Length: 7\r\n\r\n{\"q\":1}"))
    }

    @Test func readsChunkedAnswersWithExtensionsAndTrailers() async throws {
        let big = String(repeating: "x", count: 200_000)
        let chunked =
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
            + "3;ext=1\r\nabc\r\n" + String(big.utf8.count, radix: 16) + "\r\n" + big + "\r\n"
            + "0\r\nX-Trailer: t\r\n\r\n"
        let server = try ScriptedHTTPServer([.text(chunked), Self.ok("{}")])
        defer { server.stop() }
        let client = try Self.client(server)
        let reply = try await client.post([], timeout: .seconds(10))
        #expect(Self.body(reply) == "abc" + big)
        // The framing ended where it should: the connection serves the next request.
        #expect(Self.body(try await client.post([], timeout: .seconds(10))) == "{}")
        #expect(server.connectionCount == 1)
    }

    @Test func readsAnAnswerFramedByTheEndOfTheConnection() async throws {
        let server = try ScriptedHTTPServer([.text("HTTP/1.0 200 OK\r\n\r\n{\"c\":3}", close: true)])
        defer { server.stop() }
        let reply = try await Self.client(server).post([], timeout: .seconds(10))
        #expect(Self.body(reply) == "{\"c\":3}")
    }

    @Test func keepsStatusAndRetryAfterOfErrorAnswers() async throws {
        let server = try ScriptedHTTPServer([
            .text("HTTP/1.1 429 Too Many Requests\r\nRetry-After: 3\r\nContent-Length: 2\r\n\r\n{}")
        ])
        defer { server.stop() }
        let reply = try await Self.client(server).post([], timeout: .seconds(10))
        #expect(reply.status == 429 && reply.retryAfter == .seconds(3) && Self.body(reply) == "{}")
    }

    @Test func reconnectsWhenTheServerClosedAKeptAliveConnection() async throws {
        // The first answer does not say `Connection: close`, but the server closes anyway.
        let server = try ScriptedHTTPServer([.text(Self.ok("1").text, close: true), Self.ok("2")])
        defer { server.stop() }
        let client = try Self.client(server)
        #expect(Self.body(try await client.post([], timeout: .seconds(10))) == "1")
        try await Task.sleep(for: .milliseconds(50))
        #expect(Self.body(try await client.post([], timeout: .seconds(10))) == "2")
        #expect(server.connectionCount == 2)
    }

    @Test func aShortBodyOrADroppedConnectionIsAFailureNotAnAnswer() async throws {
        let short = ScriptedHTTPServer.Step.text("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{\"cut\":", close: true)
        let dropped = ScriptedHTTPServer.Step(bytes: [], close: true)
        let midChunk = ScriptedHTTPServer.Step.text(
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n10\r\nabc", close: true)
        let server = try ScriptedHTTPServer([short, dropped, midChunk])
        defer { server.stop() }
        let client = try Self.client(server)
        let a = await Self.unsupported { try await client.post([], timeout: .seconds(10)) }
        #expect(a?.permanent == false && a?.reason.contains("7 of 100 bytes") == true)
        let b = await Self.unsupported { try await client.post([], timeout: .seconds(10)) }
        #expect(b?.permanent == false)
        let c = await Self.unsupported { try await client.post([], timeout: .seconds(10)) }
        #expect(c?.permanent == false)
    }

    @Test func hostileAnswersAreNotRead() async throws {
        let hostile: [String] = [
            "HTTP/1.1 301 Moved Permanently\r\nLocation: http://elsewhere/\r\nContent-Length: 0\r\n\r\n",
            "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n{}",
            "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}",
            "HTTP/1.1 200 OK\r\nContent-Length: -2\r\n\r\n{}",
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n{}",
            "HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: 2\r\n\r\n{}",
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n",
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}XX0\r\n\r\n",
            "HTTP/1.1 100 Continue\r\n\r\n",
            "HTTP/2 200\r\n\r\n",
            "SSH-2.0-OpenSSH_9.6\r\n\r\n",
            "HTTP/1.1 200 OK\r\nBad Header\r\n\r\n",
            "HTTP/1.1 200 OK\r\nX: " + String(repeating: "a", count: 70_000) + "\r\n\r\n",
        ]
        for text in hostile {
            let server = try ScriptedHTTPServer([.text(text, close: true)])
            defer { server.stop() }
            let error = await Self.unsupported { try await Self.client(server).post([], timeout: .seconds(10)) }
            #expect(error?.permanent == true, "\(text.prefix(60))")
        }
    }

    @Test func aCancelledRequestEndsAtOnce() async throws {
        let server = try ScriptedHTTPServer([
            ScriptedHTTPServer.Step(bytes: Array(Self.ok("{}").text.utf8), delay: .seconds(20))
        ])
        defer { server.stop() }
        let client = try Self.client(server)
        let task = Task { try await client.post([], timeout: .seconds(30)) }
        try await Task.sleep(for: .milliseconds(200))
        let start = ContinuousClock.now
        task.cancel()
        await #expect(throws: CancellationError.self) { try await task.value }
        // Well before the server's answer (20 s) and the request's timeout (30 s); a loaded machine can take
        // seconds to resume the awaiting task (2.01 s was seen with the whole suite running on 2 cores).
        #expect(ContinuousClock.now - start < .seconds(10))
    }

    @Test func servesOnlyPlainHTTPWithoutProxiesOrCredentials() throws {
        func make(_ url: String, _ env: [String: String] = [:], headers: [String: String] = [:]) -> Bool {
            PlainHTTPClient(url: URL(string: url)!, headers: headers, environment: env) != nil
        }
        #expect(make("http://127.0.0.1:8545"))
        #expect(make("http://node.lan/v3/abc"))
        #expect(!make("https://127.0.0.1:8545"))
        #expect(!make("http://user:secret@127.0.0.1:8545"))
        #expect(!make("http://127.0.0.1:8545", ["http_proxy": "http://proxy:3128"]))
        #expect(!make("http://127.0.0.1:8545", ["ALL_PROXY": "socks5://proxy"]))
        #expect(make("http://127.0.0.1:8545", ["http_proxy": ""]))
        #expect(!make("http://127.0.0.1:8545", headers: ["X-Key": "a\r\nInjected: 1"]))
        #expect(!make("http://127.0.0.1:8545", headers: ["Content-Length": "0"]))
    }

    // MARK: - Through the transport

    @Test func theTransportFallsBackToURLSessionAndRemembersARefusal() async throws {
        // A redirect the plain client will not follow, then the same request through URLSession gets a plain answer.
        let server = try ScriptedHTTPServer([
            .text("HTTP/1.1 307 Temporary Redirect\r\nLocation: /rpc\r\nContent-Length: 0\r\n\r\n", close: true),
            Self.ok("{\"via\":\"urlsession\"}"),
        ])
        defer { server.stop() }
        let transport = try #require(HTTPRPCTransport(server.url.absoluteString))
        #expect(transport.usesPlainClient)
        let reply = try await transport.postLarge(Array("{}".utf8), timeout: .seconds(10))
        #expect(Self.body(reply) == "{\"via\":\"urlsession\"}")
        #expect(!transport.usesPlainClient)
        #expect(server.received.count == 2)
    }

    @Test func theTransportRetriesADroppedAnswerThroughURLSession() async throws {
        let server = try ScriptedHTTPServer([
            .text("HTTP/1.1 200 OK\r\nContent-Length: 50\r\n\r\n{\"partial", close: true),
            Self.ok("{\"whole\":true}"),
        ])
        defer { server.stop() }
        let transport = try #require(HTTPRPCTransport(server.url.absoluteString))
        let reply = try await transport.postLarge(Array("{}".utf8), timeout: .seconds(10))
        #expect(Self.body(reply) == "{\"whole\":true}")
        // A network failure is not the server's way of answering: the plain client stays in use.
        #expect(transport.usesPlainClient)
    }

    @Test func logsArriveThroughTheClientOnThePlainPath() async throws {
        let log = RPCLogReaderTests.log()
        let answer = RPCLogReaderTests.answer([log, log], id: "1")
        let server = try ScriptedHTTPServer([Self.ok(answer)])
        defer { server.stop() }
        let client = JSONRPCClient(urls: [server.url])
        let logs = try await client.logs(RPCLogFilter(fromBlock: .number(1), toBlock: .number(2)))
        #expect(logs.count == 2 && logs[0].blockNumber == 0x1b4)
        let request = String(decoding: server.received[0], as: UTF8.self)
        #expect(request.contains("\"eth_getLogs\""))
        // Only the plain client asks for an identity encoding: the answer did not go through URLSession.
        #expect(request.contains("\r\nAccept-Encoding: identity\r\n"))
    }
}

extension ScriptedHTTPServer.Step {
    var text: String { String(decoding: bytes, as: UTF8.self) }
}

@Suite struct ResponseHeadTests {
    static func head(_ s: String) -> PlainHTTPClient.ResponseHead? { PlainHTTPClient.ResponseHead(Array(s.utf8)) }

    @Test func framingAndConnectionReuse() {
        #expect(Self.head("HTTP/1.1 200 OK\r\nContent-Length: 5")?.framing == .length(5))
        #expect(Self.head("HTTP/1.1 200 OK\r\ncontent-length:5")?.keepAlive == true)
        #expect(Self.head("HTTP/1.1 200 OK\r\nConnection: Close\r\nContent-Length: 5")?.keepAlive == false)
        #expect(Self.head("HTTP/1.0 200 OK\r\nContent-Length: 5")?.keepAlive == false)
        #expect(Self.head("HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 5")?.keepAlive == true)
        #expect(Self.head("HTTP/1.1 200 OK\r\nTransfer-Encoding: Chunked")?.framing == .chunked)
        #expect(Self.head("HTTP/1.1 204 No Content")?.framing == .length(0))
        #expect(Self.head("HTTP/1.1 200 OK")?.framing == .untilClose)
        #expect(Self.head("HTTP/1.1 503 Busy\r\nRetry-After: 7\r\nContent-Length: 0")?.retryAfter == "7")
        #expect(Self.head("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 2")?.framing == .length(2))
    }

    @Test func refusals() {
        for text in [
            "HTTP/1.1 302 Found\r\nContent-Length: 0", "HTTP/1.1 200 OK\r\nContent-Length: 1e3",
            "HTTP/1.1 200 OK\r\nContent-Length: 99999999999999", "HTTP/1.1 200 OK\r\nContent-Length:",
            "HTTP/1.1 2000 OK", "HTTP/1.1 200 OK\r\n Folded: x", "HTTP/1.1 200 OK\r\nNäme: x",
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked",
        ] {
            #expect(Self.head(text) == nil, "\(text)")
        }
    }
}
