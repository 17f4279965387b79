import Basics
import BigInt
import EthereumKit
import Foundation
import KalypsoKit
import KalypsoStore
import TerminalKit

/// Markets from the cache: id, name, kind, stake per job, timing, provers, jobs and our status; a detail
/// view with the market's recent jobs, and join / leave from there (through the review).
public struct MarketsScreen: ConsoleScreen {
    public static let name = "markets"
    public static let title = "Markets"
    public static let shortTitle = "Mkts"
    public static let detailScope = "markets.detail"
    public static let open = "markets.open", close = "markets.close", join = "markets.join", leave = "markets.leave"
    /// The join form's scope and actions (typed text goes into the focused field).
    public static let formScope = "markets.form"
    public static let formSubmit = "markets.form.review", formCancel = "markets.form.cancel"
    public static let formNext = "markets.form.next", formPrevious = "markets.form.previous"
    public static let formDeleteBack = "markets.form.deleteBack", formLeft = "markets.form.left"
    public static let formRight = "markets.form.right"

    public static func actions() -> [KeyAction] {
        [
            KeyAction(id: open, description: "Market detail", keys: [.enter], group: "Markets", scope: name),
            KeyAction(id: close, description: "Back to the list", keys: [.escape], group: "Market", scope: detailScope),
            KeyAction(
                id: join, description: "Join this market (review first)", keys: [.character("J")], group: "Market",
                scope: detailScope, dangerous: true),
            KeyAction(
                id: leave, description: "Leave this market (review first)", keys: [.character("L")],
                group: "Market", scope: detailScope, dangerous: true),
            KeyAction(
                id: formSubmit, description: "Review the join", keys: [.enter], group: "Join form", scope: formScope,
                dangerous: true),
            KeyAction(
                id: formCancel, description: "Close the form", keys: [.escape], group: "Join form", scope: formScope),
            KeyAction(
                id: formNext, description: "Next field", keys: [.tab, .down], group: "Join form", scope: formScope),
            KeyAction(
                id: formPrevious, description: "Previous field", keys: [.backTab, .up], group: "Join form",
                scope: formScope, inFooter: false),
            KeyAction(
                id: formDeleteBack, description: "Delete back", keys: [.backspace], group: "Join form",
                scope: formScope, inFooter: false),
            KeyAction(
                id: formLeft, description: "Cursor left", keys: [.left], group: "Join form", scope: formScope,
                inFooter: false),
            KeyAction(
                id: formRight, description: "Cursor right", keys: [.right], group: "Join form", scope: formScope,
                inFooter: false),
        ]
    }

    public static var helpScopes: [String] { [name, detailScope, formScope] }

    static let columns = [
        TableColumn("ID", width: .fixed(4), alignment: .right, sort: .numeric),
        TableColumn("Name", width: .min(12)),
        TableColumn("Kind", width: .fixed(7)),
        TableColumn("Stake/job", width: .fixed(10), alignment: .right, sort: .numeric),
        TableColumn("Proof time", width: .fixed(12)),
        TableColumn("Provers", width: .fixed(7), alignment: .right, sort: .numeric),
        TableColumn("Open", width: .fixed(5), alignment: .right, sort: .numeric),
        TableColumn("Ours", width: .fixed(12)),
    ]

    public private(set) var table = ScreenTable(columns: MarketsScreen.columns)
    /// The market whose detail view is open.
    public private(set) var detail: Int64?
    /// The join form over the detail view while it is open.
    public private(set) var joinForm: Form?

    public init() {}

    public var keyScopes: [String] {
        if joinForm != nil { return [Self.formScope] }
        if detail != nil { return [Self.detailScope] }
        return table.isEditingFilter ? table.keyScopes : [Self.name] + table.keyScopes
    }

    public var capturesText: Bool { joinForm != nil || detail == nil && table.isEditingFilter }

    public mutating func perform(_ actionID: String, _ env: ScreenEnvironment) -> ScreenOutcome {
        if let changed = table.perform(actionID) { return .redraw(if: changed) }
        switch actionID {
        case Self.open:
            guard let id = table.selectedID.flatMap(Int64.init) else { return .none }
            detail = id
            return .redraw
        case Self.close:
            // Closing a view only closes it: nothing was asked, so nothing is reported.
            detail = nil
            return .redraw
        case Self.join:
            guard let id = detail else { return .none }
            if ours(id, env) != nil {
                return ScreenOutcome(status: ConsoleStatus("Market \(id): already joined", .info))
            }
            if env.data?.markets.first(where: { $0.market.marketId == id })?.market.isPrivate == true {
                // A private market is joined with the enclave's attestation: the onboarding wizard does it.
                var inputs = OnboardingInputs(marketId: id)
                inputs.gasKeyFile = env.onboarding.inputs.gasKeyFile
                return ScreenOutcome(
                    redraw: true, effects: [.probeOnboarding(inputs), .showScreen(OnboardingScreen.name)],
                    status: ConsoleStatus("Market \(id) is private: the onboarding wizard joins it", .info))
            }
            joinForm = Self.makeJoinForm(id, env)
            return .redraw
        case Self.formCancel:
            joinForm = nil
            return .redraw
        case Self.formNext:
            joinForm?.focusNext()
            return .redraw
        case Self.formPrevious:
            joinForm?.focusPrevious()
            return .redraw
        case Self.formDeleteBack:
            return .redraw(if: joinForm?.editText { $0.deleteBackward() } ?? false)
        case Self.formLeft:
            return .redraw(if: joinForm?.editText { $0.moveCursor(by: -1) } ?? false)
        case Self.formRight:
            return .redraw(if: joinForm?.editText { $0.moveCursor(by: 1) } ?? false)
        case Self.formSubmit:
            guard var form = joinForm, let id = detail else { return .none }
            let errors = form.validateAll()
            joinForm = form
            guard errors.isEmpty else {
                return ScreenOutcome(
                    redraw: true,
                    status: ConsoleStatus(
                        errors.count == 1 ? "1 field needs attention" : "\(errors.count) fields need attention", .warn))
            }
            let v = form.values
            joinForm = nil
            return ScreenOutcome(
                redraw: true,
                effects: [
                    .review(
                        .join(
                            marketId: id, computePerRequest: v["compute"] ?? "", proofCost: v["cost"] ?? "",
                            proposedTime: v["time"] ?? ""))
                ])
        case Self.leave:
            guard let id = detail else { return .none }
            if ours(id, env) == nil {
                return ScreenOutcome(status: ConsoleStatus("Market \(id): not a member, nothing to leave", .info))
            }
            return ScreenOutcome(effects: [.review(.leave(marketId: id))])
        default:
            return .none
        }
    }

    func ours(_ id: Int64, _ env: ScreenEnvironment) -> CachedMarketProver? {
        env.data?.markets.first { $0.market.marketId == id }?.ours
    }

    public mutating func type(_ key: Key, _ env: ScreenEnvironment) -> ScreenOutcome {
        if joinForm != nil {
            guard case .character(let c) = key else { return .none }
            return .redraw(if: joinForm?.editText { $0.insert(c) } ?? false)
        }
        return .redraw(if: table.type(key))
    }

    /// The join form with what the data suggests: one compute unit per request, the smallest reward the
    /// market's recent jobs offered as the proof cost, their time for proof as the proposed time.
    static func makeJoinForm(_ id: Int64, _ env: ScreenEnvironment) -> Form {
        let token = env.data?.paymentToken ?? ConsoleToken(symbol: "", decimals: 18)
        let jobs = env.data?.marketJobs[id] ?? []
        var compute = TextField(
            id: "compute", label: "Compute per request", kind: .number(unit: "", minimum: "1", decimals: 0),
            required: true)
        compute.setText("1")
        var cost = TextField(
            id: "cost", label: "Proof cost", placeholder: "least reward per proof",
            kind: .number(unit: token.symbol, minimum: "0", decimals: token.decimals), required: true)
        if let least = jobs.compactMap({ BigUInt($0.reward, radix: 10) }).min() {
            cost.setText(Units.format(least, decimals: token.decimals))
        }
        var time = TextField(
            id: "time", label: "Proposed time", placeholder: "30s, 10m, 2h or 480blocks", required: true,
            validators: [
                { text in
                    // The same parser as the headless `join --proposed-time`.
                    do {
                        _ = try DurationInput(parsing: text, argument: "Proposed time")
                        return nil
                    } catch {
                        let r = ErrorReport(error)
                        return r.detail.isEmpty ? r.title : r.detail
                    }
                }
            ])
        if let t = jobs.first?.timeForProof, t > 0 {
            time.setText(env.network.timeUnit == "block" ? "\(t)blocks" : "\(t)s")
        }
        return Form(fields: [.text(compute), .text(cost), .text(time)])
    }

    public mutating func refresh(_ env: ScreenEnvironment) -> Bool {
        let paged = table.setPageSize(forHeight: env.bodySize.height - 2)
        guard let data = env.data else { return paged }
        let rows = data.markets.map { Self.row($0, data, env) }
        let ids = data.markets.map { String($0.market.marketId) }
        return table.setRows(rows, ids: ids) || paged
    }

    static func row(_ m: MarketSummary, _ data: ConsoleSnapshot, _ env: ScreenEnvironment) -> [String] {
        [
            String(m.market.marketId), ConsoleFormat.marketName(m.market), m.market.isPrivate ? "private" : "public",
            stakeText(m.market, data), timing(m.market, data, env), String(m.market.proverCount),
            String(m.market.openJobCount), ourStatus(m.ours),
        ]
    }

    /// Generation A locks the market's slashing penalty per job; Generation B locks per token in the
    /// staking pools (the Stake screen), whatever the market.
    static func stakeText(_ m: CachedMarket, _ data: ConsoleSnapshot) -> String {
        guard let p = m.slashingPenalty else { return "per token" }
        return data.stakeToken?.format(p) ?? "\(p) base units"
    }

    /// The detail view's words: Generation B's lock of each token, as the pool reads it ("100 POND or 0.1 WETH":
    /// the pool locks one of them per job, chosen among the tokens we have enough of, spec §2.5).
    static func stakeDetail(_ m: CachedMarket, _ data: ConsoleSnapshot) -> String {
        guard m.slashingPenalty == nil else { return stakeText(m, data) }
        let locks = data.insights.amountToLock.sorted { $0.key < $1.key }.map { token, amount -> String in
            guard let t = data.insights.stakeTokens[token] else { return "\(amount) base units of \(token)" }
            return t.format(amount)
        }
        guard !locks.isEmpty else { return "per token, set by the staking pool (not read yet)" }
        return locks.joined(separator: " or ") + " (one token per job, set by the staking pool for every market)"
    }

    /// The time a proof may take: the latest job's time for proof, in the generation's unit ("—" before
    /// the market's first job).
    static func timing(_ m: CachedMarket, _ data: ConsoleSnapshot, _ env: ScreenEnvironment) -> String {
        let unit = env.network.timeUnit
        guard let t = data.marketJobs[m.marketId]?.first?.timeForProof, t > 0 else { return "—" }
        return unit == "block" ? "\(t) blocks" : ConsoleFormat.duration(t)
    }

    /// The registry's membership state in words (spec: 1 joined, 2 no compute, 3 working, 4 exit asked).
    static func ourStatus(_ p: CachedMarketProver?) -> String {
        p?.stateWords ?? "not joined"
    }

    public func render(into frame: inout Frame, area: Rect, _ env: ScreenEnvironment, context: RenderContext) {
        if ScreenPlaceholder.render(into: &frame, area: area, env, title: Self.title, context: context) { return }
        let info =
            table.table.sortColumn.map { "\(table.table.countText) · sorted by \(Self.columns[$0].title)" }
            ?? table.table.countText
        let inner = Box(title: Self.title, info: info, focused: detail == nil).render(
            into: &frame, area: area, context: context)
        if table.table.rows.isEmpty {
            TextView(ScreenPlaceholder.emptyReason(env, what: "markets"), role: .muted).render(
                into: &frame, area: inner, context: context)
        } else {
            table.render(into: &frame, area: inner, context: context)
        }
        if let id = detail, let data = env.data {
            renderDetail(id, data, env, into: &frame, area: area, context: context)
        }
        if let form = joinForm, let id = detail {
            let height = min(area.height, form.height + 4)
            let width = min(area.width, 72)
            let box = Rect(x: area.x + (area.width - width) / 2, y: area.maxY - height, width: width, height: height)
            frame.fill(box)
            let review = env.keyName(Self.formSubmit)
            let inner = Box(title: "Join market \(id)", info: review.isEmpty ? "" : "\(review) review", focused: true)
                .render(into: &frame, area: box, context: context)
            form.render(into: &frame, area: inner.inset(top: 1, left: 1), context: context)
        }
    }

    func renderDetail(
        _ id: Int64, _ data: ConsoleSnapshot, _ env: ScreenEnvironment, into frame: inout Frame, area: Rect,
        context: RenderContext
    ) {
        guard let m = data.markets.first(where: { $0.market.marketId == id }) else {
            DetailView(title: "Market \(id)", rows: [("Market", "no longer in the cache")]).render(
                into: &frame, area: area, context: context)
            return
        }
        let market = m.market
        var rows: [(String, String)] = [
            ("Name", ConsoleFormat.marketName(market)), ("Kind", market.isPrivate ? "private (enclave)" : "public"),
            ("Verifier", ConsoleFormat.address(market.verifier)), ("Creator", ConsoleFormat.address(market.creator)),
            ("Prover image", market.proverImageId),
            ("IVS image", market.ivsImageId), ("Stake per job", Self.stakeDetail(market, data)),
            ("Provers", String(market.proverCount)),
            ("Jobs", "\(market.jobCount) (\(market.openJobCount) open)"),
            ("Created at block", String(market.createdBlock)),
        ]
        if let a = market.activationBlock { rows.append(("Active from block", String(a))) }
        if let o = m.ours {
            rows += [
                ("Our status", Self.ourStatus(o)), ("Our proof cost", data.paymentToken.format(o.proofGenerationCost)),
                ("Our proposed time", JobsScreen.span(o.proposedTime, env.network.timeUnit)),
                ("Our compute/request", o.computePerRequest),
            ]
        } else {
            rows.append(("Our status", "not joined"))
        }
        let jobs = data.marketJobs[id] ?? []
        let tail = Self.columns(
            jobs.map { j -> [String] in
                let view = CachedJobView(j, env)
                return [
                    String(j.jobId), JobWords.status(view), j.outcome == nil ? view.deadlineWords : "",
                    data.paymentToken.format(j.reward), j.prover.map(ConsoleFormat.address) ?? "unassigned",
                ]
            }, rightAligned: [0, 3])
        var keysText: [String] = []
        for (action, word) in [(Self.join, "join"), (Self.leave, "leave"), (Self.close, "back")] {
            let k = env.keyName(action)
            if !k.isEmpty { keysText.append("\(k) \(word)") }
        }
        DetailView(
            title: "Market \(id)", info: keysText.joined(separator: " · "), rows: rows, tail: tail,
            tailTitle: jobs.isEmpty ? "No jobs yet" : "Recent jobs (newest first)"
        ).render(into: &frame, area: area, context: context)
    }

    /// Lines of cells padded into columns two spaces apart (numbers right-aligned), so the recent jobs read
    /// as a table; empty trailing cells add no space.
    static func columns(_ rows: [[String]], rightAligned: Set<Int>) -> [String] {
        let count = rows.map(\.count).max() ?? 0
        let widths = (0..<count).map { c in rows.map { c < $0.count ? $0[c].count : 0 }.max() ?? 0 }
        return rows.map { row in
            let cells = row.enumerated().filter { widths[$0.offset] > 0 }.map { c, text -> String in
                let pad = String(repeating: " ", count: max(0, widths[c] - text.count))
                return rightAligned.contains(c) ? pad + text : text + pad
            }
            var line = cells.joined(separator: "  ")
            while line.hasSuffix(" ") { line.removeLast() }
            return line
        }
    }
}
