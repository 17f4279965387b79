import TerminalKitTesting
import TestSupport
import Testing

@testable import TerminalKit

@Suite struct ChartTests {
    static let suite = "Charts"

    /// Braille cells of a 1×1 plot (no axes: area too small for labels) for one series.
    static func brailleCell(_ values: [Double], range: ClosedRange<Double>) -> Character {
        var f = Frame(width: 1, height: 1)
        LineChart(series: [ChartSeries(name: "s", values: values)], yRange: range).render(
            into: &f, area: f.bounds, context: W.unicode)
        return f[0, 0].character
    }

    @Test func brailleMapsTwoSamplesPerCellAndFourDotsHigh() {
        // Unicode braille patterns (U+2800 + dot bits): dot 7 = 0x40 (left, bottom), dot 1 = 0x01 (left, top),
        // dot 4 = 0x08 (right, top), dot 8 = 0x80 (right, bottom).
        #expect(Self.brailleCell([0], range: 0...1) == "\u{2840}")
        #expect(Self.brailleCell([1], range: 0...1) == "\u{2801}")
        #expect(Self.brailleCell([0, 0], range: 0...1) == "\u{28C0}")
        // A rise from bottom-left to top-right is joined in the right column: dots 7 + 4,5,6.
        #expect(Self.brailleCell([0, 1], range: 0...1) == "\u{2878}")
        // Only the last two samples fit in one cell.
        #expect(Self.brailleCell([1, 1, 1, 0, 0], range: 0...1) == "\u{28C0}")
    }

    @Test func levelsAndRange() {
        #expect(LineChart.level(of: 5, in: 0...10, levels: 3) == 1)
        #expect(LineChart.level(of: -5, in: 0...10, levels: 8) == 0)
        #expect(LineChart.level(of: 50, in: 0...10, levels: 8) == 7)
        #expect(LineChart.level(of: .nan, in: 0...10, levels: 8) == 0)
        #expect(LineChart(series: [ChartSeries(name: "a", values: [3, 3])]).effectiveRange == 2.7...3.3)
        #expect(LineChart(series: []).effectiveRange == 0...1)
        let scrolled = LineChart(series: [ChartSeries(name: "a", values: [1000, 1, 2, 4])])
        #expect(scrolled.effectiveRange == 1...1000)
        #expect(scrolled.effectiveRange(lastSamples: 3) == 1...4)
        #expect(LineChart.samplesPerCell(.braille) == 2)
        #expect(ChartStyle.resolve(.braille, .ascii) == .ascii)
        #expect(ChartStyle.resolve(nil, .unicode) == .braille)
        #expect(ChartStyle.resolve(.block, .unicode) == .block)
    }

    @Test func numberFormatting() {
        #expect(ChartFormat.number(2.25, decimals: 1) == "2.3")  // half away from zero
        #expect(ChartFormat.number(-0.04, decimals: 1) == "0.0")
        #expect(ChartFormat.number(-1.5, decimals: 0) == "-2")
        #expect(
            ChartFormat.number(12.345, decimals: 2) == "12.35" || ChartFormat.number(12.345, decimals: 2) == "12.34")
        #expect(ChartFormat.number(1e30) == "huge")
    }

    static let twoSeries = [
        ChartSeries(
            name: "rate", values: [0, 2, 4, 6, 8, 10, 8, 6, 4, 2, 0, 1, 3, 5, 7, 9, 10, 10, 9, 8], role: .chart1),
        ChartSeries(name: "base", values: [5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5], role: .chart2),
    ]

    @Test func lineChartSnapshots() throws {
        for (name, ctx, style) in [
            ("braille", W.unicode, ChartStyle?.none), ("block", W.unicode, .block), ("ascii", W.ascii, nil),
        ] {
            let chart = LineChart(
                series: Self.twoSeries, yRange: 0...10, unit: "s", xLabels: ["-20s", "-10s", "now"], style: style)
            let f = W.frame(30, 8) { f in
                chart.render(into: &f, area: Rect(x: 0, y: 0, width: 30, height: 7), context: ctx)
                chart.renderLegend(into: &f, area: Rect(x: 0, y: 7, width: 30, height: 1), context: ctx)
            }
            if ctx.capabilities.unicode == false { #expect(W.isASCII(f)) }
            try Snapshot.check(W.dump(f), named: "line-\(name)-30x8", suite: Self.suite)
        }
    }

    @Test func lineChartEmptySingleAndTiny() throws {
        var out = ""
        let cases: [(String, [ChartSeries])] = [
            ("empty", []), ("empty-series", [ChartSeries(name: "x", values: [])]),
            ("single", [ChartSeries(name: "x", values: [42])]),
            ("nan", [ChartSeries(name: "x", values: [.nan, 1, .infinity, 2])]),
        ]
        for (name, series) in cases {
            for ctx in [W.unicode, W.ascii] {
                let f = W.frame(16, 5) { f in
                    LineChart(series: series, unit: "ETH", xLabels: ["a", "b"]).render(
                        into: &f, area: f.bounds, context: ctx)
                }
                out += "\(name) \(ctx.capabilities.unicode ? "unicode" : "ascii"):\n" + f.text() + "\n"
            }
        }
        for (w, h) in [(0, 0), (1, 1), (2, 1), (3, 2), (5, 3)] {
            let f = W.frame(w, h) { f in
                LineChart(series: Self.twoSeries, unit: "s", xLabels: ["x"]).render(
                    into: &f, area: f.bounds, context: W.unicode)
            }
            out += "\(w)x\(h):\n" + f.text() + "\n"
        }
        try Snapshot.check(out, named: "line-edge-cases", suite: Self.suite)
    }

    @Test func sparklineGaugeAndBars() throws {
        let values: [Double] = [1, 2, 3, 4, 5, 6, 7, 8, 7, 6, 5, 4, 3, 2, 1, 0]
        for ctx in [W.unicode, W.ascii] {
            let f = W.frame(24, 14) { f in
                Sparkline(values: values).render(into: &f, area: Rect(x: 0, y: 0, width: 24, height: 1), context: ctx)
                Sparkline(values: values).render(into: &f, area: Rect(x: 0, y: 1, width: 5, height: 1), context: ctx)
                Gauge(label: "Stake", fraction: 0.4567).render(
                    into: &f, area: Rect(x: 0, y: 2, width: 24, height: 1), context: ctx)
                Gauge(label: "Stake", fraction: 1.7).render(
                    into: &f, area: Rect(x: 0, y: 3, width: 12, height: 1), context: ctx)
                Gauge(label: "", fraction: 0.999).render(
                    into: &f, area: Rect(x: 0, y: 4, width: 10, height: 1), context: ctx)
                BarChart(bars: [
                    Bar(label: "alpha", value: 10), Bar(label: "beta", value: 3.5, role: .chart2),
                    Bar(label: "gamma", value: 0, valueText: "none"),
                ]).render(into: &f, area: Rect(x: 0, y: 5, width: 24, height: 3), context: ctx)
                BarChart(
                    bars: [
                        Bar(label: "a", value: 4), Bar(label: "bb", value: 8, role: .chart2), Bar(label: "c", value: 1),
                    ], orientation: .vertical
                )
                .render(into: &f, area: Rect(x: 0, y: 8, width: 24, height: 6), context: ctx)
            }
            if !ctx.capabilities.unicode { #expect(W.isASCII(f)) }
            try Snapshot.check(
                W.dump(f), named: "small-charts-\(ctx.capabilities.unicode ? "unicode" : "ascii")", suite: Self.suite)
        }
        #expect(Gauge(label: "", fraction: 0.999).percent == 99)
        #expect(Gauge(label: "", fraction: .nan).percent == 0)
        #expect(BarChart.eighths(5, of: 10, cells: 3) == 12)
    }

    @Test func smallChartsAtTinySizes() {
        for (w, h) in [(0, 0), (1, 1), (2, 1), (3, 3)] {
            for ctx in [W.unicode, W.ascii] {
                var f = Frame(width: w, height: h)
                Sparkline(values: []).render(into: &f, area: f.bounds, context: ctx)
                Sparkline(values: [.nan, 1]).render(into: &f, area: f.bounds, context: ctx)
                Gauge(label: "label", fraction: 0.5).render(into: &f, area: f.bounds, context: ctx)
                BarChart(bars: []).render(into: &f, area: f.bounds, context: ctx)
                BarChart(bars: [Bar(label: "x", value: .infinity)], orientation: .vertical).render(
                    into: &f, area: f.bounds, context: ctx)
                BarChart(bars: [Bar(label: "x", value: -3)]).render(into: &f, area: f.bounds, context: ctx)
                if !ctx.capabilities.unicode { #expect(W.isASCII(f)) }
            }
        }
    }
}
