/// A place cells are drawn and input comes from: a real terminal through curses, or memory in tests.
/// Backends only draw what they are given; `Screen` keeps the last frame and computes the difference.
///
/// Every call happens on the thread that runs the loop; implementations are not thread-safe.
package protocol Terminal: AnyObject {
    /// The current size in cells (updated when a resize event is read).
    var size: Size { get }
    /// What the terminal can show, decided at start.
    var capabilities: Capabilities { get }
    /// Draws `runs` (what changed, computed by `Screen`) and shows them in one write. `full`: the screen
    /// content is unknown and the runs cover every cell, so the backend may clear first.
    func draw(_ runs: [CellRun], full: Bool) throws
    /// Waits up to `timeout` for a key or resize; nil when nothing arrived.
    func readEvent(timeout: Duration) -> InputEvent?
    /// Changes whenever what the terminal shows is no longer what was drawn (after `resume`, after a
    /// resize cleared it), so `Screen` redraws everything next time.
    var contentGeneration: Int { get }
    /// Gives the screen back to the shell (before the process stops on Ctrl-Z).
    func suspend()
    /// Takes the screen again after `suspend`; its content is lost (`contentGeneration` changes).
    func resume()
    /// Restores the terminal for good. Safe to call more than once.
    func shutdown()
    /// Puts `text` on the system clipboard of the user's terminal with OSC 52 (works over SSH and
    /// through tmux with `set-clipboard on`). Terminals that do not support it ignore the sequence.
    func copyToClipboard(_ text: String)
    /// Rings the terminal's bell (BEL) once, between frames (a deadline alert the operator asked for).
    func bell()
    /// A signal that ends a `readEvent` wait early, or nil when this terminal only wakes on its timeout.
    var wakeSignal: WakeSignal? { get }
}

extension Terminal {
    package func copyToClipboard(_ text: String) {}
    package func bell() {}
    package var wakeSignal: WakeSignal? { nil }
}
