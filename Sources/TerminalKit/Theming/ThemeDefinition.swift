/// A theme as written in a file: base role styles plus optional per-colour-depth overrides.
public struct ThemeDefinition: Sendable, Equatable {
    public var name: String
    public var background: Color
    /// Styles for every role (roles the file leaves out come from the built-in default theme).
    public var styles: [Role: Style]
    /// Replacement styles used only at one colour depth (e.g. hand-picked 16-colour or monochrome looks).
    public var overrides: [ColorDepth: [Role: Style]]

    public init(
        name: String, background: Color = .default, styles: [Role: Style], overrides: [ColorDepth: [Role: Style]] = [:]
    ) {
        self.name = name
        self.background = background
        self.styles = styles
        self.overrides = overrides
    }

    /// The built-in default theme as a definition.
    public static let builtin = ThemeDefinition(name: Theme.builtinDefault.name, styles: Theme.builtinDefault.styles)

    /// The theme to use at `depth`: overrides for that depth replace base styles, then every colour
    /// is reduced so the terminal can show it (`Theme.adapted(to:)`).
    public func theme(for caps: Capabilities) -> Theme {
        var s = styles
        for (role, style) in overrides[caps.colorDepth] ?? [:] { s[role] = style }
        return Theme(name: name, styles: s, background: background).adapted(to: caps)
    }
}

extension Theme {
    /// Attributes that carry a role's meaning when there is no colour, so nothing relies on colour
    /// alone: selection reverse, emphasis bold, de-emphasis dim.
    public static let monochromeAttributes: [Role: Attributes] = [
        .selection: .reverse, .toast: .reverse,
        .accent: .bold, .title: .bold, .keyHint: .bold, .borderFocused: .bold, .header: [.bold, .underline],
        .error: .bold, .inputError: [.bold, .underline], .warn: .bold,
        .muted: .dim, .border: .dim, .inputPlaceholder: .dim, .gaugeEmpty: .dim,
    ]

    /// This theme reduced to what `caps` can show. In monochrome every colour is dropped and each
    /// role's meaning moves into attributes (`monochromeAttributes`); the background goes transparent.
    public func adapted(to caps: Capabilities) -> Theme {
        var out = self
        let depth = caps.colorDepth
        for role in Role.allCases {
            var st = self[role]
            if depth == .monochrome {
                st = Style(attributes: st.attributes.union(Self.monochromeAttributes[role] ?? []))
            } else {
                st = ColorReduction.reduce(st, to: depth)
            }
            out.styles[role] = st
        }
        out.background = depth == .monochrome ? .default : ColorReduction.reduce(background, to: depth)
        return out
    }

    /// Paints the theme background (and the text colour) into cells that use the terminal default.
    public func applyBackground(to frame: inout Frame) {
        guard background != .default else { return }
        let fg = self[.text].foreground
        for y in 0..<frame.height {
            for x in 0..<frame.width {
                var c = frame[x, y]
                var changed = false
                if c.style.background == .default {
                    c.style.background = background
                    changed = true
                }
                if c.style.foreground == .default && fg != .default {
                    c.style.foreground = fg
                    changed = true
                }
                if changed { frame[x, y] = c }
            }
        }
    }
}
