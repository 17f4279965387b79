import TerminalKitTesting
import TestSupport
import Testing

@testable import TerminalKit

@Suite struct TableTests {
    static let suite = "Table"

    static let columns = [
        TableColumn("Name", width: .min(6)),
        TableColumn("Amount", width: .fixed(8), alignment: .right, sort: .numeric),
        TableColumn("St", width: .fixed(4), alignment: .center, sort: nil),
    ]

    static func sample() -> Table {
        Table(
            columns: columns,
            rows: [
                ["alpha", "10.5", "ok"],
                ["Bravo node", "2", "ok"],
                ["charlie", "100", "bad"],
                ["delta", "2.25", "ok"],
                ["echo", "-1", "bad"],
            ])
    }

    static func big(_ n: Int) -> Table {
        Table(
            columns: columns, rows: (0..<n).map { ["row \($0)", String($0 * 3 % 1000), $0 % 2 == 0 ? "even" : "odd"] })
    }

    @Test func navigationIntentsMoveSelectionAndScroll() {
        var t = Self.big(240)
        t.pageSize = 10
        #expect(t.selection == 0)
        let moved = t.moveSelection(by: 1)
        #expect(moved)
        _ = t.moveSelection(by: 1)
        #expect(t.selection == 2)
        _ = t.moveSelection(by: -1)
        #expect(t.selection == 1)
        _ = t.movePage(by: 1)
        #expect(t.selection == 11)
        #expect(t.scrollOffset == 2)  // the selection is the last visible row
        _ = t.selectLast()
        #expect(t.selection == 239)
        #expect(t.scrollOffset == 230)
        _ = t.movePage(by: -1)
        #expect(t.selection == 229)
        #expect(t.scrollOffset == 229)
        _ = t.selectFirst()
        #expect((t.selection, t.scrollOffset) == (0, 0))
        let changed = t.moveSelection(by: -1)
        #expect(changed == false)  // already at the top: nothing changed
        _ = t.selectLast()
        _ = t.selectFirst()
        #expect(t.selection == 0)
    }

    @Test func filterIsCaseInsensitiveSubstringAndCounts() {
        var t = Self.sample()
        #expect(t.countText == "5 of 5")
        _ = t.beginFilter()
        #expect(t.isEditingFilter)
        for c in "BRAV" { _ = t.typeInFilter(c) }
        #expect(t.countText == "1 of 5")
        #expect(t.selectedRow == ["Bravo node", "2", "ok"])
        _ = t.deleteFilterBackward()
        _ = t.deleteFilterBackward()
        _ = t.deleteFilterBackward()
        #expect(t.filter == "B")
        #expect(t.countText == "3 of 5")  // Bravo, and "bad" in the status column of charlie and echo
        _ = t.commitFilter()
        #expect(!t.isEditingFilter)
        #expect(t.filter == "B")
        // Typed text no longer goes to the closed filter line; moving works again.
        let typed = t.typeInFilter("j")
        #expect(!typed)
        _ = t.moveSelection(by: 1)
        #expect(t.selection == 1)
        _ = t.clearFilter()
        #expect(t.countText == "5 of 5")
        // A filter must not match across column boundaries.
        t.setFilter("alpha10")
        #expect(t.countText == "0 of 5")
        #expect(t.selection == nil)
    }

    @Test func sortIsExactForDecimalsAndKeepsSelectedRow() {
        var t = Self.sample()
        _ = t.moveSelection(by: 1)  // Bravo node
        _ = t.cycleSort()  // by Name
        #expect(t.sortColumn == 0)
        #expect(t.view.map { t.rows[$0][0] } == ["alpha", "Bravo node", "charlie", "delta", "echo"])
        _ = t.cycleSort()  // by Amount (St is not sortable)
        #expect(t.sortColumn == 1)
        #expect(t.view.map { t.rows[$0][1] } == ["-1", "2", "2.25", "10.5", "100"])
        #expect(t.selectedRow?[0] == "Bravo node")
        _ = t.reverseSort()
        #expect(t.view.map { t.rows[$0][1] } == ["100", "10.5", "2.25", "2", "-1"])
        _ = t.cycleSort()  // past the last sortable column: original order
        #expect(t.sortColumn == nil)
        #expect(t.view == [0, 1, 2, 3, 4])
    }

    @Test func columnsReplacedAfterSortingDoNotCrash() {
        var t = Self.sample()
        t.sort(by: 2 - 1)
        t.columns = [TableColumn("Only")]
        t.setRows([["b"], ["a"]])
        var f = Frame(width: 20, height: 4)
        t.render(into: &f, area: f.bounds, context: W.unicode)
        #expect(t.view == [0, 1])
    }

    @Test func decimalOrderHasNoFloatingPointRounding() {
        // These differ only beyond double precision (2^53 ≈ 9.007e15).
        #expect(TableOrder.compare("9007199254740993", "9007199254740992", .numeric) == 1)
        #expect(TableOrder.compare("0.30000000000000001", "0.3", .numeric) == 1)
        #expect(TableOrder.compare("1,000.5 ETH", "999.99 ETH", .numeric) == 1)
        #expect(TableOrder.compare("-0", "0", .numeric) == 0)
        #expect(TableOrder.compare("n/a", "5", .numeric) == 1)
    }

    @Test func tenThousandRowsFilterAndRenderOnlyVisible() {
        var t = Self.big(12_000)
        t.setFilter("row 11")  // row 11, 110-119, 1100-1199, 11000-11999
        #expect(t.countText == "1111 of 12000")
        t.pageSize = 20
        _ = t.selectLast()
        var f = Frame(width: 40, height: 8)
        t.render(into: &f, area: f.bounds, context: W.unicode)
        #expect(f.row(6).hasPrefix("› row 11999"))
        #expect(f.text().hasSuffix("1111 of 12000"))
    }

    @Test func snapshotsUnicodeAndASCII() throws {
        var t = Self.sample()
        t.sort(by: 1, ascending: false)
        t.pageSize = 3
        _ = t.moveSelection(by: 1)
        let u = W.frame(30, 6) { f in t.render(into: &f, area: f.bounds, context: W.unicode) }
        try Snapshot.check(W.dump(u), named: "sorted-unicode-30x6", suite: Self.suite)
        let a = W.frame(30, 6) { f in t.render(into: &f, area: f.bounds, context: W.ascii) }
        #expect(W.isASCII(a))
        try Snapshot.check(W.dump(a), named: "sorted-ascii-30x6", suite: Self.suite)
        var edit = Self.sample()
        _ = edit.beginFilter()
        _ = edit.typeInFilter("o")
        let e = W.frame(22, 5) { f in edit.render(into: &f, area: f.bounds, context: W.unicode) }
        try Snapshot.check(W.dump(e), named: "filter-editing-22x5", suite: Self.suite)
        let narrow = W.frame(12, 4) { f in t.render(into: &f, area: f.bounds, context: W.unicode) }
        try Snapshot.check(W.dump(narrow), named: "narrow-12x4", suite: Self.suite)
    }

    @Test func wideCharactersKeepColumnsAligned() throws {
        let t = Table(
            columns: [
                TableColumn("Name", width: .fixed(7)), TableColumn("Amount", width: .fixed(6), alignment: .right),
            ],
            rows: [["証明市場です", "1"], ["ab証明", "22"], ["abcdefgh", "333"]])
        let f = W.frame(16, 5) { f in t.render(into: &f, area: f.bounds, context: W.unicode) }
        // Every row ends its Amount column at the same display column, whatever the widths of the names.
        #expect(
            f.text() == """
                  Name    Amount
                › 証明市…      1
                  ab証明      22
                  abcdef…    333
                          3 of 3
                """)
    }

    @Test func tinyAndEmpty() throws {
        var out = ""
        for (w, h) in [(0, 0), (1, 1), (3, 1), (5, 2), (6, 3)] {
            let f = W.frame(w, h) { f in Self.sample().render(into: &f, area: f.bounds, context: W.unicode) }
            out += "\(w)x\(h):\n" + f.text() + "\n"
        }
        let empty = Table(columns: Self.columns)
        let f = W.frame(24, 4) { f in empty.render(into: &f, area: f.bounds, context: W.unicode) }
        out += "empty:\n" + f.text() + "\n"
        var e2 = empty
        let moved = e2.moveSelection(by: 1)
        #expect(moved == false)
        #expect(e2.selection == nil)
        try Snapshot.check(out, named: "tiny-and-empty", suite: Self.suite)
    }
}
