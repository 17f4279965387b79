import Synchronization

/// The time source of the loop's timers, injectable so tests can step time.
public protocol RuntimeClock: AnyObject {
    /// Time elapsed since an arbitrary fixed origin.
    func now() -> Duration
}

/// Monotonic time of the running process.
public final class SystemClock: RuntimeClock {
    private let origin = ContinuousClock.now
    public init() {}
    public func now() -> Duration { ContinuousClock.now - origin }
}
