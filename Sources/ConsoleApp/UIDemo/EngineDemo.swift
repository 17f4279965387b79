import Foundation
import TerminalKit

/// A small application that exercises the terminal engine (keys, resize, themes, a background task,
/// help generated from the key table) without the widget library's tables and forms:
/// `kalypso-console ui-demo --engine` runs it, and the same scenario runs against the virtual terminal
/// in the tests.
public struct EngineDemo: TerminalApplication {
    public enum Message: Sendable { case serviceReady(String) }

    /// What a key can do in the demo; the raw value is the id `--keys` remaps.
    public enum Action: String, CaseIterable, Sendable {
        case quit, help, down, up, pageDown, pageUp, top, bottom, close, copy, send
    }

    public static func actions() -> [KeyAction] {
        [
            KeyAction(Action.quit, description: "Quit", keys: [.character("q")], group: "General"),
            KeyAction(Action.help, description: "Help", keys: [.character("?")], group: "General"),
            KeyAction(
                Action.down, description: "Down", keys: [.character("j"), .down], group: "Navigation", inFooter: false),
            KeyAction(
                Action.up, description: "Up", keys: [.character("k"), .up], group: "Navigation", inFooter: false),
            KeyAction(
                Action.pageDown, description: "Page down", keys: [.pageDown, .control("d")], group: "Navigation",
                inFooter: false),
            KeyAction(
                Action.pageUp, description: "Page up", keys: [.pageUp, .control("u")], group: "Navigation",
                inFooter: false),
            KeyAction(
                Action.top, description: "First row", keys: [.character("g"), .home], group: "Navigation",
                inFooter: false),
            KeyAction(
                Action.bottom, description: "Last row", keys: [.character("G"), .end], group: "Navigation",
                inFooter: false),
            KeyAction(Action.close, description: "Close", keys: [.escape], group: "General", inFooter: false),
            KeyAction(Action.copy, description: "Copy row", keys: [.character("y")], group: "General"),
            KeyAction(
                Action.send, description: "Send test transaction", keys: [.character("s")], group: "Chain",
                dangerous: true),
        ]
    }

    /// The stand-in background service: it answers after `delay`, or not at all when cancelled.
    public static func service(delay: Duration) -> @Sendable () async -> Message {
        {
            do {
                try await Task.sleep(for: delay)
                return .serviceReady("ready")
            } catch {
                return .serviceReady("cancelled")
            }
        }
    }

    let keys: KeyTable
    let themeName: String
    let startService: @Sendable () async -> Message
    let rows = 500
    var selected = 0
    var top = 0
    var lastKey = "none"
    var resizes = 0
    var showHelp = false
    var service = "waiting"
    var sent = 0
    var size = Size(width: 0, height: 0)

    /// - Parameter service: the background service started with the first frame (tests pass their own).
    public init(
        keys: KeyTable, themeName: String,
        service: @escaping @Sendable () async -> Message = EngineDemo.service(delay: .milliseconds(150))
    ) {
        self.keys = keys
        self.themeName = themeName
        startService = service
    }

    public var minimumSize: Size { Size(width: 40, height: 12) }
    public var tickInterval: Duration? { nil }
    public var quitKeys: [Key] { keys.keys(for: Action.quit.rawValue) }

    public mutating func update(_ event: Event<Message>) -> Command<Message> {
        switch event {
        case .resize(let s):
            let first = size.width == 0 && size.height == 0
            if !first { resizes += 1 }
            size = s
            // The service starts with the screen, through the runtime, which also stops it on quit.
            return first ? [.redraw, .run("service", startService)] : .redraw
        case .tick:
            return .none
        case .message(.serviceReady(let s)):
            service = s
            return .redraw
        case .key(let k):
            lastKey = k.description
            guard let action = keys.action(for: k, as: Action.self) else { return .redraw }
            return perform(action)
        }
    }

    private mutating func perform(_ action: Action) -> Command<Message> {
        let page = max(1, listHeight - 1)
        var command: Command<Message> = .redraw
        switch action {
        case .quit: return .quit
        case .help: showHelp.toggle()
        case .close: showHelp = false
        case .down: selected = min(rows - 1, selected + 1)
        case .up: selected = max(0, selected - 1)
        case .pageDown: selected = min(rows - 1, selected + page)
        case .pageUp: selected = max(0, selected - page)
        case .top: selected = 0
        case .bottom: selected = rows - 1
        case .send: sent += 1
        case .copy: command = [.redraw, .copyToClipboard("row \(selected + 1)")]
        }
        if selected < top { top = selected }
        if selected >= top + listHeight { top = selected - listHeight + 1 }
        return command
    }

    var listHeight: Int { max(1, size.height - 6) }

    public func render(into frame: inout Frame, context: RenderContext) {
        let g = context.glyphs
        let t = context.theme
        let caps = context.capabilities
        let w = frame.width, h = frame.height
        let depth: String
        switch caps.colorDepth {
        case .trueColor: depth = "truecolor"
        case .indexed256: depth = "256 colours"
        case .ansi16: depth = "16 colours"
        case .ansi8: depth = "8 colours"
        case .monochrome: depth = "monochrome"
        }
        let badge = keys.readOnly ? "[RO]" : "[RW]"
        frame.write(
            " TerminalKit demo \(badge)  theme=\(themeName)  \(depth)  \(caps.unicode ? "UTF-8" : "ASCII")", x: 0, y: 0,
            style: t[.title])
        frame.write(
            "size=\(w)x\(h) resizes=\(resizes) key=\(lastKey) service=\(service) sent=\(sent)", x: 1, y: 1,
            style: t[.muted])

        // A bordered list on the left.
        let listW = min(36, w / 2)
        let box = Rect(x: 0, y: 2, width: listW, height: h - 4)
        let inner = Box(
            title: "Rows \(selected + 1) of \(rows)", borderRole: .borderFocused, titleRole: .accent, titleIndent: 2
        ).render(into: &frame, area: box, context: context)
        let visible = max(1, inner.height)
        let start = selected < top ? selected : (selected >= top + visible ? selected - visible + 1 : top)
        for i in 0..<visible {
            let r = start + i
            guard r < rows else { break }
            let st = r == selected ? t[.selection] : t[.text]
            let line = (r == selected ? String(g.arrowRight) + " " : "  ") + "row \(r + 1)"
            frame.fill(Rect(x: inner.x, y: inner.y + i, width: inner.width, height: 1), with: Cell(" ", style: st))
            frame.write(line, x: inner.x, y: inner.y + i, style: st, clip: inner)
        }

        // Role swatches and a chart on the right.
        let rx = listW + 1
        let right = Rect(x: rx, y: 2, width: w - rx, height: h - 4)
        var y = right.y
        let swatches: [(Role, String)] = [
            (.ok, "\(g.check) ok"), (.warn, "! warn"), (.error, "\(g.cross_) error"), (.pending, "~ pending"),
            (.info, "i info"), (.accent, "accent"), (.muted, "muted"), (.selection, "selection"),
        ]
        var x = rx
        for (role, label) in swatches {
            if x + DisplayWidth.of(label) >= right.maxX { x = rx; y += 1 }
            x += frame.write(label, x: x, y: y, style: t[role], clip: right) + 1
        }
        y += 2
        let chartLabel = g.braille ? "chart (braille):" : (g.blocks ? "chart (blocks):" : "chart (ascii):")
        frame.write(chartLabel, x: rx, y: y, style: t[.header], clip: right)
        y += 1
        let braille: [Character] = ["⡀", "⣀", "⣄", "⣤", "⣦", "⣶", "⣷", "⣿"]
        let ascii: [Character] = [".", ".", ":", ":", "+", "+", "#", "#"]
        let blocks: [Character] = ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]
        var spark = ""
        for i in 0..<max(0, right.width) {
            let v = Int((sin(Double(i + selected) / 3.0) + 1) * 3.5)
            spark.append(g.braille ? braille[min(7, v)] : (g.blocks ? blocks[min(7, v)] : ascii[min(7, v)]))
        }
        frame.write(spark, x: rx, y: y, style: t[.chart1], clip: right)
        y += 2
        frame.write("wide: 漢字 ok", x: rx, y: y, style: t[.text], clip: right)

        // Footer from the key table.
        let hints = keys.footerHints()
        var fx = 0
        frame.fill(Rect(x: 0, y: h - 1, width: w, height: 1), with: Cell(" ", style: t[.footer]))
        for hint in hints {
            let k = hint.keys.first ?? ""
            fx += frame.write(k, x: fx, y: h - 1, style: t[.keyHint])
            fx += frame.write(" \(hint.description)  ", x: fx, y: h - 1, style: t[.footer])
        }

        if showHelp { renderHelp(&frame, context: context) }
    }

    func renderHelp(_ frame: inout Frame, context: RenderContext) {
        let entries = keys.helpEntries()
        let groups = Set(entries.map(\.group)).count
        let w = min(frame.width - 4, 50), hgt = min(frame.height - 2, entries.count + groups + 2)
        let r = Rect(x: (frame.width - w) / 2, y: 1, width: w, height: hgt)
        frame.fill(r, with: Cell(" ", style: context.theme[.modalBackground]))
        Box(title: "Help", borderRole: .borderFocused, titleIndent: 2).render(into: &frame, area: r, context: context)
        var y = r.y + 1
        var group = ""
        for e in entries where y < r.maxY - 1 {
            if e.group != group {
                group = e.group
                frame.write(group, x: r.x + 2, y: y, style: context.theme[.header], clip: r.inset(by: 1))
                y += 1
                if y >= r.maxY - 1 { break }
            }
            frame.write(
                e.keys.joined(separator: " "), x: r.x + 3, y: y, style: context.theme[.keyHint], clip: r.inset(by: 1))
            frame.write(e.description, x: r.x + 18, y: y, style: context.theme[.text], clip: r.inset(by: 1))
            y += 1
        }
    }
}
