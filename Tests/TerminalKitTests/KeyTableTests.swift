import Testing

@testable import TerminalKit

@Suite struct KeyTableTests {
    static let actions: [KeyAction] = [
        KeyAction(id: "quit", description: "Quit", keys: [.character("q")]),
        KeyAction(id: "help", description: "Help", keys: [.character("?")]),
        KeyAction(
            id: "down", description: "Down", keys: [.character("j"), .down], group: "Navigation", inFooter: false),
        KeyAction(id: "up", description: "Up", keys: [.character("k"), .up], group: "Navigation", inFooter: false),
        KeyAction(
            id: "stake", description: "Add stake", keys: [.character("s")], group: "Stake", scope: "stake",
            dangerous: true),
        KeyAction(id: "refresh", description: "Refresh", keys: [.character("r")], group: "Stake", scope: "stake"),
        KeyAction(
            id: "join", description: "Join market", keys: [.character("s")], group: "Markets", scope: "markets",
            dangerous: true),
    ]

    @Test func lookupAndScopes() throws {
        let t = try KeyTable(actions: Self.actions)
        #expect(t.actionID(for: .character("j")) == "down")
        #expect(t.actionID(for: .down) == "down")
        #expect(t.actionID(for: .character("s"), in: "stake") == "stake")
        #expect(t.actionID(for: .character("s"), in: "markets") == "join")
        #expect(t.actionID(for: .character("s")) == nil)
        // Global actions work in every scope.
        #expect(t.actionID(for: .character("q"), in: "stake") == "quit")
    }

    @Test func footerAndHelpAreGeneratedFromTheTable() throws {
        let t = try KeyTable(actions: Self.actions)
        #expect(
            t.footerHints(scope: "stake") == [
                KeyHint(keys: ["s"], description: "Add stake", group: "Stake"),
                KeyHint(keys: ["r"], description: "Refresh", group: "Stake"),
                KeyHint(keys: ["q"], description: "Quit", group: "General"),
                KeyHint(keys: ["?"], description: "Help", group: "General"),
            ])
        #expect(
            t.helpEntries(scopes: ["global"]) == [
                KeyHint(keys: ["q"], description: "Quit", group: "General"),
                KeyHint(keys: ["?"], description: "Help", group: "General"),
                KeyHint(keys: ["j", "↓"], description: "Down", group: "Navigation"),
                KeyHint(keys: ["k", "↑"], description: "Up", group: "Navigation"),
            ])
    }

    @Test func remapFromConfig() throws {
        let t = try KeyTable(actions: Self.actions, overrides: ["down": ["n", "C-n", "PgDn"], "quit": ["F10", "x"]])
        #expect(t.keys(for: "down") == [.character("n"), .control("n"), .pageDown])
        #expect(t.actionID(for: .character("j")) == nil)
        #expect(t.actionID(for: .function(10)) == "quit")
        #expect(
            t.helpEntries(scopes: ["global"]).first
                == KeyHint(keys: ["F10", "x"], description: "Quit", group: "General"))
    }

    @Test func keyNames() {
        let cases: [(String, Key)] = [
            ("j", .character("j")), ("G", .character("G")), ("Down", .down), ("down", .down), ("C-d", .control("d")),
            ("Ctrl-D", .control("d")), ("^u", .control("u")), ("F5", .function(5)), ("Enter", .enter), ("Esc", .escape),
            ("Tab", .tab), ("S-Tab", .backTab), ("Space", .character(" ")), ("PgUp", .pageUp), ("PageDown", .pageDown),
            ("Home", .home), ("Del", .delete), ("Backspace", .backspace), ("?", .character("?")),
            ("/", .character("/")),
        ]
        for (name, key) in cases { #expect(KeyName.parse(name) == key, "\(name)") }
        for bad in ["", "Dwn", "C-", "C-1", "F0", "F25", "é", "ctrl-é", "  "] {
            #expect(KeyName.parse(bad) == nil, "\(bad)")
        }
    }

    @Test func conflictIsAnErrorAtStart() {
        #expect(throws: KeyTableError(kind: .conflict(key: "j", scope: "global", actions: ["down", "up"]))) {
            try KeyTable(actions: Self.actions, overrides: ["up": ["j"]])
        }
        #expect(throws: KeyTableError(kind: .conflict(key: "s", scope: "stake", actions: ["stake", "refresh"]))) {
            try KeyTable(actions: Self.actions, overrides: ["refresh": ["s"]])
        }
    }

    @Test func unknownActionOrKeyNameIsAnError() {
        #expect(throws: KeyTableError(kind: .unknownAction("dwon", known: Self.actions.map(\.id)))) {
            try KeyTable(actions: Self.actions, overrides: ["dwon": ["j"]])
        }
        #expect(throws: KeyTableError(kind: .unknownKeyName(action: "down", name: "Dwn"))) {
            try KeyTable(actions: Self.actions, overrides: ["down": ["Dwn"]])
        }
        let e = KeyTableError(kind: .unknownKeyName(action: "down", name: "Dwn"))
        #expect(e.description.contains("unknown key name \"Dwn\""))
    }

    @Test func reservedAndAltGrCharactersCannotCarryActions() {
        for bad in ["[", "]", "{", "}", "\\", "|"] {
            #expect(throws: KeyTableError(kind: .reservedKey(action: "down", key: bad))) {
                try KeyTable(actions: Self.actions, overrides: ["down": [bad]])
            }
        }
        // Defaults are checked too, and non-ASCII (AltGr) characters are refused.
        #expect(throws: KeyTableError(kind: .reservedKey(action: "x", key: "€"))) {
            try KeyTable(actions: [KeyAction(id: "x", description: "X", keys: [.character("€")])])
        }
    }

    @Test func keysTheTerminalNeverDeliversAreRefused() {
        #expect(
            throws: KeyTableError(
                kind: .undeliverableKey(action: "quit", key: "C-c", reason: "the terminal turns it into SIGINT (quit)"))
        ) {
            try KeyTable(actions: Self.actions, overrides: ["quit": ["C-c"]])
        }
        for name in ["C-z", "C-s", "C-q", "C-h", "C-i", "C-j", "C-m"] {
            #expect(throws: KeyTableError.self, "\(name)") {
                try KeyTable(actions: Self.actions, overrides: ["quit": [name]])
            }
        }
        #expect(throws: Never.self) { try KeyTable(actions: Self.actions, overrides: ["quit": ["C-x"]]) }
    }

    @Test func readOnlyRemovesDangerousActionsEverywhere() throws {
        let t = try KeyTable(actions: Self.actions, readOnly: true)
        #expect(!t.contains("stake") && !t.contains("join"))
        #expect(t.actionID(for: .character("s"), in: "stake") == nil)
        #expect(t.footerHints(scope: "stake").map(\.description) == ["Refresh", "Quit", "Help"])
        #expect(!t.helpEntries().contains { $0.description == "Add stake" || $0.description == "Join market" })
        #expect(t.actions.allSatisfy { !$0.dangerous })
        // An override of a removed action is not an error (the config may set it for read-write use).
        #expect(throws: Never.self) { try KeyTable(actions: Self.actions, overrides: ["stake": ["S"]], readOnly: true) }
    }

    @Test func duplicateActionIdIsAnError() {
        #expect(throws: KeyTableError(kind: .duplicateAction("quit"))) {
            try KeyTable(actions: Self.actions + [KeyAction(id: "quit", description: "Q", keys: [.character("Q")])])
        }
    }
}
