import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A small HTTP/1.1 client over a socket, for the one request whose answers run to tens of megabytes: `eth_getLogs`
/// on a plain `http://` endpoint (a node on the same box or the LAN).
///
/// URLSession on Linux hands every libcurl chunk to a growing `NSMutableData` and the body is then copied into
/// `[UInt8]`: a 70 MB answer cost more CPU in page faults and copies than in reading its logs. Here the body is
/// received straight into one array of its `Content-Length` (or assembled from chunks), and the connection is kept
/// alive for the next range.
///
/// It speaks only the plain case: a 2xx/4xx/5xx answer framed by `Content-Length`, `chunked`, or the end of the
/// connection. Anything else it does not take — HTTPS, credentials in the URL, a proxy in the environment, a
/// redirect, another transfer coding, a malformed answer, a dropped connection — is reported as
/// ``PlainHTTPClient/Unsupported`` or a failure, and ``HTTPRPCTransport`` sends the request through URLSession
/// instead, which then gives its usual answer or error.
final class PlainHTTPClient: @unchecked Sendable {
    /// Why the plain client did not answer; the transport falls back to URLSession.
    struct Unsupported: Error, Equatable {
        /// True when the server's answer itself is outside what this client speaks (use URLSession from now on);
        /// false for a network failure (the next request may try again).
        let permanent: Bool
        let reason: String
    }

    /// Longest status line plus headers taken.
    static let maxHeaderBytes = 64 * 1024
    /// Largest body taken (a larger answer goes to URLSession).
    static let maxBodyBytes = 1 << 30
    /// How many kept-alive connections are remembered.
    static let maxIdle = 4

    private let host: String
    private let port: UInt16
    private let requestHead: [UInt8]
    private let lock = NSLock()
    private var idle: [Int32] = []

    /// nil when `url` is not one this client serves (see the type's documentation).
    init?(url: URL, headers: [String: String], environment: [String: String] = ProcessInfo.processInfo.environment) {
        guard url.scheme?.lowercased() == "http", let host = url.host, !host.isEmpty, url.user == nil,
            url.password == nil, url.fragment == nil
        else { return nil }
        // curl (under URLSession) honours proxy variables; so does the fallback, so this client steps aside.
        for name in ["http_proxy", "HTTP_PROXY", "all_proxy", "ALL_PROXY"] where !(environment[name] ?? "").isEmpty {
            return nil
        }
        let port = url.port ?? 80
        guard (1...65_535).contains(port) else { return nil }
        guard let components = URLComponents(url: url, resolvingAgainstBaseURL: false) else { return nil }
        var target = components.percentEncodedPath.isEmpty ? "/" : components.percentEncodedPath
        if let query = components.percentEncodedQuery { target += "?" + query }
        let hostField = (host.contains(":") ? "[\(host)]" : host) + (url.port.map { ":\($0)" } ?? "")
        var head = "POST \(target) HTTP/1.1\r\nHost: \(hostField)\r\nContent-Type: application/json\r\n"
        head += "Accept: application/json\r\nAccept-Encoding: identity\r\n"
        for (name, value) in headers.sorted(by: { $0.key < $1.key }) {
            let lower = name.lowercased()
            // A header that would break the framing or that this client sets itself: leave it to URLSession.
            guard !name.isEmpty, !(name + value).utf8.contains(where: { $0 == 13 || $0 == 10 }), !name.contains(":"),
                !["host", "content-length", "transfer-encoding", "connection", "accept-encoding"].contains(lower)
            else { return nil }
            head += "\(name): \(value)\r\n"
        }
        guard !target.utf8.contains(where: { $0 == 32 || $0 == 13 || $0 == 10 }) else { return nil }
        self.host = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        self.port = UInt16(port)
        self.requestHead = Array(head.utf8)
    }

    deinit {
        for fd in idle { close(fd) }
    }

    /// POSTs `body` and returns the answer. Throws `CancellationError` when the task is cancelled, ``Unsupported``
    /// otherwise. Blocking socket I/O runs on a thread of its own, never on the caller's executor.
    func post(_ body: [UInt8], timeout: Duration) async throws -> RPCHTTPReply {
        let control = Control()
        let outcome: Result<RPCHTTPReply, any Error> = await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let thread = Thread { [self] in
                    continuation.resume(returning: Result { try self.exchange(body, timeout: timeout, control) })
                }
                thread.name = "kalypso-http"
                thread.start()
            }
        } onCancel: {
            control.cancel()
        }
        if control.isCancelled || Task.isCancelled { throw CancellationError() }
        return try outcome.get()
    }

    /// The blocking exchange: a kept-alive connection first (again on a new one when the server had closed it
    /// before answering), else a new connection.
    private func exchange(_ body: [UInt8], timeout: Duration, _ control: Control) throws -> RPCHTTPReply {
        var head = requestHead
        head += Array("Content-Length: \(body.count)\r\n\r\n".utf8)
        while let fd = takeIdle() {
            guard control.attach(fd) else { throw CancellationError() }
            do {
                return try exchange(on: fd, head: head, body: body, timeout: timeout, control)
            } catch let stale as StaleConnection {
                _ = stale  // closed by the server while idle: nothing was answered, try the next connection
                continue
            }
        }
        let fd = try connect(timeout: timeout, control)
        do {
            return try exchange(on: fd, head: head, body: body, timeout: timeout, control)
        } catch is StaleConnection {
            throw Unsupported(permanent: false, reason: "the connection closed before an answer")
        }
    }

    /// The server closed a connection before sending a byte of the answer.
    private struct StaleConnection: Error {}

    /// `recv` failed (reset, …).
    private struct ConnectionBroke: Error {
        let code: Int32
    }

    private func exchange(on fd: Int32, head: [UInt8], body: [UInt8], timeout: Duration, _ control: Control) throws
        -> RPCHTTPReply
    {
        var keep = false
        defer {
            control.detach()
            if keep { putIdle(fd) } else { close(fd) }
        }
        setTimeouts(fd, timeout)
        try sendAll(fd, head, control)
        try sendAll(fd, body, control)
        var reader = SocketReader(fd: fd, control: control)
        let response = try reader.readResponse()
        keep = response.keepAlive
        return response.reply
    }

    private func takeIdle() -> Int32? {
        lock.withLock { idle.popLast() }
    }

    private func putIdle(_ fd: Int32) {
        let extra: Int32? = lock.withLock {
            guard idle.count < Self.maxIdle else { return fd }
            idle.append(fd)
            return nil
        }
        if let extra { close(extra) }
    }

    // MARK: - Socket

    private func connect(timeout: Duration, _ control: Control) throws -> Int32 {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, String(port), &hints, &list) == 0, let first = list else {
            throw Unsupported(permanent: false, reason: "host not found")
        }
        defer { freeaddrinfo(list) }
        var next: UnsafeMutablePointer<addrinfo>? = first
        while let ai = next {
            next = ai.pointee.ai_next
            let fd = socket(ai.pointee.ai_family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
            if fd < 0 { continue }
            guard control.attach(fd) else {
                close(fd)
                throw CancellationError()
            }
            if Self.connect(fd, ai.pointee.ai_addr, ai.pointee.ai_addrlen, timeout: timeout) {
                var one: Int32 = 1
                setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
                return fd
            }
            control.detach()
            close(fd)
            if control.isCancelled { throw CancellationError() }
        }
        throw Unsupported(permanent: false, reason: "connection refused")
    }

    /// A connect bounded by `timeout` (a blocking one could wait minutes for an unreachable host).
    private static func connect(_ fd: Int32, _ address: UnsafePointer<sockaddr>, _ length: socklen_t, timeout: Duration)
        -> Bool
    {
        let flags = fcntl(fd, F_GETFL)
        _ = fcntl(fd, F_SETFL, flags | O_NONBLOCK)
        defer { _ = fcntl(fd, F_SETFL, flags) }
        if Glibc.connect(fd, address, length) == 0 { return true }
        guard errno == EINPROGRESS else { return false }
        var entry = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
        let ms = Int32(clamping: Int64((timeout.seconds * 1000).rounded(.up)))
        guard poll(&entry, 1, max(1, ms)) == 1 else { return false }
        var error: Int32 = 0
        var size = socklen_t(MemoryLayout<Int32>.size)
        return getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &size) == 0 && error == 0
    }

    private func setTimeouts(_ fd: Int32, _ timeout: Duration) {
        // A backstop a little past the client's own deadline (which cancels, and so shuts the socket down).
        let seconds = max(1, Int(timeout.seconds.rounded(.up)) + 1)
        var value = timeval(tv_sec: seconds, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &value, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &value, socklen_t(MemoryLayout<timeval>.size))
    }

    private func sendAll(_ fd: Int32, _ bytes: [UInt8], _ control: Control) throws {
        try bytes.withUnsafeBytes { buffer in
            guard let base = buffer.baseAddress else { return }
            var sent = 0
            while sent < buffer.count {
                let n = send(fd, base + sent, buffer.count - sent, Int32(MSG_NOSIGNAL))
                if n > 0 {
                    sent += n
                } else if n < 0 && errno == EINTR {
                    continue
                } else {
                    if control.isCancelled { throw CancellationError() }
                    // A kept-alive connection the server closed meanwhile: nothing was answered.
                    throw StaleConnection()
                }
            }
        }
    }

    /// The socket of the exchange in progress, so that a cancellation can shut it down (which wakes the thread).
    final class Control: @unchecked Sendable {
        private let lock = NSLock()
        private var fd: Int32 = -1
        private var cancelled = false

        var isCancelled: Bool { lock.withLock { cancelled } }

        /// False when already cancelled.
        func attach(_ fd: Int32) -> Bool {
            lock.withLock {
                self.fd = fd
                return !cancelled
            }
        }

        func detach() { lock.withLock { fd = -1 } }

        func cancel() {
            lock.withLock {
                cancelled = true
                if fd >= 0 { shutdown(fd, Int32(SHUT_RDWR)) }
            }
        }
    }

    // MARK: - Reading the answer

    struct Response {
        var reply: RPCHTTPReply
        var keepAlive: Bool
    }

    /// Reads one HTTP answer from a socket, buffering what arrives beyond what has been asked for.
    struct SocketReader {
        let fd: Int32
        let control: Control
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        var start = 0
        var end = 0
        /// Whether any byte of the answer has arrived (a connection closed before that was stale).
        var receivedAny = false

        init(fd: Int32, control: Control) {
            self.fd = fd
            self.control = control
        }

        mutating func readResponse() throws -> Response {
            do {
                return try readFramedResponse()
            } catch let broke as ConnectionBroke {
                // Reset before a byte of the answer: a kept-alive connection the server had dropped.
                if !receivedAny { throw StaleConnection() }
                throw Unsupported(permanent: false, reason: "the connection broke (errno \(broke.code))")
            }
        }

        private mutating func readFramedResponse() throws -> Response {
            let head = try readHead()
            guard let parsed = ResponseHead(head) else {
                throw Unsupported(permanent: true, reason: "an answer this client does not read")
            }
            let body: [UInt8]
            var keepAlive = parsed.keepAlive
            switch parsed.framing {
            case .length(let n):
                body = try readBody(length: n)
            case .chunked:
                body = try readChunked()
            case .untilClose:
                body = try readToEnd()
                keepAlive = false
            }
            // Bytes beyond the answer: the connection is out of step, do not reuse it.
            if start != end { keepAlive = false }
            return Response(
                reply: RPCHTTPReply(
                    status: parsed.status, body: body,
                    retryAfter: parsed.retryAfter.flatMap { HTTPRPCTransport.retryAfter($0) }),
                keepAlive: keepAlive)
        }

        /// Up to the blank line after the headers (excluded).
        mutating func readHead() throws -> [UInt8] {
            // Relative to `start`: `fill()` moves the unread bytes to the buffer's front.
            var scanned = 0
            while true {
                while start + scanned + 3 < end {
                    let p = start + scanned
                    if buffer[p] == 13, buffer[p + 1] == 10, buffer[p + 2] == 13, buffer[p + 3] == 10 {
                        let head = Array(buffer[start..<p])
                        start = p + 4
                        return head
                    }
                    scanned += 1
                }
                guard end - start < PlainHTTPClient.maxHeaderBytes else {
                    throw Unsupported(permanent: true, reason: "the answer's headers are too long")
                }
                guard try fill() else {
                    if !receivedAny { throw StaleConnection() }
                    throw Unsupported(permanent: false, reason: "the connection closed inside the headers")
                }
            }
        }

        mutating func readBody(length: Int) throws -> [UInt8] {
            try [UInt8](unsafeUninitializedCapacity: length) { out, initialized in
                let buffered = min(length, end - start)
                for k in 0..<buffered { out[k] = buffer[start + k] }
                start += buffered
                initialized = buffered
                guard let base = out.baseAddress else { return }
                while initialized < length {
                    let n = try receive(into: base + initialized, count: length - initialized)
                    guard n > 0 else {
                        throw Unsupported(
                            permanent: false,
                            reason: "the connection closed after \(initialized) of \(length) bytes (Content-Length)")
                    }
                    initialized += n
                }
            }
        }

        mutating func readChunked() throws -> [UInt8] {
            var body: [UInt8] = []
            while true {
                let line = try readLine()
                // size [; extensions]
                let digits = line.prefix { $0 != UInt8(ascii: ";") }.filter { $0 != 0x20 && $0 != 0x09 }
                guard !digits.isEmpty, digits.count <= 8 else {
                    throw Unsupported(permanent: true, reason: "a malformed chunk size")
                }
                var size = 0
                for d in digits {
                    guard let v = Hex.nibble(d) else {
                        throw Unsupported(permanent: true, reason: "a malformed chunk size")
                    }
                    size = size << 4 | Int(v)
                }
                if size == 0 {
                    // Trailers up to the blank line.
                    while try !readLine().isEmpty {}
                    return body
                }
                guard body.count + size <= PlainHTTPClient.maxBodyBytes else {
                    throw Unsupported(permanent: true, reason: "the answer is too large")
                }
                if body.capacity < body.count + size { body.reserveCapacity(max(body.count + size, body.capacity * 2)) }
                try body.append(contentsOf: readExactly(size))
                guard try readLine().isEmpty else { throw Unsupported(permanent: true, reason: "a malformed chunk") }
            }
        }

        mutating func readToEnd() throws -> [UInt8] {
            var body = Array(buffer[start..<end])
            start = end
            while true {
                guard body.count <= PlainHTTPClient.maxBodyBytes else {
                    throw Unsupported(permanent: true, reason: "the answer is too large")
                }
                guard try fill() else { return body }
                body += buffer[start..<end]
                start = end
            }
        }

        mutating func readExactly(_ n: Int) throws -> ArraySlice<UInt8> {
            if end - start >= n {
                defer { start += n }
                return buffer[start..<start + n]
            }
            return ArraySlice(try readBody(length: n))
        }

        /// A line without its CRLF (bare LF is refused: chunk framing is exact).
        mutating func readLine() throws -> [UInt8] {
            var scanned = 0  // relative to `start`, as in ``readHead()``
            while true {
                while start + scanned + 1 < end {
                    let p = start + scanned
                    if buffer[p] == 13, buffer[p + 1] == 10 {
                        let line = Array(buffer[start..<p])
                        start = p + 2
                        return line
                    }
                    scanned += 1
                }
                guard end - start < 4096 else { throw Unsupported(permanent: true, reason: "a chunk line too long") }
                guard try fill() else {
                    throw Unsupported(permanent: false, reason: "the connection closed inside a chunked answer")
                }
            }
        }

        /// Reads more into the buffer (moving what is unread to its front); false at the end of the connection.
        mutating func fill() throws -> Bool {
            if start > 0 {
                if start < end {
                    let (from, count) = (start, end - start)
                    buffer.withUnsafeMutableBytes { b in
                        guard let base = b.baseAddress else { return }
                        _ = memmove(base, base + from, count)
                    }
                }
                end -= start
                start = 0
            }
            if end == buffer.count { buffer += [UInt8](repeating: 0, count: buffer.count) }
            let fd = fd
            let count = buffer.count - end
            let offset = end
            let control = control
            let n = try buffer.withUnsafeMutableBufferPointer { b in
                guard let base = b.baseAddress else { return 0 }
                return try Self.receive(fd, into: base + offset, count: count, control)
            }
            end += n
            if n > 0 { receivedAny = true }
            return n > 0
        }

        mutating func receive(into pointer: UnsafeMutablePointer<UInt8>, count: Int) throws -> Int {
            try Self.receive(fd, into: pointer, count: count, control)
        }

        /// One `recv`: the byte count (0 at the end of the connection).
        static func receive(_ fd: Int32, into pointer: UnsafeMutablePointer<UInt8>, count: Int, _ control: Control)
            throws -> Int
        {
            while true {
                let n = recv(fd, pointer, count, 0)
                if n >= 0 {
                    if control.isCancelled { throw CancellationError() }
                    return n
                }
                if errno == EINTR { continue }
                if control.isCancelled { throw CancellationError() }
                if errno == EAGAIN || errno == EWOULDBLOCK {
                    throw Unsupported(permanent: false, reason: "no answer within the timeout")
                }
                throw ConnectionBroke(code: errno)
            }
        }
    }
}

extension PlainHTTPClient {
    /// The status line and the headers this client acts on.
    struct ResponseHead: Equatable {
        enum Framing: Equatable {
            case length(Int)
            case chunked
            case untilClose
        }

        var status: Int
        var framing: Framing
        var keepAlive: Bool
        var retryAfter: String?

        /// nil for what the client leaves to URLSession: not HTTP/1.x, a 1xx or 3xx status, a transfer coding other
        /// than `chunked`, conflicting or malformed lengths, a header line that is not `name: value`.
        init?(_ bytes: [UInt8]) {
            // Headers are ASCII (obsolete non-ASCII text is refused).
            guard bytes.allSatisfy({ $0 < 0x80 }) else { return nil }
            let text = String(decoding: bytes, as: UTF8.self)
            let lines = text.split(separator: "\r\n", omittingEmptySubsequences: false)
            let statusLine = lines[0].split(separator: " ", maxSplits: 2, omittingEmptySubsequences: false)
            guard statusLine.count >= 2, statusLine[0] == "HTTP/1.1" || statusLine[0] == "HTTP/1.0",
                statusLine[1].count == 3, let status = Int(statusLine[1]), (200...599).contains(status),
                !(300...399).contains(status)
            else { return nil }
            var length: Int?
            var chunked = false
            var connection: [String] = []
            var retryAfter: String?
            for line in lines.dropFirst() {
                guard let colon = line.firstIndex(of: ":"), colon != line.startIndex,
                    !line[..<colon].contains(where: { $0 == " " || $0 == "\t" })
                else { return nil }
                let name = line[..<colon].lowercased()
                let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
                switch name {
                case "content-length":
                    guard !value.isEmpty, value.allSatisfy(\.isASCII), value.allSatisfy(\.isNumber), value.count <= 12,
                        let n = Int(value), n <= PlainHTTPClient.maxBodyBytes, length == nil || length == n
                    else { return nil }
                    length = n
                case "transfer-encoding":
                    guard value.lowercased() == "chunked", !chunked else { return nil }
                    chunked = true
                case "connection":
                    connection += value.lowercased().split(separator: ",").map {
                        $0.trimmingCharacters(in: .whitespaces)
                    }
                case "retry-after":
                    retryAfter = value
                case "content-encoding":
                    guard value.lowercased() == "identity" else { return nil }
                default:
                    continue
                }
            }
            // Both framings at once is a smuggling pattern: not ours to interpret.
            if chunked && length != nil { return nil }
            self.status = status
            // 204 and 304 never have a body, whatever the headers say.
            self.framing =
                status == 204 || status == 304
                ? .length(0) : chunked ? .chunked : length.map { .length($0) } ?? .untilClose
            self.keepAlive =
                statusLine[0] == "HTTP/1.1" ? !connection.contains("close") : connection.contains("keep-alive")
            self.retryAfter = retryAfter
        }
    }
}
