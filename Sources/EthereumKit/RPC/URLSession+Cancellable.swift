import Foundation
import Synchronization

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

extension URLSession {
    /// `data(for:)` whose task cancellation cannot deadlock or crash.
    ///
    /// swift-corelibs-foundation's own async `data(for:)` cancels its `URLSessionTask` inside the task's
    /// cancellation handler, that is while holding the Swift task's status lock, and `URLSessionTask.cancel()`
    /// waits (`DispatchQueue.sync`) for the session's work queue. When that queue is at the same moment
    /// delivering the answer, resuming the awaiting task needs the same status lock: both wait forever. It
    /// happened to a console quitting while a sync request was being answered (a thread dump showed
    /// `TaskRunner.cancelAll → swift_task_cancel → URLSessionTask.cancel → DispatchQueue.sync` against
    /// `_MultiHandle.completedTransfer → CheckedContinuation.resume → withStatusRecordLock`). Calling
    /// `cancel()` later, from another queue, is no cure: a `cancel()` that meets the task's completion stops
    /// the process ("Trying to access a behaviour for a task that in not in the registry").
    ///
    /// So a cancelled call ends at once with `CancellationError`, resumed from another queue (the handler
    /// never waits and never takes the lock again), and the HTTP exchange is left to end by itself — its
    /// answer or its `timeoutInterval` — and is then dropped. Anything else is thrown as URLSession reports it.
    public func cancellableData(for request: URLRequest) async throws -> (Data, URLResponse) {
        let call = CancellableDataCall()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation {
                (continuation: CheckedContinuation<(Data, URLResponse), any Error>) in
                guard call.start(continuation) else { return }
                let task = dataTask(with: request) { data, response, error in
                    if let error {
                        call.finish(.failure(error))
                    } else if let response {
                        call.finish(.success((data ?? Data(), response)))
                    } else {
                        call.finish(.failure(URLError(.badServerResponse)))
                    }
                }
                task.resume()
            }
        } onCancel: {
            call.cancel()
        }
    }
}

/// One ``URLSession/cancellableData(for:)`` call: its continuation, resumed once, by the answer or by the
/// cancellation, whichever comes first.
final class CancellableDataCall: Sendable {
    private struct State {
        var continuation: CheckedContinuation<(Data, URLResponse), any Error>?
        var cancelled = false
    }
    private let state = Mutex(State())
    private static let canceller = DispatchQueue(label: "kalypso.url-cancel")

    /// Keeps the continuation; false (and the continuation resumed with `CancellationError`) when the call
    /// was cancelled before it started.
    func start(_ continuation: CheckedContinuation<(Data, URLResponse), any Error>) -> Bool {
        let started = state.withLock { s in
            guard !s.cancelled else { return false }
            s.continuation = continuation
            return true
        }
        if !started { continuation.resume(throwing: CancellationError()) }
        return started
    }

    /// The answer (or URLSession's error), unless the call already ended by cancellation.
    func finish(_ result: Result<(Data, URLResponse), any Error>) {
        take()?.resume(with: result)
    }

    /// Ends the call with `CancellationError` from another queue: this runs in a cancellation handler, under
    /// the Swift task's status lock, which resuming the task's continuation takes again.
    func cancel() {
        state.withLock { $0.cancelled = true }
        Self.canceller.async { [self] in take()?.resume(throwing: CancellationError()) }
    }

    private func take() -> CheckedContinuation<(Data, URLResponse), any Error>? {
        state.withLock { s in
            defer { s.continuation = nil }
            return s.continuation
        }
    }
}
