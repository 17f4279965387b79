import Foundation
import TerminalKitTesting
import Testing

@testable import TerminalKit

/// In-process curses on a pseudo-terminal (PLATFORM-NOTES §2). Curses has one current screen, so the
/// suite is serialized.
@Suite(.serialized) struct CursesTerminalTests {
    struct Fixture {
        let pty: PseudoTerminal
        let term: CursesTerminal
        /// Keeps the last frame and sends the difference, as the runtime does.
        let screen: Screen
        func close() {
            term.shutdown()
            pty.close()
        }
    }

    func start(
        _ termName: String = "xterm-256color", size: Size = Size(width: 80, height: 24), env: [String: String] = [:],
        keepBytes: Bool = false
    ) throws -> Fixture {
        let pty = try PseudoTerminal(size: size, keepBytes: keepBytes)
        var environment = ProcessInfo.processInfo.environment
        environment["NO_COLOR"] = nil
        for (k, v) in env { environment[k] = v }
        do {
            let term = try CursesTerminal(
                CursesConfiguration(term: termName, output: pty.output, input: pty.input, environment: environment))
            return Fixture(pty: pty, term: term, screen: Screen(terminal: term))
        } catch {
            pty.close()
            throw error
        }
    }

    @Test func drawsUnicodeAndReadsItBack() throws {
        let f = try start()
        defer { f.close() }
        #expect(f.term.size == Size(width: 80, height: 24))
        var frame = Frame(width: 80, height: 24)
        frame.write("┌──┐ ⣿⣷ héllo 漢字!", x: 0, y: 0)
        frame.write("last", x: 76, y: 23)
        try f.screen.present(frame)
        if f.term.capabilities.unicode {
            #expect(f.term.screenRow(0).hasPrefix("┌──┐ ⣿⣷ héllo 漢字!"))
        }
        #expect(f.term.screenRow(23).hasSuffix("last"))
    }

    @Test func idlePresentSendsNothingAndOneRowSendsAboutOneRow() throws {
        let f = try start()
        defer { f.close() }
        var frame = Frame(width: 80, height: 24)
        for y in 0..<24 {
            frame.write(
                String(repeating: "abcdefgh", count: 10), x: 0, y: y, style: Style(foreground: .indexed(30 + UInt8(y))))
        }
        try f.screen.present(frame)
        let full = f.pty.settle()
        try f.screen.present(frame)
        #expect(f.pty.settle() == full)
        #expect(f.term.lastStats.cells == 0)
        var changed = frame
        changed.write(String(repeating: "ABCDEFGH", count: 10), x: 0, y: 12, style: Style(foreground: .indexed(200)))
        try f.screen.present(changed)
        let delta = f.pty.settle() - full
        #expect(f.term.lastStats.cells == 80)
        #expect(delta >= 80 && delta < 140, "one row cost \(delta) bytes")
        #expect(full > 20 * delta)
    }

    @Test func coloursUseTheExtendedPairsAndTheTerminfoSequences() throws {
        let f = try start(keepBytes: true)
        defer { f.close() }
        #expect(f.term.capabilities.colorDepth == .indexed256)
        var frame = Frame(width: 80, height: 24)
        frame.write("ORANGE", x: 0, y: 0, style: Style(foreground: .rgb(255, 135, 0)))
        frame.write("SEL", x: 0, y: 1, style: Style(foreground: .ansi(0), background: .ansi(6), attributes: .bold))
        try f.screen.present(frame)
        f.pty.settle()
        let out = String(decoding: f.pty.bytes, as: UTF8.self)
        #expect(out.contains("\u{1B}[38;5;208mORANGE"))
        #expect(out.contains("SEL"))
        #expect(out.contains("\u{1B}[46m") || out.contains("48;5;6m"))
    }

    @Test(arguments: [
        ("vt100", ColorDepth.monochrome), ("linux", .ansi8), ("screen-256color", .indexed256),
        ("tmux-256color", .indexed256), ("xterm-direct", .trueColor), ("xterm-16color", .ansi16),
    ])
    func colourDepthFromTerminfo(term: String, depth: ColorDepth) throws {
        let f = try start(term)
        defer { f.close() }
        #expect(f.term.capabilities.colorDepth == depth)
    }

    @Test func moreColourCombinationsThanPairsOnTheLinuxConsole() throws {
        let f = try start("linux")
        defer { f.close() }
        #expect(f.term.capabilities.colorDepth == .ansi8)
        var frame = Frame(width: 80, height: 24)
        var n = 0
        for fg in 0..<9 {
            for bg in 0..<9 {
                let fgc: Color = fg == 8 ? .default : .ansi(UInt8(fg))
                let bgc: Color = bg == 8 ? .default : .ansi(UInt8(bg))
                frame.write("x", x: n % 80, y: n / 80, style: Style(foreground: fgc, background: bgc))
                n += 1
            }
        }
        try f.screen.present(frame)
        #expect(f.term.lastStats.cells == 80 * 24)
        #expect(f.term.screenRow(0) == String(repeating: "x", count: 80))
        #expect(f.term.screenRow(1).hasPrefix("x"))
    }

    @Test func noColorEnvironmentGivesMonochrome() throws {
        let f = try start(env: ["NO_COLOR": "1"], keepBytes: true)
        defer { f.close() }
        #expect(f.term.capabilities.colorDepth == .monochrome)
        var frame = Frame(width: 80, height: 24)
        frame.write("X", x: 0, y: 0, style: Style(foreground: .indexed(208)))
        try f.screen.present(frame)
        f.pty.settle()
        #expect(!String(decoding: f.pty.bytes, as: UTF8.self).contains("38;5"))
    }

    @Test func truecolorGoesOutAsRGBOnDirectColourTerminals() throws {
        let f = try start("xterm-direct", keepBytes: true)
        defer { f.close() }
        var frame = Frame(width: 80, height: 24)
        frame.write("RGB", x: 0, y: 0, style: Style(foreground: .rgb(0x12, 0x34, 0x56)))
        try f.screen.present(frame)
        f.pty.settle()
        let out = String(decoding: f.pty.bytes, as: UTF8.self)
        #expect(
            out.contains("38:2::18:52:86m") || out.contains("38;2;18;52;86m"), "\(out.debugDescription.suffix(200))")
    }

    struct KeyCase: Sendable, CustomStringConvertible {
        let bytes: String
        let key: Key
        var description: String { bytes.debugDescription }
    }

    /// Sequences from xterm's terminfo in keypad-transmit mode (kcud1 = ESC O B, not ESC [ B).
    static let keyCases: [KeyCase] = [
        KeyCase(bytes: "j", key: .character("j")), KeyCase(bytes: "G", key: .character("G")),
        KeyCase(bytes: "\u{1B}OB", key: .down), KeyCase(bytes: "\u{1B}OA", key: .up),
        KeyCase(bytes: "\u{1B}OC", key: .right), KeyCase(bytes: "\u{1B}OD", key: .left),
        KeyCase(bytes: "\u{1B}[5~", key: .pageUp), KeyCase(bytes: "\u{1B}[6~", key: .pageDown),
        KeyCase(bytes: "\u{1B}OH", key: .home), KeyCase(bytes: "\u{1B}OF", key: .end),
        KeyCase(bytes: "\u{1B}[3~", key: .delete), KeyCase(bytes: "\u{1B}[Z", key: .backTab),
        KeyCase(bytes: "\u{1B}OP", key: .function(1)), KeyCase(bytes: "\u{1B}[15~", key: .function(5)),
        KeyCase(bytes: "\u{1B}[24~", key: .function(12)),
        KeyCase(bytes: "\r", key: .enter), KeyCase(bytes: "\t", key: .tab), KeyCase(bytes: "\u{7F}", key: .backspace),
        KeyCase(bytes: "\u{04}", key: .control("d")), KeyCase(bytes: "\u{15}", key: .control("u")),
        KeyCase(bytes: "\u{1B}", key: .escape),
    ]

    /// The same keys in the normal cursor form (`ESC [ B`), which terminals send outside keypad-transmit
    /// mode and some multiplexers send always; terminfo lists only one of the two forms.
    static let normalCursorCases: [KeyCase] = [
        KeyCase(bytes: "\u{1B}[B", key: .down), KeyCase(bytes: "\u{1B}[A", key: .up),
        KeyCase(bytes: "\u{1B}[C", key: .right), KeyCase(bytes: "\u{1B}[D", key: .left),
        KeyCase(bytes: "\u{1B}[H", key: .home), KeyCase(bytes: "\u{1B}[F", key: .end),
    ]

    @Test func keysFromXtermSequences() throws {
        let f = try start()
        defer { f.close() }
        try f.screen.present(Frame(width: 80, height: 24))  // keypad transmit mode is sent with the first refresh
        f.pty.settle()
        for c in Self.keyCases {
            f.pty.send(c.bytes)
            #expect(f.term.readEvent(timeout: .milliseconds(500)) == .key(c.key), "\(c)")
        }
        #expect(f.term.readEvent(timeout: .milliseconds(10)) == nil)
    }

    @Test(arguments: ["xterm-256color", "tmux-256color", "linux"]) func arrowsInBothCursorForms(term: String) throws {
        let f = try start(term)
        defer { f.close() }
        try f.screen.present(Frame(width: 80, height: 24))
        f.pty.settle()
        let applicationForm = Self.normalCursorCases.map {
            KeyCase(bytes: $0.bytes.replacingOccurrences(of: "[", with: "O"), key: $0.key)
        }
        for c in Self.normalCursorCases + applicationForm {
            f.pty.send(c.bytes)
            #expect(f.term.readEvent(timeout: .milliseconds(500)) == .key(c.key), "\(term) \(c)")
        }
        #expect(f.term.readEvent(timeout: .milliseconds(10)) == nil)
    }

    @Test func altCombinationArrivesAsItsOwnKey() throws {
        let f = try start()
        defer { f.close() }
        try f.screen.present(Frame(width: 80, height: 24))
        f.pty.settle()
        f.pty.send("\u{1B}x")
        #expect(f.term.readEvent(timeout: .milliseconds(300)) == .key(.alt("x")))
        f.pty.send("\u{1B}S")
        #expect(f.term.readEvent(timeout: .milliseconds(300)) == .key(.alt("S")))
        f.pty.send("k")
        #expect(f.term.readEvent(timeout: .milliseconds(300)) == .key(.character("k")))
        // ESC before a non-printable key is Esc, then that key: nothing is lost.
        f.pty.send("\u{1B}\r")
        #expect(f.term.readEvent(timeout: .milliseconds(300)) == .key(.escape))
        #expect(f.term.readEvent(timeout: .milliseconds(300)) == .key(.enter))
        #expect(f.term.readEvent(timeout: .milliseconds(10)) == nil)
    }

    @Test func alternateScreenIsEnteredOnceAtStart() throws {
        let f = try start(keepBytes: true)
        try f.screen.present(Frame(width: 80, height: 24))
        f.pty.settle()
        f.close()
        let out = String(decoding: f.pty.bytes, as: UTF8.self)
        // xterm's smcup / rmcup (infocmp xterm-256color): the alternate screen is ?1049.
        #expect(out.components(separatedBy: "\u{1B}[?1049h").count - 1 == 1)
        #expect(out.components(separatedBy: "\u{1B}[?1049l").count - 1 == 1)
        let enter = try #require(out.range(of: "\u{1B}[?1049h"))
        let leave = try #require(out.range(of: "\u{1B}[?1049l"))
        #expect(enter.upperBound <= leave.lowerBound)
    }

    @Test func aWakeSignalEndsTheWaitForKeysAtOnce() throws {
        let f = try start()
        defer { f.close() }
        try f.screen.present(Frame(width: 80, height: 24))
        f.pty.settle()
        let wake = try #require(f.term.wakeSignal)
        let started = ContinuousClock.now
        Thread.detachNewThread {
            usleep(50_000)
            wake.signal()
        }
        #expect(f.term.readEvent(timeout: .seconds(5)) == nil)
        let waited = ContinuousClock.now - started
        #expect(waited >= .milliseconds(40) && waited < .seconds(2), "\(waited)")
        // Keys still arrive after a wake-up, and a later wait is a full wait again.
        f.pty.send("k")
        #expect(f.term.readEvent(timeout: .milliseconds(500)) == .key(.character("k")))
        let again = ContinuousClock.now
        #expect(f.term.readEvent(timeout: .milliseconds(200)) == nil)
        #expect(ContinuousClock.now - again >= .milliseconds(150))
    }

    @Test func utf8KeyInput() throws {
        let f = try start()
        defer { f.close() }
        guard f.term.capabilities.unicode else { return }  // needs a UTF-8 locale in the test environment
        f.pty.send("é")
        #expect(f.term.readEvent(timeout: .milliseconds(300)) == .key(.character("é")))
    }

    @Test func unknownTermIsAClearErrorWithASuggestion() {
        do {
            _ = try start("no-such-terminal-xyz")
            Issue.record("started on an unknown terminal")
        } catch let e as TerminalStartError {
            #expect(
                e.message
                    == "cannot start the terminal UI: terminal type 'no-such-terminal-xyz' is not in the terminfo database"
            )
            #expect(e.hint.contains("TERM=xterm-256color"))
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }

    @Test func dumbTerminalIsRefused() {
        #expect(throws: TerminalStartError.self) { _ = try start("dumb") }
    }

    @Test func clipboardCopyWritesOSC52() throws {
        let f = try start(keepBytes: true)
        defer { f.close() }
        try f.screen.present(Frame(width: 80, height: 24))
        let before = f.pty.settle()
        f.term.copyToClipboard("0x70997970C51812dc3A010C7d01b50e0d17dc79C8")
        let after = f.pty.settle()
        let sent = String(decoding: f.pty.bytes[before..<after], as: UTF8.self)
        #expect(sent == "\u{1B}]52;c;MHg3MDk5Nzk3MEM1MTgxMmRjM0EwMTBDN2QwMWI1MGUwZDE3ZGM3OUM4\u{07}")
    }

    @Test func suspendAndResumeRedrawsEverything() throws {
        let f = try start()
        defer { f.close() }
        var frame = Frame(width: 80, height: 24)
        frame.write("hello", x: 0, y: 0)
        try f.screen.present(frame)
        let before = f.pty.settle()
        f.term.suspend()
        f.term.resume()
        try f.screen.present(frame)
        #expect(f.term.lastStats.cells == 80 * 24)
        #expect(f.pty.settle() > before)
        #expect(f.term.screenRow(0).hasPrefix("hello"))
    }
}
