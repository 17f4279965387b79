import Basics
import CNcursesw

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// How to start curses.
package struct CursesConfiguration {
    /// Terminal type; nil reads TERM from the environment.
    package var term: String?
    /// Output and input streams; nil uses the process's stdout/stdin (which must be terminals).
    package var output: UnsafeMutablePointer<FILE>?
    package var input: UnsafeMutablePointer<FILE>?
    package var environment: [String: String]
    package var noColor: Bool
    package var ascii: Bool

    package init(
        term: String? = nil, output: UnsafeMutablePointer<FILE>? = nil, input: UnsafeMutablePointer<FILE>? = nil,
        environment: [String: String], noColor: Bool = false, ascii: Bool = false
    ) {
        self.term = term
        self.output = output
        self.input = input
        self.environment = environment
        self.noColor = noColor
        self.ascii = ascii
    }
}

/// A real terminal through ncursesw. It draws the runs `Screen` computed (curses then optimises them
/// further in `doupdate`), in one buffered write per frame.
///
/// Not thread-safe: curses has one current screen. Use it from the loop's thread only.
package final class CursesTerminal: Terminal {
    package private(set) var size: Size
    package let capabilities: Capabilities
    /// What terminfo said (for diagnostics and tests).
    let probe: TerminalProbe
    package let termName: String
    private let screen: OpaquePointer
    private let outputFD: Int32
    private var inputFD: Int32 = -1
    /// Ends a wait for keys early when a task result arrives (see `TaskRunner`).
    package let wakeSignal: WakeSignal? = WakeSignal()
    /// The terminal has an alternate screen (smcup/rmcup) that gives the shell its screen back.
    private let hasAlternateScreen: Bool
    private let window: UnsafeMutablePointer<WINDOW>
    private var pairs: [PairKey: Int32] = [:]
    private var nextPair: Int32 = 1
    private var colorsOn = false
    private var ended = false
    private var suspended = false
    /// Statistics of the last `draw`.
    package private(set) var lastStats = PresentStats()

    private struct PairKey: Hashable {
        var fg: Int32
        var bg: Int32
    }

    /// Starts curses. Call `setlocale(LC_ALL, "")` happens here first, so multibyte text works.
    /// - Throws: `TerminalStartError` when stdout/stdin are not terminals or TERM is missing/unknown/
    ///   cannot move the cursor. Never exits from inside curses.
    static let notATerminalHint =
        "run it in a terminal (over SSH: ssh -t); for scripts and logs use the program's headless commands (see --help)"

    package init(_ config: CursesConfiguration) throws {
        setlocale(LC_ALL, "")
        if config.output == nil && isatty(1) == 0 {
            throw TerminalStartError(
                message: "stdout is not a terminal, so the interactive console cannot start",
                hint: Self.notATerminalHint)
        }
        if config.input == nil && isatty(0) == 0 {
            throw TerminalStartError(
                message: "stdin is not a terminal, so keys cannot be read",
                hint: Self.notATerminalHint)
        }
        let term = config.term ?? config.environment["TERM"]
        let out = config.output ?? kc_stdout()
        let inp = config.input ?? kc_stdin()
        guard let out, let inp else {
            throw TerminalStartError(
                message: "cannot open the terminal streams",
                hint: "run it with stdin and stdout connected to a terminal")
        }
        var err = [CChar](repeating: 0, count: 256)
        let scr: OpaquePointer? = err.withUnsafeMutableBufferPointer { buf in
            if let term { return kc_newterm_checked(term, out, inp, buf.baseAddress, buf.count) }
            return kc_newterm_checked(nil, out, inp, buf.baseAddress, buf.count)
        }
        guard let scr else {
            let msg = String(decoding: err.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            throw TerminalStartError(
                message: "cannot start the terminal UI: \(msg)",
                hint: "try TERM=xterm-256color (or TERM=screen-256color inside screen/tmux)")
        }
        screen = scr
        outputFD = fileno(out)
        hasAlternateScreen = kc_tigetstr("smcup") != nil
        set_term(scr)
        guard let w = kc_stdscr() else {
            endwin()
            delscreen(scr)
            throw TerminalStartError(
                message: "curses has no screen window", hint: "try another TERM, e.g. TERM=xterm-256color")
        }
        window = w
        termName = term ?? ""
        noecho()
        cbreak()
        nonl()
        keypad(w, true)
        intrflush(w, false)
        leaveok(w, true)
        curs_set(0)
        if config.environment["ESCDELAY"] == nil { set_escdelay(25) }

        let codeset = kc_codeset().map { String(cString: $0) }
        var p = TerminalProbe(
            // COLORS is only set by start_color, so ask terminfo for the first decision.
            colors: has_colors() ? max(0, Int(kc_tigetnum("colors"))) : 0, directColor: kc_tigetflag("RGB") > 0,
            codeset: codeset,
            environment: config.environment, noColorFlag: config.noColor, asciiFlag: config.ascii, term: term)
        var caps = Capabilities.detect(p)
        if caps.colorDepth != .monochrome {
            if start_color() == OK {
                colorsOn = true
                if use_default_colors() != OK { assume_default_colors(-1, -1) }
                // COLORS is only final after start_color.
                p.colors = Int(kc_colors())
                caps.colorDepth = Capabilities.detectColorDepth(p)
            } else {
                caps.colorDepth = .monochrome
            }
        }
        probe = p
        capabilities = caps
        // ncurses 6.4 flushes its output buffer after every cursor movement until the screen has
        // been through endwin() once (its `_endwin == ewInitial` case, meant for low-level terminfo
        // programs), which splits one frame into hundreds of small writes. One endwin/doupdate cycle
        // before the first frame puts it in the normal state: one write per frame.
        // The terminal must not see the cycle leave and re-enter the alternate screen: that flashes.
        _ = kc_settle_output_quietly(fileno(out))
        // Arrows and Home/End in both the normal (`ESC [ B`) and the application cursor form
        // (`ESC O B`): terminfo names only one, and terminals and multiplexers send either.
        for (final, code) in [
            ("A", KEY_UP), ("B", KEY_DOWN), ("C", KEY_RIGHT), ("D", KEY_LEFT), ("H", KEY_HOME), ("F", KEY_END),
        ] {
            for introducer in ["[", "O"] { _ = define_key("\u{1B}" + introducer + final, code) }
        }
        inputFD = fileno(inp)
        size = Size(width: Int(getmaxx(w)), height: Int(getmaxy(w)))
    }

    deinit { shutdown() }

    // MARK: Terminal

    package func draw(_ runs: [CellRun], full: Bool) throws {
        guard !ended, !suspended else { return }
        var stats = PresentStats(cells: 0, runs: runs.count)
        if full { kc_clearok_curscr() }
        var wbuf = [wchar_t](repeating: 0, count: 8)
        for run in runs where run.y < size.height {
            for (i, raw) in run.cells.enumerated() {
                let x = run.x + i
                guard !raw.isContinuation, x < size.width else { continue }
                let cell = raw.adapted(to: capabilities)
                if cell.isContinuation { continue }
                // A wide character in the last column cannot be drawn; curses would wrap it.
                var ch = cell.character
                if x == size.width - 1, DisplayWidth.of(ch) == 2 { ch = " " }
                var n = 0
                for s in ch.unicodeScalars where n < 5 {
                    wbuf[n] = wchar_t(bitPattern: s.value)
                    n += 1
                }
                wbuf[n] = 0
                let (attrs, pair) = curses(cell.style)
                _ = kc_mvadd_wchstr(window, Int32(run.y), Int32(x), wbuf, attrs, pair)
                stats.cells += 1
            }
        }
        wnoutrefresh(window)
        doupdate()
        lastStats = stats
    }

    /// Draws every cell of `frame` after clearing the screen, as a program without a diff would
    /// (the benchmark's baseline).
    package func drawFullRedraw(_ frame: Frame) {
        werase(window)
        try? draw(FrameDiff.runs(from: nil, to: frame), full: true)
    }

    package private(set) var contentGeneration = 0

    package func readEvent(timeout: Duration) -> InputEvent? {
        guard !ended else { return nil }
        let ms = max(
            0,
            Int32(clamping: timeout.components.seconds * 1000 + timeout.components.attoseconds / 1_000_000_000_000_000))
        guard let wake = wakeSignal, inputFD >= 0 else { return nextEvent(waitingMS: ms) }
        // What curses already holds (bytes read ahead while matching a sequence, a pending resize) first.
        if let event = nextEvent(waitingMS: 0) { return event }
        var fds = [
            pollfd(fd: inputFD, events: Int16(POLLIN), revents: 0),
            pollfd(fd: wake.readFD, events: Int16(POLLIN), revents: 0),
        ]
        let ready = poll(&fds, 2, ms)
        if ready > 0, fds[1].revents != 0 { wake.clear() }
        // Also after a timeout or a signal (SIGWINCH interrupts poll): curses reports the resize.
        return nextEvent(waitingMS: 0)
    }

    /// One key or resize from curses, waiting at most `ms`.
    private func nextEvent(waitingMS ms: Int32) -> InputEvent? {
        wtimeout(window, ms)
        var ch: Int32 = 0
        let r = kc_get_wch(window, &ch)
        if r == ERR { return nil }
        if r == KEY_CODE_YES {
            if ch == KEY_RESIZE {
                size = Size(width: Int(getmaxx(window)), height: Int(getmaxy(window)))
                return .resize(size)
            }
            return Self.key(forKeyCode: ch).map(InputEvent.key)
        }
        if ch == 27 {
            // ESC followed at once by a printable character is Alt plus that character (curses has
            // already waited ESCDELAY for a longer sequence). Anything else after ESC is its own key.
            wtimeout(window, 0)
            var next: Int32 = 0
            let n = kc_get_wch(window, &next)
            if n == OK, case .character(let c)? = Self.key(forCharacter: next) { return .key(.alt(c)) }
            if n == OK {
                _ = unget_wch(next)
            } else if n == KEY_CODE_YES {
                _ = ungetch(next)
            }
            return .key(.escape)
        }
        return Self.key(forCharacter: ch).map(InputEvent.key)
    }

    package func suspend() {
        guard !ended, !suspended else { return }
        suspended = true
        clearIfNoAlternateScreen()
        endwin()
    }

    /// Without an alternate screen (linux, vt100) our last frame would stay under the shell's
    /// prompt; clear it so the shell gets a clean screen.
    private func clearIfNoAlternateScreen() {
        guard !hasAlternateScreen else { return }
        wclear(window)
        wnoutrefresh(window)
        doupdate()
        contentGeneration += 1
    }

    package func resume() {
        guard !ended, suspended else { return }
        suspended = false
        // refresh() after endwin() restores program mode; the size may have changed meanwhile.
        kc_clearok_curscr()
        doupdate()
        size = Size(width: Int(getmaxx(window)), height: Int(getmaxy(window)))
        contentGeneration += 1
    }

    package func copyToClipboard(_ text: String) {
        guard !ended, !suspended else { return }
        // After doupdate() curses has flushed everything, so the sequence cannot split a frame.
        let bytes = Array(osc52(text).utf8)
        var off = 0
        while off < bytes.count {
            let n = bytes[off...].withUnsafeBufferPointer { write(outputFD, $0.baseAddress, $0.count) }
            if n <= 0 { break }
            off += n
        }
    }

    package func bell() {
        guard !ended, !suspended else { return }
        // Written between frames like OSC 52, so the byte never lands inside an escape sequence.
        var bel: UInt8 = 7
        _ = write(outputFD, &bel, 1)
    }

    package func shutdown() {
        guard !ended else { return }
        ended = true
        if !suspended { clearIfNoAlternateScreen() }
        curs_set(1)
        endwin()
        delscreen(screen)
    }

    /// The text curses holds for row `y` (what the terminal shows), read back cell by cell; wide
    /// characters appear once. For tests and diagnostics.
    package func screenRow(_ y: Int) -> String {
        guard !ended, y >= 0, y < size.height else { return "" }
        var out = ""
        var buf = [wchar_t](repeating: 0, count: 8)
        var attrs: attr_t = 0
        var pair: Int32 = 0
        var x = 0
        while x < size.width {
            guard kc_cell_at(window, Int32(y), Int32(x), &buf, 8, &attrs, &pair) == OK else { break }
            var text = ""
            for w in buf.prefix(while: { $0 != 0 }) {
                if let s = Unicode.Scalar(UInt32(bitPattern: w)) { text.unicodeScalars.append(s) }
            }
            out += text
            x += max(1, DisplayWidth.of(text))
        }
        return out
    }

    // MARK: mapping

    /// The `Key` for a curses function-key code, or nil for keys the console does not use.
    package static func key(forKeyCode code: Int32) -> Key? {
        switch code {
        case KEY_UP: return .up
        case KEY_DOWN: return .down
        case KEY_LEFT: return .left
        case KEY_RIGHT: return .right
        case KEY_HOME: return .home
        case KEY_END: return .end
        case KEY_PPAGE: return .pageUp
        case KEY_NPAGE: return .pageDown
        case KEY_IC: return .insert
        case KEY_DC: return .delete
        case KEY_ENTER: return .enter
        case KEY_BACKSPACE: return .backspace
        case KEY_BTAB: return .backTab
        default:
            let f0 = kc_key_f(0)
            if code > f0 && code <= f0 + 24 { return .function(Int(code - f0)) }
            return nil
        }
    }

    /// The `Key` for a character read with get_wch: control characters become Enter/Tab/Esc/Bksp or
    /// `.control(letter)`.
    package static func key(forCharacter ch: Int32) -> Key? {
        switch ch {
        case 10, 13: return .enter
        case 9: return .tab
        case 27: return .escape
        case 8, 127: return .backspace
        case 1...26: return .control(Character(Unicode.Scalar(UInt8(ch) + 0x60)))
        case 0, 28...31: return nil
        default:
            guard let s = Unicode.Scalar(UInt32(bitPattern: ch)) else { return nil }
            return .character(Character(s))
        }
    }

    private func colorNumber(_ c: Color) -> Int32 {
        switch c {
        case .default: return -1
        case .ansi(let i), .indexed(let i):
            if capabilities.colorDepth == .trueColor && i >= 8 {
                let (r, g, b) = ColorReduction.rgb(ofIndexed: i)
                return Int32(r) << 16 | Int32(g) << 8 | Int32(b)
            }
            return Int32(i)
        case .rgb(let r, let g, let b):
            return Int32(r) << 16 | Int32(g) << 8 | Int32(b)
        }
    }

    private func curses(_ style: Style) -> (attr_t, Int32) {
        var a = kc_a_normal()
        let at = style.attributes
        if at.contains(.bold) { a |= kc_a_bold() }
        if at.contains(.dim) { a |= kc_a_dim() }
        if at.contains(.italic) { a |= kc_a_italic() }
        if at.contains(.underline) { a |= kc_a_underline() }
        if at.contains(.reverse) { a |= kc_a_reverse() }
        if at.contains(.blink) { a |= kc_a_blink() }
        guard colorsOn, style.foreground != .default || style.background != .default else { return (a, 0) }
        let key = PairKey(fg: colorNumber(style.foreground), bg: colorNumber(style.background))
        if let p = pairs[key] { return (a, p) }
        // When the pair table is full alloc_pair recycles the least recently used pair, so cached
        // numbers may now mean other colours: start the cache afresh.
        if pairs.count >= Int(kc_color_pairs()) - 1 { pairs.removeAll(keepingCapacity: true) }
        var p = alloc_pair(key.fg, key.bg)
        if p < 0 {
            // alloc_pair failed (pair table full or missing): fall back to plain init_extended_pair.
            if nextPair < kc_color_pairs(), init_extended_pair(nextPair, key.fg, key.bg) == OK {
                p = nextPair
                nextPair += 1
            } else {
                p = 0
            }
        }
        pairs[key] = p
        return (a, p)
    }
}
