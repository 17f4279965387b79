import TerminalKit

/// Events in, commands out: keys become typed actions that call widget intents.
extension WidgetGallery {

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

    var now: Duration { .seconds(ticks) }

    mutating func handleKey(_ key: Key) -> Command<Never> {
        let scope = activeScope
        let action =
            scope == WidgetGallery.editingScope
            ? keys.action(for: key, inScopes: [fieldScope, scope].compactMap { $0 }, as: Action.self)
            : keys.action(for: key, in: scope, as: Action.self)
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
            case .cancelled where m.buttons.allSatisfy({ $0.kind == .cancel }):
                break  // a view with only Close: closing it cancels nothing, so nothing is said
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
            case .editingNextOption?: form.selectNextOption()
            case .editingPrevOption?: form.selectPreviousOption()
            case .editingToggle?: form.toggle()
            case .textLeft?: form.editText { $0.moveCursor(by: -1) }
            case .textRight?: form.editText { $0.moveCursor(by: 1) }
            case .textStart?: form.editText { $0.moveCursorToStart() }
            case .textEnd?: form.editText { $0.moveCursorToEnd() }
            case .textDeleteBack?: form.editText { $0.deleteBackward() }
            case .textDeleteForward?: form.editText { $0.deleteForward() }
            case .textDeleteToStart?: form.editText { $0.deleteToStart() }
            default:
                // Typed text; a refused character is swallowed so it never triggers a shortcut.
                guard case .character(let c) = key else { return .none }
                return form.editText { $0.insert(c) } ? .redraw : .none
            }
            return .redraw
        }
        if scope == WidgetGallery.filterScope {
            switch action {
            case .filterKeep?: table.commitFilter()
            case .filterClear?: table.cancelFilter()
            case .filterDeleteBack?: table.deleteFilterBackward()
            default:
                guard case .character(let c) = key else { return .none }
                return table.typeInFilter(c) ? .redraw : .none
            }
            return .redraw
        }
        guard let action else { return .none }
        return perform(action)
    }

    mutating func perform(_ action: Action) -> Command<Never> {
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
                title: "Unstake 12.5 POND",
                message:
                    "This sends a transaction that requests unstaking 12.5 POND from market 3. Jobs in progress keep their stake until they finish.",
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

    func redraw(if changed: Bool) -> Command<Never> { changed ? .redraw : .none }

    mutating func dismissToasts() -> Command<Never> {
        guard toasts.current != nil else { return .none }
        toasts.dismissAll()
        return .redraw
    }

    mutating func submitForm() {
        let errors = form.validateAll()
        if errors.isEmpty {
            toasts.post("form is valid", severity: .ok, now: now)
        } else {
            toasts.post(
                errors.count == 1 ? "1 field needs attention" : "\(errors.count) fields need attention",
                severity: .error, now: now)
        }
    }

    var tablePageSize: Int { Swift.max(1, Table.dataRows(forHeight: screen.height - 4 - 2)) }

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
}
