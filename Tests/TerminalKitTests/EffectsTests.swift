import Foundation
import Synchronization
import TerminalKitTesting
import Testing

@testable import TerminalKit

/// A stand-in for a slow network service: each request waits until the test releases it, and gives
/// up when its task is cancelled, as a real client does.
///
/// It waits by polling on its own thread (the runtime's `TaskQueueExecutor` in these tests) and never
/// suspends: a suspended task is resumed through Swift's shared pool, whose few threads other tests
/// may be blocking, and the test would then measure the pool instead of the runtime.
final class FakeService: Sendable {
    private struct State {
        var released: Set<String> = []
        var started: [String] = []
        var cancelled: [String] = []
    }
    private let state = Mutex(State())

    func fetch(_ name: String) async -> ServiceApp.Message {
        state.withLock { $0.started.append(name) }
        while !state.withLock({ $0.released.contains(name) }) {
            if Task.isCancelled {
                state.withLock { $0.cancelled.append(name) }
                return .failed(name)
            }
            usleep(500)
        }
        return .loaded(name, "value of \(name)")
    }

    func release(_ name: String) { state.withLock { _ = $0.released.insert(name) } }
    var started: [String] { state.withLock { $0.started } }
    var cancelled: [String] { state.withLock { $0.cancelled } }
}

/// An application whose keys start, cancel and restart requests to the fake service, only through
/// commands: `a`/`b` fetch, `c` cancels `a`, `q` quits.
struct ServiceApp: TerminalApplication {
    enum Message: Sendable, Equatable {
        case loaded(String, String)
        case failed(String)
    }
    let service: FakeService
    var log: [String] = []
    var minimumSize: Size { Size(width: 10, height: 2) }
    var tickInterval: Duration? { nil }

    mutating func update(_ event: Event<Message>) -> Command<Message> {
        switch event {
        case .key(.character(let c)) where c == "a" || c == "b":
            let name = String(c)
            return .run(TaskID(name)) { [service] in await service.fetch(name) }
        case .key(.character("c")): return .cancel("a")
        case .key(.character("q")): return .quit
        case .message(.loaded(let name, let value)):
            log.append("\(name): \(value)")
            return .redraw
        case .message(.failed(let name)):
            log.append("\(name): failed")
            return .redraw
        default: return .none
        }
    }

    func render(into frame: inout Frame, context: RenderContext) {
        frame.write(log.last ?? "idle", x: 0, y: 0)
    }
}

@Suite struct EffectsTests {
    func start() throws -> (TerminalRuntime<ServiceApp>, VirtualTerminal, FakeService) {
        let service = FakeService()
        let vt = VirtualTerminal(size: Size(width: 30, height: 4))
        // The tasks run on their own queue: the test waits by blocking, which would starve tasks that
        // need a thread of the shared pool.
        let rt = TerminalRuntime(
            app: ServiceApp(service: service), terminal: vt, options: RuntimeOptions(taskExecutor: TaskQueueExecutor()),
            clock: ManualClock())
        try rt.step()
        return (rt, vt, service)
    }

    /// Steps the loop until `condition` holds or a generous timeout passes.
    func step(_ rt: TerminalRuntime<ServiceApp>, until condition: () -> Bool) throws {
        let deadline = ContinuousClock.now + .seconds(20)
        while true {
            try rt.step()
            if condition() || ContinuousClock.now >= deadline { break }
            usleep(1000)
        }
        #expect(condition())
    }

    @Test func resultsArriveAsMessagesInCompletionOrder() throws {
        let (rt, vt, service) = try start()
        vt.type("ab")
        try rt.step()
        #expect(rt.tasks.runningIDs == ["a", "b"])
        service.release("b")
        try step(rt) { rt.app.log.count == 1 }
        service.release("a")
        try step(rt) { rt.app.log.count == 2 }
        #expect(rt.app.log == ["b: value of b", "a: value of a"])
        #expect(vt.text().hasPrefix("a: value of a"))
        #expect(rt.tasks.runningIDs.isEmpty)
        #expect(rt.tasks.waitUntilIdle(timeout: .seconds(20)))
        #expect(rt.tasks.liveCount == 0)
    }

    @Test func cancellingStopsTheTaskAndItsResultNeverArrives() throws {
        let (rt, vt, service) = try start()
        vt.type("a")
        try rt.step()
        try step(rt) { service.started == ["a"] }
        vt.type("c")
        try rt.step()
        #expect(rt.tasks.runningIDs.isEmpty)
        #expect(rt.tasks.waitUntilIdle(timeout: .seconds(20)))
        #expect(service.cancelled == ["a"])
        // The task returned `.failed` when cancelled, but the application gave it up: it never hears.
        for _ in 0..<5 { try rt.step() }
        #expect(rt.app.log.isEmpty)
        #expect(rt.tasks.liveCount == 0)
    }

    @Test func startingUnderARunningIDReplacesTheTask() throws {
        let (rt, vt, service) = try start()
        vt.type("a")
        try rt.step()
        try step(rt) { service.started == ["a"] }
        vt.type("a")
        try rt.step()
        try step(rt) { service.cancelled == ["a"] }
        service.release("a")
        try step(rt) { !rt.app.log.isEmpty }
        #expect(rt.tasks.waitUntilIdle(timeout: .seconds(20)))
        for _ in 0..<5 { try rt.step() }
        #expect(rt.app.log == ["a: value of a"])
        #expect(service.started == ["a", "a"])
    }

    @Test func quittingCancelsWhatRunsAndNothingOutlivesTheLoop() throws {
        let (rt, vt, service) = try start()
        vt.type("ab")
        try rt.step()
        try step(rt) { service.started.count == 2 }
        #expect(rt.tasks.liveCount == 2)
        vt.type("q")
        #expect(try rt.run() == .quit)
        #expect(vt.isShutDown)
        #expect(rt.tasks.runningIDs.isEmpty)
        // The loop waited for them (up to its grace period) before it returned.
        #expect(rt.tasks.liveCount == 0)
        #expect(rt.tasks.runningIDs.isEmpty)
        #expect(Set(service.cancelled) == ["a", "b"])
        #expect(rt.app.log.isEmpty)
    }

    @Test func aBatchAppliesEveryCommandInOrder() throws {
        let vt = VirtualTerminal(size: Size(width: 30, height: 4))
        struct BatchApp: TerminalApplication {
            var minimumSize: Size { Size(width: 1, height: 1) }
            var tickInterval: Duration? { nil }
            mutating func update(_ event: Event<String>) -> Command<String> {
                guard case .key = event else { return .none }
                return [.copyToClipboard("one"), .batch([.none, .copyToClipboard("two")]), .quit]
            }
            func render(into frame: inout Frame, context: RenderContext) {}
        }
        let rt = TerminalRuntime(app: BatchApp(), terminal: vt, clock: ManualClock())
        vt.type("x")
        #expect(try rt.run() == .quit)
        #expect(vt.clipboard == ["one", "two"])
        let literal: Command<String> = [.redraw, [.none, .quit]]
        #expect(literal == .batch([.redraw, .quit]))
        #expect(literal != .batch([.quit, .redraw]))
        #expect(Command<String>.run("x") { "" } == .run("x") { "y" })
        #expect(Command<String>.run("x") { "" } != .run("y") { "" })
    }
}
