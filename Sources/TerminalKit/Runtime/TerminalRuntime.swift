/// Why the loop ended.
package enum RuntimeExit: Sendable, Equatable {
    /// The application returned `.quit`.
    case quit
    /// A termination signal (SIGINT, SIGTERM, SIGHUP) arrived; the value is the signal number.
    case signal(Int32)
}

/// Settings of the loop.
package struct RuntimeOptions: Sendable {
    /// How long one wait for input lasts; bounds the latency of ticks (and of task results when the terminal cannot be woken).
    package var inputTimeout: Duration
    /// Ticks never come more often than this, whatever the application asks.
    package var minimumTickInterval: Duration
    /// A message shown on the bottom row until the first key press (e.g. "theme X is broken, using
    /// the default theme").
    package var notice: String?
    /// How long the loop waits at the end for cancelled tasks to return, so none outlives it.
    package var shutdownGrace: Duration
    /// Where the application's tasks run (nil: Swift's shared pool).
    package var taskExecutor: (any TaskExecutor)?

    package init(
        inputTimeout: Duration = .milliseconds(50), minimumTickInterval: Duration = .milliseconds(100),
        notice: String? = nil, shutdownGrace: Duration = .milliseconds(500), taskExecutor: (any TaskExecutor)? = nil
    ) {
        self.taskExecutor = taskExecutor
        self.inputTimeout = inputTimeout
        self.minimumTickInterval = minimumTickInterval
        self.notice = notice
        self.shutdownGrace = shutdownGrace
    }
}

/// Runs a `TerminalApplication` on a `Terminal`: one synchronous loop on the calling thread.
///
/// Each iteration waits for input (at most `inputTimeout`, less when a tick is due, and no longer once a
/// task result arrives when the terminal can be woken), coalesces a burst of resizes into one, delivers
/// task results as messages, ticks on the application's interval, and renders only when something
/// changed. The terminal sends only the changed cells of the frame in one write. Before the first frame
/// the application receives one `.resize` event with the initial size. The runtime owns the tasks the
/// application starts: they are cancelled on request and when the loop ends.
package final class TerminalRuntime<App: TerminalApplication> {
    package private(set) var app: App
    package let terminal: any Terminal
    /// What the terminal shows; each frame goes out as the difference to it.
    package let screen: Screen
    package private(set) var context: RenderContext
    package let options: RuntimeOptions
    private let clock: any RuntimeClock
    private let signals: SignalMonitor?
    /// How many frames were rendered (tests assert that idle iterations render none).
    package private(set) var renderCount = 0
    private var dirty = true
    private var nextTick: Duration?
    private var notice: String?
    private var exit: RuntimeExit?
    private var started = false
    /// The application's running tasks and their undelivered results.
    package let tasks: TaskRunner<App.Message>

    /// - Parameters:
    ///   - theme: the theme as loaded; it is adapted to the terminal's capabilities here.
    ///   - signals: a monitor of termination and suspend signals (nil in tests with a virtual terminal).
    package init(
        app: App, terminal: any Terminal, theme: Theme = .builtinDefault, options: RuntimeOptions = RuntimeOptions(),
        clock: any RuntimeClock = SystemClock(), signals: SignalMonitor? = nil
    ) {
        self.app = app
        self.terminal = terminal
        screen = Screen(terminal: terminal)
        self.options = options
        self.clock = clock
        self.signals = signals
        context = RenderContext(theme: theme.adapted(to: terminal.capabilities), capabilities: terminal.capabilities)
        notice = options.notice
        let wake = terminal.wakeSignal
        tasks = TaskRunner(executor: options.taskExecutor, wake: { wake?.signal() })
        if let interval = app.tickInterval { nextTick = clock.now() + max(interval, options.minimumTickInterval) }
    }

    /// Whether the loop has ended, and why.
    package var exitReason: RuntimeExit? { exit }

    /// Runs until the application quits or a termination signal arrives, then cancels the application's
    /// tasks and restores the terminal. Both also happen when rendering throws.
    @discardableResult
    package func run() throws -> RuntimeExit {
        defer { finish() }
        while exit == nil { try step() }
        return exit ?? .quit
    }

    /// Cancels every task (waiting up to `shutdownGrace` for them to return) and restores the terminal.
    package func finish() {
        tasks.cancelAll()
        tasks.waitUntilIdle(timeout: options.shutdownGrace)
        terminal.shutdown()
    }

    /// One iteration of the loop. Exposed so tests can drive the loop deterministically.
    package func step() throws {
        guard exit == nil else { return }
        if !started {
            // Applications learn their size the same way they learn a change of it.
            started = true
            apply(app.update(.resize(terminal.size)))
            dirty = true
            if exit != nil { return }
        }
        if handleSignals() { return }
        if dirty {
            try renderAndPresent()
        }
        let wait = waitTime()
        var events: [InputEvent] = []
        if let first = terminal.readEvent(timeout: wait) {
            events.append(first)
            // Take whatever else is already queued so a burst of resizes becomes one.
            while events.count < 256, let more = terminal.readEvent(timeout: .zero) { events.append(more) }
        }
        for event in Self.coalesced(events) {
            if case .key = event, notice != nil {
                notice = nil
                dirty = true
            }
            if case .resize = event {
                screen.invalidate()
                dirty = true
            }
            deliver(event)
            if exit != nil { return }
        }
        for message in tasks.drain() where exit == nil { apply(app.update(.message(message))) }
        if let due = nextTick, clock.now() >= due, exit == nil {
            apply(app.update(.tick))
            let interval = max(app.tickInterval ?? options.minimumTickInterval, options.minimumTickInterval)
            nextTick = clock.now() + interval
        }
        if dirty, exit == nil, !handleSignals() { try renderAndPresent() }
    }

    /// Keeps key order but only the last of the resize events (all earlier sizes are stale).
    static func coalesced(_ events: [InputEvent]) -> [InputEvent] {
        guard let lastResize = events.lastIndex(where: { if case .resize = $0 { true } else { false } }) else {
            return events
        }
        return events.enumerated().compactMap { i, e in
            if case .resize = e, i != lastResize { return nil }
            return e
        }
    }

    private func deliver(_ event: InputEvent) {
        switch event {
        case .resize(let size):
            apply(app.update(.resize(size)))
        case .key(let key):
            // Below the minimum size nothing of the application is visible, so nothing of it may react
            // to keys (an invisible overlay would swallow the next ones); only quitting works.
            guard isTooSmall else { return apply(app.update(.key(key))) }
            if app.quitKeys.contains(key) { exit = .quit }
        }
    }

    /// Whether the terminal is below the application's minimum size.
    private var isTooSmall: Bool {
        let size = terminal.size, min = app.minimumSize
        return size.width < min.width || size.height < min.height
    }

    private func apply(_ command: Command<App.Message>) {
        for c in command.flattened {
            switch c {
            case .none, .batch: break
            case .redraw: dirty = true
            case .quit: exit = .quit
            case .copyToClipboard(let text): terminal.copyToClipboard(text)
            case .bell: terminal.bell()
            case .run(let id, let operation): tasks.start(id, operation)
            case .cancel(let id): tasks.cancel(id)
            }
        }
    }

    private func waitTime() -> Duration {
        guard let due = nextTick else { return options.inputTimeout }
        let left = due - clock.now()
        return max(.zero, min(options.inputTimeout, left))
    }

    /// Returns true when the loop must stop.
    private func handleSignals() -> Bool {
        guard let signals else { return false }
        if let sig = signals.takeTermination() {
            exit = .signal(sig)
            return true
        }
        if signals.takeSuspend() {
            let before = terminal.size
            terminal.suspend()
            signals.stopSelf()
            terminal.resume()
            dirty = true
            // The window may have been resized while we were stopped.
            if terminal.size != before { apply(app.update(.resize(terminal.size))) }
        }
        if signals.takeContinue() {
            // Stopped by someone else (kill -STOP) and continued: the screen may be garbage.
            screen.invalidate()
            dirty = true
        }
        return false
    }

    /// The frame for the current state (exposed for tests and benchmarks).
    package func renderFrame() -> Frame {
        let size = terminal.size
        var frame = Frame(size: size)
        if isTooSmall {
            TooSmallView.render(into: &frame, needs: app.minimumSize, context: context)
        } else {
            app.render(into: &frame, context: context)
        }
        if let notice, frame.height > 0 {
            let y = frame.height - 1
            frame.fill(Rect(x: 0, y: y, width: frame.width, height: 1), with: Cell(" ", style: context.theme[.toast]))
            frame.write(" " + notice, x: 0, y: y, style: context.theme[.toast])
        }
        if context.theme.background != .default { context.theme.applyBackground(to: &frame) }
        return frame
    }

    private func renderAndPresent() throws {
        let frame = renderFrame()
        renderCount += 1
        try screen.present(frame)
        dirty = false
    }
}
