import Foundation
import TerminalKitTesting
import TestSupport
import Testing

/// The real console under tmux against one seeded Generation A devnet (GeneratorRegistry, time in blocks)
/// shared by the suite, our operator onboarded into the private market: markets list and detail, join and
/// leave through the review, a stake withdrawal requested and completed from the Stake screen, a job of ours
/// with its block deadline in wall time, read-only showing no write action (help included), resize to
/// tiny and back. Chain state is checked with the test's own eth_calls after each write. Screens are
/// reached by `:name` and `--screen`, never by number.
@Suite(.serialized) struct ConsoleGenAEndToEndTests {
    static let devnet = SharedDevnet {
        try await DevnetNetwork.start(generation: "A", seed: true, arguments: ["--onboard"])
    }

    static func start(_ net: DevnetNetwork, _ flags: String, cols: Int = 120, rows: Int = 40) throws -> Tmux {
        try ConsoleDevnetEndToEndTests.start(net, flags, cols: cols, rows: rows)
    }

    static func writable(_ net: DevnetNetwork) -> String { "--key-file " + Tmux.quote(net.operatorKeyFile) }

    /// Goes to a screen by name through the palette, as an operator would.
    static func go(_ tm: Tmux, _ name: String, title: String) throws {
        try tm.send(":")
        try tm.type(name)
        try tm.send("Enter")
        try tm.waitFor("the \(title) screen") { $0.contains(" \(title)]") }
    }

    // MARK: The test's own chain reads (selectors from abi/selectors.md)

    static func word(_ hex: String) -> String {
        let h = hex.lowercased().replacingOccurrences(of: "0x", with: "")
        return String(repeating: "0", count: max(0, 64 - h.count)) + h
    }

    /// The 32-byte words an eth_call returned.
    static func call(_ net: DevnetNetwork, _ role: String, _ data: String) async throws -> [String] {
        let result = try await net.rpc.callString(
            "eth_call", [["to": try net.contract(role), "data": data], "latest"])
        let hex = Array(result.hasPrefix("0x") ? result.dropFirst(2) : Substring(result))
        return stride(from: 0, to: hex.count - 63, by: 64).map { String(hex[$0..<$0 + 64]) }
    }

    static func decimal(_ word: String) -> Decimal {
        word.reduce(Decimal(0)) { acc, c in c.hexDigitValue.map { acc * 16 + Decimal($0) } ?? acc }
    }

    /// `generatorInfoPerMarket(operator, market)` (0x9a7fca8e)'s state: 0 not joined, 1 joined.
    static func memberState(_ net: DevnetNetwork, market: Int) async throws -> Int? {
        let words = try await call(
            net, "generatorRegistry",
            "0x9a7fca8e" + word(net.operatorAddress) + word(String(market, radix: 16)))
        return words.first.flatMap { Int($0, radix: 16) }
    }

    /// `generatorRegistry(operator)` (0x8cfc56d8): totalStake and intendedStakeUtilization (1e18: none pending).
    static func stake(_ net: DevnetNetwork) async throws -> (total: Decimal, utilization: Decimal) {
        let words = try await call(net, "generatorRegistry", "0x8cfc56d8" + word(net.operatorAddress))
        try #require(words.count >= 8)
        return (decimal(words[1]), decimal(words[7]))
    }

    static let e18 = Decimal(sign: .plus, exponent: 18, significand: 1)

    /// The market ids of a kind, from devnet/up's summary.
    static func market(_ net: DevnetNetwork, _ kind: String) throws -> Int {
        try #require(net.markets.filter { $0.value == kind }.compactMap { Int($0.key) }.min(), "no \(kind) market")
    }

    // MARK: Tests

    @Test func listsMarketsAndOpensTheDetail() async throws {
        let net = try await Self.devnet.get()
        let tm = try Self.start(net, Self.writable(net) + " --screen markets")
        defer { tm.close() }
        var screen = try tm.waitForAll(["[RW]", "Gen A", "chain \(net.chainId)", "Markets]"])
        // One row per market of the deployment: "N of N".
        #expect(screen.contains("\(net.markets.count) of \(net.markets.count)"))
        let ours = try Self.market(net, "private")
        // Rows by id from 0 (Generation A's first market): down to ours, then its detail.
        for _ in 0..<ours { try tm.send("j") }
        try tm.send("Enter")
        screen = try tm.waitFor("market \(ours)'s detail") {
            $0.contains("Market \(ours)") && ConsoleDevnetEndToEndTests.line($0, "Our status", "joined")
        }
        #expect(screen.contains("Verifier"))
        #expect(screen.contains("Prover image"))
        try tm.send("Escape")
        try tm.waitFor(text: "Enter Market detail")
        try tm.send("q")
        try tm.waitForExit()
    }

    @Test func joinsAndLeavesAPublicMarketThroughTheReview() async throws {
        let net = try await Self.devnet.get()
        let id = try Self.market(net, "public")
        #expect(try await Self.memberState(net, market: id) == 0)
        let tm = try Self.start(net, Self.writable(net) + " --screen markets")
        defer { tm.close() }
        for _ in 0..<id { try tm.send("j") }
        try tm.send("Enter")
        try tm.waitFor("market \(id)'s detail") {
            $0.contains("Market \(id)") && ConsoleDevnetEndToEndTests.line($0, "Our status", "not joined")
        }
        try tm.send("J")
        try tm.waitForAll(["Join market \(id)", "Compute per request", "Proof cost", "Proposed time"])
        // The proof cost and the proposed time (in blocks: Generation A's unit) as the operator types them.
        try tm.send("Tab")
        for _ in 0..<30 { try tm.send("BSpace") }
        try tm.type("1")
        try tm.send("Tab")
        for _ in 0..<30 { try tm.send("BSpace") }
        try tm.type("40blocks")
        try tm.send("Enter")
        var screen = try tm.waitFor(text: "Send", timeout: .seconds(60))
        #expect(screen.contains("Join market \(id)"))
        #expect(screen.contains("GeneratorRegistry"))
        try tm.send("Right")
        try tm.send("Enter")
        try tm.waitFor(text: "Join market \(id): sent 0x", timeout: .seconds(120))
        #expect(try await Self.memberState(net, market: id) == 1)
        try tm.waitFor("the detail with our membership", timeout: .seconds(60)) {
            ConsoleDevnetEndToEndTests.line($0, "Our status", "joined") && !$0.contains("not joined")
        }
        // With nothing running, Generation A's exit request leaves at once.
        try tm.send("L")
        screen = try tm.waitFor(text: "Send", timeout: .seconds(60))
        #expect(screen.contains("Leave market \(id)"))
        try tm.send("Right")
        try tm.send("Enter")
        try tm.waitFor(text: "Leave market \(id): sent 0x", timeout: .seconds(120))
        #expect(try await Self.memberState(net, market: id) == 0)
        try tm.send("Escape")
        try tm.waitFor(text: "Enter Market detail")
        try tm.send("q")
        try tm.waitForExit()
    }

    @Test func requestsAndCompletesAStakeWithdrawalFromTheStakeScreen() async throws {
        let net = try await Self.devnet.get()
        let before = try await Self.stake(net)
        #expect(before.utilization == Self.e18)
        let tm = try Self.start(net, Self.writable(net) + " --screen stake")
        defer { tm.close() }
        try tm.waitForAll(["Stake]", "Stake per token", "POND"], timeout: .seconds(60))
        try tm.send("r")
        try tm.waitFor(text: "Request a withdrawal of how many POND?")
        try tm.type("10")
        try tm.send("Enter")
        var screen = try tm.waitFor(text: "Send", timeout: .seconds(60))
        #expect(screen.contains("Request a withdrawal of 10 POND"))
        try tm.send("Right")
        try tm.send("Enter")
        try tm.waitFor(text: "Request a withdrawal of 10 POND: sent 0x", timeout: .seconds(120))
        // The registry keeps the request as a utilisation below 1e18 (the stake stays until step two).
        let requested = try await Self.stake(net)
        #expect(requested.total == before.total)
        #expect(requested.utilization < Self.e18 && requested.utilization > 0)
        // The screen shows it pending with when it is ready (one block after the request).
        screen = try tm.waitFor("the pending unstake", timeout: .seconds(60)) {
            $0.contains("Pending withdrawals") && ($0.contains("POND: in 1 block") || $0.contains("POND: ready"))
        }
        #expect(!screen.contains("None."))
        // A block later it is ready; Withdraw completes it through the review.
        try await net.rpc.mine()
        try tm.waitFor("the unstake ready", timeout: .seconds(60)) { $0.contains("1, 1 ready") }
        try tm.send("w")
        screen = try tm.waitFor(text: "Send", timeout: .seconds(60))
        #expect(screen.contains("Withdraw"))
        try tm.send("Right")
        try tm.send("Enter")
        try tm.waitFor(text: ": sent 0x", timeout: .seconds(120))
        let after = try await Self.stake(net)
        #expect(after.utilization == Self.e18)
        // 10 POND out, and up to totalStake/1e18 wei more: the contract rounds the utilisation down.
        let out = before.total - after.total
        #expect(out >= 10 * Self.e18 && out <= 10 * Self.e18 + 1000, "\(out)")
        try tm.waitFor("no pending withdrawal", timeout: .seconds(60)) { $0.contains("None.") }
        try tm.send("q")
        try tm.waitForExit()
    }

    @Test func aLongReviewScrollsAt80x24AndCancelSendsNothing() async throws {
        let net = try await Self.devnet.get()
        let before = try await Self.stake(net)
        let tm = try Self.start(net, Self.writable(net) + " --screen stake", cols: 80, rows: 24)
        defer { tm.close() }
        try tm.waitForAll(["Stake]", "POND"], timeout: .seconds(60))
        try tm.send("a")
        try tm.waitFor(text: "Stake how many POND?")
        try tm.type("5")
        try tm.send("Enter")
        // Two transactions (the token's approval, then the stake): more than 24 rows hold.
        var screen = try tm.waitFor(text: "Send", timeout: .seconds(60))
        #expect(screen.contains("▼ lines 1-"))
        #expect(screen.contains("[1/2] "))
        #expect(screen.contains("j/k Scroll"))
        #expect(!screen.contains("preparing the review"))
        try tm.send("j")
        try tm.waitFor(text: "▲▼ lines 2-")
        for _ in 0..<5 { try tm.send("PageDown") }
        screen = try tm.waitFor("the end of the review") { $0.contains("▲ lines") && !$0.contains("▼") }
        // The stake itself, after the approval, is in the review too.
        #expect(screen.contains("[2/2] Stake 5 POND"))
        #expect(screen.contains("stake(address,uint256)"))
        // The focus never left Cancel: Enter closes it unsent.
        try tm.send("Enter")
        try tm.waitFor(text: "Stake 5 POND: not sent")
        let after = try await Self.stake(net)
        #expect(after.total == before.total)
        try tm.send("q")
        try tm.waitForExit()
    }

    /// Creates an ask in our market and has the matching engine assign it to our operator (the devnet's own
    /// Python); returns its id and its deadline block.
    static func assignAJobToUs(_ net: DevnetNetwork) throws -> (id: Int, deadline: Int) {
        let info = try #require(try JSONSerialization.jsonObject(with: net.readyJSON) as? [String: Any])
        // What `Deployment.from_json` reads back, as devnet/up wrote it into its summary.
        let deployment = try #require(info["deployment"])
        let market = try #require(info["onboardedMarket"] as? Int)
        let code = """
            import json, sys
            sys.path.insert(0, sys.argv[1])
            from kalypso_devnet.deploy.common import USDC_UNIT, Deployment
            from kalypso_devnet.scenario.gen_a import CREATE_ASK, GenAScenario
            d = Deployment.from_json(json.load(sys.stdin))
            s = GenAScenario(sys.argv[2], d)
            a, market, reward = s.a, int(sys.argv[3]), 6 * USDC_UNIT
            ask = (market, reward, s.rpc.block_number() + 2000, 900, 0, s.requester.address, b'{"n": 11}')
            a.payment.transact(s.requester, "approve", a.pm.address, reward)
            a.pm.transact(s.requester, CREATE_ASK, ask, 1, b"", b"")
            ask_id = a.pm.call("askCounter") - 1
            a.pm.transact(s.me, "assignTask", ask_id, s.operator.address, b"")
            stored = a.pm.call("listOfAsk", ask_id)
            assert stored[3] == s.operator.address, stored
            print(json.dumps({"id": ask_id, "deadline": stored[0][4]}))
            """
        let r = try runProcess(
            [RepoPaths.python, "-c", code, RepoPaths.path("devnet"), net.rpcURL, String(market)],
            input: String(decoding: try JSONSerialization.data(withJSONObject: deployment), as: UTF8.self))
        guard r.succeeded, let line = r.output.split(separator: "\n").last,
            let o = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Int],
            let id = o["id"], let deadline = o["deadline"]
        else { throw DevnetError("assigning a job to our operator failed: \(r.output)") }
        return (id, deadline)
    }

    @Test func showsOurJobsBlockDeadlineInWallTime() async throws {
        let net = try await Self.devnet.get()
        let job = try Self.assignAJobToUs(net)
        let tm = try Self.start(net, "--read-only --screen jobs")
        defer { tm.close() }
        // The countdown in blocks with its time (the pace of the cached blocks), on the job's row.
        var screen = try tm.waitFor("job \(job.id)'s countdown", timeout: .seconds(60)) { s in
            s.split(separator: "\n").contains { $0.contains(" \(job.id) ") && $0.contains("blocks ≈ ") }
        }
        #expect(screen.contains("in progress"))
        // The soonest open job is first; open ours (the only open one of our operator here).
        try tm.send("Enter")
        screen = try tm.waitFor(text: "Job \(job.id)")
        #expect(ConsoleDevnetEndToEndTests.line(screen, "Deadline", "block \(job.deadline) · in "))
        #expect(ConsoleDevnetEndToEndTests.line(screen, "Deadline", " UTC"))
        #expect(ConsoleDevnetEndToEndTests.line(screen, "Time for proof", "900 blocks"))
        // Esc closes the view; wait for it, so `q` is not read as Alt+q.
        try tm.send("Escape")
        try tm.waitFor(text: "Enter Job detail")
        try tm.send("q")
        try tm.waitForExit()
    }

    @Test func readOnlyShowsNoWriteActionAnywhere() async throws {
        let net = try await Self.devnet.get()
        let tm = try Self.start(net, "--read-only --screen markets")
        defer { tm.close() }
        var screen = try tm.capture()
        #expect(screen.contains("[RO]"))
        try tm.send("Enter")
        screen = try tm.waitFor(text: "Verifier")
        #expect(!screen.contains("J join"))
        #expect(!screen.contains("L leave"))
        try tm.send("Escape")
        try tm.waitFor(text: "Enter Market detail")
        let screens = [
            ("markets", "Markets"), ("jobs", "Jobs"), ("stake", "Stake"), ("benchmarks", "Benchmarks"),
            ("rewards", "Rewards"), ("profitability", "Profitability"), ("activity", "Activity"),
        ]
        for (name, title) in screens {
            try Self.go(tm, name, title: title)
            screen = try tm.capture()
            let footer = screen.split(separator: "\n").last.map(String.init) ?? ""
            try tm.send("?")
            screen = try tm.waitFor(text: "Keys:")
            for words in [
                "Join this", "Leave this", "Claim our", "Speed up", "Cancel a pending", "Stake more",
                "Request a withdrawal", "Withdraw what", "Run the enclave's benchmark",
            ] {
                #expect(!screen.contains(words), "\(name) help offers \(words)")
            }
            for hint in ["a Stake", "r Request", "w Withdraw", "C Claim", "J Join", "L Leave", "b Benchmark"] {
                #expect(!footer.contains(hint), "\(name) footer offers \(hint)")
            }
            try tm.send("Escape")
            try tm.waitFor("help closed") { !$0.contains("Keys:") }
        }
        // The write keys do nothing at all.
        try Self.go(tm, "stake", title: "Stake")
        try tm.send("r")
        try tm.send("a")
        screen = try tm.capture()
        #expect(!screen.contains("how many"))
        #expect(!screen.contains("review"))
        try tm.send("q")
        try tm.waitForExit()
    }

    @Test func resizeToTinyAndBack() async throws {
        let net = try await Self.devnet.get()
        let tm = try Self.start(net, "--read-only --screen jobs", cols: 80, rows: 24)
        defer { tm.close() }
        try tm.waitFor(text: " Jobs]")
        try tm.resize(cols: 30, rows: 8)
        try tm.waitFor(text: "needs 60×12")
        try tm.resize(cols: 1, rows: 1)
        try tm.waitFor("the 1x1 screen") { $0.trimmingCharacters(in: .whitespacesAndNewlines).count <= 1 }
        try tm.resize(cols: 200, rows: 60)
        try tm.waitForAll([" Jobs]", "[RO]", "Our jobs", "Gen A"])
        try tm.resize(cols: 80, rows: 24)
        try tm.waitForAll([" Jobs]", "[RO]", "Our jobs"])
        try tm.send("q")
        try tm.waitForExit()
    }
}
