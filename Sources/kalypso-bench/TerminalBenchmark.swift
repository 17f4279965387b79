import ArgumentParser
import Foundation
import TerminalKit

/// Terminal engine figures: render + diff time of a full 200×60 frame, and bytes sent to a real
/// pseudo-terminal by CursesTerminal for an idle refresh, a one-row change and a naive full redraw.
struct TerminalBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "terminal", abstract: "Render/diff time and bytes per frame of the terminal engine.")

    @Option(help: "Frames to time.") var iterations = 300
    @Option(help: "Screen width.") var width = 200
    @Option(help: "Screen height.") var height = 60
    @Option(help: "Rows in the table model.") var rows = 10_000

    /// The dashboard-like screen: a header, a 10,000-row table window with selection, and a chart.
    struct Screen {
        let rows: [[String]]
        let series: [Double]
        var selected: Int
        /// Shifts the chart (new data points arriving).
        var phase = 0
        var tableHeight: Int

        init(rows count: Int) {
            var gen = SplitMix64(seed: 42)
            let states = ["pending", "proving", "done", "failed"]
            var table: [[String]] = []
            table.reserveCapacity(count)
            for i in 0..<count {
                let requester: String = "0x" + String(gen.next() % 0xffff_ffff, radix: 16)
                let block: String = String(gen.next() % 10_000)
                let state: String = states[Int(gen.next() % 4)]
                let reward: String = String(Double(gen.next() % 100_000) / 100)
                table.append(["job-" + String(i, radix: 16), requester, block, state, reward])
            }
            rows = table
            var values: [Double] = []
            for i in 0..<400 {
                let t = Double(i) / 7
                values.append((sin(t) + 1) * 50 + Double(i % 3))
            }
            series = values
            selected = 0
            tableHeight = 0
        }

        func render(into f: inout Frame, context: RenderContext) {
            let t = context.theme, g = context.glyphs
            let w = f.width, h = f.height
            f.fill(Rect(x: 0, y: 0, width: w, height: 1), with: Cell(" ", style: t[.header]))
            f.write(
                " Kalypso · mainnet (1)  block 21,004,113  synced 12:03  0xAbC…1234  [RW]", x: 0, y: 0,
                style: t[.header])
            let tableRect = Rect(x: 0, y: 1, width: w * 3 / 5, height: h - 2)
            let chartRect = Rect(x: tableRect.maxX + 1, y: 1, width: w - tableRect.maxX - 1, height: h - 2)
            // Table: header + visible window of the model (the model itself is 10,000 rows).
            let cols = [12, 12, 7, 9, 10]
            var x = tableRect.x
            for (i, name) in ["job", "requester", "block", "state", "reward"].enumerated() {
                f.write(name, x: x, y: tableRect.y, style: t[.header], clip: tableRect)
                x += cols[i] + 1
            }
            let visible = tableRect.height - 2
            let top = max(0, min(selected - visible / 2, rows.count - visible))
            for i in 0..<visible {
                let r = top + i
                guard r < rows.count else { break }
                let y = tableRect.y + 1 + i
                let st = r == selected ? t[.selection] : t[.text]
                if r == selected {
                    f.fill(Rect(x: tableRect.x, y: y, width: tableRect.width, height: 1), with: Cell(" ", style: st))
                }
                var cx = tableRect.x
                for (c, v) in rows[r].enumerated() {
                    let style =
                        c == 3 && r != selected ? t[v == "failed" ? .error : (v == "done" ? .ok : .pending)] : st
                    f.write(v, x: cx, y: y, style: style, clip: Rect(x: cx, y: y, width: cols[c], height: 1))
                    cx += cols[c] + 1
                }
            }
            f.write("\(selected + 1) of \(rows.count)", x: tableRect.x, y: tableRect.maxY - 1, style: t[.muted])
            // Chart: braille line, 2×4 dots per cell.
            let dotsW = chartRect.width * 2, dotsH = chartRect.height * 4
            var grid = [UInt8](repeating: 0, count: max(0, chartRect.width * chartRect.height))
            for dx in 0..<dotsW {
                let v = series[(dx + phase) % series.count]
                let dy = min(dotsH - 1, max(0, dotsH - 1 - Int(v / 103 * Double(dotsH - 1))))
                let cell = (dy / 4) * chartRect.width + dx / 2
                guard cell >= 0, cell < grid.count else { continue }
                let bits: [[UInt8]] = [[0x01, 0x08], [0x02, 0x10], [0x04, 0x20], [0x40, 0x80]]
                grid[cell] |= bits[dy % 4][dx % 2]
            }
            for cy in 0..<chartRect.height {
                for cx in 0..<chartRect.width {
                    let b = grid[cy * chartRect.width + cx]
                    guard b != 0 else { continue }
                    let ch: Character = g.braille ? Character(Unicode.Scalar(0x2800 + UInt32(b)) ?? "?") : "*"
                    f[chartRect.x + cx, chartRect.y + cy] = Cell(ch, style: t[.chart1])
                }
            }
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
        var mark = pty.settle()
        try term.present(frame)
        var now = pty.settle()
        let firstBytes = now - mark
        mark = now

        try term.present(frame)
        now = pty.settle()
        let idleBytes = now - mark
        mark = now

        var oneRow = frame
        oneRow.write("job-zzzz     0xdeadbeef   12345   done      99.99", x: 0, y: 30, style: cursesCtx.theme[.text])
        try term.present(oneRow)
        now = pty.settle()
        let oneRowBytes = now - mark
        let oneRowCells = term.lastStats.cells
        mark = now

        var wholeRow = oneRow
        wholeRow.write(
            String(repeating: "0123456789", count: width / 10 + 1), x: 0, y: 31, style: cursesCtx.theme[.text])
        try term.present(wholeRow)
        now = pty.settle()
        let wholeRowBytes = now - mark
        let wholeRowCells = term.lastStats.cells
        mark = now

        screen.selected = 6
        var moved = Frame(size: size)
        screen.render(into: &moved, context: cursesCtx)
        try term.present(moved)
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
        term.presentFullRedraw(moved)
        now = pty.settle()
        let naiveBytes = now - mark

        print("bytes to the terminal (CursesTerminal on a pty, TERM=xterm-256color, counted on the master side):")
        print("  first frame (full draw):          \(firstBytes)")
        print("  idle refresh (same frame):        \(idleBytes)")
        print("  one-row change (\(oneRowCells) cells):      \(oneRowBytes)")
        print("  whole row rewritten (\(wholeRowCells) cells):  \(wholeRowBytes)")
        print("  selection moved one row:          \(moveBytes)")
        screen.phase += 1
        var shifted = Frame(size: size)
        screen.render(into: &shifted, context: cursesCtx)
        try term.present(shifted)
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
