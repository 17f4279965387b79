import CSystem
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Where a keystore password comes from. The caller wipes the returned bytes.
public protocol PasswordSource: Sendable {
    /// The password for `purpose` (e.g. "keystore ./op.json"); `confirm` asks twice (new keystores).
    func password(for purpose: String, confirm: Bool) throws(KeySourceError) -> [UInt8]
}

/// The first line of a file (mode 600 required, like a key file).
public struct PasswordFile: PasswordSource {
    public let path: String
    public init(path: String) { self.path = path }

    public func password(for purpose: String, confirm: Bool) throws(KeySourceError) -> [UInt8] {
        var bytes = try SecretFile.read(path)
        defer { wipeSecret(&bytes) }
        let end = bytes.firstIndex { $0 == 0x0A || $0 == 0x0D } ?? bytes.count
        return Array(bytes[0..<end])
    }
}

/// A fixed password, for tests and for callers that already hold one.
public struct FixedPassword: PasswordSource {
    let bytes: [UInt8]
    public init(_ password: String) { bytes = Array(password.utf8) }
    public func password(for purpose: String, confirm: Bool) throws(KeySourceError) -> [UInt8] { bytes }
}

/// Asks on the controlling terminal (`/dev/tty`) with echo off.
///
/// The terminal is put in a raw-ish mode (no echo, no canonical editing, no signal keys) so that Ctrl-C
/// arrives as a byte and ends the prompt through the same path as Enter: the saved mode is restored on
/// every exit (a `defer`). A signal sent by another process (`kill`, a closing SSH session: SIGTERM,
/// SIGINT, SIGHUP, SIGQUIT) would end the process with echo still off, so while the prompt waits a
/// handler (``ks_tty_guard_begin``) restores the saved mode first and then lets the signal end the process.
///
/// The prompt is written to the terminal too, never to stdout, so scripts reading stdout see only results.
public struct TerminalPasswordPrompt: PasswordSource {
    public init() {}

    /// Whether a terminal is there to ask on.
    public static var isAvailable: Bool {
        let fd = open("/dev/tty", O_RDWR | O_CLOEXEC)
        guard fd >= 0 else { return false }
        close(fd)
        return true
    }

    public func password(for purpose: String, confirm: Bool) throws(KeySourceError) -> [UInt8] {
        let fd = open("/dev/tty", O_RDWR | O_CLOEXEC)
        guard fd >= 0 else { throw .passwordUnavailable(purpose) }
        defer { close(fd) }
        var first = try ask(fd, "Password for \(purpose): ")
        guard confirm else { return first }
        var second = try ask(fd, "Repeat the password: ")
        defer { wipeSecret(&second) }
        guard first == second else {
            wipeSecret(&first)
            throw .passwordRejected("the two passwords differ")
        }
        guard !first.isEmpty else { throw .passwordRejected("an empty password does not protect the key") }
        return first
    }

    func ask(_ fd: Int32, _ prompt: String) throws(KeySourceError) -> [UInt8] {
        var saved = termios()
        guard tcgetattr(fd, &saved) == 0 else { throw .passwordUnavailable(prompt) }
        var raw = saved
        raw.c_lflag &= ~tcflag_t(ECHO | ECHONL | ICANON | ISIG | IEXTEN)
        withUnsafeMutableBytes(of: &raw.c_cc) { cc in
            cc[Int(VMIN)] = 1
            cc[Int(VTIME)] = 0
        }
        writeAll(fd, prompt)
        // The guard first, so no signal finds the terminal without echo and nobody to restore it.
        guard ks_tty_guard_begin(fd, &saved) == 0 else { throw .passwordUnavailable(prompt) }
        guard tcsetattr(fd, TCSAFLUSH, &raw) == 0 else {
            ks_tty_guard_end()
            throw .passwordUnavailable(prompt)
        }
        defer {
            tcsetattr(fd, TCSAFLUSH, &saved)
            ks_tty_guard_end()
            writeAll(fd, "\n")
        }
        var out = [UInt8]()
        out.reserveCapacity(256)
        var byte: UInt8 = 0
        while true {
            let n = read(fd, &byte, 1)
            if n < 0 && errno == EINTR { continue }
            guard n == 1 else {
                wipeSecret(&out)
                throw .passwordRejected("the terminal closed")
            }
            switch byte {
            case 0x0D, 0x0A:
                defer { byte = 0 }
                return out
            case 0x03, 0x04:  // Ctrl-C, Ctrl-D
                wipeSecret(&out)
                throw .passwordRejected("cancelled")
            case 0x7F, 0x08:
                if !out.isEmpty {
                    out[out.count - 1] = 0
                    out.removeLast()
                }
            case 0x15:  // Ctrl-U: start over
                wipeSecret(&out)
                out.removeAll(keepingCapacity: true)
            default:
                // Past the reserved capacity an append would copy the bytes to a new buffer and leave
                // the old one unwiped, so the length is bounded.
                guard out.count < 256 else { continue }
                out.append(byte)
            }
        }
    }

    func writeAll(_ fd: Int32, _ text: String) {
        let bytes = Array(text.utf8)
        _ = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
    }
}
