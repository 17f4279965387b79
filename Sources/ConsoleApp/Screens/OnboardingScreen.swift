import Basics
import BigInt
import Foundation
import KalypsoKit
import TerminalKit

/// Screen 1: the onboarding checklist (done / to do / blocked with the reason / waiting for confirmations),
/// the plan of the next step in words, and the enclave-restart notice with its one-action update-key sequence.
public struct OnboardingScreen: ConsoleScreen {
    public static let name = "onboard"
    public static let title = "Onboarding"

    /// The screen's actions: the next step (with its form when it takes inputs), the update-key sequence,
    /// another market. Steps change chain or enclave, so read-only binds none of them.
    public static let next = "onboard.next", updateKey = "onboard.updateKey", market = "onboard.market"
    /// A step's form (typed text goes into the focused field).
    public static let formScope = "onboard.form"
    public static let formSubmit = "onboard.form.submit", formCancel = "onboard.form.cancel"
    public static let formNext = "onboard.form.next", formPrevious = "onboard.form.previous"
    public static let formDeleteBack = "onboard.form.deleteBack", formLeft = "onboard.form.left"
    public static let formRight = "onboard.form.right"

    public static func actions() -> [KeyAction] {
        let g = "Onboarding", f = "Step form"
        return [
            KeyAction(
                id: next, description: "Do the next step", keys: [.enter, .character("n")], group: g, scope: name,
                dangerous: true, footerLabel: "Next step"),
            KeyAction(
                id: updateKey, description: "Update the key after an enclave restart (one action)",
                keys: [.character("u")], group: g, scope: name, dangerous: true, footerLabel: "Update key"),
            KeyAction(
                id: market, description: "Choose the market", keys: [.character("m")], group: g, scope: name,
                footerLabel: "Market"),
            KeyAction(id: formSubmit, description: "Go on", keys: [.enter], group: f, scope: formScope),
            KeyAction(id: formCancel, description: "Close the form", keys: [.escape], group: f, scope: formScope),
            KeyAction(id: formNext, description: "Next field", keys: [.tab, .down], group: f, scope: formScope),
            KeyAction(
                id: formPrevious, description: "Previous field", keys: [.backTab, .up], group: f, scope: formScope,
                inFooter: false),
            KeyAction(
                id: formDeleteBack, description: "Delete back", keys: [.backspace], group: f, scope: formScope,
                inFooter: false),
            KeyAction(
                id: formLeft, description: "Cursor left", keys: [.left], group: f, scope: formScope, inFooter: false),
            KeyAction(
                id: formRight, description: "Cursor right", keys: [.right], group: f, scope: formScope,
                inFooter: false),
        ]
    }

    public static var helpScopes: [String] { [name, formScope] }

    /// The checklist's lines as (mark, step, state, detail, role).
    struct Line: Hashable {
        var mark: String
        var step: String
        var state: String
        var detail: String
        var role: Role
    }

    /// A form over the screen: a step's inputs, or the market to onboard into.
    public struct OpenForm: Sendable {
        public enum Purpose: Sendable, Hashable {
            case step(OnboardingStepKind)
            case market
        }
        public var purpose: Purpose
        public var form: Form
    }

    private var shown: OnboardingProgress?
    public private(set) var form: OpenForm?

    public init() {}

    public var keyScopes: [String] { form != nil ? [Self.formScope] : [Self.name] }
    public var capturesText: Bool { form != nil }

    public mutating func perform(_ actionID: String, _ env: ScreenEnvironment) -> ScreenOutcome {
        switch actionID {
        case Self.next: return nextStep(env)
        case Self.updateKey:
            guard let probe = env.onboarding.probe, probe.updateKey != nil else {
                return ScreenOutcome(
                    status: ConsoleStatus("The enclave's key matches the chain: no update-key to do", .info))
            }
            return ScreenOutcome(
                redraw: true,
                effects: [
                    .review(
                        .onboarding(
                            OnboardingStepRequest(
                                step: .updateKey, inputs: Self.stepInputs(.updateKey, env, probe))))
                ])
        case Self.market:
            form = OpenForm(purpose: .market, form: Self.marketForm(env))
            return .redraw
        case Self.formCancel:
            form = nil
            return .redraw
        case Self.formNext:
            form?.form.focusNext()
            return .redraw
        case Self.formPrevious:
            form?.form.focusPrevious()
            return .redraw
        case Self.formDeleteBack:
            return .redraw(if: form?.form.editText { $0.deleteBackward() } ?? false)
        case Self.formLeft:
            return .redraw(if: form?.form.editText { $0.moveCursor(by: -1) } ?? false)
        case Self.formRight:
            return .redraw(if: form?.form.editText { $0.moveCursor(by: 1) } ?? false)
        case Self.formSubmit:
            return submit(env)
        default:
            return .none
        }
    }

    public mutating func type(_ key: Key, _ env: ScreenEnvironment) -> ScreenOutcome {
        guard case .character(let c) = key else { return .none }
        return .redraw(if: form?.form.editText { $0.insert(c) } ?? false)
    }

    /// The inputs each step's form asks for; a step without any runs (or goes to its review) at once.
    static func fields(_ step: OnboardingStepKind, generationB: Bool) -> [OnboardingInputs.Field] {
        switch step {
        case .register: return [.rewardAddress, .declaredCompute, .metadata]
        case .stake: return [.parallelJobs, .stake]
        case .configureEnclave: return [.startBlock, .proverPort, .ivsURL, .gasKeyFile]
        case .join: return [.computePerRequest, .proofCost, .proposedTime] + (generationB ? [.commission] : [])
        case .benchmark, .verifyKey, .startPrograms, .updateKey: return []
        }
    }

    /// What a step runs with: what the operator typed before, the market, and this step's own fields as the
    /// probe resolved them. Later steps' suggestions are not pinned: they follow the chain and the enclave when
    /// their step comes (pinned at the register step, the proposed time stayed 480 blocks after a benchmark
    /// that supports 19, and the join form offered a time no recent ask gives).
    static func stepInputs(
        _ step: OnboardingStepKind, _ env: ScreenEnvironment, _ probe: ConsoleOnboarding
    ) -> OnboardingInputs {
        var inputs = env.onboarding.inputs
        inputs.marketId = probe.resolved.marketId ?? inputs.marketId
        let generationB = env.network.generation == "B"
        // update-key sends the enclave its configuration again.
        for field in fields(step == .updateKey ? .configureEnclave : step, generationB: generationB) {
            inputs[field] = probe.resolved[field]
        }
        return inputs
    }

    /// "Do the next step": the update-key sequence after a restart, else the engine's next step (its form
    /// first when it takes inputs); otherwise why nothing can be done.
    mutating func nextStep(_ env: ScreenEnvironment) -> ScreenOutcome {
        if let running = env.onboarding.running {
            return ScreenOutcome(status: ConsoleStatus("'\(running.rawValue)' is still running", .info))
        }
        guard let probe = env.onboarding.probe else {
            return ScreenOutcome(
                status: ConsoleStatus("The onboarding state has not been read yet; wait for the checklist", .info))
        }
        if probe.updateKey != nil { return perform(Self.updateKey, env) }
        guard let step = probe.plan.next else {
            return ScreenOutcome(status: ConsoleStatus(Self.nextText(probe).replacingOccurrences(of: "\n", with: " ")))
        }
        let fields = Self.fields(step.kind, generationB: env.network.generation == "B")
        let request = OnboardingStepRequest(step: step.kind, inputs: Self.stepInputs(step.kind, env, probe))
        guard fields.isEmpty else {
            form = OpenForm(purpose: .step(step.kind), form: Self.stepForm(fields, probe))
            return .redraw
        }
        return ScreenOutcome(redraw: true, effects: [request.sends ? .review(.onboarding(request)) : .onboard(request)])
    }

    mutating func submit(_ env: ScreenEnvironment) -> ScreenOutcome {
        guard var open = form else { return .none }
        let errors = open.form.validateAll()
        form = open
        guard errors.isEmpty else {
            return ScreenOutcome(
                redraw: true,
                status: ConsoleStatus(
                    errors.count == 1 ? "1 field needs attention" : "\(errors.count) fields need attention", .warn))
        }
        let values = open.form.values
        form = nil
        let resolved = env.onboarding.probe?.resolved ?? env.onboarding.inputs
        switch open.purpose {
        case .market:
            guard let id = Int64(values["market"] ?? "") else { return .redraw }
            // Another market: its own suggestions, the operator-wide choices kept.
            var inputs = OnboardingInputs(marketId: id)
            inputs.gasKeyFile = env.onboarding.inputs.gasKeyFile
            inputs.parallelJobs = env.onboarding.inputs.parallelJobs
            return ScreenOutcome(redraw: true, effects: [.probeOnboarding(inputs)])
        case .step(let step):
            guard let probe = env.onboarding.probe else { return .redraw }
            var inputs = Self.stepInputs(step, env, probe)
            for field in OnboardingInputs.Field.allCases {
                if let v = values[field.rawValue] { inputs[field] = v.trimmingCharacters(in: .whitespaces) }
            }
            if step == .stake, inputs.parallelJobs != resolved.parallelJobs, inputs.stake == resolved.stake {
                // Other parallel jobs and the suggested stake untouched: the stake follows the jobs.
                inputs.stake = ""
            }
            let request = OnboardingStepRequest(step: step, inputs: inputs)
            return ScreenOutcome(
                redraw: true, effects: [request.sends ? .review(.onboarding(request)) : .onboard(request)])
        }
    }

    /// A step's form, filled with the inputs as the probe resolved them (typed, else suggested).
    static func stepForm(_ fields: [OnboardingInputs.Field], _ probe: ConsoleOnboarding) -> Form {
        Form(fields: fields.map { .text(textField($0, probe)) })
    }

    static func textField(_ field: OnboardingInputs.Field, _ probe: ConsoleOnboarding) -> TextField {
        let value = probe.resolved[field]
        let note = probe.notes[field] ?? ""
        func parsed(_ check: @escaping @Sendable (String) throws -> Void) -> FieldValidator {
            { text in
                do {
                    try check(text)
                    return nil
                } catch {
                    let r = ErrorReport(error)
                    return r.detail.isEmpty ? r.title : r.detail
                }
            }
        }
        let label = field.label
        switch field {
        case .rewardAddress:
            return TextField(
                id: field.rawValue, label: label, text: value, kind: .rule(.accountAddress), required: true)
        case .declaredCompute, .computePerRequest, .parallelJobs:
            return TextField(
                id: field.rawValue, label: label, text: value, placeholder: note,
                kind: .number(unit: "", minimum: "1", decimals: 0), required: true)
        case .stake:
            return TextField(
                id: field.rawValue, label: label, text: value,
                kind: .number(unit: probe.stakeSymbol, minimum: "0", decimals: 18), required: true)
        case .proofCost:
            return TextField(
                id: field.rawValue, label: label, text: value, placeholder: "least reward per proof",
                kind: .number(unit: probe.paymentSymbol, minimum: "0", decimals: 18), required: true)
        case .proposedTime:
            return TextField(
                id: field.rawValue, label: label, text: value, placeholder: "30s, 10m, 2h or 480blocks",
                required: true, validators: [parsed { _ = try DurationInput(parsing: $0, argument: label) }])
        case .commission:
            return TextField(
                id: field.rawValue, label: label, text: value, placeholder: "0.05 or 5%", required: true,
                validators: [parsed { _ = try FractionInput(parsing: $0, argument: label) }])
        case .startBlock:
            return TextField(
                id: field.rawValue, label: label, text: value, placeholder: "empty: the current block",
                kind: .number(unit: "", minimum: "1", decimals: 0))
        case .proverPort:
            return TextField(
                id: field.rawValue, label: label, text: value,
                kind: .number(unit: "", minimum: "1", maximum: "65535", decimals: 0), required: true)
        case .ivsURL:
            return TextField(id: field.rawValue, label: label, text: value, required: true)
        case .gasKeyFile:
            return TextField(
                id: field.rawValue, label: label, text: value,
                placeholder: "empty: --gas-key-file, the config or $KALYPSO_GAS_PRIVATE_KEY")
        case .metadata:
            return TextField(
                id: field.rawValue, label: label, text: value, placeholder: "text, or @FILE", required: true)
        }
    }

    /// The market chooser: the market's id, with the markets there are in its label.
    static func marketForm(_ env: ScreenEnvironment) -> Form {
        let probe = env.onboarding.probe
        let current = (env.onboarding.inputs.marketId ?? probe?.resolved.marketId).map(String.init) ?? ""
        let known = (probe?.markets ?? []).map(\.id)
        let field = TextField(
            id: "market", label: "Market id", text: current, kind: .number(unit: "", minimum: "0", decimals: 0),
            required: true,
            validators: [
                { text in
                    guard !known.isEmpty, let id = Int64(text), !known.contains(id) else { return nil }
                    return "no market \(id); markets: \(known.map(String.init).joined(separator: ", "))"
                }
            ])
        return Form(fields: [.text(field)])
    }

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
        guard env.onboarding != shown else { return false }
        shown = env.onboarding
        return true
    }

    public func render(into frame: inout Frame, area: Rect, _ env: ScreenEnvironment, context: RenderContext) {
        let progress = env.onboarding
        guard let onboarding = progress.probe else {
            // The local database is needed for the probe too: its failure is the reason.
            if progress.probeError == nil, env.loadError != nil,
                ScreenPlaceholder.render(into: &frame, area: area, env, title: Self.title, context: context)
            {
                return
            }
            let inner = Box(title: Self.title).render(into: &frame, area: area, context: context)
            if let error = progress.probeError {
                InsightLines(lines: [
                    ("Reading the onboarding state failed: \(error.title)", .error), (error.detail, .text),
                    (error.hint, .muted),
                ]).render(into: &frame, area: inner, context: context)
            } else {
                TextView(
                    "Reading the onboarding state of our operator from the chain and the enclave…", role: .muted
                ).render(into: &frame, area: inner, context: context)
            }
            return
        }
        let plan = onboarding.plan
        let market = onboarding.marketName.map { "market \(plan.marketId) (\($0))" } ?? "market \(plan.marketId)"
        let done = plan.steps.filter { $0.state == .done }.count
        let status = plan.isComplete ? "onboarded" : "\(done) of \(plan.steps.count) steps done"
        let checklistHeight = plan.steps.count + 2 + (onboarding.probeProblem == nil ? 0 : 1)
        let parts = Layout.rows(area, [.fixed(min(area.height, checklistHeight)), .proportional(1)])
        let top = Box(title: "Onboarding: \(market)", info: status, focused: form == nil).render(
            into: &frame, area: parts[0], context: context)
        let unicode = context.capabilities.unicode
        let stepWidth = (OnboardingStepKind.allCases.map { $0.rawValue.count }.max() ?? 0) + 2
        var y = top.y
        for step in plan.steps where y < top.maxY {
            var l = Self.line(step, ascii: !unicode)
            if progress.running == step.kind {
                l = Line(mark: unicode ? "▶" : "[>]", step: l.step, state: "running", detail: l.detail, role: .info)
            }
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
        InsightLines(lines: Self.nextLines(progress, onboarding, env)).render(
            into: &frame, area: next, context: context)
        if let open = form { renderForm(open, onboarding, into: &frame, area: area, env, context: context) }
    }

    /// The next step's box: a running step, the last failure, what is next and the warnings.
    static func nextLines(_ progress: OnboardingProgress, _ onboarding: ConsoleOnboarding, _ env: ScreenEnvironment)
        -> [(String, Role)]
    {
        var lines: [(String, Role)] = []
        if let error = progress.probeError {
            // The chain (or the database) stopped answering: the checklist is the last reading.
            lines.append(("Reading the state again failed: \(error.title); the checklist is the last reading", .error))
            if !error.detail.isEmpty { lines.append((error.detail, .muted)) }
        }
        if let running = progress.running {
            let since = progress.runningSince.map {
                ", started \(ConsoleFormat.time(Int64($0.timeIntervalSince1970))) UTC"
            }
            let what =
                running == .benchmark
                ? ": the enclave generates a whole proof, this takes minutes"
                : OnboardingStepRequest.sendingSteps.contains(running) ? ": review, signature, confirmations" : ""
            lines.append(("Running: \(running.rawValue)\(since ?? "")\(what)…", .info))
        } else if let failure = progress.failure {
            lines.append(("'\(failure.step.rawValue)' failed: \(failure.report.title)", .error))
            if !failure.report.detail.isEmpty { lines.append((failure.report.detail, .text)) }
            if !failure.report.hint.isEmpty { lines.append((failure.report.hint, .muted)) }
            let key = env.keyName(Self.next)
            if !key.isEmpty { lines.append(("\(key) tries it again.", .muted)) }
        } else if !progress.done.isEmpty {
            lines += progress.done.map { ("Done: \($0)", .ok) }
        }
        lines.append((nextText(onboarding), .text))
        lines += onboarding.warnings.map { ("Warning: \($0)", .warn) }
        if progress.running == nil, !onboarding.plan.isComplete || onboarding.updateKey != nil {
            let key = env.keyName(onboarding.updateKey != nil ? Self.updateKey : Self.next)
            if !key.isEmpty {
                lines.append(("\(key): \(onboarding.updateKey != nil ? "update the key" : "do this step")", .muted))
            }
        }
        return lines
    }

    func renderForm(
        _ open: OpenForm, _ onboarding: ConsoleOnboarding, into frame: inout Frame, area: Rect,
        _ env: ScreenEnvironment, context: RenderContext
    ) {
        var extra: [(String, Role)] = []
        let title: String
        switch open.purpose {
        case .market:
            title = "Onboard into which market?"
            let names = Dictionary(
                (env.data?.markets ?? []).map { ($0.market.marketId, ConsoleFormat.marketName($0.market)) },
                uniquingKeysWith: { a, _ in a })
            extra = onboarding.markets.map { m in
                let name = names[m.id].map { " \($0)" } ?? ""
                return ("\(m.id)\(name): \(m.isPublic ? "public" : "private")\(m.joined ? ", joined" : "")", .muted)
            }
        case .step(let step):
            // Where each suggested value comes from, one line per field of the form.
            extra = Self.fields(step, generationB: env.network.generation == "B").compactMap { field in
                onboarding.notes[field].map { ("\(field.label): \($0)", .muted) }
            }
            let name = step.rawValue.prefix(1).uppercased() + step.rawValue.dropFirst()
            title = "\(name): market \(onboarding.plan.marketId)"
            if step == .join { extra += onboarding.warnings.map { ("Warning: \($0)", .warn) } }
        }
        let width = min(area.width, 76)
        let wrapped = extra.reduce(0) { $0 + max(1, ($1.0.count + width - 5) / max(1, width - 4)) }
        let height = min(area.height, open.form.height + 4 + wrapped)
        // Above the screen's last row when there is room: that row is the bottom border of the box beneath.
        let bottom = area.height > height ? area.maxY - 1 : area.maxY
        let box = Rect(x: area.x + (area.width - width) / 2, y: bottom - height, width: width, height: height)
        frame.fill(box)
        let go = env.keyName(Self.formSubmit)
        let inner = Box(title: title, info: go.isEmpty ? "" : "\(go) go on", focused: true)
            .render(into: &frame, area: box, context: context)
        let rows = Layout.rows(inner, [.fixed(min(inner.height, wrapped)), .proportional(1)])
        InsightLines(lines: extra).render(into: &frame, area: rows[0], context: context)
        if rows.count > 1 {
            open.form.render(into: &frame, area: rows[1].inset(top: 1, left: 1), context: context)
        }
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
