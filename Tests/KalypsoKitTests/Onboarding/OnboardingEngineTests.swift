import BigInt
import EthereumKit
import Testing

@testable import KalypsoKit

/// The onboarding engine turns a goal and an observation into steps in the working order of spec §2.8.
@Suite struct OnboardingEngineTests {
    static let pond = TokenInfo(
        address: address("0x00000000000000000000000000000000000000aa"), symbol: "POND", decimals: 18)
    static let reward = address("0x00000000000000000000000000000000000000bb")
    static let verifier = address("0x00000000000000000000000000000000000000cc")
    static let key = [UInt8](repeating: 7, count: 64)
    static let otherKey = [UInt8](repeating: 9, count: 64)

    static func address(_ text: String) -> Address {
        guard let a = try? Address(text) else { fatalError("bad test address \(text)") }
        return a
    }

    static func goal(_ verification: KeyVerification = .needed(verifier: verifier)) -> OnboardingGoal {
        OnboardingGoal(
            marketId: 3, rewardAddress: reward, declaredCompute: 100, metadata: Array("{}".utf8),
            stakeTargets: [StakeTarget(token: pond, amount: 100)],
            join: OnboardingJoinTerms(computePerRequest: 10, proofCost: 5, proposedTime: .blocks(480)),
            programs: ["listener", "prover"], keyVerification: verification)
    }

    static func membership(key: [UInt8]?) -> MarketMembership {
        MarketMembership(
            marketId: 3, state: .joined, computePerRequest: 10, proofCost: 5, proposedTime: .blocks(480),
            commission: nil, activeRequests: 0, enclaveKey: key)
    }

    /// Everything done: registered, staked, configured, benchmarked, joined, verified, running.
    static func finished() -> OnboardingObservation {
        OnboardingObservation(
            registered: true, declaredCompute: 100, staked: [pond.address: 100], membership: membership(key: key),
            enclave: .reachable(
                EnclaveState(key: key, hasConfig: true, runningPrograms: ["listener", "prover"], benchmarkKnown: true)),
            teeVerifiedKey: key)
    }

    static func fresh() -> OnboardingObservation {
        OnboardingObservation(
            registered: false, enclave: .reachable(EnclaveState(key: key, hasConfig: false, benchmarkKnown: false)))
    }

    func kinds(_ plan: OnboardingPlan) -> [OnboardingStepKind] { plan.steps.map(\.kind) }
    func states(_ plan: OnboardingPlan) -> [OnboardingStepState] { plan.steps.map(\.state) }

    @Test func freshOperatorStartsWithRegisterAndEverythingElseWaitsForIt() {
        let plan = OnboardingEngine.evaluate(goal: Self.goal(), observation: Self.fresh())
        #expect(kinds(plan) == [.register, .stake, .configureEnclave, .benchmark, .join, .verifyKey, .startPrograms])
        #expect(plan.steps[0].state == .toDo)
        #expect(
            plan.steps[0].effect
                == .register(rewardAddress: Self.reward, declaredCompute: 100, metadata: Array("{}".utf8)))
        #expect(plan.steps[0].plan.contains("declared compute 100"))
        for step in plan.steps.dropFirst() {
            #expect(step.state == .blocked(reason: "waits for step 'register'"))
            #expect(step.effect == nil)
        }
        #expect(plan.next?.kind == .register)
        #expect(!plan.isComplete)
    }

    @Test func everythingDoneYieldsNoEffect() {
        let plan = OnboardingEngine.evaluate(goal: Self.goal(), observation: Self.finished())
        #expect(plan.isComplete)
        #expect(plan.steps.allSatisfy { $0.effect == nil })
        #expect(plan.next == nil)
        #expect(plan.step(.updateKey) == nil)
    }

    @Test func stakeTopsUpToTheTargetNotByIt() {
        var o = Self.fresh()
        o.registered = true
        o.staked = [Self.pond.address: 40]
        let plan = OnboardingEngine.evaluate(goal: Self.goal(), observation: o)
        let stake = plan.step(.stake)
        #expect(stake?.state == .toDo)
        #expect(stake?.effect == .stake([StakeTarget(token: Self.pond, amount: 60)]))
        #expect(stake?.plan.contains("target") == true)
        #expect(plan.step(.configureEnclave)?.state == .blocked(reason: "waits for step 'stake'"))
    }

    @Test func stakeAboveTheTargetIsDoneAndSendsNothing() {
        var o = Self.fresh()
        o.registered = true
        o.staked = [Self.pond.address: 150]
        let plan = OnboardingEngine.evaluate(goal: Self.goal(), observation: o)
        #expect(plan.step(.stake)?.state == .done)
        #expect(plan.step(.stake)?.effect == nil)
        #expect(plan.next?.kind == .configureEnclave)
        #expect(plan.next?.effect == .configureEnclave(marketId: 3))
    }

    @Test func configuredButNotBenchmarkedPlansTheBenchmark() {
        var o = Self.fresh()
        o.registered = true
        o.staked = [Self.pond.address: 100]
        o.enclave = .reachable(EnclaveState(key: Self.key, hasConfig: true, benchmarkKnown: false))
        let plan = OnboardingEngine.evaluate(goal: Self.goal(), observation: o)
        #expect(states(plan).prefix(3) == [.done, .done, .done])
        #expect(plan.next?.effect == .benchmark(marketId: 3))
        #expect(plan.step(.join)?.state == .blocked(reason: "waits for step 'benchmark'"))
    }

    @Test func benchmarkedNotJoinedPlansJoinWithTheGoalsTerms() {
        var o = Self.fresh()
        o.registered = true
        o.staked = [Self.pond.address: 100]
        o.enclave = .reachable(EnclaveState(key: Self.key, hasConfig: true, benchmarkKnown: true))
        let plan = OnboardingEngine.evaluate(goal: Self.goal(), observation: o)
        let terms = OnboardingJoinTerms(computePerRequest: 10, proofCost: 5, proposedTime: .blocks(480))
        #expect(plan.next?.kind == .join)
        #expect(plan.next?.effect == .join(marketId: 3, parameters: terms))
        #expect(plan.next?.plan.contains("compute per request 10, proof cost 5, proposed time 480 blocks") == true)
        #expect(plan.step(.verifyKey)?.state == .blocked(reason: "waits for step 'join'"))
    }

    @Test func joinedButKeyNotVerifiedPlansVerifyKeyAtTheGoalsVerifier() {
        var o = Self.finished()
        o.teeVerifiedKey = nil
        o.enclave = .reachable(EnclaveState(key: Self.key, hasConfig: true, runningPrograms: [], benchmarkKnown: true))
        let plan = OnboardingEngine.evaluate(goal: Self.goal(), observation: o)
        #expect(plan.step(.join)?.state == .done)
        #expect(plan.next?.effect == .verifyKey(marketId: 3, verifier: Self.verifier))
        #expect(plan.step(.startPrograms)?.state == .blocked(reason: "waits for step 'verify key'"))
    }

    @Test func verifyKeyNotNeededIsLeftOutAndStartFollowsJoin() {
        var o = Self.finished()
        o.teeVerifiedKey = nil
        o.enclave = .reachable(
            EnclaveState(key: Self.key, hasConfig: true, runningPrograms: ["listener"], benchmarkKnown: true))
        let plan = OnboardingEngine.evaluate(goal: Self.goal(.notNeeded), observation: o)
        #expect(plan.step(.verifyKey) == nil)
        #expect(plan.next?.kind == .startPrograms)
        // Only what is not running, in the goal's order.
        #expect(plan.next?.effect == .startPrograms(["prover"]))
    }

    @Test func unknownKeyVerificationBlocksWithTheReason() {
        var o = Self.finished()
        o.enclave = .reachable(EnclaveState(key: Self.key, hasConfig: true, runningPrograms: [], benchmarkKnown: true))
        let plan = OnboardingEngine.evaluate(goal: Self.goal(.unknown), observation: o)
        guard case .blocked(let reason) = plan.step(.verifyKey)?.state else {
            Issue.record("verify key should be blocked")
            return
        }
        #expect(reason.contains("not known yet"))
        #expect(plan.step(.startPrograms)?.state == .blocked(reason: "waits for step 'verify key'"))
    }

    @Test func unreachableEnclaveBlocksEnclaveStepsWithTheReason() {
        var o = Self.fresh()
        o.registered = true
        o.staked = [Self.pond.address: 100]
        o.enclave = .unreachable(reason: "connection refused at :5000")
        let plan = OnboardingEngine.evaluate(goal: Self.goal(), observation: o)
        #expect(plan.step(.stake)?.state == .done)
        #expect(
            plan.step(.configureEnclave)?.state
                == .blocked(reason: "enclave unreachable: connection refused at :5000"))
        #expect(plan.step(.benchmark)?.state == .blocked(reason: "waits for step 'configure enclave'"))
        #expect(plan.next == nil)
    }

    @Test func pendingTransactionMakesTheStepWaitAndNeverResends() {
        var o = Self.fresh()
        o.pendingTransactions = [
            PendingOnboardingTransaction(step: .register, hash: "0xabc", confirmations: 1, requiredConfirmations: 3)
        ]
        let plan = OnboardingEngine.evaluate(goal: Self.goal(), observation: o)
        #expect(plan.step(.register)?.state == .waiting(.confirmations(hash: "0xabc", have: 1, need: 3)))
        #expect(plan.step(.register)?.effect == nil)
        #expect(plan.step(.register)?.plan.contains("1 of 3 confirmations") == true)
        #expect(plan.step(.stake)?.state == .blocked(reason: "waits for step 'register'"))
        #expect(plan.next == nil)
    }

    @Test func unminedTransactionWaitsEvenWhenTheTipShowsDone() {
        var o = Self.finished()
        o.pendingTransactions = [
            PendingOnboardingTransaction(step: .join, hash: "0xdef", confirmations: nil, requiredConfirmations: 2)
        ]
        let plan = OnboardingEngine.evaluate(goal: Self.goal(), observation: o)
        #expect(plan.step(.join)?.state == .waiting(.pendingTransaction(hash: "0xdef")))
        #expect(plan.steps.allSatisfy { $0.effect == nil })
        #expect(!plan.isComplete)
    }

    @Test func enclaveKeyDifferentFromChainPlansOneUpdateKeyAction() {
        var o = Self.finished()
        o.enclave = .reachable(EnclaveState(key: Self.otherKey, hasConfig: false, benchmarkKnown: false))
        let plan = OnboardingEngine.evaluate(goal: Self.goal(), observation: o)
        #expect(kinds(plan) == [.register, .stake, .updateKey])
        guard case .updateKey(let action) = plan.next?.effect else {
            Issue.record("expected update key, got \(String(describing: plan.next))")
            return
        }
        #expect(action.reason == .keyMismatch)
        #expect(
            action.parts == [
                .attestation, .enclaveSignature, .updateEncryptionKey(marketId: 3), .verifyKey(verifier: Self.verifier),
                .configureEnclave, .startPrograms(["listener", "prover"]),
            ])
        #expect(plan.next?.plan.contains("0x92eb91e2") == true)
    }

    @Test func joinedEnclaveWithoutConfigIsARestartWithoutTeeStepWhenNotNeeded() {
        var o = Self.finished()
        o.enclave = .reachable(EnclaveState(key: Self.key, hasConfig: false, benchmarkKnown: true))
        let plan = OnboardingEngine.evaluate(goal: Self.goal(.notNeeded), observation: o)
        guard case .updateKey(let action) = plan.step(.updateKey)?.effect else {
            Issue.record("expected update key")
            return
        }
        #expect(action.reason == .enclaveHasNoConfig)
        #expect(
            action.parts == [
                .attestation, .enclaveSignature, .updateEncryptionKey(marketId: 3), .configureEnclave,
                .startPrograms(["listener", "prover"]),
            ])
    }

    @Test func unreachableEnclaveIsNotTakenForARestart() {
        var o = Self.finished()
        o.enclave = .unreachable(reason: "timeout")
        let plan = OnboardingEngine.evaluate(goal: Self.goal(), observation: o)
        #expect(plan.step(.updateKey) == nil)
        #expect(plan.step(.join)?.state == .done)
        #expect(plan.step(.configureEnclave)?.state == .blocked(reason: "enclave unreachable: timeout"))
    }

    @Test func enclaveWithoutKeyBlocksJoin() {
        var o = Self.fresh()
        o.registered = true
        o.staked = [Self.pond.address: 100]
        o.enclave = .reachable(EnclaveState(key: nil, hasConfig: true, benchmarkKnown: true))
        let plan = OnboardingEngine.evaluate(goal: Self.goal(), observation: o)
        #expect(plan.step(.join)?.state == .blocked(reason: "the enclave reports no key to attest"))
        #expect(plan.step(.join)?.effect == nil)
    }

    @Test func stakeSendsOnlyTheTokensBelowTheirTarget() {
        let usdc = TokenInfo(
            address: Self.address("0x00000000000000000000000000000000000000dd"), symbol: "USDC", decimals: 6)
        var goal = Self.goal()
        goal.stakeTargets = [StakeTarget(token: Self.pond, amount: 100), StakeTarget(token: usdc, amount: 2_000_000)]
        var o = Self.fresh()
        o.registered = true
        o.staked = [Self.pond.address: 100, usdc.address: 500_000]
        let plan = OnboardingEngine.evaluate(goal: goal, observation: o)
        #expect(plan.step(.stake)?.effect == .stake([StakeTarget(token: usdc, amount: 1_500_000)]))
        #expect(plan.step(.stake)?.plan.contains("stake 1.5 USDC") == true)
    }
}
