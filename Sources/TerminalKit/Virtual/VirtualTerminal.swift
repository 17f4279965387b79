/// A terminal in memory for tests: scripted input, resizes, and a record of what each `present` sent.
///
/// The screen holds cells as a real terminal would show them (colours reduced to the capabilities);
/// byte counts are those of the ANSI encoding of the changed cells, so tests can assert that an idle
/// frame writes nothing and a one-row change writes about one row.
public final class VirtualTerminal: Terminal {
    public private(set) var size: Size
    public let capabilities: Capabilities
    /// What the screen shows now.
    public private(set) var screen: Frame
    private var pending: [InputEvent] = []
    /// Statistics of each `draw` call, in order.
    public private(set) var presents: [PresentStats] = []
    /// Bytes each `draw` call would have written, in order.
    public private(set) var bytesPerPresent: [Int] = []
    public private(set) var isSuspended = false
    public private(set) var isShutDown = false
    /// How many times `readEvent` was called (each is one loop iteration waiting for input).
    public private(set) var reads = 0

    public init(size: Size, capabilities: Capabilities = Capabilities(colorDepth: .indexed256, unicode: true)) {
        self.size = size
        self.capabilities = capabilities
        screen = Frame(size: size)
    }

    public convenience init(
        width: Int, height: Int, capabilities: Capabilities = Capabilities(colorDepth: .indexed256, unicode: true)
    ) {
        self.init(size: Size(width: width, height: height), capabilities: capabilities)
    }

    // MARK: scripting

    /// Queues input events, read one per `readEvent` call.
    public func enqueue(_ events: InputEvent...) { pending += events }
    public func enqueue(keys: [Key]) { pending += keys.map { .key($0) } }
    /// Queues each character of `text` as a key press.
    public func type(_ text: String) { pending += text.map { .key(.character($0)) } }
    /// Changes the size as a window resize would: the screen is cleared and a resize event queued.
    public func resize(to newSize: Size) {
        size = Size(width: max(0, newSize.width), height: max(0, newSize.height))
        screen = Frame(size: size)
        contentGeneration += 1
        pending.append(.resize(size))
    }
    public var hasPendingInput: Bool { !pending.isEmpty }

    // MARK: inspection

    /// The screen as text, trailing spaces trimmed.
    public func text() -> String { screen.text() }

    public var lastStats: PresentStats? { presents.last }
    public var lastBytes: Int? { bytesPerPresent.last }

    // MARK: Terminal

    public func draw(_ runs: [CellRun], full: Bool) throws {
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

    public private(set) var contentGeneration = 0

    public func readEvent(timeout: Duration) -> InputEvent? {
        reads += 1
        guard !pending.isEmpty else { return nil }
        return pending.removeFirst()
    }

    public func suspend() { isSuspended = true }
    public func resume() {
        isSuspended = false
        contentGeneration += 1
    }
    public func shutdown() { isShutDown = true }
    /// Texts put on the clipboard, in order.
    public private(set) var clipboard: [String] = []
    public func copyToClipboard(_ text: String) { clipboard.append(text) }
}
