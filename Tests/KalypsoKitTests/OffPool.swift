import Foundation

/// Runs blocking work (a subprocess, a tmux wait, a long key derivation) on a thread of its own.
///
/// Swift Testing runs tests on the cooperative pool, which has one thread per core: two on the CI
/// machine. A test that blocks one for seconds stalls every other suite's async work, and timing tests
/// elsewhere (RPC deadlines) fail. Awaiting here frees the pool thread while the work runs.
func offPool<T: Sendable>(_ body: @escaping () throws -> T) async throws -> T {
    let work = UncheckedSendable(body)
    return try await withCheckedThrowingContinuation { continuation in
        let thread = Thread { continuation.resume(with: Result { try work.value() }) }
        thread.stackSize = 8 << 20
        thread.start()
    }
}

/// A value handed to one other thread and used only there (test helpers only).
struct UncheckedSendable<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}
