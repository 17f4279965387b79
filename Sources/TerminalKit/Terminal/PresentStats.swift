/// Statistics of one `draw` call, for tests and the benchmark.
package struct PresentStats: Sendable, Equatable {
    /// Cells sent to the terminal (continuation halves of wide characters not counted).
    package var cells: Int
    /// Runs of consecutive cells (each needs one cursor move).
    package var runs: Int
    package init(cells: Int = 0, runs: Int = 0) {
        self.cells = cells
        self.runs = runs
    }
}
