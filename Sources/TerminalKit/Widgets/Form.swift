enum FormDrawing {
    /// Draws `› label` (focused) or `  label` padded to `width`; returns x after it.
    static func label(
        _ label: String, focused: Bool, into frame: inout Frame, area: Rect, width: Int, context: RenderContext
    ) -> Int {
        let w = Swift.min(width, Swift.max(0, area.width / 2))
        guard w > 2 else { return area.x }
        let mark = focused ? String(context.glyphs.arrowRight) + " " : "  "
        let text = mark + TextFit.fit(context.displayable(label), width: w - 3, ellipsis: context.glyphs.ellipsis) + " "
        frame.write(text, x: area.x, y: area.y, style: context.style(focused ? .accent : .text), clip: area)
        return area.x + w
    }
}

/// One field of a `Form`.
public enum FormField: Sendable {
    case text(TextField)
    case choice(ChoiceField)
    case toggle(ToggleField)

    public var id: String {
        switch self {
        case .text(let f): return f.id
        case .choice(let f): return f.id
        case .toggle(let f): return f.id
        }
    }

    public var label: String {
        switch self {
        case .text(let f): return f.label
        case .choice(let f): return f.label
        case .toggle(let f): return f.label
        }
    }

    /// The field's value as text (choice: the option; toggle: "true"/"false").
    public var value: String {
        switch self {
        case .text(let f): return f.text
        case .choice(let f): return f.value ?? ""
        case .toggle(let f): return f.isOn ? "true" : "false"
        }
    }

    public func validate() -> String? {
        if case .text(let f) = self { return f.validate() }
        return nil
    }

    /// Rows: the input line(s) plus one for an error message.
    var inputHeight: Int {
        if case .choice(let c) = self { return c.height }
        return 1
    }
}

/// Fields with a focus order, validation as typed, per-field confirmation and "validate all" on submit.
public struct Form: Sendable {
    public var fields: [FormField]
    public private(set) var focus: Int = 0
    /// Error per field id; a field's error appears once it has been edited or the form was validated.
    public private(set) var errors: [String: String] = [:]
    private var touched: Set<String> = []

    public init(fields: [FormField]) { self.fields = fields }

    public func field(_ id: String) -> FormField? { fields.first { $0.id == id } }

    /// Values by field id.
    public var values: [String: String] {
        Dictionary(fields.map { ($0.id, $0.value) }, uniquingKeysWith: { a, _ in a })
    }

    public mutating func focus(on index: Int) {
        guard !fields.isEmpty else { return }
        focus = ((index % fields.count) + fields.count) % fields.count
    }

    // MARK: Intents (the application's key table decides which keys call them)

    /// Moves focus to the next field (wrapping).
    public mutating func focusNext() { focus(on: focus + 1) }

    /// Moves focus to the previous field (wrapping).
    public mutating func focusPrevious() { focus(on: focus - 1) }

    /// Confirms the focused field: its error (if any) shows from now on, and focus moves to the next
    /// field. Only this field is checked; `validateAll` checks the whole form. Returns the field's error.
    @discardableResult
    public mutating func confirmField() -> String? {
        guard !fields.isEmpty else { return nil }
        focus = Swift.min(focus, fields.count - 1)
        touched.insert(fields[focus].id)
        refreshError(of: focus)
        let error = errors[fields[focus].id]
        focusNext()
        return error
    }

    /// Applies a text-field intent (`insert`, `deleteBackward`, `moveCursor(by:)`, …) to the focused
    /// field when it is a text field; its error updates as typed. Returns false for other fields.
    @discardableResult
    public mutating func editText(_ change: (inout TextField) -> Void) -> Bool {
        changeFocused { field in
            guard case .text(var f) = field else { return false }
            change(&f)
            field = .text(f)
            return true
        }
    }

    /// Selects the next option of the focused choice field; false when the focused field is not one.
    @discardableResult
    public mutating func selectNextOption() -> Bool {
        changeFocused { field in
            guard case .choice(var f) = field else { return false }
            f.selectNext()
            field = .choice(f)
            return true
        }
    }

    /// Selects the previous option of the focused choice field; false when the focused field is not one.
    @discardableResult
    public mutating func selectPreviousOption() -> Bool {
        changeFocused { field in
            guard case .choice(var f) = field else { return false }
            f.selectPrevious()
            field = .choice(f)
            return true
        }
    }

    /// Switches the focused toggle field; false when the focused field is not one.
    @discardableResult
    public mutating func toggle() -> Bool {
        changeFocused { field in
            guard case .toggle(var f) = field else { return false }
            f.toggle()
            field = .toggle(f)
            return true
        }
    }

    /// Applies `change` to the focused field; when it changed something, the field counts as edited
    /// and its error is refreshed.
    private mutating func changeFocused(_ change: (inout FormField) -> Bool) -> Bool {
        guard !fields.isEmpty else { return false }
        // `fields` is public and may have shrunk since focus was set.
        focus = Swift.min(focus, fields.count - 1)
        guard change(&fields[focus]) else { return false }
        touched.insert(fields[focus].id)
        refreshError(of: focus)
        return true
    }

    private mutating func refreshError(of index: Int) {
        let f = fields[index]
        if touched.contains(f.id), let e = f.validate() { errors[f.id] = e } else { errors[f.id] = nil }
    }

    /// Validates every field and shows all errors; returns them by field id (empty: the form is valid).
    @discardableResult
    public mutating func validateAll() -> [String: String] {
        for i in fields.indices {
            touched.insert(fields[i].id)
            refreshError(of: i)
        }
        return errors
    }

    /// Replaces a field (same id) keeping focus; its error is re-evaluated if it was shown.
    public mutating func update(_ field: FormField) {
        guard let i = fields.firstIndex(where: { $0.id == field.id }) else { return }
        fields[i] = field
        refreshError(of: i)
    }

    /// Rows the form needs.
    public var height: Int { fields.reduce(0) { $0 + $1.inputHeight + 1 } }

    /// Draws each field with its error line (`✗ message` in the error role) below it.
    public func render(into frame: inout Frame, area: Rect, context: RenderContext) {
        let area = area.intersection(frame.bounds)
        guard !area.isEmpty else { return }
        let labelWidth = Swift.min(24, (fields.map { DisplayWidth.of($0.label) }.max() ?? 0) + 4)
        // Scroll so the focused field is visible on short screens.
        var tops: [Int] = []
        var acc = 0
        for f in fields {
            tops.append(acc)
            acc += f.inputHeight + 1
        }
        var shift = 0
        let focus = Swift.min(self.focus, Swift.max(0, fields.count - 1))
        if !fields.isEmpty, tops[focus] + fields[focus].inputHeight + 1 > area.height {
            shift = tops[focus] + fields[focus].inputHeight + 1 - area.height
        }
        for (i, f) in fields.enumerated() {
            let y = area.y + tops[i] - shift
            guard y + f.inputHeight <= area.maxY else { break }
            guard y >= area.y else { continue }
            let r = Rect(x: area.x, y: y, width: area.width, height: f.inputHeight)
            let focused = i == focus
            switch f {
            case .text(let t):
                t.render(into: &frame, area: r, focused: focused, labelWidth: labelWidth, context: context)
            case .choice(let c):
                c.render(into: &frame, area: r, focused: focused, labelWidth: labelWidth, context: context)
            case .toggle(let t):
                t.render(into: &frame, area: r, focused: focused, labelWidth: labelWidth, context: context)
            }
            if let e = errors[f.id], y + f.inputHeight < area.maxY {
                let w = Swift.min(labelWidth, area.width / 2)
                let text = String(context.glyphs.cross_) + " " + context.displayable(e)
                frame.write(
                    TextFit.truncate(text, to: area.width - w, ellipsis: context.glyphs.ellipsis),
                    x: area.x + (w > 2 ? w : 0), y: y + f.inputHeight, style: context.style(.inputError), clip: area)
            }
        }
    }
}
