import Foundation

/// Runs an operation under an exact deadline of our own.
///
/// URLSession on Linux truncates its timeouts to whole seconds (PLATFORM-NOTES §5), so a 300 ms
/// deadline has to be enforced outside it. Unlike a task-group race, this returns the moment the
/// deadline passes: the operation is cancelled and left to wind down on its own (URLSession takes
/// ~0.2 s to report a cancellation), instead of being awaited.
enum Deadline {
    enum Outcome<T: Sendable>: Sendable {
        case success(T)
        case failed(any Error)
        case timedOut
        case cancelled
    }

    static func run<T: Sendable>(_ limit: Duration, _ operation: @escaping @Sendable () async throws -> T) async
        -> Outcome<T>
    {
        let gate = Gate<Outcome<T>>()
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Outcome<T>, Never>) in
                gate.install(continuation)
                let work = Task {
                    do {
                        gate.resume(.success(try await operation()))
                    } catch is CancellationError {
                        gate.resume(.cancelled)
                    } catch {
                        gate.resume(.failed(error))
                    }
                }
                let timer = Task {
                    try? await Task.sleep(for: limit)  // cancelled once the work finished: nothing to report
                    if !Task.isCancelled, gate.resume(.timedOut) { work.cancel() }
                }
                gate.onFinish {
                    timer.cancel()
                    work.cancel()
                }
            }
        } onCancel: {
            gate.resume(.cancelled)
        }
    }

    /// Resumes a continuation exactly once, whoever comes first (work, timer or cancellation).
    final class Gate<Value: Sendable>: @unchecked Sendable {
        private let lock = NSLock()
        private var continuation: CheckedContinuation<Value, Never>?
        private var early: Value?
        private var done = false
        private var finish: (@Sendable () -> Void)?

        func install(_ c: CheckedContinuation<Value, Never>) {
            lock.lock()
            if let early {
                lock.unlock()
                c.resume(returning: early)
                return
            }
            continuation = c
            lock.unlock()
        }

        func onFinish(_ body: @escaping @Sendable () -> Void) {
            lock.lock()
            if done {
                lock.unlock()
                body()
                return
            }
            finish = body
            lock.unlock()
        }

        /// True for the first caller only.
        @discardableResult
        func resume(_ value: Value) -> Bool {
            lock.lock()
            guard !done else {
                lock.unlock()
                return false
            }
            done = true
            let c = continuation
            continuation = nil
            if c == nil { early = value }
            let f = finish
            finish = nil
            lock.unlock()
            c?.resume(returning: value)
            f?()
            return true
        }
    }
}
