import TerminalKit

/// The gallery's key table: its actions (the only source of bindings, footer and help) and scopes.
extension WidgetGallery {
    /// Scopes of the gallery's key table besides the global one: one per page with its own keys, and
    /// one per mode that takes the keys while it lasts (help, the table's filter line, form editing,
    /// a dialog).
    public static let tableScope = "table"
    public static let formScope = "form"
    public static let dialogScope = "dialog"
    public static let helpScope = "help"
    public static let filterScope = "filter"
    public static let editingScope = "editing"
    /// Keys of the focused field's kind while editing, looked up before the editing scope's own.
    public static let textFieldScope = "editing.text"
    public static let choiceFieldScope = "editing.choice"
    public static let toggleFieldScope = "editing.toggle"

    /// The scopes the `?` help lists (the modes show their keys in the footer while they last).
    static let helpScopes = [KeyTable.globalScope, tableScope, formScope, dialogScope]

    /// What a key can do in the gallery; the raw value is the id `--keys` remaps.
    public enum Action: String, CaseIterable, Sendable {
        case page1, page2, page3, page4, nextPage, prevPage, help, dialog, unstake, toast, dismiss, quit
        case tableFilter = "table.filter", tableSort = "table.sort", tableDetail = "table.detail"
        case tableDown = "table.down", tableUp = "table.up", tablePageDown = "table.pageDown"
        case tablePageUp = "table.pageUp", tableTop = "table.top", tableBottom = "table.bottom"
        case tableReverseSort = "table.reverseSort", tableClearFilter = "table.clearFilter"
        case filterKeep = "filter.keep", filterClear = "filter.clear", filterDeleteBack = "filter.deleteBack"
        case formEdit = "form.edit", formValidate = "form.validate"
        case formNextField = "form.nextField", formPrevField = "form.prevField"
        case editingNextField = "editing.nextField", editingPrevField = "editing.prevField"
        case editingConfirm = "editing.confirm", editingSubmit = "editing.submit", editingStop = "editing.stop"
        case editingNextOption = "editing.nextOption", editingPrevOption = "editing.prevOption"
        case editingToggle = "editing.toggle"
        case textLeft = "text.left", textRight = "text.right", textStart = "text.start", textEnd = "text.end"
        case textDeleteBack = "text.deleteBack", textDeleteForward = "text.deleteForward"
        case textDeleteToStart = "text.deleteToStart"
        case dialogPrev = "dialog.prev", dialogNext = "dialog.next"
        case dialogActivate = "dialog.activate", dialogCancel = "dialog.cancel"
        case helpDown = "help.down", helpUp = "help.up", helpPageDown = "help.pageDown", helpPageUp = "help.pageUp"
        case helpTop = "help.top", helpBottom = "help.bottom", helpClose = "help.close"
    }

    /// Every action of the gallery: the single source of its bindings, footer hints and `?` help.
    ///
    /// Ids are what `--keys` remaps ("quit=x", "table.down=n,Down"). Widgets bind no keys themselves: each
    /// action calls a widget intent, so a remapped key moves the table like the default one.
    public static func actions() -> [KeyAction] {
        let g = KeyTable.globalScope
        let pages: [(Action, Page)] = [(.page1, .overview), (.page2, .table), (.page3, .form), (.page4, .dialogs)]
        var list: [KeyAction] = pages.map { action, p in
            KeyAction(
                action, description: "\(p.title) page", keys: [.character(Character(String(p.rawValue + 1)))],
                group: "Pages", scope: g, inFooter: false)
        }
        list += [
            KeyAction(Action.nextPage, description: "Next page", keys: [.tab], group: "Pages", scope: g),
            KeyAction(
                Action.prevPage, description: "Previous page", keys: [.backTab], group: "Pages", scope: g,
                inFooter: false),
            KeyAction(Action.help, description: "Help", keys: [.character("?")], group: "General", scope: g),
            KeyAction(Action.dialog, description: "Dialog", keys: [.character("m")], group: "General", scope: g),
            KeyAction(
                Action.unstake, description: "Unstake (danger dialog)", keys: [.character("d")], group: "Chain",
                scope: g, dangerous: true),
            KeyAction(Action.toast, description: "Toast", keys: [.character("t")], group: "General", scope: g),
            KeyAction(
                Action.dismiss, description: "Dismiss messages", keys: [.escape], group: "General", scope: g,
                inFooter: false),
            KeyAction(Action.quit, description: "Quit", keys: [.character("q")], group: "General", scope: g),
        ]
        let t = tableScope
        list += [
            KeyAction(Action.tableFilter, description: "Filter", keys: [.character("/")], group: "Table", scope: t),
            KeyAction(Action.tableSort, description: "Sort", keys: [.character("s")], group: "Table", scope: t),
            KeyAction(Action.tableDetail, description: "Detail", keys: [.enter], group: "Table", scope: t),
            KeyAction(
                Action.tableDown, description: "Down", keys: [.character("j"), .down], group: "Table", scope: t,
                inFooter: false),
            KeyAction(
                Action.tableUp, description: "Up", keys: [.character("k"), .up], group: "Table", scope: t,
                inFooter: false),
            KeyAction(
                Action.tablePageDown, description: "Page down", keys: [.pageDown], group: "Table", scope: t,
                inFooter: false),
            KeyAction(
                Action.tablePageUp, description: "Page up", keys: [.pageUp], group: "Table", scope: t,
                inFooter: false),
            KeyAction(
                Action.tableTop, description: "First row", keys: [.character("g"), .home], group: "Table", scope: t,
                inFooter: false),
            KeyAction(
                Action.tableBottom, description: "Last row", keys: [.character("G"), .end], group: "Table", scope: t,
                inFooter: false),
            KeyAction(
                Action.tableReverseSort, description: "Reverse sort", keys: [.character("S")], group: "Table",
                scope: t, inFooter: false),
            KeyAction(
                Action.tableClearFilter, description: "Clear filter", keys: [.escape], group: "Table", scope: t,
                inFooter: false),
        ]
        let fl = filterScope
        list += [
            KeyAction(Action.filterKeep, description: "Keep filter", keys: [.enter], group: "Filter", scope: fl),
            KeyAction(Action.filterClear, description: "Clear", keys: [.escape], group: "Filter", scope: fl),
            KeyAction(
                Action.filterDeleteBack, description: "Delete back", keys: [.backspace], group: "Filter", scope: fl,
                inFooter: false),
        ]
        let f = formScope
        list += [
            KeyAction(
                Action.formEdit, description: "Edit", keys: [.enter, .character("i"), .character("e")],
                group: "Form", scope: f),
            KeyAction(
                Action.formValidate, description: "Validate", keys: [.character("v")], group: "Form", scope: f),
            KeyAction(
                Action.formNextField, description: "Next field", keys: [.character("j"), .down], group: "Form",
                scope: f, inFooter: false),
            KeyAction(
                Action.formPrevField, description: "Previous field", keys: [.character("k"), .up], group: "Form",
                scope: f, inFooter: false),
        ]
        let e = editingScope
        list += [
            KeyAction(
                Action.editingNextField, description: "Next field", keys: [.tab], group: "Editing", scope: e),
            KeyAction(
                Action.editingPrevField, description: "Previous field", keys: [.backTab], group: "Editing",
                scope: e, inFooter: false),
            KeyAction(
                Action.editingConfirm, description: "Confirm field", keys: [.enter], group: "Editing", scope: e),
            KeyAction(
                Action.editingSubmit, description: "Submit", keys: [.alt("s")], group: "Editing", scope: e),
            KeyAction(
                Action.editingStop, description: "Stop editing", keys: [.escape], group: "Editing", scope: e),
        ]
        // Line editing in text fields; typed characters are text, never actions.
        let tx = textFieldScope
        let textActions: [(Action, String, [Key])] = [
            (.textLeft, "Cursor left", [.left]), (.textRight, "Cursor right", [.right]),
            (.textStart, "Start of text", [.home, .control("a")]), (.textEnd, "End of text", [.end, .control("e")]),
            (.textDeleteBack, "Delete back", [.backspace]), (.textDeleteForward, "Delete", [.delete, .control("d")]),
            (.textDeleteToStart, "Delete to start", [.control("u")]),
        ]
        list += textActions.map { action, description, keys in
            KeyAction(action, description: description, keys: keys, group: "Editing", scope: tx, inFooter: false)
        }
        let c = choiceFieldScope
        list += [
            KeyAction(
                Action.editingNextOption, description: "Next option", keys: [.right, .character(" "), .character("l")],
                group: "Editing", scope: c, footerLabel: "Choose"),
            KeyAction(
                Action.editingPrevOption, description: "Previous option", keys: [.left, .character("h")],
                group: "Editing", scope: c, footerLabel: "Choose"),
        ]
        list.append(
            KeyAction(
                Action.editingToggle, description: "Switch on/off", keys: [.character(" ")], group: "Editing",
                scope: toggleFieldScope))
        let d = dialogScope
        list += [
            KeyAction(
                Action.dialogPrev, description: "Previous button", keys: [.left, .character("h"), .backTab],
                group: "Dialog", scope: d),
            KeyAction(
                Action.dialogNext, description: "Next button", keys: [.right, .character("l"), .tab],
                group: "Dialog", scope: d),
            KeyAction(Action.dialogActivate, description: "Activate", keys: [.enter], group: "Dialog", scope: d),
            KeyAction(Action.dialogCancel, description: "Cancel", keys: [.escape], group: "Dialog", scope: d),
        ]
        let h = helpScope
        list += [
            KeyAction(
                Action.helpDown, description: "Scroll down", keys: [.character("j"), .down], group: "Help",
                scope: h, footerLabel: "Scroll"),
            KeyAction(
                Action.helpUp, description: "Scroll up", keys: [.character("k"), .up], group: "Help", scope: h,
                footerLabel: "Scroll"),
            KeyAction(
                Action.helpPageDown, description: "Page down", keys: [.pageDown, .character(" ")], group: "Help",
                scope: h, inFooter: false),
            KeyAction(
                Action.helpPageUp, description: "Page up", keys: [.pageUp], group: "Help", scope: h,
                inFooter: false),
            KeyAction(
                Action.helpTop, description: "Top", keys: [.home, .character("g")], group: "Help", scope: h,
                inFooter: false),
            KeyAction(
                Action.helpBottom, description: "Bottom", keys: [.end, .character("G")], group: "Help", scope: h,
                inFooter: false),
            KeyAction(
                Action.helpClose, description: "Close", keys: [.escape, .character("q"), .character("?")],
                group: "Help", scope: h),
        ]
        return list
    }

    /// The default bindings (no remapping, read-write).
    public static var defaultKeys: KeyTable {
        do {
            return try KeyTable(actions: actions())
        } catch {
            // The default table is constant data checked by a test; failing here is a programming error.
            preconditionFailure("the gallery's default key table is invalid: \(error)")
        }
    }

    /// The key-table scope of the current page.
    var pageScope: String {
        switch page {
        case .table: return WidgetGallery.tableScope
        case .form: return WidgetGallery.formScope
        default: return KeyTable.globalScope
        }
    }

    /// The scope of the focused field's own keys while editing.
    var fieldScope: String? {
        guard form.fields.indices.contains(form.focus) else { return nil }
        switch form.fields[form.focus] {
        case .choice: return WidgetGallery.choiceFieldScope
        case .toggle: return WidgetGallery.toggleFieldScope
        case .text: return WidgetGallery.textFieldScope
        }
    }

    /// The key-table scope that takes keys now: a mode's while it lasts, else the page's.
    var activeScope: String {
        if modal != nil { return WidgetGallery.dialogScope }
        if help != nil { return WidgetGallery.helpScope }
        if page == .form && isEditingForm { return WidgetGallery.editingScope }
        if page == .table && table.isEditingFilter { return WidgetGallery.filterScope }
        return pageScope
    }

    /// Hints for the footer of the current state, all from the key table. The footer names only the
    /// first key of each action to stay on one line; the `?` help lists them all.
    var footerHints: [KeyHint] {
        let scope = activeScope
        if scope == WidgetGallery.dialogScope {
            return keys.helpEntries(scopes: [scope]).map {
                KeyHint(keys: Array($0.keys.prefix(1)), description: $0.description, group: $0.group)
            }
        }
        // A mode's footer shows only the mode's keys: the page's and global ones do not apply in it.
        let own = keys.footerHints(scope: scope, globals: scope == pageScope, firstKeyOnly: true)
        guard scope == WidgetGallery.editingScope, let field = fieldScope else { return own }
        return keys.footerHints(scope: field, globals: false, firstKeyOnly: true) + own
    }

    /// The first key bound to an action, as shown to the user ("" when unbound or removed).
    func keyName(_ action: Action) -> String { keys.keys(for: action.rawValue).first?.description ?? "" }

    public var quitKeys: [Key] { keys.keys(for: Action.quit.rawValue) }
}
