import Foundation
import TestSupport

/// Screen waits for terminal programs driven under tmux.
extension Tmux {
    /// Waits until the screen holds every one of `texts` and stays the same over two captures 50 ms
    /// apart, so a frame caught while the program is still writing it is never taken for the whole frame.
    @discardableResult
    public func waitForAll(_ texts: [String], timeout: Duration = .seconds(10)) throws -> String {
        try waitFor("all of \(texts)", timeout: timeout) { s in
            guard texts.allSatisfy({ s.contains($0) }) else { return false }
            usleep(50_000)
            return (try? capture()) == s
        }
    }
}
