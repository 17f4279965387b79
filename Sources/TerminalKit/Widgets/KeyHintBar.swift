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
