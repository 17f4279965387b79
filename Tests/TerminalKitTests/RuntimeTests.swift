import Foundation
import TerminalKitTesting
import Testing

@testable import TerminalKit

/// A list application small enough to reason about byte counts.
struct ListApp: TerminalApplication {
    enum Message: Sendable { case status(String) }
    var minimumSize = Size(width: 20, height: 5)
    var tickInterval: Duration? = nil
    var selected = 0
    var status = "idle"
    var ticks = 0
    var events: [InputEvent] = []
    var quitKeys: [Key] { [.character("q")] }

    mutating func update(_ event: Event<Message>) -> Command<Message> {
        switch event {
        case .key(let key):
            events.append(.key(key))
            switch key {
            case .character("q"): return .quit
            case .character("j"):
                selected += 1
                return .redraw
            case .character("s"):
                // Work started through the runtime; its result comes back as a message.
                return .run("sync") { .status("synced") }
            default: return .none
            }
        case .resize(let size):
            events.append(.resize(size))
            return .redraw
        case .tick:
            ticks += 1
            return ticks % 2 == 0 ? .redraw : .none
        case .message(.status(let s)):
            status = s
            return .redraw
        }
    }

    func render(into frame: inout Frame, context: RenderContext) {
        frame.write("status: \(status) ticks: \(ticks / 2)", x: 0, y: 0, style: context.theme[.title])
        for y in 1..<frame.height {
            let style = y - 1 == selected ? context.theme[.selection] : context.theme[.text]
            frame.fill(Rect(x: 0, y: y, width: frame.width, height: 1), with: Cell(" ", style: style))
            frame.write("row \(y - 1)", x: 1, y: y, style: style)
        }
    }
}

@Suite struct RuntimeTests {
    func runtime(
        _ app: ListApp = ListApp(), size: Size = Size(width: 40, height: 10), clock: ManualClock = ManualClock()
    )
        -> (TerminalRuntime<ListApp>, VirtualTerminal)
    {
        let vt = VirtualTerminal(size: size)
        return (TerminalRuntime(app: app, terminal: vt, clock: clock), vt)
    }

    @Test func firstStepDrawsTheWholeScreenAndTellsTheAppItsSize() throws {
        let (rt, vt) = runtime()
        try rt.step()
        #expect(vt.presents.count == 1)
        #expect(vt.presents[0].cells == 400)
        #expect(rt.app.events.first == .resize(Size(width: 40, height: 10)))
        #expect(vt.text().hasPrefix("status: idle ticks: 0\n row 0"))
    }

    @Test func idleIterationsWriteNothing() throws {
        let (rt, vt) = runtime()
        try rt.step()
        let renders = rt.renderCount
        for _ in 0..<20 { try rt.step() }
        #expect(rt.renderCount == renders)
        #expect(vt.presents.count == 1)
        // A key the app ignores renders nothing either.
        vt.type("n")
        try rt.step()
        #expect(vt.presents.count == 1)
    }

    @Test func oneRowChangeWritesAboutOneRow() throws {
        let (rt, vt) = runtime(size: Size(width: 80, height: 24))
        try rt.step()
        let full = try #require(vt.lastBytes)
        vt.type("j")  // selection moves from row 0 to row 1: two rows change style
        try rt.step()
        let stats = try #require(vt.lastStats)
        #expect(stats.cells == 160)
        #expect(stats.runs == 2)
        let bytes = try #require(vt.lastBytes)
        #expect(bytes > 160 && bytes < 260, "\(bytes) bytes")
        #expect(bytes * 8 < full)
    }

    @Test func redrawWithoutChangeWritesZeroBytes() throws {
        var app = ListApp()
        app.tickInterval = .milliseconds(100)
        let clock = ManualClock()
        let (rt, vt) = runtime(app, clock: clock)
        try rt.step()
        clock.advance(by: .milliseconds(150))
        try rt.step()  // tick 1: .none
        #expect(vt.presents.count == 1)
        clock.advance(by: .milliseconds(150))
        try rt.step()  // tick 2: .redraw with a visible change ("ticks: 1")
        #expect(vt.presents.count == 2)
        #expect(vt.lastStats?.runs == 1)
        #expect(vt.text().hasPrefix("status: idle ticks: 1"))
    }

    @Test func ticksFollowTheIntervalWithAFloor() throws {
        var app = ListApp()
        app.tickInterval = .milliseconds(10)  // below the 100 ms floor
        let clock = ManualClock()
        let (rt, _) = runtime(app, clock: clock)
        try rt.step()
        clock.advance(by: .milliseconds(50))
        try rt.step()
        #expect(rt.app.ticks == 0)
        clock.advance(by: .milliseconds(60))
        try rt.step()
        #expect(rt.app.ticks == 1)
    }

    @Test func tooSmallScreenIgnoresEveryKeyButQuit() throws {
        let (rt, vt) = runtime(size: Size(width: 12, height: 3))
        try rt.step()
        vt.type("jjs")
        try rt.step()
        // Nothing of the application saw the keys or started anything.
        #expect(rt.app.events == [.resize(Size(width: 12, height: 3))])
        #expect(rt.tasks.liveCount == 0)
        #expect(rt.exitReason == nil)
        vt.type("q")
        try rt.step()
        #expect(rt.exitReason == .quit)
    }

    @Test func tooSmallScreenAndRecovery() throws {
        let (rt, vt) = runtime(size: Size(width: 40, height: 10))
        try rt.step()
        vt.resize(to: Size(width: 12, height: 3))
        try rt.step()
        #expect(vt.text() == " need 20×5\n\n")
        vt.resize(to: Size(width: 30, height: 4))
        try rt.step()
        #expect(vt.text() == "\n    needs 20×5, have 30×4\nenlarge the window to continue\n")
        vt.resize(to: Size(width: 50, height: 5))
        try rt.step()
        #expect(vt.text().hasPrefix("status: idle ticks: 0\n row 0"))
        // The screen matches a direct render exactly, so nothing stale survived.
        #expect(vt.screen == rt.renderFrame())
    }

    @Test(arguments: [
        Size(width: 1, height: 1), Size(width: 0, height: 0), Size(width: 1, height: 0), Size(width: 0, height: 7),
        Size(width: 2, height: 1), Size(width: 1000, height: 400),
    ])
    func extremeSizesDoNotCrash(size: Size) throws {
        let (rt, vt) = runtime(size: size)
        try rt.step()
        vt.type("j")
        try rt.step()
        vt.resize(to: Size(width: 40, height: 10))
        try rt.step()
        #expect(vt.text().hasPrefix("status: idle"))
    }

    @Test func burstOfResizesIsCoalesced() throws {
        let (rt, vt) = runtime()
        try rt.step()
        let before = vt.presents.count
        vt.resize(to: Size(width: 50, height: 12))
        vt.resize(to: Size(width: 60, height: 14))
        vt.type("j")
        vt.resize(to: Size(width: 70, height: 15))
        try rt.step()
        let resizes = rt.app.events.dropFirst().filter { if case .resize = $0 { true } else { false } }
        #expect(resizes == [.resize(Size(width: 70, height: 15))])
        #expect(rt.app.events.last == .resize(Size(width: 70, height: 15)))
        #expect(vt.presents.count == before + 1)
        #expect(rt.app.selected == 1)
    }

    @Test func quitEndsTheLoopAndRestoresTheTerminal() throws {
        let (rt, vt) = runtime()
        vt.type("jjq")
        let exit = try rt.run()
        #expect(exit == .quit)
        #expect(vt.isShutDown)
        #expect(rt.app.selected == 2)
    }

    @Test func taskResultsArriveAsMessagesThroughTheCommandPath() throws {
        let vt = VirtualTerminal(size: Size(width: 40, height: 10))
        let rt = TerminalRuntime(
            app: ListApp(), terminal: vt, options: RuntimeOptions(taskExecutor: TaskQueueExecutor()),
            clock: ManualClock())
        try rt.step()
        vt.type("s")
        try rt.step()
        #expect(rt.tasks.waitUntilIdle(timeout: .seconds(20)))
        try rt.step()
        #expect(vt.text().hasPrefix("status: synced"))
        #expect(rt.tasks.runningIDs.isEmpty)
    }

    @Test func noticeShowsUntilTheFirstKey() throws {
        let vt = VirtualTerminal(size: Size(width: 40, height: 6))
        let rt = TerminalRuntime(
            app: ListApp(), terminal: vt, options: RuntimeOptions(notice: "theme broken"), clock: ManualClock())
        try rt.step()
        #expect(vt.text().split(separator: "\n").last == " theme broken")
        vt.type("n")
        try rt.step()
        #expect(!vt.text().contains("theme broken"))
    }

    @Test func monochromeAndAsciiTerminalsGetReducedCells() throws {
        let vt = VirtualTerminal(
            size: Size(width: 30, height: 5), capabilities: Capabilities(colorDepth: .monochrome, unicode: false))
        let rt = TerminalRuntime(app: ListApp(), terminal: vt, clock: ManualClock())
        try rt.step()
        let snap = StyleDump.dump(vt.screen)
        #expect(
            snap
                == "status: idle ticks: 0\n row 0\n row 1\n row 2\n row 3\n---- styles\nrow 0: 0-20 bold\nrow 1: 0-29 reverse\n"
        )
    }
}
