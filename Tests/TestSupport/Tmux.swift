import Foundation

/// A private tmux server running one command in a window of a given size, driven like a person:
/// keys in (send-keys), screen out (capture-pane), window resizes.
///
/// Every instance has its own socket in its own temporary folder (`-S`), no user configuration
/// (`-f /dev/null`), and is killed and deleted on `close()`/deinit. Waits poll the screen with a
/// timeout; nothing sleeps for a fixed time.
public final class Tmux {
    public struct Timeout: Error, CustomStringConvertible {
        public let what: String
        public let screen: String
        public var description: String { "timed out waiting for \(what); screen was:\n\(screen)" }
    }

    public struct CommandFailed: Error, CustomStringConvertible {
        public let description: String
    }

    public let directory: String
    public var socket: String { directory + "/sock" }
    private var closed = false

    /// Starts `command` (run by /bin/sh) in a detached session of `cols`×`rows`.
    /// `env` is applied with `env(1)` inside the pane, so it wins over whatever tmux sets (TERM).
    /// `NO_COLOR` and `COLORTERM` of the test process are removed unless given in `env`, so the
    /// program sees only what the test sets. When `reportExit` is true the pane prints
    /// `EXIT=<status>` after the command ends and stays open.
    public init(
        command: String, cols: Int = 100, rows: Int = 30, env: [String: String] = [:], unset: [String] = [],
        reportExit: Bool = true
    ) throws {
        directory =
            FileManager.default.temporaryDirectory.appendingPathComponent(
                "tmux-\(getpid())-\(UUID().uuidString.prefix(8))"
            ).path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var full = "env"
        for u in Set(unset + ["NO_COLOR", "COLORTERM"]).subtracting(env.keys).sorted() { full += " -u \(u)" }
        for (k, v) in env.sorted(by: { $0.key < $1.key }) { full += " \(Self.quote("\(k)=\(v)"))" }
        full += " " + command
        if reportExit { full += "; echo EXIT=$?; exec sleep 600" }
        try tmux(["-f", "/dev/null", "new-session", "-d", "-s", "t", "-x", "\(cols)", "-y", "\(rows)", full])
    }

    /// Single-quotes a word for /bin/sh.
    public static func quote(_ s: String) -> String { "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'" }

    /// Runs a tmux command against this server (`run(["set-option", "-g", "set-clipboard", "on"])`).
    @discardableResult
    public func run(_ args: [String]) throws -> String { try tmux(args) }

    @discardableResult
    func tmux(_ args: [String]) throws -> String {
        var env = ProcessInfo.processInfo.environment
        env["TMUX"] = nil
        let r = try runProcess(["tmux", "-S", socket] + args, environment: env)
        guard r.succeeded else {
            throw CommandFailed(description: "tmux \(args.joined(separator: " ")) exited \(r.status): \(r.output)")
        }
        return r.output
    }

    /// Sends keys as tmux names them ("j", "Enter", "Escape", "C-z", "PageDown", "F5").
    public func send(_ keys: String...) throws { try tmux(["send-keys", "-t", "t"] + keys) }

    /// Types text literally.
    public func type(_ text: String) throws { try tmux(["send-keys", "-t", "t", "-l", text]) }

    /// The visible screen; `escapes` keeps colours and attributes as SGR sequences.
    public func capture(escapes: Bool = false) throws -> String {
        try tmux(["capture-pane", "-p", "-t", "t"] + (escapes ? ["-e"] : []))
    }

    public func resize(cols: Int, rows: Int) throws {
        try tmux(["resize-window", "-t", "t", "-x", "\(cols)", "-y", "\(rows)"])
    }

    /// A tmux format variable of the pane (e.g. `alternate_on`, `pane_pid`).
    public func paneValue(_ name: String) throws -> String {
        try tmux(["display-message", "-p", "-t", "t", "#{\(name)}"]).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Polls the screen until `predicate` holds; throws with the last screen after `timeout`.
    @discardableResult
    public func waitFor(
        _ what: String = "the expected screen", timeout: Duration = .seconds(10), escapes: Bool = false,
        _ predicate: (String) -> Bool
    ) throws -> String {
        let start = ContinuousClock.now
        var screen = ""
        while ContinuousClock.now - start < timeout {
            screen = try capture(escapes: escapes)
            if predicate(screen) { return screen }
            usleep(20_000)
        }
        throw Timeout(what: what, screen: screen)
    }

    /// Waits until the screen contains `text`.
    @discardableResult
    public func waitFor(text: String, timeout: Duration = .seconds(10)) throws -> String {
        try waitFor("\"\(text)\"", timeout: timeout) { $0.contains(text) }
    }

    /// Waits for the program to end with `code` (the pane prints `EXIT=<code>`). The wait is long because a
    /// starved CI machine can take seconds to schedule a quitting process; when it still times out, the
    /// error tells what the program's threads were waiting in, so a hang can be told from slowness.
    @discardableResult
    public func waitForExit(_ code: Int32 = 0, timeout: Duration = .seconds(30)) throws -> String {
        do {
            return try waitFor(text: "EXIT=\(code)", timeout: timeout)
        } catch let timeout as Timeout {
            throw Timeout(what: timeout.what + " (\(programThreads()))", screen: timeout.screen)
        }
    }

    /// The program's threads: name, state and kernel wait channel of each (from /proc), for error reports.
    func programThreads() -> String {
        guard let shell = (try? paneValue("pane_pid")).flatMap({ Int32($0) }) else { return "no pane" }
        let programs = Self.children(of: shell)
        guard !programs.isEmpty else { return "no program running under the pane's shell" }
        func read(_ path: String) -> String {
            let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? "?"
            return text.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        return programs.map { pid in
            let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/task")) ?? []
            let threads = tasks.sorted().map { t in
                let stat = read("/proc/\(pid)/task/\(t)/stat")
                let state =
                    stat.lastIndex(of: ")").map { String(stat[stat.index($0, offsetBy: 2)...].prefix(1)) } ?? "?"
                return "\(read("/proc/\(pid)/task/\(t)/comm")) \(state) \(read("/proc/\(pid)/task/\(t)/wchan"))"
            }
            return "pid \(pid): " + threads.joined(separator: "; ")
        }.joined(separator: " | ")
    }

    /// Process ids of the direct children of `pid` (from /proc).
    public static func children(of pid: Int32) -> [Int32] {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return [] }
        return entries.compactMap { name -> Int32? in
            guard let p = Int32(name), let stat = try? String(contentsOfFile: "/proc/\(name)/stat", encoding: .utf8),
                let close = stat.lastIndex(of: ")")
            else { return nil }
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            return fields.count > 2 && Int32(fields[1]) == pid ? p : nil
        }
    }

    /// The process started by the pane's shell (the program under test).
    public func programPID(timeout: Duration = .seconds(5)) throws -> Int32 {
        guard let shell = Int32(try paneValue("pane_pid")) else { throw CommandFailed(description: "no pane pid") }
        let start = ContinuousClock.now
        while ContinuousClock.now - start < timeout {
            if let c = Self.children(of: shell).first { return c }
            usleep(20_000)
        }
        throw CommandFailed(description: "the pane's shell has no child process")
    }

    public func close() {
        guard !closed else { return }
        closed = true
        _ = try? tmux(["kill-server"])
        try? FileManager.default.removeItem(atPath: directory)
    }

    deinit { close() }
}
