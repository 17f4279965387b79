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
    /// Puts `text` on the system clipboard of the user's terminal with OSC 52 (works over SSH and
    /// through tmux with `set-clipboard on`). Terminals that do not support it ignore the sequence.
    func copyToClipboard(_ text: String)
    /// A signal that ends a `readEvent` wait early, or nil when this terminal only wakes on its timeout.
    var wakeSignal: WakeSignal? { get }
}

extension Terminal {
    public func copyToClipboard(_ text: String) {}
    public var wakeSignal: WakeSignal? { nil }
}

/// The OSC 52 sequence that sets the clipboard ("c") to `text`.
public func osc52(_ text: String) -> String {
    "\u{1B}]52;c;" + base64(Array(text.utf8)) + "\u{07}"
}

/// Standard Base64 (RFC 4648) with padding.
public func base64(_ bytes: [UInt8]) -> String {
    let table = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
    var out: [UInt8] = []
    out.reserveCapacity((bytes.count + 2) / 3 * 4)
    var i = 0
    while i + 2 < bytes.count {
        let n = UInt32(bytes[i]) << 16 | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2])
        out += [table[Int(n >> 18)], table[Int(n >> 12 & 63)], table[Int(n >> 6 & 63)], table[Int(n & 63)]]
        i += 3
    }
    let rest = bytes.count - i
    if rest == 1 {
        let n = UInt32(bytes[i]) << 16
        out += [table[Int(n >> 18)], table[Int(n >> 12 & 63)], UInt8(ascii: "="), UInt8(ascii: "=")]
    } else if rest == 2 {
        let n = UInt32(bytes[i]) << 16 | UInt32(bytes[i + 1]) << 8
        out += [table[Int(n >> 18)], table[Int(n >> 12 & 63)], table[Int(n >> 6 & 63)], UInt8(ascii: "=")]
    }
    return String(decoding: out, as: UTF8.self)
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
