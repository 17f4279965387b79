/// What pressing a modal button means.
public enum ModalButtonKind: Sendable, Hashable {
    case cancel, confirm, destructive
}

/// One button of a `Modal`.
public struct ModalButton: Sendable, Hashable {
    public var label: String
    public var kind: ModalButtonKind

    public init(_ label: String, kind: ModalButtonKind) {
        self.label = label
        self.kind = kind
    }
}

/// How a modal was closed.
public enum ModalOutcome: Sendable, Hashable {
    /// Button `index` was activated.
    case activated(Int)
    /// Cancelled, or a cancel button was activated.
    case cancelled
}

/// A centred dialog with title, message and buttons; focus starts on Cancel.
public struct Modal: Sendable, Hashable {
    public var title: String
    public var message: String
    public var buttons: [ModalButton]
    /// A dangerous dialog (e.g. a transaction): error border, `!` title mark, destructive button marked.
    public var dangerous: Bool
    public private(set) var focus: Int

    /// Focus starts on the first cancel button so a stray Enter never confirms.
    public init(title: String, message: String, buttons: [ModalButton], dangerous: Bool = false) {
        self.title = title
        self.message = message
        self.buttons = buttons.isEmpty ? [ModalButton("Close", kind: .cancel)] : buttons
        self.dangerous = dangerous
        self.focus = self.buttons.firstIndex { $0.kind == .cancel } ?? 0
    }

    /// A Cancel / confirm dialog; `dangerous` makes the confirm button destructive.
    public static func confirm(title: String, message: String, confirm: String = "OK", dangerous: Bool = false) -> Modal
    {
        Modal(
            title: title, message: message,
            buttons: [
                ModalButton("Cancel", kind: .cancel), ModalButton(confirm, kind: dangerous ? .destructive : .confirm),
            ],
            dangerous: dangerous)
    }

    // MARK: Intents (the application's key table decides which keys call them)

    /// Moves focus to the previous button (wrapping).
    public mutating func focusPrevious() {
        guard !buttons.isEmpty else { return }
        focus = (clampedFocus + buttons.count - 1) % buttons.count
    }

    /// Moves focus to the next button (wrapping).
    public mutating func focusNext() {
        guard !buttons.isEmpty else { return }
        focus = (clampedFocus + 1) % buttons.count
    }

    /// Presses the focused button: `.activated(index)`, or `.cancelled` on a cancel button.
    public func activate() -> ModalOutcome {
        // `buttons` is public and may have been replaced: never index out of range.
        guard !buttons.isEmpty else { return .cancelled }
        let i = clampedFocus
        return buttons[i].kind == .cancel ? .cancelled : .activated(i)
    }

    /// Closes the dialog without choosing.
    public func cancel() -> ModalOutcome { .cancelled }

    private var clampedFocus: Int { Swift.max(0, Swift.min(focus, buttons.count - 1)) }

    /// The rectangle the dialog takes within `screen`.
    public func frameRect(in screen: Rect, context: RenderContext) -> Rect {
        let width = Swift.min(screen.width, Swift.max(30, Swift.min(64, screen.width - 4)))
        let inner = Swift.max(1, width - 4)
        let lines = TextFit.wrap(context.displayable(message), width: inner).count
        let height = Swift.min(screen.height, lines + 6)
        return Rect(
            x: screen.x + (screen.width - width) / 2, y: screen.y + (screen.height - height) / 2,
            width: width, height: height)
    }

    public func render(into frame: inout Frame, screen: Rect, context: RenderContext) {
        let screen = screen.intersection(frame.bounds)
        guard !screen.isEmpty else { return }
        let r = frameRect(in: screen, context: context)
        frame.fill(r, with: Cell(" ", style: context.style(.modalBackground)))
        let titleText = dangerous ? "! " + title : title
        var box = Box(title: titleText, focused: true)
        box.focused = !dangerous
        let inner: Rect
        if dangerous {
            // Dangerous dialogs use the error role for the border.
            var ctx = context
            ctx.theme.styles[.border] = context.style(.error)
            inner = box.render(into: &frame, area: r, context: ctx)
        } else {
            inner = box.render(into: &frame, area: r, context: context)
        }
        guard !inner.isEmpty else { return }
        let body = inner.inset(top: 1, left: 1, bottom: 0, right: 1)
        let msgArea = Rect(x: body.x, y: body.y, width: body.width, height: Swift.max(0, body.height - 2))
        TextView(message).render(into: &frame, area: msgArea, context: context)
        // Buttons right-aligned on the last inner row; the focused one in brackets-with-arrows and selection style.
        let y = inner.maxY - 1
        let labels = buttons.enumerated().map { i, b -> String in
            // A destructive button is marked with `!`, not only coloured.
            let l = (b.kind == .destructive ? "! " : "") + context.displayable(b.label)
            return i == focus ? "> " + l + " <" : "[ " + l + " ]"
        }
        let total = labels.reduce(0) { $0 + DisplayWidth.of($1) } + 2 * (labels.count - 1)
        var x = Swift.max(inner.x, inner.maxX - 1 - total)
        for (i, l) in labels.enumerated() {
            let role: Role = i == focus ? .selection : (buttons[i].kind == .destructive ? .error : .text)
            x += frame.write(l, x: x, y: y, style: context.style(role), clip: inner) + 2
        }
    }
}

/// The footer line of key hints: `q Quit  / Filter  ? Help`, dropping hints that do not fit.
public struct KeyHintBar: Sendable {
    public var hints: [KeyHint]

    public init(hints: [KeyHint]) { self.hints = hints }

    public func render(into frame: inout Frame, area: Rect, context: RenderContext) {
        let area = area.intersection(frame.bounds)
        guard !area.isEmpty else { return }
        let y = area.y
        frame.write(
            String(repeating: " ", count: area.width), x: area.x, y: y, style: context.style(.footer), clip: area)
        let more = context.glyphs.ellipsis
        let moreWidth = DisplayWidth.of(more)
        var x = area.x
        for (i, h) in hints.enumerated() {
            let keys = context.displayable(h.keys.joined(separator: "/"))
            let desc = context.displayable(h.description)
            let w = DisplayWidth.of(keys) + 1 + DisplayWidth.of(desc)
            let isLast = i == hints.count - 1
            // Keep room for the "more" mark unless this is the last hint.
            let limit = area.maxX - (isLast ? 0 : moreWidth + 1)
            if x + w > limit {
                if x + moreWidth <= area.maxX {
                    frame.write(more, x: x, y: y, style: context.style(.muted), clip: area)
                }
                return
            }
            x += frame.write(keys, x: x, y: y, style: context.style(.keyHint), clip: area)
            x += frame.write(" " + desc, x: x, y: y, style: context.style(.footer), clip: area)
            x += 2
        }
    }
}

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
