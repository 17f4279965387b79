import TerminalKit

/// The console application layer: screens, state, actions. Grows with the Kalypso screens.
///
/// A screen is a `TerminalApplication` (or a part of one) laid out like `UIDemo/WidgetGallery`:
/// - `+Keys`: an `Action` enum whose raw values are the ids `--keys` remaps, and the `KeyAction` list
///   with scopes; the footer and the `?` help are generated from it, never written by hand.
/// - `+Update`: `update(_ event:)` turns keys into actions that call widget intents (`moveSelection(by:)`,
///   `beginFilter()`, `focusNext()`, …) and returns a `Command`; work that waits (a chain call) is a
///   `.run(id) { … }` command whose result comes back as `.message`, never a task started by the screen.
/// - `+Render`: `render(into:context:)`, a pure function of the state.
/// Screen tests drive it with `TerminalRuntime` on a `VirtualTerminal` (TerminalKitTesting has the
/// clock, snapshots and style dump), and the same scenario under tmux against the built binary.
public enum ConsoleApp {
    public static let version = "0.1.0"
}
