import TerminalKit

/// The gallery's pages drawn from its state.
extension WidgetGallery {

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
            idleText: "ui-demo · seed \(seed)\(keys.readOnly ? " · read-only" : "") · press \(keyName(.help)) for keys"
        ).render(
            into: &frame, area: parts[2], context: context)
        KeyHintBar(hints: footerHints).render(into: &frame, area: parts[3], context: context)
        if let h = help { h.render(into: &frame, screen: all, context: context) }
        if let m = modal { m.render(into: &frame, screen: all, context: context) }
    }

    func renderTabs(into frame: inout Frame, area: Rect, context: RenderContext) {
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

    func renderOverview(into frame: inout Frame, area: Rect, context: RenderContext) {
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

    var queueBars: BarChart {
        let bars = (0..<6).map { i in
            Bar(
                label: "m\(i + 1)", value: Double((i * 7 + ticks) % 10 + 1),
                valueText: String((i * 7 + ticks) % 10 + 1),
                role: [Role.chart1, .chart2, .chart3, .chart4][i % 4])
        }
        return BarChart(bars: bars, orientation: .vertical, maximum: 10)
    }

    func chartWidthSeconds(_ area: Rect, _ context: RenderContext) -> Int {
        let perCell = LineChart.samplesPerCell(ChartStyle.best(for: context.glyphs))
        return Swift.min(throughput.count, Swift.max(0, area.width - 4) * perCell)
    }

    func renderTable(into frame: inout Frame, area: Rect, context: RenderContext) {
        let inner = Box(
            title: "Jobs", info: table.sortColumn.map { "sorted by \(WidgetGallery.columns[$0].title)" } ?? "",
            focused: true
        )
        .render(into: &frame, area: area, context: context)
        table.render(into: &frame, area: inner, context: context)
    }

    func renderForm(into frame: inout Frame, area: Rect, context: RenderContext) {
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
    var dialogsText: String {
        var parts = ["\(keyName(.dialog)) opens a dialog"]
        if keys.contains(Action.unstake.rawValue) { parts.append(", \(keyName(.unstake)) a dangerous one") }
        parts.append(
            " (focus starts on Cancel; \(keyName(.dialogPrev))/\(keyName(.dialogNext)) move, \(keyName(.dialogActivate)) activates, \(keyName(.dialogCancel)) cancels). \(keyName(.toast)) posts a toast that expires after 4 ticks. \(keyName(.help)) shows the help generated from the key table.\n\nToasts shown: \(toasts.toasts.count)."
        )
        return parts.joined()
    }

    func renderDialogs(into frame: inout Frame, area: Rect, context: RenderContext) {
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
