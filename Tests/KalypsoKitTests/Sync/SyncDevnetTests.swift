import EthereumKit
import Foundation
import KalypsoKit
import KalypsoStore
import TestSupport
import Testing

@Suite(.serialized) struct SyncDevnetGenBTests {
    static let devnet = SharedDevnet { try await DevnetNetwork.start(generation: "B", seed: true) }

    @Test func syncedCacheAgreesWithEveryGetter() async throws {
        let net = try await Self.devnet.get()
        let config = try SyncDevnet.config(net)
        let (cache, network, status) = try await SyncDevnet.syncFresh(config)
        #expect(status.caughtUp)
        #expect(status.progress == 1)
        #expect(status.logsIndexed > 20, "the seeded scenario has history")
        let jobs = try cache.jobs(network: network)
        #expect(jobs.contains { $0.outcome == .proved })
        #expect(jobs.contains { $0.outcome == .notGenerated })
        try SyncDevnet.expectCacheMatchesGetters(cache, network: network, config: config, net: net)
    }

    @Test func aSecondRunResumesAndAddsNothingTwice() async throws {
        let net = try await Self.devnet.get()
        let config = try SyncDevnet.config(net)
        let (cache, network, _) = try await SyncDevnet.syncFresh(config)
        let before = try cache.eventDigest(network: network)
        try await net.rpc.mine()
        let again = try await ChainSync.make(config: config, cache: cache, options: SyncDevnet.quickOptions()).run()
        #expect(again.logsIndexed == 0)
        #expect(try cache.eventDigest(network: network) == before)
        #expect(try cache.progress(network: network).first?.lastBlock == Int64(try await net.rpc.blockNumber()))
    }

    @Test func narrowProvidersAreHandledByShrinkingTheRange() async throws {
        let net = try await Self.devnet.get()
        let (direct, directNetwork, _) = try await SyncDevnet.syncFresh(try SyncDevnet.config(net))
        let proxy = try await DevnetFaultProxy.start(upstream: net.rpcURL)
        defer { proxy.stop() }
        // Both provider limits at once, each worded as its provider words it.
        try await proxy.configure(["max_log_range": 7, "max_log_results": 5])
        var options = SyncDevnet.quickOptions()
        options.initialRange = 5_000
        let (cache, network, status) = try await SyncDevnet.syncFresh(
            try SyncDevnet.config(net, rpc: proxy.url), options: options)
        #expect(status.caughtUp)
        #expect(status.range <= 7)
        #expect(try cache.eventDigest(network: network) == direct.eventDigest(network: directNetwork))
        let stats = try await proxy.stats()
        #expect(stats.methods["eth_getLogs", default: 0] > 10)
    }

    @Test func aReorgIsDetectedAndRepaired() async throws {
        let net = try await Self.devnet.get()
        let config = try SyncDevnet.config(net)
        let (cache, network, _) = try await SyncDevnet.syncFresh(config)
        let snapshot = try await net.rpc.snapshot()
        // The old branch: our operator stakes (a Staked log the cache indexes), then a few blocks.
        try stake(net: net, amount: "12345")
        try await net.rpc.mine()
        let sync = try ChainSync.make(config: config, cache: cache, options: SyncDevnet.quickOptions())
        try await sync.run()
        let op = try #require(config.operatorAddress.map { Hex.encode($0.bytes) })
        #expect(try cache.stakeSeries(network: network, prover: op).map(\.amount).contains("12345"))
        let oldHead = try cache.progress(network: network).first

        // The new branch: same heights, other blocks (later timestamps), a different stake, longer.
        try await net.rpc.revert(to: snapshot)
        try await net.rpc.increaseTime(5)
        try stake(net: net, amount: "777")
        for _ in 0..<3 { try await net.rpc.mine() }
        let status = try await sync.run()
        #expect(status.reorgs == 1)
        let series = try cache.stakeSeries(network: network, prover: op).map(\.amount)
        #expect(!series.contains("12345"))
        #expect(series.contains("777"))
        let progress = try #require(try cache.progress(network: network).first)
        #expect(progress.lastHash != oldHead?.lastHash)
        // Same contents as indexing the new branch from scratch.
        let (fresh, freshNetwork, _) = try await SyncDevnet.syncFresh(config)
        #expect(try cache.eventDigest(network: network) == fresh.eventDigest(network: freshNetwork))
        try SyncDevnet.expectCacheMatchesGetters(cache, network: network, config: config, net: net)
    }

    /// Our operator stakes POND for itself (NativeStaking.stake checks only that the caller is the prover).
    func stake(net: DevnetNetwork, amount: String) throws {
        let script = FileManager.default.temporaryDirectory.appendingPathComponent("stake-\(UUID().uuidString).py").path
        try #"""
        import json, sys
        root, url, token, staking, amount = sys.argv[1:6]
        sys.path.insert(0, root + "/devnet")
        from kalypso_devnet.rpc import Rpc, Contract, dev_account
        from kalypso_devnet import constants as C
        rpc = Rpc(url)
        op = dev_account(C.OPERATOR)
        t = Contract(rpc, token, json.load(open(root + "/abi/ERC20.json")))
        s = Contract(rpc, staking, json.load(open(root + "/abi/NativeStaking.json")))
        t.transact(op, "approve", staking, int(amount))
        s.transact(op, "stake", token, op.address, int(amount))
        print("ok")
        """#.write(toFile: script, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: script) }
        _ = try Python.run(
            script: script,
            arguments: [
                RepoPaths.root, net.rpcURL, try net.contract("stakingToken"), try net.contract("nativeStaking"), amount,
            ])
    }
}

@Suite(.serialized) struct SyncDevnetGenATests {
    static let devnet = SharedDevnet { try await DevnetNetwork.start(generation: "A", seed: true) }

    @Test func syncedCacheAgreesWithEveryGetter() async throws {
        let net = try await Self.devnet.get()
        let config = try SyncDevnet.config(net)
        let (cache, network, status) = try await SyncDevnet.syncFresh(config)
        #expect(status.caughtUp)
        let jobs = try cache.jobs(network: network)
        #expect(!jobs.isEmpty)
        #expect(jobs.allSatisfy { $0.deadlineUnit == "block" })
        #expect(jobs.contains { $0.outcome == .proved })
        try SyncDevnet.expectCacheMatchesGetters(cache, network: network, config: config, net: net)
        // Gen A has no fee event: earnings come from proofs and the registry's reward details.
        let earned = try cache.rewardBalances(network: network)
        #expect(!earned.isEmpty)
    }
}
