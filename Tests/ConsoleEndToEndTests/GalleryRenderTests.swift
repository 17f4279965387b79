import Basics
import ConsoleApp
import TerminalKitTesting
import TestSupport
import Testing

@testable import TerminalKit

@Suite struct GalleryRenderTests {
    static let suite = "Gallery"
    static let unicode = RenderContext(capabilities: Capabilities(colorDepth: .indexed256, unicode: true))
    static let ascii = RenderContext(capabilities: Capabilities(colorDepth: .ansi8, unicode: false))

    static func gallery(_ w: Int, _ h: Int, seed: UInt64 = 7) -> WidgetGallery {
        var g = WidgetGallery(seed: seed)
        _ = g.update(.resize(Size(width: w, height: h)))
        return g
    }

    static func render(_ g: WidgetGallery, _ w: Int, _ h: Int, _ ctx: RenderContext = unicode) -> Frame {
        var f = Frame(width: w, height: h)
        g.render(into: &f, context: ctx)
        return f
    }

    static func press(_ g: inout WidgetGallery, _ keys: [Key]) {
        for k in keys { _ = g.update(.key(k)) }
    }

    static func chars(_ s: String) -> [Key] { s.map { Key.character($0) } }

    @Test func everyPageAtBothSizesAndASCII() throws {
        for (w, h, ctx, name) in [
            (120, 40, Self.unicode, "120x40"), (80, 24, Self.unicode, "80x24"), (80, 24, Self.ascii, "80x24-ascii"),
        ] {
            var g = Self.gallery(w, h)
            for page in 1...4 {
                Self.press(&g, Self.chars(String(page)))
                #expect(g.page.rawValue == page - 1)
                let f = Self.render(g, w, h, ctx)
                if !ctx.capabilities.unicode {
                    let isASCII = f.text().unicodeScalars.allSatisfy { $0.isASCII }
                    #expect(isASCII, "page \(page) is not ASCII-only")
                }
                try Snapshot.check(f.text() + "\n", named: "page\(page)-\(name)", suite: Self.suite)
            }
        }
    }

    @Test func sameSeedSameScreenAndTicksMoveData() {
        let a = Self.render(Self.gallery(100, 30, seed: 1), 100, 30)
        let b = Self.render(Self.gallery(100, 30, seed: 1), 100, 30)
        let c = Self.render(Self.gallery(100, 30, seed: 2), 100, 30)
        #expect(a == b)
        #expect(a != c)
        var g = Self.gallery(100, 30, seed: 1)
        #expect(g.tick() == .redraw)
        #expect(g.ticks == 1)
        #expect(Self.render(g, 100, 30) != a)
    }

    @Test func tableOfTenThousandRowsScrollsSortsAndFilters() {
        var g = Self.gallery(80, 24)
        Self.press(&g, [.character("2")])
        #expect(g.table.countText == "10000 of 10000")
        Self.press(&g, [.character("G")])
        #expect(g.table.selection == 9999)
        var f = Self.render(g, 80, 24)
        // The last row is on screen with the selection marker.
        #expect(
            (0..<24).contains {
                f.row($0).contains("› 10000") || f.row($0).contains("›  10000") || f.row($0).hasPrefix("│›  10000")
            })
        Self.press(&g, [.character("g"), .character("/")] + Self.chars("risc zero") + [.enter])
        let filtered = g.table.view.count
        #expect(filtered > 0 && filtered < 10000)
        #expect(g.table.view.allSatisfy { g.table.rows[$0][1] == "RISC Zero" })
        #expect(g.table.countText == "\(filtered) of 10000")
        // `q` while the filter line is open types a q instead of quitting.
        Self.press(&g, [.character("/")])
        #expect(g.update(.key(.character("q"))) == .redraw)
        #expect(g.table.filter == "risc zeroq")
        Self.press(&g, [.escape])
        #expect(g.table.filter == "")
        // Sort by #, Market, Job, Status, then Reward.
        Self.press(&g, Self.chars("sssss"))
        #expect(g.table.sortColumn == 4)
        let rewards = g.table.view.prefix(50).map { g.table.rows[$0][4] }
        #expect(rewards == rewards.sorted { TableOrder.compare($0, $1, .numeric) < 0 })
        f = Self.render(g, 80, 24)
        #expect(f.text().contains("sorted by Reward"))
        // Ages read `8h 55m` (never `535m`) and sort by their length, not their first number.
        Self.press(&g, Self.chars("s"))
        #expect(g.table.sortColumn == 5)
        let ages = g.table.view.map { g.table.rows[$0][5] }
        let minutesOnly = ages.filter { !$0.contains(" ") && $0.hasSuffix("m") }
        #expect(minutesOnly.allSatisfy { (Int($0.dropLast()) ?? 60) < 60 }, "an age in minutes over an hour")
        let seconds = ages.compactMap(HumanDuration.seconds)
        #expect(seconds.count == ages.count && seconds == seconds.sorted())
        // Enter opens a detail dialog with the whole job id; Esc closes it, and nothing says "cancelled" (a view
        // with only Close cancels nothing).
        let toastsBefore = g.toasts.toasts.count
        Self.press(&g, [.enter])
        #expect(g.modal != nil)
        let id = g.table.selectedRow?[2] ?? ""
        #expect(id.count == 10 && !id.contains("…") && g.modal?.message.contains("Job: \(id)\n") == true)
        Self.press(&g, [.escape])
        #expect(g.modal == nil)
        #expect(g.toasts.toasts.count == toastsBefore)
    }

    @Test func dangerousDialogFocusStartsOnCancel() throws {
        var g = Self.gallery(80, 24)
        Self.press(&g, [.character("d")])
        #expect(g.modal?.dangerous == true)
        #expect(g.modal?.buttons[g.modal?.focus ?? -1].kind == .cancel)
        let f = Self.render(g, 80, 24, Self.ascii)
        try Snapshot.check(f.text() + "\n", named: "danger-dialog-80x24-ascii", suite: Self.suite)
        Self.press(&g, [.enter])  // Enter on Cancel
        #expect(g.modal == nil)
        #expect(g.toasts.current?.message == "Unstake: cancelled")
        Self.press(&g, [.character("d"), .right, .enter])
        #expect(g.toasts.current?.message == "Unstake: Send")
        #expect(g.toasts.current?.severity == .warn)
    }

    @Test func formEditingValidationAndModes() throws {
        var g = Self.gallery(80, 24)
        Self.press(&g, [.character("3"), .enter])
        #expect(g.isEditingForm)
        Self.press(&g, Self.chars("rack-7") + [.tab] + Self.chars("40") + [.tab, .tab] + Self.chars("0x12"))
        // Digits and q typed into fields: still on the form page, not quit.
        #expect(g.page == .form)
        #expect(g.form.values["stake"] == "40")
        #expect(g.form.errors["stake"] == "must be at most 32 ETH")
        Self.press(&g, [.backTab, .backTab, .backspace, .tab, .tab])
        #expect(g.form.errors["stake"] == nil)
        Self.press(&g, [.escape, .character("v")])
        #expect(!g.isEditingForm)
        #expect(g.form.errors == ["reward": "address needs 40 hex digits after 0x, has 2"])
        #expect(g.toasts.current?.severity == .error)
        let f = Self.render(g, 80, 24)
        try Snapshot.check(f.text() + "\n", named: "form-errors-80x24", suite: Self.suite)
        Self.press(&g, [.character("1")])
        #expect(g.page == .overview)
    }

    @Test func helpOverlayToastsAndQuit() throws {
        var g = Self.gallery(80, 24)
        Self.press(&g, [.character("?")])
        #expect(g.help != nil)
        let f = Self.render(g, 80, 24)
        try Snapshot.check(f.text() + "\n", named: "help-80x24", suite: Self.suite)
        #expect(g.update(.key(.character("q"))) == .redraw)  // q closes help first
        #expect(g.help == nil)
        Self.press(&g, [.character("t")])
        #expect(g.toasts.current?.severity == .info)
        for _ in 0..<3 { _ = g.tick() }
        #expect(g.toasts.current != nil)
        _ = g.tick()
        #expect(g.toasts.current == nil)  // 4 ticks of lifetime
        #expect(g.update(.key(.tab)) == .redraw)
        #expect(g.page == .table)
        #expect(g.update(.key(.backTab)) == .redraw)
        #expect(g.update(.key(.character("q"))) == .quit)
    }

    @Test func selectedRowHasMarkerAndSelectionStyle() {
        var g = Self.gallery(80, 24)
        Self.press(&g, Self.chars("2jj"))
        let f = Self.render(g, 80, 24)
        let theme = Self.unicode.theme
        // Header on row 2 (below the tab bar and the box border); data from row 3; the third row is selected.
        let y = 5
        #expect(f.row(y).hasPrefix("│›     3 "))
        #expect(f[1, y].style == theme[.selection])
        #expect(f[40, y].style == theme[.selection])
        #expect(f[1, y - 1].style == theme[.text])
        #expect(f[3, 2].style == theme[.header])
        #expect(f[0, y].style == theme[.borderFocused])
        #expect(f[0, 23].style == theme[.keyHint])
    }

    @Test func tinyScreensNeverCrash() {
        for (w, h) in [(0, 0), (1, 1), (2, 2), (10, 3), (30, 8), (59, 19)] {
            var g = Self.gallery(w, h)
            for keys in [["1"], ["2", "G"], ["3"], ["4"], ["?"], ["m"]] {
                Self.press(&g, keys.map { Key.character(Character($0)) })
                for ctx in [Self.unicode, Self.ascii] {
                    let f = Self.render(g, w, h, ctx)
                    #expect(f.size == Size(width: w, height: h))
                }
                Self.press(&g, [.escape, .escape])
            }
        }
    }

    @Test func defaultKeyTableIsValidAndCoversEveryScope() throws {
        let keys = try KeyTable(actions: WidgetGallery.actions())
        #expect(
            Set(keys.actions.map(\.scope)) == [
                "global", "table", "form", "dialog", "help", "filter", "editing", "editing.text", "editing.choice",
                "editing.toggle",
            ])
        // Every action id is a case of the gallery's typed action enum, and every case is bound.
        #expect(keys.actions.map(\.id).sorted() == WidgetGallery.Action.allCases.map(\.rawValue).sorted())
        #expect(keys.actions.filter(\.dangerous).map(\.id) == ["unstake"])
        #expect(keys.actionID(for: .character("j"), in: WidgetGallery.tableScope) == "table.down")
        #expect(keys.actionID(for: .character("q"), in: WidgetGallery.tableScope) == "quit")
        #expect(keys.actionID(for: .escape, in: WidgetGallery.tableScope) == "table.clearFilter")
        #expect(keys.actionID(for: .escape) == "dismiss")
    }

    @Test func formTabMovesBetweenFieldsEnterConfirmsAndOnlySubmitValidatesAll() {
        var g = Self.gallery(80, 24)
        Self.press(&g, [.character("3"), .enter])
        #expect(g.isEditingForm)
        // Tab and Shift-Tab move between fields while the form has focus, not between pages.
        Self.press(&g, [.tab, .tab, .backTab])
        #expect(g.page == .form)
        #expect(g.form.focus == 1)
        // Enter on the empty required stake shows only its error and moves on.
        Self.press(&g, [.enter])
        #expect(g.form.focus == 2)
        #expect(g.form.errors == ["stake": "required"])
        Self.press(&g, [.enter, .enter])
        #expect(g.form.focus == 4)
        #expect(g.form.errors == ["stake": "required", "reward": "required"])
        #expect(g.toasts.current == nil)
        // The submit action validates the whole form (the name was never visited).
        Self.press(&g, [.alt("s")])
        #expect(g.form.errors == ["name": "required", "stake": "required", "reward": "required"])
        #expect(g.toasts.current?.message == "3 fields need attention")
        #expect(g.isEditingForm)
    }

    @Test func choiceAndToggleFieldsTakeTheirKeysFromTheKeyTable() {
        var g = Self.gallery(100, 30)
        Self.press(&g, [.character("3"), .enter, .backTab])
        #expect(g.form.focus == 5)  // the last field, "Auto-accept jobs"
        func footer() -> String {
            var row = Self.render(g, 100, 30).row(29)
            while row.last == " " { row.removeLast() }
            return row
        }
        #expect(footer().hasPrefix("Space Switch on/off  Tab Next field"))
        Self.press(&g, [.character(" ")])
        #expect(g.form.values["auto"] == "false")
        Self.press(&g, [.backTab])
        #expect(footer().hasPrefix("→/← Choose  Tab Next field"))
        Self.press(&g, [.right, .character("l"), .left])
        #expect(g.form.values["market"] == "tx-batch")  // the second market
        // On a text field the same letters are text.
        Self.press(&g, [.backTab, .character("l"), .character(" ")])
        #expect(g.form.values["reward"] == "")  // the address rule refuses both
        Self.press(&g, [.backTab, .backTab, .backTab, .character("l"), .character(" ")])
        #expect(g.form.values["name"] == "l ")
    }

    @Test func lineEditingKeysAreRemappable() throws {
        let keys = try KeyTable(
            actions: WidgetGallery.actions(), overrides: ["text.deleteToStart": ["C-w"], "filter.deleteBack": ["C-b"]])
        var g = WidgetGallery(seed: 7, keys: keys)
        _ = g.update(.resize(Size(width: 80, height: 24)))
        Self.press(&g, [.character("3"), .enter] + Self.chars("rack-7") + [.control("u")])
        #expect(g.form.values["name"] == "rack-7")  // C-u is no longer bound, and not text
        Self.press(&g, [.left, .control("w")])
        #expect(g.form.values["name"] == "7")
        Self.press(&g, [.escape, .character("2"), .character("/")] + Self.chars("ab") + [.backspace])
        #expect(g.table.filter == "ab")
        Self.press(&g, [.control("b")])
        #expect(g.table.filter == "a")
    }

    @Test func everyFooterComesFromTheKeyTable() throws {
        let keys = try KeyTable(
            actions: WidgetGallery.actions(),
            overrides: ["help.down": ["n"], "editing.confirm": ["F2"], "filter.keep": ["F3"], "help.close": ["x"]])
        var g = WidgetGallery(seed: 7, keys: keys)
        _ = g.update(.resize(Size(width: 100, height: 30)))
        func footer() -> String {
            var row = Self.render(g, 100, 30).row(29)
            while row.last == " " { row.removeLast() }
            return row
        }
        Self.press(&g, [.character("?")])
        #expect(footer() == "n/k Scroll  x Close")
        let top = g.help?.scroll
        Self.press(&g, [.character("j")])
        #expect(g.help?.scroll == top)  // j is no longer bound in help
        Self.press(&g, [.character("x"), .character("2"), .character("/")])
        #expect(g.help == nil)
        #expect(footer() == "F3 Keep filter  Esc Clear")
        Self.press(&g, [.character("r"), .function(3)])
        #expect(!g.table.isEditingFilter && g.table.filter == "r")
        Self.press(&g, [.character("3"), .enter])
        #expect(footer() == "Tab Next field  F2 Confirm field  M-s Submit  Esc Stop editing")
        Self.press(&g, [.function(2)])
        #expect(g.form.focus == 1)
        // Enter, no longer bound, is input the text field ignores: it does not confirm.
        Self.press(&g, [.enter])
        #expect(g.form.focus == 1)
    }

    @Test func conflictingRemapIsRejected() {
        #expect(throws: KeyTableError(kind: .conflict(key: "j", scope: "table", actions: ["table.down", "table.up"]))) {
            try KeyTable(actions: WidgetGallery.actions(), overrides: ["table.up": ["j"]])
        }
        #expect(throws: KeyTableError(kind: .unknownAction("nope", known: WidgetGallery.actions().map(\.id)))) {
            try KeyTable(actions: WidgetGallery.actions(), overrides: ["nope": ["z"]])
        }
    }

    @Test func remappedKeysDriveTheWidgets() throws {
        let keys = try KeyTable(
            actions: WidgetGallery.actions(),
            overrides: ["quit": ["x"], "table.down": ["n"], "dialog.cancel": ["c"], "help": ["F1"]])
        var g = WidgetGallery(seed: 7, keys: keys)
        _ = g.update(.resize(Size(width: 80, height: 24)))
        #expect(g.update(.key(.character("q"))) == .none)
        Self.press(&g, Self.chars("2j"))
        #expect(g.table.selection == 0)
        Self.press(&g, Self.chars("n"))
        #expect(g.table.selection == 1)
        // Text typed into the filter is never remapped: n and x are letters there.
        Self.press(&g, Self.chars("/nx"))
        #expect(g.table.filter == "nx")
        Self.press(&g, [.escape])
        #expect(g.table.filter == "" && !g.table.isEditingFilter)
        // The dialog takes its remapped cancel key; the old Esc does nothing.
        Self.press(&g, Self.chars("m"))
        #expect(g.update(.key(.escape)) == .none)
        #expect(g.modal != nil)
        Self.press(&g, Self.chars("c"))
        #expect(g.modal == nil)
        #expect(g.toasts.current?.message == "Refresh: cancelled")
        let f = Self.render(g, 80, 24)
        #expect(f.row(23).contains("F1 Help"))
        Self.press(&g, [.character("?")])
        #expect(g.help == nil)
        Self.press(&g, [.function(1)])
        #expect(g.help?.hints.contains(KeyHint(keys: ["x"], description: "Quit", group: "General")) == true)
        Self.press(&g, [.function(1)])
        #expect(g.help == nil)
        #expect(g.update(.key(.character("x"))) == .quit)
    }

    @Test func readOnlyDropsTheDangerousAction() throws {
        let keys = try KeyTable(actions: WidgetGallery.actions(), readOnly: true)
        var g = WidgetGallery(seed: 7, keys: keys)
        _ = g.update(.resize(Size(width: 120, height: 40)))
        #expect(g.update(.key(.character("d"))) == .none)
        #expect(g.modal == nil)
        var text = Self.render(g, 120, 40).text()
        #expect(!text.contains("Unstake"))
        #expect(text.contains("read-only"))
        #expect(text.contains("m Dialog  t Toast  q Quit"))
        Self.press(&g, [.character("?")])
        #expect(g.help?.hints.contains { $0.description.contains("Unstake") } == false)
        #expect(g.help?.hints.isEmpty == false)
        Self.press(&g, [.escape, .character("4")])
        text = Self.render(g, 120, 40).text()
        #expect(text.contains("m opens a dialog (focus starts on Cancel"))
    }
}

/// The account-address rule the console supplies to TerminalKit's text fields.
@Suite struct AccountAddressRuleTests {
    static func type(_ text: String, into field: inout TextField) {
        for c in text { field.insert(c) }
    }

    @Test func shapeTypingFilterAndInjectedValidator() {
        let checksum: FieldValidator = { $0.dropFirst(2).contains("A") ? nil : "checksum: mixed case expected" }
        var f = TextField(id: "a", label: "Address", kind: .rule(.accountAddress), validators: [checksum])
        Self.type("x0xx12g", into: &f)  // x only right after the leading 0, no g
        #expect(f.text == "0x12")
        #expect(f.validate() == "address needs 40 hex digits after 0x, has 2")
        f.setText("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed")  // the EIP-55 example address
        #expect(f.validate() == nil)
        f.setText("0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed")
        #expect(f.validate() == "checksum: mixed case expected")
        f.setText("5aaeb6053f3e94c9b9a09f33669435e7ef1beaed")
        #expect(f.validate() == "address must start with 0x")
        f.setText("0x5aaeb6053f3e94c9b9a09f33669435e7ef1beazz")
        #expect(f.validate() == "not a hex digit: 'z'")
        Self.type("00", into: &f)  // 42 characters is the cap
        #expect(f.text.count == 42)
    }
}
