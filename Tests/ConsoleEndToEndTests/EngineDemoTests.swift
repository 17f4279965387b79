import ConsoleApp
import Foundation
import TerminalKitTesting
import TestSupport
import Testing

@testable import TerminalKit

/// The scenario of the tmux test `drivesTheDemoLikeAPerson`, run in memory against the virtual terminal.
@Suite struct EngineDemoTests {
    /// A service that answers at once.
    static let ready: @Sendable () async -> EngineDemo.Message = { .serviceReady("ready") }

    /// A service that answers only when cancelled (polling on the test's task queue, never suspending:
    /// a suspended task would be resumed through the shared pool, which blocking tests may hold).
    static let silent: @Sendable () async -> EngineDemo.Message = {
        while !Task.isCancelled { usleep(500) }
        return .serviceReady("cancelled")
    }

    func start(
        size: Size = Size(width: 80, height: 24), readOnly: Bool = false, caps: Capabilities? = nil,
        service: @escaping @Sendable () async -> EngineDemo.Message = EngineDemoTests.silent
    ) throws -> (TerminalRuntime<EngineDemo>, VirtualTerminal) {
        let vt = VirtualTerminal(size: size, capabilities: caps ?? Capabilities(colorDepth: .indexed256, unicode: true))
        let keys = try KeyTable(actions: EngineDemo.actions(), readOnly: readOnly)
        // The service runs on its own queue, so the test may wait for it by blocking.
        let rt = TerminalRuntime(
            app: EngineDemo(keys: keys, themeName: "default", service: service), terminal: vt,
            options: RuntimeOptions(taskExecutor: TaskQueueExecutor()), clock: ManualClock())
        return (rt, vt)
    }

    @Test func sameScenarioAsTheTmuxTest() throws {
        let (rt, vt) = try start(service: Self.ready)
        defer { rt.finish() }
        try rt.step()
        // The demo started its service through the runtime with the first frame.
        #expect(rt.tasks.waitUntilIdle(timeout: .seconds(20)))
        try rt.step()
        #expect(vt.text().contains("service=ready"))
        vt.enqueue(keys: [.character("j"), .character("j"), .character("k"), .character("j")])
        for _ in 0..<2 { try rt.step() }
        #expect(vt.text().contains("Rows 3 of 500"))
        vt.resize(to: Size(width: 70, height: 20))
        try rt.step()
        #expect(vt.text().contains("size=70x20 resizes=1 key=j"))
        try Snapshot.check(vt.text(), named: "demo-70x20", suite: "EngineDemo")
    }

    @Test func copyGoesToTheTerminalClipboard() throws {
        let (rt, vt) = try start()
        defer { rt.finish() }
        try rt.step()
        vt.type("jjy")
        try rt.step()
        #expect(vt.clipboard == ["row 3"])
    }

    @Test func helpOverlayIsGeneratedFromTheKeyTable() throws {
        let (rt, vt) = try start()
        defer { rt.finish() }
        try rt.step()
        vt.type("?")
        try rt.step()
        try Snapshot.check(vt.text(), named: "help-80x24", suite: "EngineDemo")
        vt.enqueue(.key(.escape))
        try rt.step()
        #expect(!vt.text().contains("┌─ Help"))
    }

    @Test func quittingCancelsTheRunningService() throws {
        let (rt, vt) = try start()
        try rt.step()
        #expect(rt.tasks.runningIDs == ["service"])
        vt.type("q")
        #expect(try rt.run() == .quit)
        #expect(rt.tasks.runningIDs.isEmpty)
        #expect(rt.tasks.liveCount == 0)
        #expect(vt.text().contains("service=waiting"))
    }

    @Test func readOnlyDemoHasNoSendAction() throws {
        let (rt, vt) = try start(readOnly: true)
        defer { rt.finish() }
        try rt.step()
        vt.type("s")
        try rt.step()
        #expect(vt.text().contains("[RO]"))
        #expect(vt.text().contains("key=s service=waiting sent=0"))
        vt.type("?")
        try rt.step()
        #expect(vt.text().contains("┌─ Help"))
        #expect(!vt.text().contains("Send test transaction"))
    }

    @Test func asciiMonochromeScreen() throws {
        let (rt, vt) = try start(
            size: Size(width: 60, height: 14), caps: Capabilities(colorDepth: .monochrome, unicode: false))
        defer { rt.finish() }
        try rt.step()
        let ascii = vt.text().unicodeScalars.allSatisfy { $0.isASCII }
        #expect(ascii)
        try Snapshot.check(StyleDump.dump(vt.screen), named: "ascii-monochrome-60x14", suite: "EngineDemo")
    }
}
