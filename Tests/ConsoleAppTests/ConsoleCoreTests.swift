import Basics
import Foundation
import KalypsoKit
import KalypsoStore
import TestSupport
import Testing

@testable import ConsoleApp
@testable import TerminalKit

@Suite struct ConsoleCoreTests {
    typealias F = ConsoleFixtures

    @Test func startReadsTheCacheAndTouchesTheChainOnlyAfterTheFirstSnapshot() throws {
        let s = try F.state()
        #expect(ConsoleCore.start(s) == [.load])
        // The first snapshot (or the failure to read one) starts the sync and the chain details' read.
        let (loaded, effects) = ConsoleCore.update(s, .loaded(.success(F.snapshot)))
        #expect(
            effects.filter { $0 != .redraw } == [
                .sync(after: .zero), .readDetails(after: .zero), .probeOnboarding(OnboardingInputs()),
            ])
        #expect(
            ConsoleCore.update(
                s,
                .loaded(
                    .failure(ConsoleFailure(StoreError(.queryFailed, path: "/tmp/x.sqlite", reason: "disk I/O error"))))
            ).1.contains(.sync(after: .zero)))
        // Later snapshots start nothing on the chain.
        var next = F.snapshot
        next.ourJobs.removeLast()
        #expect(ConsoleCore.update(loaded, .loaded(.success(next))).1.allSatisfy { $0 == .redraw })
        // A state whose first snapshot was read before the terminal opened starts the chain work at once.
        #expect(
            ConsoleCore.start(loaded) == [
                .sync(after: .zero), .readDetails(after: .zero), .probeOnboarding(OnboardingInputs()),
            ])
    }

    @Test func chainDetailsStillLoadingAreSaidAndReadAgainAfterAFailure() throws {
        // No deadline near (its alert would take the status line).
        var settled = F.snapshot
        settled.ourJobs = settled.ourJobs.filter { $0.jobId == 17 || $0.outcome != nil }
        var loading = settled
        loading.paymentToken = ConsoleToken(symbol: "base units", decimals: 0)
        loading.loading = ["the payment token's symbol"]
        var s = try F.state(snapshot: loading)
        #expect(s.statusLine.0 == "Reading the payment token's symbol from the chain; amounts in base units until then")
        // A failure is logged once, shown by the next snapshot, and tried again later.
        var effects: [ConsoleEffect]
        (s, effects) = ConsoleCore.update(
            s,
            .detailsRead(
                .failure(ConsoleFailure(StoreError(.queryFailed, path: "/tmp/x.sqlite", reason: "disk I/O error")))))
        #expect(effects == [.load, .readDetails(after: ConsoleCore.detailsRetry)])
        (s, effects) = ConsoleCore.update(
            s,
            .detailsRead(
                .failure(ConsoleFailure(StoreError(.queryFailed, path: "/tmp/x.sqlite", reason: "disk I/O error")))))
        #expect(s.log.filter { $0.text.hasPrefix("Reading token details") }.count == 1)
        loading.loadingProblem = "the RPC timed out"
        (s, _) = ConsoleCore.update(s, .loaded(.success(loading)))
        #expect(
            s.statusLine.0
                == "Could not read the payment token's symbol from the chain: the RPC timed out (retrying); amounts in base units"
        )
        // Read at last: the snapshot is read again and says nothing more.
        (s, effects) = ConsoleCore.update(s, .detailsRead(.success(true)))
        #expect(effects == [.load])
        (s, _) = ConsoleCore.update(s, .loaded(.success(settled)))
        #expect(!s.statusLine.0.contains("base units"))
        // A token newly needed (a first stake in it) is read at once.
        var more = settled
        more.loading = ["the stake tokens' symbols"]
        #expect(ConsoleCore.update(s, .loaded(.success(more))).1.contains(.readDetails(after: .zero)))
    }

    @Test func headerAgeIsTheLastIndexedBlocksAndThePaceFollowsTheSnapshot() throws {
        var old = F.snapshot
        // Synced a minute ago up to a block mined three hours ago: the data shows the chain of three hours ago.
        old.progress?.headTime = F.nowSeconds - 3 * 3_600
        old.progress?.updatedAt = F.now.timeIntervalSince1970 - 60
        old.secondsPerBlock = 12
        var s = try F.state(snapshot: old)
        #expect(s.headerText(width: 200, fullOperator: true).contains("block 4321 · cache 3h old"))
        #expect(s.network.secondsPerBlock == 12)
        var caughtUp = old
        caughtUp.progress?.lastBlock = 4400
        caughtUp.progress?.headTime = F.nowSeconds - 20
        (s, _) = ConsoleCore.update(s, .loaded(.success(caughtUp)))
        #expect(s.headerText(width: 200, fullOperator: true).contains("block 4400 · cache <1m old"))
    }

    @Test func screensByNumberFollowTheRegistryOrder() throws {
        var s = try F.state(snapshot: F.snapshot)
        #expect(s.current == 1)
        for (i, expected) in ScreenRegistry.standard.screens.enumerated() {
            let effects = F.press(&s, [.character(Character(String(i + 1)))])
            #expect(type(of: s.screens[s.current]).name == expected.name)
            // It opens on Markets (2), so every press from 1 on moves to another screen.
            #expect(effects == [.redraw], "screen \(i + 1)")
        }
        // The keys come from the list: a registry with two screens binds only 1 and 2.
        let two = ScreenRegistry([JobsScreen.self, MarketsScreen.self])
        let keys = try ConsoleKeys.table(registry: two)
        #expect(keys.actionID(for: .character("1")) == "screen.1")
        #expect(keys.actionID(for: .character("2")) == "screen.2")
        #expect(keys.actionID(for: .character("3")) == nil)
        #expect(keys.helpEntries().contains { $0.description == "Jobs screen" && $0.keys == ["1"] })
    }

    @Test func paletteCompletesAndGoes() throws {
        var s = try F.state(snapshot: F.snapshot)
        _ = F.press(&s, [.character(":")] + F.chars("re") + [.tab])
        #expect(s.palette == "rewards")
        _ = F.press(&s, [.enter])
        #expect(s.palette == nil)
        #expect(type(of: s.screens[s.current]).name == RewardsScreen.name)
        // An unknown name says which names exist and keeps the palette open.
        _ = F.press(&s, [.character(":")] + F.chars("zz") + [.enter])
        #expect(s.palette == "zz")
        #expect(
            s.status?.text
                == "No screen named \"zz\"; screens: onboard, markets, jobs, stake, benchmarks, rewards, profitability, activity"
        )
        _ = F.press(&s, [.escape])
        #expect(s.palette == nil)
        // A unique prefix is enough.
        _ = F.press(&s, [.character(":")] + F.chars("act") + [.enter])
        #expect(type(of: s.screens[s.current]).name == ActivityScreen.name)
    }

    @Test func sameSnapshotDoesNotRedraw() throws {
        var s = try F.state(snapshot: F.snapshot)
        let (n, effects) = ConsoleCore.update(s, .loaded(.success(F.snapshot)))
        #expect(effects.isEmpty)
        s = n
        var changed = F.snapshot
        changed.markets[1].market.proverCount = 9
        #expect(ConsoleCore.update(s, .loaded(.success(changed))).1 == [.redraw])
    }

    @Test func theClockTicksByTheMinuteUnlessADeadlineIsNear() throws {
        var far = F.snapshot
        far.ourJobs = far.ourJobs.filter { $0.jobId == 17 }
        var s = try F.state(snapshot: far)
        // 30 s later: the same minute, nothing to draw.
        var (n, effects) = ConsoleCore.update(s, .tick(F.now.addingTimeInterval(30)))
        #expect(effects.isEmpty)
        s = n
        (n, effects) = ConsoleCore.update(s, .tick(F.now.addingTimeInterval(61)))
        #expect(effects == [.redraw])
        // A deadline 4 minutes away: every second counts.
        var s2 = try F.state(snapshot: F.snapshot)
        (n, effects) = ConsoleCore.update(s2, .tick(F.now.addingTimeInterval(1)))
        #expect(effects == [.redraw])
        s2 = n
        #expect(s2.now == F.now.addingTimeInterval(1))
    }

    @Test func nearDeadlineAlertsOnceAndRingsWhenAsked() throws {
        var s = try F.state(bell: true)
        let (n, effects) = ConsoleCore.update(s, .loaded(.success(F.snapshot)))
        s = n
        #expect(effects.contains(.bell))
        #expect(s.nearDeadline == [16, 15])
        #expect(s.statusLine.0 == "Deadline near: job 16, 15")
        // Already known: no second bell.
        var changed = F.snapshot
        changed.markets[1].market.proverCount = 9
        #expect(!ConsoleCore.update(s, .loaded(.success(changed))).1.contains(.bell))
        // Without --bell, no bell at all.
        let quiet = try F.state()
        #expect(!ConsoleCore.update(quiet, .loaded(.success(F.snapshot))).1.contains(.bell))
    }

    @Test func syncLoopsAndLoadsAfterEachPass() throws {
        let s = try F.state(snapshot: F.snapshot)
        let p = ConsoleSyncProgress(fraction: 0.5, lastIndexed: 10, head: 20, caughtUp: false)
        let (n, effects) = ConsoleCore.update(s, .synced(.success(p)))
        #expect(effects == [.redraw, .load, .sync(after: .seconds(4))])
        #expect(n.headerText(width: 200, fullOperator: true).contains("syncing 50%"))
        let fail = ConsoleFailure(StoreError(.queryFailed, path: "/tmp/x.sqlite", reason: "disk I/O error"))
        let (m, e2) = ConsoleCore.update(n, .synced(.failure(fail)))
        #expect(e2 == [.redraw, .sync(after: .seconds(10))])
        #expect(m.log.last?.text.hasPrefix("Sync failed: ") == true)
    }

    /// The console log tells what each sync brought; quiet polls add nothing.
    @Test func syncNewsReachesTheConsoleLog() throws {
        var s = try F.state(snapshot: F.snapshot)
        let first = ConsoleSyncProgress(fraction: 1, lastIndexed: 20, head: 20, caughtUp: true, newEvents: 7)
        s = ConsoleCore.update(s, .synced(.success(first))).0
        #expect(s.log.last?.text == "Synced to block 20: 7 new events")
        let count = s.log.count
        let quiet = ConsoleSyncProgress(fraction: 1, lastIndexed: 21, head: 21, caughtUp: true)
        s = ConsoleCore.update(s, .synced(.success(quiet))).0
        #expect(s.log.count == count)
        let reorg = ConsoleSyncProgress(fraction: 1, lastIndexed: 22, head: 22, caughtUp: true, newEvents: 1, reorgs: 1)
        s = ConsoleCore.update(s, .synced(.success(reorg))).0
        #expect(s.log.last?.text == "Synced to block 22: 1 new event, 1 reorganisation(s) repaired")
        #expect(s.log.last?.severity == .warn)
    }

    @Test func aWriteGoesThroughTheReviewWithFocusOnCancel() throws {
        var s = try F.state(snapshot: F.snapshot)
        // Market 2 (public: joined without the enclave; a private one goes to the onboarding wizard).
        _ = F.press(&s, [.character("2"), .character("j"), .character("j"), .enter])
        let market = s.screens[1] as? MarketsScreen
        #expect(market?.detail == 2)
        // J opens the join form with what the data suggests; a bad time is refused as typed.
        _ = F.press(&s, [.character("J")])
        let form = try #require((s.screens[1] as? MarketsScreen)?.joinForm)
        #expect(form.values["compute"] == "1")
        _ = F.press(&s, [.tab, .tab] + F.chars("x") + [.enter])
        // Market 2 has no jobs to suggest a cost from: the empty cost and the bad time.
        #expect(s.status?.text == "2 fields need attention")
        _ = F.press(&s, [.backspace] + F.chars("12m") + [.backTab] + F.chars("2.5"))
        // Typing digits went to the fields, not to the screen keys.
        #expect(s.current == 1)
        let effects = F.press(&s, [.enter])
        let write = ConsoleWrite.join(marketId: 2, computePerRequest: "1", proofCost: "2.5", proposedTime: "12m")
        #expect(effects.contains(.review(write)))
        let review = ConsoleReview(
            write: write, lines: ["ProverManager.joinMarket(1, …)", "simulation: ok"], canSend: true, id: 7)
        s = ConsoleCore.update(s, .reviewed(.success(review))).0
        // Enter on the first focus closes without sending.
        var cancelled = s
        let e1 = F.press(&cancelled, [.enter])
        #expect(!e1.contains { if case .send = $0 { true } else { false } })
        #expect(cancelled.status?.text == "Join market 2: not sent")
        // Moving to Send and pressing Enter sends the reviewed request.
        let e2 = F.press(&s, [.right, .enter])
        #expect(e2.contains(.send(review)))
        // Quitting with it in flight asks first.
        #expect(F.press(&s, [.character("q")]) == [.redraw])
        #expect(s.dialog != nil)
    }

    @Test func readOnlyBindsNoWriteAndClosingADetailSaysNothing() throws {
        var s = try F.state(snapshot: F.snapshot, readOnly: true)
        _ = F.press(&s, [.enter])
        #expect((s.screens[1] as? MarketsScreen)?.detail == 0)
        #expect(F.press(&s, [.character("J")]).isEmpty)
        _ = F.press(&s, [.escape])
        #expect((s.screens[1] as? MarketsScreen)?.detail == nil)
        #expect(s.status == nil)
        for id in [MarketsScreen.join, MarketsScreen.leave, RewardsScreen.claim, ActivityScreen.speedUp] {
            #expect(!s.keys.contains(id), "\(id) is bound in read-only mode")
        }
        // A review effect arriving another way is refused.
        #expect(s.screenOutcome(ScreenOutcome(effects: [.review(.claimRewards(rewardAddress: F.ours))])) == [.redraw])
        #expect(s.status?.text == "Read-only: Claim rewards of \(F.ours) is not available")
    }

    @Test func filterTakesTypedTextNotShortcuts() throws {
        var s = try F.state(snapshot: F.snapshot)
        _ = F.press(&s, [.character("/")] + F.chars("q2"))
        // "q" was text, not Quit; "2" was text, not screen 2.
        #expect(s.current == 1)
        let m = try #require(s.screens[1] as? MarketsScreen)
        #expect(m.table.table.filter == "q2")
        _ = F.press(&s, [.escape])
        #expect((s.screens[1] as? MarketsScreen)?.table.table.filter == "")
    }

    @Test func wordsAreExact() {
        #expect(ConsoleFormat.duration(535 * 60) == "8h 55m")
        #expect(ConsoleFormat.duration(9 * 3600 + 35 * 60) == "9h 35m")
        #expect(ConsoleFormat.duration(59) == "59s")
        #expect(ConsoleFormat.duration(3 * 86_400 + 4 * 3600 + 5) == "3d 4h")
        #expect(ConsoleFormat.countdown(252) == "4m 12s")
        // Market names: the SDK's `zkAppName`, else a name or title, else short plain text; never raw JSON or hex.
        #expect(
            MarketMetadata.name(#"{"zkAppName": "zkEVM blocks", "proverCode": "x"}"#) == "zkEVM blocks")
        #expect(MarketMetadata.name(#"{"name":"tx-batch"}"#) == "tx-batch")
        #expect(MarketMetadata.name(#"{"proverCode":"x"}"#) == nil)
        #expect(MarketMetadata.name(#"{"zkAppName":"a\u0007b"}"#) == nil)
        #expect(MarketMetadata.name("{not json") == nil)
        #expect(MarketMetadata.name(" plain name ") == "plain name")
        #expect(MarketMetadata.name("0x1234") == nil)
        #expect(MarketMetadata.name("") == nil)
        #expect(ConsoleFormat.countdown(34_500) == "9h 35m")
        #expect(F.pond.format("1500000000000000000") == "1.5 POND")
        #expect(F.pond.format("42000000000000000") == "0.042 POND")
        #expect(ConsoleFormat.time(F.nowSeconds) == "2026-12-03 08:00")
    }

    /// The computed UTC time agrees with Foundation's (ICU's) formatter: leap days, century rules, before
    /// 1970, and random times from 1600 to 9999 (before October 1582 ICU counts Julian dates; chain times
    /// are Gregorian and after 2015).
    @Test func timeAgreesWithFoundationsFormatter() {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "UTC")
        f.dateFormat = "yyyy-MM-dd HH:mm"
        var random = SeededRandom(state: 11)
        var samples: [Int64] = [
            0, -1, -60, 59, 951_782_400, 951_868_799, -2_203_891_200, 4_107_542_399, 1_709_164_800,
            -11_676_096_000, 253_402_300_799,
        ]
        for _ in 0..<2_000 { samples.append(Int64.random(in: -11_676_096_000...253_402_300_799, using: &random)) }
        for t in samples {
            let expected = f.string(from: Date(timeIntervalSince1970: TimeInterval(t)))
            #expect(ConsoleFormat.time(t) == expected, "\(t)")
        }
    }
}

@Suite struct ConsoleKeysTests {
    @Test func remappedKeysAreTheOnlyKeysAndShowInHelp() throws {
        let overrides = try ConsoleKeys.parseOverrides("quit=x; table.down=n,Down").get()
        #expect(overrides == ["quit": ["x"], "table.down": ["n", "Down"]])
        let keys = try ConsoleKeys.table(overrides: overrides)
        #expect(keys.keys(for: ConsoleKeys.quit) == [.character("x")])
        #expect(keys.actionID(for: .character("q")) == nil)
        #expect(keys.helpEntries().contains { $0.description == "Quit" && $0.keys == ["x"] })
        #expect(throws: KeyTableError.self) { try ConsoleKeys.table(overrides: ["no.such": ["z"]]) }
        #expect(ConsoleKeys.parseOverrides("quit") == .failure(KeyOverrideSyntaxError(part: "quit")))
    }

    @Test func theDefaultTableIsValidAndReadOnlyDropsEveryDangerousAction() throws {
        let all = ConsoleKeys.actions()
        let ro = try ConsoleKeys.table(readOnly: true)
        for a in all where a.dangerous { #expect(!ro.contains(a.id), "\(a.id) stays in read-only") }
        #expect(all.contains { $0.dangerous })
        _ = try ConsoleKeys.table()
    }
}
