import TerminalKit

/// A deterministic pseudo-random source (SplitMix64), so the gallery shows the same data for the same seed.
public struct GalleryRandom: Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A value in 0..<bound (bound > 0).
    public mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(Swift.max(1, bound))) }

    /// A value in 0…1.
    public mutating func unit() -> Double { Double(next() >> 11) / Double(UInt64(1) << 53) }
}

/// The widget gallery shown by `kalypso-console ui-demo`: every TerminalKit widget with live data.
///
/// All data comes from a seeded generator and advances only on `tick()`, so a given seed and sequence of
/// events always renders the same frames (tests drive it without a clock).
public struct WidgetGallery: TerminalApplication, Sendable {
    /// The gallery's pages, switched with number keys or Tab.
    public enum Page: Int, CaseIterable, Sendable {
        case overview, table, form, dialogs

        var title: String {
            switch self {
            case .overview: return "Overview"
            case .table: return "Table"
            case .form: return "Form"
            case .dialogs: return "Dialogs"
            }
        }
    }

    public private(set) var page: Page = .overview
    public private(set) var ticks: Int = 0
    public private(set) var table: Table
    public private(set) var form: Form
    /// Keys go to the form while editing (Enter/i starts, Esc stops).
    public private(set) var isEditingForm = false
    public private(set) var modal: Modal?
    public private(set) var help: HelpOverlay?
    public private(set) var toasts = ToastCenter()
    private var random: GalleryRandom
    private var throughput: [Double] = []
    private var latency: [Double] = []
    private var gaugeFraction = 0.35
    private var spinner = Spinner(label: "syncing blocks")
    private var progressPhase = 0
    private var screen = Size(width: 80, height: 24)
    private var modalPurpose = ""
    /// The seed the data was generated from (shown in the status line so a screen can be reproduced).
    public let seed: UInt64
    /// The bindings every key goes through (except text typed into an editor).
    public let keys: KeyTable

    public let minimumSize = Size(width: 60, height: 20)
    public let tickInterval: Duration? = .seconds(1)

    /// The gallery with the default key bindings.
    public init(seed: UInt64 = 0x6B61_6C79_7073_6F, rowCount: Int = 10_000) {
        self.init(seed: seed, rowCount: rowCount, keys: WidgetGallery.defaultKeys)
    }

    /// `seed` fixes all generated data; `rowCount` is the size of the table page; `keys` is built from
    /// `WidgetGallery.actions()` (remapped, possibly read-only).
    public init(seed: UInt64 = 0x6B61_6C79_7073_6F, rowCount: Int = 10_000, keys: KeyTable) {
        self.seed = seed
        self.keys = keys
        random = GalleryRandom(seed: seed)
        table = Table(columns: WidgetGallery.columns)
        form = WidgetGallery.makeForm()
        var rows: [[String]] = []
        rows.reserveCapacity(Swift.max(0, rowCount))
        for i in 0..<Swift.max(0, rowCount) { rows.append(WidgetGallery.makeRow(i, &random)) }
        table.setRows(rows)
        var a = 50.0, b = 20.0
        for _ in 0..<240 {
            a = WidgetGallery.walk(a, &random, 0...100)
            b = WidgetGallery.walk(b, &random, 0...60)
            throughput.append(a)
            latency.append(b)
        }
    }

    static let columns = [
        TableColumn("#", width: .fixed(5), alignment: .right, sort: .numeric),
        TableColumn("Market", width: .min(12)),
        TableColumn("Job", width: .min(12), sort: .text),
        TableColumn("Status", width: .fixed(9)),
        TableColumn("Reward", width: .fixed(14), alignment: .right, sort: .numeric),
        TableColumn("Age", width: .fixed(6), alignment: .right, sort: .numeric),
    ]

    static let markets = ["zkEVM proofs", "tx-batch", "RISC Zero", "SP1 rollup", "Plonky2 agg", "Groth16 wrap"]
    static let statuses = ["done", "pending", "failed", "proving", "assigned"]

    static func makeRow(_ i: Int, _ r: inout GalleryRandom) -> [String] {
        let market = markets[r.below(markets.count)]
        let job = "0x" + String(r.next() & 0xFFFF_FFFF, radix: 16).leftPadded(8, "0") + "…"
        let status = statuses[r.below(statuses.count)]
        // Rewards as exact decimal text (whole part and 4 fraction digits), not floating point.
        let reward = "\(r.below(20)).\(String(r.below(10_000)).leftPadded(4, "0")) ETH"
        let age = "\(r.below(600))m"
        return [String(i + 1), market, job, status, reward, age]
    }

    static func walk(_ v: Double, _ r: inout GalleryRandom, _ range: ClosedRange<Double>) -> Double {
        let step = (r.unit() - 0.5) * 8
        return Swift.max(range.lowerBound, Swift.min(range.upperBound, v + step))
    }

    static func makeForm() -> Form {
        Form(fields: [
            .text(TextField(id: "name", label: "Operator name", placeholder: "e.g. rack-7", required: true)),
            .text(
                TextField(
                    id: "stake", label: "Stake", placeholder: "0.0",
                    kind: .number(unit: "ETH", minimum: "0.1", maximum: "32", decimals: 18),
                    required: true)),
            .text(
                TextField(
                    id: "timeout", label: "Proof timeout", placeholder: "600",
                    kind: .number(unit: "s", minimum: "30", maximum: "3600", decimals: 0))),
            .text(TextField(id: "reward", label: "Reward address", placeholder: "0x…", kind: .address, required: true)),
            .choice(ChoiceField(id: "market", label: "Market", options: markets)),
            .toggle(ToggleField(id: "auto", label: "Auto-accept jobs", isOn: true)),
        ])
    }

    /// Scopes of the gallery's key table besides the global one.
    public static let tableScope = "table"
    public static let formScope = "form"
    public static let dialogScope = "dialog"

    /// Every action of the gallery: the single source of its bindings, footer hints and `?` help.
    ///
    /// Ids are what `--keys` remaps ("quit=x", "table.down=n,Down"). Widget-internal actions are translated
    /// to the widget's own key before it sees them, so a remapped key moves the table like the default one.
    public static func actions() -> [KeyAction] {
        let g = KeyTable.globalScope
        var list: [KeyAction] = []
        for p in Page.allCases {
            list.append(
                KeyAction(
                    id: "page\(p.rawValue + 1)", description: "\(p.title) page",
                    keys: [.character(Character(String(p.rawValue + 1)))], group: "Pages", scope: g, inFooter: false))
        }
        list += [
            KeyAction(id: "nextPage", description: "Next page", keys: [.tab], group: "Pages", scope: g),
            KeyAction(
                id: "prevPage", description: "Previous page", keys: [.backTab], group: "Pages", scope: g,
                inFooter: false),
            KeyAction(id: "help", description: "Help", keys: [.character("?")], group: "General", scope: g),
            KeyAction(id: "dialog", description: "Dialog", keys: [.character("m")], group: "General", scope: g),
            KeyAction(
                id: "unstake", description: "Unstake (danger dialog)", keys: [.character("d")], group: "Chain",
                scope: g, dangerous: true),
            KeyAction(id: "toast", description: "Toast", keys: [.character("t")], group: "General", scope: g),
            KeyAction(
                id: "dismiss", description: "Dismiss messages", keys: [.escape], group: "General", scope: g,
                inFooter: false),
            KeyAction(id: "quit", description: "Quit", keys: [.character("q")], group: "General", scope: g),
        ]
        let t = tableScope
        list += [
            KeyAction(id: "table.filter", description: "Filter", keys: [.character("/")], group: "Table", scope: t),
            KeyAction(id: "table.sort", description: "Sort", keys: [.character("s")], group: "Table", scope: t),
            KeyAction(id: "table.detail", description: "Detail", keys: [.enter], group: "Table", scope: t),
            KeyAction(
                id: "table.down", description: "Down", keys: [.character("j"), .down], group: "Table", scope: t,
                inFooter: false),
            KeyAction(
                id: "table.up", description: "Up", keys: [.character("k"), .up], group: "Table", scope: t,
                inFooter: false),
            KeyAction(
                id: "table.pageDown", description: "Page down", keys: [.pageDown], group: "Table", scope: t,
                inFooter: false),
            KeyAction(
                id: "table.pageUp", description: "Page up", keys: [.pageUp], group: "Table", scope: t, inFooter: false),
            KeyAction(
                id: "table.top", description: "First row", keys: [.character("g"), .home], group: "Table", scope: t,
                inFooter: false),
            KeyAction(
                id: "table.bottom", description: "Last row", keys: [.character("G"), .end], group: "Table", scope: t,
                inFooter: false),
            KeyAction(
                id: "table.reverseSort", description: "Reverse sort", keys: [.character("S")], group: "Table",
                scope: t, inFooter: false),
            KeyAction(
                id: "table.clearFilter", description: "Clear filter", keys: [.escape], group: "Table", scope: t,
                inFooter: false),
        ]
        let f = formScope
        list += [
            KeyAction(
                id: "form.edit", description: "Edit", keys: [.enter, .character("i"), .character("e")], group: "Form",
                scope: f),
            KeyAction(id: "form.validate", description: "Validate", keys: [.character("v")], group: "Form", scope: f),
            KeyAction(
                id: "form.nextField", description: "Next field", keys: [.character("j"), .down], group: "Form",
                scope: f, inFooter: false),
            KeyAction(
                id: "form.prevField", description: "Previous field", keys: [.character("k"), .up], group: "Form",
                scope: f, inFooter: false),
        ]
        let d = dialogScope
        list += [
            KeyAction(
                id: "dialog.prev", description: "Previous button", keys: [.left, .character("h"), .backTab],
                group: "Dialog", scope: d),
            KeyAction(
                id: "dialog.next", description: "Next button", keys: [.right, .character("l"), .tab], group: "Dialog",
                scope: d),
            KeyAction(id: "dialog.activate", description: "Activate", keys: [.enter], group: "Dialog", scope: d),
            KeyAction(id: "dialog.cancel", description: "Cancel", keys: [.escape], group: "Dialog", scope: d),
        ]
        return list
    }

    /// The default bindings (no remapping, read-write).
    public static var defaultKeys: KeyTable {
        do {
            return try KeyTable(actions: actions())
        } catch {
            // The default table is constant data checked by a test; failing here is a programming error.
            preconditionFailure("the gallery's default key table is invalid: \(error)")
        }
    }

    /// Keys of the text editors, which get raw keys (typed text is never remapped).
    static let editingHints = [
        KeyHint(keys: ["Tab"], description: "Next field"), KeyHint(keys: ["Enter"], description: "Validate"),
        KeyHint(keys: ["Esc"], description: "Stop editing"),
    ]

    /// The key-table scope of the current page.
    var pageScope: String {
        switch page {
        case .table: return WidgetGallery.tableScope
        case .form: return WidgetGallery.formScope
        default: return KeyTable.globalScope
        }
    }

    /// Hints for the footer of the current state, from the key table. The footer names only the first
    /// key of each action to stay on one line; the `?` help lists them all.
    var footerHints: [KeyHint] {
        let firstKey = { (h: KeyHint) in
            KeyHint(keys: Array(h.keys.prefix(1)), description: h.description, group: h.group)
        }
        if modal != nil { return keys.helpEntries(scopes: [WidgetGallery.dialogScope]).map(firstKey) }
        if help != nil {
            return [KeyHint(keys: ["j", "k"], description: "Scroll"), KeyHint(keys: ["Esc"], description: "Close")]
        }
        if isEditingForm { return WidgetGallery.editingHints }
        if table.isEditingFilter && page == .table {
            return [KeyHint(keys: ["Enter"], description: "Keep filter"), KeyHint(keys: ["Esc"], description: "Clear")]
        }
        return keys.footerHints(scope: pageScope).map(firstKey)
    }

    /// The first key bound to an action, as shown to the user ("" when unbound or removed).
    func keyName(_ actionID: String) -> String { keys.keys(for: actionID).first?.description ?? "" }

    // MARK: Events

    public mutating func handle(_ event: InputEvent) -> ApplicationCommand {
        switch event {
        case .resize(let s):
            screen = s
            return .redraw
        case .key(let key):
            return handleKey(key)
        }
    }

    private var now: Duration { .seconds(ticks) }

    private mutating func handleKey(_ key: Key) -> ApplicationCommand {
        if var m = modal {
            // The dialog sees only its canonical keys, so remapped bindings drive it like the defaults.
            let canonical: Key
            switch keys.actionID(for: key, in: WidgetGallery.dialogScope) {
            case "dialog.prev": canonical = .left
            case "dialog.next": canonical = .right
            case "dialog.activate": canonical = .enter
            case "dialog.cancel": canonical = .escape
            default: return .none
            }
            switch m.handle(canonical) {
            case .none:
                modal = m
            case .cancelled:
                modal = nil
                toasts.post("\(modalPurpose): cancelled", severity: .info, now: now)
            case .activated(let i):
                modal = nil
                let danger = m.buttons[i].kind == .destructive
                toasts.post("\(modalPurpose): \(m.buttons[i].label)", severity: danger ? .warn : .ok, now: now)
            }
            return .redraw
        }
        if var h = help {
            if keys.actionID(for: key) == "help" {
                help = nil
                return .redraw
            }
            switch h.handle(
                key, screen: Rect(size: screen),
                context: RenderContext(capabilities: Capabilities(colorDepth: .ansi16, unicode: true)))
            {
            case .close: help = nil
            case .scrolled: help = h
            case .none: return .none
            }
            return .redraw
        }
        // Text editors get raw keys: what is typed is text, never an action.
        if page == .form && isEditingForm {
            if key == .escape {
                isEditingForm = false
                return .redraw
            }
            if form.handle(key) { return .redraw }
            if key == .enter {
                submitForm()
                return .redraw
            }
            return .none
        }
        if page == .table && table.isEditingFilter {
            return table.handle(key, pageSize: tablePageSize) ? .redraw : .none
        }
        guard let id = keys.actionID(for: key, in: pageScope) else { return .none }
        if let canonical = WidgetGallery.tableKeys[id] {
            return table.handle(canonical, pageSize: tablePageSize) ? .redraw : .none
        }
        switch id {
        case "table.detail":
            guard let row = table.selectedRow else { return .none }
            modalPurpose = "Job \(row[0])"
            modal = Modal(
                title: "Job \(row[0])",
                message: "Market: \(row[1])\nJob: \(row[2])\nStatus: \(row[3])\nReward: \(row[4])\nAge: \(row[5])",
                buttons: [ModalButton("Close", kind: .cancel)])
        case "table.clearFilter":
            if table.handle(.escape, pageSize: tablePageSize) { return .redraw }
            return dismissToasts()
        case "form.edit": isEditingForm = true
        case "form.validate": submitForm()
        case "form.nextField": form.focus(on: form.focus + 1)
        case "form.prevField": form.focus(on: form.focus - 1)
        case "quit": return .quit
        case "page1", "page2", "page3", "page4":
            guard let n = Int(id.dropFirst(4)), let p = Page(rawValue: n - 1) else { return .none }
            page = p
        case "nextPage": page = Page(rawValue: (page.rawValue + 1) % Page.allCases.count) ?? .overview
        case "prevPage":
            page = Page(rawValue: (page.rawValue + Page.allCases.count - 1) % Page.allCases.count) ?? .overview
        case "help": help = HelpOverlay(hints: keys.helpEntries(), title: "Keys")
        case "dialog":
            modalPurpose = "Refresh"
            modal = Modal.confirm(
                title: "Refresh market data",
                message: "Reload all markets and jobs from the chain? This takes a few seconds.", confirm: "Refresh")
        case "unstake":
            modalPurpose = "Unstake"
            modal = Modal.confirm(
                title: "Unstake 12.5 ETH",
                message:
                    "This sends a transaction that requests unstaking 12.5 ETH from market 3. Jobs in progress keep their stake until they finish.",
                confirm: "Send", dangerous: true)
        case "toast":
            let sev = Severity.allCases[toasts.toasts.count % Severity.allCases.count]
            toasts.post(
                "example \(sev.rawValue) message at tick \(ticks)", severity: sev, now: now, lifetime: .seconds(4))
        case "dismiss":
            return dismissToasts()
        default:
            return .none
        }
        return .redraw
    }

    /// Table actions as the table widget's own keys.
    static let tableKeys: [String: Key] = [
        "table.down": .down, "table.up": .up, "table.pageDown": .pageDown, "table.pageUp": .pageUp,
        "table.top": .home, "table.bottom": .end, "table.filter": .character("/"), "table.sort": .character("s"),
        "table.reverseSort": .character("S"),
    ]

    private mutating func dismissToasts() -> ApplicationCommand {
        guard toasts.current != nil else { return .none }
        toasts.dismissAll()
        return .redraw
    }

    private mutating func submitForm() {
        let errors = form.validateAll()
        if errors.isEmpty {
            toasts.post("form is valid", severity: .ok, now: now)
        } else {
            toasts.post(
                errors.count == 1 ? "1 field needs attention" : "\(errors.count) fields need attention",
                severity: .error, now: now)
        }
    }

    private var tablePageSize: Int { Swift.max(1, Table.dataRows(forHeight: screen.height - 4 - 2)) }

    public mutating func tick() -> ApplicationCommand {
        ticks += 1
        throughput.append(WidgetGallery.walk(throughput.last ?? 50, &random, 0...100))
        latency.append(WidgetGallery.walk(latency.last ?? 20, &random, 0...60))
        if throughput.count > 600 { throughput.removeFirst(throughput.count - 600) }
        if latency.count > 600 { latency.removeFirst(latency.count - 600) }
        gaugeFraction += 0.013
        if gaugeFraction > 1 { gaugeFraction = 0 }
        spinner.advance()
        progressPhase += 1
        toasts.expire(now: now)
        return .redraw
    }

    // MARK: Rendering

    public func render(into frame: inout Frame, context: RenderContext) {
        let all = frame.bounds
        guard !all.isEmpty else { return }
        let parts = Layout.rows(all, [.fixed(1), .proportional(1), .fixed(1), .fixed(1)])
        renderTabs(into: &frame, area: parts[0], context: context)
        switch page {
        case .overview: renderOverview(into: &frame, area: parts[1], context: context)
        case .table: renderTable(into: &frame, area: parts[1], context: context)
        case .form: renderForm(into: &frame, area: parts[1], context: context)
        case .dialogs: renderDialogs(into: &frame, area: parts[1], context: context)
        }
        StatusLine(
            toast: toasts.current,
            idleText: "ui-demo · seed \(seed)\(keys.readOnly ? " · read-only" : "") · press \(keyName("help")) for keys"
        ).render(
            into: &frame, area: parts[2], context: context)
        KeyHintBar(hints: footerHints).render(into: &frame, area: parts[3], context: context)
        if let h = help { h.render(into: &frame, screen: all, context: context) }
        if let m = modal { m.render(into: &frame, screen: all, context: context) }
    }

    private func renderTabs(into frame: inout Frame, area: Rect, context: RenderContext) {
        guard !area.isEmpty else { return }
        frame.write(
            String(repeating: " ", count: area.width), x: area.x, y: area.y, style: context.style(.header), clip: area)
        var x = area.x + frame.write("TerminalKit ", x: area.x, y: area.y, style: context.style(.title), clip: area)
        for p in Page.allCases {
            let active = p == page
            let label = active ? "[\(p.rawValue + 1) \(p.title)]" : " \(p.rawValue + 1) \(p.title) "
            x += frame.write(label, x: x, y: area.y, style: context.style(active ? .selection : .muted), clip: area) + 1
        }
    }

    private func renderOverview(into frame: inout Frame, area: Rect, context: RenderContext) {
        let cols = Layout.columns(area, [.proportional(3), .min(30)])
        let left = Layout.rows(cols[0], [.min(8), .fixed(7)])
        // The box says how much history the chart shows, which is what fits, not all that is kept.
        let chartParts = Layout.rows(Box.inner(left[0]), [.proportional(1), .fixed(1)])
        let shown = chartWidthSeconds(chartParts[0], context)
        Box(title: "Throughput & latency", info: "last \(shown)s", focused: true)
            .render(into: &frame, area: left[0], context: context)
        let chart = LineChart(
            series: [
                ChartSeries(name: "proofs/min", values: throughput, role: .chart1),
                ChartSeries(name: "latency s", values: latency, role: .chart2),
            ],
            yRange: 0...100, unit: "", xLabels: ["-\(shown)s", "now"])
        chart.render(into: &frame, area: chartParts[0], context: context)
        chart.renderLegend(into: &frame, area: chartParts[1], context: context)

        let textInner = Box(title: "Text").render(into: &frame, area: left[1], context: context)
        TextView(
            "Widgets draw into a Frame with roles from the theme. Words wrap at spaces; overlong words like 0x8ba1f109551bD432803012645Ac136ddd64DBA72 break; wide text 証明市場 keeps its columns.",
            alignment: .left
        ).render(into: &frame, area: textInner, context: context)

        let right = Layout.rows(cols[1], [.fixed(7), .fixed(4), .fixed(8), .proportional(1)])
        let gaugeInner = Box(title: "Gauges").render(into: &frame, area: right[0], context: context)
        let g = Layout.rows(gaugeInner, [.fixed(1), .fixed(1), .fixed(1), .fixed(1), .fixed(1)])
        Gauge(label: "Stake  ", fraction: gaugeFraction).render(into: &frame, area: g[0], context: context)
        Gauge(label: "Disk   ", fraction: 0.82, valueText: "82% of 2 TB").render(
            into: &frame, area: g[1], context: context)
        spinner.render(into: &frame, area: g[2], context: context)
        ProgressBar(fraction: Double(progressPhase % 21) / 20, label: "Upload").render(
            into: &frame, area: g[3], context: context)
        ProgressBar(fraction: nil, phase: progressPhase, label: "Probe").render(
            into: &frame, area: g[4], context: context)

        let sparkInner = Box(title: "Sparklines").render(into: &frame, area: right[1], context: context)
        let s = Layout.rows(sparkInner, [.fixed(1), .fixed(1)])
        for (i, (name, values, role)) in [("thr", throughput, Role.chart1), ("lat", latency, Role.chart2)].enumerated()
        where i < s.count {
            let cols = Layout.columns(s[i], [.fixed(4), .proportional(1)])
            frame.write(name, x: cols[0].x, y: cols[0].y, style: context.style(.muted), clip: cols[0])
            Sparkline(values: values, role: role).render(into: &frame, area: cols[1], context: context)
        }

        let barInner = Box(title: "Jobs by market").render(into: &frame, area: right[2], context: context)
        var counts = Array(repeating: 0, count: WidgetGallery.markets.count)
        // Only the first 2,000 rows: enough for a stable picture, cheap on every frame.
        for row in table.rows.prefix(2000) {
            if let i = WidgetGallery.markets.firstIndex(of: row[1]) { counts[i] += 1 }
        }
        let bars = zip(WidgetGallery.markets, counts).enumerated().map { i, mc in
            Bar(
                label: mc.0, value: Double(mc.1), valueText: String(mc.1),
                role: [Role.chart1, .chart2, .chart3, .chart4][i % 4])
        }
        BarChart(bars: bars, orientation: .horizontal).render(into: &frame, area: barInner, context: context)
        if right[3].height >= 5 {
            let queueInner = Box(title: "Queue depth").render(into: &frame, area: right[3], context: context)
            queueBars.render(into: &frame, area: queueInner, context: context)
        }
    }

    private var queueBars: BarChart {
        let bars = (0..<6).map { i in
            Bar(
                label: "m\(i + 1)", value: Double((i * 7 + ticks) % 10 + 1),
                valueText: String((i * 7 + ticks) % 10 + 1),
                role: [Role.chart1, .chart2, .chart3, .chart4][i % 4])
        }
        return BarChart(bars: bars, orientation: .vertical, maximum: 10)
    }

    private func chartWidthSeconds(_ area: Rect, _ context: RenderContext) -> Int {
        let perCell = LineChart.samplesPerCell(ChartStyle.best(for: context.glyphs))
        return Swift.min(throughput.count, Swift.max(0, area.width - 4) * perCell)
    }

    private func renderTable(into frame: inout Frame, area: Rect, context: RenderContext) {
        let inner = Box(
            title: "Jobs", info: table.sortColumn.map { "sorted by \(WidgetGallery.columns[$0].title)" } ?? "",
            focused: true
        )
        .render(into: &frame, area: area, context: context)
        table.render(into: &frame, area: inner, context: context)
    }

    private func renderForm(into frame: inout Frame, area: Rect, context: RenderContext) {
        let cols = Layout.columns(area, [.min(44), .proportional(1)])
        let inner = Box(
            title: "Register operator", info: isEditingForm ? "editing" : "Enter to edit", focused: isEditingForm
        )
        .render(into: &frame, area: cols[0], context: context)
        form.render(into: &frame, area: inner.inset(top: 1, left: 1), context: context)
        let side = Box(title: "Values").render(into: &frame, area: cols[1], context: context)
        var y = side.y
        for f in form.fields where y < side.maxY {
            frame.write(
                TextFit.truncate("\(f.id): \(f.value)", to: side.width, ellipsis: context.glyphs.ellipsis), x: side.x,
                y: y, style: context.style(.muted), clip: side)
            y += 1
        }
    }

    /// The dialogs page's explanation, naming the keys as currently bound.
    private var dialogsText: String {
        var parts = ["\(keyName("dialog")) opens a dialog"]
        if keys.contains("unstake") { parts.append(", \(keyName("unstake")) a dangerous one") }
        parts.append(
            " (focus starts on Cancel; \(keyName("dialog.prev"))/\(keyName("dialog.next")) move, \(keyName("dialog.activate")) activates, \(keyName("dialog.cancel")) cancels). \(keyName("toast")) posts a toast that expires after 4 ticks. \(keyName("help")) shows the help generated from the key table.\n\nToasts shown: \(toasts.toasts.count)."
        )
        return parts.joined()
    }

    private func renderDialogs(into frame: inout Frame, area: Rect, context: RenderContext) {
        let rows = Layout.rows(area, [.fixed(8), .fixed(6), .min(6)])
        let inner = Box(title: "Dialogs and messages").render(into: &frame, area: rows[0], context: context)
        TextView(dialogsText, alignment: .left).render(into: &frame, area: inner, context: context)
        let statusInner = Box(title: "Status line severities").render(into: &frame, area: rows[1], context: context)
        let samples = [
            (Severity.info, "new block 21,004,112 cached"), (.ok, "stake confirmed after 3 blocks"),
            (.warn, "gas price above your limit, waiting"), (.error, "RPC timed out after 10 s, retrying"),
        ]
        for (i, sample) in samples.enumerated() where i < statusInner.height {
            let line = Rect(x: statusInner.x, y: statusInner.y + i, width: statusInner.width, height: 1)
            StatusLine(toast: Toast(message: sample.1, severity: sample.0, expires: .zero)).render(
                into: &frame, area: line, context: context)
        }
        let barsInner = Box(title: "Queue depth").render(into: &frame, area: rows[2], context: context)
        queueBars.render(into: &frame, area: barsInner, context: context)
    }
}

extension String {
    fileprivate func leftPadded(_ n: Int, _ c: Character) -> String {
        count >= n ? self : String(repeating: c, count: n - count) + self
    }
}
