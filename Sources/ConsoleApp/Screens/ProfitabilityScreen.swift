import Basics
import BigInt
import EthereumKit
import KalypsoKit
import KalypsoStore
import TerminalKit

/// Profitability and risk per market: expected earnings per hour, the chance of missing a deadline and the
/// expected slash loss, from our benchmark, the market's timing and recent asks and the stake at risk; the
/// detail view lists every input with its source and every assumption.
public struct ProfitabilityScreen: ConsoleScreen {
    public static let name = "profitability"
    public static let title = "Profitability"
    public static let shortTitle = "Profit"
    public static let open = "profitability.open", close = "profitability.close"
    static let detailScope = "profitability.detail"
    /// How far back the recent asks reach.
    public static let windowHours = 24.0

    public static func actions() -> [KeyAction] {
        [
            KeyAction(
                id: open, description: "Inputs and assumptions of the selected market", keys: [.enter],
                group: "Profitability", scope: name, footerLabel: "Inputs"),
            KeyAction(
                id: close, description: "Close the inputs", keys: [.escape], group: "Profitability",
                scope: detailScope, footerLabel: "Close"),
        ]
    }

    public static var helpScopes: [String] { [name, detailScope] }

    static let columns = [
        TableColumn("Market", width: .fixed(6), alignment: .right, sort: .numeric),
        TableColumn("Name", width: .min(8)),
        // Narrow enough that both amounts keep their unit at 80 columns.
        TableColumn("Asks/h", width: .fixed(6), alignment: .right, sort: .numeric),
        TableColumn("Ours/h", width: .fixed(6), alignment: .right, sort: .numeric),
        TableColumn("Reward/proof", width: .min(12), alignment: .right),
        TableColumn("Miss", width: .fixed(5), alignment: .right),
        TableColumn("Earnings/h", width: .min(13), alignment: .right),
        TableColumn("Slash loss/h", width: .min(13), alignment: .right),
    ]

    public private(set) var table = ScreenTable(columns: ProfitabilityScreen.columns)
    public private(set) var risks: [MarketRisk] = []
    var names: [Int64: String] = [:]
    public private(set) var detail: Int64?

    public init() {}

    public var keyScopes: [String] {
        if detail != nil { return [Self.detailScope] }
        return table.isEditingFilter ? table.keyScopes : [Self.name] + table.keyScopes
    }
    public var capturesText: Bool { detail == nil && table.isEditingFilter }

    public mutating func perform(_ actionID: String, _ env: ScreenEnvironment) -> ScreenOutcome {
        if actionID == Self.close {
            let was = detail != nil
            detail = nil
            return .redraw(if: was)
        }
        if let changed = table.perform(actionID) { return .redraw(if: changed) }
        guard actionID == Self.open, let id = table.selectedID, let m = Int64(id) else { return .none }
        detail = m
        return .redraw
    }

    public mutating func type(_ key: Key, _ env: ScreenEnvironment) -> ScreenOutcome {
        .redraw(if: table.type(key))
    }

    /// The inputs of one market from the snapshot.
    static func inputs(_ summary: MarketSummary, _ data: ConsoleSnapshot, _ network: ConsoleNetwork)
        -> MarketRiskInputs
    {
        let m = summary.market
        let unit: TimeUnit = network.timeUnit == "block" ? .blocks : .seconds
        let payment = TokenInfo(address: .zero, symbol: data.paymentToken.symbol, decimals: data.paymentToken.decimals)
        var risk: [StakeAtRisk] = []
        if let penalty = m.slashingPenalty.flatMap({ BigUInt($0) }) {
            let token =
                data.insights.stakeTokens.values.first
                ?? TokenInfo(
                    address: .zero, symbol: data.stakeToken?.symbol ?? "staking token base units",
                    decimals: data.stakeToken?.decimals ?? 0)
            risk.append(
                StakeAtRisk(token: token, amount: penalty, source: "cache: marketData(\(m.marketId)).slashingPenalty"))
        }
        for (key, amount) in data.insights.amountToLock.sorted(by: { $0.key < $1.key }) {
            guard let token = data.insights.stakeTokens[key] else { continue }
            risk.append(
                StakeAtRisk(token: token, amount: amount, source: "chain: NativeStaking.amountToLock(\(token.symbol))"))
        }
        let ours = summary.ours.map {
            OurTerms(
                proposedTime: ChainTime(BigUInt(max(0, $0.proposedTime)), unit),
                minimumReward: BigUInt($0.proofGenerationCost) ?? 0, parallelJobs: nil)
        }
        let window = data.progress.flatMap {
            AskWindow.last(hours: windowHours, head: $0, recentBlocks: data.insights.recentBlocks)
        }
        return MarketRiskInputs(
            marketId: m.marketId, paymentToken: payment,
            benchmarkRuns: currentEnclaveRuns(data.insights.benchmarkRuns, market: m.marketId),
            scale: InsightsClock.scale(data, network), ours: ours, jobs: data.insights.recentAsks[m.marketId] ?? [],
            window: window, otherProvers: Int(max(0, m.proverCount - (summary.ours == nil ? 0 : 1))),
            ourProver: network.operatorAddress, stakeAtRisk: risk, costPerProof: nil)
    }

    /// The market's runs of the enclave benchmarked last (the one that proves now): runs of another
    /// enclave say nothing about this one's misses.
    static func currentEnclaveRuns(_ runs: [BenchmarkRun], market: Int64) -> [BenchmarkRun] {
        let mine = runs.filter { $0.marketId == market }
        guard let last = mine.max(by: { $0.at < $1.at }) else { return [] }
        return mine.filter { $0.enclave == last.enclave }
    }

    static func rate(_ r: Result<Double, NotEnoughData>) -> String {
        guard case .success(let v) = r else { return "—" }
        return ChartFormat.number(v, decimals: v >= 10 ? 0 : 2)
    }

    static func percent(_ r: Result<MissChance, NotEnoughData>) -> String {
        guard case .success(let m) = r else { return "—" }
        return ChartFormat.number(m.probability * 100, decimals: 0) + "%"
    }

    static func signed(_ v: BigInt, _ t: ConsoleToken) -> String {
        (v < 0 ? "-" : "") + t.format(v.magnitude)
    }

    /// An amount for a narrow column: at most four fraction digits, rounded to the nearest (a cut 4.16666…
    /// read "4.1666", understating a loss); the inputs view is exact.
    static func short(_ v: BigUInt, symbol: String, decimals: Int) -> String {
        let half = decimals > 4 ? BigUInt(10).power(decimals - 4) / 2 : 0
        return Units.format(v + half, decimals: decimals, groupThousands: true, maxFractionDigits: 4) + " " + symbol
    }

    public mutating func refresh(_ env: ScreenEnvironment) -> Bool {
        let paged = table.setPageSize(forHeight: env.bodySize.height - 4)
        guard let data = env.data else { return paged }
        let new = data.markets.map { Profitability.assess(Self.inputs($0, data, env.network)) }
        let changed = new != risks
        risks = new
        names = Dictionary(
            data.markets.map { ($0.market.marketId, ConsoleFormat.marketName($0.market)) },
            uniquingKeysWith: { a, _ in a })
        let rows = risks.map { r -> [String] in
            let slash: String
            if case .success(let losses) = r.slashLossPerHour {
                slash = losses.map { Self.short($0.perHour, symbol: $0.token.symbol, decimals: $0.token.decimals) }
                    .joined(separator: ", ")
            } else {
                slash = "—"
            }
            let earnings: String
            if case .success(let e) = r.earningsPerHour {
                let t = data.paymentToken
                earnings = (e < 0 ? "-" : "") + Self.short(e.magnitude, symbol: t.symbol, decimals: t.decimals)
            } else {
                earnings = "—"
            }
            let reward: String
            if case .success(let v) = r.rewardPerProof {
                reward = Self.short(v, symbol: data.paymentToken.symbol, decimals: data.paymentToken.decimals)
            } else {
                reward = "—"
            }
            return [
                String(r.marketId), names[r.marketId] ?? "", Self.rate(r.eligibleAsksPerHour),
                Self.rate(r.ourJobsPerHour),
                reward, Self.percent(r.missChance), earnings, slash,
            ]
        }
        return table.setRows(rows, ids: risks.map { String($0.marketId) }) || paged || changed
    }

    public func render(into frame: inout Frame, area: Rect, _ env: ScreenEnvironment, context: RenderContext) {
        if ScreenPlaceholder.render(into: &frame, area: area, env, title: Self.title, context: context) { return }
        let parts = Layout.rows(area, [.proportional(1), .fixed(2)])
        let inner = Box(title: "Profitability and risk per market", info: table.table.countText, focused: true)
            .render(into: &frame, area: parts[0], context: context)
        if risks.isEmpty {
            InsightLines(lines: [(ScreenPlaceholder.emptyReason(env, what: "markets"), .muted)]).render(
                into: &frame, area: inner, context: context)
        } else {
            table.render(into: &frame, area: inner, context: context)
        }
        let k = env.keyName(Self.open)
        InsightLines(lines: [
            (
                "Per hour over the last \(Int(Self.windowHours))h of asks; — where there is not enough data. "
                    + (k.isEmpty ? "" : "\(k): the inputs and assumptions behind a row."), .muted
            )
        ]).render(into: &frame, area: parts[1], context: context)
        if let id = detail, let r = risks.first(where: { $0.marketId == id }) {
            let box = Rect(
                x: area.x + 1, y: area.y + 1, width: max(1, area.width - 2), height: max(1, area.height - 2))
            Self.detailView(r, name: names[id] ?? "", env).render(into: &frame, area: box, context: context)
        }
    }

    static func detailView(_ r: MarketRisk, name: String, _ env: ScreenEnvironment) -> DetailView {
        func text<T>(_ x: Result<T, NotEnoughData>, _ f: (T) -> String) -> String {
            switch x {
            case .success(let v): return f(v)
            case .failure(let e): return e.description
            }
        }
        let token = env.data?.paymentToken ?? ConsoleToken(symbol: "", decimals: 0)
        var rows: [(String, String)] = [
            ("Asks/h we could get", text(r.eligibleAsksPerHour) { ChartFormat.number($0, decimals: 2) }),
            ("Our jobs/h", text(r.ourJobsPerHour) { ChartFormat.number($0, decimals: 2) }),
            ("Reward per proof", text(r.rewardPerProof) { token.format($0) }),
            (
                "Chance of missing",
                text(r.missChance) {
                    "\(ChartFormat.number($0.probability * 100, decimals: 1)) % (\($0.slowRuns) of \($0.runs) runs too "
                        + "slow); model: \($0.model)"
                }
            ),
            ("Earnings/h", text(r.earningsPerHour) { signed($0, token) + " (rewards of proofs in time − cost)" }),
            (
                "Slash loss/h",
                text(r.slashLossPerHour) { $0.map { $0.token.format($0.perHour) }.joined(separator: ", ") }
            ),
        ]
        for i in r.inputs { rows.append((i.label, "\(i.value)  [\(i.source)]")) }
        return DetailView(
            title: "Market \(r.marketId) \(name)",
            info: env.keyName(close).isEmpty ? "" : "\(env.keyName(close)) close",
            rows: rows, tail: r.assumptions.map { "• \($0)" }, tailTitle: r.assumptions.isEmpty ? "" : "Assumptions")
    }
}
