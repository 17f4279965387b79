import Foundation
import TerminalKitTesting
import TestSupport
import Testing

/// `kalypso-console ui-demo` (the widget gallery) under tmux: every widget, live data, keys from the key table.
@Suite struct GalleryEndToEndTests {
    static var gallery: String { Tmux.quote(RepoPaths.consoleBinary) + " ui-demo" }
    static let utf8 = ["LANG": "C.UTF-8", "TERM": "xterm-256color"]

    static func start(_ options: String = "", env: [String: String] = utf8, unset: [String] = []) throws -> Tmux {
        let tm = try Tmux(command: gallery + options, cols: 120, rows: 40, env: env, unset: unset)
        try tm.waitFor(text: "Overview]")
        return tm
    }

    /// The line of the screen that holds the table's selection marker.
    static func selectedLine(_ screen: String) -> String {
        screen.split(separator: "\n").first { $0.hasPrefix("│›") || $0.hasPrefix("|>") }.map(String.init) ?? ""
    }

    /// The "N of M" count of the table page.
    static func count(_ screen: String) -> (Int, Int)? {
        guard let m = screen.firstMatch(of: /(\d+) of (\d+)│/), let a = Int(m.1), let b = Int(m.2) else { return nil }
        return (a, b)
    }

    @Test func everyPageShowsItsWidgets() throws {
        let tm = try Self.start()
        defer { tm.close() }
        let s = try tm.waitForAll([
            "TerminalKit [1 Overview]", "Throughput & latency", "proofs/min", "latency s", "Gauges", "Stake", "Disk",
            "82% of 2 TB", "syncing blocks", "Upload", "Probe", "Sparklines", "thr", "lat", "Jobs by market",
            "zkEVM proofs", "Text", "Words wrap at", "Queue depth", "ui-demo · seed", "Tab Next page", "q Quit",
        ])
        // Braille chart cells somewhere in the line chart.
        #expect(s.unicodeScalars.contains { (0x2800...0x28FF).contains($0.value) })
        try tm.send("2")
        try tm.waitForAll([
            "10000 of 10000", "[2 Table]", "Jobs", "Market", "Reward", "Status", "Age", "USDC", "/ Filter", "s Sort",
        ])
        try tm.send("3")
        try tm.waitForAll([
            "Register operator", "[3 Form]", "Operator name", "Proof timeout", "Reward address", "Auto-accept jobs",
            "Values", "Enter Edit", "v Validate",
        ])
        try tm.send("4")
        try tm.waitForAll([
            "Dialogs and messages", "[4 Dialogs]", "Status line severities", "new block 21,004,112 cached",
            "RPC timed out", "Queue depth", "m opens a dialog, d a dangerous one",
        ])
        try tm.send("q")
        try tm.waitForExit()
        #expect(try tm.paneValue("alternate_on") == "0")
    }

    @Test func pagesSwitchWithNumbersAndTab() throws {
        let tm = try Self.start()
        defer { tm.close() }
        try tm.send("Tab")
        try tm.waitFor(text: "[2 Table]")
        try tm.send("Tab")
        try tm.waitFor(text: "[3 Form]")
        try tm.send("BTab")
        try tm.waitFor(text: "[2 Table]")
        try tm.send("4")
        try tm.waitFor(text: "[4 Dialogs]")
        try tm.send("Tab")
        try tm.waitFor(text: "[1 Overview]")
    }

    @Test func tableMovesAndFilters() throws {
        let tm = try Self.start()
        defer { tm.close() }
        try tm.send("2")
        var s = try tm.waitFor(text: "10000 of 10000")
        #expect(Self.selectedLine(s).hasPrefix("│›     1 "))
        try tm.send("j"); try tm.send("j"); try tm.send("j"); try tm.send("k")
        s = try tm.waitFor("row 3 selected") { Self.selectedLine($0).hasPrefix("│›     3 ") }
        try tm.send("G")
        s = try tm.waitFor("the last row selected") { Self.selectedLine($0).hasPrefix("│› 10000 ") }
        try tm.send("g")
        try tm.waitFor("the first row selected") { Self.selectedLine($0).hasPrefix("│›     1 ") }
        try tm.send("/")
        try tm.type("risc zero")
        try tm.send("Enter")
        s = try tm.waitFor("a filtered count") { Self.count($0).map { $0.0 < 10000 && $0.1 == 10000 } ?? false }
        let filtered = Self.count(s)?.0 ?? 0
        #expect(filtered > 0)
        // Every visible row is of the filtered market.
        let rows = s.split(separator: "\n").filter { $0.contains(" USDC ") }
        #expect(!rows.isEmpty)
        #expect(rows.allSatisfy { $0.contains("RISC Zero") })
        try tm.send("Escape")
        try tm.waitFor(text: "10000 of 10000")
    }

    @Test func modalFocusStartsOnCancelAndEnterCancels() throws {
        let tm = try Self.start()
        defer { tm.close() }
        try tm.send("m")
        try tm.waitForAll(["Refresh market data", "Cancel", "Esc Cancel"])
        // Enter activates the focused button: Cancel, so nothing is refreshed.
        try tm.send("Enter")
        let s = try tm.waitFor(text: "Refresh: cancelled")
        #expect(!s.contains("Refresh market data"))
        try tm.send("d")
        try tm.waitFor(text: "Unstake 12.5 POND")
        try tm.send("Right")
        try tm.send("Enter")
        try tm.waitFor(text: "Unstake: Send")
    }

    @Test func helpListsActionsFromTheKeyTable() throws {
        let tm = try Self.start()
        defer { tm.close() }
        try tm.send("?")
        // Each is the description of one action of the key table, in each of its groups and scopes.
        let texts = [
            "Next page", "Previous page", "Overview page", "Unstake (danger dialog)", "Dismiss messages",
            "Reverse sort", "Clear filter", "First row", "Last row", "Previous field", "Next button",
        ]
        try tm.waitFor("help listing every action") { s in s.contains("Keys ─") && texts.allSatisfy { s.contains($0) } }
        try tm.send("Escape")
        try tm.waitFor("help closed") { !$0.contains("Keys ─") }
    }

    @Test func remappedQuitKey() throws {
        let tm = try Self.start(" --keys 'quit=x;table.down=n'")
        defer { tm.close() }
        var s = try tm.waitForAll(["x Quit", "t Toast"])
        #expect(!s.contains("q Quit"))
        try tm.send("q")
        try tm.send("2")
        s = try tm.waitFor(text: "10000 of 10000")
        #expect(!s.contains("EXIT="))
        // The remapped key moves the table; the old one no longer does.
        try tm.send("j")
        try tm.send("n")
        s = try tm.waitFor("row 2 selected") { Self.selectedLine($0).hasPrefix("│›     2 ") }
        try tm.send("?")
        s = try tm.waitForAll(["Keys ─", "x          Quit"])
        try tm.send("Escape")
        try tm.waitFor("help closed") { !$0.contains("Keys ─") }
        try tm.send("x")
        try tm.waitForExit()
    }

    @Test func readOnlyHidesTheDangerousAction() throws {
        let tm = try Self.start(" --read-only")
        defer { tm.close() }
        var s = try tm.waitForAll(["read-only", "m Dialog", "t Toast", "q Quit"])
        #expect(!s.contains("Unstake"))
        try tm.send("d")
        try tm.send("m")
        s = try tm.waitForAll(["Refresh market data", "Cancel"])
        #expect(!s.contains("Unstake 12.5 POND"))
        try tm.send("Escape")
        try tm.waitFor("dialog closed") { !$0.contains("Refresh market data") }
        try tm.send("4")
        s = try tm.waitForAll(["Dialogs and messages", "m opens a dialog (focus"])
        #expect(!s.contains("dangerous one"))
        try tm.send("?")
        s = try tm.waitForAll(["Keys ─", "Dismiss messages", "Previous button", "Quit"])
        #expect(!s.contains("Unstake"))
        #expect(!s.contains("Chain"))
    }

    @Test func liveDataRedrawsWithoutInput() throws {
        let tm = try Self.start()
        defer { tm.close() }
        let first = try tm.capture()
        try tm.waitFor("a tick to change the screen", timeout: .seconds(5)) { $0 != first }
    }

    @Test func tooSmallScreenRecovers() throws {
        let tm = try Self.start()
        defer { tm.close() }
        try tm.send("2")
        try tm.waitFor(text: "10000 of 10000")
        try tm.resize(cols: 50, rows: 15)
        try tm.waitFor(text: "needs 60×20, have 50×15")
        try tm.resize(cols: 120, rows: 40)
        let s = try tm.waitFor(text: "10000 of 10000")
        #expect(s.contains("[2 Table]"))
        try tm.send("q")
        try tm.waitForExit()
    }

    @Test func tooSmallScreenIgnoresKeysButQuit() throws {
        let tm = try Self.start()
        defer { tm.close() }
        try tm.resize(cols: 50, rows: 15)
        try tm.waitFor(text: "needs 60×20, have 50×15")
        // Nothing of the gallery is visible, so nothing of it reacts: no help opens behind the notice.
        try tm.send("?")
        try tm.send("2")
        usleep(200_000)
        try tm.resize(cols: 120, rows: 40)
        let s = try tm.waitForAll(["[1 Overview]", "q Quit"])
        #expect(!s.contains("Keys ─"))
        try tm.resize(cols: 50, rows: 15)
        try tm.waitFor(text: "needs 60×20, have 50×15")
        try tm.send("q")
        try tm.waitForExit()
    }

    @Test func formFieldsWithTabEnterAndAltSubmit() throws {
        let tm = try Self.start()
        defer { tm.close() }
        try tm.send("3")
        try tm.waitFor(text: "[3 Form]")
        try tm.send("Enter")
        try tm.waitFor(text: "Tab Next field  Enter Confirm field  M-s Submit  Esc Stop editing")
        try tm.type("rack-7")
        try tm.send("Tab")
        // Enter on the empty required stake shows its error only and moves on.
        try tm.send("Enter")
        var s = try tm.waitFor(text: "✗ required")
        #expect(s.components(separatedBy: "✗ required").count - 1 == 1)
        #expect(s.contains("name: rack-7"))
        // Alt+s (ESC s) is its own key: the submit action validates the whole form.
        try tm.send("M-s")
        s = try tm.waitFor(text: "2 fields need attention")
        #expect(s.components(separatedBy: "✗ required").count - 1 == 2)
        #expect(!s.contains("[1 Overview]"))
    }

    static let terms = ["xterm-256color", "screen-256color", "tmux-256color", "linux", "vt100"]

    @Test(arguments: terms) func rendersInEveryTerminalType(term: String) throws {
        let tm = try Self.start(env: ["LANG": "C.UTF-8", "TERM": term])
        defer { tm.close() }
        var s = try tm.waitForAll(["Jobs by market", "Gauges", "Sparklines", "Queue depth", "q Quit"])
        #expect(s.contains("└─") || s.contains("+-"), "\(term): no box corners on\n\(s)")
        try tm.send("2")
        s = try tm.waitFor(text: "10000 of 10000")
        try tm.send("j")
        try tm.waitFor("\(term): row 2 selected") {
            Self.selectedLine($0).hasPrefix("│›     2 ") || Self.selectedLine($0).hasPrefix("|>     2 ")
        }
        try tm.send("q")
        try tm.waitForExit()
    }

    @Test func asciiOnlyUnderLangC() throws {
        let tm = try Self.start(env: ["LANG": "C", "TERM": "xterm-256color"], unset: ["LC_ALL", "LC_CTYPE"])
        defer { tm.close() }
        for page in ["1", "2", "3", "4"] {
            try tm.send(page)
            let s = try tm.waitForAll(["[\(page) ", "+-", "Tab Next page"])
            #expect(s.unicodeScalars.allSatisfy { $0.isASCII }, "page \(page) has non-ASCII:\n\(s)")
        }
        try tm.send("?")
        let s = try tm.waitForAll(["Keys -", "Previous button"])
        #expect(s.unicodeScalars.allSatisfy { $0.isASCII }, "help has non-ASCII:\n\(s)")
    }

    @Test func asciiNoColorAndThemeFlags() throws {
        let tm = try Self.start(" --ascii --no-color")
        defer { tm.close() }
        let s = try tm.waitForAll(["+-", "Jobs by market", "q Quit"])
        #expect(s.unicodeScalars.allSatisfy { $0.isASCII }, "non-ASCII with --ascii:\n\(s)")
        let esc = try tm.capture(escapes: true)
        #expect(!esc.contains("38;5") && !esc.contains("48;5"))
        let themed = try Self.start(" --theme light")
        defer { themed.close() }
        try themed.waitForAll(["└─", "Jobs by market", "q Quit"])
        #expect(try themed.capture(escapes: true).contains("38;5"))
    }
}
