import Testing

@testable import TerminalKit

@Suite struct FrameTests {
    @Test func writeClipsAndReportsWidth() {
        var f = Frame(width: 6, height: 2)
        let n = f.write("héllo world", x: 1, y: 0)
        #expect(n == 5)
        #expect(f.text() == " héllo\n")
    }

    @Test func wideCharacterAtEdgeBecomesSpace() {
        var f = Frame(width: 3, height: 1)
        f.write("a漢字", x: 0, y: 0)
        #expect(f.row(0) == "a漢")
        #expect(f[2, 0].isContinuation)
    }
}
