import Synchronization

/// A thread-safe mailbox that background services post results into and the UI loop drains.
///
/// Services run in `Task.detached` (a plain `Task {}` started from the main thread inherits the main
/// actor and never runs while the synchronous loop blocks it, PLATFORM-NOTES §6).
public final class Inbox<Message: Sendable>: Sendable {
    private let messages = Mutex<[Message]>([])

    public init() {}

    /// Adds a message; callable from any thread.
    public func post(_ message: Message) { messages.withLock { $0.append(message) } }

    /// Removes and returns every message posted so far, oldest first.
    public func drain() -> [Message] {
        messages.withLock { m in
            let out = m
            m.removeAll(keepingCapacity: true)
            return out
        }
    }

    public var isEmpty: Bool { messages.withLock { $0.isEmpty } }
}
