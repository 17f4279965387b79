import TerminalKit

/// A clock that only moves when told to (tests).
public final class ManualClock: RuntimeClock {
    private var elapsed: Duration = .zero
    public init() {}
    public func now() -> Duration { elapsed }
    public func advance(by d: Duration) { elapsed += d }
}
