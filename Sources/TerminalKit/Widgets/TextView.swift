/// Word-wrapped text in an area, aligned, with an ellipsis on the last line when it does not all fit.
public struct TextView: Sendable {
    public var text: String
    public var alignment: TextAlignment
    public var role: Role

    public init(_ text: String, alignment: TextAlignment = .left, role: Role = .text) {
        self.text = text
        self.alignment = alignment
        self.role = role
    }

    /// Lines the text takes at `width`.
    public func lines(width: Int, context: RenderContext) -> [String] {
        TextFit.wrap(context.displayable(text), width: width)
    }

    public func render(into frame: inout Frame, area: Rect, context: RenderContext) {
        let area = area.intersection(frame.bounds)
        guard !area.isEmpty else { return }
        var lines = self.lines(width: area.width, context: context)
        if lines.count > area.height {
            lines = Array(lines.prefix(area.height))
            let last = lines[lines.count - 1]
            // Mark the cut so the reader knows there is more.
            let room = area.width - DisplayWidth.of(context.glyphs.ellipsis)
            lines[lines.count - 1] =
                (room > 0 ? TextFit.truncate(last, to: room, ellipsis: "") : "") + context.glyphs.ellipsis
        }
        let st = context.style(role)
        for (i, line) in lines.enumerated() {
            frame.write(
                TextFit.fit(line, width: area.width, alignment: alignment, ellipsis: context.glyphs.ellipsis),
                x: area.x, y: area.y + i, style: st, clip: area)
        }
    }
}
