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

    // MARK: Intents (the application's key table decides which keys call them; typed text goes to
    // `insert`)

    /// Inserts `c` at the cursor if the field accepts it there; returns whether it did.
    @discardableResult
    public mutating func insert(_ c: Character) -> Bool {
        guard accepts(c) else { return false }
        text.insert(c, at: text.index(text.startIndex, offsetBy: cursor))
        cursor += 1
        return true
    }

    /// Removes the character before the cursor (Backspace).
    public mutating func deleteBackward() {
        guard cursor > 0 else { return }
        text.remove(at: text.index(text.startIndex, offsetBy: cursor - 1))
        cursor -= 1
    }

    /// Removes the character at the cursor (Delete).
    public mutating func deleteForward() {
        guard cursor < text.count else { return }
        text.remove(at: text.index(text.startIndex, offsetBy: cursor))
    }

    /// Removes everything before the cursor.
    public mutating func deleteToStart() {
        text.removeSubrange(text.startIndex..<text.index(text.startIndex, offsetBy: cursor))
        cursor = 0
    }

    /// Moves the cursor by `delta` characters, clamped to the text.
    public mutating func moveCursor(by delta: Int) { cursor = Swift.max(0, Swift.min(text.count, cursor + delta)) }

    /// Moves the cursor before the first character.
    public mutating func moveCursorToStart() { cursor = 0 }

    /// Moves the cursor after the last character.
    public mutating func moveCursorToEnd() { cursor = text.count }

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
