/// What the terminal shows, remembered in one place: each frame is diffed against the last one and
/// only the changed runs go to the terminal, which just draws them (as ratatui's `Terminal::flush`).
///
/// Not thread-safe, like the terminal it draws on.
package final class Screen {
    package let terminal: any Terminal
    /// The last frame drawn, fitted to the terminal; nil when the screen content is unknown.
    private var shown: Frame?
    /// The terminal's `contentGeneration` when `shown` was drawn.
    private var generation = 0

    package init(terminal: any Terminal) { self.terminal = terminal }

    /// Shows `frame`, sending only the cells that differ from the last frame shown (no cells when
    /// nothing changed; the terminal then writes nothing). A frame of another size (rendered before a resize was read) is cropped
    /// or padded to the terminal.
    package func present(_ frame: Frame) throws {
        let size = terminal.size
        let target = frame.size == size ? frame : Self.fitted(frame, to: size)
        if terminal.contentGeneration != generation { shown = nil }
        let full = shown == nil || shown?.size != target.size
        let runs = FrameDiff.runs(from: full ? nil : shown, to: target)
        try terminal.draw(runs, full: full)
        shown = target
        generation = terminal.contentGeneration
    }

    /// Forgets what is on screen, so the next `present` redraws every cell (after a resize, or when
    /// another program may have drawn over us).
    package func invalidate() { shown = nil }

    /// `frame` cropped or padded to `size`.
    static func fitted(_ frame: Frame, to size: Size) -> Frame {
        var out = Frame(size: size)
        for y in 0..<min(size.height, frame.height) {
            for x in 0..<min(size.width, frame.width) { out[x, y] = frame[x, y] }
        }
        return out
    }
}
