import Basics
import BigInt
import KalypsoKit
import KalypsoStore
import TerminalKit

/// Benchmark history per enclave and market, several enclaves side by side, the proposed time each result
/// supports in the market's unit, and running the enclave's benchmark.
public struct BenchmarksScreen: ConsoleScreen {
    public static let name = "benchmarks"
    public static let title = "Benchmarks"
    public static let shortTitle = "Bench"
    public static let run = "benchmarks.run"

    public static func actions() -> [KeyAction] {
        [
            // Not a signature, but it makes the operator's enclave generate a whole proof: a watcher in
            // read-only mode must not start one.
            KeyAction(
                id: run, description: "Run the enclave's benchmark for the selected market", keys: [.character("b")],
                group: "Benchmarks", scope: name, dangerous: true, footerLabel: "Benchmark")
        ]
    }

    static let columns = [
        TableColumn("Enclave", width: .min(10)),
        TableColumn("Market", width: .fixed(6), alignment: .right, sort: .numeric),
        TableColumn("Runs", width: .fixed(4), alignment: .right, sort: .numeric),
        TableColumn("Latest", width: .fixed(7), alignment: .right),
        TableColumn("p90", width: .fixed(7), alignment: .right),
        TableColumn("Fastest", width: .fixed(7), alignment: .right),
        TableColumn("Slowest", width: .fixed(7), alignment: .right),
        TableColumn("Supports", width: .min(16)),
    ]

    public private(set) var table = ScreenTable(columns: BenchmarksScreen.columns)
    public private(set) var series: [BenchmarkSeries] = []

    public init() {}

    public var keyScopes: [String] { table.isEditingFilter ? table.keyScopes : [Self.name] + table.keyScopes }
    public var capturesText: Bool { table.isEditingFilter }

    static func id(_ s: BenchmarkSeries) -> String { "\(s.enclave)/\(s.marketId.map(String.init) ?? "-")" }

    var selected: BenchmarkSeries? {
        guard let id = table.selectedID else { return series.first }
        return series.first { Self.id($0) == id }
    }

    /// The market a benchmark runs for: the selected row's, else the first market we joined.
    func targetMarket(_ env: ScreenEnvironment) -> Int64? {
        if let m = selected?.marketId { return m }
        return env.data?.markets.first { $0.ours != nil }?.market.marketId
    }

    public mutating func perform(_ actionID: String, _ env: ScreenEnvironment) -> ScreenOutcome {
        if let changed = table.perform(actionID) { return .redraw(if: changed) }
        guard actionID == Self.run else { return .none }
        guard let market = targetMarket(env) else {
            return ScreenOutcome(
                status: ConsoleStatus("No market to benchmark: join one, or select a row with a market", .warn))
        }
        if env.benchmarksRunning[market] != nil {
            return ScreenOutcome(status: ConsoleStatus("The benchmark of market \(market) is already running", .info))
        }
        return ScreenOutcome(effects: [.benchmark(marketId: market)])
    }

    public mutating func type(_ key: Key, _ env: ScreenEnvironment) -> ScreenOutcome {
        .redraw(if: table.type(key))
    }

    /// The proposed time a series supports in its market, with the market's recent asks for the warning.
    static func suggestion(_ s: BenchmarkSeries, _ data: ConsoleSnapshot, _ network: ConsoleNetwork)
        -> Result<ProposedTimeSuggestion, NotEnoughData>
    {
        guard let scale = InsightsClock.scale(data, network) else {
            return .failure(NotEnoughData("the pace of blocks is unknown (no block times in the cache yet)"))
        }
        let asks = s.marketId.flatMap { data.insights.recentAsks[$0] } ?? []
        let times = asks.map {
            ChainTime(BigUInt(max(0, $0.timeForProof)), $0.deadlineUnit == "block" ? .blocks : .seconds)
        }
        return BenchmarkInsights.suggestProposedTime(runs: s.runs, scale: scale, askTimes: times)
    }

    public mutating func refresh(_ env: ScreenEnvironment) -> Bool {
        let paged = table.setPageSize(forHeight: max(3, env.bodySize.height / 3) - 3)
        guard let data = env.data else { return paged }
        let newSeries = BenchmarkSeries.grouped(data.insights.benchmarkRuns)
        let changed = newSeries != series
        series = newSeries
        let rows = series.map { s -> [String] in
            let supports: String
            switch Self.suggestion(s, data, env.network) {
            case .success(let sug): supports = sug.proposed.description + (sug.warning == nil ? "" : ", too slow")
            case .failure: supports = "—"
            }
            return [
                ConsoleFormat.address(s.enclave), s.marketId.map(String.init) ?? "—", String(s.runs.count),
                s.latest.map { Self.short($0.milliseconds) } ?? "—", s.p90.map(Self.short) ?? "—",
                s.fastest.map(Self.short) ?? "—", s.slowest.map(Self.short) ?? "—", supports,
            ]
        }
        return table.setRows(rows, ids: series.map(Self.id)) || paged || changed
    }

    /// A run time for a narrow column: "850 ms", "12.5 s", "90 s", "500 s" (no ".0": whole seconds read as
    /// whole in every row).
    static func short(_ ms: Int64) -> String {
        if ms < 1000 { return "\(ms) ms" }
        if ms < 100_000 {
            let tenths = (ms + 50) / 100
            return tenths % 10 == 0 ? "\(tenths / 10) s" : "\(tenths / 10).\(tenths % 10) s"
        }
        return "\((ms + 500) / 1000) s"
    }

    public func render(into frame: inout Frame, area: Rect, _ env: ScreenEnvironment, context: RenderContext) {
        if ScreenPlaceholder.render(into: &frame, area: area, env, title: Self.title, context: context) { return }
        guard let data = env.data else { return }
        let tableHeight = min(max(5, series.count + 4), max(5, area.height / 3))
        let parts = Layout.rows(area, [.fixed(tableHeight), .proportional(3), .proportional(2)])
        let inner = Box(title: "Benchmark history", info: table.table.countText, focused: true).render(
            into: &frame, area: parts[0], context: context)
        if series.isEmpty {
            let k = env.keyName(Self.run)
            InsightLines(lines: [
                ("No benchmark recorded on this network yet.", .muted),
                (k.isEmpty ? "" : "Press \(k) to run the enclave's benchmark for the market we joined.", .muted),
            ]).render(into: &frame, area: inner, context: context)
        } else {
            table.render(into: &frame, area: inner, context: context)
        }
        renderChart(into: &frame, area: parts[1], context: context)
        renderSupport(into: &frame, area: parts[2], env, data: data, context: context)
    }

    /// Every enclave's runs for the selected market, side by side (up to four lines).
    func renderChart(into frame: inout Frame, area: Rect, context: RenderContext) {
        guard let s = selected else {
            _ = Box(title: "Proof time per run").render(into: &frame, area: area, context: context)
            return
        }
        let peers = series.filter { $0.marketId == s.marketId }.prefix(4)
        let roles: [Role] = [.chart1, .chart2, .chart3, .chart4]
        let inner = Box(
            title: "Proof time per run, market \(s.marketId.map(String.init) ?? "—")",
            info: "\(peers.count) enclave\(peers.count == 1 ? "" : "s")"
        ).render(into: &frame, area: area, context: context)
        guard inner.height >= 3, peers.contains(where: { $0.runs.count >= 2 }) else {
            InsightLines(lines: [("A chart needs two runs or more.", .muted)]).render(
                into: &frame, area: inner, context: context)
            return
        }
        let chart = LineChart(
            series: peers.enumerated().map { i, p in
                ChartSeries(
                    name: ConsoleFormat.address(p.enclave), values: p.runs.map { Double($0.milliseconds) / 1000 },
                    role: roles[i % 4])
            }, unit: " s", xLabels: ["oldest run", "newest"])
        let rows = Layout.rows(inner, [.proportional(1), .fixed(1)])
        chart.render(into: &frame, area: rows[0], context: context)
        chart.renderLegend(into: &frame, area: rows[1], context: context)
    }

    func renderSupport(
        into frame: inout Frame, area: Rect, _ env: ScreenEnvironment, data: ConsoleSnapshot, context: RenderContext
    ) {
        let inner = Box(title: "Proposed time supported").render(into: &frame, area: area, context: context)
        var lines: [(String, Role)] = []
        for (market, since) in env.benchmarksRunning.sorted(by: { $0.key < $1.key }) {
            let elapsed = max(0, Int64(env.now.timeIntervalSince(since)) / 60 * 60)
            lines.append(
                (
                    "Benchmark of market \(market) running since \(ConsoleFormat.time(Int64(since.timeIntervalSince1970)))"
                        + " (\(HumanDuration.text(elapsed)) so far; it generates a whole proof)", .pending
                ))
        }
        if let s = selected {
            switch Self.suggestion(s, data, env.network) {
            case .success(let sug):
                lines.append(
                    ("\(ConsoleFormat.address(s.enclave)) supports a proposed time of \(sug.display)", .accent))
                if let w = sug.warning { lines.append(("warning: \(w)", .warn)) }
                lines += InsightLines.inputs(sug.inputs)
            case .failure(let e):
                lines.append(("\(ConsoleFormat.address(s.enclave)): \(e)", .muted))
            }
        } else if lines.isEmpty {
            lines.append(("Run a benchmark to see what proposed time it supports.", .muted))
        }
        InsightLines(lines: lines).render(into: &frame, area: inner, context: context)
    }
}
