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
    /// The widest the dialog grows (a review of addresses and calldata wants more than a question).
    public var maxWidth: Int = 64
    /// The first message line shown when the message is taller than the dialog can be.
    public private(set) var scroll: Int = 0

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

    // MARK: Scrolling (a message taller than the screen: a long review)
    //
    // `screen` is the area the dialog is drawn in; each returns whether the view moved.

    /// Scrolls the message by `lines` (negative: up), clamped.
    @discardableResult
    public mutating func scroll(by lines: Int, screen: Rect, context: RenderContext) -> Bool {
        setScroll(scroll + lines, screen: screen, context: context)
    }

    /// Scrolls the message by `pages` of what the dialog shows (one line of overlap).
    @discardableResult
    public mutating func scrollPage(by pages: Int, screen: Rect, context: RenderContext) -> Bool {
        let visible = messageArea(in: screen, context: context).height
        return setScroll(scroll + pages * Swift.max(1, visible - 1), screen: screen, context: context)
    }

    /// Whether the message is taller than what the dialog shows at `screen`.
    public func scrolls(screen: Rect, context: RenderContext) -> Bool {
        messageLines(in: screen, context: context).count > messageArea(in: screen, context: context).height
    }

    private mutating func setScroll(_ value: Int, screen: Rect, context: RenderContext) -> Bool {
        let before = scroll
        scroll = Swift.max(0, Swift.min(value, maxScroll(screen: screen, context: context)))
        return scroll != before
    }

    private func maxScroll(screen: Rect, context: RenderContext) -> Int {
        Swift.max(
            0, messageLines(in: screen, context: context).count - messageArea(in: screen, context: context).height)
    }

    /// The message wrapped to the dialog's width at `screen`.
    func messageLines(in screen: Rect, context: RenderContext) -> [String] {
        Self.wrap(context.displayable(message), width: Swift.max(1, dialogWidth(screen) - 4))
    }

    /// Lines that fit stay exactly as written (a review's indented, aligned labels); a longer one wraps
    /// with its continuation lines under its first word.
    static func wrap(_ text: String, width: Int) -> [String] {
        var out: [String] = []
        for paragraph in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let line = String(paragraph)
            if DisplayWidth.of(line) <= width {
                out.append(line)
                continue
            }
            let indent = String(line.prefix { $0 == " " }.prefix(Swift.max(0, width / 2)))
            let rest = String(line.dropFirst(indent.count))
            out += TextFit.wrap(rest, width: Swift.max(1, width - indent.count)).map { indent + $0 }
        }
        return out
    }

    /// Where the message goes: inside the border, a blank column each side, above the blank line and buttons.
    func messageArea(in screen: Rect, context: RenderContext) -> Rect {
        let inner = Box.inner(frameRect(in: screen, context: context))
        let body = inner.inset(top: 1, left: 1, bottom: 0, right: 1)
        return Rect(x: body.x, y: body.y, width: body.width, height: Swift.max(0, body.height - 2))
    }

    func dialogWidth(_ screen: Rect) -> Int {
        Swift.min(screen.width, Swift.max(30, Swift.min(Swift.max(30, maxWidth), screen.width - 4)))
    }

    /// The rectangle the dialog takes within `screen`.
    public func frameRect(in screen: Rect, context: RenderContext) -> Rect {
        let width = dialogWidth(screen)
        let lines = Self.wrap(context.displayable(message), width: Swift.max(1, width - 4)).count
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
        // A message taller than the dialog scrolls: the border says which lines show and which way more is.
        let lines = messageLines(in: screen, context: context)
        let msgArea = messageArea(in: screen, context: context)
        let top = Swift.min(scroll, Swift.max(0, lines.count - msgArea.height))
        if lines.count > msgArea.height, msgArea.height > 0 {
            let last = Swift.min(lines.count, top + msgArea.height)
            let up = top > 0 ? String(context.glyphs.arrowUp) : ""
            let down = last < lines.count ? String(context.glyphs.arrowDown) : ""
            box.info = "\(up)\(down) lines \(top + 1)-\(last) of \(lines.count)"
        }
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
        for (i, line) in lines.dropFirst(top).prefix(msgArea.height).enumerated() {
            frame.write(
                TextFit.fit(line, width: msgArea.width, alignment: .left, ellipsis: context.glyphs.ellipsis),
                x: msgArea.x, y: msgArea.y + i, style: context.style(.text), clip: msgArea)
        }
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
