import TerminalKit

/// A deterministic pseudo-random source (SplitMix64), so the gallery shows the same data for the same seed.
public struct GalleryRandom: Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A value in 0..<bound (bound > 0).
    public mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(Swift.max(1, bound))) }

    /// A value in 0…1.
    public mutating func unit() -> Double { Double(next() >> 11) / Double(UInt64(1) << 53) }
}

/// The widget gallery shown by `kalypso-console ui-demo`: every TerminalKit widget with live data.
///
/// All data comes from a seeded generator and advances only on `tick()`, so a given seed and sequence of
/// events always renders the same frames (tests drive it without a clock).
public struct WidgetGallery: TerminalApplication, Sendable {
    /// The gallery's pages, switched with number keys or Tab.
    public enum Page: Int, CaseIterable, Sendable {
        case overview, table, form, dialogs

        var title: String {
            switch self {
            case .overview: return "Overview"
            case .table: return "Table"
            case .form: return "Form"
            case .dialogs: return "Dialogs"
            }
        }
    }

    public private(set) var page: Page = .overview
    public private(set) var ticks: Int = 0
    public private(set) var table: Table
    public private(set) var form: Form
    /// Keys go to the form while editing (Enter/i starts, Esc stops).
    public private(set) var isEditingForm = false
    public private(set) var modal: Modal?
    public private(set) var help: HelpOverlay?
    public private(set) var toasts = ToastCenter()
    private var random: GalleryRandom
    private var throughput: [Double] = []
    private var latency: [Double] = []
    private var gaugeFraction = 0.35
    private var spinner = Spinner(label: "syncing blocks")
    private var progressPhase = 0
    private var screen = Size(width: 80, height: 24)
    private var modalPurpose = ""
    /// The seed the data was generated from (shown in the status line so a screen can be reproduced).
    public let seed: UInt64
    /// The bindings every key goes through (except text typed into an editor).
    public let keys: KeyTable

    public let minimumSize = Size(width: 60, height: 20)
    public let tickInterval: Duration? = .seconds(1)

    /// The gallery with the default key bindings.
    public init(seed: UInt64 = 0x6B61_6C79_7073_6F, rowCount: Int = 10_000) {
        self.init(seed: seed, rowCount: rowCount, keys: WidgetGallery.defaultKeys)
    }

    /// `seed` fixes all generated data; `rowCount` is the size of the table page; `keys` is built from
    /// `WidgetGallery.actions()` (remapped, possibly read-only).
    public init(seed: UInt64 = 0x6B61_6C79_7073_6F, rowCount: Int = 10_000, keys: KeyTable) {
        self.seed = seed
        self.keys = keys
        random = GalleryRandom(seed: seed)
        table = Table(columns: WidgetGallery.columns)
        form = WidgetGallery.makeForm()
        var rows: [[String]] = []
        rows.reserveCapacity(Swift.max(0, rowCount))
        for i in 0..<Swift.max(0, rowCount) { rows.append(WidgetGallery.makeRow(i, &random)) }
        table.setRows(rows)
        var a = 50.0, b = 20.0
        for _ in 0..<240 {
            a = WidgetGallery.walk(a, &random, 0...100)
            b = WidgetGallery.walk(b, &random, 0...60)
            throughput.append(a)
            latency.append(b)
        }
    }

    static let columns = [
        TableColumn("#", width: .fixed(5), alignment: .right, sort: .numeric),
        TableColumn("Market", width: .min(12)),
        TableColumn("Job", width: .min(12), sort: .text),
        TableColumn("Status", width: .fixed(9)),
        TableColumn("Reward", width: .fixed(14), alignment: .right, sort: .numeric),
        TableColumn("Age", width: .fixed(6), alignment: .right, sort: .numeric),
    ]

    static let markets = ["zkEVM proofs", "tx-batch", "RISC Zero", "SP1 rollup", "Plonky2 agg", "Groth16 wrap"]
    static let statuses = ["done", "pending", "failed", "proving", "assigned"]

    static func makeRow(_ i: Int, _ r: inout GalleryRandom) -> [String] {
        let market = markets[r.below(markets.count)]
        let job = "0x" + String(r.next() & 0xFFFF_FFFF, radix: 16).leftPadded(8, "0") + "…"
        let status = statuses[r.below(statuses.count)]
        // Rewards as exact decimal text (whole part and 4 fraction digits), not floating point.
        let reward = "\(r.below(20)).\(String(r.below(10_000)).leftPadded(4, "0")) ETH"
        let age = "\(r.below(600))m"
        return [String(i + 1), market, job, status, reward, age]
    }

    static func walk(_ v: Double, _ r: inout GalleryRandom, _ range: ClosedRange<Double>) -> Double {
        let step = (r.unit() - 0.5) * 8
        return Swift.max(range.lowerBound, Swift.min(range.upperBound, v + step))
    }

    static func makeForm() -> Form {
        Form(fields: [
            .text(TextField(id: "name", label: "Operator name", placeholder: "e.g. rack-7", required: true)),
            .text(
                TextField(
                    id: "stake", label: "Stake", placeholder: "0.0",
                    kind: .number(unit: "ETH", minimum: "0.1", maximum: "32", decimals: 18),
                    required: true)),
            .text(
                TextField(
                    id: "timeout", label: "Proof timeout", placeholder: "600",
                    kind: .number(unit: "s", minimum: "30", maximum: "3600", decimals: 0))),
            .text(
                TextField(
                    id: "reward", label: "Reward address", placeholder: "0x…", kind: .rule(.accountAddress),
                    required: true)),
            .choice(ChoiceField(id: "market", label: "Market", options: markets)),
            .toggle(ToggleField(id: "auto", label: "Auto-accept jobs", isOn: true)),
        ])
    }

    /// Scopes of the gallery's key table besides the global one: one per page with its own keys, and
    /// one per mode that takes the keys while it lasts (help, the table's filter line, form editing,
    /// a dialog).
    public static let tableScope = "table"
    public static let formScope = "form"
    public static let dialogScope = "dialog"
    public static let helpScope = "help"
    public static let filterScope = "filter"
    public static let editingScope = "editing"

    /// The scopes the `?` help lists (the modes show their keys in the footer while they last).
    static let helpScopes = [KeyTable.globalScope, tableScope, formScope, dialogScope]

    /// What a key can do in the gallery; the raw value is the id `--keys` remaps.
    public enum Action: String, CaseIterable, Sendable {
        case page1, page2, page3, page4, nextPage, prevPage, help, dialog, unstake, toast, dismiss, quit
        case tableFilter = "table.filter", tableSort = "table.sort", tableDetail = "table.detail"
        case tableDown = "table.down", tableUp = "table.up", tablePageDown = "table.pageDown"
        case tablePageUp = "table.pageUp", tableTop = "table.top", tableBottom = "table.bottom"
        case tableReverseSort = "table.reverseSort", tableClearFilter = "table.clearFilter"
        case filterKeep = "filter.keep", filterClear = "filter.clear"
        case formEdit = "form.edit", formValidate = "form.validate"
        case formNextField = "form.nextField", formPrevField = "form.prevField"
        case editingNextField = "editing.nextField", editingPrevField = "editing.prevField"
        case editingConfirm = "editing.confirm", editingSubmit = "editing.submit", editingStop = "editing.stop"
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
        return keys.footerHints(scope: scope, globals: scope == pageScope, firstKeyOnly: true)
    }

    /// The first key bound to an action, as shown to the user ("" when unbound or removed).
    func keyName(_ action: Action) -> String { keys.keys(for: action.rawValue).first?.description ?? "" }

    public var quitKeys: [Key] { keys.keys(for: Action.quit.rawValue) }

    // MARK: Events

    public mutating func update(_ event: Event<Never>) -> Command<Never> {
        switch event {
        case .resize(let s):
            screen = s
            table.pageSize = tablePageSize
            return .redraw
        case .key(let key):
            return handleKey(key)
        case .tick:
            return tick()
        }
    }

    private var now: Duration { .seconds(ticks) }

    private mutating func handleKey(_ key: Key) -> Command<Never> {
        let scope = activeScope
        let action = keys.action(for: key, in: scope, as: Action.self)
        if var m = modal {
            let outcome: ModalOutcome
            switch action {
            case .dialogPrev?:
                m.focusPrevious()
                modal = m
                return .redraw
            case .dialogNext?:
                m.focusNext()
                modal = m
                return .redraw
            case .dialogActivate?: outcome = m.activate()
            case .dialogCancel?: outcome = m.cancel()
            default: return .none
            }
            modal = nil
            switch outcome {
            case .cancelled:
                toasts.post("\(modalPurpose): cancelled", severity: .info, now: now)
            case .activated(let i):
                let danger = m.buttons[i].kind == .destructive
                toasts.post("\(modalPurpose): \(m.buttons[i].label)", severity: danger ? .warn : .ok, now: now)
            }
            return .redraw
        }
        if var h = help {
            let area = Rect(size: screen)
            let context = RenderContext(capabilities: Capabilities(colorDepth: .ansi16, unicode: true))
            let moved: Bool
            switch action {
            case .helpClose?, .help?:
                help = nil
                return .redraw
            case .helpDown?: moved = h.scroll(by: 1, screen: area, context: context)
            case .helpUp?: moved = h.scroll(by: -1, screen: area, context: context)
            case .helpPageDown?: moved = h.scrollPage(by: 1, screen: area, context: context)
            case .helpPageUp?: moved = h.scrollPage(by: -1, screen: area, context: context)
            case .helpTop?: moved = h.scrollToTop(screen: area, context: context)
            case .helpBottom?: moved = h.scrollToBottom(screen: area, context: context)
            default: return .none
            }
            help = h
            return moved ? .redraw : .none
        }
        // Text typed into an editor is text, never an action: only the mode's own keys are actions.
        if scope == WidgetGallery.editingScope {
            switch action {
            case .editingNextField?: form.focusNext()
            case .editingPrevField?: form.focusPrevious()
            case .editingConfirm?: form.confirmField()
            case .editingSubmit?: submitForm()
            case .editingStop?: isEditingForm = false
            default: return form.edit(key) ? .redraw : .none
            }
            return .redraw
        }
        if scope == WidgetGallery.filterScope {
            switch action {
            case .filterKeep?: table.commitFilter()
            case .filterClear?: table.cancelFilter()
            default: return table.typeInFilter(key) ? .redraw : .none
            }
            return .redraw
        }
        guard let action else { return .none }
        return perform(action)
    }

    private mutating func perform(_ action: Action) -> Command<Never> {
        switch action {
        case .tableDown: return redraw(if: table.moveSelection(by: 1))
        case .tableUp: return redraw(if: table.moveSelection(by: -1))
        case .tablePageDown: return redraw(if: table.movePage(by: 1))
        case .tablePageUp: return redraw(if: table.movePage(by: -1))
        case .tableTop: return redraw(if: table.selectFirst())
        case .tableBottom: return redraw(if: table.selectLast())
        case .tableFilter: return redraw(if: table.beginFilter())
        case .tableSort: return redraw(if: table.cycleSort())
        case .tableReverseSort: return redraw(if: table.reverseSort())
        case .tableDetail:
            guard let row = table.selectedRow else { return .none }
            modalPurpose = "Job \(row[0])"
            modal = Modal(
                title: "Job \(row[0])",
                message: "Market: \(row[1])\nJob: \(row[2])\nStatus: \(row[3])\nReward: \(row[4])\nAge: \(row[5])",
                buttons: [ModalButton("Close", kind: .cancel)])
        case .tableClearFilter:
            if table.clearFilter() { return .redraw }
            return dismissToasts()
        case .formEdit: isEditingForm = true
        case .formValidate: submitForm()
        case .formNextField: form.focusNext()
        case .formPrevField: form.focusPrevious()
        case .quit: return .quit
        case .page1: page = .overview
        case .page2: page = .table
        case .page3: page = .form
        case .page4: page = .dialogs
        case .nextPage: page = Page(rawValue: (page.rawValue + 1) % Page.allCases.count) ?? .overview
        case .prevPage:
            page = Page(rawValue: (page.rawValue + Page.allCases.count - 1) % Page.allCases.count) ?? .overview
        case .help:
            help = HelpOverlay(hints: keys.helpEntries(scopes: WidgetGallery.helpScopes), title: "Keys")
        case .dialog:
            modalPurpose = "Refresh"
            modal = Modal.confirm(
                title: "Refresh market data",
                message: "Reload all markets and jobs from the chain? This takes a few seconds.", confirm: "Refresh")
        case .unstake:
            modalPurpose = "Unstake"
            modal = Modal.confirm(
                title: "Unstake 12.5 ETH",
                message:
                    "This sends a transaction that requests unstaking 12.5 ETH from market 3. Jobs in progress keep their stake until they finish.",
                confirm: "Send", dangerous: true)
        case .toast:
            let sev = Severity.allCases[toasts.toasts.count % Severity.allCases.count]
            toasts.post(
                "example \(sev.rawValue) message at tick \(ticks)", severity: sev, now: now, lifetime: .seconds(4))
        case .dismiss:
            return dismissToasts()
        default:
            // Keys of modes (help, filter line, editing, dialog) only act while their mode lasts.
            return .none
        }
        return .redraw
    }

    private func redraw(if changed: Bool) -> Command<Never> { changed ? .redraw : .none }

    private mutating func dismissToasts() -> Command<Never> {
        guard toasts.current != nil else { return .none }
        toasts.dismissAll()
        return .redraw
    }

    private mutating func submitForm() {
        let errors = form.validateAll()
        if errors.isEmpty {
            toasts.post("form is valid", severity: .ok, now: now)
        } else {
            toasts.post(
                errors.count == 1 ? "1 field needs attention" : "\(errors.count) fields need attention",
                severity: .error, now: now)
        }
    }

    private var tablePageSize: Int { Swift.max(1, Table.dataRows(forHeight: screen.height - 4 - 2)) }

    /// Advances the live data by one step (called on every tick).
    public mutating func tick() -> Command<Never> {
        ticks += 1
        throughput.append(WidgetGallery.walk(throughput.last ?? 50, &random, 0...100))
        latency.append(WidgetGallery.walk(latency.last ?? 20, &random, 0...60))
        if throughput.count > 600 { throughput.removeFirst(throughput.count - 600) }
        if latency.count > 600 { latency.removeFirst(latency.count - 600) }
        gaugeFraction += 0.013
        if gaugeFraction > 1 { gaugeFraction = 0 }
        spinner.advance()
        progressPhase += 1
        toasts.expire(now: now)
        return .redraw
    }

    // MARK: Rendering

    public func render(into frame: inout Frame, context: RenderContext) {
        let all = frame.bounds
        guard !all.isEmpty else { return }
        let parts = Layout.rows(all, [.fixed(1), .proportional(1), .fixed(1), .fixed(1)])
        renderTabs(into: &frame, area: parts[0], context: context)
        switch page {
        case .overview: renderOverview(into: &frame, area: parts[1], context: context)
        case .table: renderTable(into: &frame, area: parts[1], context: context)
        case .form: renderForm(into: &frame, area: parts[1], context: context)
        case .dialogs: renderDialogs(into: &frame, area: parts[1], context: context)
        }
        StatusLine(
            toast: toasts.current,
            idleText: "ui-demo · seed \(seed)\(keys.readOnly ? " · read-only" : "") · press \(keyName(.help)) for keys"
        ).render(
            into: &frame, area: parts[2], context: context)
        KeyHintBar(hints: footerHints).render(into: &frame, area: parts[3], context: context)
        if let h = help { h.render(into: &frame, screen: all, context: context) }
        if let m = modal { m.render(into: &frame, screen: all, context: context) }
    }

    private func renderTabs(into frame: inout Frame, area: Rect, context: RenderContext) {
        guard !area.isEmpty else { return }
        frame.write(
            String(repeating: " ", count: area.width), x: area.x, y: area.y, style: context.style(.header), clip: area)
        var x = area.x + frame.write("TerminalKit ", x: area.x, y: area.y, style: context.style(.title), clip: area)
        for p in Page.allCases {
            let active = p == page
            let label = active ? "[\(p.rawValue + 1) \(p.title)]" : " \(p.rawValue + 1) \(p.title) "
            x += frame.write(label, x: x, y: area.y, style: context.style(active ? .selection : .muted), clip: area) + 1
        }
    }

    private func renderOverview(into frame: inout Frame, area: Rect, context: RenderContext) {
        let cols = Layout.columns(area, [.proportional(3), .min(30)])
        let left = Layout.rows(cols[0], [.min(8), .fixed(7)])
        // The box says how much history the chart shows, which is what fits, not all that is kept.
        let chartParts = Layout.rows(Box.inner(left[0]), [.proportional(1), .fixed(1)])
        let shown = chartWidthSeconds(chartParts[0], context)
        Box(title: "Throughput & latency", info: "last \(shown)s", focused: true)
            .render(into: &frame, area: left[0], context: context)
        let chart = LineChart(
            series: [
                ChartSeries(name: "proofs/min", values: throughput, role: .chart1),
                ChartSeries(name: "latency s", values: latency, role: .chart2),
            ],
            yRange: 0...100, unit: "", xLabels: ["-\(shown)s", "now"])
        chart.render(into: &frame, area: chartParts[0], context: context)
        chart.renderLegend(into: &frame, area: chartParts[1], context: context)

        let textInner = Box(title: "Text").render(into: &frame, area: left[1], context: context)
        TextView(
            "Widgets draw into a Frame with roles from the theme. Words wrap at spaces; overlong words like 0x8ba1f109551bD432803012645Ac136ddd64DBA72 break; wide text 証明市場 keeps its columns.",
            alignment: .left
        ).render(into: &frame, area: textInner, context: context)

        let right = Layout.rows(cols[1], [.fixed(7), .fixed(4), .fixed(8), .proportional(1)])
        let gaugeInner = Box(title: "Gauges").render(into: &frame, area: right[0], context: context)
        let g = Layout.rows(gaugeInner, [.fixed(1), .fixed(1), .fixed(1), .fixed(1), .fixed(1)])
        Gauge(label: "Stake  ", fraction: gaugeFraction).render(into: &frame, area: g[0], context: context)
        Gauge(label: "Disk   ", fraction: 0.82, valueText: "82% of 2 TB").render(
            into: &frame, area: g[1], context: context)
        spinner.render(into: &frame, area: g[2], context: context)
        ProgressBar(fraction: Double(progressPhase % 21) / 20, label: "Upload").render(
            into: &frame, area: g[3], context: context)
        ProgressBar(fraction: nil, phase: progressPhase, label: "Probe").render(
            into: &frame, area: g[4], context: context)

        let sparkInner = Box(title: "Sparklines").render(into: &frame, area: right[1], context: context)
        let s = Layout.rows(sparkInner, [.fixed(1), .fixed(1)])
        for (i, (name, values, role)) in [("thr", throughput, Role.chart1), ("lat", latency, Role.chart2)].enumerated()
        where i < s.count {
            let cols = Layout.columns(s[i], [.fixed(4), .proportional(1)])
            frame.write(name, x: cols[0].x, y: cols[0].y, style: context.style(.muted), clip: cols[0])
            Sparkline(values: values, role: role).render(into: &frame, area: cols[1], context: context)
        }

        let barInner = Box(title: "Jobs by market").render(into: &frame, area: right[2], context: context)
        var counts = Array(repeating: 0, count: WidgetGallery.markets.count)
        // Only the first 2,000 rows: enough for a stable picture, cheap on every frame.
        for row in table.rows.prefix(2000) {
            if let i = WidgetGallery.markets.firstIndex(of: row[1]) { counts[i] += 1 }
        }
        let bars = zip(WidgetGallery.markets, counts).enumerated().map { i, mc in
            Bar(
                label: mc.0, value: Double(mc.1), valueText: String(mc.1),
                role: [Role.chart1, .chart2, .chart3, .chart4][i % 4])
        }
        BarChart(bars: bars, orientation: .horizontal).render(into: &frame, area: barInner, context: context)
        if right[3].height >= 5 {
            let queueInner = Box(title: "Queue depth").render(into: &frame, area: right[3], context: context)
            queueBars.render(into: &frame, area: queueInner, context: context)
        }
    }

    private var queueBars: BarChart {
        let bars = (0..<6).map { i in
            Bar(
                label: "m\(i + 1)", value: Double((i * 7 + ticks) % 10 + 1),
                valueText: String((i * 7 + ticks) % 10 + 1),
                role: [Role.chart1, .chart2, .chart3, .chart4][i % 4])
        }
        return BarChart(bars: bars, orientation: .vertical, maximum: 10)
    }

    private func chartWidthSeconds(_ area: Rect, _ context: RenderContext) -> Int {
        let perCell = LineChart.samplesPerCell(ChartStyle.best(for: context.glyphs))
        return Swift.min(throughput.count, Swift.max(0, area.width - 4) * perCell)
    }

    private func renderTable(into frame: inout Frame, area: Rect, context: RenderContext) {
        let inner = Box(
            title: "Jobs", info: table.sortColumn.map { "sorted by \(WidgetGallery.columns[$0].title)" } ?? "",
            focused: true
        )
        .render(into: &frame, area: area, context: context)
        table.render(into: &frame, area: inner, context: context)
    }

    private func renderForm(into frame: inout Frame, area: Rect, context: RenderContext) {
        let cols = Layout.columns(area, [.min(44), .proportional(1)])
        let inner = Box(
            title: "Register operator", info: isEditingForm ? "editing" : "Enter to edit", focused: isEditingForm
        )
        .render(into: &frame, area: cols[0], context: context)
        form.render(into: &frame, area: inner.inset(top: 1, left: 1), context: context)
        let side = Box(title: "Values").render(into: &frame, area: cols[1], context: context)
        var y = side.y
        for f in form.fields where y < side.maxY {
            frame.write(
                TextFit.truncate("\(f.id): \(f.value)", to: side.width, ellipsis: context.glyphs.ellipsis), x: side.x,
                y: y, style: context.style(.muted), clip: side)
            y += 1
        }
    }

    /// The dialogs page's explanation, naming the keys as currently bound.
    private var dialogsText: String {
        var parts = ["\(keyName(.dialog)) opens a dialog"]
        if keys.contains(Action.unstake.rawValue) { parts.append(", \(keyName(.unstake)) a dangerous one") }
        parts.append(
            " (focus starts on Cancel; \(keyName(.dialogPrev))/\(keyName(.dialogNext)) move, \(keyName(.dialogActivate)) activates, \(keyName(.dialogCancel)) cancels). \(keyName(.toast)) posts a toast that expires after 4 ticks. \(keyName(.help)) shows the help generated from the key table.\n\nToasts shown: \(toasts.toasts.count)."
        )
        return parts.joined()
    }

    private func renderDialogs(into frame: inout Frame, area: Rect, context: RenderContext) {
        let rows = Layout.rows(area, [.fixed(8), .fixed(6), .min(6)])
        let inner = Box(title: "Dialogs and messages").render(into: &frame, area: rows[0], context: context)
        TextView(dialogsText, alignment: .left).render(into: &frame, area: inner, context: context)
        let statusInner = Box(title: "Status line severities").render(into: &frame, area: rows[1], context: context)
        let samples = [
            (Severity.info, "new block 21,004,112 cached"), (.ok, "stake confirmed after 3 blocks"),
            (.warn, "gas price above your limit, waiting"), (.error, "RPC timed out after 10 s, retrying"),
        ]
        for (i, sample) in samples.enumerated() where i < statusInner.height {
            let line = Rect(x: statusInner.x, y: statusInner.y + i, width: statusInner.width, height: 1)
            StatusLine(toast: Toast(message: sample.1, severity: sample.0, expires: .zero)).render(
                into: &frame, area: line, context: context)
        }
        let barsInner = Box(title: "Queue depth").render(into: &frame, area: rows[2], context: context)
        queueBars.render(into: &frame, area: barsInner, context: context)
    }
}

extension String {
    fileprivate func leftPadded(_ n: Int, _ c: Character) -> String {
        count >= n ? self : String(repeating: c, count: n - count) + self
    }
}
