/// What the runtime hands an application: input, time, or the result of work it asked for.
public enum Event<Message: Sendable>: Sendable {
    /// A key press (after the key table's terminal-level decoding: Alt+x, arrows in both cursor modes).
    case key(Key)
    /// The terminal's size, once before the first frame and after every (coalesced) resize.
    case resize(Size)
    /// The application's `tickInterval` elapsed.
    case tick
    /// The result of a task the application started with `Command.run`, delivered in completion order.
    case message(Message)
}

/// Names a task the application started, so it can be cancelled or replaced.
public struct TaskID: Hashable, Sendable, CustomStringConvertible, ExpressibleByStringLiteral {
    public let rawValue: String
    public init(_ rawValue: String) { self.rawValue = rawValue }
    public init(stringLiteral value: String) { rawValue = value }
    public var description: String { rawValue }
}

/// What an application asks the runtime to do after an event. Several at once are a `.batch`, or an
/// array literal: `return [.redraw, .run("refresh") { … }]`.
///
/// The application never starts a task itself: it returns `.run` and the runtime owns the task (as in
/// bubbletea, a command is "an IO operation that returns a message when it's complete").
public enum Command<Message: Sendable>: Sendable, ExpressibleByArrayLiteral {
    /// Nothing visible changed.
    case none
    /// State changed: render a new frame.
    case redraw
    /// Leave the loop, cancel every running task and restore the terminal.
    case quit
    /// Put the text on the user's clipboard (OSC 52).
    case copyToClipboard(String)
    /// Ring the terminal's bell once (an alert the user asked for, e.g. a deadline near).
    case bell
    /// Run `operation` off the loop's thread; its result arrives as `.message`. Starting a task with the
    /// id of a running one cancels the running one first (its result is dropped).
    case run(TaskID, @Sendable () async -> Message)
    /// Cancel the task with this id (no-op when none runs); its result, if it still arrives, is dropped.
    case cancel(TaskID)
    /// Several commands, applied in order.
    case batch([Command])

    public init(arrayLiteral elements: Command...) { self = .batch(elements) }

    /// The commands in order, with nested batches and `.none` removed.
    public var flattened: [Command] {
        switch self {
        case .none: return []
        case .batch(let list): return list.flatMap(\.flattened)
        default: return [self]
        }
    }
}

/// An application the terminal loop can run: events in, commands out, frames drawn from state.
///
/// The loop (TerminalKit's runtime) reads keys and resizes from a `Terminal`, delivers ticks on the
/// application's interval and the results of its tasks, all through `update`, and calls `render` only when
/// something changed. `render` must be a pure function of the application's state.
public protocol TerminalApplication {
    /// What the application's tasks yield (`Never` when it starts none).
    associatedtype Message: Sendable = Never

    /// The smallest screen the application can draw on; below it the loop shows a
    /// "needs W×H, have w×h" screen instead, ignores every key but `quitKeys`, and recovers on resize.
    var minimumSize: Size { get }

    /// How often a `.tick` should arrive (nil: never). Keep it coarse: nothing should tick by the second
    /// unless it matters (UX.md, "Over SSH").
    var tickInterval: Duration? { get }

    /// Keys that quit even while the screen is too small to draw the application (from its key table).
    var quitKeys: [Key] { get }

    /// The one entry point for everything that happens: returns what the runtime should do.
    mutating func update(_ event: Event<Message>) -> Command<Message>

    /// Draws the whole screen into `frame` (already sized to the terminal, blank).
    func render(into frame: inout Frame, context: RenderContext)
}

extension TerminalApplication {
    public var quitKeys: [Key] { [] }
}

extension Command: Equatable {
    /// Commands are equal when they do the same things in the same order; tasks compare by id only
    /// (an operation cannot be compared), and batches compare by their flattened contents.
    public static func == (lhs: Command, rhs: Command) -> Bool {
        let l = lhs.flattened, r = rhs.flattened
        guard l.count == r.count else { return false }
        for (a, b) in zip(l, r) {
            switch (a, b) {
            case (.redraw, .redraw), (.quit, .quit), (.bell, .bell): continue
            case (.copyToClipboard(let x), .copyToClipboard(let y)) where x == y: continue
            case (.run(let x, _), .run(let y, _)) where x == y: continue
            case (.cancel(let x), .cancel(let y)) where x == y: continue
            default: return false
            }
        }
        return true
    }
}
