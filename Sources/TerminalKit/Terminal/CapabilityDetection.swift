/// What is known about a terminal before choosing capabilities: terminfo numbers, environment, flags.
struct TerminalProbe: Sendable, Equatable {
    /// terminfo `colors` (-1 or 0 when absent).
    var colors: Int
    /// terminfo `RGB` flag: colour numbers are 24-bit RGB values (direct colour). Informational: the
    /// `colors` number (2^24 for direct-colour entries) decides.
    var directColor: Bool
    /// The locale's character set after `setlocale(LC_ALL, "")` (nl_langinfo(CODESET)), if known.
    var codeset: String?
    /// The process environment (NO_COLOR, COLORTERM, LANG, LC_ALL, LC_CTYPE are read).
    var environment: [String: String]
    /// `--no-color` was given.
    var noColorFlag: Bool
    /// `--ascii` was given.
    var asciiFlag: Bool
    /// The terminal type (TERM), if known.
    var term: String?

    init(
        colors: Int, directColor: Bool = false, codeset: String? = nil, environment: [String: String] = [:],
        noColorFlag: Bool = false, asciiFlag: Bool = false, term: String? = nil
    ) {
        self.colors = colors
        self.directColor = directColor
        self.codeset = codeset
        self.environment = environment
        self.noColorFlag = noColorFlag
        self.asciiFlag = asciiFlag
        self.term = term
    }
}

extension Capabilities {
    /// Chooses the colour depth and character set for a probed terminal.
    ///
    /// Colour: `--no-color` or a non-empty `NO_COLOR` (no-color.org) gives monochrome; otherwise the
    /// terminfo `colors` number picks the rung of the ladder. Truecolor needs a direct-colour terminfo
    /// entry (RGB flag, e.g. `xterm-direct`), because curses can only send colours its terminfo
    /// describes: `COLORTERM=truecolor` with a 256-colour entry stays at 256 colours.
    /// Characters: UTF-8 when the locale's codeset (or, if unknown, `LC_ALL`/`LC_CTYPE`/`LANG`) is
    /// UTF-8, unless `--ascii`.
    static func detect(_ p: TerminalProbe) -> Capabilities {
        Capabilities(colorDepth: detectColorDepth(p), unicode: detectUnicode(p), braille: detectBraille(p))
    }

    static func detectColorDepth(_ p: TerminalProbe) -> ColorDepth {
        if p.noColorFlag { return .monochrome }
        if let nc = p.environment["NO_COLOR"], !nc.isEmpty { return .monochrome }
        // Direct colour: terminfo says colour numbers are packed RGB values (COLORS = 2^24).
        if p.colors >= 1 << 24 { return .trueColor }
        if p.colors >= 256 { return .indexed256 }
        if p.colors >= 16 { return .ansi16 }
        if p.colors >= 8 { return .ansi8 }
        return .monochrome
    }

    /// The Linux console's fonts have box drawing but no braille patterns.
    static func detectBraille(_ p: TerminalProbe) -> Bool {
        detectUnicode(p) && !(p.term ?? "").hasPrefix("linux")
    }

    static func detectUnicode(_ p: TerminalProbe) -> Bool {
        if p.asciiFlag { return false }
        func isUTF8(_ s: String) -> Bool {
            let l = s.lowercased()
            return l.contains("utf-8") || l.contains("utf8")
        }
        if let cs = p.codeset, !cs.isEmpty { return isUTF8(cs) }
        for name in ["LC_ALL", "LC_CTYPE", "LANG"] {
            if let v = p.environment[name], !v.isEmpty { return isUTF8(v) }
        }
        return false
    }
}
