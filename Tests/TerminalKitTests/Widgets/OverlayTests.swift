import TerminalKitTesting
import TestSupport
import Testing

@testable import TerminalKit

@Suite struct ModalTests {
    static let suite = "Modal"

    @Test func focusStartsOnCancelAndIntentsMoveIt() {
        var m = Modal.confirm(title: "Send", message: "Really?", confirm: "Send", dangerous: true)
        #expect(m.focus == 0)
        #expect(m.buttons[m.focus].kind == .cancel)
        // Activating right away cancels: a stray Enter never confirms.
        #expect(m.activate() == .cancelled)
        m.focusNext()
        #expect(m.focus == 1)
        #expect(m.activate() == .activated(1))
        m.focusNext()
        #expect(m.focus == 0)
        m.focusPrevious()
        #expect(m.focus == 1)
        m.focusPrevious()
        #expect(m.focus == 0)
        #expect(m.cancel() == .cancelled)
        // Cancel is found even when it is not the first button.
        let m2 = Modal(
            title: "t", message: "m", buttons: [ModalButton("Yes", kind: .confirm), ModalButton("No", kind: .cancel)])
        #expect(m2.focus == 1)
        #expect(Modal(title: "t", message: "m", buttons: []).buttons == [ModalButton("Close", kind: .cancel)])
        // Buttons replaced after creation: intents never index out of range.
        var emptied = Modal.confirm(title: "t", message: "m")
        emptied.focusNext()
        emptied.buttons = [ModalButton("Only", kind: .confirm)]
        #expect(emptied.activate() == .activated(0))
        emptied.buttons = []
        emptied.focusNext()
        #expect(emptied.activate() == .cancelled)
        #expect(emptied.cancel() == .cancelled)
    }

    @Test func snapshots() throws {
        let msg = "This sends a transaction that requests unstaking 12.5 ETH from market 3."
        for (name, ctx, danger) in [
            ("unicode", W.unicode, false), ("ascii-danger", W.ascii, true), ("unicode-danger", W.unicode, true),
        ] {
            var m = Modal.confirm(title: "Unstake", message: msg, confirm: "Send", dangerous: danger)
            if name == "unicode" { m.focusNext() }
            let f = W.frame(48, 12) { f in
                f.fill(f.bounds, with: Cell("x"))
                m.render(into: &f, screen: f.bounds, context: ctx)
            }
            if !ctx.capabilities.unicode { #expect(W.isASCII(f)) }
            try Snapshot.check(W.dump(f), named: "modal-\(name)-48x12", suite: Self.suite)
        }
        var tiny = ""
        for (w, h) in [(0, 0), (1, 1), (4, 2), (12, 5)] {
            let f = W.frame(w, h) { f in
                Modal.confirm(title: "Title", message: msg).render(into: &f, screen: f.bounds, context: W.unicode)
            }
            tiny += "\(w)x\(h):\n\(f.text())\n"
        }
        try Snapshot.check(tiny, named: "modal-tiny", suite: Self.suite)
    }
}

@Suite struct HintTests {
    static let suite = "Hints"

    static let hints = [
        KeyHint(keys: ["q"], description: "Quit", group: "Global"),
        KeyHint(keys: ["?"], description: "Help", group: "Global"),
        KeyHint(keys: ["j", "↓"], description: "Down", group: "Table"),
        KeyHint(keys: ["k", "↑"], description: "Up", group: "Table"),
        KeyHint(keys: ["/"], description: "Filter rows", group: "Table"),
        KeyHint(keys: ["Enter"], description: "Open detail", group: "Table"),
        KeyHint(keys: ["Tab", "S-Tab"], description: "Next / previous field", group: "Form"),
        KeyHint(keys: ["Esc"], description: "Cancel", group: "Form"),
    ]

    @Test func footerTruncatesGracefully() throws {
        var out = ""
        for w in [80, 30, 12, 3, 1, 0] {
            for ctx in [W.unicode, W.ascii] {
                let f = W.frame(w, 1) { f in
                    KeyHintBar(hints: Self.hints).render(into: &f, area: f.bounds, context: ctx)
                }
                if !ctx.capabilities.unicode { #expect(W.isASCII(f)) }
                out += "|" + f.text() + "|\n"
            }
        }
        let styled = W.frame(30, 1) { f in
            KeyHintBar(hints: Self.hints).render(into: &f, area: f.bounds, context: W.unicode)
        }
        out += W.styleDump(styled) + "\n"
        try Snapshot.check(out, named: "footer", suite: Self.suite)
    }

    @Test func helpGroupsColumnsAndScrolls() throws {
        let screen = Rect(x: 0, y: 0, width: 70, height: 9)
        let f = W.frame(70, 9) { f in
            HelpOverlay(hints: Self.hints).render(into: &f, screen: f.bounds, context: W.unicode)
        }
        try Snapshot.check(W.dump(f), named: "help-70x9", suite: Self.suite)
        // Narrow and short: one column, scrolled by a line and to the bottom.
        let small = Rect(x: 0, y: 0, width: 30, height: 8)
        var h = HelpOverlay(hints: Self.hints)
        let upAtTop = h.scroll(by: -1, screen: small, context: W.ascii)
        #expect(!upAtTop)
        let down = h.scroll(by: 1, screen: small, context: W.ascii)
        #expect(down)
        #expect(h.scroll == 1)
        let bottom = h.scrollToBottom(screen: small, context: W.ascii)
        #expect(bottom)
        #expect(h.scroll == 13 - 4)  // 13 lines (3 group titles, 2 blank separators, 8 hints) in 4 visible rows
        let pastEnd = h.scroll(by: 1, screen: small, context: W.ascii)
        let pagePastEnd = h.scrollPage(by: 1, screen: small, context: W.ascii)
        #expect(!pastEnd && !pagePastEnd)
        let s = W.frame(30, 8) { f in h.render(into: &f, screen: f.bounds, context: W.ascii) }
        #expect(W.isASCII(s))
        try Snapshot.check(W.dump(s), named: "help-scrolled-ascii-30x8", suite: Self.suite)
        _ = screen
        for (w, hh) in [(0, 0), (1, 1), (5, 3)] {
            var fr = Frame(width: w, height: hh)
            HelpOverlay(hints: Self.hints).render(into: &fr, screen: fr.bounds, context: W.unicode)
            HelpOverlay(hints: []).render(into: &fr, screen: fr.bounds, context: W.unicode)
        }
    }
}

@Suite struct FeedbackTests {
    static let suite = "Feedback"

    @Test func toastsExpireByTimePassedIn() {
        var c = ToastCenter(capacity: 2)
        c.post("a", severity: .info, now: .seconds(0), lifetime: .seconds(3))
        c.post("b", severity: .error, now: .seconds(1), lifetime: .seconds(5))
        #expect(c.current?.message == "b")
        #expect(c.expire(now: .seconds(3)) == false)  // "a" expired, "b" still shows
        #expect(c.toasts.map(\.message) == ["b"])
        #expect(c.expire(now: .seconds(6)) == true)
        #expect(c.current == nil)
        for i in 0..<5 { c.post("\(i)", now: .seconds(10)) }
        #expect(c.toasts.map(\.message) == ["3", "4"])
    }

    @Test func spinnerCyclesAndProgressSweeps() throws {
        var s = Spinner(label: "sync")
        var seen: [Character] = []
        for _ in 0..<5 {
            seen.append(s.glyph(.ascii))
            s.advance()
        }
        #expect(seen == ["|", "/", "-", "\\", "|"])
        #expect(Spinner(phase: -1).glyph(.unicode) == "⠏")
        var out = ""
        for ctx in [W.unicode, W.ascii] {
            let f = W.frame(30, 8) { f in
                StatusLine(
                    toast: Toast(message: "RPC timed out after 10 s, retrying", severity: .error, expires: .zero)
                ).render(into: &f, area: Rect(x: 0, y: 0, width: 30, height: 1), context: ctx)
                StatusLine(toast: nil, idleText: "synced 12:03").render(
                    into: &f, area: Rect(x: 0, y: 1, width: 30, height: 1), context: ctx)
                Spinner(label: "waiting for receipt", phase: 2).render(
                    into: &f, area: Rect(x: 0, y: 2, width: 30, height: 1), context: ctx)
                ProgressBar(fraction: 0.25, label: "Upload").render(
                    into: &f, area: Rect(x: 0, y: 3, width: 30, height: 1), context: ctx)
                for (i, p) in [0, 5, 40].enumerated() {
                    ProgressBar(fraction: nil, phase: p, label: "Probe").render(
                        into: &f, area: Rect(x: 0, y: 4 + i, width: 30, height: 1), context: ctx)
                }
                ProgressBar(fraction: nil, phase: 3).render(
                    into: &f, area: Rect(x: 0, y: 7, width: 3, height: 1), context: ctx)
            }
            if !ctx.capabilities.unicode { #expect(W.isASCII(f)) }
            out += W.dump(f)
        }
        try Snapshot.check(out, named: "status-spinner-progress", suite: Self.suite)
        for (w, h) in [(0, 0), (1, 1), (2, 1)] {
            var f = Frame(width: w, height: h)
            for ctx in [W.unicode, W.ascii] {
                StatusLine(toast: Toast(message: "x", severity: .warn, expires: .zero)).render(
                    into: &f, area: f.bounds, context: ctx)
                Spinner(label: "l").render(into: &f, area: f.bounds, context: ctx)
                ProgressBar(fraction: nil, phase: 7, label: "x").render(into: &f, area: f.bounds, context: ctx)
                ProgressBar(fraction: 2, label: "x").render(into: &f, area: f.bounds, context: ctx)
                TextView("hello world").render(into: &f, area: f.bounds, context: ctx)
            }
        }
    }
}
