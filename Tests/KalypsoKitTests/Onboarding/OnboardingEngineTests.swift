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
        #expect(
            plan.next?.plan.contains(
                "compute per request 10, proof cost 5 base units of the payment token, proposed time 480 blocks")
                == true)
        #expect(plan.step(.verifyKey)?.state == .blocked(reason: "waits for step 'join'"))
        // With the payment token known, amounts are in it; a Gen B commission in per cent.
        var goal = Self.goal()
        goal.join.proofCost = 8_000_000
        goal.join.commission = 25 * BigUInt(10).power(16)
        goal.join.paymentToken = TokenInfo(address: Self.pond.address, symbol: "USDC", decimals: 6)
        let priced = OnboardingEngine.evaluate(goal: goal, observation: o)
        #expect(priced.next?.plan.contains("proof cost 8 USDC, proposed time 480 blocks, commission 25 %") == true)
    }

    /// `status --market 1` on a Generation A devnet read "join public market 1 without an enclave key with
    /// compute per request 0, proof cost 0 base units, proposed time 0 blocks": status has no terms.
    @Test func noJoinTermsAreNotShownAsZeros() {
        var o = Self.fresh()
        o.registered = true
        o.staked = [Self.pond.address: 100]
        o.enclave = .reachable(EnclaveState(key: Self.key, hasConfig: true, benchmarkKnown: true))
        var goal = Self.goal()
        goal.join = OnboardingJoinTerms(computePerRequest: 0, proofCost: 0, proposedTime: .blocks(0))
        #expect(
            OnboardingEngine.evaluate(goal: goal, observation: o).next?.plan
                == "attestation, enclave signature, then join market 3 (spec §2.6)")
        goal.publicMarket = true
        #expect(
            OnboardingEngine.evaluate(goal: goal, observation: o).next?.plan
                == "join public market 3 without an enclave key (spec §2.6.3)")
    }

    /// A goal without a compute target (status, update-key) says what is declared and suggests nothing.
    @Test func aGoalOfNoComputeSuggestsNoChange() {
        var o = Self.fresh()
        o.registered = true
        o.declaredCompute = 10
        var goal = Self.goal()
        goal.declaredCompute = 0
        #expect(
            OnboardingEngine.evaluate(goal: goal, observation: o).step(.register)?.plan
                == "registered, declared compute 10")
        goal.declaredCompute = 4
        #expect(
            OnboardingEngine.evaluate(goal: goal, observation: o).step(.register)?.plan.contains(
                "compute reduce --to 4")
                == true)
    }

    @Test func joinedButKeyNotVerifiedPlansVerifyKeyAtTheGoalsVerifier() {
        var o = Self.finished()
        o.teeVerifiedKey = nil
        o.enclave = .reachable(EnclaveState(key: Self.key, hasConfig: true, runningPrograms: [], benchmarkKnown: true))
        let plan = OnboardingEngine.evaluate(goal: Self.goal(), observation: o)
        #expect(plan.step(.join)?.state == .done)
        #expect(plan.next?.effect == .verifyKey(marketId: 3, verifier: Self.verifier))
        #expect(plan.step(.startPrograms)?.state == .blocked(reason: "waits for step 'verify key'"))
        // getVerifiedKey answers bytes32 zero for a key it does not hold.
        o.teeVerifiedKey = [UInt8](repeating: 0, count: 32)
        #expect(
            OnboardingEngine.evaluate(goal: Self.goal(), observation: o).next?.effect
                == .verifyKey(marketId: 3, verifier: Self.verifier))
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

    @Test func chainShowingTheStepDoneWinsOverAJournalEntry() {
        var o = Self.finished()
        o.pendingTransactions = [
            PendingOnboardingTransaction(step: .join, hash: "0xdef", confirmations: nil, requiredConfirmations: 2)
        ]
        let plan = OnboardingEngine.evaluate(goal: Self.goal(), observation: o)
        #expect(plan.step(.join)?.state == .done)
        #expect(plan.steps.allSatisfy { $0.effect == nil })
        #expect(plan.isComplete)
    }

    @Test func aJournalEntryMakesAStepTheChainDoesNotShowYetWait() {
        var o = Self.finished()
        o.membership = nil
        o.pendingTransactions = [
            PendingOnboardingTransaction(step: .join, hash: "0xdef", confirmations: nil, requiredConfirmations: 2)
        ]
        let plan = OnboardingEngine.evaluate(goal: Self.goal(), observation: o)
        #expect(plan.step(.join)?.state == .waiting(.pendingTransaction(hash: "0xdef")))
        #expect(plan.steps.allSatisfy { $0.effect == nil })
        #expect(plan.next == nil)
        #expect(!plan.isComplete)
    }

    @Test func publicMarketJoinedWithoutAKeyIsNoRestart() {
        var goal = Self.goal(.notNeeded)
        goal.publicMarket = true
        var o = Self.finished()
        o.membership = Self.membership(key: nil)
        let plan = OnboardingEngine.evaluate(goal: goal, observation: o)
        #expect(plan.step(.updateKey) == nil)
        #expect(plan.step(.verifyKey) == nil)
        #expect(plan.isComplete)
        // A lost configuration there is the configure step again, not §2.9.
        o.enclave = .reachable(EnclaveState(key: Self.otherKey, hasConfig: false, benchmarkKnown: true))
        let restarted = OnboardingEngine.evaluate(goal: goal, observation: o)
        #expect(restarted.step(.updateKey) == nil)
        #expect(restarted.next?.effect == .configureEnclave(marketId: 3))
    }

    @Test func publicMarketJoinNeedsNoEnclaveKey() {
        var goal = Self.goal(.needed(verifier: Self.verifier))
        goal.publicMarket = true
        var o = Self.fresh()
        o.registered = true
        o.staked = [Self.pond.address: 100]
        o.enclave = .reachable(EnclaveState(key: nil, hasConfig: true, benchmarkKnown: true))
        let plan = OnboardingEngine.evaluate(goal: goal, observation: o)
        #expect(plan.next?.kind == .join)
        #expect(plan.next?.plan.contains("without an enclave key") == true)
        #expect(plan.step(.verifyKey) == nil)
    }

    @Test func registeredWithOtherDeclaredComputeSaysHowToChangeIt() {
        var o = Self.finished()
        o.declaredCompute = 60
        let more = OnboardingEngine.evaluate(goal: Self.goal(), observation: o)
        #expect(more.step(.register)?.state == .done)
        #expect(more.step(.register)?.plan.contains("compute increase 40") == true)
        o.declaredCompute = 150
        let less = OnboardingEngine.evaluate(goal: Self.goal(), observation: o)
        #expect(less.step(.register)?.plan.contains("compute reduce --to 100") == true)
        #expect(less.isComplete)
        o.declaredCompute = 100
        let same = OnboardingEngine.evaluate(goal: Self.goal(), observation: o)
        #expect(same.step(.register)?.plan == "registered, declared compute 100")
    }

    /// Walked on a Generation A devnet: after `enclave-config --market 1` the enclave served only market 1
    /// (one market per operator), yet market 0's checklist read every step done and its jobs stopped coming.
    @Test func anEnclaveConfiguredForAnotherMarketIsNotThisMarketsConfiguration() {
        var o = Self.finished()
        o.enclave = .reachable(
            EnclaveState(
                key: Self.key, hasConfig: true, runningPrograms: ["listener", "prover"], benchmarkKnown: true,
                configuredMarket: 1))
        let plan = OnboardingEngine.evaluate(goal: Self.goal(), observation: o)
        guard case .blocked(let reason)? = plan.step(.configureEnclave)?.state else {
            Issue.record("configure enclave is \(String(describing: plan.step(.configureEnclave)?.state))")
            return
        }
        #expect(reason.contains("the enclave serves market 1"))
        #expect(reason.contains("`kalypso-console enclave-config --market 3`"))
        #expect(!plan.isComplete)
        // Configured for this market, or not known from here: as before.
        o.enclave = .reachable(
            EnclaveState(
                key: Self.key, hasConfig: true, runningPrograms: ["listener", "prover"], benchmarkKnown: true,
                configuredMarket: 3))
        #expect(OnboardingEngine.evaluate(goal: Self.goal(), observation: o).isComplete)
        #expect(OnboardingEngine.evaluate(goal: Self.goal(), observation: Self.finished()).isComplete)
    }

    @Test func observationFromASnapshotTakesTheMarketAndSumsStakePerToken() {
        let usdc = TokenInfo(
            address: Self.address("0x00000000000000000000000000000000000000dd"), symbol: "USDC", decimals: 6)
        func position(_ token: TokenInfo, _ staked: BigUInt) -> StakePosition {
            StakePosition(
                token: token, staked: staked, locked: 0, free: staked, lockedPerTask: nil, walletBalance: 0,
                allowance: 0, pendingReduction: nil, pendingWithdrawals: [])
        }
        var left = Self.membership(key: nil)
        left.marketId = 4
        left.state = .notJoined
        let snapshot = OperatorSnapshot(
            generation: .a,
            clock: ChainClock(contractBlockNumber: 10, nodeBlockNumber: 10, timestamp: 1000, secondsPerBlock: nil),
            record: OperatorRecord(
                address: Self.reward, registered: true, rewardAddress: Self.reward, declaredCompute: 77,
                allocatedCompute: 10, consumedCompute: 0, activeMarkets: 1, metadata: [], pendingComputeReduction: nil),
            marketCount: 5, markets: [Self.membership(key: Self.key), left],
            stakes: [position(Self.pond, 30), position(usdc, 5), position(Self.pond, 12)], rewards: [])
        let enclave = EnclaveObservation.unreachable(reason: "down")
        let joined = OnboardingObservation(
            snapshot: snapshot, marketId: 3, enclave: enclave, teeVerifiedKey: Self.key, pendingTransactions: [])
        #expect(joined.registered)
        #expect(joined.declaredCompute == 77)
        #expect(joined.staked == [Self.pond.address: 42, usdc.address: 5])
        #expect(joined.membership?.enclaveKey == Self.key)
        #expect(joined.teeVerifiedKey == Self.key)
        #expect(joined.enclave == enclave)
        // A market the operator left (state 0) or never saw reads as not joined.
        let notJoined = OnboardingObservation(
            snapshot: snapshot, marketId: 4, enclave: enclave, teeVerifiedKey: nil, pendingTransactions: [])
        #expect(notJoined.membership == nil)
        let absent = OnboardingObservation(
            snapshot: snapshot, marketId: 9, enclave: enclave, teeVerifiedKey: nil, pendingTransactions: [])
        #expect(absent.membership == nil)
    }

    @Test func enclaveKeyDifferentFromChainPlansOneUpdateKeyAction() {
        var o = Self.finished()
        o.enclave = .reachable(EnclaveState(key: Self.otherKey, hasConfig: false, benchmarkKnown: false))
        o.teeVerifiedKey = nil  // the verifier is asked about the enclave's new address
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
        // The chain already holds the enclave's key: only the configuration and the programs are missing.
        #expect(action.parts == [.configureEnclave, .startPrograms(["listener", "prover"])])
    }

    @Test func updateKeyRerunSkipsThePartsAlreadyDone() {
        // Killed after updateEncryptionKey and the TEE verification: the chain holds the new key.
        var o = Self.finished()
        o.membership = Self.membership(key: Self.otherKey)
        o.enclave = .reachable(
            EnclaveState(key: Self.otherKey, hasConfig: false, runningPrograms: [], benchmarkKnown: false))
        let plan = OnboardingEngine.evaluate(goal: Self.goal(), observation: o)
        guard case .updateKey(let action) = plan.next?.effect else {
            Issue.record("expected update key, got \(String(describing: plan.next))")
            return
        }
        #expect(action.parts == [.configureEnclave, .startPrograms(["listener", "prover"])])
        // Key updated, not yet verified: attestation and signature again for verifyKey only.
        o.teeVerifiedKey = nil
        o.enclave = .reachable(EnclaveState(key: Self.otherKey, hasConfig: false, benchmarkKnown: false))
        guard case .updateKey(let second) = OnboardingEngine.evaluate(goal: Self.goal(), observation: o).next?.effect
        else {
            Issue.record("expected update key")
            return
        }
        #expect(
            second.parts == [
                .attestation, .enclaveSignature, .verifyKey(verifier: Self.verifier), .configureEnclave,
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
