import Foundation
import TerminalKitTesting
import TestSupport
import Testing

/// The real `kalypso-console` (no subcommand: the console) under tmux against one seeded Generation B
/// devnet shared by the suite: screens by number and name, read-only showing no write action (help
/// included), resize to tiny and back.
@Suite(.serialized) struct ConsoleDevnetEndToEndTests {
    /// Seeded, with our operator onboarded on market 1 (registered and staked), so it can join market 2.
    static let devnet = SharedDevnet {
        try await DevnetNetwork.start(generation: "B", seed: true, arguments: ["--onboard"])
    }
    static let utf8 = ["LANG": "C.UTF-8", "TERM": "xterm-256color"]

    /// Starts the console on the devnet with a database of its own and waits for the markets (on Markets,
    /// screen 2, unless `flags` name a screen: the console opens on Onboarding, screen 1).
    static func start(_ net: DevnetNetwork, _ flags: String, cols: Int = 120, rows: Int = 40) throws -> Tmux {
        let flags = flags.contains("--screen") ? flags : flags + " --screen markets"
        let db = FileManager.default.temporaryDirectory.path + "/console-e2e-\(UUID().uuidString.prefix(8)).sqlite"
        let command =
            Tmux.quote(RepoPaths.consoleBinary) + " --config " + Tmux.quote(net.configPath) + " --database "
            + Tmux.quote(db) + " " + flags
        let tm = try Tmux(command: command, cols: cols, rows: rows, env: utf8, unset: ["KALYPSO_PRIVATE_KEY"])
        // The first sync of a fresh database runs under load: generous, as the other devnet suites.
        try tm.waitFor("the console's header", timeout: .seconds(60)) { $0.contains("[RW]") || $0.contains("[RO]") }
        // Rows from the cache: a table's "N of M" count, or a screen's own words for having none.
        try tm.waitFor("rows from the cache", timeout: .seconds(120)) {
            ($0.contains(" of ") && !$0.contains("0 of 0")) || $0.contains("Our jobs")
        }
        return tm
    }

    @Test func navigatesScreensByNumberAndName() async throws {
        let net = try await Self.devnet.get()
        let tm = try Self.start(net, "--key-file " + Tmux.quote(net.operatorKeyFile))
        defer { tm.close() }
        var screen = try tm.capture()
        #expect(screen.contains("[RW]"))
        #expect(screen.contains("chain \(net.chainId)"))
        try tm.send("3")
        screen = try tm.waitFor(text: "[3 Jobs]")
        #expect(screen.contains("Our jobs"))
        try tm.send(":")
        try tm.type("rew")
        try tm.send("Tab")
        try tm.waitFor(text: ":rewards")
        try tm.send("Enter")
        try tm.waitForAll(["[6 Rewards]", "Claimable", "History"])
        try tm.send("8")
        try tm.waitForAll(["[8 Activity]", "Transactions", "Console log"])
        try tm.send("2")
        try tm.waitFor(text: "[2 Markets]")
        try tm.send("Enter")
        try tm.waitForAll(["Verifier", "Prover image", "J join"])
        // Esc closes the view (and says nothing); wait for it, so the next key is not read as Alt+key.
        try tm.send("Escape")
        screen = try tm.waitFor(text: "Enter Market detail")
        #expect(!screen.contains("cancelled"))
        try tm.send("q")
        try tm.waitForExit()
    }

    /// Whether one line of the screen holds both texts (a detail view's label and its value).
    static func line(_ screen: String, _ label: String, _ value: String) -> Bool {
        screen.split(separator: "\n").contains { $0.contains(label) && $0.contains(value) }
    }

    /// `proverInfoPerMarket(operator, market)`'s state (spec selectors: 0xbe51f4ef), read with the test's
    /// own eth_call: 0 not joined, 1 joined.
    static func memberState(_ net: DevnetNetwork, market: Int) async throws -> Int? {
        let me = net.operatorAddress.lowercased().replacingOccurrences(of: "0x", with: "")
        let id = String(market, radix: 16)
        let data =
            "0xbe51f4ef" + String(repeating: "0", count: 64 - me.count) + me
            + String(repeating: "0", count: 64 - id.count) + id
        let result = try await net.rpc.callString(
            "eth_call", [["to": try net.contract("proverManager"), "data": data], "latest"])
        let hex = result.hasPrefix("0x") ? String(result.dropFirst(2)) : result
        return Int(hex.prefix(64), radix: 16)
    }

    @Test func joinsAPublicMarketThroughTheReview() async throws {
        let net = try await Self.devnet.get()
        #expect(try await Self.memberState(net, market: 2) == 0)
        let tm = try Self.start(net, "--key-file " + Tmux.quote(net.operatorKeyFile))
        defer { tm.close() }
        // Market 2 is the second row (public, not joined).
        try tm.send("j")
        try tm.send("Enter")
        try tm.waitFor("market 2's detail") {
            $0.contains("Market 2") && Self.line($0, "Kind", "public") && Self.line($0, "Our status", "not joined")
        }
        try tm.send("J")
        try tm.waitForAll(["Join market 2", "Compute per request", "Proof cost", "Proposed time"])
        // The proof cost as the operator types it (whatever was suggested is erased first).
        try tm.send("Tab")
        for _ in 0..<30 { try tm.send("BSpace") }
        try tm.type("5")
        try tm.send("Enter")
        // The review: the call in words, and the focus on Cancel.
        var screen = try tm.waitFor(text: "Send", timeout: .seconds(60))
        #expect(screen.contains("Join market 2"))
        try tm.send("Right")
        try tm.send("Enter")
        screen = try tm.waitFor(text: "Join market 2: sent 0x", timeout: .seconds(120))
        #expect(try await Self.memberState(net, market: 2) == 1)
        // Leave again from the same view: with nothing running, the exit request leaves at once (Gen B).
        try tm.waitFor("the detail with our membership", timeout: .seconds(60)) {
            Self.line($0, "Our status", "joined") && !$0.contains("not joined")
        }
        try tm.send("L")
        screen = try tm.waitFor(text: "Send", timeout: .seconds(60))
        #expect(screen.contains("Leave market 2"))
        try tm.send("Right")
        try tm.send("Enter")
        try tm.waitFor(text: "Leave market 2: sent 0x", timeout: .seconds(120))
        #expect(try await Self.memberState(net, market: 2) == 0)
        try tm.send("Escape")
        try tm.waitFor(text: "Enter Market detail")
        // The Activity screen lists them from the journal.
        try tm.send("8")
        try tm.waitForAll(["[8 Activity]", "confirmed"], timeout: .seconds(30))
        try tm.send("q")
        try tm.waitForExit()
    }

    @Test func readOnlyShowsNoWriteActionAnywhere() async throws {
        let net = try await Self.devnet.get()
        let tm = try Self.start(net, "--read-only")
        defer { tm.close() }
        var screen = try tm.capture()
        #expect(screen.contains("[RO]"))
        try tm.send("Enter")
        screen = try tm.waitFor(text: "Verifier")
        #expect(!screen.contains("J join"))
        #expect(!screen.contains("L leave"))
        try tm.send("Escape")
        try tm.waitFor(text: "Enter Market detail")
        for n in ["1", "2", "3", "4", "5", "6", "7", "8"] {
            try tm.send(n)
            try tm.send("?")
            screen = try tm.waitFor(text: "Keys:")
            for words in [
                "Join this", "Leave this", "Claim our", "Speed up", "Cancel a pending", "Stake more",
                "Request a withdrawal", "Withdraw what", "Run the enclave's benchmark",
            ] {
                #expect(!screen.contains(words), "screen \(n) help offers \(words)")
            }
            try tm.send("Escape")
            try tm.waitFor("help closed") { !$0.contains("Keys:") }
        }
        // The write keys do nothing at all.
        try tm.send("6")
        try tm.send("C")
        screen = try tm.capture()
        #expect(!screen.contains("review"))
        try tm.send("q")
        try tm.waitForExit()
    }

    @Test func resizeToTinyAndBack() async throws {
        let net = try await Self.devnet.get()
        let tm = try Self.start(net, "--read-only --screen jobs", cols: 80, rows: 24)
        defer { tm.close() }
        try tm.waitFor(text: "[3 Jobs]")
        try tm.resize(cols: 30, rows: 8)
        try tm.waitFor(text: "needs 60×12")
        try tm.resize(cols: 1, rows: 1)
        try tm.waitFor("the 1x1 screen") { $0.trimmingCharacters(in: .whitespacesAndNewlines).count <= 1 }
        try tm.resize(cols: 200, rows: 60)
        try tm.waitForAll(["[3 Jobs]", "[RO]", "Our jobs"])
        try tm.send("q")
        try tm.waitForExit()
    }

    @Test func notATerminalSaysSoWithAHint() throws {
        // Output to a file and stdin from /dev/null: no terminal at all.
        let r = try runProcess([RepoPaths.consoleBinary, "--read-only"], environment: Self.utf8)
        #expect(r.status == 2)
        #expect(r.output.contains("error: stdout is not a terminal, so the console cannot start"))
        #expect(r.output.contains("hint: run it in a terminal (over SSH: ssh -t)"))
    }
}
