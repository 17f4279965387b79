import CSystem
import Foundation

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Why a devnet could not be started or queried; the message names the step and the log to read.
public struct DevnetError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// A long-running child process of the test process (a devnet node, `devnet/up`, the fault proxy).
///
/// It is spawned with a clean signal mask (PLATFORM-NOTES gotcha 1) and its stdin is the read end of a
/// pipe whose write end only this process holds: when the test process exits for any reason (even
/// SIGKILL or a crash) the kernel closes it, the child's watchdog thread reads EOF and the child stops
/// itself. So no suite teardown is needed and no orphan survives a failed run; `stop()` ends it sooner.
public final class BackgroundProcess: @unchecked Sendable {
    /// The child's process id.
    public let pid: pid_t
    /// Where the child's stdout and stderr go.
    public let logPath: String
    private let lock = NSLock()
    private var watchdogFD: Int32
    private var exitStatus: Int32?

    /// Runs `module` of the devnet package with the project's venv Python from `devnet/`, under a
    /// watchdog that sends the child SIGTERM when our end of its stdin pipe closes.
    public static func python(module: String, arguments: [String], label: String) throws -> BackgroundProcess {
        guard FileManager.default.isExecutableFile(atPath: RepoPaths.python) else {
            throw DevnetError("no Python venv at \(RepoPaths.python): run scripts/setup.sh first")
        }
        // SIGTERM rather than exit: devnet/up stops its own children on SIGTERM.
        let watchdog = """
            import os, runpy, signal, sys, threading
            def _watch():
                try:
                    while os.read(0, 4096):
                        pass
                except OSError:
                    pass
                os.kill(os.getpid(), signal.SIGTERM)
            threading.Thread(target=_watch, daemon=True).start()
            module = sys.argv[1]
            sys.argv = [module] + sys.argv[2:]
            runpy.run_module(module, run_name="__main__", alter_sys=True)
            """
        return try BackgroundProcess(
            argv: [RepoPaths.python, "-c", watchdog, module] + arguments,
            workingDirectory: RepoPaths.path("devnet"),
            environment: ["PYTHONUNBUFFERED": "1"], label: label)
    }

    /// Spawns `argv` in the background; output goes to a fresh log file in the temporary directory.
    public init(
        argv: [String], workingDirectory: String? = nil, environment extra: [String: String] = [:],
        label: String
    ) throws {
        precondition(!argv.isEmpty)
        let dir = FileManager.default.temporaryDirectory.path
        logPath = "\(dir)/ks-\(label)-\(getpid())-\(UUID().uuidString.prefix(8)).log"

        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { throw DevnetError("pipe() failed: \(String(cString: strerror(errno)))") }
        // Our end must not leak into any other child, or that child would keep the devnet alive.
        _ = fcntl(fds[1], F_SETFD, FD_CLOEXEC)

        var fa = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&fa)
        defer { posix_spawn_file_actions_destroy(&fa) }
        posix_spawn_file_actions_adddup2(&fa, fds[0], 0)
        posix_spawn_file_actions_addopen(&fa, 1, logPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_adddup2(&fa, 1, 2)
        ks_spawn_file_actions_addclosefrom(&fa, 3)
        if let workingDirectory { ks_spawn_file_actions_addchdir(&fa, workingDirectory) }

        var attr = posix_spawnattr_t()
        posix_spawnattr_init(&attr)
        defer { posix_spawnattr_destroy(&attr) }
        var none = sigset_t()
        var all = sigset_t()
        sigemptyset(&none)
        sigfillset(&all)
        posix_spawnattr_setsigmask(&attr, &none)
        posix_spawnattr_setsigdefault(&attr, &all)
        posix_spawnattr_setflags(&attr, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        var env = ProcessInfo.processInfo.environment
        env["TMUX"] = nil
        for (key, value) in extra { env[key] = value }
        let cArgs = argv.map { strdup($0) } + [nil]
        let cEnv = env.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            cArgs.forEach { free($0) }
            cEnv.forEach { free($0) }
        }
        var pid: pid_t = 0
        let rc = posix_spawnp(&pid, argv[0], &fa, &attr, cArgs, cEnv)
        close(fds[0])
        guard rc == 0 else {
            close(fds[1])
            throw DevnetError("cannot start \(argv[0]): \(String(cString: strerror(rc)))")
        }
        self.pid = pid
        self.watchdogFD = fds[1]
    }

    deinit { stop() }

    /// The log so far (for failure messages).
    public var log: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

    /// The exit status if the child has ended (reaps it), nil while it runs.
    public var exited: Int32? {
        lock.lock()
        defer { lock.unlock() }
        if let exitStatus { return exitStatus }
        var status: Int32 = 0
        if waitpid(pid, &status, WNOHANG) == pid {
            exitStatus = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        }
        return exitStatus
    }

    /// Waits until `check` returns a value, the child exits, or `timeout` passes.
    public func wait<T>(
        for what: String, timeout: Double, poll: Double = 0.05, _ check: () throws -> T?
    ) async throws -> T {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if let value = try check() { return value }
            if let status = exited {
                throw DevnetError(
                    "\(what): the process exited with \(status) first; log \(logPath):\n\(log.suffix(3000))")
            }
            try await Task.sleep(nanoseconds: UInt64(poll * 1e9))
        }
        throw DevnetError("\(what): not ready after \(Int(timeout)) s; log \(logPath):\n\(log.suffix(3000))")
    }

    /// Ends the child: closes the watchdog pipe (the child stops itself), then SIGTERM, then SIGKILL.
    public func stop() {
        lock.lock()
        let fd = watchdogFD
        watchdogFD = -1
        let done = exitStatus != nil
        lock.unlock()
        if fd >= 0 { close(fd) }
        if done { return }
        for (signal, wait) in [(Int32(0), 5.0), (SIGTERM, 5.0), (SIGKILL, 5.0)] {
            if signal != 0 { kill(pid, signal) }
            let deadline = Date().addingTimeInterval(wait)
            while Date() < deadline {
                if exited != nil { return }
                usleep(20_000)
            }
        }
    }
}

/// One devnet JSON-RPC node alone (`python -m kalypso_devnet.node --port 0`): dev accounts with
/// 10 000 ETH, chain id 31337, automine, no contracts.
public final class DevnetNode: Sendable {
    /// `http://127.0.0.1:PORT`.
    public let url: String
    public let chainId: UInt64
    public let process: BackgroundProcess

    /// Starts a node on a free port; extra arguments go to the node (`--max-log-range 100`, `--block-time 1`).
    public static func start(arguments: [String] = []) async throws -> DevnetNode {
        let process = try BackgroundProcess.python(
            module: "kalypso_devnet.node", arguments: ["--port", "0"] + arguments, label: "node")
        let line = try await process.wait(for: "devnet node", timeout: 60) { () -> String? in
            let log = process.log
            guard let newline = log.firstIndex(of: "\n") else { return nil }
            return String(log[..<newline])
        }
        guard let range = line.range(of: #"https?://[^\s]+"#, options: .regularExpression) else {
            process.stop()
            throw DevnetError("the node's first line has no URL: \(line)")
        }
        var chainId: UInt64 = 31337
        if let id = line.range(of: #"chainId=\d+"#, options: .regularExpression) {
            chainId = UInt64(line[id].dropFirst("chainId=".count)) ?? chainId
        }
        return DevnetNode(url: String(line[range]), chainId: chainId, process: process)
    }

    init(url: String, chainId: UInt64, process: BackgroundProcess) {
        self.url = url
        self.chainId = chainId
        self.process = process
    }

    public var rpc: DevnetRPC { DevnetRPC(url: url) }

    public func stop() { process.stop() }
}

/// A full local Kalypso network (`devnet/up`): node, contracts of one generation, enclave simulator,
/// `kalypso-config.json`, optionally seeded with the scenario's history.
public final class DevnetNetwork: Sendable {
    /// The contract generation, "A" or "B".
    public let generation: String
    /// The node's JSON-RPC URL.
    public let rpcURL: String
    public let chainId: UInt64
    /// The `kalypso-config.json` that `devnet/up` wrote for this network.
    public let configPath: String
    /// Its folder (logs, `operator.key`, the ready file), private to this network.
    public let runDirectory: String
    /// Contract addresses by role (`proverManager`, `proofMarketplace`, `stakingToken`, …), EIP-55.
    public let contracts: [String: String]
    /// Market kinds by id (`"1": "private"`, …).
    public let markets: [String: String]
    /// The operator's address (dev account #1) and the file with its well-known test key.
    public let operatorAddress: String
    public let operatorKeyFile: String
    /// Enclave simulator URLs: `generatorClient`, `attestation`, `attestationVerifier`, `control`.
    public let enclaveURLs: [String: String]
    /// The whole ready summary `devnet/up` wrote (JSON), for what the fields above do not cover.
    public let readyJSON: Data
    public let process: BackgroundProcess

    /// Starts `devnet/up --generation G` in a fresh run folder and waits for its ready file.
    ///
    /// - Parameters:
    ///   - seed: play the scenario's seeded history (slower; off gives contracts and markets only).
    ///   - arguments: more flags for `devnet/up` (`--onboard`, `--live`, `--rounds 2`).
    public static func start(
        generation: String = "B", seed: Bool = true, arguments: [String] = []
    ) async throws -> DevnetNetwork {
        let runDirectory =
            FileManager.default.temporaryDirectory.path
            + "/ks-devnet-\(generation)-\(getpid())-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: runDirectory, withIntermediateDirectories: true)
        let ready = runDirectory + "/ready.json"
        let config = runDirectory + "/kalypso-config.json"
        var args = [
            "--generation", generation, "--ready-file", ready, "--run-dir", runDirectory, "--config", config,
        ]
        if !seed { args.append("--no-seed") }
        let process = try BackgroundProcess.python(
            module: "kalypso_devnet.up", arguments: args + arguments, label: "devnet-up-\(generation)")
        let data = try await process.wait(for: "devnet/up --generation \(generation)", timeout: 300, poll: 0.2) {
            FileManager.default.contents(atPath: ready)
        }
        do {
            return try DevnetNetwork(ready: data, configPath: config, runDirectory: runDirectory, process: process)
        } catch {
            process.stop()
            throw error
        }
    }

    init(ready data: Data, configPath: String, runDirectory: String, process: BackgroundProcess) throws {
        guard let info = try JSONSerialization.jsonObject(with: data) as? [String: Any],
            let generation = info["generation"] as? String, let rpc = info["rpcHttp"] as? String,
            let chainId = info["chainId"] as? Int, let contracts = info["contracts"] as? [String: String],
            let op = info["operator"] as? [String: Any], let address = op["address"] as? String,
            let keyFile = op["keyFile"] as? String
        else {
            throw DevnetError("devnet/up's ready file lacks expected fields: \(String(decoding: data, as: UTF8.self))")
        }
        self.generation = generation
        self.rpcURL = rpc
        self.chainId = UInt64(chainId)
        self.configPath = configPath
        self.runDirectory = runDirectory
        self.contracts = contracts
        self.markets = info["markets"] as? [String: String] ?? [:]
        self.operatorAddress = address
        self.operatorKeyFile = keyFile
        self.enclaveURLs = (info["enclave"] as? [String: Any])?.compactMapValues { $0 as? String } ?? [:]
        self.readyJSON = data
        self.process = process
    }

    /// A contract's address by role; a missing role is an error naming the roles there are.
    public func contract(_ role: String) throws -> String {
        guard let address = contracts[role] else {
            throw DevnetError("no contract \(role) in this devnet; it has \(contracts.keys.sorted())")
        }
        return address
    }

    public var rpc: DevnetRPC { DevnetRPC(url: rpcURL) }

    public func stop() { process.stop() }
}

/// Starts a devnet once, on first use, for every test of a suite, and hands the same one to all.
///
/// Keep one in a `static let` of the suite (`static let devnet = SharedDevnet { try await
/// DevnetNode.start() }`). A start that failed fails every test that asks, with the same message,
/// instead of starting again per test. The devnet ends with the test process (see ``BackgroundProcess``).
/// Tests that snapshot and revert the chain must not run in parallel: mark the suite `.serialized`.
public actor SharedDevnet<Value: Sendable> {
    private let start: @Sendable () async throws -> Value
    private var state: Task<Value, any Error>?

    public init(_ start: @escaping @Sendable () async throws -> Value) { self.start = start }

    /// The devnet, started by the first caller.
    public func get() async throws -> Value {
        if let state { return try await state.value }
        let task = Task { try await start() }
        state = task
        return try await task.value
    }
}

/// A small JSON-RPC client for test set-up (snapshots, time travel, funding): independent of the
/// client under test, so a bug there cannot hide in the fixtures.
public struct DevnetRPC: Sendable {
    public let url: String

    public init(url: String) { self.url = url }

    /// Calls `method` with `params` (JSON values: strings, numbers, booleans, arrays, dictionaries)
    /// and returns the `result` re-encoded as JSON text; a JSON-RPC error is thrown with its message.
    @discardableResult
    public func callJSON(_ method: String, _ params: [Any] = []) async throws -> String {
        guard let endpoint = URL(string: url) else { throw DevnetError("bad devnet URL \(url)") }
        var request = URLRequest(url: endpoint)
        request.httpMethod = "POST"
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.timeoutInterval = 60
        let body: [String: Any] = ["jsonrpc": "2.0", "id": 1, "method": method, "params": params]
        request.httpBody = try JSONSerialization.data(withJSONObject: body)
        let (data, _) = try await URLSession.shared.data(for: request)
        guard let reply = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw DevnetError("\(method): not a JSON-RPC answer: \(String(decoding: data, as: UTF8.self))")
        }
        if let error = reply["error"] {
            throw DevnetError("\(method) failed: \(error)")
        }
        let result = reply["result"] ?? NSNull()
        let text = try JSONSerialization.data(withJSONObject: [result], options: [.fragmentsAllowed])
        // Strip the one-element array wrapper used to serialise a fragment.
        return String(String(decoding: text, as: UTF8.self).dropFirst().dropLast())
    }

    /// The result as a string (hex quantities, hashes); an error if it is not one.
    public func callString(_ method: String, _ params: [Any] = []) async throws -> String {
        let json = try await callJSON(method, params)
        guard let value = try JSONSerialization.jsonObject(with: Data(json.utf8), options: .fragmentsAllowed) as? String
        else { throw DevnetError("\(method): expected a string result, got \(json)") }
        return value
    }

    /// `evm_snapshot`: an id to give `revert(to:)`.
    public func snapshot() async throws -> String { try await callString("evm_snapshot") }

    /// `evm_revert`: back to the snapshot (the snapshot is used up, as in ganache/hardhat).
    public func revert(to snapshot: String) async throws {
        let ok = try await callJSON("evm_revert", [snapshot])
        guard ok == "true" else { throw DevnetError("evm_revert(\(snapshot)) answered \(ok)") }
    }

    /// `evm_setAutomine`: off keeps sent transactions pending until `mine()`.
    public func setAutomine(_ on: Bool) async throws { try await callJSON("evm_setAutomine", [on]) }

    /// `evm_increaseTime`: the next block is at least `seconds` after the latest one.
    public func increaseTime(_ seconds: Int) async throws { try await callJSON("evm_increaseTime", [seconds]) }

    /// `evm_mine`: mines one block (with any pending transactions).
    public func mine() async throws { try await callJSON("evm_mine") }

    /// `dev_fund`: credits `wei` (decimal digits) to `address`.
    public func fund(_ address: String, wei: String) async throws {
        try await callJSON("dev_fund", [address, "0x" + hexOf(decimal: wei)])
    }

    /// `eth_blockNumber` as an integer.
    public func blockNumber() async throws -> UInt64 {
        let hex = try await callString("eth_blockNumber")
        guard let n = UInt64(hex.dropFirst(2), radix: 16) else { throw DevnetError("bad block number \(hex)") }
        return n
    }

    private func hexOf(decimal: String) -> String {
        // Decimal → hex without a big-integer dependency: repeated division of the digit string by 16.
        var digits = decimal.compactMap { $0.wholeNumberValue }
        var out = ""
        while !(digits.isEmpty || digits.allSatisfy { $0 == 0 }) {
            var rest: [Int] = []
            var carry = 0
            for d in digits {
                let cur = carry * 10 + d
                if !rest.isEmpty || cur / 16 > 0 { rest.append(cur / 16) }
                carry = cur % 16
            }
            out = String(carry, radix: 16) + out
            digits = rest
        }
        return out.isEmpty ? "0" : out
    }
}

/// The fault proxy (`devnet/kalypso_devnet/fault_proxy.py`) in front of a node: latency, 5xx, 429 with
/// Retry-After, malformed JSON, closed connections, no batches, eth_getLogs limits — per test.
public final class DevnetFaultProxy: Sendable {
    /// The proxy's JSON-RPC URL (`http://127.0.0.1:PORT`).
    public let url: String
    public let upstream: String
    public let process: BackgroundProcess

    /// Starts a proxy to `upstream`; extra flags (`--latency-ms 100`, `--batchless`) set its defaults.
    public static func start(upstream: String, arguments: [String] = []) async throws -> DevnetFaultProxy {
        let process = try BackgroundProcess.python(
            module: "kalypso_devnet.fault_proxy", arguments: ["--upstream", upstream, "--port", "0"] + arguments,
            label: "fault-proxy")
        let line = try await process.wait(for: "fault proxy", timeout: 30) { () -> String? in
            let log = process.log
            guard let newline = log.firstIndex(of: "\n") else { return nil }
            return String(log[..<newline])
        }
        guard let range = line.range(of: #"https?://[0-9.:]+"#, options: .regularExpression) else {
            process.stop()
            throw DevnetError("the fault proxy's first line has no URL: \(line)")
        }
        return DevnetFaultProxy(url: String(line[range]), upstream: upstream, process: process)
    }

    init(url: String, upstream: String, process: BackgroundProcess) {
        self.url = url
        self.upstream = upstream
        self.process = process
    }

    /// Standing behaviour: `["latency_ms": 100, "batchless": true, "max_log_range": 10, "max_log_results": 5]`.
    public func configure(_ settings: [String: Any]) async throws {
        try await control("config", settings)
    }

    /// One-shot faults for the next matching requests, e.g. `[["kind": "http429", "retry_after": 1]]`;
    /// kinds http500/http502/http503/http429/malformed/close/delay, optional "method" and "forward".
    public func queue(_ faults: [[String: Any]]) async throws {
        try await control("queue", ["faults": faults])
    }

    /// Back to the command-line defaults; queue and counters cleared.
    public func reset() async throws { try await control("reset", [:]) }

    /// Requests seen since the last reset: (requests, batches, faults applied, per-method counts).
    public func stats() async throws -> (requests: Int, batches: Int, faultsApplied: Int, methods: [String: Int]) {
        guard let endpoint = URL(string: url + "/_fault/stats") else { throw DevnetError("bad proxy URL \(url)") }
        let (data, _) = try await URLSession.shared.data(from: endpoint)
        guard let o = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw DevnetError("fault proxy stats are not an object")
        }
        return (
            o["requests"] as? Int ?? -1, o["batches"] as? Int ?? -1, o["faults_applied"] as? Int ?? -1,
            o["methods"] as? [String: Int] ?? [:]
        )
    }

    private func control(_ path: String, _ body: [String: Any]) async throws {
        guard let endpoint = URL(string: url + "/_fault/" + path) else { throw DevnetError("bad proxy URL \(url)") }
        var request = URLRequest(url: endpoint)
        request.httpMethod = "POST"
        request.httpBody = try JSONSerialization.data(withJSONObject: body)
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        let (data, response) = try await URLSession.shared.data(for: request)
        guard (response as? HTTPURLResponse)?.statusCode == 200 else {
            throw DevnetError("fault proxy /_fault/\(path) refused: \(String(decoding: data, as: UTF8.self))")
        }
    }

    public func stop() { process.stop() }
}

/// Runs blocking work (a child process, a Python script, a tmux wait, a long key derivation) on a thread of
/// its own instead of the Swift concurrency pool: on a 2-core machine two blocked pool threads stall every
/// other test's timers. The body runs only on that thread, so it need not be `Sendable`.
public func offThePool<T: Sendable>(_ body: @escaping () throws -> T) async throws -> T {
    let work = OneThreadHandoff(body)
    return try await withCheckedThrowingContinuation { continuation in
        let thread = Thread { continuation.resume(with: Result { try work.value() }) }
        thread.stackSize = 8 << 20
        thread.start()
    }
}

/// A value handed to one other thread and used only there.
private struct OneThreadHandoff<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}
