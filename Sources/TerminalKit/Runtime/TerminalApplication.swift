/// What an application asks the loop to do after handling an event.
public enum ApplicationCommand: Sendable, Equatable {
    /// Nothing visible changed.
    case none
    /// State changed: render a new frame.
    case redraw
    /// Leave the loop and restore the terminal.
    case quit
}

/// An application the terminal loop can run: state in, frames out.
///
/// The loop (TerminalKit's runtime) reads events from a `Terminal`, calls `handle`, calls `tick` on its
/// timer, and calls `render` only when something changed; it diffs the frame against the last one and
/// writes only changed cells. `render` must be a pure function of the application's state.
public protocol TerminalApplication {
    /// The smallest screen the application can draw on; below it the loop shows a
    /// "needs W×H, have w×h" screen instead and recovers on resize.
    var minimumSize: Size { get }

    /// How often `tick` should be called (nil: never). Keep it coarse: nothing should tick by the second
    /// unless it matters (UX.md, "Over SSH").
    var tickInterval: Duration? { get }

    /// Handles a key or resize event.
    mutating func handle(_ event: InputEvent) -> ApplicationCommand

    /// Advances time-driven state (live data, spinners). Return `.redraw` only if the screen changes.
    mutating func tick() -> ApplicationCommand

    /// Takes the results background services posted (drain your `Inbox` here). Called once per loop
    /// iteration; the default does nothing.
    mutating func receiveMessages() -> ApplicationCommand

    /// Hands over requests for the terminal itself (e.g. a clipboard copy) queued since the last
    /// call. Called once per loop iteration; the default has none.
    mutating func takeTerminalRequests() -> [TerminalRequest]

    /// Draws the whole screen into `frame` (already sized to the terminal, blank).
    func render(into frame: inout Frame, context: RenderContext)
}

/// Something an application asks of the terminal beyond drawing.
public enum TerminalRequest: Sendable, Equatable {
    /// Put the text on the user's clipboard (OSC 52).
    case copyToClipboard(String)
}

extension TerminalApplication {
    public mutating func receiveMessages() -> ApplicationCommand { .none }
    public mutating func takeTerminalRequests() -> [TerminalRequest] { [] }
}
