import Basics
import CSystem
import Foundation
import Synchronization
import TerminalKit

/// A pseudo-terminal pair for running curses without a real terminal (tests, benchmarks): curses
/// writes to the slave side, and a background thread drains the master side and counts the bytes,
/// which is exactly what a terminal emulator (or an SSH connection) would receive.
public final class PseudoTerminal: @unchecked Sendable {
    public let master: Int32
    public let slave: Int32
    /// FILE streams on the slave for `CursesConfiguration.output` / `.input`.
    public let output: UnsafeMutablePointer<FILE>
    public let input: UnsafeMutablePointer<FILE>
    private let received = Mutex<(count: Int, lastAt: ContinuousClock.Instant, bytes: [UInt8])>((0, .now, []))
    private let running = Atomic<Bool>(true)
    private let keepBytes: Bool
    private var thread: Thread?

    /// The pseudo-terminal could not be opened.
    public struct OpenError: OperatorError {
        /// The failing call and the system's reason.
        public let detail: String
        public init(detail: String) { self.detail = detail }
        public var description: String { detail }
        public var code: ErrorCode { .pseudoTerminalUnavailable }
        public var title: String { "Cannot open a pseudo-terminal" }
        public var hint: String {
            "Check that /dev/ptmx exists and devpts is mounted (containers), and that the process has file descriptors left."
        }
    }

    /// Opens a pty of `size`; `keepBytes` keeps a copy of the output for inspection.
    public init(size: Size, keepBytes: Bool = false) throws {
        var m: Int32 = -1, s: Int32 = -1
        guard ks_openpty(&m, &s, UInt16(clamping: size.height), UInt16(clamping: size.width)) == 0 else {
            throw OpenError(detail: "openpty failed: \(String(cString: strerror(errno)))")
        }
        guard let out = fdopen(s, "w"), let inp = fdopen(dup(s), "r") else {
            closeFD(m)
            closeFD(s)
            throw OpenError(detail: "fdopen on the pty failed: \(String(cString: strerror(errno)))")
        }
        setvbuf(out, nil, _IOFBF, 1 << 16)
        master = m
        slave = s
        output = out
        input = inp
        self.keepBytes = keepBytes
        let t = Thread { [self] in self.drain() }
        thread = t
        t.start()
    }

    private func drain() {
        var buf = [UInt8](repeating: 0, count: 65536)
        while running.load(ordering: .relaxed) {
            var pfd = pollfd(fd: master, events: Int16(POLLIN), revents: 0)
            let r = poll(&pfd, 1, 20)
            if r <= 0 { continue }
            let n = read(master, &buf, buf.count)
            if n <= 0 {
                if n < 0 && errno == EINTR { continue }
                break
            }
            let keep = keepBytes
            received.withLock {
                $0.count += n
                $0.lastAt = .now
                if keep { $0.bytes += buf[0..<n] }
            }
        }
    }

    /// Bytes received from the program so far.
    public var byteCount: Int { received.withLock { $0.count } }

    /// The bytes received so far (only with `keepBytes`).
    public var bytes: [UInt8] { received.withLock { $0.bytes } }

    /// Waits until nothing has arrived for `quiet` (the program's last write has been drained), then
    /// returns the byte count.
    @discardableResult
    public func settle(quiet: Duration = .milliseconds(30), timeout: Duration = .seconds(5)) -> Int {
        let start = ContinuousClock.now
        while ContinuousClock.now - start < timeout {
            let (count, last) = received.withLock { ($0.count, $0.lastAt) }
            // Quiet is not enough on a loaded machine: the reader thread may not have run yet, so the
            // program's bytes can still sit unread in the pty. Settled means quiet and nothing pending.
            if ContinuousClock.now - last >= quiet && ContinuousClock.now - start >= quiet
                && ks_pending_bytes(master) == 0
            {
                usleep(20_000)  // a read that already returned may not be counted yet
                if received.withLock({ $0.count }) == count && ks_pending_bytes(master) == 0 { return count }
                continue
            }
            usleep(5000)
        }
        return byteCount
    }

    /// Types bytes as if from the keyboard.
    public func send(_ bytes: [UInt8]) {
        var off = 0
        while off < bytes.count {
            let n = bytes[off...].withUnsafeBufferPointer { write(master, $0.baseAddress, $0.count) }
            if n <= 0 { return }
            off += n
        }
    }

    public func send(_ text: String) { send(Array(text.utf8)) }

    /// Changes the window size (the program gets SIGWINCH if it is the foreground process).
    public func resize(to size: Size) {
        _ = ks_set_winsize(master, UInt16(clamping: size.height), UInt16(clamping: size.width))
    }

    /// Stops the reader and closes everything. Call after curses has shut down.
    public func close() {
        guard running.exchange(false, ordering: .relaxed) else { return }
        while thread?.isFinished == false { usleep(2000) }
        fclose(output)
        fclose(input)
        closeFD(master)
    }

    deinit { close() }
}

/// The POSIX close(2), reachable inside a type that has its own `close()`.
private func closeFD(_ fd: Int32) { _ = close(fd) }
