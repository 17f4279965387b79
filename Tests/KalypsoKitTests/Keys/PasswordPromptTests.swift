import Foundation
import TestSupport
import Testing

@testable import KalypsoKit

/// The password prompt on a real terminal (tmux): no echo, and the terminal mode restored after Enter,
/// after Ctrl-C and after a SIGTERM or SIGINT sent by another process.
@Suite("Keys: password prompt on a terminal", .serialized)
struct PasswordPromptTests {
    static let password = "Tty-Pr0mpt-Secret"

    /// Whether `stty -a` shows echo, canonical input and signal keys on (as the shell had them).
    static func modeRestored(_ screen: String) -> Bool {
        let words = Set(screen.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == ";" }).map(String.init))
        return words.isSuperset(of: ["echo", "icanon", "isig"])
            && words.isDisjoint(with: ["-echo", "-icanon", "-isig"])
    }

    /// Runs `key new` in tmux, then `stty -a` so the screen shows the terminal mode left behind.
    func session(_ dir: ScratchDirectory) throws -> Tmux {
        let bin = Tmux.quote(RepoPaths.consoleBinary)
        let out = Tmux.quote(dir.path + "/t.json")
        return try Tmux(
            command: "sh -c \(Tmux.quote("\(bin) key new --out \(out); echo KEY_STATUS=$?; stty -a"))", cols: 160,
            rows: 40
        )
    }

    @Test("typed twice without echo: the keystore opens with it, and echo is back afterwards")
    func enter() async throws {
        let dir = try ScratchDirectory()
        let screen = try await offThePool {
            let tm = try session(dir)
            defer { tm.close() }
            _ = try tm.waitFor(text: "Password for the new keystore")
            try tm.type(Self.password)
            try tm.send("Enter")
            _ = try tm.waitFor(text: "Repeat the password")
            try tm.type(Self.password)
            try tm.send("Enter")
            // Scrypt at the keystore's full cost shares two cores with the rest of the suite in CI (where
            // the RFC 7914 and pycryptodome scrypt tests run beside it): a 10 s wait expired there.
            return try tm.waitFor(text: "EXIT=", timeout: .seconds(120))
        }
        #expect(screen.contains("KEY_STATUS=0"))
        #expect(!screen.contains(Self.password))
        #expect(Self.modeRestored(screen), "\(screen)")
        let json = try String(contentsOfFile: dir.path + "/t.json", encoding: .utf8)
        let key = try Web3Keystore.decrypt(json, password: Array(Self.password.utf8), path: "t.json")
        #expect(screen.contains(key.address.checksummed))
    }

    /// Half a password typed at the prompt, then `interrupt`; the screen once the shell reports the exit.
    func interrupted(_ dir: ScratchDirectory, _ interrupt: @escaping @Sendable (Tmux) throws -> Void) async throws
        -> String
    {
        try await offThePool {
            let tm = try session(dir)
            defer { tm.close() }
            _ = try tm.waitFor(text: "Password for the new keystore")
            try tm.type("half-typed")
            try interrupt(tm)
            return try tm.waitFor(text: "EXIT=")
        }
    }

    @Test("Ctrl-C cancels: exit 3, nothing written, the terminal mode restored")
    func ctrlC() async throws {
        let dir = try ScratchDirectory()
        let screen = try await interrupted(dir) { tm in try tm.send("C-c") }
        #expect(screen.contains("KEY_STATUS=3"))
        #expect(screen.contains("No password entered"))
        #expect(!screen.contains("half-typed"))
        #expect(Self.modeRestored(screen), "\(screen)")
        #expect(!FileManager.default.fileExists(atPath: dir.path + "/t.json"))
    }

    struct NoProcess: Error, CustomStringConvertible {
        var description: String { "no kalypso-console process under the pane" }
    }

    /// The running `kalypso-console` under the pane (the pane's shell runs `sh -c`, which runs it).
    static func consolePID(_ tm: Tmux) throws -> Int32 {
        let start = ContinuousClock.now
        while ContinuousClock.now - start < .seconds(10) {
            var queue = [try tm.programPID()]
            while let pid = queue.popLast() {
                let comm = (try? String(contentsOfFile: "/proc/\(pid)/comm", encoding: .utf8)) ?? ""
                if comm.hasPrefix("kalypso-console") { return pid }
                queue += Tmux.children(of: pid)
            }
            usleep(20_000)
        }
        throw NoProcess()
    }

    @Test(
        "a signal from another process while the prompt waits: the process ends by it, echo is back",
        arguments: [(SIGTERM, 143), (SIGINT, 130)])
    func signalFromOutside(signal: Int32, status: Int) async throws {
        let dir = try ScratchDirectory()
        let screen = try await interrupted(dir) { tm in
            let pid = try Self.consolePID(tm)
            #expect(kill(pid, signal) == 0)
        }
        // 128 + the signal: the shell saw the process end by the signal itself, as without the guard.
        #expect(screen.contains("KEY_STATUS=\(status)"), "\(screen)")
        #expect(!screen.contains("half-typed"))
        #expect(Self.modeRestored(screen), "\(screen)")
        #expect(!FileManager.default.fileExists(atPath: dir.path + "/t.json"))
    }
}
