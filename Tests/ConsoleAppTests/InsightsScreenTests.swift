import BigInt
import EthereumKit
import Foundation
import KalypsoKit
import KalypsoStore
import TerminalKitTesting
import Testing

@testable import ConsoleApp
@testable import TerminalKit

/// Stake, Benchmarks and Profitability from fixed data with stake history, benchmark runs of two enclaves
/// and recent asks: populated at both sizes, read-only, ASCII, monochrome, the inputs view, the amount
/// prompt and the benchmark run.
@Suite struct InsightsScreenTests {
    typealias F = ConsoleFixtures
    typealias S = ConsoleScreenSnapshotTests
    static let suite = "Insights"
    static let pondAddress = "0x00000000000000000000000000000000000000aa"
    static let pond: TokenInfo = {
        guard let a = try? Address(pondAddress) else { fatalError("bad test address") }
        return TokenInfo(address: a, symbol: "POND", decimals: 18)
    }()
    static let screens = [StakeScreen.name, BenchmarksScreen.name, ProfitabilityScreen.name]
    static func e18(_ n: Int) -> String { String(BigUInt(n) * BigUInt(10).power(18)) }

    static var snapshot: ConsoleSnapshot {
        var s = F.snapshot
        s.stakeBalances = [
            CachedStakeBalance(
                token: pondAddress, prover: F.ours, total: e18(120), locked: e18(20), refreshedBlock: 4321)
        ]
        func event(_ block: Int64, _ kind: CachedStakeEvent.Kind, _ amount: Int, index: Int64? = nil)
            -> CachedStakeEvent
        {
            CachedStakeEvent(
                blockNumber: block, logIndex: 0, timestamp: F.nowSeconds - (4321 - block) * 2, token: pondAddress,
                prover: F.ours, account: F.ours, kind: kind, amount: e18(amount), jobId: nil, withdrawalIndex: index,
                txHash: F.hash(Int(block)))
        }
        let one = "0x1111111111111111111111111111111111111111"
        let two = "0x2222222222222222222222222222222222222222"
        let runs: [(String, Int64)] = [
            (two, 90_000), (two, 110_000), (one, 240_000), (one, 300_000), (one, 420_000), (one, 380_000),
            (one, 500_000),
        ]
        s.insights = InsightsData(
            stakeEvents: [
                event(50, .staked, 100), event(900, .staked, 50), event(1000, .locked, 10), event(2000, .locked, 10),
                event(3721, .withdrawalRequested, 30, index: 0),
            ],
            stakeTokens: [pondAddress: pond], amountToLock: [pondAddress: BigUInt(10) * BigUInt(10).power(18)],
            withdrawalDuration: .seconds(3600),
            benchmarkRuns: runs.enumerated().map { i, r in
                BenchmarkRun(
                    enclave: r.0, marketId: 0, milliseconds: r.1, at: Double(F.nowSeconds - 7200 + Int64(i) * 600))
            },
            recentBlocks: [CachedBlock(number: 4221, hash: F.hash(9), timestamp: F.nowSeconds - 200)],
            recentAsks: [0: s.marketJobs[0] ?? []])
        return s
    }

    /// Generation B's stake per job is the staking pool's lock of each token, the same in every market; the
    /// Markets detail says it with amounts once the pool's terms are read, and that they are not read before.
    @Test func marketsDetailShowsThePoolsLockPerToken() throws {
        let data = Self.snapshot
        let market = try #require(data.markets.first?.market)
        #expect(market.slashingPenalty == nil)
        #expect(MarketsScreen.stakeDetail(market, data).hasPrefix("10 POND (one token per job"))
        var unread = data
        unread.insights.amountToLock = [:]
        #expect(MarketsScreen.stakeDetail(market, unread) == "per token, set by the staking pool (not read yet)")
    }

    static func state(_ screen: String, _ size: Size, readOnly: Bool = false) throws -> ConsoleState {
        let i = try #require(ScreenRegistry.standard.names.firstIndex(of: screen))
        return try F.state(size, snapshot: snapshot, readOnly: readOnly, screen: i)
    }

    static func check(_ s: ConsoleState, _ size: Size, _ context: RenderContext, _ name: String) throws {
        let frame = s.frame(size: size, context: context)
        if !context.capabilities.unicode {
            #expect(frame.text().unicodeScalars.allSatisfy { $0.isASCII }, "\(name) is not ASCII-only")
        }
        try Snapshot.check(frame.text() + "\n", named: name, suite: suite)
    }

    @Test(arguments: [Size(width: 80, height: 24), Size(width: 200, height: 60)])
    func populated(size: Size) throws {
        for screen in Self.screens {
            try Self.check(try Self.state(screen, size), size, S.unicode, "\(screen)-\(size.width)x\(size.height)")
        }
    }

    @Test func readOnlyAsciiAndMonochrome() throws {
        let size = Size(width: 80, height: 24)
        for screen in Self.screens {
            try Self.check(try Self.state(screen, size, readOnly: true), size, S.unicode, "\(screen)-read-only-80x24")
            let s = try Self.state(screen, size)
            try Self.check(s, size, S.ascii, "\(screen)-ascii-80x24")
            let dump = StyleDump.dump(s.frame(size: size, context: S.monochrome))
            #expect(!dump.contains("fg="), "\(screen) uses a colour in monochrome")
            try Snapshot.check(dump, named: "\(screen)-monochrome-80x24", suite: Self.suite)
        }
    }

    @Test func figuresOnTheScreens() throws {
        let size = Size(width: 200, height: 60)
        let stake = try Self.state(StakeScreen.name, size).frame(size: size, context: S.unicode).text()
        // 120 staked, 20 locked, 100 free, 10 per job: 10 more jobs; the withdrawal of 30 waits an hour
        // from its request 1200 s ago.
        #expect(stake.contains("120"))
        #expect(stake.contains("#0 30 POND: in 2400 s (40m), at 2026-12-03 08:40 UTC"))
        let bench = try Self.state(BenchmarksScreen.name, size).frame(size: size, context: S.unicode).text()
        // p90 of five runs is 500 s; +50 % is 750 s, longer than the 600 s the market's asks give.
        #expect(bench.contains("supports a proposed time of 750 s (12m 30s)"))
        #expect(bench.contains("too slow for this market: all 5 recent asks give less time"))
        var s = try Self.state(ProfitabilityScreen.name, size)
        _ = F.press(&s, [.enter])
        let detail = s.frame(size: size, context: S.unicode).text()
        try Self.check(s, size, S.unicode, "profitability-inputs-200x60")
        // One of the five runs of the enclave benchmarked last (500 s) is slower than 600 s less 20 %.
        #expect(detail.contains("20.0 % (1 of 5 runs too slow)"))
        #expect(detail.contains("assumed 0: no cost configured"))
        _ = F.press(&s, [.escape])
        #expect(!s.frame(size: size, context: S.unicode).text().contains("Assumptions"))
    }

    @Test func stakeGoesThroughTheReviewWithTheAmountInBaseUnits() throws {
        var s = try Self.state(StakeScreen.name, Size(width: 80, height: 24))
        _ = F.press(&s, [.character("a")] + F.chars("12.5x"))
        try Self.check(s, Size(width: 80, height: 24), S.unicode, "stake-prompt-80x24")
        let effects = F.press(&s, [.enter])
        #expect(
            effects.contains(
                .review(.stake(token: Self.pondAddress, amount: "12500000000000000000", display: "12.5 POND"))))
        var ro = try Self.state(StakeScreen.name, Size(width: 80, height: 24), readOnly: true)
        #expect(F.press(&ro, [.character("a"), .character("r"), .character("w")]).allSatisfy { $0 == .redraw })
        #expect(ro.dialog == nil)
    }

    @Test func benchmarkRunsOnceAndSaysWhenDone() throws {
        let size = Size(width: 200, height: 60)
        var s = try Self.state(BenchmarksScreen.name, size)
        let effects = F.press(&s, [.character("b")])
        #expect(effects.contains(.benchmark(marketId: 0)))
        #expect(F.press(&s, [.character("b")]).contains(.benchmark(marketId: 0)) == false)
        #expect(s.frame(size: size, context: S.unicode).text().contains("Benchmark of market 0 running since"))
        let (done, more) = ConsoleCore.update(s, .benchmarked(marketId: 0, .success(312_000)))
        #expect(more.contains(.load))
        #expect(done.status?.text == "Benchmark of market 0: 5m 12s")
        #expect(!done.frame(size: size, context: S.unicode).text().contains("running since"))
        let ro = try Self.state(BenchmarksScreen.name, size, readOnly: true)
        var r = ro
        #expect(!F.press(&r, [.character("b")]).contains(.benchmark(marketId: 0)))
    }
}

extension InsightsScreenTests {
    /// The cache keeps enclave addresses in lowercase; the Benchmarks screen showed them so
    /// ("0x0f634c255303a6c5190d4549355e0f…"), where every other screen shows EIP-55.
    @Test func benchmarksShowEnclavesInEIP55() throws {
        var snapshot = Self.snapshot
        snapshot.insights.benchmarkRuns = [1, 2].map {
            BenchmarkRun(
                enclave: "0x0f634c255303a6c5190d4549355e0f28951ddf1d", marketId: 0, milliseconds: 12_300,
                at: Double(F.nowSeconds - 600 * $0))
        }
        let size = Size(width: 200, height: 60)
        let i = try #require(ScreenRegistry.standard.names.firstIndex(of: BenchmarksScreen.name))
        let text = try F.state(size, snapshot: snapshot, screen: i).frame(size: size, context: S.unicode).text()
        // EIP-55 of the devnet's enclave key address (devnet/up prints it so).
        #expect(text.contains("0x0F634C255303a6c5190D4549355e0F28951dDF1D"), "\(text)")
        #expect(!text.contains("0x0f634c255303a6c5190d4549355e0f28951ddf1d"), "\(text)")
    }
}
