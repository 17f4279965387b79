import Basics
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// An exclusive lock that every process using one database respects while it picks a nonce, journals
/// and sends: an `flock` on a file next to the database, so a console and a headless command on the
/// same box never give two transactions the same nonce. The kernel drops it if the holder dies.
public struct NonceLock: Sendable {
    public let path: String

    /// The lock of the database at `databasePath` (`<database>.nonce-lock`).
    public init(databasePath: String) {
        path = databasePath + ".nonce-lock"
    }

    /// Waits for the lock without blocking a thread of the cooperative pool (non-blocking tries with a
    /// short sleep between), and returns the held lock.
    public func acquire(timeout: Duration = .seconds(60)) async throws -> HeldNonceLock {
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw NonceLockError(path: path, reason: String(cString: strerror(errno))) }
        let deadline = ContinuousClock.now + timeout
        while flock(fd, LOCK_EX | LOCK_NB) != 0 {
            let code = errno
            guard code == EWOULDBLOCK || code == EINTR else {
                close(fd)
                throw NonceLockError(path: path, reason: String(cString: strerror(code)))
            }
            guard ContinuousClock.now < deadline else {
                close(fd)
                throw NonceLockError(path: path, reason: "another kalypso-console process held it for \(timeout)")
            }
            do {
                try await Task.sleep(for: .milliseconds(10))
            } catch {
                close(fd)
                throw error
            }
        }
        return HeldNonceLock(fd: fd)
    }
}

/// A held nonce lock; released by ``release()`` or when the value is freed.
public final class HeldNonceLock: @unchecked Sendable {
    // Guarded by `mutex`: release may be called from whichever task finishes the send.
    private var fd: Int32
    private let mutex = NSLock()

    init(fd: Int32) { self.fd = fd }

    public func release() {
        mutex.lock()
        defer { mutex.unlock() }
        guard fd >= 0 else { return }
        flock(fd, LOCK_UN)
        close(fd)
        fd = -1
    }

    deinit { release() }
}

/// The nonce lock file cannot be opened or was held too long by another process.
public struct NonceLockError: OperatorError {
    public var path: String
    public var reason: String
    public var code: ErrorCode { .txNonceLock }
    public var title: String { "Cannot take the nonce lock" }
    public var detail: String { "\(path): \(reason)" }
    public var hint: String {
        "Another kalypso-console may be sending; wait for it, or check the folder's permissions."
    }
    public var isRetryable: Bool { true }
}

extension ErrorCode {
    public static let txNonceLock: ErrorCode = "tx.nonceLock"
}
