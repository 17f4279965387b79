import ArgumentParser
import Foundation
import TerminalKit
import TerminalKitTesting

/// Terminal engine figures: render + diff time of a full 200×60 frame, and bytes sent to a real
/// pseudo-terminal by CursesTerminal for an idle refresh, a one-row change and a naive full redraw.
struct TerminalBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "terminal", abstract: "Render/diff time and bytes per frame of the terminal engine.")

    @Option(help: "Frames to time.") var iterations = 300
    @Option(help: "Screen width.") var width = 200
    @Option(help: "Screen height.") var height = 60
    @Option(help: "Rows in the table model.") var rows = 10_000

    /// The dashboard-like screen, drawn with the real widgets: a header, a boxed `Table` over a
    /// 10,000-row model (selection, per-column widths, "N of M"), a boxed braille `LineChart` of two
    /// series, and a footer.
    struct Screen {
        var table: Table
        let throughput: [Double]
        let latency: [Double]
        /// The selected row; moving it is what a j/k key press does.
        var selected: Int {
            didSet { table.select(selected) }
        }
        /// Shifts the chart (new data points arriving).
        var phase = 0

        init(rows count: Int) {
            var gen = SplitMix64(seed: 42)
            let states = ["pending", "proving", "done", "failed"]
            var rows: [[String]] = []
            rows.reserveCapacity(count)
            for i in 0..<count {
                let requester: String = "0x" + String(gen.next() % 0xffff_ffff, radix: 16)
                let block: String = String(gen.next() % 10_000)
                let state: String = states[Int(gen.next() % 4)]
                let cents = gen.next() % 100_000
                let reward: String = "\(cents / 100).\(cents % 100 < 10 ? "0" : "")\(cents % 100)"
                rows.append(["job-" + String(i, radix: 16), requester, block, state, reward])
            }
            table = Table(
                columns: [
                    TableColumn("job", width: .fixed(12)), TableColumn("requester", width: .fixed(12)),
                    TableColumn("block", width: .fixed(7), alignment: .right), TableColumn("state", width: .fixed(9)),
                    TableColumn("reward", width: .proportional(1), alignment: .right, sort: .numeric),
                ], rows: rows)
            var a: [Double] = []
            var b: [Double] = []
            for i in 0..<800 {
                let t = Double(i) / 7
                a.append((sin(t) + 1) * 50 + Double(i % 3))
                b.append((cos(t / 3) + 1) * 20 + Double(i % 5))
            }
            throughput = a
            latency = b
            selected = 0
        }

        func render(into f: inout Frame, context: RenderContext) {
            let t = context.theme
            let w = f.width, h = f.height
            f.fill(Rect(x: 0, y: 0, width: w, height: 1), with: Cell(" ", style: t[.header]))
            f.write(
                " Kalypso · mainnet (1)  block 21,004,113  synced 12:03  0xAbC…1234  [RW]", x: 0, y: 0,
                style: t[.header])
            let tableRect = Rect(x: 0, y: 1, width: w * 3 / 5, height: h - 2)
            let chartRect = Rect(x: tableRect.maxX, y: 1, width: w - tableRect.maxX, height: h - 2)
            let tableInner = Box(title: "Jobs", info: table.countText, focused: true)
                .render(into: &f, area: tableRect, context: context)
            table.render(into: &f, area: tableInner, context: context)
            let chartInner = Box(title: "Throughput & latency").render(into: &f, area: chartRect, context: context)
            let visible = chartInner.width * 2
            let window = { (values: [Double]) -> [Double] in
                (0..<visible).map { values[($0 + phase) % values.count] }
            }
            LineChart(
                series: [
                    ChartSeries(name: "proofs/min", values: window(throughput), role: .chart1),
                    ChartSeries(name: "latency s", values: window(latency), role: .chart2),
                ], unit: "", xLabels: ["-10m", "-5m", "now"]
            ).render(into: &f, area: chartInner, context: context)
            f.fill(Rect(x: 0, y: h - 1, width: w, height: 1), with: Cell(" ", style: t[.footer]))
            f.write("j/k move  / filter  Enter open  ? help  q quit", x: 0, y: h - 1, style: t[.footer])
        }
    }

    struct SplitMix64 {
        var state: UInt64
        init(seed: UInt64) { state = seed }
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    func run() throws {
        let size = Size(width: width, height: height)
        let caps = Capabilities(colorDepth: .indexed256, unicode: true)
        let theme = Theme.builtinDefault.adapted(to: caps)
        let ctx = RenderContext(theme: theme, capabilities: caps)
        var screen = Screen(rows: rows)

        // 1. Render + diff time.
        var renderTotal = Duration.zero, diffTotal = Duration.zero, changedCells = 0
        var previous: Frame?
        let clock = ContinuousClock()
        for i in 0..<(iterations + 10) {
            screen.selected = i % rows
            screen.phase = i
            var frame = Frame(size: size)
            let t0 = clock.now
            screen.render(into: &frame, context: ctx)
            let t1 = clock.now
            let runs = FrameDiff.runs(from: previous, to: frame)
            let t2 = clock.now
            if i >= 10 {  // warm-up excluded
                renderTotal += t1 - t0
                diffTotal += t2 - t1
                changedCells += runs.reduce(0) { $0 + $1.cells.count }
            }
            previous = frame
        }
        func ms(_ d: Duration) -> Double {
            Double(d.components.seconds) * 1000 + Double(d.components.attoseconds) / 1e15
        }
        let renderMs = ms(renderTotal) / Double(iterations), diffMs = ms(diffTotal) / Double(iterations)
        print("terminal engine benchmark (\(width)×\(height), table of \(rows) rows + braille chart)")
        print(
            String(
                format:
                    "render full frame: %.3f ms   diff against previous: %.3f ms   render+diff: %.3f ms  (mean of %d frames, selection moving; %d changed cells/frame)",
                renderMs, diffMs, renderMs + diffMs, iterations, changedCells / max(1, iterations)))

        // 2. Bytes through a pseudo-terminal.
        let pty = try PseudoTerminal(size: size)
        var env = ProcessInfo.processInfo.environment
        env["NO_COLOR"] = nil
        let term = try CursesTerminal(
            CursesConfiguration(term: "xterm-256color", output: pty.output, input: pty.input, environment: env))
        defer {
            term.shutdown()
            pty.close()
        }
        let cursesCtx = RenderContext(
            theme: Theme.builtinDefault.adapted(to: term.capabilities), capabilities: term.capabilities)
        screen.selected = 5
        var frame = Frame(size: size)
        screen.render(into: &frame, context: cursesCtx)
        // The runtime's diff-keeping screen over the real terminal, as the console uses it.
        let display = TerminalKit.Screen(terminal: term)
        var mark = pty.settle()
        try display.present(frame)
        var now = pty.settle()
        let firstBytes = now - mark
        mark = now

        try display.present(frame)
        now = pty.settle()
        let idleBytes = now - mark
        mark = now

        var oneRow = frame
        oneRow.write("job-zzzz     0xdeadbeef   12345   done      99.99", x: 0, y: 30, style: cursesCtx.theme[.text])
        try display.present(oneRow)
        now = pty.settle()
        let oneRowBytes = now - mark
        let oneRowCells = term.lastStats.cells
        mark = now

        var wholeRow = oneRow
        wholeRow.write(
            String(repeating: "0123456789", count: width / 10 + 1), x: 0, y: 31, style: cursesCtx.theme[.text])
        try display.present(wholeRow)
        now = pty.settle()
        let wholeRowBytes = now - mark
        let wholeRowCells = term.lastStats.cells
        mark = now

        screen.selected = 6
        var moved = Frame(size: size)
        screen.render(into: &moved, context: cursesCtx)
        try display.present(moved)
        now = pty.settle()
        let moveBytes = now - mark
        mark = now

        var naiveWriter = AnsiEncoder(depth: term.capabilities.colorDepth)
        let everyCell =
            naiveWriter.encode(
                FrameDiff.runs(from: nil, to: moved).map { run in
                    CellRun(x: run.x, y: run.y, cells: run.cells.map { $0.adapted(to: term.capabilities) })
                }
            ).count + 4  // + "\e[2J"
        term.drawFullRedraw(moved)
        now = pty.settle()
        let naiveBytes = now - mark
        mark = now

        print("bytes to the terminal (CursesTerminal on a pty, TERM=xterm-256color, counted on the master side):")
        print("  first frame (full draw):          \(firstBytes)")
        print("  idle refresh (same frame):        \(idleBytes)")
        print("  one-row change (\(oneRowCells) cells):      \(oneRowBytes)")
        print("  whole row rewritten (\(wholeRowCells) cells):  \(wholeRowBytes)")
        print("  selection moved one row:          \(moveBytes)")
        screen.phase += 1
        var shifted = Frame(size: size)
        screen.render(into: &shifted, context: cursesCtx)
        try display.present(shifted)
        let chartBytes = pty.settle() - mark
        mark += chartBytes
        print("  chart shifted by one point:       \(chartBytes)")
        print("  naive full redraw through curses (clear + redraw everything): \(naiveBytes)")
        print("  naive writer sending every cell (clear + CUP per row + SGR + text, no curses): \(everyCell)")
        print(
            String(
                format: "  ratio curses full redraw / whole-row change: %.1f×   / one-row change: %.1f×",
                Double(naiveBytes) / Double(max(1, wholeRowBytes)), Double(naiveBytes) / Double(max(1, oneRowBytes))))
        print(
            String(
                format: "  ratio every-cell writer / whole-row change:  %.1f×",
                Double(everyCell) / Double(max(1, wholeRowBytes))))
        print(
            "  ratio naive / idle:               \(idleBytes == 0 ? "∞ (idle sends 0 bytes)" : String(format: "%.1f×", Double(naiveBytes) / Double(idleBytes)))"
        )
    }
}
