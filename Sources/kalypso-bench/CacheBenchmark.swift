import ArgumentParser
import Foundation
import KalypsoStore

/// `kalypso-bench cache`: process start → dashboard data from a warm cache of N jobs, beside a Python
/// `sqlite3` program running the same queries on the same file (Benchmarks/cache_reference.py).
struct CacheBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cache",
        abstract: "Dashboard reads from a warm cache (markets with counts, 50 jobs due soonest, stake, 24 h earnings).")

    @Option(help: "Jobs in the cache.") var jobs = 100_000
    @Option(help: "Process runs per side (the median is reported).") var runs = 21
    @Option(help: "Cache file (default: a fresh one in the temporary folder).") var database: String?
    @Option(help: "Python of the project venv.") var python = ".venv/bin/python"
    @Option(help: "The sqlite3 reference script.") var reference = "Benchmarks/cache_reference.py"
    /// Internal: run the dashboard queries once and print their summary (what each timed process does).
    @Flag(help: .hidden) var dashboardOnly = false
    @Option(help: .hidden) var now: Int64 = 0

    static let key = CacheNetworkKey(
        chainId: 31337, generation: "B", addresses: ["proofMarketplace": "0x00000000000000000000000000000000000000a1"])
    static let op = "0x70997970c51812dc3a010c7d01b50e0d17dc79c8"
    static let reward = "0x00000000000000000000000000000000000000e1"

    func run() throws {
        if dashboardOnly {
            print(try Self.dashboard(path: database ?? "", now: now))
            return
        }
        let path =
            database
            ?? FileManager.default.temporaryDirectory.appendingPathComponent("kalypso-bench-cache-\(getpid()).sqlite")
            .path
        let stamp = Int64(Date().timeIntervalSince1970)
        let fillStart = Date()
        try Self.fill(path: path, jobs: jobs, now: stamp)
        print("filled \(path) with \(jobs) jobs in \(String(format: "%.1f", Date().timeIntervalSince(fillStart))) s")
        let me = CommandLine.arguments[0]
        let swiftArgs = [me, "cache", "--dashboard-only", "--database", path, "--now", String(stamp)]
        let pythonArgs = [python, reference, path, Self.key.text, Self.op, String(stamp)]
        // Warm both (page cache, dyld/interpreter caches), and require the same answer.
        let swiftOut = try Self.spawn(swiftArgs).output
        let pythonOut = try Self.spawn(pythonArgs).output
        guard swiftOut == pythonOut else {
            throw ValidationError("the two programs disagree:\nswift:  \(swiftOut)\npython: \(pythonOut)")
        }
        print("both read: \(swiftOut.trimmingCharacters(in: .newlines))")
        var swiftTimes: [Double] = []
        var pythonTimes: [Double] = []
        for _ in 0..<runs {
            swiftTimes.append(try Self.spawn(swiftArgs).ms)
            pythonTimes.append(try Self.spawn(pythonArgs).ms)
        }
        // The same open + queries inside this process: what is left once the binary is loaded.
        var inProcess: [Double] = []
        for _ in 0..<runs {
            let start = DispatchTime.now().uptimeNanoseconds
            _ = try Self.dashboard(path: path, now: stamp)
            inProcess.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
        }
        let s = Self.median(swiftTimes)
        let p = Self.median(pythonTimes)
        print("process start → dashboard data, median of \(runs) (min):")
        print(String(format: "  swift  %7.1f ms (%.1f)", s, swiftTimes.min() ?? 0))
        print(String(format: "  python %7.1f ms (%.1f)", p, pythonTimes.min() ?? 0))
        print(String(format: "  ratio  %7.1f×", p / s))
        print(
            String(
                format: "open + queries inside one process (no process start): %.2f ms median", Self.median(inProcess)))
    }

    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        return sorted.isEmpty ? 0 : sorted[sorted.count / 2]
    }

    /// Runs `argv` with posix_spawn (Foundation's Process adds tens of milliseconds of its own on Linux),
    /// output to a file; returns the output and the wall time from spawn to exit.
    static func spawn(_ argv: [String]) throws -> (output: String, ms: Double) {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("kalypso-bench-out-\(getpid())").path
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, out, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        let cArgs = argv.map { strdup($0) } + [nil]
        defer { cArgs.forEach { free($0) } }
        var pid: pid_t = 0
        let start = DispatchTime.now().uptimeNanoseconds
        guard posix_spawn(&pid, argv[0], &actions, nil, cArgs, environ) == 0 else {
            throw ValidationError("cannot start \(argv[0])")
        }
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        let ms = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6
        guard status == 0 else { throw ValidationError("\(argv.joined(separator: " ")) exited with status \(status)") }
        return ((try? String(contentsOfFile: out, encoding: .utf8)) ?? "", ms)
    }

    /// The dashboard's reads, as the console's first screen makes them.
    static func dashboard(path: String, now: Int64) throws -> String {
        let cache = try ChainCache(readerPath: path)
        guard let n = try cache.existingNetworkId(for: key) else { throw ValidationError("no network in \(path)") }
        let markets = try cache.marketsWithStatus(network: n, operator: op)
        let due = try cache.jobsDueSoonest(network: n, limit: 50, openAt: JobClock(seconds: now, blocks: nil))
        let stake = try cache.stakeBalances(network: n, prover: op)
        let reward = try cache.rewardAddress(network: n, prover: op) ?? op
        let earned = try cache.earnings(network: n, address: reward, since: now - 86_400)
        // Exact sum of decimal strings without a big-integer type: the amounts here fit in UInt64.
        let sum = earned.reduce(UInt64(0)) { $0 + (UInt64($1.amount) ?? 0) }
        let counts = markets.map { "\($0.market.marketId):\($0.market.proverCount)/\($0.market.openJobCount)" }
        return "markets=\(counts.joined(separator: ",")) ours=\(markets.filter { $0.ours != nil }.count) "
            + "due=\(due.map { String($0.jobId) }.joined(separator: ",")) "
            + "stake=\(stake.map { "\($0.total)/\($0.locked)" }.joined(separator: ",")) earned=\(sum)/\(earned.count)"
    }

    /// A cache shaped like a busy network: 10 markets, 50 provers, `jobs` jobs (a fifth open), stake and
    /// reward history.
    /// - Parameter network: the cache's network key (the console bench fills the one of a real config).
    /// - Parameter dueShift: seconds added to every job's deadline (the console bench moves them all ahead).
    static func fill(path: String, jobs: Int, now: Int64, network: CacheNetworkKey = key, dueShift: Int64 = 0)
        throws
    {
        try? FileManager.default.removeItem(atPath: path)
        for suffix in ["-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        let cache = ChainCache(database: try KalypsoDatabase(path: path))
        let n = try cache.networkId(for: network)
        var rng = SplitMix(seed: 42)
        let provers = [op] + (1..<50).map { String(format: "0x%040x", 0xb000 + $0) }
        let progress = SyncProgress(
            contract: "proofMarketplace", startBlock: 1, lastBlock: 1, lastHash: "0x01", headBlock: 1, headTime: now,
            updatedAt: Double(now))
        var first = CacheRangeWrite(fromBlock: 1, toBlock: 1, progress: progress, confirmationsWindow: 128)
        for m in 1...10 {
            first.markets.append(
                CachedMarket(
                    marketId: Int64(m), verifier: String(format: "0x%040x", 0xd000 + m), proverImageId: "0x00",
                    ivsImageId: "0x00", creator: provers[1], metadata: "{\"zkAppName\":\"app\(m)\"}",
                    metadataIsJSON: true, isPrivate: m % 2 == 1, slashingPenalty: nil, activationBlock: nil,
                    createdBlock: 1))
            for (i, p) in provers.enumerated() where (i + m) % 3 == 0 || p == op && m <= 3 {
                first.marketProvers.append(
                    CachedMarketProver(
                        marketId: Int64(m), prover: p, state: 1, computePerRequest: "1", proofGenerationCost: "1000000",
                        proposedTime: 600, commission: "0", activeRequests: 0, joinedBlock: 1, refreshedBlock: 1))
            }
        }
        first.provers = [CachedProver(prover: op, rewardAddress: reward, refreshedBlock: 1)]
        first.stakeBalances = [
            CachedStakeBalance(
                token: "0x00000000000000000000000000000000000000c1", prover: op, total: "1000000000000000000000",
                locked: "300000000000000000000", refreshedBlock: 1),
            CachedStakeBalance(
                token: "0x00000000000000000000000000000000000000c2", prover: op, total: "5000000000000000000",
                locked: "0", refreshedBlock: 1),
        ]
        try cache.apply(first, network: n)
        let chunk = 10_000
        var block: Int64 = 2
        var id = 0
        while id < jobs {
            var w = CacheRangeWrite(
                fromBlock: block, toBlock: block + Int64(chunk), progress: progress, confirmationsWindow: 128)
            for _ in 0..<min(chunk, jobs - id) {
                let open = rng.next() % 5 == 0
                let assigned = rng.next() % 4 != 0
                let prover = assigned ? provers[Int(rng.next() % UInt64(provers.count))] : nil
                let created = block + Int64(id % chunk)
                let due = now - 86_400 * 7 + Int64(id) * 6 + Int64(rng.next() % 3600) + dueShift
                let outcome: CachedJob.Outcome? = open ? nil : (rng.next() % 10 == 0 ? .notGenerated : .proved)
                w.jobs.append(
                    CachedJob(
                        jobId: Int64(id), marketId: Int64(1 + rng.next() % 10), state: open ? 3 : 4,
                        reward: String(1_000_000 + rng.next() % 1_000_000), expiry: due + 600, timeForProof: 600,
                        deadline: assigned ? due : 0, deadlineUnit: "second", requester: provers[2], prover: prover,
                        hasPrivateInputs: false, outcome: outcome, createdBlock: created,
                        createdTx: String(format: "0x%064x", id), assignedBlock: assigned ? created + 1 : nil,
                        assignedTx: nil, outcomeBlock: outcome == nil ? nil : created + 2, outcomeTx: nil,
                        refreshedBlock: created + 2))
                if prover == op && outcome == .proved {
                    w.rewardEvents.append(
                        CachedRewardEvent(
                            blockNumber: created + 2, logIndex: 0, timestamp: due, address: reward, kind: .accrued,
                            amount: "1000000", jobId: Int64(id), txHash: String(format: "0x%064x", id)))
                }
                if id % 50 == 0 {
                    w.stakeEvents.append(
                        CachedStakeEvent(
                            blockNumber: created, logIndex: 1, timestamp: due,
                            token: "0x00000000000000000000000000000000000000c1",
                            prover: op, account: op, kind: id % 100 == 0 ? .locked : .unlocked,
                            amount: "100000000000000000000",
                            jobId: Int64(id), withdrawalIndex: nil, txHash: String(format: "0x%064x", id)))
                }
                id += 1
            }
            block += Int64(chunk) + 1
            w.toBlock = block - 1
            w.progress.lastBlock = block - 1
            try cache.apply(w, network: n)
        }
        try cache.pool.write { db in try db.execute(sql: "ANALYZE") }
    }
}

/// A small deterministic generator so every run fills the same cache.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9e37_79b9_7f4a_7c15
        var z = state
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }
}
