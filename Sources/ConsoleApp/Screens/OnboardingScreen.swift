import BigInt
import KalypsoKit
import TerminalKit

/// What the onboarding screen shows: the engine's plan for one market, as probed live from chain, enclave
/// and journal (so re-opening the console shows where onboarding stands).
public struct ConsoleOnboarding: Sendable, Hashable {
    public var plan: OnboardingPlan
    /// The market's name from its metadata, when known.
    public var marketName: String?
    /// Why part of the probe failed (the enclave did not answer, …); shown beside the checklist.
    public var probeProblem: String?

    public init(plan: OnboardingPlan, marketName: String? = nil, probeProblem: String? = nil) {
        self.plan = plan
        self.marketName = marketName
        self.probeProblem = probeProblem
    }

    /// The update-key sequence the engine offers after an enclave restart, nil when the enclave kept its key.
    public var updateKey: OnboardingStep? {
        plan.steps.first { $0.kind == .updateKey && $0.state == .toDo }
    }
}

/// Screen 1: the onboarding checklist (done / to do / blocked with the reason / waiting for confirmations),
/// the plan of the next step in words, and the enclave-restart notice with its one-action update-key sequence.
public struct OnboardingScreen: ConsoleScreen {
    public static let name = "onboard"
    public static let title = "Onboarding"

    public static func actions() -> [KeyAction] { [] }

    /// The checklist's lines as (mark, step, state, detail, role).
    struct Line: Hashable {
        var mark: String
        var step: String
        var state: String
        var detail: String
        var role: Role
    }

    private var shown: ConsoleOnboarding?

    public init() {}

    public var keyScopes: [String] { [Self.name] }

    public mutating func perform(_ actionID: String, _ env: ScreenEnvironment) -> ScreenOutcome { .none }

    /// Words for a step's state as operators read them.
    static func line(_ step: OnboardingStep, ascii: Bool) -> Line {
        let name = step.kind.rawValue
        switch step.state {
        case .done:
            return Line(mark: ascii ? "[x]" : "✓", step: name, state: "done", detail: step.plan, role: .ok)
        case .toDo:
            return Line(mark: ascii ? "[ ]" : "○", step: name, state: "to do", detail: step.plan, role: .text)
        case .blocked(let reason):
            return Line(mark: ascii ? "[!]" : "✗", step: name, state: "blocked", detail: reason, role: .warn)
        case .waiting(.pendingTransaction(let hash)):
            return Line(
                mark: ascii ? "[~]" : "…", step: name, state: "waiting",
                detail: "transaction \(hash) not mined yet", role: .muted)
        case .waiting(.confirmations(let hash, let have, let need)):
            return Line(
                mark: ascii ? "[~]" : "…", step: name, state: "waiting",
                detail: "transaction \(hash): \(have) of \(need) confirmations", role: .muted)
        }
    }

    public mutating func refresh(_ env: ScreenEnvironment) -> Bool {
        let now = env.data?.onboarding
        guard now != shown else { return false }
        shown = now
        return true
    }

    public func render(into frame: inout Frame, area: Rect, _ env: ScreenEnvironment, context: RenderContext) {
        if ScreenPlaceholder.render(into: &frame, area: area, env, title: Self.title, context: context) { return }
        guard let onboarding = env.data?.onboarding else {
            let inner = Box(title: Self.title).render(into: &frame, area: area, context: context)
            TextView(
                "The onboarding state of our operator has not been read from the chain and the enclave yet.",
                role: .muted
            ).render(into: &frame, area: inner, context: context)
            return
        }
        let plan = onboarding.plan
        let market = onboarding.marketName.map { "market \(plan.marketId) (\($0))" } ?? "market \(plan.marketId)"
        let done = plan.steps.filter { $0.state == .done }.count
        let status = plan.isComplete ? "onboarded" : "\(done) of \(plan.steps.count) steps done"
        let checklistHeight = plan.steps.count + 2 + (onboarding.probeProblem == nil ? 0 : 1)
        let parts = Layout.rows(area, [.fixed(min(area.height, checklistHeight)), .proportional(1)])
        let top = Box(title: "Onboarding: \(market)", info: status, focused: true).render(
            into: &frame, area: parts[0], context: context)
        let unicode = context.capabilities.unicode
        let stepWidth = (OnboardingStepKind.allCases.map { $0.rawValue.count }.max() ?? 0) + 2
        var y = top.y
        for step in plan.steps where y < top.maxY {
            let l = Self.line(step, ascii: !unicode)
            _ = frame.write(l.mark, x: top.x, y: y, style: context.style(l.role), clip: top)
            var x = top.x + l.mark.count + 1
            _ = frame.write(l.step, x: x, y: y, style: context.style(.text), clip: top)
            x += stepWidth
            _ = frame.write(l.state, x: x, y: y, style: context.style(l.role), clip: top)
            x += 9
            let width = max(0, top.maxX - x)
            _ = frame.write(
                TextFit.truncate(context.displayable(l.detail), to: width, ellipsis: context.glyphs.ellipsis),
                x: x, y: y, style: context.style(.muted), clip: top)
            y += 1
        }
        if let problem = onboarding.probeProblem, y < top.maxY {
            _ = frame.write(
                TextFit.truncate(
                    context.displayable("Probe: \(problem)"), to: top.width, ellipsis: context.glyphs.ellipsis),
                x: top.x, y: y, style: context.style(.error), clip: top)
        }
        guard parts.count > 1, !parts[1].isEmpty else { return }
        let next = Box(title: "Next step").render(into: &frame, area: parts[1], context: context)
        TextView(Self.nextText(onboarding), role: .text).render(into: &frame, area: next, context: context)
    }

    /// What comes next, in words: the enclave restart first, then the next step's plan.
    static func nextText(_ onboarding: ConsoleOnboarding) -> String {
        let plan = onboarding.plan
        if let update = onboarding.updateKey {
            return "The enclave restarted: its key no longer matches the one on chain. "
                + "The update-key sequence brings it back in one action:\n\(update.plan)"
        }
        if plan.isComplete { return "Our operator is onboarded in market \(plan.marketId): nothing left to do." }
        if let step = plan.next { return "\(step.kind.rawValue): \(step.plan)" }
        if let waiting = plan.steps.first(where: {
            if case .waiting = $0.state { return true } else { return false }
        }) {
            return "\(waiting.kind.rawValue) waits for its transaction; the checklist moves on when it is confirmed."
        }
        let blocked = plan.steps.compactMap { step -> String? in
            if case .blocked(let reason) = step.state { return "\(step.kind.rawValue): \(reason)" }
            return nil
        }
        return "Nothing can be done now:\n" + blocked.joined(separator: "\n")
    }
}
