/// Checks a field's text; returns an error message, or nil when the text is acceptable.
public typealias FieldValidator = @Sendable (String) -> String?

/// What a text field accepts and how it validates.
public enum TextFieldKind: Sendable {
    /// Free text.
    case text
    /// A non-negative decimal number: digits and one decimal point, shown with `unit` after it.
    /// `minimum`/`maximum` are decimal strings compared exactly; `decimals` caps fraction digits.
    case number(unit: String, minimum: String? = nil, maximum: String? = nil, decimals: Int? = nil)
    /// Text whose shape the application defines (an identifier, a key, a hash): the rule filters what
    /// may be typed and checks the whole text.
    case rule(TextRule)
}

/// The shape of a kind of text the widget library knows nothing about, supplied by the application.
public struct TextRule: Sendable {
    /// Whether `character` may be typed at `cursor` into `text` (keys refused here are swallowed).
    public var accepts: @Sendable (_ character: Character, _ text: String, _ cursor: Int) -> Bool
    /// What is wrong with the whole text, or nil (called for non-empty text; `required` handles empty).
    public var validate: FieldValidator
    /// Longest text accepted, in characters (nil: the field's own `maxLength`).
    public var maxLength: Int?

    public init(
        maxLength: Int? = nil, accepts: @escaping @Sendable (Character, String, Int) -> Bool = { _, _, _ in true },
        validate: @escaping FieldValidator
    ) {
        self.maxLength = maxLength
        self.accepts = accepts
        self.validate = validate
    }
}

/// A one-line text input with cursor, placeholder and validators.
public struct TextField: Sendable {
    public var id: String
    public var label: String
    public private(set) var text: String
    /// Cursor position in characters (0…text.count).
    public private(set) var cursor: Int
    public var placeholder: String
    public var kind: TextFieldKind
    public var required: Bool
    public var validators: [FieldValidator]
    /// Longest text accepted, in characters.
    public var maxLength: Int

    public init(
        id: String, label: String, text: String = "", placeholder: String = "", kind: TextFieldKind = .text,
        required: Bool = false, validators: [FieldValidator] = [], maxLength: Int = 256
    ) {
        self.id = id
        self.label = label
        self.text = ""
        self.cursor = 0
        self.placeholder = placeholder
        self.kind = kind
        self.required = required
        self.validators = validators
        if case .rule(let r) = kind, let m = r.maxLength { self.maxLength = m } else { self.maxLength = maxLength }
        setText(text)
    }

    /// Widest input box drawn, in columns.
    public static let maxBoxWidth = 44

    /// Replaces the text (unfiltered, so programmatic values can be validated) and puts the cursor at the end.
    public mutating func setText(_ value: String) {
        text = String(value.prefix(maxLength))
        cursor = text.count
    }

    /// Whether `c` may be typed at the cursor.
    func accepts(_ c: Character) -> Bool {
        guard text.count < maxLength else { return false }
        if c.isNewline || (c.asciiValue.map { $0 < 0x20 || $0 == 0x7f } ?? false) { return false }
        switch kind {
        case .text: return true
        case .number:
            if c == "." { return !text.contains(".") }
            return c.isASCII && c.isNumber
        case .rule(let r):
            return r.accepts(c, text, cursor)
        }
    }

    /// Editing keys: characters, Backspace, Delete, ←/→, Home/End (and C-a/C-e). Returns whether consumed.
    public mutating func handle(_ key: Key) -> Bool {
        switch key {
        case .character(let c):
            guard accepts(c) else { return true }  // swallowed so it does not trigger screen shortcuts
            let i = text.index(text.startIndex, offsetBy: cursor)
            text.insert(c, at: i)
            cursor += 1
        case .backspace:
            guard cursor > 0 else { return true }
            let i = text.index(text.startIndex, offsetBy: cursor - 1)
            text.remove(at: i)
            cursor -= 1
        case .delete, .control("d"):
            guard cursor < text.count else { return true }
            text.remove(at: text.index(text.startIndex, offsetBy: cursor))
        case .left: cursor = Swift.max(0, cursor - 1)
        case .right: cursor = Swift.min(text.count, cursor + 1)
        case .home, .control("a"): cursor = 0
        case .end, .control("e"): cursor = text.count
        case .control("u"):
            text.removeSubrange(text.startIndex..<text.index(text.startIndex, offsetBy: cursor))
            cursor = 0
        default: return false
        }
        return true
    }

    /// The first error of the current text, or nil.
    public func validate() -> String? {
        if text.isEmpty { return required ? "required" : nil }
        switch kind {
        case .text: break
        case .number(let unit, let minimum, let maximum, let decimals):
            guard let value = FieldRules.decimal(text) else { return "not a number: use digits and one '.'" }
            let u = unit.isEmpty ? "" : " " + unit
            if let d = decimals, let dot = text.firstIndex(of: "."), text[text.index(after: dot)...].count > d {
                return d == 0 ? "whole numbers only" : "at most \(d) decimals"
            }
            if let m = minimum, let mv = DecimalText(m), value.compare(mv) < 0 { return "must be at least \(m)\(u)" }
            if let m = maximum, let mv = DecimalText(m), value.compare(mv) > 0 { return "must be at most \(m)\(u)" }
        case .rule(let r):
            if let e = r.validate(text) { return e }
        }
        for v in validators {
            if let e = v(text) { return e }
        }
        return nil
    }

    /// Draws `label  [text or placeholder] unit` on the first row of `area`; the cursor cell reversed when focused.
    public func render(into frame: inout Frame, area: Rect, focused: Bool, labelWidth: Int, context: RenderContext) {
        let area = area.intersection(frame.bounds)
        guard !area.isEmpty else { return }
        let g = context.glyphs
        var x = FormDrawing.label(
            label, focused: focused, into: &frame, area: area, width: labelWidth, context: context)
        var unitText = ""
        if case .number(let unit, _, _, _) = kind, !unit.isEmpty { unitText = " " + context.displayable(unit) }
        let unitWidth = DisplayWidth.of(unitText)
        // Wide enough for a 42-character identifier plus the cursor; wider boxes only push the unit out of sight.
        let boxWidth = Swift.max(0, Swift.min(area.maxX - x - unitWidth, TextField.maxBoxWidth))
        guard boxWidth > 0 else { return }
        let shownText = context.displayable(text)
        let field = Rect(x: x, y: area.y, width: boxWidth, height: 1)
        frame.write(
            String(repeating: " ", count: boxWidth), x: x, y: area.y, style: context.style(.inputText), clip: field)
        if text.isEmpty && !placeholder.isEmpty {
            frame.write(
                TextFit.truncate(context.displayable(placeholder), to: boxWidth - 1, ellipsis: g.ellipsis), x: x,
                y: area.y, style: context.style(.inputPlaceholder), clip: field)
        } else {
            // Scroll horizontally so the cursor stays visible.
            let chars = Array(shownText)
            var start = 0
            var widthToCursor = chars.prefix(cursor).reduce(0) { $0 + DisplayWidth.of($1) }
            while widthToCursor > boxWidth - 1, start < chars.count {
                widthToCursor -= DisplayWidth.of(chars[start])
                start += 1
            }
            frame.write(String(chars[start...]), x: x, y: area.y, style: context.style(.inputText), clip: field)
        }
        if focused {
            let chars = Array(shownText)
            var start = 0
            var cx = chars.prefix(cursor).reduce(0) { $0 + DisplayWidth.of($1) }
            while cx > boxWidth - 1, start < chars.count {
                cx -= DisplayWidth.of(chars[start])
                start += 1
            }
            let cellX = x + cx
            if cellX < field.maxX {
                var cell = frame[cellX, area.y]
                cell.style.attributes.insert(.reverse)
                frame[cellX, area.y] = cell
            }
        }
        x += boxWidth
        if unitWidth > 0 {
            frame.write(unitText, x: x, y: area.y, style: context.style(.muted), clip: area)
        }
    }
}

/// Shape rules shared by fields (and usable by apps for headless validation).
enum FieldRules {
    /// Parses a plain non-negative decimal (`12`, `0.5`, `3.`); nil for anything else.
    static func decimal(_ text: String) -> DecimalText? {
        var dots = 0, digits = 0
        for c in text {
            if c == "." { dots += 1 } else if c.isASCII && c.isNumber { digits += 1 } else { return nil }
        }
        guard dots <= 1, digits > 0 else { return nil }
        return DecimalText(text)
    }
}

/// A choice among fixed options, changed with `selectNext()`/`selectPrevious()` (the application's key
/// table decides which keys). Shown inline (`‹ option ›`) or as a list.
public struct ChoiceField: Sendable, Hashable {
    public var id: String
    public var label: String
    public var options: [String]
    public private(set) var selected: Int
    /// Show every option with a marker instead of only the selected one.
    public var showsList: Bool

    public init(id: String, label: String, options: [String], selected: Int = 0, showsList: Bool = false) {
        self.id = id
        self.label = label
        self.options = options
        self.selected = options.isEmpty ? 0 : Swift.max(0, Swift.min(selected, options.count - 1))
        self.showsList = showsList
    }

    public var value: String? { options.indices.contains(selected) ? options[selected] : nil }

    public mutating func select(_ index: Int) {
        guard !options.isEmpty else { return }
        selected = ((index % options.count) + options.count) % options.count
    }

    /// Selects the next option (wrapping).
    public mutating func selectNext() { select(selected + 1) }

    /// Selects the previous option (wrapping).
    public mutating func selectPrevious() { select(selected - 1) }

    /// Rows this field needs.
    public var height: Int { showsList ? Swift.max(1, options.count) : 1 }

    public func render(into frame: inout Frame, area: Rect, focused: Bool, labelWidth: Int, context: RenderContext) {
        let area = area.intersection(frame.bounds)
        guard !area.isEmpty else { return }
        let g = context.glyphs
        let x = FormDrawing.label(
            label, focused: focused, into: &frame, area: area, width: labelWidth, context: context)
        let room = Rect(x: x, y: area.y, width: area.maxX - x, height: area.height)
        guard !room.isEmpty else { return }
        if showsList {
            for (i, o) in options.enumerated() where i < room.height {
                let mark = i == selected ? "(" + String(g.bullet) + ") " : "( ) "
                let role: Role = i == selected && focused ? .selection : .text
                frame.write(
                    TextFit.truncate(mark + context.displayable(o), to: room.width, ellipsis: g.ellipsis), x: room.x,
                    y: room.y + i, style: context.style(role), clip: room)
            }
        } else {
            let l = context.capabilities.unicode ? "‹ " : "< ", r = context.capabilities.unicode ? " ›" : " >"
            let text = l + context.displayable(value ?? "") + r
            frame.write(
                TextFit.truncate(text, to: room.width, ellipsis: g.ellipsis), x: room.x, y: room.y,
                style: context.style(focused ? .selection : .inputText), clip: room)
            if options.count > 1, DisplayWidth.of(text) + 8 <= room.width {
                frame.write(
                    " \(selected + 1)/\(options.count)", x: room.x + DisplayWidth.of(text), y: room.y,
                    style: context.style(.muted), clip: room)
            }
        }
    }
}

/// An on/off switch shown as `[x] on` / `[ ] off`, switched with `toggle()`.
public struct ToggleField: Sendable, Hashable {
    public var id: String
    public var label: String
    public var isOn: Bool

    public init(id: String, label: String, isOn: Bool = false) {
        self.id = id
        self.label = label
        self.isOn = isOn
    }

    /// Switches on or off.
    public mutating func toggle() { isOn.toggle() }

    public func render(into frame: inout Frame, area: Rect, focused: Bool, labelWidth: Int, context: RenderContext) {
        let area = area.intersection(frame.bounds)
        guard !area.isEmpty else { return }
        let x = FormDrawing.label(
            label, focused: focused, into: &frame, area: area, width: labelWidth, context: context)
        let text = isOn ? "[x] on" : "[ ] off"
        frame.write(
            text, x: x, y: area.y, style: context.style(focused ? .selection : (isOn ? .ok : .text)), clip: area)
    }
}

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

    /// Text typed into the focused field when it is a text field (characters and line-editing keys);
    /// its error updates as typed. Returns whether the field took the key (false for other fields:
    /// their changes are intents the application's key table calls).
    public mutating func edit(_ key: Key) -> Bool {
        changeFocused { field in
            guard case .text(var f) = field else { return false }
            let consumed = f.handle(key)
            field = .text(f)
            return consumed
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
