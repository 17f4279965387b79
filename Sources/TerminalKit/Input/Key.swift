/// A key press as the application sees it, independent of curses key codes.
public enum Key: Hashable, Sendable, CustomStringConvertible {
    case character(Character)
    /// Ctrl plus a letter, lower-case (`.control("c")`).
    case control(Character)
    case up, down, left, right
    case home, end, pageUp, pageDown, insert, delete
    case enter, escape, tab, backTab, backspace
    case function(Int)
    /// Alt (Meta) plus a printable character, sent by terminals as ESC followed by the character.
    case alt(Character)

    /// The name shown in help and footers ("↑", "Enter", "C-c", "F5", "q").
    public var description: String {
        switch self {
        case .character(" "): return "Space"
        case .character(let c): return String(c)
        case .control(let c): return "C-\(c)"
        case .up: return "↑"
        case .down: return "↓"
        case .left: return "←"
        case .right: return "→"
        case .home: return "Home"
        case .end: return "End"
        case .pageUp: return "PgUp"
        case .pageDown: return "PgDn"
        case .insert: return "Ins"
        case .delete: return "Del"
        case .enter: return "Enter"
        case .escape: return "Esc"
        case .tab: return "Tab"
        case .backTab: return "S-Tab"
        case .backspace: return "Bksp"
        case .function(let n): return "F\(n)"
        case .alt(let c): return "M-\(c)"
        }
    }
}

/// What reaches the application from the terminal.
package enum InputEvent: Hashable, Sendable {
    case key(Key)
    case resize(Size)
}

/// One line of generated help / footer: the keys bound to an action and what it does.
public struct KeyHint: Hashable, Sendable {
    public var keys: [String]
    public var description: String
    public var group: String

    public init(keys: [String], description: String, group: String = "") {
        self.keys = keys
        self.description = description
        self.group = group
    }
}
