/// A choice among fixed options, changed with `selectNext()`/`selectPrevious()` (the application's key
/// table decides which keys). Shown inline (`‹ option ›`) or as a list.
public struct ChoiceField: Sendable, Hashable {
    public var id: String
    public var label: String
    public var options: [String]
    public private(set) var selected: Int
    /// Show every option with a marker instead of only the selected one.
    public var showsList: Bool

    public init(id: String, label: String, options: [String], selected: Int = 0, showsList: Bool = false) {
        self.id = id
        self.label = label
        self.options = options
        self.selected = options.isEmpty ? 0 : Swift.max(0, Swift.min(selected, options.count - 1))
        self.showsList = showsList
    }

    public var value: String? { options.indices.contains(selected) ? options[selected] : nil }

    public mutating func select(_ index: Int) {
        guard !options.isEmpty else { return }
        selected = ((index % options.count) + options.count) % options.count
    }

    /// Selects the next option (wrapping).
    public mutating func selectNext() { select(selected + 1) }

    /// Selects the previous option (wrapping).
    public mutating func selectPrevious() { select(selected - 1) }

    /// Rows this field needs.
    public var height: Int { showsList ? Swift.max(1, options.count) : 1 }

    public func render(into frame: inout Frame, area: Rect, focused: Bool, labelWidth: Int, context: RenderContext) {
        let area = area.intersection(frame.bounds)
        guard !area.isEmpty else { return }
        let g = context.glyphs
        let x = FormDrawing.label(
            label, focused: focused, into: &frame, area: area, width: labelWidth, context: context)
        let room = Rect(x: x, y: area.y, width: area.maxX - x, height: area.height)
        guard !room.isEmpty else { return }
        if showsList {
            for (i, o) in options.enumerated() where i < room.height {
                let mark = i == selected ? "(" + String(g.bullet) + ") " : "( ) "
                let role: Role = i == selected && focused ? .selection : .text
                frame.write(
                    TextFit.truncate(mark + context.displayable(o), to: room.width, ellipsis: g.ellipsis), x: room.x,
                    y: room.y + i, style: context.style(role), clip: room)
            }
        } else {
            let l = context.capabilities.unicode ? "‹ " : "< ", r = context.capabilities.unicode ? " ›" : " >"
            let text = l + context.displayable(value ?? "") + r
            frame.write(
                TextFit.truncate(text, to: room.width, ellipsis: g.ellipsis), x: room.x, y: room.y,
                style: context.style(focused ? .selection : .inputText), clip: room)
            if options.count > 1, DisplayWidth.of(text) + 8 <= room.width {
                frame.write(
                    " \(selected + 1)/\(options.count)", x: room.x + DisplayWidth.of(text), y: room.y,
                    style: context.style(.muted), clip: room)
            }
        }
    }
}
