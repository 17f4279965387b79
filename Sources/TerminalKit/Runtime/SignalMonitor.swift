import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Signals seen since the monitor last looked, as a bit set (bit n = signal n). Signal handlers may
/// only do async-signal-safe work, so they set a bit here and the loop acts on it.
private let pendingSignals = Atomic<UInt64>(0)

/// Catches termination (SIGINT, SIGTERM, SIGHUP), suspend (SIGTSTP) and continue (SIGCONT) signals so
/// the loop can restore the terminal itself instead of dying with the screen in curses mode.
///
/// Install it BEFORE curses starts: ncurses only installs its own SIGINT/SIGTERM/SIGTSTP handlers when
/// the disposition is still the default, and ours must win. SIGWINCH is left to ncurses (it turns it
/// into KEY_RESIZE).
package final class SignalMonitor {
    package static let terminationSignals: [Int32] = [SIGINT, SIGTERM, SIGHUP]
    private var installed = false

    package init() {}

    /// Installs the handlers (without SA_RESTART, so a blocking read returns early).
    package func install() {
        guard !installed else { return }
        installed = true
        for sig in Self.terminationSignals + [SIGTSTP, SIGCONT] { Self.catchSignal(sig) }
    }

    /// Puts back the default dispositions.
    package func uninstall() {
        guard installed else { return }
        installed = false
        for sig in Self.terminationSignals + [SIGTSTP, SIGCONT] { signal(sig, SIG_DFL) }
    }

    private static func catchSignal(_ sig: Int32) {
        var sa = sigaction()
        #if canImport(Glibc)
            sa.__sigaction_handler.sa_handler = { s in
                _ = pendingSignals.bitwiseOr(UInt64(1) << UInt64(s & 63), ordering: .sequentiallyConsistent)
            }
        #else
            sa.__sigaction_u.__sa_handler = { s in
                _ = pendingSignals.bitwiseOr(UInt64(1) << UInt64(s & 63), ordering: .sequentiallyConsistent)
            }
        #endif
        sigemptyset(&sa.sa_mask)
        sa.sa_flags = 0
        sigaction(sig, &sa, nil)
    }

    private func take(_ sig: Int32) -> Bool {
        let bit = UInt64(1) << UInt64(sig)
        let old = pendingSignals.bitwiseAnd(~bit, ordering: .sequentiallyConsistent).oldValue
        return old & bit != 0
    }

    /// The first pending termination signal, if any (consumed).
    package func takeTermination() -> Int32? {
        for sig in Self.terminationSignals where take(sig) { return sig }
        return nil
    }

    /// Whether Ctrl-Z (SIGTSTP) arrived (consumed).
    package func takeSuspend() -> Bool { take(SIGTSTP) }

    /// Whether SIGCONT arrived (consumed).
    package func takeContinue() -> Bool { take(SIGCONT) }

    /// Stops the process the way Ctrl-Z would, after the caller gave the terminal back; returns once
    /// the shell continues it (`fg`).
    package func stopSelf() {
        signal(SIGTSTP, SIG_DFL)
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, SIGTSTP)
        pthread_sigmask(SIG_UNBLOCK, &set, nil)
        raise(SIGTSTP)
        // Execution continues here after SIGCONT.
        Self.catchSignal(SIGTSTP)
        _ = take(SIGCONT)
    }

    /// Sends `sig` to this process, as the terminal or `kill` would (tests).
    package static func simulate(_ sig: Int32) { raise(sig) }
}
