/// A terminal in memory for tests: scripted input, resizes, and a record of what each `draw` sent.
///
/// The screen holds cells as a real terminal would show them (colours reduced to the capabilities);
/// byte counts are those of the ANSI encoding of the changed cells, so tests can assert that an idle
/// frame writes nothing and a one-row change writes about one row.
package final class VirtualTerminal: Terminal {
    package private(set) var size: Size
    package let capabilities: Capabilities
    /// What the screen shows now.
    package private(set) var screen: Frame
    private var pending: [InputEvent] = []
    /// Statistics of each `draw` call, in order.
    package private(set) var presents: [PresentStats] = []
    /// Bytes each `draw` call would have written, in order.
    package private(set) var bytesPerPresent: [Int] = []
    package private(set) var isSuspended = false
    package private(set) var isShutDown = false
    /// How many times `readEvent` was called (each is one loop iteration waiting for input).
    package private(set) var reads = 0

    package init(size: Size, capabilities: Capabilities = Capabilities(colorDepth: .indexed256, unicode: true)) {
        self.size = size
        self.capabilities = capabilities
        screen = Frame(size: size)
    }

    package convenience init(
        width: Int, height: Int, capabilities: Capabilities = Capabilities(colorDepth: .indexed256, unicode: true)
    ) {
        self.init(size: Size(width: width, height: height), capabilities: capabilities)
    }

    // MARK: scripting

    /// Queues input events, read one per `readEvent` call.
    package func enqueue(_ events: InputEvent...) { pending += events }
    package func enqueue(keys: [Key]) { pending += keys.map { .key($0) } }
    /// Queues each character of `text` as a key press.
    package func type(_ text: String) { pending += text.map { .key(.character($0)) } }
    /// Changes the size as a window resize would: the screen is cleared and a resize event queued.
    package func resize(to newSize: Size) {
        size = Size(width: max(0, newSize.width), height: max(0, newSize.height))
        screen = Frame(size: size)
        contentGeneration += 1
        pending.append(.resize(size))
    }
    package var hasPendingInput: Bool { !pending.isEmpty }

    // MARK: inspection

    /// The screen as text, trailing spaces trimmed.
    package func text() -> String { screen.text() }

    package var lastStats: PresentStats? { presents.last }
    package var lastBytes: Int? { bytesPerPresent.last }

    // MARK: Terminal

    package func draw(_ runs: [CellRun], full: Bool) throws {
        guard !isShutDown, !isSuspended else { return }
        var stats = PresentStats()
        var adaptedRuns: [CellRun] = []
        for run in runs {
            var cells: [Cell] = []
            for (i, cell) in run.cells.enumerated() where run.x + i < size.width && run.y < size.height {
                let a = cell.adapted(to: capabilities)
                screen[run.x + i, run.y] = a
                cells.append(a)
                if !a.isContinuation { stats.cells += 1 }
            }
            adaptedRuns.append(CellRun(x: run.x, y: run.y, cells: cells))
        }
        stats.runs = runs.count
        var encoder = AnsiEncoder(depth: capabilities.colorDepth)
        let bytes = encoder.encode(adaptedRuns).count
        presents.append(stats)
        bytesPerPresent.append(bytes)
    }

    package private(set) var contentGeneration = 0

    package func readEvent(timeout: Duration) -> InputEvent? {
        reads += 1
        guard !pending.isEmpty else { return nil }
        return pending.removeFirst()
    }

    package func suspend() { isSuspended = true }
    package func resume() {
        isSuspended = false
        contentGeneration += 1
    }
    package func shutdown() { isShutDown = true }
    /// Texts put on the clipboard, in order.
    package private(set) var clipboard: [String] = []
    package func copyToClipboard(_ text: String) { clipboard.append(text) }
    /// How often the bell rang.
    package private(set) var bells = 0
    package func bell() { bells += 1 }
}
