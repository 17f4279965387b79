/// The `?` help: key hints grouped by group (first-seen order), flowed into columns, scrollable.
public struct HelpOverlay: Sendable {
    public var hints: [KeyHint]
    public var title: String
    public private(set) var scroll: Int = 0

    public init(hints: [KeyHint], title: String = "Help") {
        self.hints = hints
        self.title = title
    }

    /// One line of the help body.
    struct Line: Hashable {
        var keys: String
        var text: String
        var isGroup: Bool
    }

    func lines(context: RenderContext) -> [Line] {
        var groups: [String] = []
        var byGroup: [String: [KeyHint]] = [:]
        for h in hints {
            if byGroup[h.group] == nil { groups.append(h.group) }
            byGroup[h.group, default: []].append(h)
        }
        var out: [Line] = []
        for g in groups {
            if !out.isEmpty { out.append(Line(keys: "", text: "", isGroup: false)) }
            if !g.isEmpty { out.append(Line(keys: "", text: context.displayable(g), isGroup: true)) }
            for h in byGroup[g] ?? [] {
                out.append(
                    Line(
                        keys: context.displayable(h.keys.joined(separator: " ")),
                        text: context.displayable(h.description), isGroup: false))
            }
        }
        return out
    }

    /// Geometry of the body for `inner`: key column width, column width, columns, rows per column.
    func geometry(_ lines: [Line], inner: Rect) -> (keyWidth: Int, colWidth: Int, columns: Int, rows: Int) {
        let keyWidth = Swift.min(16, lines.map { DisplayWidth.of($0.keys) }.max() ?? 0)
        let textWidth = Swift.min(40, lines.map { DisplayWidth.of($0.text) }.max() ?? 0)
        let colWidth = Swift.max(1, Swift.min(inner.width, keyWidth + 2 + textWidth))
        let columns = Swift.max(1, (inner.width + 3) / (colWidth + 3))
        let rows = Swift.max(1, (lines.count + columns - 1) / columns)
        return (keyWidth, colWidth, columns, rows)
    }

    // MARK: Intents (the application's key table decides which keys call them)
    //
    // `screen` is the area the overlay is drawn in; each returns whether the view moved.

    /// Scrolls by `lines` (negative: up), clamped.
    @discardableResult
    public mutating func scroll(by lines: Int, screen: Rect, context: RenderContext) -> Bool {
        setScroll(scroll + lines, screen: screen, context: context)
    }

    /// Scrolls by `pages` screens (one line of overlap).
    @discardableResult
    public mutating func scrollPage(by pages: Int, screen: Rect, context: RenderContext) -> Bool {
        let inner = Box.inner(bodyRect(screen))
        return setScroll(scroll + pages * Swift.max(1, inner.height - 1), screen: screen, context: context)
    }

    /// Scrolls to the first line.
    @discardableResult
    public mutating func scrollToTop(screen: Rect, context: RenderContext) -> Bool {
        setScroll(0, screen: screen, context: context)
    }

    /// Scrolls to the last screen.
    @discardableResult
    public mutating func scrollToBottom(screen: Rect, context: RenderContext) -> Bool {
        setScroll(Int.max / 2, screen: screen, context: context)
    }

    private mutating func setScroll(_ value: Int, screen: Rect, context: RenderContext) -> Bool {
        let inner = Box.inner(bodyRect(screen))
        let geo = geometry(lines(context: context), inner: inner)
        let maxScroll = Swift.max(0, geo.rows - inner.height)
        let before = scroll
        scroll = Swift.max(0, Swift.min(value, maxScroll))
        return scroll != before
    }

    func bodyRect(_ screen: Rect) -> Rect {
        let w = Swift.max(0, screen.width - 4), h = Swift.max(0, screen.height - 2)
        return Rect(x: screen.x + (screen.width - w) / 2, y: screen.y + (screen.height - h) / 2, width: w, height: h)
    }

    public func render(into frame: inout Frame, screen: Rect, context: RenderContext) {
        let screen = screen.intersection(frame.bounds)
        guard !screen.isEmpty else { return }
        let r = bodyRect(screen)
        frame.fill(r, with: Cell(" ", style: context.style(.modalBackground)))
        let ls = lines(context: context)
        var box = Box(title: title, focused: true)
        let inner0 = Box.inner(r)
        let geo = geometry(ls, inner: inner0)
        let maxScroll = Swift.max(0, geo.rows - inner0.height)
        let top = Swift.min(scroll, maxScroll)
        if maxScroll > 0 {
            box.info = "\(top + 1)-\(Swift.min(geo.rows, top + inner0.height)) of \(geo.rows)"
        }
        let inner = box.render(into: &frame, area: r, context: context)
        guard !inner.isEmpty else { return }
        let e = context.glyphs.ellipsis
        for c in 0..<geo.columns {
            let x = inner.x + c * (geo.colWidth + 3)
            let col = Rect(x: x, y: inner.y, width: Swift.min(geo.colWidth, inner.maxX - x), height: inner.height)
            guard col.width > 0 else { break }
            for row in 0..<inner.height {
                let idx = c * geo.rows + top + row
                guard top + row < geo.rows, idx < ls.count else { break }
                let l = ls[idx]
                let y = inner.y + row
                if l.isGroup {
                    frame.write(
                        TextFit.truncate(l.text, to: col.width, ellipsis: e), x: col.x, y: y,
                        style: context.style(.header), clip: col)
                } else if !l.keys.isEmpty || !l.text.isEmpty {
                    let kw = Swift.min(geo.keyWidth, col.width)
                    frame.write(
                        TextFit.fit(l.keys, width: kw, ellipsis: e), x: col.x, y: y, style: context.style(.keyHint),
                        clip: col)
                    let tw = col.width - kw - 2
                    if tw > 0 {
                        frame.write(
                            TextFit.truncate(l.text, to: tw, ellipsis: e), x: col.x + kw + 2, y: y,
                            style: context.style(.text), clip: col)
                    }
                }
            }
        }
    }
}
