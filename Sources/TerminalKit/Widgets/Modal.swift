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
