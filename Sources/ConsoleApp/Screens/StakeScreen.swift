import BigInt
import EthereumKit
import KalypsoKit
import KalypsoStore
import TerminalKit

/// Our stake per token (staked, locked by active jobs, free, pending withdrawals with their ready time), a
/// chart of stake over time, and stake / request withdrawal / withdraw through the review.
public struct StakeScreen: ConsoleScreen {
    public static let name = "stake"
    public static let title = "Stake"
    public static let stake = "stake.add", requestWithdrawal = "stake.requestWithdrawal", withdraw = "stake.withdraw"

    public static func actions() -> [KeyAction] {
        [
            KeyAction(
                id: stake, description: "Stake more of the selected token (review first)", keys: [.character("a")],
                group: "Stake", scope: name, dangerous: true, footerLabel: "Stake"),
            KeyAction(
                id: requestWithdrawal, description: "Request a withdrawal of stake (review first)",
                keys: [.character("r")], group: "Stake", scope: name, dangerous: true, footerLabel: "Request"),
            KeyAction(
                id: withdraw, description: "Withdraw what is ready (review first)", keys: [.character("w")],
                group: "Stake", scope: name, dangerous: true, footerLabel: "Withdraw"),
        ] + AmountPrompt.actions()
    }

    public static var helpScopes: [String] { [name, AmountPrompt.scope] }

    static let columns = [
        // Every header and "per market" whole at 80 columns; amounts take the room left.
        TableColumn("Token", width: .min(6)),
        TableColumn("Staked", width: .min(10), alignment: .right, sort: .numeric),
        TableColumn("Locked by jobs", width: .min(14), alignment: .right, sort: .numeric),
        TableColumn("Free", width: .min(10), alignment: .right, sort: .numeric),
        TableColumn("Per job", width: .min(10), alignment: .right, sort: .numeric),
        TableColumn("Jobs", width: .fixed(5), alignment: .right, sort: .numeric),
        TableColumn("Withdrawals", width: .min(11)),
    ]

    public private(set) var table = ScreenTable(columns: StakeScreen.columns)
    public private(set) var view: StakeView?
    var prompt: AmountPrompt?

    public init() {}

    public var keyScopes: [String] {
        if prompt != nil { return [AmountPrompt.scope] }
        return table.isEditingFilter ? table.keyScopes : [Self.name] + table.keyScopes
    }
    public var capturesText: Bool { prompt != nil || table.isEditingFilter }

    var selectedLine: StakeLine? {
        guard let id = table.selectedID else { return view?.lines.first }
        return view?.lines.first { Hex.encode($0.token.address.bytes) == id }
    }

    public mutating func perform(_ actionID: String, _ env: ScreenEnvironment) -> ScreenOutcome {
        if prompt != nil {
            switch actionID {
            case AmountPrompt.cancel:
                prompt = nil
                return .redraw
            case AmountPrompt.deleteBack:
                return .redraw(if: prompt?.text.popLast() != nil)
            case AmountPrompt.confirm:
                guard let p = prompt else { return .none }
                switch p.write() {
                case .failure(let refusal): return ScreenOutcome(redraw: true, status: refusal.status)
                case .success(let write):
                    prompt = nil
                    return ScreenOutcome(redraw: true, effects: [.review(write)])
                }
            default: return .none
            }
        }
        if let changed = table.perform(actionID) { return .redraw(if: changed) }
        guard [Self.stake, Self.requestWithdrawal, Self.withdraw].contains(actionID) else { return .none }
        guard let line = selectedLine else {
            return ScreenOutcome(status: ConsoleStatus("No stake token known yet: nothing to act on", .warn))
        }
        switch actionID {
        case Self.stake:
            prompt = AmountPrompt(purpose: .stake, token: line.token)
            return .redraw
        case Self.requestWithdrawal:
            guard line.free > 0 else {
                return ScreenOutcome(status: ConsoleStatus("No free \(line.token.symbol) stake to withdraw", .warn))
            }
            prompt = AmountPrompt(purpose: .requestWithdrawal, token: line.token)
            return .redraw
        default:
            let ready = line.pending.filter(\.isReady).reduce(BigUInt(0)) { $0 + $1.amount }
            guard ready > 0 else {
                return ScreenOutcome(
                    status: ConsoleStatus("No \(line.token.symbol) withdrawal is ready yet", .info))
            }
            return ScreenOutcome(
                effects: [
                    .review(.withdraw(token: Hex.encode(line.token.address.bytes), display: line.token.format(ready)))
                ])
        }
    }

    public mutating func type(_ key: Key, _ env: ScreenEnvironment) -> ScreenOutcome {
        if prompt != nil { return .redraw(if: prompt?.type(key) ?? false) }
        return .redraw(if: table.type(key))
    }

    /// The view of the snapshot's stake, from the cache.
    static func view(_ data: ConsoleSnapshot, _ network: ConsoleNetwork) -> StakeView {
        let scale = InsightsClock.scale(data, network)
        return StakeView(
            generation: InsightsClock.generation(network), balances: data.stakeBalances,
            events: data.insights.stakeEvents, tokens: data.insights.stakeTokens,
            clock: InsightsClock.clock(data, network), withdrawalDuration: data.insights.withdrawalDuration,
            lockedPerJob: data.insights.amountToLock, reductions: data.insights.pendingReductions, scale: scale)
    }

    public mutating func refresh(_ env: ScreenEnvironment) -> Bool {
        let paged = table.setPageSize(forHeight: max(3, env.bodySize.height / 3) - 3)
        guard let data = env.data else { return paged }
        let v = Self.view(data, env.network)
        let changed = v != view
        view = v
        let rows = v.lines.map { l in
            [
                l.token.symbol, Self.amount(l.staked, l.token), Self.amount(l.locked, l.token),
                Self.amount(l.free, l.token), l.lockedPerJob.map { Self.amount($0, l.token) } ?? "per market",
                l.jobsCovered.map { String($0) } ?? "—",
                l.pending.isEmpty ? "none" : "\(l.pending.count), \(l.pending.filter(\.isReady).count) ready",
            ]
        }
        return table.setRows(rows, ids: v.lines.map { Hex.encode($0.token.address.bytes) }) || paged || changed
    }

    static func amount(_ v: BigUInt, _ t: TokenInfo) -> String {
        Units.format(v, decimals: t.decimals, groupThousands: true)
    }

    public func render(into frame: inout Frame, area: Rect, _ env: ScreenEnvironment, context: RenderContext) {
        if ScreenPlaceholder.render(into: &frame, area: area, env, title: Self.title, context: context) { return }
        guard let data = env.data, let view else { return }
        let tableHeight = min(max(5, view.lines.count + 4), max(5, area.height / 3))
        let promptHeight = prompt == nil ? 0 : 1
        let parts = Layout.rows(
            area, [.fixed(tableHeight), .proportional(2), .proportional(1), .fixed(promptHeight)])
        let inner = Box(title: "Stake per token", info: table.table.countText, focused: true).render(
            into: &frame, area: parts[0], context: context)
        if view.lines.isEmpty {
            var why = [
                (ScreenPlaceholder.emptyReason(env, what: "stake of ours"), Role.muted)
            ]
            if !data.stakeBalances.isEmpty {
                why = [("Stake found, but its token's symbol and decimals are unknown.", .warn)]
            }
            InsightLines(lines: why).render(into: &frame, area: inner, context: context)
        } else {
            table.render(into: &frame, area: inner, context: context)
        }
        renderChart(into: &frame, area: parts[1], view: view, context: context)
        renderPending(into: &frame, area: parts[2], view: view, data: data, context: context)
        if let prompt {
            _ = frame.write(
                context.displayable(prompt.label + "▏"), x: parts[3].x, y: parts[3].y, style: context.style(.accent),
                clip: parts[3])
        }
    }

    func renderChart(into frame: inout Frame, area: Rect, view: StakeView, context: RenderContext) {
        guard let line = selectedLine else {
            _ = Box(title: "Stake over time").render(into: &frame, area: area, context: context)
            return
        }
        let key = Hex.encode(line.token.address.bytes)
        let points = view.series[key] ?? []
        let inner = Box(
            title: "\(line.token.symbol) staked and locked over time",
            info: "\(points.count) point\(points.count == 1 ? "" : "s")"
        )
        .render(into: &frame, area: area, context: context)
        guard points.count >= 2, inner.height >= 3 else {
            InsightLines(lines: [("No stake movements in the cache yet.", .muted)]).render(
                into: &frame, area: inner, context: context)
            return
        }
        let scale = Self.chartScale(line.token)
        // Stake is a step function of time: sample it evenly so a quiet month and a busy hour take the
        // room their time took.
        let samples = max(2, (inner.width - 10) * LineChart.samplesPerCell(.braille))
        let total = Self.resample(points, samples) { Self.double($0.total, scale) }
        let locked = Self.resample(points, samples) { Self.double($0.locked, scale) }
        let first = points.first.map { ConsoleFormat.time($0.timestamp) } ?? ""
        let last = points.last.map { ConsoleFormat.time($0.timestamp) } ?? ""
        let chart = LineChart(
            series: [
                ChartSeries(name: "staked", values: total, role: .chart1),
                ChartSeries(name: "locked by jobs", values: locked, role: .chart2),
            ], unit: " \(line.token.symbol)", xLabels: [first, last])
        let rows = Layout.rows(inner, [.proportional(1), .fixed(1)])
        chart.render(into: &frame, area: rows[0], context: context)
        chart.renderLegend(into: &frame, area: rows[1], context: context)
    }

    func renderPending(
        into frame: inout Frame, area: Rect, view: StakeView, data: ConsoleSnapshot, context: RenderContext
    ) {
        let inner = Box(title: "Pending withdrawals").render(into: &frame, area: area, context: context)
        var lines: [(String, Role)] = []
        for l in view.lines {
            for w in l.pending {
                let index = w.index.map { "#\($0) " } ?? ""
                lines.append(("\(index)\(l.token.format(w.amount)): \(w.when)", w.isReady ? .ok : .text))
            }
        }
        if lines.isEmpty { lines.append(("None.", .muted)) }
        if let p = data.insights.problem { lines.append((p, .warn)) }
        InsightLines(lines: lines).render(into: &frame, area: inner, context: context)
    }

    /// `count` values of the step function through `points` (sorted by time), evenly spaced in time.
    static func resample(_ points: [StakePoint], _ count: Int, _ value: (StakePoint) -> Double) -> [Double] {
        guard let first = points.first, let last = points.last, last.timestamp > first.timestamp, count > 1 else {
            return points.map(value)
        }
        let span = Double(last.timestamp - first.timestamp)
        var out: [Double] = []
        var i = 0
        for k in 0..<count {
            let t = Double(first.timestamp) + span * Double(k) / Double(count - 1)
            while i + 1 < points.count && Double(points[i + 1].timestamp) <= t { i += 1 }
            out.append(value(points[i]))
        }
        return out
    }

    /// Chart values in whole tokens (charts draw doubles; the table keeps exact amounts).
    static func chartScale(_ t: TokenInfo) -> Double { pow10(t.decimals) }
    static func double(_ v: BigUInt, _ scale: Double) -> Double { (Double(String(v)) ?? 0) / scale }
    static func pow10(_ n: Int) -> Double {
        var r = 1.0
        for _ in 0..<max(0, n) { r *= 10 }
        return r
    }
}
