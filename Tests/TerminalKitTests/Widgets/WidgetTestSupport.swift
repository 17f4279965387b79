import TerminalKit

/// Contexts and dumps shared by the widget tests.
enum W {
    /// A theme giving every role its own style, so style dumps name roles unambiguously.
    static let theme = Theme(
        name: "test",
        styles: Dictionary(
            uniqueKeysWithValues: Role.allCases.enumerated().map { i, r in
                (r, Style(foreground: .indexed(UInt8(16 + i))))
            }))
    static let unicode = RenderContext(theme: theme, capabilities: Capabilities(colorDepth: .indexed256, unicode: true))
    static let ascii = RenderContext(theme: theme, capabilities: Capabilities(colorDepth: .indexed256, unicode: false))

    /// A frame of `width`×`height` after `draw` ran on it.
    static func frame(_ width: Int, _ height: Int, _ draw: (inout Frame) -> Void) -> Frame {
        var f = Frame(width: width, height: height)
        draw(&f)
        return f
    }

    /// The theme role whose style equals `style` (first in declaration order), or `plain`.
    static func roleName(_ style: Style, theme: Theme = W.theme) -> String {
        if style == .plain { return "plain" }
        for r in Role.allCases where theme.styles[r] == style { return r.rawValue }
        var base = style
        base.attributes = []
        if style.attributes.contains(.reverse) { return roleName(base, theme: theme) + "+reverse" }
        let s = "fg\(style.foreground) bg\(style.background) attr\(style.attributes.rawValue)"
        return s
    }

    /// Style runs per row, `row 3: 0-9 selection, 10-20 text`, skipping rows that are all plain.
    static func styleDump(_ f: Frame) -> String {
        var lines: [String] = []
        for y in 0..<f.height {
            var runs: [String] = []
            var start = 0
            var current = roleName(f[0, y].style)
            for x in 1...max(1, f.width) {
                let name = x < f.width ? roleName(f[x, y].style) : ""
                if name != current || x == f.width {
                    if current != "plain" { runs.append("\(start)-\(x - 1) \(current)") }
                    start = x
                    current = name
                }
            }
            if !runs.isEmpty { lines.append("row \(y): " + runs.joined(separator: ", ")) }
        }
        return lines.joined(separator: "\n")
    }

    /// A rule supplied the way an application supplies one: `0x` and 8 hex digits (a test shape; the
    /// widget library knows no real one).
    static let hexTag = TextRule(
        maxLength: 10,
        accepts: { c, text, cursor in
            if c == "x" { return cursor == 1 && text == "0" }
            return c.isHexDigit && c.isASCII
        },
        validate: { text in
            guard text.hasPrefix("0x") else { return "must start with 0x" }
            return text.count == 10 ? nil : "needs 8 hex digits after 0x, has \(text.count - 2)"
        })

    /// Whether every character of the frame is ASCII.
    static func isASCII(_ f: Frame) -> Bool { f.text().unicodeScalars.allSatisfy { $0.isASCII } }

    /// Text plus style runs, for one snapshot file.
    static func dump(_ f: Frame) -> String { f.text() + "\n---- styles\n" + styleDump(f) + "\n" }
}
