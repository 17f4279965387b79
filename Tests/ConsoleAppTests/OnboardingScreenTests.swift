import BigInt
import ConsoleApp
import EthereumKit
import Foundation
import TerminalKit
import TerminalKitTesting
import Testing

@testable import KalypsoKit

/// The onboarding screen from plans the real engine computes: a fresh operator, one half-way with a
/// transaction waiting, and one whose enclave restarted.
@Suite struct OnboardingScreenTests {
    typealias F = ConsoleFixtures
    static let unicode = RenderContext(capabilities: Capabilities(colorDepth: .indexed256, unicode: true))
    static let pond = TokenInfo(
        address: address("0x00000000000000000000000000000000000000aa"), symbol: "POND", decimals: 18)
    static let verifier = address("0x00000000000000000000000000000000000000cc")
    static let key = [UInt8](repeating: 7, count: 64)

    static func address(_ text: String) -> Address {
        guard let a = try? Address(text) else { fatalError("bad test address \(text)") }
        return a
    }

    static var goal: OnboardingGoal {
        OnboardingGoal(
            marketId: 0, rewardAddress: address(F.ourAddress), declaredCompute: 100, metadata: Array("{}".utf8),
            stakeTargets: [StakeTarget(token: pond, amount: 100)],
            join: OnboardingJoinTerms(
                computePerRequest: 1, proofCost: 5_000_000, proposedTime: ChainTime(600, .seconds),
                paymentToken: TokenInfo(
                    address: address("0x00000000000000000000000000000000000000cc"), symbol: "USDC", decimals: 6)),
            programs: ["listener", "prover"], keyVerification: .needed(verifier: verifier))
    }

    static func probe(_ observation: OnboardingObservation, problem: String? = nil) -> ConsoleOnboarding {
        var inputs = OnboardingInputs(marketId: 0)
        inputs.rewardAddress = F.ourAddress
        inputs.declaredCompute = "100"
        inputs.metadata = #"{"name":"zk prover"}"#
        inputs.stake = "100"
        inputs.parallelJobs = "1"
        inputs.computePerRequest = "1"
        inputs.proofCost = "5"
        inputs.proposedTime = "600s"
        inputs.commission = "0"
        inputs.proverPort = "3000"
        inputs.ivsURL = "http://not_available"
        return ConsoleOnboarding(
            plan: OnboardingEngine.evaluate(goal: goal, observation: observation), marketName: "zkEVM blocks",
            probeProblem: problem, resolved: inputs,
            notes: [.stake: "lock 100 POND per job × 1 parallel job", .proposedTime: "benchmark 6.2 min + 50 %"],
            stakeSymbol: "POND", paymentSymbol: "USDC",
            markets: [OnboardingMarketChoice(id: 0, isPublic: false, joined: false)])
    }

    /// The console on screen 1 with `probe` delivered as the services' answer.
    static func state(
        _ probe: ConsoleOnboarding?, _ size: Size = Size(width: 80, height: 24), readOnly: Bool = false
    ) throws -> ConsoleState {
        var s = try F.state(size, snapshot: F.snapshot, readOnly: readOnly, screen: 0)
        if let probe { s = ConsoleCore.update(s, .onboardingProbed(s.onboarding.inputs, .success(probe))).0 }
        return s
    }

    static var fresh: OnboardingObservation {
        OnboardingObservation(
            registered: false, enclave: .reachable(EnclaveState(key: key, hasConfig: false, benchmarkKnown: false)))
    }

    static var halfWay: OnboardingObservation {
        OnboardingObservation(
            registered: true, declaredCompute: 100, staked: [:],
            enclave: .reachable(EnclaveState(key: key, hasConfig: true, benchmarkKnown: false)),
            pendingTransactions: [
                PendingOnboardingTransaction(
                    step: .stake, hash: F.hash(31), confirmations: 1, requiredConfirmations: 3)
            ])
    }

    static var restarted: OnboardingObservation {
        OnboardingObservation(
            registered: true, declaredCompute: 100, staked: [pond.address: 100],
            membership: MarketMembership(
                marketId: 0, state: .joined, computePerRequest: 1, proofCost: 5,
                proposedTime: ChainTime(600, .seconds), commission: nil, activeRequests: 0, enclaveKey: key),
            enclave: .reachable(
                EnclaveState(key: [UInt8](repeating: 9, count: 64), hasConfig: false, benchmarkKnown: true)),
            teeVerifiedKey: key)
    }

    func text(_ probe: ConsoleOnboarding, _ size: Size, readOnly: Bool = false) throws -> String {
        try Self.state(probe, size, readOnly: readOnly).frame(size: size, context: Self.unicode).text()
    }

    @Test func isScreenOneAndReachedByName() throws {
        #expect(ScreenRegistry.standard.names.first == "onboard")
        #expect(ScreenRegistry.standard.index(named: "onboard") == 0)
        // As the screen bar names it: `--screen onboarding` and `:Onboarding` reach it too.
        #expect(ScreenRegistry.standard.index(named: "onboarding") == 0)
        #expect(ScreenRegistry.standard.index(named: "Onboarding") == 0)
        #expect(ScreenRegistry.standard.index(named: "onboardings") == nil)
        var s = try F.state(snapshot: F.snapshot)
        _ = F.press(&s, [.character(":")] + F.chars("onboard") + [.enter])
        #expect(s.current == 0)
    }

    @Test func freshOperatorSeesTheWholeChecklistWithRegisterNext() throws {
        let t = try text(Self.probe(Self.fresh), Size(width: 200, height: 60))
        #expect(t.contains("Onboarding: market 0 (zkEVM blocks)"))
        #expect(t.contains("0 of 7 steps done"))
        for kind in ["register", "stake", "configure enclave", "benchmark", "join", "verify key", "start programs"] {
            #expect(t.contains(kind), "\(kind) missing")
        }
        #expect(t.contains("to do"))
        #expect(t.contains("blocked"))
        #expect(t.contains("Next step"))
        #expect(t.contains("register: "))
    }

    @Test func aStepWaitingForConfirmationsSaysHowMany() throws {
        let t = try text(Self.probe(Self.halfWay), Size(width: 200, height: 60))
        #expect(t.contains("waiting"))
        #expect(t.contains("1 of 3 confirmations"))
        #expect(t.contains("done"))
    }

    @Test func anEnclaveRestartOffersTheUpdateKeySequence() throws {
        let snap = Self.probe(Self.restarted)
        #expect(snap.updateKey != nil)
        let t = try text(snap, Size(width: 200, height: 60))
        #expect(t.contains("The enclave restarted"))
        #expect(t.contains("update key"))
    }

    @Test func aProbeProblemIsShownBesideTheChecklist() throws {
        let t = try text(
            Self.probe(Self.fresh, problem: "the enclave at 127.0.0.1:1300 did not answer"),
            Size(width: 200, height: 60))
        #expect(t.contains("Probe: the enclave at 127.0.0.1:1300 did not answer"))
    }

    /// The populated checklist in each case, at both sizes, in ASCII and read-only (the snapshots beside
    /// this file, suite "Onboarding").
    @Test(arguments: [Size(width: 80, height: 24), Size(width: 200, height: 60)])
    func snapshots(size: Size) throws {
        let ascii = RenderContext(capabilities: Capabilities(colorDepth: .ansi8, unicode: false))
        let cases: [(String, OnboardingObservation)] = [
            ("fresh", Self.fresh), ("waiting", Self.halfWay), ("restarted", Self.restarted),
        ]
        for (name, observation) in cases {
            for readOnly in [false, true] {
                let s = try Self.state(Self.probe(observation), size, readOnly: readOnly)
                let mode = readOnly ? "-read-only" : ""
                try Snapshot.check(
                    s.frame(size: size, context: Self.unicode).text() + "\n",
                    named: "onboard-\(name)\(mode)-\(size.width)x\(size.height)", suite: "Onboarding")
            }
            let s = try Self.state(Self.probe(observation), size)
            let text = s.frame(size: size, context: ascii).text()
            #expect(text.unicodeScalars.allSatisfy { $0.isASCII }, "\(name) is not ASCII-only")
            try Snapshot.check(
                text + "\n", named: "onboard-\(name)-ascii-\(size.width)x\(size.height)", suite: "Onboarding")
            // Monochrome: the style runs carry no colour, only attributes.
            let dump = StyleDump.dump(s.frame(size: size, context: ConsoleScreenSnapshotTests.monochrome))
            #expect(!dump.contains("fg="), "\(name) uses a colour in monochrome")
            try Snapshot.check(
                dump, named: "onboard-\(name)-monochrome-\(size.width)x\(size.height)", suite: "Onboarding")
        }
    }

    @Test func notProbedYetSaysSo() throws {
        let size = Size(width: 80, height: 24)
        let t = try Self.state(nil, size).frame(size: size, context: Self.unicode).text()
        #expect(t.contains("Reading the onboarding state"))
    }

    @Test func redrawsOnlyWhenThePlanChanges() throws {
        var screen = OnboardingScreen()
        let s = try Self.state(Self.probe(Self.fresh))
        var env = s.environment
        let first = screen.refresh(env)
        let same = screen.refresh(env)
        env.onboarding.probe = Self.probe(Self.halfWay)
        let changed = screen.refresh(env)
        #expect(first && !same && changed)
    }
}
