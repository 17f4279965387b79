/// A place frames are shown and input comes from: a real terminal through curses, or memory in tests.
///
/// Every call happens on the thread that runs the loop; implementations are not thread-safe.
public protocol Terminal: AnyObject {
    /// The current size in cells (updated when a resize event is read).
    var size: Size { get }
    /// What the terminal can show, decided at start.
    var capabilities: Capabilities { get }
    /// Shows `frame`, sending only the cells that differ from the last presented frame.
    /// Nothing is written when nothing changed.
    func present(_ frame: Frame) throws
    /// Waits up to `timeout` for a key or resize; nil when nothing arrived.
    func readEvent(timeout: Duration) -> InputEvent?
    /// Forgets what is on screen, so the next `present` redraws every cell (after a suspend, a resize,
    /// or when another program may have drawn over us).
    func invalidate()
    /// Gives the screen back to the shell (before the process stops on Ctrl-Z).
    func suspend()
    /// Takes the screen again after `suspend`; the next `present` redraws everything.
    func resume()
    /// Restores the terminal for good. Safe to call more than once.
    func shutdown()
}

/// Statistics of one `present` call, for tests and the benchmark.
public struct PresentStats: Sendable, Equatable {
    /// Cells sent to the terminal (continuation halves of wide characters not counted).
    public var cells: Int
    /// Runs of consecutive cells (each needs one cursor move).
    public var runs: Int
    public init(cells: Int = 0, runs: Int = 0) {
        self.cells = cells
        self.runs = runs
    }
}
