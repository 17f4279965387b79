import ArgumentParser
import ConsoleApp
import Foundation
import KalypsoKit
import KalypsoStore
import TerminalKit
import TerminalKitTesting
import TestSupport

/// `kalypso-bench console`: bytes the real console writes to a pseudo-terminal (CursesTerminal,
/// TERM=xterm-256color, 120×40) per idle minute and per key on the Markets and Jobs screens, beside the
/// same frames written as naive full redraws; and process start → first full frame of the real binary.
///
/// Data: the `cache` bench's busy network (100,000 jobs, 10 markets, 50 provers) filled under the key of
/// the repository's devnet config, read by `LiveConsoleServices`. In process, the sync answers "caught
/// up" without a node (the cache is the data); the spawned binary gets an RPC URL that accepts
/// connections and never answers.
struct ConsoleBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "console",
        abstract: "Console bytes per idle minute and per key (Markets, Jobs at 120×40), and start → first frame.")

    @Option(help: "Jobs in the cache.") var jobs = 100_000
    @Option(help: "Process starts to time per side (median and min are reported).") var runs = 9
    @Option(help: "The devnet config whose addresses key the cache.") var devnetConfig = "kalypso-config.json"
    @Option(help: "The kalypso-console binary (release).") var console = ".build/release/kalypso-console"
    @Flag(help: "Only the bytes part (no process starts).") var bytesOnly = false

    static let size = Size(width: 120, height: 40)
    /// Moves the filler's deadlines (last one about 20 min before the head time) to an hour after it and later.
    static let dueShift: Int64 = 86_400 * 7 + 3_600

    func run() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("kalypso-bench-console-\(getpid())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let blackhole = try SilentListener()
        defer { blackhole.close() }
        let rpc = "http://127.0.0.1:\(blackhole.port)"
        // The devnet's contracts (Gen B) with the token and staking addresses removed: everything the
        // snapshot shows then comes from the cache. The full config is timed separately below.
        let cacheOnly = try Self.writeConfig(
            from: devnetConfig, to: folder.appendingPathComponent("cache-only.json").path, rpc: rpc,
            dropChainReads: true)
        let devnetLike = try Self.writeConfig(
            from: devnetConfig, to: folder.appendingPathComponent("devnet.json").path, rpc: rpc, dropChainReads: false)
        let config = try ConfigParser.parse(String(contentsOfFile: cacheOnly, encoding: .utf8), file: cacheOnly)
        let database = folder.appendingPathComponent("cache.sqlite").path
        let stamp = Int64(Date().timeIntervalSince1970)
        let fillStart = Date()
        try CacheBenchmark.fill(
            path: database, jobs: jobs, now: stamp, network: try ChainSync.cacheKey(config: config),
            dueShift: Self.dueShift)
        print(
            "filled \(database) with \(jobs) jobs in \(String(format: "%.1f", Date().timeIntervalSince(fillStart))) s")
        try measureBytes(config: config, database: database, stamp: stamp)
        if !bytesOnly {
            // The devnet config names more contracts (nativeStaking), so its cache key differs: its own file,
            // filled the same way, or its console would find an empty cache.
            let devnetDatabase = folder.appendingPathComponent("devnet.sqlite").path
            let devnetConfig = try ConfigParser.parse(
                String(contentsOfFile: devnetLike, encoding: .utf8), file: devnetLike)
            try CacheBenchmark.fill(
                path: devnetDatabase, jobs: jobs, now: stamp, network: try ChainSync.cacheKey(config: devnetConfig),
                dueShift: Self.dueShift)
            try measureStart(
                configs: [("cache-only config", cacheOnly, database), ("devnet config", devnetLike, devnetDatabase)])
        }
    }

    // MARK: - Bytes

    /// The console's services on the cache with a sync that reports "caught up" without a node.
    struct CacheServices: ConsoleServices {
        let live: LiveConsoleServices
        func loadSnapshot() async throws -> ConsoleSnapshot { try await live.loadSnapshot() }
        func sync() async throws -> ConsoleSyncProgress {
            ConsoleSyncProgress(fraction: 1, lastIndexed: nil, head: nil, caughtUp: true)
        }
        func review(_ write: ConsoleWrite) async throws -> ConsoleReview {
            throw ValidationError("the bench reviews no write (\(write.summary))")
        }
        func send(_ review: ConsoleReview) async throws -> String {
            throw ValidationError("the bench sends nothing (\(review.write.summary))")
        }
        func benchmark(marketId: Int64) async throws -> Int64 {
            throw ValidationError("the bench runs no enclave benchmark")
        }
        func probeOnboarding(_ inputs: OnboardingInputs) async throws -> ConsoleOnboarding {
            throw ValidationError("the bench probes no onboarding (no enclave)")
        }
        func runOnboardingStep(_ request: OnboardingStepRequest) async throws -> [String] {
            throw ValidationError("the bench runs no onboarding step (\(request.summary))")
        }
    }

    final class WallClock: @unchecked Sendable {
        private let lock = NSLock()
        private var value: Date
        init(_ d: Date) { value = d }
        var now: Date { lock.withLock { value } }
        func set(_ d: Date) { lock.withLock { value = d } }
        func advance(_ s: TimeInterval) { lock.withLock { value = value.addingTimeInterval(s) } }
    }

    /// One measured step: bytes, frames rendered, and what naive programs would have sent.
    struct Row {
        let name: String
        let bytes: Int
        let frames: Int
        /// Seconds of idle time measured (0 for a key).
        let seconds: Int
    }

    func measureBytes(config: KalypsoConfig, database: String, stamp: Int64) throws {
        let live = try LiveConsoleServices(
            config: config, databasePath: database, key: nil, operatorAddress: config.operatorAddress)
        let wall = WallClock(Date(timeIntervalSince1970: TimeInterval(stamp)))
        let state = ConsoleState(network: live.network, keys: try ConsoleKeys.table(readOnly: true), now: wall.now)
        let app = ConsoleApplication(state: state, services: CacheServices(live: live), clock: { wall.now })
        let pty = try PseudoTerminal(size: Self.size)
        var env = ProcessInfo.processInfo.environment
        env["NO_COLOR"] = nil
        let term = try CursesTerminal(
            CursesConfiguration(term: "xterm-256color", output: pty.output, input: pty.input, environment: env))
        defer {
            term.shutdown()
            pty.close()
        }
        let clock = ManualClock()
        let runtime = TerminalRuntime(app: app, terminal: term, clock: clock)
        let giveUp = Date().addingTimeInterval(120)
        while runtime.app.state.data == nil || runtime.app.state.sync.status == nil, Date() < giveUp {
            try runtime.step()
        }
        guard let data = runtime.app.state.data else {
            throw ValidationError(
                "the console did not load the cache: \(String(describing: runtime.app.state.loadError))")
        }
        try runtime.step()
        var mark = pty.settle()
        print("first frame with data: \(mark) bytes; our jobs in the snapshot: \(data.ourJobs.count)")

        // Every deadline is at least an hour after the cache's head time (`dueShift`), so at the head time no
        // deadline is near. The chain clock moves with the wall clock from the sync's `updatedAt` on.
        let open = data.ourJobs.filter { $0.outcome == nil && $0.deadline > 0 }.map(\.deadline).sorted()
        guard let earliest = open.first, earliest > stamp + 660 else {
            throw ValidationError("expected open jobs of ours due more than 11 minutes after the head time")
        }
        print(
            "open jobs of ours in the snapshot: \(open.count), the first due \(earliest - stamp) s after the head time")
        let now = Date(timeIntervalSince1970: TimeInterval(stamp))
        let near = Date(timeIntervalSince1970: TimeInterval(earliest - 570))
        let overdue = Date(timeIntervalSince1970: TimeInterval(earliest + 120))

        var rows: [Row] = []
        var fullRedraw: [String: Int] = [:]
        /// Moves the wall clock to `date` (its redraw is not counted), then idles 60 s stepping each second.
        func idle(_ name: String, at date: Date) throws {
            wall.set(date)
            clock.advance(by: .seconds(1))
            try runtime.step()
            mark = pty.settle()
            let frames = runtime.renderCount
            for _ in 0..<60 {
                clock.advance(by: .seconds(1))
                wall.advance(1)
                try runtime.step()
            }
            let now = pty.settle()
            rows.append(Row(name: name, bytes: now - mark, frames: runtime.renderCount - frames, seconds: 60))
            mark = now
        }
        func key(_ name: String, _ bytes: String) throws {
            let frames = runtime.renderCount
            pty.send(bytes)
            let until = Date().addingTimeInterval(10)
            while runtime.renderCount == frames, Date() < until { try runtime.step() }
            try runtime.step()
            let now = pty.settle()
            rows.append(Row(name: name, bytes: now - mark, frames: runtime.renderCount - frames, seconds: 0))
            mark = now
        }
        /// What a naive program sends for the screen as it is now: clear and redraw every cell.
        func naive(_ screen: String) {
            term.drawFullRedraw(runtime.renderFrame())
            let now = pty.settle()
            fullRedraw[screen] = now - mark
            mark = now
        }

        try idle("Markets: idle minute, no deadline near", at: now)
        try key("Markets: down arrow", "\u{1b}[B")
        try key("Markets: down arrow", "\u{1b}[B")
        try key("Markets: sort change (s)", "s")
        try key("Markets: open filter (/)", "/")
        try key("Markets: filter keystroke (a)", "a")
        try key("Markets: keep filter (Enter)", "\r")
        naive("Markets")
        try key("switch to Jobs (2)", "2")
        guard runtime.app.state.current == 1 else { throw ValidationError("the key 2 did not open the Jobs screen") }
        naive("Jobs")
        try idle("Jobs: idle minute, no deadline near", at: now.addingTimeInterval(120))
        try idle("Jobs: idle minute, a deadline 9.5 min away", at: near)
        try idle("Jobs: idle minute, a job of ours overdue", at: overdue)
        try key("Jobs: down arrow", "\u{1b}[B")
        try key("Jobs: down arrow", "\u{1b}[B")
        try key("Jobs: sort change (s)", "s")
        try key("Jobs: open filter (/)", "/")
        try key("Jobs: filter keystroke (1)", "1")
        try key("Jobs: keep filter (Enter)", "\r")
        try key("switch to Markets (1)", "1")

        print("bytes to the terminal, console at 120×40 (CursesTerminal on a pty, TERM=xterm-256color):")
        print(
            "  naive full redraw (clear + every cell): Markets \(fullRedraw["Markets"] ?? 0), Jobs \(fullRedraw["Jobs"] ?? 0)"
        )
        print(
            "  step                                              bytes renders  naive-per-render  ratio  naive-every-second  ratio"
        )
        for r in rows {
            let full = fullRedraw[r.name.hasPrefix("Jobs") || r.name.hasSuffix("(2)") ? "Jobs" : "Markets"] ?? 0
            let onChange = full * max(1, r.frames)
            let perSecond = r.seconds > 0 ? full * r.seconds : onChange
            func ratio(_ n: Int) -> String {
                r.bytes == 0 ? "∞" : String(format: "%.0f×", Double(n) / Double(r.bytes))
            }
            print(
                "  \(r.name.padding(toLength: 48, withPad: " ", startingAt: 0))\(String(format: "%7d  %6d  %15d  %5@  %18d  %5@", r.bytes, r.frames, onChange, ratio(onChange), perSecond, ratio(perSecond)))"
            )
        }
    }

    // MARK: - Process start

    func measureStart(configs: [(name: String, config: String, database: String)]) throws {
        guard FileManager.default.isExecutableFile(atPath: console) else {
            throw ValidationError("no console binary at \(console): swift build -c release --product kalypso-console")
        }
        var floor: [Double] = []
        _ = try CacheBenchmark.spawn([console, "--version"])
        for _ in 0..<runs { floor.append(try CacheBenchmark.spawn([console, "--version"]).ms) }
        print("process start → first full frame from the warm cache (\(runs) runs; RPC accepts and never answers):")
        print(
            String(
                format: "  %-34@ median %7.1f ms  min %7.1f ms", "kalypso-console --version (floor)",
                CacheBenchmark.median(floor), floor.min() ?? 0))
        for (name, path, database) in configs {
            var loading: [Double] = []
            var full: [Double] = []
            var missing = 0
            for _ in 0..<(runs + 1) {
                let t = try startToFrame(config: path, database: database)
                guard let f = t.full else {
                    missing += 1
                    continue
                }
                loading.append(t.loading ?? f)
                full.append(f)
            }
            // The first run warms the binary and the page cache.
            if !full.isEmpty {
                full.removeFirst()
                loading.removeFirst()
            }
            let m = CacheBenchmark.median(full)
            print(
                String(
                    format:
                        "  %-34@ median %7.1f ms  min %7.1f ms  (first frame, still loading: median %.1f ms)  ratio to floor %.1f×%@",
                    name, m, full.min() ?? 0, CacheBenchmark.median(loading),
                    m / max(0.001, CacheBenchmark.median(floor)),
                    missing > 0 ? "  — \(missing) runs drew no data frame within \(Int(Self.frameTimeout)) s" : ""))
        }
    }

    static let frameTimeout: Double = 10

    /// Spawns the console on a fresh pty and returns ms to the end of the first frame (header drawn) and of the
    /// first frame with the cache's markets (the last row, "market 10"), each taken at its last byte.
    func startToFrame(config: String, database: String) throws -> (loading: Double?, full: Double?) {
        let pty = try PseudoTerminal(size: Self.size, keepBytes: true)
        defer { pty.close() }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        for fd: Int32 in [0, 1, 2] { posix_spawn_file_actions_adddup2(&actions, pty.slave, fd) }
        let argv = [console, "--config", config, "--database", database, "--read-only"]
        let cArgs = argv.map { strdup($0) } + [nil]
        defer { cArgs.forEach { free($0) } }
        var env = ProcessInfo.processInfo.environment
        env["TERM"] = "xterm-256color"
        env["NO_COLOR"] = nil
        let cEnv = env.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { cEnv.forEach { free($0) } }
        var pid: pid_t = 0
        let start = DispatchTime.now().uptimeNanoseconds
        guard posix_spawn(&pid, console, &actions, nil, cArgs, cEnv) == 0 else {
            throw ValidationError("cannot start \(console)")
        }
        defer {
            kill(pid, SIGTERM)
            var status: Int32 = 0
            waitpid(pid, &status, 0)
        }
        func elapsed() -> Double { Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6 }
        let header = Array("Kalypso devnet".utf8), market = Array("market 10".utf8)
        var loading: Double?, full: Double?
        var count = 0, lastChange = 0.0
        while elapsed() < Self.frameTimeout * 1000 {
            let n = pty.byteCount
            if n != count {
                count = n
                lastChange = elapsed()
            } else if count > 0, elapsed() - lastChange > 50 {
                // Quiet for 50 ms: the frame that arrived is complete.
                let bytes = pty.bytes
                if loading == nil, Self.contains(bytes, header) { loading = lastChange }
                if Self.contains(bytes, market) {
                    full = lastChange
                    break
                }
            }
            usleep(500)
        }
        return (loading, full)
    }

    static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard haystack.count >= needle.count else { return false }
        for i in 0...(haystack.count - needle.count) where haystack[i] == needle[0] {
            if Array(haystack[i..<(i + needle.count)]) == needle { return true }
        }
        return false
    }

    /// Writes the devnet config with `rpc` as its only RPC URL, read-only; `dropChainReads` zeroes the token
    /// and staking addresses the snapshot would otherwise read from the chain.
    static func writeConfig(from source: String, to path: String, rpc: String, dropChainReads: Bool) throws -> String {
        guard
            var json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: source)))
                as? [String: Any]
        else { throw ValidationError("\(source): not a JSON object") }
        json["rpcHttp"] = rpc
        json["rpcWs"] = nil
        json["readOnly"] = true
        json["operatorKey"] = nil
        if dropChainReads {
            for k in ["payment_token", "staking_token", "nativeStaking"] {
                json[k] = "0x0000000000000000000000000000000000000000"
            }
        }
        try JSONSerialization.data(withJSONObject: json, options: [.prettyPrinted]).write(
            to: URL(fileURLWithPath: path))
        return path
    }
}
