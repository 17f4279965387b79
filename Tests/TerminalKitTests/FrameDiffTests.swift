import Testing

@testable import TerminalKit

@Suite struct FrameDiffTests {
    @Test func identicalFramesGiveNoRuns() {
        var f = Frame(width: 20, height: 5)
        f.write("hello", x: 2, y: 1)
        #expect(FrameDiff.runs(from: f, to: f).isEmpty)
    }

    @Test func noPreviousFrameRedrawsEveryRow() {
        let f = Frame(width: 4, height: 3)
        let runs = FrameDiff.runs(from: nil, to: f)
        #expect(runs.map(\.y) == [0, 1, 2])
        #expect(runs.allSatisfy { $0.x == 0 && $0.cells.count == 4 })
    }

    @Test func sizeChangeRedrawsEverything() {
        let a = Frame(width: 4, height: 3), b = Frame(width: 5, height: 3)
        #expect(FrameDiff.runs(from: a, to: b).count == 3)
    }

    @Test func singleChangedCellIsOneRunOfOneCell() {
        let a = Frame(width: 10, height: 3)
        var b = a
        b.write("x", x: 7, y: 2)
        #expect(FrameDiff.runs(from: a, to: b) == [CellRun(x: 7, y: 2, cells: [Cell("x")])])
    }

    @Test func nearbyChangesMergeAndFarOnesSplit() {
        let a = Frame(width: 30, height: 1)
        var b = a
        b.write("a", x: 1, y: 0)
        b.write("b", x: 4, y: 0)  // gap of 2 unchanged cells: merged
        b.write("c", x: 20, y: 0)  // far: a new run
        let runs = FrameDiff.runs(from: a, to: b)
        #expect(runs.count == 2)
        #expect(runs[0].x == 1 && runs[0].cells.map(\.character) == ["a", " ", " ", "b"])
        #expect(runs[1].x == 20 && runs[1].cells.count == 1)
    }

    @Test func styleOnlyChangeIsAChange() {
        var a = Frame(width: 5, height: 1)
        a.write("abc", x: 0, y: 0)
        var b = a
        b.setStyle(Style(attributes: .bold), in: Rect(x: 1, y: 0, width: 1, height: 1))
        #expect(
            FrameDiff.runs(from: a, to: b) == [CellRun(x: 1, y: 0, cells: [Cell("b", style: Style(attributes: .bold))])]
        )
    }

    @Test func changedContinuationPullsInItsWideCharacter() {
        var a = Frame(width: 6, height: 1)
        a.write("a漢b", x: 0, y: 0)
        var b = Frame(width: 6, height: 1)
        b.write("a漢b", x: 0, y: 0)
        b[2, 0] = Cell("x")  // overwrite the continuation half only
        let runs = FrameDiff.runs(from: a, to: b)
        #expect(runs.count == 1)
        #expect(runs[0].x == 1)
    }

    @Test func newWideCharacterCarriesItsContinuation() {
        let a = Frame(width: 6, height: 1)
        var b = a
        b.write("漢", x: 2, y: 0)
        let runs = FrameDiff.runs(from: a, to: b)
        #expect(runs.count == 1)
        #expect(runs[0].x == 2 && runs[0].cells.count == 2 && runs[0].cells[1].isContinuation)
    }

    @Test func emptyFramesHaveNoRuns() {
        #expect(FrameDiff.runs(from: nil, to: Frame(width: 0, height: 0)).isEmpty)
        #expect(FrameDiff.runs(from: nil, to: Frame(width: 5, height: 0)).isEmpty)
    }
}

@Suite struct ClipboardTests {
    /// RFC 4648 §10 test vectors.
    @Test func base64Vectors() {
        let vectors = [
            ("", ""), ("f", "Zg=="), ("fo", "Zm8="), ("foo", "Zm9v"), ("foob", "Zm9vYg=="), ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ]
        for (plain, encoded) in vectors { #expect(base64(Array(plain.utf8)) == encoded, "\(plain)") }
    }

    @Test func osc52Sequence() {
        #expect(osc52("0xAbC") == "\u{1B}]52;c;MHhBYkM=\u{07}")
    }
}
