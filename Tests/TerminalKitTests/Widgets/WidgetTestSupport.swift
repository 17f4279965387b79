import TerminalKitTesting

@testable import TerminalKit

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

    /// Style runs per row named by the roles of `W.theme` (`row 3: 0-9 selection, 10-20 text`).
    static func styleDump(_ f: Frame) -> String { StyleDump.runs(f, naming: StyleDump.roles(of: theme)) }

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
    static func dump(_ f: Frame) -> String { StyleDump.dump(f, naming: StyleDump.roles(of: theme)) }
}
