/// How many colours the terminal can show, best first (the colour ladder).
public enum ColorDepth: Int, Comparable, Sendable, CaseIterable {
    case monochrome = 0
    case ansi8 = 8
    case ansi16 = 16
    case indexed256 = 256
    case trueColor = 16_777_216

    public static func < (a: ColorDepth, b: ColorDepth) -> Bool { a.rawValue < b.rawValue }
}

/// What the terminal can show; decided once at start from terminfo, locale and flags.
public struct Capabilities: Sendable, Equatable {
    public var colorDepth: ColorDepth
    /// UTF-8 output (boxes, braille); false means ASCII fallbacks everywhere.
    public var unicode: Bool
    /// Braille patterns can be shown (false on the Linux console, whose fonts lack them); charts then
    /// fall back to block characters.
    public var braille: Bool

    public init(colorDepth: ColorDepth, unicode: Bool, braille: Bool = true) {
        self.colorDepth = colorDepth
        self.unicode = unicode
        self.braille = braille
    }

    public var glyphs: Glyphs {
        var g: Glyphs = unicode ? .unicode : .ascii
        if !braille { g.braille = false }
        return g
    }
}

/// The characters widgets draw structure with, in a Unicode and an ASCII set.
public struct Glyphs: Sendable, Equatable {
    public var horizontal, vertical, topLeft, topRight, bottomLeft, bottomRight: Character
    public var teeLeft, teeRight, teeUp, teeDown, cross: Character
    public var ellipsis: String
    public var check, cross_, bullet, arrowUp, arrowDown, arrowRight: Character
    public var blockFull: Character
    public var shadeLight: Character
    /// Whether braille / eighth-block characters may be used for charts.
    public var braille: Bool
    public var blocks: Bool

    public static let unicode = Glyphs(
        horizontal: "─", vertical: "│", topLeft: "┌", topRight: "┐", bottomLeft: "└", bottomRight: "┘",
        teeLeft: "├", teeRight: "┤", teeUp: "┴", teeDown: "┬", cross: "┼",
        ellipsis: "…", check: "✓", cross_: "✗", bullet: "•", arrowUp: "▲", arrowDown: "▼", arrowRight: "›",
        blockFull: "█", shadeLight: "░", braille: true, blocks: true)

    public static let ascii = Glyphs(
        horizontal: "-", vertical: "|", topLeft: "+", topRight: "+", bottomLeft: "+", bottomRight: "+",
        teeLeft: "+", teeRight: "+", teeUp: "+", teeDown: "+", cross: "+",
        ellipsis: "~", check: "x", cross_: "!", bullet: "*", arrowUp: "^", arrowDown: "v", arrowRight: ">",
        blockFull: "#", shadeLight: ".", braille: false, blocks: false)
}

/// Everything a widget needs to draw: theme and glyphs.
public struct RenderContext: Sendable {
    public var theme: Theme
    public var capabilities: Capabilities
    public var glyphs: Glyphs { capabilities.glyphs }

    public init(theme: Theme = .builtinDefault, capabilities: Capabilities) {
        self.theme = theme
        self.capabilities = capabilities
    }
}
