#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A self-pipe that lets another thread end the loop's wait for input early (a task's result arrived).
///
/// `signal()` writes one byte (callable from any thread); the terminal polls `readFD` beside its input
/// and calls `clear()` when it fires. Both ends are non-blocking, so a full pipe only means "already
/// signalled".
package final class WakeSignal: Sendable {
    /// The end the terminal polls.
    package let readFD: Int32
    private let writeFD: Int32

    /// Nil when the process is out of file descriptors (the loop then wakes on its timeout only).
    package init?() {
        var fds: [Int32] = [-1, -1]
        guard pipe(&fds) == 0 else { return nil }
        for fd in fds {
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL, 0) | O_NONBLOCK)
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        }
        readFD = fds[0]
        writeFD = fds[1]
    }

    deinit {
        close(readFD)
        close(writeFD)
    }

    package func signal() {
        var byte: UInt8 = 1
        _ = write(writeFD, &byte, 1)
    }

    /// Empties the pipe so the next poll waits again.
    package func clear() {
        var buf = [UInt8](repeating: 0, count: 64)
        while read(readFD, &buf, buf.count) > 0 {}
    }
}
