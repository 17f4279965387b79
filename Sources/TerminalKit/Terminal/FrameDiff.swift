/// A horizontal run of cells to (re)draw, starting at column `x` of row `y`.
package struct CellRun: Sendable, Equatable {
    package var x: Int
    package var y: Int
    package var cells: [Cell]
    package init(x: Int, y: Int, cells: [Cell]) {
        self.x = x
        self.y = y
        self.cells = cells
    }
}

/// The difference between two frames as the runs of cells that must be drawn.
package enum FrameDiff {
    /// Runs that turn a screen showing `old` into `new`. A nil `old` or a different size means the
    /// screen content is unknown, so every cell is drawn. Gaps of up to `mergeGap` unchanged cells
    /// inside a row are drawn too, because re-sending a few cells is cheaper than a cursor move
    /// (about 6–8 bytes). A changed half of a wide character pulls in the whole character.
    package static func runs(from old: Frame?, to new: Frame, mergeGap: Int = 3) -> [CellRun] {
        let w = new.width, h = new.height
        guard w > 0, h > 0 else { return [] }
        let newCells = new.cells
        guard let old, old.size == new.size else {
            return (0..<h).map { y in CellRun(x: 0, y: y, cells: Array(newCells[(y * w)..<(y * w + w)])) }
        }
        let oldCells = old.cells
        var out: [CellRun] = []
        for y in 0..<h {
            let base = y * w
            var x = 0
            var start = -1
            var lastChanged = -1
            while x < w {
                if oldCells[base + x] != newCells[base + x] {
                    var cx = x
                    // A changed continuation cell needs its leading wide character redrawn.
                    if newCells[base + cx].isContinuation || oldCells[base + cx].isContinuation, cx > 0 {
                        cx -= 1
                    }
                    if start >= 0 && cx - lastChanged - 1 > mergeGap {
                        out.append(
                            CellRun(x: start, y: y, cells: Array(newCells[(base + start)...(base + lastChanged)])))
                        start = -1
                    }
                    if start < 0 { start = cx }
                    lastChanged = x
                    // A new wide character carries its continuation along.
                    if x + 1 < w, newCells[base + x + 1].isContinuation { lastChanged = x + 1; x += 1 }
                }
                x += 1
            }
            if start >= 0 {
                out.append(CellRun(x: start, y: y, cells: Array(newCells[(base + start)...(base + lastChanged)])))
            }
        }
        return out
    }
}
