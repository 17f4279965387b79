import Foundation
import TerminalKit

/// Where the parts of the console go: header, screen bar, body, status line, footer.
public enum ConsoleLayout {
    public static let minimumSize = Size(width: 60, height: 12)

    /// Header, screen bar, body, status line, footer.
    public static func parts(_ area: Rect) -> [Rect] {
        Layout.rows(area, [.fixed(1), .fixed(1), .proportional(1), .fixed(1), .fixed(1)])
    }

    /// Where dialogs go: all but the header and the footer, which stay readable (the footer has the
    /// dialog's keys).
    public static func dialogArea(_ screen: Rect) -> Rect { screen.inset(top: 1, bottom: 1) }

    public static func bodySize(_ screen: Size) -> Size {
        Size(width: screen.width, height: max(0, screen.height - 4))
    }
}

/// `render(state) -> Frame`, pure: the same state always draws the same cells.
extension ConsoleState {
    public func render(into frame: inout Frame, context: RenderContext) {
        let all = frame.bounds
        guard !all.isEmpty else { return }
        let parts = ConsoleLayout.parts(all)
        let env = environment
        renderHeader(into: &frame, area: parts[0], context: context)
        renderScreenBar(into: &frame, area: parts[1], context: context)
        screens[current].render(into: &frame, area: parts[2], env, context: context)
        renderStatus(into: &frame, area: parts[3], context: context)
        KeyHintBar(hints: footerHints).render(into: &frame, area: parts[4], context: context)
        // Help over a dialog is the dialog's keys: drawn last.
        if let d = dialog { d.modal.render(into: &frame, screen: ConsoleLayout.dialogArea(all), context: context) }
        if let h = help { h.render(into: &frame, screen: all, context: context) }
    }

    /// The context key handling measures overlays with (help and dialog scroll by lines of this layout; the
    /// glyphs' widths are the same in every context, so the lines are too).
    static let layoutContext = RenderContext(capabilities: Capabilities(colorDepth: .ansi16, unicode: true))

    /// Renders a whole frame of `size` (tests and benchmarks).
    public func frame(size: Size, context: RenderContext) -> Frame {
        var f = Frame(size: size)
        render(into: &f, context: context)
        return f
    }

    /// The header's facts, most important first; the badge is drawn apart at the right edge.
    func headerText(width: Int, fullOperator: Bool, compact: Bool = false) -> String {
        let named = network.name.lowercased().hasPrefix("kalypso") ? network.name : "Kalypso \(network.name)"
        var parts = [compact ? network.name : named]
        if let id = network.chainId { parts.append(compact ? "\(id)" : "chain \(id)") }
        if let p = data?.progress {
            parts.append("block \(p.lastBlock)")
            let age = Int64(now.timeIntervalSince1970 - p.updatedAt)
            let ageText = age < 60 ? "<1m" : ConsoleFormat.duration(age)
            parts.append(compact ? "\(ageText) old" : "cache \(ageText) old")
        } else if data == nil && loadError == nil {
            parts.append("loading")
        } else {
            parts.append("cache empty")
        }
        if let st = sync.status, !st.caughtUp, let pr = st.fraction {
            parts.append("syncing \(Int(pr * 100))%")
        } else if sync.error != nil {
            parts.append("sync failing")
        }
        if let op = network.operatorAddress {
            parts.append("op \(fullOperator ? op : String(op.prefix(6)) + "…" + String(op.suffix(4)))")
        } else {
            parts.append("no operator")
        }
        parts.append("Gen \(network.generation)")
        return parts.joined(separator: " · ")
    }

    func renderHeader(into frame: inout Frame, area: Rect, context: RenderContext) {
        guard !area.isEmpty else { return }
        frame.fill(area, with: Cell(" ", style: context.style(.header)))
        let badge = readOnly ? "[RO]" : "[RW]"
        let room = max(0, area.width - badge.count - 2)
        // The operator whole where it fits; else short (EIP-55 ends kept), then fewer words around it.
        var text = headerText(width: room, fullOperator: true)
        if text.count > room - 1 { text = headerText(width: room, fullOperator: false) }
        if text.count > room - 1 { text = headerText(width: room, fullOperator: false, compact: true) }
        let shown = TextFit.truncate(" " + context.displayable(text), to: room, ellipsis: context.glyphs.ellipsis)
        _ = frame.write(shown, x: area.x, y: area.y, style: context.style(.header), clip: area)
        _ = frame.write(
            badge, x: area.maxX - badge.count - 1, y: area.y, style: context.style(readOnly ? .warn : .ok),
            clip: area)
    }

    func renderScreenBar(into frame: inout Frame, area: Rect, context: RenderContext) {
        guard !area.isEmpty else { return }
        var x = area.x
        for (i, text) in screenBarLabels(width: area.width).enumerated() {
            let active = i == current
            x += frame.write(text, x: x, y: area.y, style: context.style(active ? .selection : .muted), clip: area) + 1
        }
    }

    /// The screen bar's labels for `width` columns: roomy when it fits; else one space apart; else short
    /// titles (eight screens at 80 columns); else numbers only. The current screen keeps its whole title.
    func screenBarLabels(width: Int) -> [String] {
        func numbered(_ i: Int, _ title: String) -> String { i < 9 ? "\(i + 1) \(title)" : title }
        let full = registry.screens.enumerated().map { numbered($0, $1.title) }
        let short = registry.screens.enumerated().map { numbered($0, $1.shortTitle) }
        let numbers = registry.screens.enumerated().map { i, s in i < 9 ? "\(i + 1)" : s.shortTitle }
        func labels(_ others: [String], roomy: Bool) -> [String] {
            full.indices.map { i in
                i == current ? "[\(full[i])]" : roomy ? " \(others[i]) " : others[i]
            }
        }
        func fits(_ labels: [String]) -> Bool { labels.reduce(0) { $0 + $1.count + 1 } - 1 <= width }
        for candidate in [labels(full, roomy: true), labels(full, roomy: false), labels(short, roomy: false)]
        where fits(candidate) {
            return candidate
        }
        return labels(numbers, roomy: false)
    }

    /// The status line's message: the palette while open, a message, a deadline alert, a sync failure,
    /// else where the keys are.
    var statusLine: (String, Severity?) {
        if let p = palette {
            let options = registry.completions(p)
            let hint =
                options.isEmpty
                ? "no screen starts with \"\(p)\"" : options.joined(separator: " ")
            return (":\(p)   \(hint)", nil)
        }
        if let status { return (status.text, status.severity) }
        if !nearDeadline.isEmpty {
            let ids = nearDeadline.prefix(3).map { "\($0)" }.joined(separator: ", ")
            let more = nearDeadline.count > 3 ? " and \(nearDeadline.count - 3) more" : ""
            return ("Deadline near: job \(ids)\(more)", .warn)
        }
        if let e = sync.error { return ("Sync failing: \(e.title) (retrying)", .error) }
        if let e = loadError { return ("\(e.title): \(e.detail)", .error) }
        var idle: [String] = []
        if !keyName(ConsoleKeys.help).isEmpty { idle.append("\(keyName(ConsoleKeys.help)) keys") }
        if !keyName(ConsoleKeys.palette).isEmpty { idle.append("\(keyName(ConsoleKeys.palette))name go to a screen") }
        if readOnly { idle.append("read-only: no key loaded, nothing can be signed") }
        return (idle.joined(separator: " · "), nil)
    }

    func renderStatus(into frame: inout Frame, area: Rect, context: RenderContext) {
        let (text, severity) = statusLine
        if let severity {
            StatusLine(toast: Toast(message: text, severity: severity, expires: .zero)).render(
                into: &frame, area: area, context: context)
        } else {
            StatusLine(toast: nil, idleText: text).render(into: &frame, area: area, context: context)
        }
    }

    func keyName(_ id: String) -> String { keys.keys(for: id).first?.description ?? "" }

    /// The footer: the keys of what takes keys now, from the key table.
    public var footerHints: [KeyHint] {
        if help != nil { return keys.footerHints(scope: ConsoleKeys.helpScope, globals: false, firstKeyOnly: true) }
        if dialog != nil { return keys.footerHints(scope: ConsoleKeys.dialogScope, globals: false, firstKeyOnly: true) }
        if palette != nil {
            return keys.footerHints(scope: ConsoleKeys.paletteScope, globals: false, firstKeyOnly: true)
        }
        let screen = screens[current]
        var hints = screen.keyScopes.flatMap { keys.footerHints(scope: $0, globals: false, firstKeyOnly: true) }
        if !screen.capturesText {
            hints += keys.footerHints(scope: KeyTable.globalScope, firstKeyOnly: true)
        }
        return hints
    }
}
