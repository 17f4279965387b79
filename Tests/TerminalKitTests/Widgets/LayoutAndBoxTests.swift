import TerminalKitTesting
import TestSupport
import Testing

@testable import TerminalKit

@Suite struct LayoutTests {
    @Test func fixedProportionalAndMinShareTheSpace() {
        // 100 columns: fixed 20 and min 10 first; the other 70 by weight 1:3 = 17.5/52.5, rounded down,
        // the one left over to the earliest part.
        #expect(Layout.distribute(100, [.fixed(20), .min(10), .proportional(3)]) == [20, 10 + 18, 52])
        #expect(Layout.distribute(10, [.proportional(1), .proportional(1), .proportional(1)]) == [4, 3, 3])
        #expect(Layout.distribute(9, [.fixed(3), .proportional(1)], spacing: 1) == [3, 5])
    }

    @Test func tooSmallGivesEarlierPartsPriority() {
        #expect(Layout.distribute(5, [.fixed(3), .fixed(3), .min(2)]) == [3, 2, 0])
        #expect(Layout.distribute(0, [.fixed(3), .proportional(1)]) == [0, 0])
        #expect(Layout.distribute(-4, [.min(3)]) == [0])
        #expect(Layout.distribute(10, []) == [])
    }

    @Test func splitPlacesRectsWithSpacing() {
        let r = Layout.columns(Rect(x: 2, y: 1, width: 11, height: 3), [.fixed(5), .proportional(1)], spacing: 1)
        #expect(r == [Rect(x: 2, y: 1, width: 5, height: 3), Rect(x: 8, y: 1, width: 5, height: 3)])
        let rows = Layout.rows(Rect(x: 0, y: 0, width: 4, height: 6), [.fixed(1), .proportional(1), .fixed(1)])
        #expect(rows.map(\.height) == [1, 4, 1])
        #expect(rows.map(\.y) == [0, 1, 5])
    }
}

@Suite struct BoxTests {
    static let suite = "Box"

    @Test func unicodeFocusedWithInfo() throws {
        let f = W.frame(26, 4) { f in
            let inner = Box(title: "Markets", info: "12 of 240", focused: true).render(
                into: &f, area: f.bounds, context: W.unicode)
            #expect(inner == Rect(x: 1, y: 1, width: 24, height: 2))
        }
        try Snapshot.check(W.dump(f), named: "focused-unicode", suite: Self.suite)
    }

    @Test func asciiUnfocusedTitleTruncated() throws {
        let f = W.frame(12, 3) { f in
            Box(title: "A very long title", info: "info").render(into: &f, area: f.bounds, context: W.ascii)
        }
        #expect(W.isASCII(f))
        try Snapshot.check(W.dump(f), named: "truncated-ascii", suite: Self.suite)
    }

    @Test func tinyAreasDoNotDrawOrCrash() {
        for (w, h) in [(0, 0), (1, 1), (1, 5), (5, 1), (2, 2), (3, 2)] {
            var f = Frame(width: w, height: h)
            let inner = Box(title: "T", info: "I", focused: true).render(into: &f, area: f.bounds, context: W.unicode)
            #expect(inner.width == max(0, w - 2) || w < 2 || h < 2)
            #expect(inner.isEmpty || (w >= 3 && h >= 3))
        }
        let f = W.frame(2, 2) { f in Box().render(into: &f, area: f.bounds, context: W.unicode) }
        #expect(f.text() == "┌┐\n└┘")
    }
}

@Suite struct TextTests {
    static let suite = "Text"

    @Test func wrapBreaksAtSpacesAndLongWords() {
        #expect(TextFit.wrap("the quick brown fox", width: 10) == ["the quick", "brown fox"])
        #expect(TextFit.wrap("abcdefghij klm", width: 4) == ["abcd", "efgh", "ij", "klm"])
        #expect(TextFit.wrap("a\n\nb", width: 5) == ["a", "", "b"])
        #expect(TextFit.wrap("anything", width: 0) == [])
    }

    @Test func wrapCountsWideCharactersAsTwoColumns() {
        // 証明市場 is four East Asian Wide characters (UAX #11): 8 columns.
        #expect(TextFit.wrap("証明市場", width: 5) == ["証明", "市場"])
        #expect(TextFit.wrap("証明", width: 1) == [""])
    }

    @Test func truncateAndFit() {
        #expect(TextFit.truncate("hello world", to: 8, ellipsis: "…") == "hello w…")
        #expect(TextFit.truncate("hello", to: 5, ellipsis: "…") == "hello")
        #expect(TextFit.truncate("hello", to: 1, ellipsis: "…") == "h")
        #expect(TextFit.truncate("漢字漢字", to: 4, ellipsis: "~") == "漢~")
        #expect(TextFit.fit("ab", width: 5, alignment: .right, ellipsis: "~") == "   ab")
        #expect(TextFit.fit("ab", width: 5, alignment: .center, ellipsis: "~") == " ab  ")
    }

    @Test func textViewAlignmentsAndEllipsis() throws {
        let text = "Wide 漢字 text wraps and a verylongwordthatbreaks here"
        var out = ""
        for align in [TextAlignment.left, .center, .right] {
            let f = W.frame(12, 4) { f in
                TextView(text, alignment: align).render(into: &f, area: f.bounds, context: W.unicode)
            }
            out += f.text() + "\n====\n"
        }
        let a = W.frame(12, 3) { f in TextView(text).render(into: &f, area: f.bounds, context: W.ascii) }
        #expect(W.isASCII(a))
        out += a.text() + "\n"
        try Snapshot.check(out, named: "alignments", suite: Self.suite)
    }
}
