/// A bordered panel with a title on the top edge and optional right-aligned info.
public struct Box: Sendable {
    public var title: String
    public var info: String
    public var focused: Bool
    /// The border's role; nil: `borderFocused` when focused, else `border`.
    public var borderRole: Role?
    /// The title's role.
    public var titleRole: Role
    /// Border cells drawn before the title: 1 gives `┌ Title ─`, 2 gives `┌─ Title ─`.
    public var titleIndent: Int

    public init(
        title: String = "", info: String = "", focused: Bool = false, borderRole: Role? = nil,
        titleRole: Role = .title, titleIndent: Int = 1
    ) {
        self.title = title
        self.info = info
        self.focused = focused
        self.borderRole = borderRole
        self.titleRole = titleRole
        self.titleIndent = Swift.max(1, titleIndent)
    }

    /// The area inside the border of `area` (empty when `area` is too small for a border).
    public static func inner(_ area: Rect) -> Rect {
        guard area.width >= 2, area.height >= 2 else { return Rect(x: area.x, y: area.y, width: 0, height: 0) }
        return area.inset(by: 1)
    }

    /// Draws the border, title and info; returns the inner area to draw content in.
    ///
    /// A focused box uses the focused border role and marks its title with an arrow, so focus is not
    /// shown by colour alone.
    @discardableResult
    public func render(into frame: inout Frame, area: Rect, context: RenderContext) -> Rect {
        let area = area.intersection(frame.bounds)
        guard area.width >= 2, area.height >= 2 else { return Box.inner(area) }
        let g = context.glyphs
        let border = context.style(borderRole ?? (focused ? .borderFocused : .border))
        let h = String(g.horizontal)
        frame.write(
            String(g.topLeft) + String(repeating: h, count: area.width - 2) + String(g.topRight),
            x: area.x, y: area.y, style: border, clip: area)
        frame.write(
            String(g.bottomLeft) + String(repeating: h, count: area.width - 2) + String(g.bottomRight),
            x: area.x, y: area.maxY - 1, style: border, clip: area)
        for y in (area.y + 1)..<(area.maxY - 1) {
            frame.write(String(g.vertical), x: area.x, y: y, style: border, clip: area)
            frame.write(String(g.vertical), x: area.maxX - 1, y: y, style: border, clip: area)
        }
        // Title at x+indent (" title "), info right-aligned; title wins when both do not fit.
        let room = area.width - 3 - titleIndent
        var titleWidth = 0
        if !title.isEmpty, room > 0 {
            let marked = focused ? String(g.arrowRight) + " " + title : title
            let text = " " + TextFit.truncate(context.displayable(marked), to: room, ellipsis: g.ellipsis) + " "
            titleWidth =
                frame.write(
                    text, x: area.x + titleIndent, y: area.y, style: context.style(titleRole), clip: area) + titleIndent
                - 1
        }
        if !info.isEmpty {
            // Info (often a count) is shown whole or not at all: a cut number would mislead.
            let text = " " + context.displayable(info) + " "
            let w = DisplayWidth.of(text)
            if w <= room + 2 - titleWidth - 1 {
                frame.write(text, x: area.maxX - 1 - w, y: area.y, style: context.style(.muted), clip: area)
            }
        }
        return area.inset(by: 1)
    }
}
