import Foundation
import TerminalKitTesting
import Testing

@testable import ConsoleApp
@testable import TerminalKit

/// The console on TerminalKit's loop with fixed services: effects run as tasks and come back as
/// actions, and an idle console renders no frame and writes nothing.
@Suite struct ConsoleRuntimeTests {
    typealias F = ConsoleFixtures

    /// A wall clock the test moves by hand (the application reads it on every tick).
    final class WallClock: @unchecked Sendable {
        private let lock = NSLock()
        private var value: Date
        init(_ d: Date) { value = d }
        var now: Date { lock.withLock { value } }
        func advance(_ s: TimeInterval) { lock.withLock { value = value.addingTimeInterval(s) } }
    }

    @Test func loadsThroughTheServicesThenStaysIdle() async throws {
        var far = F.snapshot
        // No deadline near: the clock ticks by the minute.
        far.ourJobs = far.ourJobs.filter { $0.jobId == 17 || $0.outcome != nil }
        let services = FixedConsoleServices(snapshot: .success(far))
        let wall = WallClock(F.now)
        // On Markets (screen 2; 1 is Onboarding).
        let state = ConsoleState(network: F.network, keys: try ConsoleKeys.table(), initialScreen: 1, now: F.now)
        let app = ConsoleApplication(state: state, services: services, clock: { wall.now })
        let terminal = VirtualTerminal(size: Size(width: 120, height: 40))
        let clock = ManualClock()
        let runtime = TerminalRuntime(app: app, terminal: terminal, clock: clock)
        // Until the load and the first sync came back as actions. Their tasks run on the cooperative pool,
        // which has one thread per core: this test sleeps asynchronously so it never holds a thread they need,
        // and waits generously because other suites' synchronous tests may hold the pool for minutes.
        let giveUp = Date().addingTimeInterval(600)
        while !(runtime.app.state.data != nil && runtime.app.state.sync.status != nil), Date() < giveUp {
            try runtime.step()
            try await Task.sleep(for: .milliseconds(5))
        }
        #expect(runtime.app.state.data == far)
        try runtime.step()
        #expect(runtime.renderFrame().text().contains("zkEVM blocks"))
        // Idle within the same minute: ticks every second, nothing rendered, nothing written.
        let frames = runtime.renderCount
        let presents = terminal.bytesPerPresent
        for _ in 0..<30 {
            clock.advance(by: .seconds(1))
            wall.advance(1)
            try runtime.step()
        }
        #expect(runtime.renderCount == frames)
        #expect(terminal.bytesPerPresent == presents)
    }
}
