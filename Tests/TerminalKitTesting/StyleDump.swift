import TerminalKit

/// The one text form of a frame with its styles, for snapshots: the text, a `---- styles` line, then
/// per row the runs of equal style that are not plain, `row 3: 0-9 selection, 10-20 fg=6 bold`
/// (columns inclusive). Rows that are all plain are left out.
public enum StyleDump {
    /// How a style is named in the dump; nil for plain (left out).
    public typealias Naming = @Sendable (Style) -> String?

    /// Styles as written: `fg=6 bg=i236 bold` (what reached the screen, whatever the theme).
    public static let styles: Naming = { $0 == .plain ? nil : $0.shortDescription }

    /// Styles by the role of `theme` they come from (first role in declaration order with that style),
    /// `role+reverse` for a role's style reversed, the style itself otherwise.
    public static func roles(of theme: Theme) -> Naming {
        { style in roleName(style, theme) }
    }

    private static func roleName(_ style: Style, _ theme: Theme) -> String? {
        if style == .plain { return nil }
        for r in Role.allCases where theme.styles[r] == style { return r.rawValue }
        var base = style
        base.attributes = []
        if style.attributes.contains(.reverse), let b = roleName(base, theme) { return b + "+reverse" }
        return style.shortDescription
    }

    /// The text, a separator and the style runs.
    public static func dump(_ frame: Frame, naming: Naming = styles) -> String {
        frame.text() + "\n---- styles\n" + runs(frame, naming: naming) + "\n"
    }

    /// Only the style runs, one line per row that has any.
    public static func runs(_ frame: Frame, naming: Naming = styles) -> String {
        var lines: [String] = []
        for y in 0..<frame.height {
            var runs: [String] = []
            var x = 0
            while x < frame.width {
                let style = frame[x, y].style
                var end = x + 1
                while end < frame.width && frame[end, y].style == style { end += 1 }
                if let name = naming(style) { runs.append("\(x)-\(end - 1) \(name)") }
                x = end
            }
            if !runs.isEmpty { lines.append("row \(y): " + runs.joined(separator: ", ")) }
        }
        return lines.joined(separator: "\n")
    }
}
