import Basics
import BigInt
import Foundation
import KalypsoKit
import TerminalKit

/// The onboarding wizard's inputs as the operator typed them; an empty text (or a nil market) takes the
/// suggestion the probe worked out (``ConsoleOnboarding/resolved``).
public struct OnboardingInputs: Sendable, Hashable {
    /// The market to onboard into; nil: the one joined, else the first market.
    public var marketId: Int64?
    public var rewardAddress = ""
    public var declaredCompute = ""
    /// Metadata text registered with the operator (empty: none).
    public var metadata = ""
    /// How many jobs the operator wants to run at once: the stake suggestion is the lock per job times this.
    public var parallelJobs = ""
    /// The stake to hold, in token units (`100`, `12.5`) or `NNNwei`; onboarding tops up to it.
    public var stake = ""
    public var computePerRequest = ""
    /// The least reward per proof, in payment-token units or `NNNwei`.
    public var proofCost = ""
    /// `30s`, `10m`, `2h` or `480blocks`.
    public var proposedTime = ""
    /// Generation B: the fraction kept as commission (`0.05` or `5%`).
    public var commission = ""
    public var startBlock = ""
    public var proverPort = ""
    public var ivsURL = ""
    /// The enclave's gas key file (empty: `--gas-key-file`, the configuration or `$KALYPSO_GAS_PRIVATE_KEY`).
    public var gasKeyFile = ""

    public init(marketId: Int64? = nil) { self.marketId = marketId }

    /// The text of a field by its form id.
    public subscript(field: Field) -> String {
        get {
            switch field {
            case .rewardAddress: rewardAddress
            case .declaredCompute: declaredCompute
            case .metadata: metadata
            case .parallelJobs: parallelJobs
            case .stake: stake
            case .computePerRequest: computePerRequest
            case .proofCost: proofCost
            case .proposedTime: proposedTime
            case .commission: commission
            case .startBlock: startBlock
            case .proverPort: proverPort
            case .ivsURL: ivsURL
            case .gasKeyFile: gasKeyFile
            }
        }
        set {
            switch field {
            case .rewardAddress: rewardAddress = newValue
            case .declaredCompute: declaredCompute = newValue
            case .metadata: metadata = newValue
            case .parallelJobs: parallelJobs = newValue
            case .stake: stake = newValue
            case .computePerRequest: computePerRequest = newValue
            case .proofCost: proofCost = newValue
            case .proposedTime: proposedTime = newValue
            case .commission: commission = newValue
            case .startBlock: startBlock = newValue
            case .proverPort: proverPort = newValue
            case .ivsURL: ivsURL = newValue
            case .gasKeyFile: gasKeyFile = newValue
            }
        }
    }

    /// The wizard's input fields (their raw values are the form's field ids).
    public enum Field: String, Sendable, Hashable, CaseIterable {
        case rewardAddress = "reward", declaredCompute = "compute", metadata, parallelJobs = "jobs", stake
        case computePerRequest = "perRequest", proofCost = "cost", proposedTime = "time", commission
        case startBlock = "startBlock", proverPort = "port", ivsURL = "ivs", gasKeyFile = "gasKey"

        public var label: String {
            switch self {
            case .rewardAddress: "Reward address"
            case .declaredCompute: "Declared compute"
            case .metadata: "Metadata"
            case .parallelJobs: "Parallel jobs"
            case .stake: "Stake"
            case .computePerRequest: "Compute per request"
            case .proofCost: "Proof cost"
            case .proposedTime: "Proposed time"
            case .commission: "Commission"
            case .startBlock: "Start block"
            case .proverPort: "Prover port"
            case .ivsURL: "IVS URL"
            case .gasKeyFile: "Gas key file"
            }
        }
    }
}

/// A market the wizard can onboard into.
public struct OnboardingMarketChoice: Sendable, Hashable {
    public var id: Int64
    public var isPublic: Bool
    public var joined: Bool

    public init(id: Int64, isPublic: Bool, joined: Bool) {
        self.id = id
        self.isPublic = isPublic
        self.joined = joined
    }
}

/// What the onboarding screen shows: the engine's plan for one market, as probed live from chain, enclave,
/// TEE verifier and journal (so re-opening the console shows where onboarding stands), with the inputs it
/// was worked out with.
public struct ConsoleOnboarding: Sendable, Hashable {
    public var plan: OnboardingPlan
    /// The market's name from its metadata, when known.
    public var marketName: String?
    /// Why part of the probe failed (the enclave did not answer, …); shown beside the checklist.
    public var probeProblem: String?
    /// Every input as the plan used it: what the operator typed, the suggestion for the rest.
    public var resolved: OnboardingInputs
    /// Where a suggested value comes from, by field ("lock 10 POND per job × 1 parallel job").
    public var notes: [OnboardingInputs.Field: String]
    /// Said before the operator commits to the inputs (a benchmark too slow for the market).
    public var warnings: [String]
    /// The units of the stake and of the proof cost.
    public var stakeSymbol: String
    public var paymentSymbol: String
    /// The markets there are, for choosing another.
    public var markets: [OnboardingMarketChoice]

    public init(
        plan: OnboardingPlan, marketName: String? = nil, probeProblem: String? = nil,
        resolved: OnboardingInputs = OnboardingInputs(), notes: [OnboardingInputs.Field: String] = [:],
        warnings: [String] = [], stakeSymbol: String = "", paymentSymbol: String = "",
        markets: [OnboardingMarketChoice] = []
    ) {
        self.plan = plan
        self.marketName = marketName
        self.probeProblem = probeProblem
        self.resolved = resolved
        self.notes = notes
        self.warnings = warnings
        self.stakeSymbol = stakeSymbol
        self.paymentSymbol = paymentSymbol
        self.markets = markets
    }

    /// The update-key sequence the engine offers after an enclave restart, nil when the enclave kept its key.
    public var updateKey: OnboardingStep? {
        plan.steps.first { $0.kind == .updateKey && $0.state == .toDo }
    }
}

/// One onboarding step the operator asked for, with the inputs it is to be done with.
public struct OnboardingStepRequest: Sendable, Hashable {
    public var step: OnboardingStepKind
    public var inputs: OnboardingInputs

    public init(step: OnboardingStepKind, inputs: OnboardingInputs) {
        self.step = step
        self.inputs = inputs
    }

    /// Whether the step signs transactions (and so goes through the review), or only talks to the enclave.
    public var sends: Bool { Self.sendingSteps.contains(step) }
    static let sendingSteps: Set<OnboardingStepKind> = [.register, .stake, .join, .verifyKey, .updateKey]

    /// "Onboarding market 1: register".
    public var summary: String {
        "Onboarding market \(inputs.marketId.map(String.init) ?? "?"): \(step.rawValue)"
    }
}

/// Where the wizard is: its inputs, the latest probe, a running step and the last step's outcome.
public struct OnboardingProgress: Sendable, Equatable {
    public var inputs = OnboardingInputs()
    public var probe: ConsoleOnboarding?
    /// Why the last probe failed (the chain did not answer, no enclave configured…).
    public var probeError: ErrorReport?
    public var probing = false
    /// The step running now (its transactions being reviewed or sent, or the enclave working) and since when.
    public var running: OnboardingStepKind?
    public var runningSince: Date?
    /// The last step's failure in words (a decoded revert, the enclave's error): it can be retried.
    public var failure: (step: OnboardingStepKind, report: ErrorReport)?
    /// What the last step did, one line each.
    public var done: [String] = []
    /// The step `done` tells of.
    public var doneStep: OnboardingStepKind?

    public init() {}

    public static func == (a: OnboardingProgress, b: OnboardingProgress) -> Bool {
        a.inputs == b.inputs && a.probe == b.probe && a.probeError == b.probeError && a.probing == b.probing
            && a.running == b.running && a.runningSince == b.runningSince && a.failure?.step == b.failure?.step
            && a.failure?.report == b.failure?.report && a.done == b.done && a.doneStep == b.doneStep
    }
}

extension ConsoleState {
    /// Asks for a probe with the current inputs unless one runs.
    mutating func probeOnboarding() -> [ConsoleEffect] {
        guard !onboarding.probing else { return [] }
        onboarding.probing = true
        return [.probeOnboarding(onboarding.inputs)]
    }

    /// A probe to follow the chain and the enclave, unless a write is under way: the probe brings the journal
    /// up to the chain first, which must not run beside a send.
    mutating func pollOnboarding() -> [ConsoleEffect] {
        guard onboarding.running == nil, inFlight.isEmpty else { return [] }
        return probeOnboarding()
    }

    /// The onboarding actions' part of ``apply(_:)``.
    mutating func applyOnboarding(_ action: ConsoleAction) -> [ConsoleEffect] {
        switch action {
        case .onboardingProbed(let inputs, let result):
            onboarding.probing = false
            // A probe for inputs changed since is stale: probe again with the new ones.
            guard inputs == onboarding.inputs else { return probeOnboarding() }
            let before = onboarding
            switch result {
            case .success(let probe):
                onboarding.probe = probe
                onboarding.probeError = nil
                // What the last step did is stale once the chain or the enclave undid it: "Done: started
                // prover" stood above "The enclave restarted" while its programs were stopped.
                if let k = onboarding.doneStep,
                    probe.plan.step(k).map({ $0.state != .done }) ?? (probe.updateKey != nil)
                {
                    onboarding.done = []
                    onboarding.doneStep = nil
                }
                if onboarding.inputs.marketId == nil, let id = Int64(exactly: probe.plan.marketId) {
                    // The market the probe chose stays the wizard's until the operator picks another.
                    onboarding.inputs.marketId = id
                    if var p = onboarding.probe { p.resolved.marketId = id; onboarding.probe = p }
                }
            case .failure(let failure):
                onboarding.probeError = failure.report
            }
            var effects: [ConsoleEffect] = []
            if openOnboardingUntilComplete {
                openOnboardingUntilComplete = false
                let fromCache = leftOnboardingFromCache
                leftOnboardingFromCache = false
                let wizard = registry.index(named: OnboardingScreen.name)
                let markets = registry.index(named: MarketsScreen.name)
                let plan = try? result.get().plan
                if plan?.isComplete ?? true {
                    if current == wizard, let markets {
                        current = markets
                        effects.append(.redraw)
                    }
                } else if let plan, let wizard, current != wizard {
                    let next = plan.next.map { "'\($0.kind.rawValue)' is next" } ?? "a step waits"
                    // Back to the wizard when the operator has not moved; else the status line says where it is.
                    let back = fromCache && current == markets
                    if back { current = wizard }
                    status = ConsoleStatus(
                        "Onboarding in market \(plan.marketId) is not complete: \(next)" + (back ? "" : " (screen 1)"),
                        .warn)
                    effects.append(.redraw)
                }
            }
            if let line = Self.probeNews(before, onboarding) { record(line.0, line.1) }
            guard onboarding != before else { return effects }
            _ = refreshScreens()
            return [.redraw]
        case .onboarded(let request, let result):
            finishStep(request, result)
            return [.redraw, .load] + probeOnboarding()
        default:
            return []
        }
    }

    /// The console log's line for a probe whose conclusion differs from the one before: complete, the next
    /// step, or why the probe failed.
    static func probeNews(_ before: OnboardingProgress, _ after: OnboardingProgress) -> (String, Severity)? {
        func conclusion(_ p: OnboardingProgress) -> String? {
            if let error = p.probeError { return "Reading the onboarding state failed: \(error.title)" }
            guard let plan = p.probe?.plan else { return nil }
            if plan.isComplete { return "Onboarding in market \(plan.marketId): complete" }
            let next = plan.next.map { "'\($0.kind.rawValue)' is next" } ?? "waiting for the chain"
            return "Onboarding in market \(plan.marketId): \(next)"
        }
        guard let now = conclusion(after), now != conclusion(before) else { return nil }
        return (now, after.probeError != nil ? .warn : .info)
    }

    /// Opened on Onboarding, the first probe still out, and the first snapshot shows our operator in a market:
    /// Markets at once (most likely onboarded; the probe says for sure and may bring the wizard back).
    mutating func leaveOnboardingIfTheCacheShowsAMembership(_ snapshot: ConsoleSnapshot) {
        guard openOnboardingUntilComplete,
            current == registry.index(named: OnboardingScreen.name),
            let markets = registry.index(named: MarketsScreen.name),
            snapshot.markets.contains(where: { $0.ours != nil })
        else { return }
        current = markets
        leftOnboardingFromCache = true
    }

    /// A step is over: what it did, or why it failed (shown on the screen, the step can be retried).
    mutating func finishStep(_ request: OnboardingStepRequest, _ result: Result<[String], ConsoleFailure>) {
        onboarding.running = nil
        onboarding.runningSince = nil
        switch result {
        case .success(let lines):
            onboarding.failure = nil
            onboarding.done = lines
            onboarding.doneStep = request.step
            status = ConsoleStatus("\(request.summary): done", .ok)
            record("\(request.summary): done. \(lines.joined(separator: "; "))", .ok)
        case .failure(let failure):
            onboarding.failure = (request.step, failure.report)
            onboarding.done = []
            onboarding.doneStep = nil
            status = ConsoleStatus("\(request.summary) failed: \(failure.report.title)", .error)
            record("\(request.summary) failed: \(failure.report.title). \(failure.report.detail)", .error)
        }
        _ = refreshScreens()
    }

    /// A step the screen asked for: its inputs become the wizard's; it runs (or goes to its review) unless
    /// another step is running.
    mutating func startStep(_ request: OnboardingStepRequest) -> [ConsoleEffect] {
        guard !readOnly else {
            status = ConsoleStatus("Read-only: \(request.summary) is not available", .warn)
            return [.redraw]
        }
        guard onboarding.running == nil else {
            status = ConsoleStatus("Onboarding: '\(onboarding.running?.rawValue ?? "")' is still running", .warn)
            return [.redraw]
        }
        onboarding.inputs = request.inputs
        onboarding.running = request.step
        onboarding.runningSince = now
        onboarding.failure = nil
        onboarding.done = []
        _ = refreshScreens()
        if request.sends {
            inFlight.append(.onboarding(request))
            status = ConsoleStatus("\(request.summary): preparing the review…", .info)
            record("\(request.summary): review requested", .info)
            return [.redraw, .review(.onboarding(request))]
        }
        status = ConsoleStatus("\(request.summary): running…", .info)
        record("\(request.summary): started", .info)
        return [.redraw, .onboard(request)]
    }

    /// The review or the send of an onboarding step's transactions ended: not running any more.
    mutating func endReviewedStep(_ write: ConsoleWrite, failure: ConsoleFailure?) -> [ConsoleEffect] {
        guard case .onboarding(let request) = write else { return [] }
        onboarding.running = nil
        onboarding.runningSince = nil
        if let failure { onboarding.failure = (request.step, failure.report) }
        _ = refreshScreens()
        return probeOnboarding()
    }
}
