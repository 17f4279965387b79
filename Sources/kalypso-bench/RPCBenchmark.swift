import ArgumentParser
import EthereumKit
import Foundation

/// `kalypso-bench rpc`: a dashboard refresh of 40 getter `eth_call`s against the devnet's Generation B
/// contracts, as one JSON-RPC batch vs one call at a time, directly and behind the fault proxy's latency.
struct RPCBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rpc",
        abstract: "Dashboard refresh (40 eth_calls): one batch vs one call at a time, direct and behind a delay.")

    @Option(help: "A devnet kalypso-config.json to read rpcHttp and addresses from; default: start devnet/up.")
    var config: String?

    @Option(help: "Refreshes per measurement.") var refreshes = 20

    @Option(help: "Latency the fault proxy adds to every request, in ms.") var latencyMs = 100

    @Option(help: "The repository root (for devnet/ and .venv/).") var repo = "."

    /// The other benchmarks are synchronous, so the root command is too: the async work runs on the
    /// cooperative pool while this thread keeps the main run loop turning (URLSession on Linux delivers
    /// through the main queue, so blocking this thread on a semaphore would deadlock).
    func run() throws {
        final class Outcome: @unchecked Sendable {
            let lock = NSLock()
            var finished = false
            var error: (any Error)?
            func finish(_ e: (any Error)?) {
                lock.lock()
                defer { lock.unlock() }
                error = e
                finished = true
            }
            var isFinished: Bool {
                lock.lock()
                defer { lock.unlock() }
                return finished
            }
        }
        let outcome = Outcome()
        let command = self
        Task.detached {
            do {
                try await command.runAsync()
                outcome.finish(nil)
            } catch { outcome.finish(error) }
        }
        while !outcome.isFinished { _ = RunLoop.main.run(mode: .default, before: Date().addingTimeInterval(0.05)) }
        if let error = outcome.error { throw error }
    }

    func runAsync() async throws {
        var children: [Process] = []
        defer {
            // Not waitUntilExit: it needs a run loop on this (pool) thread. devnet/up stops its own
            // children on SIGTERM within a few seconds.
            for child in children { kill(child.processIdentifier, SIGTERM) }
            let deadline = Date().addingTimeInterval(15)
            var running = children.map(\.processIdentifier)
            while !running.isEmpty, Date() < deadline {
                running.removeAll { kill($0, 0) != 0 }  // Foundation reaps them; gone means done
                usleep(50_000)
            }
            for pid in running { kill(pid, SIGKILL) }
        }
        let configPath: String
        if let config {
            configPath = config
        } else {
            let dir = NSTemporaryDirectory() + "kalypso-bench-rpc-\(getpid())"
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            let ready = dir + "/ready.json"
            configPath = dir + "/kalypso-config.json"
            say("starting devnet/up --generation B --no-seed …")
            let up = try spawn(
                [
                    repo + "/devnet/up", "--generation", "B", "--no-seed", "--ready-file", ready, "--run-dir", dir,
                    "--config", configPath,
                ], log: dir + "/up.log")
            children.append(up)
            try await waitFor(timeout: 300, process: up) { FileManager.default.fileExists(atPath: ready) }
        }
        let cfg = try Self.readConfig(configPath)
        guard let rpc = cfg["rpcHttp"] as? String else { throw ValidationError("\(configPath) has no rpcHttp") }
        let calls = try Self.dashboardCalls(cfg)

        let proxyLog = NSTemporaryDirectory() + "kalypso-bench-proxy-\(getpid()).log"
        let proxy = try spawn(
            [
                repo + "/.venv/bin/python", "-m", "kalypso_devnet.fault_proxy", "--upstream", rpc, "--port", "0",
                "--latency-ms", String(latencyMs),
            ], log: proxyLog, directory: repo + "/devnet")
        children.append(proxy)
        var proxyURL = ""
        try await waitFor(timeout: 30, process: proxy) {
            guard let text = try? String(contentsOfFile: proxyLog, encoding: .utf8),
                let range = text.range(of: #"http://[0-9.:]+"#, options: .regularExpression)
            else { return false }
            proxyURL = String(text[range])
            return true
        }

        say("\(calls.count) eth_calls per refresh, \(refreshes) refreshes per row (median and mean wall time)")
        say("endpoint                     mode          round trips/refresh   median ms   mean ms   ok/reverted")
        var medians: [String: Double] = [:]
        for (label, url) in [("devnet direct", rpc), ("devnet + \(latencyMs) ms delay", proxyURL)] {
            for batched in [true, false] {
                let r = try await measure(url: url, calls: calls, batched: batched)
                medians["\(label)|\(batched)"] = r.median
                say(
                    label.padding(toLength: 29, withPad: " ", startingAt: 0)
                        + (batched ? "one batch   " : "one by one  ")
                        + String(
                            format: "  %10.1f          %8.2f  %8.2f   %d/%d", r.roundTrips, r.median, r.mean, r.ok,
                            r.reverted))
            }
            if let b = medians["\(label)|true"], let s = medians["\(label)|false"] {
                say(String(format: "  → one batch is %.1f× faster (median) on %@", s / b, label))
            }
        }
    }

    struct Result {
        var roundTrips: Double
        var median: Double
        var mean: Double
        var ok: Int
        var reverted: Int
    }

    func measure(url: String, calls: [RPCCallRequest], batched: Bool) async throws -> Result {
        guard let transport = HTTPRPCTransport(url) else { throw ValidationError("bad URL \(url)") }
        let client = JSONRPCClient(transports: [transport], options: JSONRPCClientOptions(totalTimeout: .seconds(60)))
        _ = try await client.chainId()  // warm the connection
        var times: [Double] = []
        var ok = 0
        var reverted = 0
        let before = client.roundTrips
        for _ in 0..<refreshes {
            let start = ContinuousClock.now
            if batched {
                for r in try await client.calls(calls) {
                    if case .success = r { ok += 1 } else { reverted += 1 }
                }
            } else {
                for c in calls {
                    do {
                        _ = try await client.call(c)
                        ok += 1
                    } catch {
                        guard error.code == .rpcReverted else { throw error }
                        reverted += 1
                    }
                }
            }
            times.append((ContinuousClock.now - start).milliseconds)
        }
        times.sort()
        return Result(
            roundTrips: Double(client.roundTrips - before) / Double(refreshes), median: times[times.count / 2],
            mean: times.reduce(0, +) / Double(times.count), ok: ok / refreshes, reverted: reverted / refreshes)
    }

    static func readConfig(_ path: String) throws -> [String: Any] {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        guard let o = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw ValidationError("\(path) is not a JSON object")
        }
        return o
    }

    /// The getters a dashboard refresh reads (markets, our prover, stake, tokens): 40 calls.
    static func dashboardCalls(_ cfg: [String: Any]) throws -> [RPCCallRequest] {
        func address(_ key: String) throws -> Address {
            guard let s = cfg[key] as? String else { throw ValidationError("the config has no \(key)") }
            return try Address(s)
        }
        let marketplace = try address("proof_market_place")
        let proverManager = try address("generator_registry")
        let staking = try address("nativeStaking")
        let stakingManager = try address("stakingManager")
        let registry = try address("entity_registry")
        let stakeToken = try address("staking_token")
        let paymentToken = try address("payment_token")
        let op = try address("operator")
        func call(_ to: Address, _ signature: String, _ args: [ABIValue] = []) throws -> RPCCallRequest {
            let selector = Array(Keccak256.hash(utf8: signature).prefix(4))
            let types: [ABIType] = args.map { if case .address = $0 { return .address } else { return .uint(256) } }
            return RPCCallRequest(to: to, data: selector + (try ABI.encode(types, args)))
        }
        var out: [RPCCallRequest] = []
        for s in [
            "marketCounter()", "bidCounter()", "paused()", "marketCreationCost()", "treasury()", "paymentToken()",
        ] {
            out.append(try call(marketplace, s))
        }
        for m in 1...4 { out.append(try call(marketplace, "marketData(uint256)", [.uint(.init(m))])) }
        out.append(try call(marketplace, "proverClaimableFeeReward(address)", [.address(op)]))
        out.append(try call(marketplace, "transmitterClaimableFeeReward(address)", [.address(op)]))
        out.append(try call(proverManager, "proverRegistry(address)", [.address(op)]))
        out.append(try call(proverManager, "reduceComputeRequestTimestamp(address)", [.address(op)]))
        for m in 1...4 {
            out.append(try call(proverManager, "getProverState(address,uint256)", [.address(op), .uint(.init(m))]))
            out.append(
                try call(proverManager, "proverInfoPerMarket(address,uint256)", [.address(op), .uint(.init(m))]))
        }
        for s in ["getStakeTokenList()", "getStakeTokenWeights()", "withdrawalDuration()"] {
            out.append(try call(staking, s))
        }
        out.append(try call(staking, "amountToLock(address)", [.address(stakeToken)]))
        for s in [
            "getProverStakeAmount(address,address)", "getProverLockedAmount(address,address)",
            "getProverActiveStakeAmount(address,address)",
        ] {
            out.append(try call(staking, s, [.address(op), .address(stakeToken)]))
        }
        out.append(try call(stakeToken, "balanceOf(address)", [.address(op)]))
        out.append(try call(stakeToken, "allowance(address,address)", [.address(op), .address(staking)]))
        out.append(try call(stakeToken, "decimals()"))
        out.append(try call(stakeToken, "symbol()"))
        out.append(try call(paymentToken, "balanceOf(address)", [.address(op)]))
        out.append(try call(paymentToken, "decimals()"))
        for s in ["feeToken()", "symbioticStaking()", "proofMarketplace()"] { out.append(try call(stakingManager, s)) }
        for s in ["ATTESTATION_MAX_AGE()", "ATTESTATION_VERIFIER()"] { out.append(try call(registry, s)) }
        return out
    }

    func spawn(_ argv: [String], log: String, directory: String? = nil) throws -> Process {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: argv[0])
        p.arguments = Array(argv.dropFirst())
        if let directory { p.currentDirectoryURL = URL(fileURLWithPath: directory) }
        guard FileManager.default.createFile(atPath: log, contents: nil) else {
            throw ValidationError("cannot create \(log)")
        }
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        p.standardOutput = handle
        p.standardError = handle
        p.standardInput = FileHandle.nullDevice
        try p.run()
        return p
    }

    func waitFor(timeout: Double, process: Process, _ ready: () -> Bool) async throws {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if ready() { return }
            if !process.isRunning { throw ValidationError("\(process.executableURL?.path ?? "child") exited early") }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw ValidationError("\(process.executableURL?.path ?? "child") was not ready in \(Int(timeout)) s")
    }
}

extension Duration {
    fileprivate var milliseconds: Double {
        let (s, atto) = components
        return Double(s) * 1000 + Double(atto) / 1e15
    }
}

/// A line on stdout at once (progress of a long benchmark stays visible under `tee` or a timeout).
private func say(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}
