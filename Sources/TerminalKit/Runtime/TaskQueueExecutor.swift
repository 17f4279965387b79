import Dispatch

/// Runs task jobs on a concurrent dispatch queue instead of Swift's shared cooperative pool.
///
/// The pool has one thread per core, and code that blocks one of them (a synchronous wait, a child
/// process) holds it. Jobs enqueued here run on dispatch threads instead, so a task that runs without
/// suspending finishes even while the pool is held. The runtime's tasks start here when
/// `RuntimeOptions.taskExecutor` names it (tests that wait by blocking do).
package final class TaskQueueExecutor: TaskExecutor {
    private let queue: DispatchQueue

    package init(label: String = "terminal-kit.tasks") {
        queue = DispatchQueue(label: label, attributes: .concurrent)
    }

    package func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        queue.async { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}
