import Foundation
import TerminalKitTesting
import TestSupport
import Testing

@testable import TerminalKit

/// Every widget on one board, presented through `VirtualTerminal` at each colour depth of the ladder and
/// in ASCII, with the shipped dark theme reduced for that depth: the styled snapshot shows what the
/// terminal layer would really send (colours reduced, monochrome meaning moved into attributes).
@Suite struct WidgetBoardDepthTests {
    static let darkTheme: ThemeDefinition = {
        do {
            return try ThemeFile.load(path: RepoPaths.path("themes/dark.json"))
        } catch {
            fatalError("themes/dark.json does not load: \(error)")
        }
    }()

    /// Draws box, table, line chart, bar chart, sparkline, gauge, text, form, progress, spinner, status
    /// line, footer hints and a modal dialog (on top) into one frame.
    static func board(size: Size, context: RenderContext) -> Frame {
        var f = Frame(size: size)
        let all = f.bounds
        let rows = Layout.rows(all, [.proportional(1), .proportional(1), .fixed(1), .fixed(1)])
        let top = Layout.columns(rows[0], [.proportional(1), .proportional(1)])
        let bottom = Layout.columns(rows[1], [.proportional(1), .proportional(1)])

        var table = Table(
            columns: [
                TableColumn("#", width: .fixed(3), alignment: .right), TableColumn("market", width: .proportional(1)),
                TableColumn("reward", width: .fixed(8), alignment: .right, sort: .numeric),
            ],
            rows: (1...40).map { ["\($0)", ["zkEVM", "SP1 rollup", "RISC Zero"][$0 % 3], "\($0 * 7 % 23).5"] })
        table.sort(by: 2, ascending: false)
        table.select(1)
        let tableArea = Box(title: "Jobs", info: table.countText, focused: true)
            .render(into: &f, area: top[0], context: context)
        table.render(into: &f, area: tableArea, context: context)

        let chartArea = Box(title: "Proofs").render(into: &f, area: top[1], context: context)
        let charts = Layout.rows(chartArea, [.proportional(2), .fixed(1), .fixed(1)])
        let values = (0..<60).map { sin(Double($0) / 6) * 40 + 50 }
        LineChart(
            series: [
                ChartSeries(name: "proofs", values: values, role: .chart1),
                ChartSeries(name: "misses", values: values.map { 100 - $0 }, role: .chart2),
            ], yRange: 0...100, unit: "/h", xLabels: ["-1h", "now"]
        ).render(into: &f, area: charts[0], context: context)
        Sparkline(values: values, role: .chart3).render(into: &f, area: charts[1], context: context)
        Gauge(label: "Stake", fraction: 0.42).render(into: &f, area: charts[2], context: context)

        let left = Box(title: "Form").render(into: &f, area: bottom[0], context: context)
        var form = Form(fields: [
            .text(
                TextField(
                    id: "amount", label: "Amount", kind: .number(unit: "ETH", minimum: "0", maximum: "10", decimals: 4))
            ),
            .text(TextField(id: "reward", label: "Reward", placeholder: "0x…", kind: .rule(W.hexTag), required: true)),
            .choice(ChoiceField(id: "market", label: "Market", options: ["1 zkEVM", "2 SP1"])),
            .toggle(ToggleField(id: "auto", label: "Auto", isOn: true)),
        ])
        _ = form.validateAll()
        form.render(into: &f, area: left, context: context)

        let right = Box(title: "Status").render(into: &f, area: bottom[1], context: context)
        let parts = Layout.rows(right, [.fixed(2), .fixed(1), .fixed(1), .proportional(1)])
        BarChart(bars: [Bar(label: "m1", value: 3), Bar(label: "m2", value: 7, role: .chart2)])
            .render(into: &f, area: parts[0], context: context)
        ProgressBar(fraction: 0.6, label: "sync").render(into: &f, area: parts[1], context: context)
        Spinner(label: "waiting for receipt", phase: 2).render(into: &f, area: parts[2], context: context)
        TextView("Nothing here relies on colour alone.").render(into: &f, area: parts[3], context: context)

        var toasts = ToastCenter()
        toasts.post("stake confirmed", severity: .ok, now: .zero)
        StatusLine(toast: toasts.current).render(into: &f, area: rows[2], context: context)
        KeyHintBar(hints: [
            KeyHint(keys: ["q"], description: "Quit"), KeyHint(keys: ["?"], description: "Help"),
            KeyHint(keys: ["/"], description: "Filter"),
        ]).render(into: &f, area: rows[3], context: context)

        Modal.confirm(title: "Leave market 3", message: "Request exit from market 3?", confirm: "Send", dangerous: true)
            .render(into: &f, screen: all, context: context)
        return f
    }

    static let depths: [(String, ColorDepth)] = [
        ("truecolor", .trueColor), ("256", .indexed256), ("16", .ansi16), ("8", .ansi8), ("monochrome", .monochrome),
    ]

    static func present(size: Size, caps: Capabilities) throws -> VirtualTerminal {
        let theme = darkTheme.theme(for: caps)
        let term = VirtualTerminal(size: size, capabilities: caps)
        try Screen(terminal: term).present(board(size: size, context: RenderContext(theme: theme, capabilities: caps)))
        return term
    }

    @Test(arguments: [Size(width: 100, height: 30), Size(width: 72, height: 24)])
    func everyDepthOfTheLadder(size: Size) throws {
        for (name, depth) in Self.depths {
            let term = try Self.present(size: size, caps: Capabilities(colorDepth: depth, unicode: true))
            try Snapshot.check(
                StyleDump.dump(term.screen), named: "board-\(size.width)x\(size.height)-\(name)", suite: "WidgetBoard")
        }
    }

    @Test(arguments: [Size(width: 100, height: 30), Size(width: 72, height: 24), Size(width: 40, height: 12)])
    func asciiMode(size: Size) throws {
        let term = try Self.present(size: size, caps: Capabilities(colorDepth: .ansi16, unicode: false))
        let text = term.text()
        #expect(text.unicodeScalars.allSatisfy { $0.isASCII })
        try Snapshot.check(
            StyleDump.dump(term.screen), named: "board-\(size.width)x\(size.height)-ascii", suite: "WidgetBoard")
    }

    /// Below the ladder's top, no colour the terminal cannot show reaches the screen, and monochrome has
    /// no colour at all while selection and focus stay visible through attributes.
    @Test func reducedColoursStayWithinTheDepth() throws {
        let size = Size(width: 100, height: 30)
        for (_, depth) in Self.depths {
            let term = try Self.present(size: size, caps: Capabilities(colorDepth: depth, unicode: true))
            let screen = term.screen
            for y in 0..<size.height {
                for x in 0..<size.width {
                    for color in [screen[x, y].style.foreground, screen[x, y].style.background] {
                        switch (depth, color) {
                        case (_, .default): break
                        case (.trueColor, _): break
                        case (.indexed256, .indexed), (.indexed256, .ansi): break
                        case (.ansi16, .ansi(let n)): #expect(n < 16)
                        case (.ansi8, .ansi(let n)): #expect(n < 8)
                        default: Issue.record("\(color) at \(x),\(y) cannot be shown at \(depth)")
                        }
                    }
                }
            }
            if depth == .monochrome {
                let reversed = screen.cells.contains { $0.style.attributes.contains(.reverse) }
                #expect(reversed, "selection must stay visible (reverse) without colour")
            }
        }
    }
}
