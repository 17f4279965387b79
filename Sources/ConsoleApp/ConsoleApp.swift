import TerminalKit

/// The console application layer: screens, state, actions. Grows with the Kalypso screens.
public enum ConsoleApp {
    public static let version = "0.1.0"
}
