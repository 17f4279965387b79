/// Key names as written in configuration files and shown in help: "j", "Down", "C-d", "F5", "Enter".
enum KeyName {
    static let named: [String: Key] = [
        "up": .up, "down": .down, "left": .left, "right": .right,
        "home": .home, "end": .end, "pgup": .pageUp, "pageup": .pageUp, "pgdn": .pageDown, "pagedown": .pageDown,
        "ins": .insert, "insert": .insert, "del": .delete, "delete": .delete,
        "enter": .enter, "return": .enter, "esc": .escape, "escape": .escape, "tab": .tab,
        "s-tab": .backTab, "backtab": .backTab, "shift-tab": .backTab,
        "bksp": .backspace, "backspace": .backspace, "space": .character(" "),
        "↑": .up, "↓": .down, "←": .left, "→": .right,
    ]

    /// Characters no core action may use: they need AltGr on many keyboard layouts (UX.md, Keys).
    static let reservedCharacters: Set<Character> = ["[", "]", "{", "}", "\\", "|"]

    /// The key a name stands for, or nil. Single printable characters stand for themselves and are
    /// case-sensitive ("G" is shift-g); `C-x`/`Ctrl-x`/`^x` is Ctrl plus a letter; `F1`–`F24`.
    static func parse(_ name: String) -> Key? {
        if name.count == 1, let c = name.first {
            if let k = named[name] { return k }
            if c.isASCII, let v = c.asciiValue, v >= 0x21, v < 0x7f { return .character(c) }
            return nil
        }
        let lower = name.lowercased()
        if let k = named[lower] { return k }
        for prefix in ["m-", "alt-", "alt+", "meta-"] where lower.hasPrefix(prefix) {
            // The character keeps its case: M-x and M-X are different keys.
            let rest = name.dropFirst(prefix.count)
            guard rest.count == 1, let c = rest.first, let v = c.asciiValue, v >= 0x21, v < 0x7f else { return nil }
            return .alt(c)
        }
        for prefix in ["c-", "ctrl-", "ctrl+", "^"] where lower.hasPrefix(prefix) {
            let rest = lower.dropFirst(prefix.count)
            if rest.count == 1, let c = rest.first, c.isASCII, c.isLetter { return .control(c) }
            return nil
        }
        if lower.hasPrefix("f"), let n = Int(lower.dropFirst()), (1...24).contains(n) { return .function(n) }
        return nil
    }

    /// Ctrl combinations a program in cbreak mode never receives as keys, and why.
    static let undeliverableControls: [Character: String] = [
        "c": "the terminal turns it into SIGINT (quit)", "z": "the terminal turns it into SIGTSTP (suspend)",
        "s": "the terminal uses it for flow control (XOFF)", "q": "the terminal uses it for flow control (XON)",
        "h": "terminals send it as Backspace", "i": "terminals send it as Tab", "j": "terminals send it as Enter",
        "m": "terminals send it as Enter",
    ]

    /// Why `key` can never arrive as a key press, or nil when it can.
    static func whyUndeliverable(_ key: Key) -> String? {
        guard case .control(let c) = key else { return nil }
        return undeliverableControls[c]
    }

    /// Whether `key` may carry a core action: no AltGr characters (anything beyond ASCII) and none of
    /// `[ ] { } \ |`.
    static func isAllowedForActions(_ key: Key) -> Bool {
        switch key {
        case .character(let c), .alt(let c): return c.isASCII && !reservedCharacters.contains(c)
        default: return true
        }
    }
}
