import BigInt
import ConsoleApp
import EthereumKit
import Foundation
import TerminalKit
import TerminalKitTesting
import Testing

@testable import KalypsoKit

/// The wizard's actions with fixed data: keys → effects → state, as the console's core runs them, and the
/// new states (a step's form, a running step, a failed one) as snapshots.
@Suite struct OnboardingWizardTests {
    typealias F = ConsoleFixtures
    typealias O = OnboardingScreenTests

    /// Registered, staked, enclave configured and benchmarked: the join is next.
    static var readyToJoin: OnboardingObservation {
        OnboardingObservation(
            registered: true, declaredCompute: 100, staked: [O.pond.address: 100],
            enclave: .reachable(EnclaveState(key: O.key, hasConfig: true, benchmarkKnown: true)))
    }

    static var benchmarkNext: OnboardingObservation {
        OnboardingObservation(
            registered: true, declaredCompute: 100, staked: [O.pond.address: 100],
            enclave: .reachable(EnclaveState(key: O.key, hasConfig: true, benchmarkKnown: false)))
    }

    static var complete: OnboardingObservation {
        OnboardingObservation(
            registered: true, declaredCompute: 100, staked: [O.pond.address: 100],
            membership: MarketMembership(
                marketId: 0, state: .joined, computePerRequest: 1, proofCost: 5,
                proposedTime: ChainTime(600, .seconds), commission: nil, activeRequests: 0, enclaveKey: O.key),
            enclave: .reachable(
                EnclaveState(
                    key: O.key, hasConfig: true, runningPrograms: ["listener", "prover"], benchmarkKnown: true)),
            teeVerifiedKey: [UInt8](repeating: 1, count: 32))
    }

    /// What a step runs with: the typed inputs (here only the market the probe chose) and the step's own
    /// fields as the probe resolved them.
    static func stepInputs(_ probe: ConsoleOnboarding, _ fields: [OnboardingInputs.Field]) -> OnboardingInputs {
        var inputs = OnboardingInputs(marketId: 0)
        for f in fields { inputs[f] = probe.resolved[f] }
        return inputs
    }

    func send(_ s: inout ConsoleState, _ action: ConsoleAction) -> [ConsoleEffect] {
        let (next, effects) = ConsoleCore.update(s, action)
        s = next
        return effects
    }

    func text(_ s: ConsoleState) -> String { s.frame(size: s.size, context: O.unicode).text() }

    @Test func theConsoleProbesFromItsStartAndLeavesForMarketsWhenOnboarded() throws {
        let keys = try ConsoleKeys.table()
        var s = ConsoleState(network: F.network, keys: keys, now: F.now, openOnboardingUntilComplete: true)
        // The probe reaches the chain and the enclave: it waits for the first snapshot, from the cache.
        #expect(ConsoleCore.start(s) == [.load])
        #expect(ConsoleCore.update(s, .loaded(.success(F.snapshot))).1.contains(.probeOnboarding(OnboardingInputs())))
        #expect(s.current == 0)
        _ = send(&s, .onboardingProbed(OnboardingInputs(), .success(O.probe(Self.complete))))
        #expect(s.current == ScreenRegistry.standard.index(named: "markets"))

        var fresh = ConsoleState(network: F.network, keys: keys, now: F.now, openOnboardingUntilComplete: true)
        _ = send(&fresh, .onboardingProbed(OnboardingInputs(), .success(O.probe(O.fresh))))
        #expect(fresh.current == 0)
        // The market the probe chose stays the wizard's.
        #expect(fresh.onboarding.inputs.marketId == 0)
    }

    /// A cache that shows our operator in a market opens Markets before the probe answers (through a dead RPC
    /// it takes the whole timeout); a probe that finds a step to do brings the wizard back, unless the operator
    /// pressed a key meanwhile, who then reads it in the status line.
    @Test func aMembershipInTheCacheOpensMarketsAndAnIncompleteProbeBringsTheWizardBack() throws {
        let keys = try ConsoleKeys.table()
        let wizard = 0
        let markets = try #require(ScreenRegistry.standard.index(named: "markets"))
        let jobs = try #require(ScreenRegistry.standard.index(named: "jobs"))
        var s = ConsoleState(network: F.network, keys: keys, now: F.now, openOnboardingUntilComplete: true)
        #expect(F.snapshot.markets.contains { $0.ours != nil })
        _ = send(&s, .loaded(.success(F.snapshot)))
        #expect(s.current == markets)
        _ = send(&s, .onboardingProbed(OnboardingInputs(), .success(O.probe(O.restarted))))
        #expect(s.current == wizard)
        #expect(s.status?.text.contains("'update key' is next") == true)
        #expect(s.log.last?.text == "Onboarding in market 0: 'update key' is next")
        let logged = s.log.count
        // Only the first probe decides: later ones leave the screen alone.
        _ = send(&s, .key(.character("2")))
        _ = send(&s, .onboardingProbed(s.onboarding.inputs, .success(O.probe(O.restarted))))
        #expect(s.current != wizard)
        #expect(s.log.count == logged, "the same conclusion is not news")

        var moved = ConsoleState(network: F.network, keys: keys, now: F.now, openOnboardingUntilComplete: true)
        _ = send(&moved, .loaded(.success(F.snapshot)))
        _ = send(&moved, .key(.character("j")))
        _ = send(&moved, .key(.character(Character(String(jobs + 1)))))
        _ = send(&moved, .key(.character(Character(String(markets + 1)))))
        #expect(moved.current == markets)
        _ = send(&moved, .onboardingProbed(OnboardingInputs(), .success(O.probe(O.restarted))))
        #expect(moved.current == markets)
        #expect(moved.status?.text.contains("(screen 1)") == true)
        // Back on the wizard by hand before the probe: a later snapshot leaves it there.
        var back = ConsoleState(network: F.network, keys: keys, now: F.now, openOnboardingUntilComplete: true)
        _ = send(&back, .loaded(.success(F.snapshot)))
        _ = send(&back, .key(.character("1")))
        var later = F.snapshot
        later.markets.removeLast()
        _ = send(&back, .loaded(.success(later)))
        #expect(back.current == wizard)

        var done = ConsoleState(network: F.network, keys: keys, now: F.now, openOnboardingUntilComplete: true)
        _ = send(&done, .loaded(.success(F.snapshot)))
        _ = send(&done, .onboardingProbed(OnboardingInputs(), .failure(ConsoleFailure(DevnetLikeError()))))
        #expect(done.current == markets)

        // No membership in the cache: the wizard waits for the probe.
        var snapshot = F.snapshot
        for i in snapshot.markets.indices { snapshot.markets[i].ours = nil }
        var fresh = ConsoleState(network: F.network, keys: keys, now: F.now, openOnboardingUntilComplete: true)
        _ = send(&fresh, .loaded(.success(snapshot)))
        #expect(fresh.current == wizard)
    }

    struct DevnetLikeError: Error, CustomStringConvertible {
        var description: String { "the RPC did not answer" }
    }

    @Test func aProbeForInputsChangedSinceIsDroppedAndAskedAgain() throws {
        var s = try O.state(O.probe(O.fresh))
        var other = s.onboarding.inputs
        other.stake = "7"
        let effects = send(&s, .onboardingProbed(other, .success(O.probe(Self.complete))))
        #expect(s.onboarding.probe == O.probe(O.fresh))
        #expect(effects == [.probeOnboarding(s.onboarding.inputs)])
    }

    @Test func theNextStepOpensItsFormWithTheSuggestionsThenGoesToTheReview() throws {
        var s = try O.state(O.probe(O.fresh), Size(width: 120, height: 40))
        #expect(send(&s, .key(.enter)) == [.redraw])
        var t = text(s)
        #expect(t.contains("Register: market 0"))
        #expect(t.contains(F.ourAddress))
        #expect(t.contains("Declared compute"))
        // A reward address that is not one is refused in the form.
        _ = F.press(&s, Array(repeating: .backspace, count: 3))
        #expect(send(&s, .key(.enter)) == [.redraw])
        t = text(s)
        #expect(t.contains("1 field needs attention"))
        _ = F.press(&s, F.chars("A72"))
        let effects = send(&s, .key(.enter))
        let inputs = Self.stepInputs(O.probe(O.fresh), [.rewardAddress, .declaredCompute, .metadata])
        let request = OnboardingStepRequest(step: .register, inputs: inputs)
        #expect(effects.contains(.review(.onboarding(request))))
        #expect(s.onboarding.running == .register)
        #expect(s.inFlight == [.onboarding(request)])
        // The review is the console's own dialog; Send sends exactly it.
        let review = ConsoleReview(write: .onboarding(request), lines: ["register(…)"], canSend: true, id: 1)
        _ = send(&s, .reviewed(.success(review)))
        #expect(F.press(&s, [.right, .enter]).contains(.send(review)))
        // A revert is shown in words on the screen; the step can be tried again.
        let failure = ConsoleFailure(
            OperatorRefusal(
                .operatorNothingToDo, "The chain refused register", detail: "AlreadyRegistered()",
                hint: "Nothing to do."))
        let after = send(&s, .sent(.onboarding(request), .failure(failure)))
        #expect(after.contains(.probeOnboarding(s.onboarding.inputs)))
        #expect(s.onboarding.running == nil)
        t = text(s)
        #expect(t.contains("'register' failed: The chain refused register"))
        #expect(t.contains("AlreadyRegistered()"))
        #expect(t.contains("tries it again"))
        #expect(send(&s, .key(.enter)) == [.redraw])
        #expect(text(s).contains("Register: market 0"))
    }

    /// Walked on a Generation A devnet: the proposed time resolved at the register step (no benchmark yet,
    /// "480blocks") was pinned, so after a benchmark supporting 19 blocks the join form still offered 480,
    /// which no recent ask gives. A step pins only its own fields; later ones follow the probe.
    @Test func aLaterStepsSuggestionIsNotPinnedByAnEarlierStep() throws {
        var before = O.probe(O.fresh)
        before.resolved.proposedTime = "480blocks"
        var s = try O.state(before, Size(width: 120, height: 40))
        #expect(send(&s, .key(.enter)) == [.redraw])
        _ = send(&s, .key(.enter))
        #expect(s.onboarding.running == .register)
        #expect(s.onboarding.inputs.rewardAddress == F.ourAddress)
        #expect(s.onboarding.inputs.proposedTime == "")
        #expect(s.onboarding.inputs.proofCost == "")
        // The register step is over; the benchmark ran; the probe now suggests 19 blocks.
        let request = OnboardingStepRequest(step: .register, inputs: s.onboarding.inputs)
        _ = send(&s, .sent(.onboarding(request), .success("0x01")))
        var after = O.probe(Self.readyToJoin)
        after.resolved.proposedTime = "19blocks"
        _ = send(&s, .onboardingProbed(s.onboarding.inputs, .success(after)))
        #expect(send(&s, .key(.enter)) == [.redraw])
        let t = text(s)
        #expect(t.contains("Join: market 0"), "\(t)")
        #expect(t.contains("19blocks"), "\(t)")
        #expect(!t.contains("480blocks"), "\(t)")
    }

    /// Walked on a Generation A devnet: after "start programs" an enclave restart showed "Done: started
    /// listener / Done: started prover" above "The enclave restarted", its programs stopped.
    @Test func whatAStepDidGoesOnceTheEnclaveUndidIt() throws {
        var stopped = Self.complete
        stopped.enclave = .reachable(EnclaveState(key: O.key, hasConfig: true, benchmarkKnown: true))
        var s = try O.state(O.probe(stopped), Size(width: 120, height: 40))
        #expect(s.onboarding.probe?.plan.next?.kind == .startPrograms)
        _ = send(&s, .key(.enter))
        #expect(s.onboarding.running == .startPrograms)
        let request = OnboardingStepRequest(step: .startPrograms, inputs: OnboardingInputs(marketId: 0))
        _ = send(&s, .onboarded(request, .success(["started listener", "started prover"])))
        // The probe that follows shows the programs running: what the step did stays.
        _ = send(&s, .onboardingProbed(s.onboarding.inputs, .success(O.probe(Self.complete))))
        #expect(text(s).contains("Done: started prover"))
        // The enclave restarts: its key and programs are gone, and so is "Done: started prover".
        _ = send(&s, .onboardingProbed(s.onboarding.inputs, .success(O.probe(O.restarted))))
        let t = text(s)
        #expect(t.contains("The enclave restarted"), "\(t)")
        #expect(!t.contains("Done: started"), "\(t)")
    }

    @Test func aStepWithoutInputsRunsAtOnceWithProgressAndItsOutcome() throws {
        var s = try O.state(O.probe(Self.benchmarkNext), Size(width: 120, height: 40))
        let effects = send(&s, .key(.character("n")))
        let request = OnboardingStepRequest(step: .benchmark, inputs: OnboardingInputs(marketId: 0))
        #expect(effects.contains(.onboard(request)))
        #expect(s.onboarding.running == .benchmark)
        #expect(text(s).contains("Running: benchmark"))
        // A second press while it runs starts nothing.
        #expect(!send(&s, .key(.enter)).contains(.onboard(request)))
        let done = send(&s, .onboarded(request, .success(["benchmark run 1: 1200 ms"])))
        #expect(done.contains(.probeOnboarding(s.onboarding.inputs)))
        #expect(text(s).contains("Done: benchmark run 1: 1200 ms"))
    }

    @Test func anEnclaveRestartIsOneUpdateKeyAction() throws {
        var s = try O.state(O.probe(O.restarted))
        let request = OnboardingStepRequest(
            step: .updateKey,
            inputs: Self.stepInputs(O.probe(O.restarted), [.startBlock, .proverPort, .ivsURL, .gasKeyFile]))
        #expect(send(&s, .key(.character("u"))).contains(.review(.onboarding(request))))
        var t = try O.state(O.probe(O.restarted))
        #expect(send(&t, .key(.enter)).contains(.review(.onboarding(request))))
    }

    @Test func readOnlyBindsNoStepButShowsTheChecklist() throws {
        var s = try O.state(O.probe(O.fresh), readOnly: true)
        #expect(send(&s, .key(.enter)).isEmpty)
        #expect(send(&s, .key(.character("u"))).isEmpty)
        let t = text(s)
        #expect(t.contains("register"))
        #expect(!t.contains("Next step") || !t.contains("do this step"))
    }

    @Test func anotherMarketIsChosenByIdAndProbedWithItsOwnSuggestions() throws {
        var s = try O.state(O.probe(O.fresh), Size(width: 120, height: 40))
        _ = send(&s, .key(.character("m")))
        #expect(text(s).contains("Onboard into which market?"))
        _ = F.press(&s, [.backspace] + F.chars("5"))
        _ = send(&s, .key(.enter))
        #expect(text(s).contains("no market 5"))
        _ = F.press(&s, [.backspace] + F.chars("0"))
        let effects = send(&s, .key(.enter))
        #expect(effects.contains(.probeOnboarding(OnboardingInputs(marketId: 0))))
    }

    /// The join form with its warning, a running step and a failed one, at both sizes (suite "Onboarding").
    @Test(arguments: [Size(width: 80, height: 24), Size(width: 200, height: 60)])
    func snapshotsOfTheWizardsStates(size: Size) throws {
        var join = O.probe(Self.readyToJoin)
        join.warnings = [
            "Proposed time 9.3 min: too slow for this market: all 3 recent asks give less time, so none would be assigned"
        ]
        var form = try O.state(join, size)
        _ = send(&form, .key(.enter))
        try Snapshot.check(
            text(form) + "\n", named: "onboard-join-form-\(size.width)x\(size.height)", suite: "Onboarding")

        var running = try O.state(O.probe(Self.benchmarkNext), size)
        _ = send(&running, .key(.enter))
        try Snapshot.check(
            text(running) + "\n", named: "onboard-running-\(size.width)x\(size.height)", suite: "Onboarding")

        var failed = try O.state(O.probe(Self.benchmarkNext), size)
        let request = OnboardingStepRequest(step: .benchmark, inputs: OnboardingInputs(marketId: 0))
        _ = send(&failed, .key(.enter))
        _ = send(
            &failed,
            .onboarded(
                request,
                .failure(
                    ConsoleFailure(
                        EnclaveError(
                            .enclaveRefused, title: "The enclave refused the request",
                            detail: "POST /benchmark answered 500: prover crashed", hint: "Check the enclave's logs.",
                            category: .refused, status: 500)))))
        try Snapshot.check(
            text(failed) + "\n", named: "onboard-failed-\(size.width)x\(size.height)", suite: "Onboarding")
    }
}

extension OnboardingWizardTests {
    /// Markets' join of a private market hands over to the wizard for that market (its join needs the
    /// enclave's attestation), instead of a refusal with a headless hint.
    @Test func joiningAPrivateMarketFromMarketsOpensTheWizardForIt() throws {
        var s = try F.state(Size(width: 120, height: 40), snapshot: F.snapshot, screen: 1)
        // Market 1 ("tx-batch", private) is the second row.
        _ = F.press(&s, [.character("j"), .enter])
        let effects = F.press(&s, [.character("J")])
        #expect(effects.contains(.probeOnboarding(OnboardingInputs(marketId: 1))))
        #expect(s.current == 0)
        #expect(s.onboarding.inputs.marketId == 1)
    }
}

extension OnboardingWizardTests {
    /// The wizard follows each sync while it is shown, but never while a write is under way (its probe brings
    /// the journal up to the chain, which must not run beside a send).
    @Test func syncsProbeAgainOnlyWithNothingInFlight() throws {
        var s = try O.state(O.probe(O.fresh))
        let synced = ConsoleAction.synced(
            .success(ConsoleSyncProgress(fraction: 1, lastIndexed: 9, head: 9, caughtUp: true)))
        #expect(send(&s, synced).contains(.probeOnboarding(s.onboarding.inputs)))
        _ = send(&s, .onboardingProbed(s.onboarding.inputs, .success(O.probe(O.fresh))))
        _ = F.press(&s, [.enter, .enter])
        #expect(s.onboarding.running == .register)
        #expect(!send(&s, synced).contains { if case .probeOnboarding = $0 { true } else { false } })
    }
}

extension OnboardingWizardTests {
    /// The chain stops answering after a first reading: the checklist stays, with the failure in words.
    @Test func aFailedProbeAfterAReadingKeepsTheChecklistAndSaysWhy() throws {
        var s = try O.state(O.probe(O.fresh), Size(width: 120, height: 40))
        let failure = ConsoleFailure(
            OperatorRefusal(
                .operatorNothingToDo, "The chain did not answer", detail: "http://127.0.0.1:8545: connection refused",
                hint: "Check the node."))
        _ = send(&s, .onboardingProbed(s.onboarding.inputs, .failure(failure)))
        let t = text(s)
        #expect(t.contains("register"))
        #expect(t.contains("Reading the state again failed: The chain did not answer"))
        #expect(t.contains("connection refused"))
    }
}
