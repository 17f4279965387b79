import BigInt
import EthereumKit
import Foundation
import KalypsoKit
import KalypsoStore
import TerminalKitTesting
import Testing

@testable import ConsoleApp
@testable import TerminalKit

/// What issue 11 checks beyond the per-screen snapshots: every screen in ASCII and monochrome at 200×60,
/// the overlays (palette, help, review) in both, a review taller than the screen scrolling with the
/// focus kept on Cancel, the screen bar of eight screens at 80 columns, and Generation A's block
/// deadlines in wall time and its pending unstake on the Stake screen.
@Suite struct ConsolePolishTests {
    typealias F = ConsoleFixtures
    typealias S = ConsoleScreenSnapshotTests
    static let small = Size(width: 80, height: 24)
    static let big = Size(width: 200, height: 60)
    /// The screens by name (not by number: the onboarding wizard comes first once it lands).
    static let screens = ["markets", "jobs", "stake", "benchmarks", "rewards", "profitability", "activity"]

    static func index(_ name: String) throws -> Int {
        try #require(ScreenRegistry.standard.index(named: name), "no screen \(name)")
    }

    static func monochrome(_ s: ConsoleState, _ size: Size, _ name: String) throws {
        let dump = StyleDump.dump(s.frame(size: size, context: S.monochrome))
        #expect(!dump.contains("fg="), "\(name) uses a colour in monochrome")
        try Snapshot.check(dump, named: name, suite: S.suite)
    }

    @Test func everyScreenInAsciiAndMonochromeAt200x60() throws {
        for name in Self.screens {
            let s = try F.state(Self.big, snapshot: F.snapshot, screen: try Self.index(name))
            try S.check(s, Self.big, S.ascii, "\(name)-ascii-200x60")
            try Self.monochrome(s, Self.big, "\(name)-monochrome-200x60")
        }
    }

    /// Stake, Benchmarks and Profitability with the insight suite's data (stake history, benchmark runs,
    /// asks), where the shared fixtures have none.
    @Test func insightScreensPopulatedInAsciiAndMonochromeAt200x60() throws {
        typealias I = InsightsScreenTests
        for screen in I.screens {
            let s = try I.state(screen, Self.big)
            try I.check(s, Self.big, S.ascii, "\(screen)-ascii-200x60")
            let dump = StyleDump.dump(s.frame(size: Self.big, context: S.monochrome))
            #expect(!dump.contains("fg="), "\(screen) uses a colour in monochrome")
            try Snapshot.check(dump, named: "\(screen)-monochrome-200x60", suite: I.suite)
        }
    }

    // MARK: Overlays

    /// A join that needs the token's approval first: two transactions, each with its arguments, more lines
    /// than 24 rows hold.
    static var longReview: ConsoleReview {
        func tx(_ what: String, _ contract: String, _ function: String, _ args: [String], nonce: Int) -> [String] {
            [what, "  contract   \(contract)", "  function   \(function)"] + args.map { "    \($0)" } + [
                "  from       \(F.ourAddress)", "  gas limit  \(90_000 + nonce)",
                "  max fee    2 gwei/gas (tip 1 gwei)", "  fee at most 0.00018 ETH (balance 9.98 ETH)",
                "  chain id   31337",
            ]
        }
        let lines =
            tx(
                "Approve 5 USDC for the ProofMarketplace", "USDC 0x5FbDB2315678afecb367f032d93F642f64180aa3",
                "approve(address,uint256)",
                ["spender = 0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512", "amount = 5000000 (5 USDC)"], nonce: 1)
            + [""]
            + tx(
                "Join market 2", "ProverManager 0x9fE46736679d2D9a65F0992F2272dE9f3c7fa6e0",
                "joinMarketplace(uint256,uint256,uint256,uint256,uint256)",
                [
                    "marketId = 2", "computePerRequest = 1", "proofCost = 5000000 (5 USDC)",
                    "proposedTime = 600 (10m)", "commission = 0",
                    "calldata = 0x" + String(repeating: "00", count: 16) + "02" + String(repeating: "0", count: 62)
                        + "01",
                ], nonce: 2)
        return ConsoleReview(
            write: .join(marketId: 2, computePerRequest: "1", proofCost: "5", proposedTime: "10m"), lines: lines,
            canSend: true, id: 7)
    }

    static func reviewing(_ size: Size, readOnly: Bool = false) throws -> ConsoleState {
        var s = try F.state(size, snapshot: F.snapshot, screen: try index("markets"))
        s = ConsoleCore.update(s, .reviewed(.success(longReview))).0
        return s
    }

    @Test func overlaysInAsciiAndMonochrome() throws {
        for size in [Self.small, Self.big] {
            let tag = "\(size.width)x\(size.height)"
            var s = try F.state(size, snapshot: F.snapshot, screen: try Self.index("jobs"))
            _ = F.press(&s, [.character("?")])
            try S.check(s, size, S.ascii, "help-ascii-\(tag)")
            try Self.monochrome(s, size, "help-monochrome-\(tag)")
            _ = F.press(&s, [.escape, .character(":")] + F.chars("p"))
            try S.check(s, size, S.ascii, "palette-ascii-\(tag)")
            try Self.monochrome(s, size, "palette-monochrome-\(tag)")
            let r = try Self.reviewing(size)
            try S.check(r, size, S.unicode, "review-\(tag)")
            try S.check(r, size, S.ascii, "review-ascii-\(tag)")
            try Self.monochrome(r, size, "review-monochrome-\(tag)")
        }
    }

    @Test func aLongReviewScrollsWithTheFocusOnCancel() throws {
        var s = try Self.reviewing(Self.small)
        let modal = try #require(s.dialog?.modal)
        #expect(modal.buttons[modal.focus].label == "Cancel")
        var text = s.frame(size: Self.small, context: S.unicode).text()
        // Taller than 24 rows: the first lines show and the border says more is below.
        #expect(text.contains("▼ lines 1-"))
        #expect(text.contains("Approve 5 USDC"))
        #expect(!text.contains("commission = 0"))
        #expect(s.footerHints.contains { $0.description == "Scroll" })
        #expect(F.press(&s, [.character("j")]) == [.redraw])
        text = s.frame(size: Self.small, context: S.unicode).text()
        #expect(text.contains("▲▼ lines 2-"))
        // Up at the top and down at the end move nothing and draw nothing.
        _ = F.press(&s, [.character("k")])
        #expect(F.press(&s, [.up]).isEmpty)
        _ = F.press(&s, Array(repeating: .pageDown, count: 5))
        #expect(F.press(&s, [.down]).isEmpty)
        text = s.frame(size: Self.small, context: S.unicode).text()
        #expect(text.contains("commission = 0"))
        #expect(text.contains("▲ lines"))
        #expect(!text.contains("▼"))
        #expect(!text.contains("Approve 5 USDC"))
        // `?` lists the dialog's keys over it; closing the help leaves the review as it was.
        let scrolled = try #require(s.dialog?.modal.scroll)
        #expect(scrolled > 0)
        _ = F.press(&s, [.character("?")])
        text = s.frame(size: Self.small, context: S.unicode).text()
        #expect(text.contains("Scroll the text down"))
        #expect(text.contains("Keys: Join market 2"))
        _ = F.press(&s, [.escape])
        #expect(s.help == nil)
        #expect(s.dialog?.modal.scroll == scrolled)
        // Scrolling never moved the focus: Enter is still Cancel and sends nothing.
        let effects = F.press(&s, [.enter])
        #expect(!effects.contains { if case .send = $0 { true } else { false } })
        #expect(s.dialog == nil)
        #expect(s.status?.text == "Join market 2: not sent")
    }

    @Test func aReviewListsEveryTransactionOfTheWrite() throws {
        let approve = CallDescription(
            summary: "Allow GeneratorRegistry to take 5 POND", contract: "ERC20 0x5FbD…0aa3",
            function: "approve(address,uint256)", arguments: [.init(name: "amount", value: "5 POND")])
        let stake = CallDescription(
            summary: "Stake 5 POND", contract: "GeneratorRegistry 0xa852…338f", function: "stake(address,uint256)",
            arguments: [.init(name: "amount", value: "5 POND")])
        let lines = ConsoleReviewText.lines([
            SentStep(description: approve, review: nil, result: .simulated),
            SentStep(
                description: stake, review: nil,
                result: .notSimulated(reason: "needs the transaction before it to be mined first")),
        ])
        #expect(
            lines == [
                "[1/2] Allow GeneratorRegistry to take 5 POND", "  contract   ERC20 0x5FbD…0aa3",
                "  function   approve(address,uint256)", "    amount = 5 POND", "",
                "[2/2] Stake 5 POND", "  contract   GeneratorRegistry 0xa852…338f",
                "  function   stake(address,uint256)", "    amount = 5 POND",
                "  not simulated yet: needs the transaction before it to be mined first; it is simulated and "
                    + "priced again before it is signed",
            ])
        // One transaction: no numbering.
        #expect(
            ConsoleReviewText.lines([SentStep(description: stake, review: nil, result: .simulated)]).first
                == "Stake 5 POND")
    }

    @Test func theReviewReplacesThePreparingMessage() throws {
        var s = try F.state(Self.small, snapshot: F.snapshot, screen: try Self.index("markets"))
        _ = F.press(&s, [.enter, .character("L")])
        #expect(s.status?.text == "Leave market 0: preparing the review…")
        let review = ConsoleReview(write: .leave(marketId: 0), lines: ["Leave market 0"], canSend: true, id: 1)
        s = ConsoleCore.update(s, .reviewed(.success(review))).0
        #expect(s.status == nil)
        #expect(s.dialog != nil)
    }

    @Test func aShortReviewDoesNotScroll() throws {
        var s = try F.state(Self.small, snapshot: F.snapshot)
        let review = ConsoleReview(
            write: .leave(marketId: 0), lines: ["Leave market 0", "  chain id   31337"], canSend: true, id: 1)
        s = ConsoleCore.update(s, .reviewed(.success(review))).0
        #expect(F.press(&s, [.character("j")]).isEmpty)
        let text = s.frame(size: Self.small, context: S.unicode).text()
        #expect(!text.contains("lines 1-"))
    }

    // MARK: Screen bar

    /// The onboarding wizard's place in the list (first), standing in for it here.
    struct FirstScreen: ConsoleScreen {
        static let name = "onboarding"
        static let title = "Onboarding"
        static func actions() -> [KeyAction] { [] }
        init() {}
        var keyScopes: [String] { [] }
        mutating func perform(_ actionID: String, _ env: ScreenEnvironment) -> ScreenOutcome { .none }
        mutating func refresh(_ env: ScreenEnvironment) -> Bool { false }
        func render(into frame: inout Frame, area: Rect, _ env: ScreenEnvironment, context: RenderContext) {}
    }

    /// Eight screens: the console's own once the wizard is in the list, else the stand-in first.
    static let eight =
        ScreenRegistry.standard.screens.count >= 8
        ? ScreenRegistry.standard : ScreenRegistry([FirstScreen.self] + ScreenRegistry.standard.screens)

    static func eightScreens(current: Int) throws -> ConsoleState {
        var s = ConsoleState(
            network: F.network, keys: try ConsoleKeys.table(registry: eight), registry: eight, initialScreen: current,
            now: F.now)
        s = ConsoleCore.update(s, .resize(small)).0
        return ConsoleCore.update(s, .loaded(.success(F.snapshot))).0
    }

    @Test func eightScreensShowShortNamesAt80Columns() throws {
        #expect(Self.eight.screens.count == 8)
        for current in Self.eight.screens.indices {
            let s = try Self.eightScreens(current: current)
            let bar = s.frame(size: Self.small, context: S.unicode).text().split(separator: "\n")[1]
            let title = Self.eight.screens[current].title
            #expect(bar.contains("[\(current + 1) \(title)]"), "\(bar)")
            // Every other screen by a name, not by its number alone.
            for (i, screen) in Self.eight.screens.enumerated() where i != current {
                #expect(bar.contains("\(i + 1) \(screen.shortTitle)"), "\(bar) lacks \(screen.shortTitle)")
            }
        }
        #expect(FirstScreen.shortTitle == "Onboard")
        #expect(Self.eight.screens[0].shortTitle == "Onboard")
        // The wizard is in the list now: its own name (`:onboard`), not the stand-in's.
        #expect(Self.eight.names[0] == OnboardingScreen.name)
        try S.check(try Self.eightScreens(current: 6), Self.small, S.unicode, "screen-bar-eight-80x24")
        try S.check(try Self.eightScreens(current: 7), Self.small, S.ascii, "screen-bar-eight-ascii-80x24")
    }

    // MARK: Generation A

    static let genA = ConsoleNetwork(
        name: "devnet", chainId: 31337, generation: "A", operatorAddress: F.ourAddress, timeUnit: "block")
    static let pondAddress = "0x00000000000000000000000000000000000000aa"
    static func e18(_ n: Int) -> BigUInt { BigUInt(n) * BigUInt(10).power(18) }

    /// Generation A: deadlines in blocks, two seconds a block (blocks 4221 and 4321 in the cache, 200 s
    /// apart), and an unstake of 30 POND requested, due at block 4330.
    static var genASnapshot: ConsoleSnapshot {
        var s = F.snapshot
        func blockJob(_ id: Int64, dueIn blocks: Int64, outcome: CachedJob.Outcome? = nil) -> CachedJob {
            var j = F.job(id, market: 0, deadlineIn: nil, outcome: outcome, reward: "2000000")
            j.deadlineUnit = "block"
            j.deadline = 4321 + blocks
            j.expiry = 4321 + 400
            j.timeForProof = 480
            return j
        }
        s.ourJobs = [
            blockJob(27, dueIn: 400), blockJob(26, dueIn: 120), blockJob(25, dueIn: -5),
            blockJob(24, dueIn: -40, outcome: .proved),
        ]
        s.marketJobs[0] = s.ourJobs
        s.paymentToken = ConsoleToken(symbol: "USDC", decimals: 6)
        s.stakeToken = ConsoleToken(symbol: "POND", decimals: 18)
        s.stakeBalances = [
            CachedStakeBalance(
                token: pondAddress, prover: F.ours, total: String(e18(120)), locked: String(e18(20)),
                refreshedBlock: 4321)
        ]
        guard let address = try? Address(pondAddress) else { fatalError("bad test address") }
        let pond = TokenInfo(address: address, symbol: "POND", decimals: 18)
        s.insights = InsightsData(
            stakeTokens: [pondAddress: pond],
            recentBlocks: [
                CachedBlock(number: 4221, hash: F.hash(9), timestamp: F.nowSeconds - 200),
                CachedBlock(number: 4321, hash: F.hash(10), timestamp: F.nowSeconds),
            ],
            pendingReductions: [
                pondAddress: PendingReduction(
                    current: e18(120), newTotal: e18(90), releases: e18(30), dueAt: .blocks(4330))
            ])
        return s
    }

    static func genAState(_ size: Size, screen: String, readOnly: Bool = false) throws -> ConsoleState {
        var s = ConsoleState(
            network: genA, keys: try ConsoleKeys.table(readOnly: readOnly), initialScreen: try index(screen), now: F.now
        )
        s = ConsoleCore.update(s, .resize(size)).0
        return ConsoleCore.update(s, .loaded(.success(genASnapshot))).0
    }

    @Test func generationADeadlinesInBlocksSayTheirWallTime() throws {
        let data = Self.genASnapshot
        #expect(ConsoleTime.secondsPerBlock(data: data, network: Self.genA) == 2)
        let due = try #require(data.ourJobs.first { $0.jobId == 27 })
        #expect(ConsoleTime.words(due, data: data, network: Self.genA, now: F.now) == "in 400 blocks ≈ 13m")
        #expect(ConsoleTime.wallTime(due, data: data, network: Self.genA) == F.nowSeconds + 800)
        // 120 blocks, four minutes: near, so the alert is on and the clock ticks by the second.
        let s = try Self.genAState(Self.small, screen: "jobs")
        #expect(s.nearDeadline == [26, 25])
        var text = s.frame(size: Self.small, context: S.unicode).text()
        #expect(text.contains("in 120 blocks ≈ 4m 0s"))
        #expect(text.contains("overdue 5 blocks ≈ 10s"))
        try S.check(s, Self.small, S.unicode, "jobs-generation-a-80x24")
        let big = try Self.genAState(Self.big, screen: "jobs")
        var detail = big
        _ = F.press(&detail, [.enter])
        text = detail.frame(size: Self.big, context: S.unicode).text()
        // The soonest open job is first: 25 (overdue), then 26, due at 08:04 UTC (120 blocks × 2 s).
        #expect(text.contains("block 4316 · overdue 5 blocks ≈ 10s · ≈ 2026-12-03 07:59 UTC"))
        _ = F.press(&detail, [.escape, .character("j"), .enter])
        text = detail.frame(size: Self.big, context: S.unicode).text()
        #expect(text.contains("block 4441 · in 120 blocks ≈ 4m 0s · ≈ 2026-12-03 08:04 UTC"))
        try S.check(detail, Self.big, S.unicode, "jobs-generation-a-detail-200x60")
    }

    /// A job proved before its deadline read "Deadline block 479 · overdue 122 blocks ≈ 2m 2s" in its detail
    /// on a Generation A devnet: an ended job does not count down.
    @Test func anEndedJobsDetailSaysNoCountdown() throws {
        var s = try Self.genAState(Self.big, screen: "jobs")
        // Rows: 25, 26, 27 (open, soonest first), then 24 (proved, deadline 40 blocks ago).
        _ = F.press(&s, [.character("j"), .character("j"), .character("j"), .enter])
        let text = s.frame(size: Self.big, context: S.unicode).text()
        #expect(text.contains("Job 24"), "\(text)")
        let line = text.split(separator: "\n").first { $0.contains("Deadline") }.map(String.init) ?? ""
        #expect(line.contains("block 4281"), "\(line)")
        #expect(!line.contains("overdue"), "\(line)")
        #expect(!line.contains(" in "), "\(line)")
    }

    @Test func generationAStakeShowsThePendingUnstakeWithItsReadyTime() throws {
        for size in [Self.small, Self.big] {
            let s = try Self.genAState(size, screen: "stake")
            let text = s.frame(size: size, context: S.unicode).text()
            #expect(text.contains("30 POND: in 9 blocks (≈ 18s), at block 4330"), "\(text)")
            #expect(text.contains("1, 0 ready"))
            // Free is what new jobs can lock once the unstake is done: 90 after it, 20 locked.
            let row = text.split(separator: "\n").first { $0.contains("› POND") }.map(String.init) ?? ""
            #expect(row.split(separator: " ").contains("70"), "\(row)")
            try S.check(s, size, S.unicode, "stake-generation-a-\(size.width)x\(size.height)")
        }
        // Read-only sees it too (it is read from getters, with no key).
        let ro = try Self.genAState(Self.small, screen: "stake", readOnly: true)
        #expect(ro.frame(size: Self.small, context: S.unicode).text().contains("at block 4330"))
        // Withdraw is refused until it is due, in words.
        var s = try Self.genAState(Self.small, screen: "stake")
        _ = F.press(&s, [.character("w")])
        #expect(s.status?.text == "No POND withdrawal is ready yet")
    }

    @Test func onArbitrumTheContractsClockIsTheL1Block() {
        var data = F.snapshot
        data.progress?.headBlock = 250_000_000
        data.progress?.headL1Block = 20_000_000
        let clock = InsightsClock.clock(data, Self.genA)
        #expect(clock.contractBlockNumber == 20_000_000)
        #expect(clock.nodeBlockNumber == 250_000_000)
        // Off Arbitrum (no L1 number) both are the node's block.
        data.progress?.headL1Block = nil
        #expect(InsightsClock.clock(data, Self.genA).contractBlockNumber == 250_000_000)
    }
}
