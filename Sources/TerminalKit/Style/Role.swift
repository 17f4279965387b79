/// Semantic roles that widgets draw with; a `Theme` maps each to a concrete `Style`.
public enum Role: String, CaseIterable, Hashable, Sendable, Codable {
    case text, muted, accent, title, border, borderFocused
    case selection, header, footer, keyHint
    case ok, warn, error, pending, info
    case inputText, inputPlaceholder, inputError
    case chart1, chart2, chart3, chart4
    case gaugeFill, gaugeEmpty
    case modalBackground, toast
}

/// A resolved theme: role → style. Loading theme files and reducing colours is the terminal layer's job;
/// widgets only look roles up here.
public struct Theme: Sendable, Equatable {
    public var name: String
    public var styles: [Role: Style]
    /// The screen background; `.default` keeps the terminal's own (transparent) background.
    public var background: Color

    public init(name: String, styles: [Role: Style], background: Color = .default) {
        self.name = name
        self.styles = styles
        self.background = background
    }

    /// The style for `role`, falling back to `.text`, then plain.
    public subscript(role: Role) -> Style {
        styles[role] ?? styles[.text] ?? .plain
    }

    /// Built-in dark theme, used when no theme file is given or a theme file is broken.
    public static let builtinDefault = Theme(
        name: "default",
        styles: [
            .text: Style(),
            .muted: Style(foreground: .ansi(8)),
            .accent: Style(foreground: .ansi(6), attributes: .bold),
            .title: Style(foreground: .ansi(15), attributes: .bold),
            .border: Style(foreground: .ansi(8)),
            .borderFocused: Style(foreground: .ansi(6)),
            .selection: Style(foreground: .ansi(0), background: .ansi(6)),
            .header: Style(attributes: [.bold, .underline]),
            .footer: Style(foreground: .ansi(7)),
            .keyHint: Style(foreground: .ansi(6), attributes: .bold),
            .ok: Style(foreground: .ansi(2)),
            .warn: Style(foreground: .ansi(3)),
            .error: Style(foreground: .ansi(1), attributes: .bold),
            .pending: Style(foreground: .ansi(5)),
            .info: Style(foreground: .ansi(4)),
            .inputText: Style(attributes: .underline),
            .inputPlaceholder: Style(foreground: .ansi(8), attributes: .underline),
            .inputError: Style(foreground: .ansi(1)),
            .chart1: Style(foreground: .ansi(6)),
            .chart2: Style(foreground: .ansi(5)),
            .chart3: Style(foreground: .ansi(3)),
            .chart4: Style(foreground: .ansi(2)),
            .gaugeFill: Style(foreground: .ansi(6)),
            .gaugeEmpty: Style(foreground: .ansi(8)),
            .modalBackground: Style(),
            .toast: Style(attributes: .reverse),
        ])
}
