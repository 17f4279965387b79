import Foundation

/// A small application that exercises the terminal engine (keys, resize, themes, inbox, help
/// generated from the key table) without any widget library: `kalypso-console ui-demo`
/// runs it, and the same scenario runs against the virtual terminal in the tests.
public struct EngineDemo: TerminalApplication {
    public enum Message: Sendable { case serviceReady(String) }

    public static func actions() -> [KeyAction] {
        [
            KeyAction(id: "quit", description: "Quit", keys: [.character("q")], group: "General"),
            KeyAction(id: "help", description: "Help", keys: [.character("?")], group: "General"),
            KeyAction(
                id: "down", description: "Down", keys: [.character("j"), .down], group: "Navigation", inFooter: false),
            KeyAction(id: "up", description: "Up", keys: [.character("k"), .up], group: "Navigation", inFooter: false),
            KeyAction(
                id: "pageDown", description: "Page down", keys: [.pageDown, .control("d")], group: "Navigation",
                inFooter: false),
            KeyAction(
                id: "pageUp", description: "Page up", keys: [.pageUp, .control("u")], group: "Navigation",
                inFooter: false),
            KeyAction(
                id: "top", description: "First row", keys: [.character("g"), .home], group: "Navigation",
                inFooter: false),
            KeyAction(
                id: "bottom", description: "Last row", keys: [.character("G"), .end], group: "Navigation",
                inFooter: false),
            KeyAction(id: "close", description: "Close", keys: [.escape], group: "General", inFooter: false),
            KeyAction(id: "copy", description: "Copy row", keys: [.character("y")], group: "General"),
            KeyAction(
                id: "send", description: "Send test transaction", keys: [.character("s")], group: "Chain",
                dangerous: true),
        ]
    }

    let keys: KeyTable
    let inbox: Inbox<Message>
    let themeName: String
    let rows = 500
    var selected = 0
    var top = 0
    var lastKey = "none"
    var resizes = 0
    var showHelp = false
    var service = "waiting"
    var sent = 0
    var size = Size(width: 0, height: 0)
    var requests: [TerminalRequest] = []

    public init(keys: KeyTable, inbox: Inbox<Message>, themeName: String) {
        self.keys = keys
        self.inbox = inbox
        self.themeName = themeName
    }

    public var minimumSize: Size { Size(width: 40, height: 12) }
    public var tickInterval: Duration? { nil }

    public mutating func handle(_ event: InputEvent) -> ApplicationCommand {
        switch event {
        case .resize(let s):
            if size.width > 0 || size.height > 0 { resizes += 1 }
            size = s
            return .redraw
        case .key(let k):
            lastKey = k.description
            guard let id = keys.actionID(for: k) else { return .redraw }
            let page = max(1, listHeight - 1)
            switch id {
            case "quit": return .quit
            case "help": showHelp.toggle()
            case "close": showHelp = false
            case "down": selected = min(rows - 1, selected + 1)
            case "up": selected = max(0, selected - 1)
            case "pageDown": selected = min(rows - 1, selected + page)
            case "pageUp": selected = max(0, selected - page)
            case "top": selected = 0
            case "bottom": selected = rows - 1
            case "send": sent += 1
            case "copy": requests.append(.copyToClipboard("row \(selected + 1)"))
            default: break
            }
            if selected < top { top = selected }
            if selected >= top + listHeight { top = selected - listHeight + 1 }
            return .redraw
        }
    }

    public mutating func tick() -> ApplicationCommand { .none }

    public mutating func takeTerminalRequests() -> [TerminalRequest] {
        defer { requests.removeAll() }
        return requests
    }

    public mutating func receiveMessages() -> ApplicationCommand {
        var changed = false
        for m in inbox.drain() {
            switch m {
            case .serviceReady(let s):
                service = s
                changed = true
            }
        }
        return changed ? .redraw : .none
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
        drawBox(
            &frame, box, title: "Rows \(selected + 1) of \(rows)", g: g, style: t[.borderFocused],
            titleStyle: t[.accent])
        let inner = box.inset(by: 1)
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
        drawBox(
            &frame, r, title: "Help", g: context.glyphs, style: context.theme[.borderFocused],
            titleStyle: context.theme[.title])
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

    func drawBox(_ f: inout Frame, _ r: Rect, title: String, g: Glyphs, style: Style, titleStyle: Style) {
        guard r.width >= 2, r.height >= 2 else { return }
        for x in (r.x + 1)..<(r.maxX - 1) {
            f[x, r.y] = Cell(g.horizontal, style: style)
            f[x, r.maxY - 1] = Cell(g.horizontal, style: style)
        }
        for y in (r.y + 1)..<(r.maxY - 1) {
            f[r.x, y] = Cell(g.vertical, style: style)
            f[r.maxX - 1, y] = Cell(g.vertical, style: style)
        }
        f[r.x, r.y] = Cell(g.topLeft, style: style)
        f[r.maxX - 1, r.y] = Cell(g.topRight, style: style)
        f[r.x, r.maxY - 1] = Cell(g.bottomLeft, style: style)
        f[r.maxX - 1, r.maxY - 1] = Cell(g.bottomRight, style: style)
        f.write(
            " \(title) ", x: r.x + 2, y: r.y, style: titleStyle,
            clip: Rect(x: r.x + 1, y: r.y, width: r.width - 2, height: 1))
    }
}
