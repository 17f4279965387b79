import EthereumKit
import Foundation
import KalypsoKit
import KalypsoStore
import TestSupport
import Testing

/// The sync as separate processes do it: killed mid-range, and sharing a cache with a reader.
@Suite(.serialized) struct SyncProcessTests {
    static let devnet = SharedDevnet { try await DevnetNetwork.start(generation: "B", seed: true) }

    /// A copy of the network's config whose RPC is `rpc` (the slow proxy).
    static func config(_ net: DevnetNetwork, rpc: String) throws -> String {
        let data = try Data(contentsOf: URL(fileURLWithPath: net.configPath))
        guard var object = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw DevnetError("config is not an object")
        }
        object["rpcHttp"] = rpc
        let path = FileManager.default.temporaryDirectory.appendingPathComponent(
            "ks-sync-config-\(UUID().uuidString).json"
        ).path
        try JSONSerialization.data(withJSONObject: object).write(to: URL(fileURLWithPath: path))
        return path
    }

    static func databasePath() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent(
            "ks-sync-proc-\(getpid())-\(UUID().uuidString)/kalypso.sqlite"
        ).path
    }

    /// The last block the sync committed into `database`, if it has committed any.
    static func indexedBlock(_ database: String, _ net: DevnetNetwork) throws -> Int64? {
        guard FileManager.default.fileExists(atPath: database) else { return nil }
        let cache = ChainCache(database: try KalypsoDatabase(path: database))
        let key = try ChainSync.cacheKey(config: try SyncDevnet.config(net))
        guard let id = try cache.existingNetworkId(for: key) else { return nil }
        return try cache.progress(network: id).first?.lastBlock
    }

    @Test func killedMidRangeThenRestartedLeavesNoDuplicatesAndNoGaps() async throws {
        let net = try await Self.devnet.get()
        let proxy = try await DevnetFaultProxy.start(upstream: net.rpcURL)
        defer { proxy.stop() }
        // Slow, narrow ranges: a sync takes several seconds (about 40 ranges of 4 blocks, each answer 100 ms
        // late) and most of that time is inside a range.
        try await proxy.configure(["latency_ms": 100, "max_log_range": 4])
        let configPath = try Self.config(net, rpc: proxy.url)
        let database = Self.databasePath()
        let head = Int64(try await net.rpc.blockNumber())
        var killedMidway = 0
        for round in 0..<5 {
            let child = try BackgroundProcess(
                argv: [
                    RepoPaths.consoleBinary, "markets", "--refresh", "--json", "--config", configPath, "--database",
                    database,
                ],
                label: "sync-kill-\(round)")
            // Kill once the sync has committed a range (a loaded machine may take seconds to start the
            // process), a random moment later: inside a later range.
            let started = Date()
            while child.exited == nil, Date().timeIntervalSince(started) < 120,
                try Self.indexedBlock(database, net) == nil
            {
                try await Task.sleep(for: .milliseconds(50))
            }
            try await Task.sleep(for: .milliseconds(Int.random(in: 100...600)))
            if child.exited != nil { break }
            kill(child.pid, SIGKILL)
            _ = try await child.wait(for: "killed sync", timeout: 10) { child.exited }
            if let last = try Self.indexedBlock(database, net), last < head { killedMidway += 1 }
        }
        #expect(killedMidway >= 2, "the kills should land while the sync was still running")
        try await proxy.reset()
        let finish = try runProcess([
            RepoPaths.consoleBinary, "markets", "--refresh", "--json", "--config", configPath, "--database", database,
        ])
        #expect(finish.succeeded, "\(finish.output)")

        let cache = ChainCache(database: try KalypsoDatabase(path: database))
        let config = try SyncDevnet.config(net)
        let id = try #require(try cache.existingNetworkId(for: try ChainSync.cacheKey(config: config)))
        let (fresh, freshId, _) = try await SyncDevnet.syncFresh(config)
        // Same events (count and checksum), same jobs, same stake movements as a full re-index.
        #expect(try cache.eventDigest(network: id) == fresh.eventDigest(network: freshId))
        // (Which range last re-read a job differs with how the ranges fell; the rest must not.)
        let unstamped = { (jobs: [CachedJob]) in
            jobs.map { j -> CachedJob in
                var j = j; j.refreshedBlock = 0; return j
            }
        }
        #expect(unstamped(try cache.jobs(network: id)) == unstamped(try fresh.jobs(network: freshId)))
        #expect(try cache.marketProvers(network: id).count == fresh.marketProvers(network: freshId).count)
        let op = try #require(config.operatorAddress.map { Hex.encode($0.bytes) })
        #expect(try cache.stakeSeries(network: id, prover: op) == fresh.stakeSeries(network: freshId, prover: op))
        try SyncDevnet.expectCacheMatchesGetters(cache, network: id, config: config, net: net)
    }

    @Test func aSyncingProcessAndReadingProcessesShareTheCache() async throws {
        let net = try await Self.devnet.get()
        let config = try SyncDevnet.config(net)
        let database = Self.databasePath()
        let cache = ChainCache(database: try KalypsoDatabase(path: database))
        var options = SyncDevnet.quickOptions()
        options.follow = true
        options.pollInterval = .milliseconds(50)
        let sync = try ChainSync.make(config: config, cache: cache, options: options)
        let follower = Task { try await sync.run() }
        defer { follower.cancel() }
        // Wait for the first sync so readers have data.
        let id = try cache.networkId(for: sync.key)
        let start = Date()
        while (try cache.progress(network: id).first?.lastBlock ?? -1) < Int64(try await net.rpc.blockNumber()) {
            try await Task.sleep(for: .milliseconds(100))
            if Date().timeIntervalSince(start) > 120 { Issue.record("first sync did not finish"); return }
        }
        // New blocks keep the follower writing while other processes read (and one refreshes, a second writer).
        let miner = Task {
            while !Task.isCancelled {
                try? await net.rpc.mine()
                try? await Task.sleep(for: .milliseconds(30))
            }
        }
        defer { miner.cancel() }
        var runs = 0
        var failures: [String] = []
        let until = Date().addingTimeInterval(15)
        while Date() < until {
            let command = ["jobs", "markets", "stake", "markets --refresh"][runs % 4].split(separator: " ").map(
                String.init)
            let result = try runProcess(
                [RepoPaths.consoleBinary] + command + ["--json", "--config", net.configPath, "--database", database])
            runs += 1
            if !result.succeeded || result.output.lowercased().contains("database is locked") {
                failures.append("\(command): \(result.status) \(result.output.prefix(500))")
            }
        }
        miner.cancel()
        follower.cancel()
        #expect(runs >= 8)
        #expect(failures.isEmpty, "\(failures)")
        let before = try cache.progress(network: id).first?.lastBlock ?? 0
        #expect(before > 0)
    }
}
