import Foundation
import TerminalKitTesting
import TestSupport
import Testing

/// The real binary under tmux, driven by keys, read back with capture-pane.
@Suite struct TerminalEndToEndTests {
    /// The engine check (`ui-demo --engine`): its diagnostic line ("size=… resizes=… service=…") is what these tests read.
    static var demo: String { Tmux.quote(RepoPaths.consoleBinary) + " ui-demo --engine" }
    /// The widget gallery (plain `ui-demo`).
    static var gallery: String { Tmux.quote(RepoPaths.consoleBinary) + " ui-demo" }
    static let utf8 = ["LANG": "C.UTF-8", "TERM": "xterm-256color"]
    static let title = "TerminalKit demo"

    @Test func drivesTheDemoLikeAPerson() throws {
        let tm = try Tmux(command: Self.demo + " --theme dark", env: Self.utf8)
        defer { tm.close() }
        var screen = try tm.waitFor(text: "service=ready")
        #expect(screen.contains("theme=dark  256 colours  UTF-8"))
        #expect(screen.contains("┌─ Rows 1 of 500 ─"))
        #expect(screen.contains("⣿") || screen.contains("⣷"))
        #expect(screen.contains("q Quit  ? Help  y Copy row  s Send test transaction"))
        try tm.send("j"); try tm.send("j"); try tm.send("k"); try tm.send("j")
        screen = try tm.waitFor(text: "Rows 3 of 500")
        #expect(screen.contains("key=j"))
        try tm.send("Down"); try tm.send("NPage")
        screen = try tm.waitFor(text: "key=PgDn")
        try tm.resize(cols: 70, rows: 20)
        screen = try tm.waitFor(text: "size=70x20 resizes=1")
        let colours = try tm.capture(escapes: true)
        #expect(colours.contains("\u{1B}[38;5;81m"))  // #5fd7ff accent as xterm colour 81
        try tm.send("q")
        try tm.waitForExit()
        #expect(try tm.paneValue("alternate_on") == "0")
    }

    static let terms: [(String, String)] = [
        ("xterm-256color", "256 colours"), ("screen-256color", "256 colours"), ("tmux-256color", "256 colours"),
        ("linux", "8 colours"), ("vt100", "monochrome"),
    ]

    @Test(arguments: terms) func runsInEveryTerminalType(term: String, depth: String) throws {
        let tm = try Tmux(command: Self.demo, env: ["LANG": "C.UTF-8", "TERM": term])
        defer { tm.close() }
        let screen = try tm.waitFor(text: "service=ready")
        #expect(screen.contains(depth), "\(term)")
        // The Linux console's fonts lack braille: its chart falls back to block characters.
        #expect(screen.contains(term == "linux" ? "chart (blocks):" : "chart (braille):"), "\(term)")
        #expect(screen.contains("Rows 1 of 500"))
        try tm.send("j")
        try tm.waitFor(text: "Rows 2 of 500")
        try tm.send("?")
        try tm.waitFor(text: "Send test transaction  ")  // help overlay lists it
        try tm.send("Escape")
        try tm.waitFor("help closed") { !$0.contains("Help ─") && !$0.contains("Help -") }
        try tm.send("q")
        let after = try tm.waitForExit()
        // The shell gets its screen back: the alternate screen where there is one, a cleared
        // screen where there is none (linux, vt100).
        #expect(!after.contains(Self.title) && !after.contains("Rows 2 of 500"), "\(term):\n\(after)")
    }

    @Test func copyReachesTheClipboardThroughTmux() throws {
        let tm = try Tmux(command: Self.demo, env: Self.utf8)
        defer { tm.close() }
        try tm.run(["set-option", "-g", "set-clipboard", "on"])
        try tm.waitFor(text: "service=ready")
        try tm.send("j")
        try tm.send("y")
        try tm.waitFor(text: "key=y")
        let start = ContinuousClock.now
        var buffer = ""
        while ContinuousClock.now - start < .seconds(5) {
            buffer = (try? tm.run(["show-buffer"])) ?? ""
            if !buffer.isEmpty { break }
            usleep(20_000)
        }
        #expect(buffer == "row 2")
    }

    @Test func escapeRespondsAtOnce() throws {
        let tm = try Tmux(command: Self.demo, env: Self.utf8)
        defer { tm.close() }
        try tm.waitFor(text: "service=ready")
        try tm.send("?")
        try tm.waitFor(text: "┌─ Help")
        let start = ContinuousClock.now
        try tm.send("Escape")
        try tm.waitFor("help closed", timeout: .seconds(5)) { !$0.contains("┌─ Help") }
        // ncurses waits ESCDELAY (default 1000 ms) after a bare ESC; we set 25 ms.
        #expect(ContinuousClock.now - start < .milliseconds(800))
    }

    /// The harness itself: a program that does not end is reported with what its threads wait in.
    @Test func aProgramThatDoesNotEndIsReportedWithItsThreads() throws {
        let tm = try Tmux(command: "sleep 30")
        defer { tm.close() }
        _ = try tm.programPID()
        do {
            try tm.waitForExit(timeout: .milliseconds(300))
            Issue.record("sleep 30 ended")
        } catch let timeout as Tmux.Timeout {
            #expect(timeout.what.contains("pid ") && timeout.what.contains("sleep S"), "\(timeout.what)")
        }
    }

    @Test func unknownTermIsAClearErrorWithExitCode2() throws {
        let tm = try Tmux(command: Self.gallery, cols: 200, env: ["LANG": "C.UTF-8", "TERM": "no-such-terminal"])
        defer { tm.close() }
        let screen = try tm.waitFor(text: "EXIT=")
        #expect(
            screen.contains(
                "error: cannot start the terminal UI: terminal type 'no-such-terminal' is not in the terminfo database"
            ))
        #expect(screen.contains("hint: try TERM=xterm-256color"))
        #expect(screen.contains("EXIT=2"))
    }

    @Test func unsetOrDumbTermIsAClearError() throws {
        let unset = try Tmux(command: Self.gallery, cols: 200, env: ["LANG": "C.UTF-8"], unset: ["TERM"])
        defer { unset.close() }
        let dumb = try Tmux(command: Self.gallery, cols: 200, env: ["LANG": "C.UTF-8", "TERM": "dumb"])
        defer { dumb.close() }
        let s1 = try unset.waitFor(text: "EXIT=")
        #expect(s1.contains("error: cannot start the terminal UI: TERM is not set"))
        #expect(s1.contains("EXIT=2"))
        let s2 = try dumb.waitFor(text: "EXIT=")
        #expect(s2.contains("terminal type 'dumb' cannot move the cursor (no 'cup' capability)"))
        #expect(s2.contains("EXIT=2"))
    }

    @Test func asciiFallbackUnderLangC() throws {
        let tm = try Tmux(
            command: Self.demo, env: ["LANG": "C", "TERM": "xterm-256color"], unset: ["LC_ALL", "LC_CTYPE"])
        defer { tm.close() }
        let screen = try tm.waitFor(text: "service=ready")
        #expect(screen.contains("ASCII"))
        #expect(screen.contains("+- Rows 1 of 500 -"))
        #expect(screen.contains("chart (ascii):"))
        #expect(screen.unicodeScalars.allSatisfy { $0.isASCII }, "non-ASCII on screen:\n\(screen)")
    }

    @Test func asciiFlagAndNoColor() throws {
        // Global flags before the subcommand work as well as after it.
        let tm = try Tmux(
            command: Tmux.quote(RepoPaths.consoleBinary) + " --ascii --no-color --theme dark ui-demo --engine",
            env: Self.utf8)
        defer { tm.close() }
        let screen = try tm.waitFor(text: "service=ready")
        #expect(screen.contains("monochrome  ASCII"))
        let esc = try tm.capture(escapes: true)
        #expect(!esc.contains("38;5") && !esc.contains("48;5"))
        #expect(esc.contains("\u{1B}[7m"))  // the selection shows as reverse video
    }

    @Test func noColorEnvironment() throws {
        let tm = try Tmux(command: Self.demo + " --theme dark", env: Self.utf8.merging(["NO_COLOR": "1"]) { $1 })
        defer { tm.close() }
        try tm.waitFor(text: "monochrome  UTF-8")
        #expect(!(try tm.capture(escapes: true)).contains("38;5"))
    }

    @Test func tooSmallScreenRecovers() throws {
        let tm = try Tmux(command: Self.demo, cols: 80, rows: 24, env: Self.utf8)
        defer { tm.close() }
        try tm.waitFor(text: "service=ready")
        try tm.resize(cols: 30, rows: 8)
        try tm.waitFor(text: "needs 40×12, have 30×8")
        try tm.resize(cols: 1, rows: 1)
        try tm.waitFor("the 1x1 screen") { $0.trimmingCharacters(in: .whitespacesAndNewlines) == "!" }
        try tm.resize(cols: 80, rows: 24)
        let screen = try tm.waitFor(text: "size=80x24")
        #expect(screen.contains("Rows 1 of 500"))
        try tm.send("q")
        try tm.waitForExit()
    }

    @Test(arguments: [SIGTERM, SIGHUP, SIGINT]) func terminationSignalRestoresTheTerminal(signal: Int32) throws {
        let tm = try Tmux(command: Self.demo, env: Self.utf8)
        defer { tm.close() }
        try tm.waitFor(text: "service=ready")
        #expect(try tm.paneValue("alternate_on") == "1")
        let pid = try tm.programPID()
        kill(pid, signal)
        let screen = try tm.waitFor(text: "EXIT=")
        #expect(screen.contains("EXIT=\(128 + signal)"))
        #expect(!screen.contains(Self.title))
        #expect(try tm.paneValue("alternate_on") == "0")
    }

    @Test func ctrlCQuitsCleanly() throws {
        let tm = try Tmux(command: Self.demo, env: Self.utf8)
        defer { tm.close() }
        try tm.waitFor(text: "service=ready")
        try tm.send("C-c")
        let screen = try tm.waitFor(text: "EXIT=")
        #expect(screen.contains("EXIT=130"))
        #expect(try tm.paneValue("alternate_on") == "0")
    }

    @Test func ctrlZSuspendsAndFgRedraws() throws {
        let tm = try Tmux(
            command: "bash --norc --noprofile -i", env: Self.utf8.merging(["PS1": "PROMPT$ "]) { $1 }, reportExit: false
        )
        defer { tm.close() }
        try tm.waitFor(text: "PROMPT$")
        try tm.type(Self.demo)
        try tm.send("Enter")
        try tm.waitFor(text: "service=ready")
        try tm.send("C-z")
        let stopped = try tm.waitFor(text: "Stopped")
        #expect(!stopped.contains("Rows 1 of 500"))
        #expect(try tm.paneValue("alternate_on") == "0")
        try tm.type("fg")
        try tm.send("Enter")
        try tm.waitFor(text: "Rows 1 of 500")
        try tm.send("j")
        let back = try tm.waitFor(text: "Rows 2 of 500")
        #expect(back.contains("key=j"))
        try tm.send("q")
        try tm.waitFor(text: "PROMPT$")
    }

    @Test func readOnlyRemovesDangerousActions() throws {
        let tm = try Tmux(command: Self.demo + " --read-only", env: Self.utf8)
        defer { tm.close() }
        var screen = try tm.waitFor(text: "service=ready")
        #expect(screen.contains("[RO]"))
        #expect(!screen.contains("Send test transaction"))
        try tm.send("s")
        screen = try tm.waitFor(text: "key=s")
        #expect(screen.contains("sent=0"))
        try tm.send("?")
        screen = try tm.waitFor(text: "Help ─")
        #expect(!screen.contains("Send test transaction"))
    }

    @Test func brokenThemeFallsBackWithAVisibleNotice() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("theme-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("bad.json").path
        try "{\n  \"roles\": {\n    \"accent\": {\"fg\": \"#12\"}\n  }\n}\n".write(
            toFile: path, atomically: true, encoding: .utf8)
        let tm = try Tmux(command: Self.demo + " --theme " + Tmux.quote(path), cols: 160, env: Self.utf8)
        defer { tm.close() }
        var screen = try tm.waitFor(text: "service=ready")
        #expect(screen.contains("theme=default"))
        #expect(screen.contains("theme error: \(path):3: roles.accent.fg: \"#12\" is not a colour"))
        try tm.send("j")
        screen = try tm.waitFor(text: "key=j")
        #expect(!screen.contains("theme error"))
    }

    @Test func bindingConflictIsAnErrorAtStart() throws {
        let tm = try Tmux(command: Self.gallery + " --keys 'table.up=j'", env: Self.utf8)
        defer { tm.close() }
        let screen = try tm.waitFor(text: "EXIT=")
        #expect(screen.contains("key bindings: j is bound to both table.down and table.up in scope \"table\""))
        #expect(screen.contains("EXIT=2"))
        // Nothing was drawn: the error comes before the terminal is touched.
        #expect(try tm.paneValue("alternate_on") == "0")
        let engine = try Tmux(command: Self.demo + " --keys 'up=j'", env: Self.utf8)
        defer { engine.close() }
        let s2 = try engine.waitFor(text: "EXIT=")
        #expect(s2.contains("key bindings: j is bound to both down and up in scope \"global\""))
        #expect(s2.contains("EXIT=2"))
    }

    @Test func stdoutNotATerminalIsAClearError() throws {
        let r = try runProcess([RepoPaths.consoleBinary, "ui-demo"], environment: Self.utf8)
        #expect(r.status == 2)
        let e = try runProcess([RepoPaths.consoleBinary, "ui-demo", "--engine"], environment: Self.utf8)
        #expect(e.status == 2)
        #expect(e.output.contains("error: stdout is not a terminal"))
        #expect(r.output.contains("error: stdout is not a terminal"))
        #expect(r.output.contains("  hint: run it in a terminal (over SSH: ssh -t)"))
        #expect(!r.output.contains("\u{1B}["))
    }
}
