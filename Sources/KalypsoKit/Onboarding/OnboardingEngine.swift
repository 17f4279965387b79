import BigInt
import EthereumKit
import Foundation

/// One thing to send to chain or enclave. The engine only describes it; a runner executes it.
public enum OnboardingEffect: Sendable, Hashable {
    case register(rewardAddress: Address, declaredCompute: BigUInt, metadata: [UInt8])
    /// One stake call per token, each for the shortfall to its target.
    case stake([StakeTarget])
    case configureEnclave(marketId: BigUInt)
    case benchmark(marketId: BigUInt)
    /// Attestation (§2.6.1), enclave signature (§2.6.2), then the join call (§2.6.3).
    case join(marketId: BigUInt, parameters: OnboardingJoinTerms)
    case verifyKey(marketId: BigUInt, verifier: Address)
    /// Only the programs not running yet, in the goal's order.
    case startPrograms([String])
    /// The §2.9 sequence as one action.
    case updateKey(UpdateKeyAction)
}

/// The update-key sequence of spec §2.9 after an enclave restart.
public struct UpdateKeyAction: Sendable, Hashable {
    public enum Part: Sendable, Hashable {
        case attestation
        case enclaveSignature
        case updateEncryptionKey(marketId: BigUInt)
        case verifyKey(verifier: Address)
        case configureEnclave
        case startPrograms([String])
    }

    public enum Reason: Sendable, Hashable {
        /// The enclave's key differs from `pub_key(operator, market)` on chain (or there is none on chain).
        case keyMismatch
        /// The operator is joined but the enclave has no configuration.
        case enclaveHasNoConfig
    }

    public var marketId: BigUInt
    public var reason: Reason
    public var parts: [Part]
}

/// Why a step waits.
public enum OnboardingWait: Sendable, Hashable {
    /// Sent, not mined yet.
    case pendingTransaction(hash: String)
    /// Mined, fewer confirmations than required.
    case confirmations(hash: String, have: Int, need: Int)
}

public enum OnboardingStepState: Sendable, Hashable {
    case done
    case toDo
    case blocked(reason: String)
    case waiting(OnboardingWait)
}

public struct OnboardingStep: Sendable, Hashable {
    public var kind: OnboardingStepKind
    public var state: OnboardingStepState
    /// What will be sent, in words (for a done step: what was found).
    public var plan: String
    /// What to execute; nil unless the state is ``OnboardingStepState/toDo``.
    public var effect: OnboardingEffect?
}

public struct OnboardingPlan: Sendable, Hashable {
    public var marketId: BigUInt
    public var steps: [OnboardingStep]

    public func step(_ kind: OnboardingStepKind) -> OnboardingStep? { steps.first { $0.kind == kind } }
    /// The step a runner executes next: the first one to do, nil when none is.
    public var next: OnboardingStep? { steps.first { $0.state == .toDo } }
    public var isComplete: Bool { steps.allSatisfy { $0.state == .done } }
}

/// Works out, from a goal and what was observed, which onboarding steps are done and what to send next.
/// Pure: no I/O; the same inputs always give the same plan.
public enum OnboardingEngine {
    /// A step as probed alone, before its prerequisites are taken into account.
    private struct Probe {
        var kind: OnboardingStepKind
        var state: OnboardingStepState
        var plan: String
        var effect: OnboardingEffect?

        static func done(_ kind: OnboardingStepKind, _ plan: String) -> Probe {
            Probe(kind: kind, state: .done, plan: plan, effect: nil)
        }
        static func toDo(_ kind: OnboardingStepKind, _ plan: String, _ effect: OnboardingEffect) -> Probe {
            Probe(kind: kind, state: .toDo, plan: plan, effect: effect)
        }
        static func blocked(_ kind: OnboardingStepKind, _ reason: String) -> Probe {
            Probe(kind: kind, state: .blocked(reason: reason), plan: reason, effect: nil)
        }
    }

    public static func evaluate(goal: OnboardingGoal, observation: OnboardingObservation) -> OnboardingPlan {
        let market = goal.marketId
        var probes = [register(goal, observation), stake(goal, observation)]
        if let restart = restartReason(goal, observation) {
            probes.append(updateKey(goal, observation, reason: restart))
        } else {
            probes += [
                configureEnclave(goal, observation), benchmark(goal, observation), join(goal, observation),
            ]
            if goal.keyVerification != .notNeeded && !goal.publicMarket {
                probes.append(verifyKey(goal, observation))
            }
            probes.append(startPrograms(goal, observation))
        }
        var steps: [OnboardingStep] = []
        var firstUnfinished: OnboardingStepKind?
        for probe in probes {
            var state = probe.state
            var plan = probe.plan
            if state != .done, let pending = observation.pendingTransactions.first(where: { $0.step == probe.kind }) {
                // Sent before and not final: never send it again. When the chain already shows the step done,
                // the chain wins (the journal only lags behind it).
                let wait: OnboardingWait =
                    pending.confirmations.map {
                        .confirmations(hash: pending.hash, have: $0, need: pending.requiredConfirmations)
                    } ?? .pendingTransaction(hash: pending.hash)
                state = .waiting(wait)
                plan = "waiting for \(pending.hash): " + waitWords(wait)
            } else if state != .done, let prior = firstUnfinished {
                state = .blocked(reason: "waits for step '\(prior.rawValue)'")
                plan = "after '\(prior.rawValue)': " + probe.plan
            }
            if state != .done && firstUnfinished == nil { firstUnfinished = probe.kind }
            steps.append(
                OnboardingStep(kind: probe.kind, state: state, plan: plan, effect: state == .toDo ? probe.effect : nil))
        }
        return OnboardingPlan(marketId: market, steps: steps)
    }

    private static func waitWords(_ wait: OnboardingWait) -> String {
        switch wait {
        case .pendingTransaction: return "not mined yet"
        case .confirmations(_, let have, let need): return "\(have) of \(need) confirmations"
        }
    }

    private static func register(_ goal: OnboardingGoal, _ o: OnboardingObservation) -> Probe {
        if o.registered {
            let declared = o.declaredCompute
            var words = "registered, declared compute \(declared)"
            if declared < goal.declaredCompute {
                words +=
                    " (the goal is \(goal.declaredCompute): `kalypso-console compute increase "
                    + "\(goal.declaredCompute - declared)` raises it)"
            } else if declared > goal.declaredCompute && goal.declaredCompute > 0 {
                // (A goal of 0 is no goal: status and the enclave-only sequences ask for no compute.)
                words +=
                    " (the goal is \(goal.declaredCompute): `kalypso-console compute reduce --to "
                    + "\(goal.declaredCompute)` lowers it, in two steps)"
            }
            return .done(.register, words)
        }
        let metadata = goal.metadata.isEmpty ? "no metadata" : "metadata of \(goal.metadata.count) bytes"
        return .toDo(
            .register,
            "register(reward address \(goal.rewardAddress), declared compute \(goal.declaredCompute), \(metadata))",
            .register(rewardAddress: goal.rewardAddress, declaredCompute: goal.declaredCompute, metadata: goal.metadata)
        )
    }

    private static func stake(_ goal: OnboardingGoal, _ o: OnboardingObservation) -> Probe {
        var topUps: [StakeTarget] = []
        var words: [String] = []
        for target in goal.stakeTargets {
            let staked = o.staked[target.token.address] ?? 0
            if staked < target.amount {
                let missing = target.amount - staked
                topUps.append(StakeTarget(token: target.token, amount: missing))
                words.append(
                    "stake \(target.token.format(missing)) (\(target.token.address)): staked "
                        + "\(target.token.format(staked)), target \(target.token.format(target.amount))")
            }
        }
        if topUps.isEmpty {
            let held = goal.stakeTargets.map { "\($0.token.format(o.staked[$0.token.address] ?? 0))" }
            return .done(.stake, held.isEmpty ? "no stake target" : "staked " + held.joined(separator: ", "))
        }
        return .toDo(.stake, words.joined(separator: "; "), .stake(topUps))
    }

    /// The probe `body` gives from the enclave's state, or the probe of `kind` blocked because the enclave did
    /// not answer.
    private static func withEnclave(
        _ o: OnboardingObservation, _ kind: OnboardingStepKind, _ body: (EnclaveState) -> Probe
    ) -> Probe {
        switch o.enclave {
        case .reachable(let state): return body(state)
        case .unreachable(let reason): return .blocked(kind, "enclave unreachable: \(reason)")
        }
    }

    /// The probe of `kind` blocked until the runner has asked the market's verifier about `getVerifiedKey`.
    private static func verificationUnknown(_ kind: OnboardingStepKind, _ goal: OnboardingGoal) -> Probe {
        .blocked(kind, "not known yet whether market \(goal.marketId)'s verifier needs the key verified")
    }

    private static func configureEnclave(_ goal: OnboardingGoal, _ o: OnboardingObservation) -> Probe {
        return withEnclave(o, .configureEnclave) { enclave in
            if enclave.hasConfig, let other = enclave.configuredMarket, other != goal.marketId {
                // Configuring this market would stop the other one's jobs (one market per operator); reported
                // as done, the enclave served market 1 while market 0 showed every step done.
                return .blocked(
                    .configureEnclave,
                    "the enclave serves market \(other) (configured from here last); its generator client serves "
                        + "one market per operator, so configuring market \(goal.marketId) stops market \(other)'s "
                        + "jobs: use another enclave for market \(goal.marketId), or move this one with "
                        + "`kalypso-console enclave-config --market \(goal.marketId)`")
            }
            if enclave.hasConfig { return .done(.configureEnclave, "the enclave has its configuration") }
            return .toDo(
                .configureEnclave, "generatorConfigSetup for market \(goal.marketId) (spec §2.4)",
                .configureEnclave(marketId: goal.marketId))
        }
    }

    private static func benchmark(_ goal: OnboardingGoal, _ o: OnboardingObservation) -> Probe {
        if o.membership?.isMember == true {
            return .done(.benchmark, "joined market \(goal.marketId): the benchmark was for choosing the terms")
        }
        return withEnclave(o, .benchmark) { enclave in
            if enclave.benchmarkKnown { return .done(.benchmark, "a benchmark for market \(goal.marketId) is known") }
            return .toDo(
                .benchmark, "benchmark the prover for market \(goal.marketId) (spec §2.3)",
                .benchmark(marketId: goal.marketId))
        }
    }

    private static func join(_ goal: OnboardingGoal, _ o: OnboardingObservation) -> Probe {
        if let membership = o.membership, membership.isMember {
            return .done(.join, "joined market \(goal.marketId), compute per request \(membership.computePerRequest)")
        }
        let p = goal.join
        // Compute per request 0 is no terms (status only looks; the contract refuses 0): no "proof cost 0".
        let terms = p.computePerRequest == 0 ? "" : " with " + p.words
        if goal.publicMarket {
            return .toDo(
                .join, "join public market \(goal.marketId) without an enclave key\(terms) (spec §2.6.3)",
                .join(marketId: goal.marketId, parameters: p))
        }
        return withEnclave(o, .join) { enclave in
            guard enclave.key != nil else { return .blocked(.join, "the enclave reports no key to attest") }
            return .toDo(
                .join,
                "attestation, enclave signature, then join market \(goal.marketId)\(terms) (spec §2.6)",
                .join(marketId: goal.marketId, parameters: p))
        }
    }

    private static func verifyKey(_ goal: OnboardingGoal, _ o: OnboardingObservation) -> Probe {
        guard case .needed(let verifier) = goal.keyVerification else {
            return verificationUnknown(.verifyKey, goal)
        }
        return withEnclave(o, .verifyKey) { enclave in
            if enclave.key != nil, let image = o.teeVerifiedKey, image.contains(where: { $0 != 0 }) {
                return .done(.verifyKey, "the TEE verifier \(verifier) holds the enclave's key")
            }
            return .toDo(
                .verifyKey, "verifyKey in the TEE verifier \(verifier) for market \(goal.marketId) (spec §2.7)",
                .verifyKey(marketId: goal.marketId, verifier: verifier))
        }
    }

    private static func startPrograms(_ goal: OnboardingGoal, _ o: OnboardingObservation) -> Probe {
        return withEnclave(o, .startPrograms) { enclave in
            let missing = goal.programs.filter { !enclave.runningPrograms.contains($0) }
            if missing.isEmpty { return .done(.startPrograms, "running: " + goal.programs.joined(separator: ", ")) }
            return .toDo(
                .startPrograms, "startProgram " + missing.joined(separator: ", then ") + " (spec §2.8)",
                .startPrograms(missing))
        }
    }

    /// An enclave restart: the operator is joined and the enclave's key is not the one on chain, or the enclave
    /// lost its configuration. Needs the enclave's answer; an unreachable enclave shows no restart.
    /// A public market has no key on chain to compare with: there a lost configuration is just the configure
    /// step again.
    private static func restartReason(_ goal: OnboardingGoal, _ o: OnboardingObservation) -> UpdateKeyAction.Reason? {
        guard !goal.publicMarket, let membership = o.membership, membership.isMember,
            case .reachable(let enclave) = o.enclave
        else {
            return nil
        }
        if let key = enclave.key, key != membership.enclaveKey { return .keyMismatch }
        if !enclave.hasConfig { return .enclaveHasNoConfig }
        return nil
    }

    /// The parts of §2.9 still missing: a rerun after an interruption skips the key update when the chain
    /// already holds the enclave's key, the TEE verification when the verifier holds it, and running programs.
    private static func updateKey(
        _ goal: OnboardingGoal, _ o: OnboardingObservation, reason: UpdateKeyAction.Reason
    ) -> Probe {
        var parts: [UpdateKeyAction.Part] = []
        var words: [String] = []
        let enclave: EnclaveState? = if case .reachable(let state) = o.enclave { state } else { nil }
        if enclave?.key == nil || enclave?.key != o.membership?.enclaveKey {
            parts.append(.updateEncryptionKey(marketId: goal.marketId))
            words.append("updateEncryptionKey(market \(goal.marketId)) (0x92eb91e2)")
        }
        switch goal.keyVerification {
        case .needed(let verifier):
            let verified = (o.teeVerifiedKey ?? []).contains { $0 != 0 }
            if !verified {
                parts.append(.verifyKey(verifier: verifier))
                words.append("verifyKey in the TEE verifier \(verifier)")
            }
        case .notNeeded: break
        case .unknown:
            return verificationUnknown(.updateKey, goal)
        }
        if !parts.isEmpty {
            parts.insert(contentsOf: [.attestation, .enclaveSignature], at: 0)
            words.insert(contentsOf: ["fresh attestation", "enclave signature"], at: 0)
        }
        if enclave?.hasConfig != true {
            parts.append(.configureEnclave)
            words.append("generatorConfigSetup")
        }
        let missing = goal.programs.filter { !(enclave?.runningPrograms.contains($0) ?? false) }
        if !missing.isEmpty || enclave?.hasConfig != true {
            let programs = enclave?.hasConfig == true ? missing : goal.programs
            parts.append(.startPrograms(programs))
            words.append("startProgram " + programs.joined(separator: ", then "))
        }
        let why =
            reason == .keyMismatch
            ? "the enclave's key differs from the key on chain" : "the enclave has no configuration"
        return .toDo(
            .updateKey, "enclave restarted (\(why)): " + words.joined(separator: ", ") + " (spec §2.9)",
            .updateKey(UpdateKeyAction(marketId: goal.marketId, reason: reason, parts: parts)))
    }
}
