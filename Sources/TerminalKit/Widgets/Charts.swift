/// How charts draw their marks, best first; picked from the terminal's glyphs unless overridden.
public enum ChartStyle: Sendable, Hashable {
    /// Braille dots: 2 samples per cell horizontally, 4 dots vertically.
    case braille
    /// Eighth blocks ▁▂▃▄▅▆▇█: 1 sample per cell, 8 levels per cell.
    case block
    /// ASCII marks, one per sample and series (`*`, `+`, `o`, `x`).
    case ascii

    /// The best style the glyph set allows.
    public static func best(for glyphs: Glyphs) -> ChartStyle {
        glyphs.braille ? .braille : (glyphs.blocks ? .block : .ascii)
    }

    /// The style actually used: `requested` but never more than the glyphs allow.
    public static func resolve(_ requested: ChartStyle?, _ glyphs: Glyphs) -> ChartStyle {
        let best = best(for: glyphs)
        guard let r = requested else { return best }
        switch (r, best) {
        case (.braille, .block): return .block
        case (_, .ascii): return .ascii
        default: return r
        }
    }
}

/// One line of a chart: values in order and the theme role it is drawn with.
public struct ChartSeries: Sendable, Hashable {
    public var name: String
    public var values: [Double]
    public var role: Role

    public init(name: String, values: [Double], role: Role = .chart1) {
        self.name = name
        self.values = values
        self.role = role
    }
}

/// Shared number formatting for axes and values.
public enum ChartFormat {
    /// `value` with `decimals` fraction digits, rounded half away from zero, without Foundation.
    public static func number(_ value: Double, decimals: Int = 1) -> String {
        guard value.isFinite else { return value.isNaN ? "NaN" : (value < 0 ? "-inf" : "inf") }
        let d = Swift.max(0, Swift.min(decimals, 9))
        var scale = 1.0
        for _ in 0..<d { scale *= 10 }
        let scaled = (abs(value) * scale).rounded(.toNearestOrAwayFromZero)
        guard scaled < 9e18 else { return value < 0 ? "-huge" : "huge" }
        let n = UInt64(scaled)
        let p = UInt64(scale)
        let intPart = n / p
        var s = String(intPart)
        if d > 0 {
            let frac = String(n % p)
            s += "." + String(repeating: "0", count: d - frac.count) + frac
        }
        return (value < 0 && n != 0 ? "-" : "") + s
    }

    /// Decimals that make a range of `span` readable: more for small spans.
    public static func decimals(forSpan span: Double) -> Int {
        span >= 100 ? 0 : (span >= 1 ? 1 : (span >= 0.01 ? 3 : 6))
    }
}

/// A line chart of one or more series with a y axis (min/max labels with unit) and x labels.
public struct LineChart: Sendable {
    public var series: [ChartSeries]
    /// Fixed y range; nil: from the data.
    public var yRange: ClosedRange<Double>?
    public var unit: String
    /// Labels spread under the x axis, first at the left, last right-aligned.
    public var xLabels: [String]
    /// Forced drawing style (still limited by the terminal's glyphs); nil: best available.
    public var style: ChartStyle?

    public init(
        series: [ChartSeries], yRange: ClosedRange<Double>? = nil, unit: String = "", xLabels: [String] = [],
        style: ChartStyle? = nil
    ) {
        self.series = series
        self.yRange = yRange
        self.unit = unit
        self.xLabels = xLabels
        self.style = style
    }

    /// Samples per cell horizontally for `style`.
    public static func samplesPerCell(_ style: ChartStyle) -> Int { style == .braille ? 2 : 1 }

    /// The y range drawn: the fixed one, or the data's min…max widened when flat.
    public var effectiveRange: ClosedRange<Double> { effectiveRange(lastSamples: nil) }

    /// Like `effectiveRange`, but from only the last `lastSamples` values of each series (what a
    /// scrolling chart shows), so old spikes that scrolled away do not flatten the visible line.
    public func effectiveRange(lastSamples: Int?) -> ClosedRange<Double> {
        if let r = yRange, r.upperBound > r.lowerBound { return r }
        let all = series.flatMap { s in lastSamples.map { Array(s.values.suffix(Swift.max(0, $0))) } ?? s.values }
            .filter(\.isFinite)
        guard let lo = all.min(), let hi = all.max() else { return 0...1 }
        if hi > lo { return lo...hi }
        let pad = lo == 0 ? 1 : abs(lo) * 0.1
        return (lo - pad)...(hi + pad)
    }

    /// The dot row (0 = bottom) of `value` on a plot `levels` dots tall.
    public static func level(of value: Double, in range: ClosedRange<Double>, levels: Int) -> Int {
        guard levels > 1, range.upperBound > range.lowerBound, value.isFinite else { return 0 }
        let f = (value - range.lowerBound) / (range.upperBound - range.lowerBound)
        let l = Int((f * Double(levels - 1)).rounded())
        return Swift.max(0, Swift.min(levels - 1, l))
    }

    /// Draws axes, labels and the series into `area`.
    public func render(into frame: inout Frame, area: Rect, context: RenderContext) {
        let area = area.intersection(frame.bounds)
        guard !area.isEmpty else { return }
        let g = context.glyphs
        let mode = ChartStyle.resolve(style, g)
        // The plot is at most the area wide, so this covers every sample that can be on screen.
        let range = effectiveRange(lastSamples: area.width * LineChart.samplesPerCell(mode))
        let dec = ChartFormat.decimals(forSpan: range.upperBound - range.lowerBound)
        let u = unit.isEmpty ? "" : " " + context.displayable(unit)
        let top = ChartFormat.number(range.upperBound, decimals: dec) + u
        let bottom = ChartFormat.number(range.lowerBound, decimals: dec) + u
        var labelWidth = Swift.max(DisplayWidth.of(top), DisplayWidth.of(bottom))
        // Axis labels only when they leave room for a plot at least as wide as themselves.
        if labelWidth + 1 > area.width / 2 { labelWidth = 0 }
        let hasXLabels = !xLabels.isEmpty && area.height >= 4
        let hasXAxis = area.height >= 3
        let plotHeight = area.height - (hasXAxis ? 1 : 0) - (hasXLabels ? 1 : 0)
        let axisX = labelWidth > 0 ? area.x + labelWidth : area.x - 1
        let plot = Rect(x: axisX + 1, y: area.y, width: area.maxX - axisX - 1, height: plotHeight)
        let axisStyle = context.style(.muted)
        if labelWidth > 0 {
            for y in area.y..<(area.y + plotHeight) {
                frame.write(String(g.vertical), x: axisX, y: y, style: axisStyle, clip: area)
            }
            frame.write(
                TextFit.fit(top, width: labelWidth, alignment: .right, ellipsis: ""), x: area.x, y: area.y,
                style: axisStyle, clip: area)
            if plotHeight > 1 {
                frame.write(
                    TextFit.fit(bottom, width: labelWidth, alignment: .right, ellipsis: ""), x: area.x,
                    y: area.y + plotHeight - 1, style: axisStyle, clip: area)
            }
        }
        if hasXAxis {
            let y = area.y + plotHeight
            if labelWidth > 0 { frame.write(String(g.bottomLeft), x: axisX, y: y, style: axisStyle, clip: area) }
            frame.write(
                String(repeating: String(g.horizontal), count: Swift.max(0, plot.width)), x: plot.x, y: y,
                style: axisStyle, clip: area)
        }
        if hasXLabels {
            drawXLabels(into: &frame, y: area.y + plotHeight + 1, plot: plot, clip: area, context: context)
        }
        guard !plot.isEmpty else { return }
        let hasData = series.contains { !$0.values.isEmpty }
        if !hasData {
            let msg = TextFit.truncate("no data", to: plot.width, ellipsis: g.ellipsis)
            frame.write(
                msg, x: plot.x + (plot.width - DisplayWidth.of(msg)) / 2, y: plot.y + plot.height / 2, style: axisStyle,
                clip: plot)
            return
        }
        switch mode {
        case .braille: drawBraille(into: &frame, plot: plot, range: range, context: context)
        case .block: drawBlocks(into: &frame, plot: plot, range: range, context: context)
        case .ascii: drawASCII(into: &frame, plot: plot, range: range, context: context)
        }
    }

    private func drawXLabels(into frame: inout Frame, y: Int, plot: Rect, clip: Rect, context: RenderContext) {
        let n = xLabels.count
        let style = context.style(.muted)
        var nextFree = plot.x
        for (i, raw) in xLabels.enumerated() {
            let label = context.displayable(raw)
            let w = DisplayWidth.of(label)
            var x: Int
            if n == 1 || i == 0 {
                x = plot.x
            } else if i == n - 1 {
                x = plot.maxX - w
            } else {
                x = plot.x + (plot.width - 1) * i / (n - 1) - w / 2
            }
            x = Swift.max(x, nextFree)
            guard x + w <= plot.maxX else { continue }  // labels that would overlap are left out
            frame.write(label, x: x, y: y, style: style, clip: clip)
            nextFree = x + w + 1
        }
    }

    /// The last `count` values of `values` (most recent at the right when the chart scrolls).
    private static func visible(_ values: [Double], _ count: Int) -> ArraySlice<Double> {
        values.suffix(Swift.max(0, count))
    }

    private func drawBraille(into frame: inout Frame, plot: Rect, range: ClosedRange<Double>, context: RenderContext) {
        let dotsX = plot.width * 2, dotsY = plot.height * 4
        var bits = Array(repeating: UInt8(0), count: plot.width * plot.height)
        var owner = Array(repeating: Role.chart1, count: plot.width * plot.height)
        // Bit of dot (dx 0/1, dy 0...3 from the top) in a braille cell (Unicode braille layout).
        let dotBit: [[UInt8]] = [[0x01, 0x02, 0x04, 0x40], [0x08, 0x10, 0x20, 0x80]]
        for s in series {
            var prev: Int?
            for (i, v) in LineChart.visible(s.values, dotsX).enumerated() {
                guard v.isFinite else {
                    prev = nil
                    continue
                }
                let lvl = LineChart.level(of: v, in: range, levels: dotsY)
                // Join to the previous sample with a vertical run so steep changes stay connected.
                let from = prev.map { p in p < lvl ? Swift.min(p + 1, lvl) : Swift.max(p - 1, lvl) } ?? lvl
                for l in Swift.min(from, lvl)...Swift.max(from, lvl) {
                    let dy = dotsY - 1 - l
                    let cx = i / 2, cy = dy / 4
                    let idx = cy * plot.width + cx
                    bits[idx] |= dotBit[i % 2][dy % 4]
                    owner[idx] = s.role
                }
                prev = lvl
            }
        }
        for cy in 0..<plot.height {
            for cx in 0..<plot.width {
                let b = bits[cy * plot.width + cx]
                guard b != 0, let scalar = Unicode.Scalar(0x2800 + UInt32(b)) else { continue }
                frame[plot.x + cx, plot.y + cy] = Cell(
                    Character(scalar), style: context.style(owner[cy * plot.width + cx]))
            }
        }
    }

    /// Eighth blocks from one eighth to full.
    static let eighths: [Character] = ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]

    private func drawBlocks(into frame: inout Frame, plot: Rect, range: ClosedRange<Double>, context: RenderContext) {
        let levels = plot.height * 8
        // Area chart: full blocks under the value, an eighth block on top; later series overdraw earlier.
        for s in series {
            let st = context.style(s.role)
            for (i, v) in LineChart.visible(s.values, plot.width).enumerated() where v.isFinite {
                let lvl = LineChart.level(of: v, in: range, levels: levels + 1)  // 0 = empty column
                for cy in 0..<plot.height {
                    let cellBase = (plot.height - 1 - cy) * 8
                    let fill = lvl - cellBase
                    guard fill > 0 else { continue }
                    let ch = LineChart.eighths[Swift.min(8, fill) - 1]
                    frame[plot.x + i, plot.y + cy] = Cell(ch, style: st)
                }
            }
        }
    }

    /// ASCII marks per series, so series differ by shape and not only by colour.
    static let asciiMarks: [Character] = ["*", "+", "o", "x"]

    private func drawASCII(into frame: inout Frame, plot: Rect, range: ClosedRange<Double>, context: RenderContext) {
        for (n, s) in series.enumerated() {
            let mark = LineChart.asciiMarks[n % LineChart.asciiMarks.count]
            let st = context.style(s.role)
            for (i, v) in LineChart.visible(s.values, plot.width).enumerated() where v.isFinite {
                let lvl = LineChart.level(of: v, in: range, levels: plot.height)
                frame[plot.x + i, plot.y + plot.height - 1 - lvl] = Cell(mark, style: st)
            }
        }
    }

    /// A one-line legend: a mark and the name of each series in its role.
    public func renderLegend(into frame: inout Frame, area: Rect, context: RenderContext) {
        let area = area.intersection(frame.bounds)
        guard !area.isEmpty else { return }
        let mode = ChartStyle.resolve(style, context.glyphs)
        var x = area.x
        for (n, s) in series.enumerated() {
            let mark = mode == .ascii ? String(LineChart.asciiMarks[n % 4]) : String(context.glyphs.blockFull)
            x += frame.write(mark, x: x, y: area.y, style: context.style(s.role), clip: area)
            x += frame.write(
                " " + context.displayable(s.name) + "  ", x: x, y: area.y, style: context.style(.text), clip: area)
        }
    }
}

/// A one-row sparkline of the most recent values (blocks, or an ASCII ramp).
public struct Sparkline: Sendable {
    public var values: [Double]
    public var range: ClosedRange<Double>?
    public var role: Role

    public init(values: [Double], range: ClosedRange<Double>? = nil, role: Role = .chart1) {
        self.values = values
        self.range = range
        self.role = role
    }

    static let asciiRamp: [Character] = ["_", ".", "-", "~", "=", "+", "*", "#"]

    public func render(into frame: inout Frame, area: Rect, context: RenderContext) {
        let area = area.intersection(frame.bounds)
        guard !area.isEmpty else { return }
        let shown = values.suffix(area.width)
        let finite = shown.filter(\.isFinite)
        let r: ClosedRange<Double>
        if let fixed = range, fixed.upperBound > fixed.lowerBound {
            r = fixed
        } else if let lo = finite.min(), let hi = finite.max(), hi > lo {
            r = lo...hi
        } else {
            r = (finite.first ?? 0) - 1...(finite.first ?? 0) + 1
        }
        let ramp = context.glyphs.blocks ? LineChart.eighths : Sparkline.asciiRamp
        let st = context.style(role)
        for (i, v) in shown.enumerated() {
            let ch: Character = v.isFinite ? ramp[LineChart.level(of: v, in: r, levels: ramp.count)] : " "
            frame[area.x + i, area.maxY - 1] = Cell(ch, style: st)
        }
    }
}

/// One bar of a `BarChart`.
public struct Bar: Sendable, Hashable {
    public var label: String
    public var value: Double
    /// Text shown beside the bar; nil: the value formatted.
    public var valueText: String?
    public var role: Role

    public init(label: String, value: Double, valueText: String? = nil, role: Role = .chart1) {
        self.label = label
        self.value = value
        self.valueText = valueText
        self.role = role
    }
}

/// Horizontal or vertical bars with labels and values.
public struct BarChart: Sendable {
    public var bars: [Bar]
    public var orientation: Axis
    /// Value of a full bar; nil: the largest value.
    public var maximum: Double?

    public init(bars: [Bar], orientation: Axis = .horizontal, maximum: Double? = nil) {
        self.bars = bars
        self.orientation = orientation
        self.maximum = maximum
    }

    /// Horizontal partial blocks, one eighth to seven eighths.
    static let horizontalEighths: [Character] = ["▏", "▎", "▍", "▌", "▋", "▊", "▉"]

    private var top: Double {
        let m = maximum ?? (bars.map(\.value).filter(\.isFinite).max() ?? 0)
        return m > 0 ? m : 1
    }

    private func text(_ b: Bar) -> String {
        b.valueText ?? ChartFormat.number(b.value, decimals: ChartFormat.decimals(forSpan: top))
    }

    /// Length in eighths of a cell of `value` on a bar `cells` long.
    public static func eighths(_ value: Double, of top: Double, cells: Int) -> Int {
        guard value.isFinite, value > 0, top > 0, cells > 0 else { return 0 }
        return Swift.min(cells * 8, Int((value / top * Double(cells * 8)).rounded()))
    }

    public func render(into frame: inout Frame, area: Rect, context: RenderContext) {
        let area = area.intersection(frame.bounds)
        guard !area.isEmpty, !bars.isEmpty else { return }
        if orientation == .horizontal {
            renderHorizontal(into: &frame, area: area, context: context)
        } else {
            renderVertical(into: &frame, area: area, context: context)
        }
    }

    private func renderHorizontal(into frame: inout Frame, area: Rect, context: RenderContext) {
        let g = context.glyphs
        let labelWidth = Swift.min(
            bars.map { DisplayWidth.of(context.displayable($0.label)) }.max() ?? 0, area.width / 3)
        let valueWidth = Swift.min(bars.map { DisplayWidth.of(text($0)) }.max() ?? 0, area.width / 3)
        let barCells = area.width - labelWidth - valueWidth - (labelWidth > 0 ? 1 : 0) - (valueWidth > 0 ? 1 : 0)
        for (i, b) in bars.prefix(area.height).enumerated() {
            let y = area.y + i
            var x = area.x
            if labelWidth > 0 {
                frame.write(
                    TextFit.fit(context.displayable(b.label), width: labelWidth, ellipsis: g.ellipsis), x: x, y: y,
                    style: context.style(.text), clip: area)
                x += labelWidth + 1
            }
            if barCells > 0 {
                let e = BarChart.eighths(b.value, of: top, cells: barCells)
                var bar: String
                if g.blocks {
                    bar = String(repeating: String(g.blockFull), count: e / 8)
                    if e % 8 > 0 { bar.append(BarChart.horizontalEighths[e % 8 - 1]) }
                } else {
                    bar = String(repeating: "#", count: (e + 4) / 8)
                }
                frame.write(bar, x: x, y: y, style: context.style(b.role), clip: area)
                x += barCells + 1
            }
            if valueWidth > 0 {
                frame.write(
                    TextFit.fit(text(b), width: valueWidth, alignment: .right, ellipsis: g.ellipsis), x: x, y: y,
                    style: context.style(.muted), clip: area)
            }
        }
    }

    private func renderVertical(into frame: inout Frame, area: Rect, context: RenderContext) {
        let g = context.glyphs
        let n = bars.count
        let barWidth = Swift.max(1, Swift.min(8, (area.width + 1) / n - 1))
        let plotHeight = area.height - (area.height >= 3 ? 2 : 0)  // value row above, label row below
        let hasText = area.height >= 3
        for (i, b) in bars.enumerated() {
            let x = area.x + i * (barWidth + 1)
            guard x + barWidth <= area.maxX else { break }
            let e = BarChart.eighths(b.value, of: top, cells: plotHeight)
            let baseY = area.y + (hasText ? 1 : 0) + plotHeight - 1
            let st = context.style(b.role)
            for c in 0..<plotHeight {
                let fill = e - c * 8
                guard fill > 0 else { break }
                let ch: Character = g.blocks ? LineChart.eighths[Swift.min(8, fill) - 1] : (fill >= 4 ? "#" : " ")
                frame.write(String(repeating: String(ch), count: barWidth), x: x, y: baseY - c, style: st, clip: area)
            }
            if hasText {
                let valueY = Swift.max(area.y, baseY - (e + 7) / 8)
                frame.write(
                    TextFit.fit(text(b), width: barWidth, alignment: .center, ellipsis: g.ellipsis), x: x, y: valueY,
                    style: context.style(.muted), clip: area)
                frame.write(
                    TextFit.fit(
                        context.displayable(b.label), width: barWidth, alignment: .center, ellipsis: g.ellipsis), x: x,
                    y: area.maxY - 1, style: context.style(.text), clip: area)
            }
        }
    }
}

/// A one-row gauge: label, bar with fill/empty roles and the percentage in words.
public struct Gauge: Sendable {
    public var label: String
    /// 0…1; clamped.
    public var fraction: Double
    /// Text after the bar; nil: the percentage.
    public var valueText: String?

    public init(label: String, fraction: Double, valueText: String? = nil) {
        self.label = label
        self.fraction = fraction
        self.valueText = valueText
    }

    /// Whole percent shown, rounded down so 99.9 % never reads as done.
    public var percent: Int {
        guard fraction.isFinite else { return 0 }
        return Int((Swift.max(0, Swift.min(1, fraction)) * 100).rounded(.down))
    }

    public func render(into frame: inout Frame, area: Rect, context: RenderContext) {
        let area = area.intersection(frame.bounds)
        guard !area.isEmpty else { return }
        let g = context.glyphs
        let y = area.y
        var x = area.x
        let label = context.displayable(self.label)
        let value = context.displayable(valueText ?? "\(percent)%")
        let valueWidth = DisplayWidth.of(value)
        var labelWidth = DisplayWidth.of(label)
        if labelWidth > 0, labelWidth + 1 + 4 + valueWidth + 1 > area.width {
            labelWidth = Swift.max(0, area.width - valueWidth - 6)
        }
        if labelWidth > 0 {
            x += frame.write(
                TextFit.truncate(label, to: labelWidth, ellipsis: g.ellipsis) + " ", x: x, y: y,
                style: context.style(.text), clip: area)
        }
        let barArea = Rect(
            x: x, y: y, width: area.maxX - x - (valueWidth + 1 <= area.maxX - x - 2 ? valueWidth + 1 : 0), height: 1)
        let f = fraction.isFinite ? Swift.max(0, Swift.min(1, fraction)) : 0
        drawBar(into: &frame, area: barArea, fraction: f, context: context)
        if barArea.maxX + 1 + valueWidth <= area.maxX {
            frame.write(value, x: barArea.maxX + 1, y: y, style: context.style(.text), clip: area)
        }
    }

    /// Draws a fill/empty bar; ASCII as `[###...]`, Unicode with eighth-block precision.
    static func drawBar(into frame: inout Frame, area: Rect, fraction: Double, context: RenderContext) {
        guard area.width > 0 else { return }
        let g = context.glyphs
        let fill = context.style(.gaugeFill), empty = context.style(.gaugeEmpty)
        if g.blocks {
            // Rounded down like the percentage, so an unfinished gauge never looks full.
            let e = Swift.min(area.width * 8, Int((fraction * Double(area.width * 8)).rounded(.down)))
            for i in 0..<area.width {
                let part = e - i * 8
                if part >= 8 {
                    frame[area.x + i, area.y] = Cell(g.blockFull, style: fill)
                } else if part > 0 {
                    frame[area.x + i, area.y] = Cell(BarChart.horizontalEighths[part - 1], style: fill)
                } else {
                    frame[area.x + i, area.y] = Cell(g.shadeLight, style: empty)
                }
            }
        } else {
            guard area.width >= 3 else {
                frame.write(
                    String(repeating: "#", count: Int((fraction * Double(area.width)).rounded())), x: area.x, y: area.y,
                    style: fill, clip: area)
                return
            }
            let inner = area.width - 2
            let n = Swift.min(inner, Int((fraction * Double(inner)).rounded(.down)))
            frame.write("[", x: area.x, y: area.y, style: empty, clip: area)
            frame.write(String(repeating: "#", count: n), x: area.x + 1, y: area.y, style: fill, clip: area)
            frame.write(
                String(repeating: ".", count: inner - n), x: area.x + 1 + n, y: area.y, style: empty, clip: area)
            frame.write("]", x: area.maxX - 1, y: area.y, style: empty, clip: area)
        }
    }
    private func drawBar(into frame: inout Frame, area: Rect, fraction: Double, context: RenderContext) {
        Gauge.drawBar(into: &frame, area: area, fraction: fraction, context: context)
    }
}
