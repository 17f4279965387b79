import TerminalKitTesting
import TestSupport
import Testing

@testable import TerminalKit

@Suite struct FormTests {
    static let suite = "Form"

    static func type(_ text: String, into field: inout TextField) {
        for c in text { field.insert(c) }
    }

    @Test func editingIntentsMoveCursorInsertAndDelete() {
        var f = TextField(id: "n", label: "Name")
        Self.type("helo", into: &f)
        f.moveCursor(by: -1)
        Self.type("l", into: &f)
        #expect(f.text == "hello")
        #expect(f.cursor == 4)
        f.moveCursorToStart()
        f.deleteForward()
        #expect(f.text == "ello")
        f.moveCursorToEnd()
        f.deleteBackward()
        #expect(f.text == "ell")
        f.moveCursorToStart()
        f.deleteBackward()  // nothing before the cursor
        #expect(f.text == "ell")
        #expect(f.cursor == 0)
        f.moveCursor(by: 1)
        f.deleteToStart()
        #expect(f.text == "ll")
        #expect(f.cursor == 0)
        f.moveCursor(by: 10)
        #expect(f.cursor == 2)
        let control = f.insert("\u{7F}")
        #expect(!control && f.text == "ll")
    }

    @Test func numberFieldAcceptsDigitsAndOnePointAndChecksRange() {
        var f = TextField(
            id: "s", label: "Stake", kind: .number(unit: "ETH", minimum: "0.1", maximum: "32", decimals: 18))
        Self.type("1a2.5.0x", into: &f)
        #expect(f.text == "12.50")
        #expect(f.validate() == nil)
        f.setText("32." + String(repeating: "0", count: 18) + "1")  // 19 decimals
        #expect(f.validate() == "at most 18 decimals")
        f.setText("32." + String(repeating: "0", count: 17) + "1")  // 32 + 1e-18: exact, no rounding to 32
        #expect(f.validate() == "must be at most 32 ETH")
        f.setText("0.09")
        #expect(f.validate() == "must be at least 0.1 ETH")
        f.setText(".")
        #expect(f.validate() == "not a number: use digits and one '.'")
        f.setText("")
        #expect(f.validate() == nil)  // optional
        var whole = TextField(
            id: "t", label: "Timeout", kind: .number(unit: "s", minimum: "30", maximum: "3600", decimals: 0),
            required: true)
        #expect(whole.validate() == "required")
        whole.setText("60.5")
        #expect(whole.validate() == "whole numbers only")
    }

    @Test func ruleFromTheApplicationFiltersTypingAndValidatesWithExtraValidators() {
        let noZeros: FieldValidator = { $0.dropFirst(2).contains("0") ? "no zeros" : nil }
        var f = TextField(id: "a", label: "Tag", kind: .rule(W.hexTag), validators: [noZeros])
        Self.type("x0xx12g", into: &f)  // x only right after the leading 0, no g
        #expect(f.text == "0x12")
        #expect(f.validate() == "needs 8 hex digits after 0x, has 2")
        f.setText("0x1234abcd")
        #expect(f.validate() == nil)
        f.setText("0x1234abc0")
        #expect(f.validate() == "no zeros")  // the rule passed; the extra validator runs after it
        f.setText("1234abcd")
        #expect(f.validate() == "must start with 0x")
        f.setText("0x1234abc")
        Self.type("dd", into: &f)  // the rule's 10 characters are the cap
        #expect(f.text == "0x1234abcd")
    }

    @Test func choiceAndToggle() {
        var c = ChoiceField(id: "c", label: "Market", options: ["a", "b", "c"])
        c.selectPrevious()
        #expect(c.value == "c")
        c.selectNext()
        #expect(c.value == "a")
        var t = ToggleField(id: "t", label: "Auto")
        t.toggle()
        #expect(t.isOn)
        let empty = ChoiceField(id: "e", label: "E", options: [])
        #expect(empty.value == nil)
    }

    @Test func optionAndToggleIntentsActOnTheFocusedFieldOnly() {
        var form = Self.sampleForm()
        // The name is a text field: neither intent applies.
        let onText = (form.selectNextOption(), form.toggle())
        #expect(onText == (false, false))
        #expect(form.values["mode"] == "fast" && form.values["auto"] == "true")
        form.focus(on: 3)
        let next = form.selectNextOption()
        #expect(next && form.values["mode"] == "cheap")
        let back = (form.selectPreviousOption(), form.selectPreviousOption())  // wraps
        #expect(back == (true, true) && form.values["mode"] == "cheap")
        form.focusNext()
        let switched = form.toggle()
        #expect(switched && form.values["auto"] == "false")
        let typed = form.editText { $0.insert(" ") }  // a toggle takes no typed text
        #expect(!typed && form.values["auto"] == "false")
    }

    static func sampleForm() -> Form {
        Form(fields: [
            .text(TextField(id: "name", label: "Name", placeholder: "rack-7", required: true)),
            .text(TextField(id: "stake", label: "Stake", kind: .number(unit: "ETH", minimum: "1", maximum: "10"))),
            .text(
                TextField(
                    id: "addr", label: "Reward address", placeholder: "0x…", kind: .rule(W.hexTag), required: true)),
            .choice(ChoiceField(id: "mode", label: "Mode", options: ["fast", "cheap"])),
            .toggle(ToggleField(id: "auto", label: "Auto-accept", isOn: true)),
        ])
    }

    @Test func focusOrderValidationAsTypedAndValidateAll() {
        var form = Self.sampleForm()
        #expect(form.focus == 0)
        form.focusPrevious()
        #expect(form.focus == 4)
        form.focusNext()
        form.focusNext()
        #expect(form.focus == 1)
        form.editText { $0.insert("5") }
        form.editText { $0.insert("0") }
        #expect(form.errors == ["stake": "must be at most 10 ETH"])  // shown as typed
        form.editText { $0.deleteBackward() }
        #expect(form.errors.isEmpty)
        let errors = form.validateAll()
        #expect(errors == ["name": "required", "addr": "required"])
        #expect(form.values == ["name": "", "stake": "5", "addr": "", "mode": "fast", "auto": "true"])
    }

    @Test func confirmingAFieldChecksOnlyThatFieldAndMovesOn() {
        var form = Self.sampleForm()
        // The empty required name: confirming shows its error and moves to the next field.
        let nameError = form.confirmField()
        #expect(nameError == "required")
        #expect(form.focus == 1)
        #expect(form.errors == ["name": "required"])
        // The empty optional stake is fine; the required address further on is not checked yet.
        let stakeError = form.confirmField()
        #expect(stakeError == nil)
        #expect(form.focus == 2)
        #expect(form.errors == ["name": "required"])
        form.focusPrevious()
        form.focusPrevious()
        for c in "rack-7" { form.editText { $0.insert(c) } }
        #expect(form.errors.isEmpty)
        // Only submitting checks the whole form.
        let submitted = form.validateAll()
        #expect(submitted == ["addr": "required"])
        // Confirming the last field wraps to the first.
        form.focus(on: 4)
        form.confirmField()
        #expect(form.focus == 0)
    }

    @Test func renderSnapshots() throws {
        var form = Self.sampleForm()
        form.editText { $0.insert("n") }
        form.editText { $0.insert("1") }
        form.focusNext()
        form.editText { $0.insert("0") }
        form.validateAll()
        for (name, ctx) in [("unicode", W.unicode), ("ascii", W.ascii)] {
            let f = W.frame(44, 10) { f in form.render(into: &f, area: f.bounds, context: ctx) }
            if !ctx.capabilities.unicode { #expect(W.isASCII(f)) }
            try Snapshot.check(W.dump(f), named: "form-\(name)-44x10", suite: Self.suite)
        }
        // Short area: the form scrolls to keep the focused field visible.
        form.focusNext()
        form.focusNext()
        form.focusNext()
        let short = W.frame(30, 4) { f in form.render(into: &f, area: f.bounds, context: W.unicode) }
        try Snapshot.check(W.dump(short), named: "form-scrolled-30x4", suite: Self.suite)
        var list = ChoiceField(id: "l", label: "Pick", options: ["one", "two", "three"], showsList: true)
        list.selectNext()
        let l = W.frame(20, 3) { f in
            list.render(into: &f, area: f.bounds, focused: true, labelWidth: 8, context: W.ascii)
        }
        try Snapshot.check(W.dump(l), named: "choice-list-ascii", suite: Self.suite)
        // A long value scrolls so the cursor stays visible.
        var long = TextField(id: "x", label: "X")
        Self.type("abcdefghijklmnopqrstuvwxyz", into: &long)
        let lf = W.frame(16, 1) { f in
            long.render(into: &f, area: f.bounds, focused: true, labelWidth: 4, context: W.unicode)
        }
        #expect(lf.text() == "› X pqrstuvwxyz")  // 11 characters and the cursor cell fill the 12-column box
    }

    @Test func tinySizes() {
        let form = Self.sampleForm()
        for (w, h) in [(0, 0), (1, 1), (2, 1), (5, 2), (9, 3)] {
            for ctx in [W.unicode, W.ascii] {
                var f = Frame(width: w, height: h)
                form.render(into: &f, area: f.bounds, context: ctx)
                if !ctx.capabilities.unicode { #expect(W.isASCII(f)) }
            }
        }
        // Fields replaced after focus moved: no out-of-range access.
        var shrunk = Self.sampleForm()
        shrunk.focusPrevious()
        shrunk.fields = Array(shrunk.fields.prefix(2))
        var f = Frame(width: 40, height: 6)
        shrunk.render(into: &f, area: f.bounds, context: W.unicode)
        shrunk.editText { $0.insert("x") }
        #expect(shrunk.focus == 1)
        var empty = Form(fields: [])
        let consumed = empty.editText { $0.insert("x") }
        #expect(!consumed)
        empty.focusNext()
        let none = empty.confirmField()
        #expect(none == nil)
        #expect(empty.validateAll().isEmpty)
    }
}
