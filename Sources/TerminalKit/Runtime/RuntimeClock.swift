import Synchronization

/// The time source of the loop's timers, injectable so tests can step time.
package protocol RuntimeClock: AnyObject {
    /// Time elapsed since an arbitrary fixed origin.
    func now() -> Duration
}

/// Monotonic time of the running process.
package final class SystemClock: RuntimeClock {
    private let origin = ContinuousClock.now
    package init() {}
    package func now() -> Duration { ContinuousClock.now - origin }
}
