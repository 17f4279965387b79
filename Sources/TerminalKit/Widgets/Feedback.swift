/// How serious a status message is; shown as a word and a role, never by colour alone.
public enum Severity: String, Sendable, Hashable, CaseIterable {
    case info, ok, warn, error

    public var role: Role {
        switch self {
        case .info: return .info
        case .ok: return .ok
        case .warn: return .warn
        case .error: return .error
        }
    }

    /// The bracketed word before the message: `[warn]`.
    public var tag: String { "[\(rawValue)]" }
}

/// A transient message with a severity and the time it stops being shown.
public struct Toast: Sendable, Hashable {
    public var message: String
    public var severity: Severity
    /// When it expires, in the same clock the caller passes to `ToastCenter.expire(now:)`.
    public var expires: Duration

    public init(message: String, severity: Severity, expires: Duration) {
        self.message = message
        self.severity = severity
        self.expires = expires
    }
}

/// Queue of toasts; the caller passes time in (ticks or elapsed time), so it is deterministic.
public struct ToastCenter: Sendable {
    public private(set) var toasts: [Toast] = []
    /// How many toasts are kept; older ones are dropped first.
    public var capacity: Int

    public init(capacity: Int = 5) { self.capacity = Swift.max(1, capacity) }

    /// The newest toast still showing.
    public var current: Toast? { toasts.last }

    /// Adds a toast that shows until `now + lifetime`.
    public mutating func post(
        _ message: String, severity: Severity = .info, now: Duration, lifetime: Duration = .seconds(5)
    ) {
        toasts.append(Toast(message: message, severity: severity, expires: now + lifetime))
        if toasts.count > capacity { toasts.removeFirst(toasts.count - capacity) }
    }

    /// Drops toasts expired at `now`; returns whether the shown toast changed.
    @discardableResult
    public mutating func expire(now: Duration) -> Bool {
        let before = current
        toasts.removeAll { $0.expires <= now }
        return before != current
    }

    /// Removes all toasts.
    public mutating func dismissAll() { toasts.removeAll() }
}

/// A one-row status line: the current toast (severity tag + message) or a resting text.
public struct StatusLine: Sendable {
    public var toast: Toast?
    public var idleText: String

    public init(toast: Toast?, idleText: String = "") {
        self.toast = toast
        self.idleText = idleText
    }

    public func render(into frame: inout Frame, area: Rect, context: RenderContext) {
        let area = area.intersection(frame.bounds)
        guard !area.isEmpty else { return }
        let y = area.y
        let e = context.glyphs.ellipsis
        if let t = toast {
            let style = context.style(.toast)
            frame.write(String(repeating: " ", count: area.width), x: area.x, y: y, style: style, clip: area)
            let tag = t.severity.tag + " "
            let tagStyle = merge(context.style(t.severity.role), into: style)
            let w = frame.write(
                TextFit.truncate(tag, to: area.width, ellipsis: e), x: area.x, y: y, style: tagStyle, clip: area)
            frame.write(
                TextFit.truncate(context.displayable(t.message), to: area.width - w, ellipsis: e), x: area.x + w, y: y,
                style: style, clip: area)
        } else {
            frame.write(
                TextFit.truncate(context.displayable(idleText), to: area.width, ellipsis: e), x: area.x, y: y,
                style: context.style(.muted), clip: area)
        }
    }

    private func merge(_ a: Style, into b: Style) -> Style {
        Style(
            foreground: a.foreground == .default ? b.foreground : a.foreground,
            background: a.background == .default ? b.background : a.background,
            attributes: a.attributes.union(b.attributes))
    }
}

/// A spinner that advances one frame per call to `advance()` (the caller decides when: on ticks).
public struct Spinner: Sendable, Hashable {
    public var phase: Int = 0
    public var label: String

    public init(label: String = "", phase: Int = 0) {
        self.label = label
        self.phase = phase
    }

    static let unicodeFrames: [Character] = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"]
    static let asciiFrames: [Character] = ["|", "/", "-", "\\"]

    public mutating func advance() { phase &+= 1 }

    /// The glyph shown at the current phase.
    public func glyph(_ glyphs: Glyphs) -> Character {
        let frames = glyphs.braille ? Spinner.unicodeFrames : Spinner.asciiFrames
        return frames[((phase % frames.count) + frames.count) % frames.count]
    }

    public func render(into frame: inout Frame, area: Rect, context: RenderContext) {
        let area = area.intersection(frame.bounds)
        guard !area.isEmpty else { return }
        frame.write(String(glyph(context.glyphs)), x: area.x, y: area.y, style: context.style(.pending), clip: area)
        if !label.isEmpty {
            frame.write(
                " "
                    + TextFit.truncate(
                        context.displayable(label), to: area.width - 2, ellipsis: context.glyphs.ellipsis),
                x: area.x + 1, y: area.y, style: context.style(.text), clip: area)
        }
    }
}

/// A progress bar: determinate (fraction + percent) or indeterminate (a block sweeping with `phase`).
public struct ProgressBar: Sendable, Hashable {
    /// 0…1, or nil for indeterminate.
    public var fraction: Double?
    public var phase: Int
    public var label: String

    public init(fraction: Double?, phase: Int = 0, label: String = "") {
        self.fraction = fraction
        self.phase = phase
        self.label = label
    }

    public func render(into frame: inout Frame, area: Rect, context: RenderContext) {
        let area = area.intersection(frame.bounds)
        guard !area.isEmpty else { return }
        if let f = fraction {
            Gauge(label: label, fraction: f).render(into: &frame, area: area, context: context)
            return
        }
        let g = context.glyphs
        var x = area.x
        if !label.isEmpty, area.width > 10 {
            x += frame.write(
                TextFit.truncate(context.displayable(label), to: area.width / 3, ellipsis: g.ellipsis) + " ", x: x,
                y: area.y, style: context.style(.text), clip: area)
        }
        let bar = Rect(x: x, y: area.y, width: area.maxX - x, height: 1)
        guard bar.width > 0 else { return }
        let ascii = !g.blocks
        let inner = ascii && bar.width >= 3 ? bar.inset(left: 1, right: 1) : bar
        if ascii && bar.width >= 3 {
            frame.write("[", x: bar.x, y: bar.y, style: context.style(.gaugeEmpty), clip: bar)
            frame.write("]", x: bar.maxX - 1, y: bar.y, style: context.style(.gaugeEmpty), clip: bar)
        }
        let emptyCh: Character = ascii ? "." : g.shadeLight
        let fillCh: Character = ascii ? "=" : g.blockFull
        let sweep = Swift.max(1, Swift.min(3, inner.width / 4))
        let travel = Swift.max(0, inner.width - sweep)
        // Bounce back and forth so the motion reads as "working", not as progress.
        var start = 0
        if travel > 0 {
            let p = ((phase % (2 * travel)) + 2 * travel) % (2 * travel)
            start = p <= travel ? p : 2 * travel - p
        }
        for i in 0..<inner.width {
            let on = i >= start && i < start + sweep
            frame[inner.x + i, inner.y] = Cell(
                on ? fillCh : emptyCh, style: context.style(on ? .gaugeFill : .gaugeEmpty))
        }
    }
}
