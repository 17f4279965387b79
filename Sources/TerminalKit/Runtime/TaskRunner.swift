import Foundation
import Synchronization

/// The tasks an application started through `Command.run`, and the messages they produced.
///
/// Tasks run detached: a plain `Task {}` started from the loop's thread inherits the main actor, which
/// the synchronous loop never yields, so it would never run (PLATFORM-NOTES §6). Results are queued
/// under a lock in completion order and drained by the loop; a cancelled or replaced task's result is
/// dropped, so the application never hears from work it gave up on.
package final class TaskRunner<Message: Sendable>: Sendable {
    private struct Entry {
        var token: UInt64
        var task: Task<Void, Never>?
    }

    private struct State {
        var running: [TaskID: Entry] = [:]
        var results: [Message] = []
        var nextToken: UInt64 = 0
        /// Task bodies that have not returned yet, cancelled ones included.
        var live = 0
    }

    private let state = Mutex(State())
    private let wake: @Sendable () -> Void
    private let executor: (any TaskExecutor)?

    /// - Parameters:
    ///   - executor: where the tasks run (nil: Swift's shared pool).
    ///   - wake: called (from the task's thread) after a result is queued, so a loop waiting for input
    ///     can return at once.
    package init(executor: (any TaskExecutor)? = nil, wake: @escaping @Sendable () -> Void = {}) {
        self.executor = executor
        self.wake = wake
    }

    /// Starts `operation` under `id`, cancelling a task already running under that id.
    package func start(_ id: TaskID, _ operation: @escaping @Sendable () async -> Message) {
        let (token, replaced): (UInt64, Task<Void, Never>?) = state.withLock { s in
            s.nextToken += 1
            let old = s.running[id]?.task
            s.running[id] = Entry(token: s.nextToken, task: nil)
            s.live += 1
            return (s.nextToken, old)
        }
        replaced?.cancel()
        let task = Task.detached(executorPreference: executor) { [self] in
            let message = await operation()
            let delivered = state.withLock { s in
                s.live -= 1
                guard s.running[id]?.token == token else { return false }
                s.running[id] = nil
                s.results.append(message)
                return true
            }
            if delivered { wake() }
        }
        let stored = state.withLock { s in
            guard s.running[id]?.token == token else { return false }
            s.running[id]?.task = task
            return true
        }
        // Not stored: it finished already (cancelling is harmless) or was cancelled or replaced before
        // its handle existed, and nobody else can cancel it now.
        if !stored { task.cancel() }
    }

    /// Cancels the task running under `id`; returns whether there was one.
    @discardableResult
    package func cancel(_ id: TaskID) -> Bool {
        let entry = state.withLock { s in s.running.removeValue(forKey: id) }
        entry?.task?.cancel()
        return entry != nil
    }

    /// Cancels every task and drops results not yet delivered (the loop is ending).
    package func cancelAll() {
        let entries = state.withLock { s in
            let all = Array(s.running.values)
            s.running.removeAll()
            s.results.removeAll()
            return all
        }
        for e in entries { e.task?.cancel() }
    }

    /// Removes and returns the results that arrived, oldest first.
    package func drain() -> [Message] {
        state.withLock { s in
            let out = s.results
            s.results.removeAll(keepingCapacity: true)
            return out
        }
    }

    /// Ids of the tasks whose result is still awaited.
    package var runningIDs: Set<TaskID> { state.withLock { Set($0.running.keys) } }

    /// Task bodies still executing, including cancelled ones that have not returned yet.
    package var liveCount: Int { state.withLock { $0.live } }

    /// Waits (blocking this thread, never the tasks) until no task body executes or `timeout` passes;
    /// returns whether none is left.
    @discardableResult
    package func waitUntilIdle(timeout: Duration) -> Bool {
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        while liveCount > 0 {
            if clock.now >= deadline { return false }
            Thread.sleep(forTimeInterval: 0.001)
        }
        return true
    }
}
