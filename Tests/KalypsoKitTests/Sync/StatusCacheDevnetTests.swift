import EthereumKit
import Foundation
import KalypsoKit
import KalypsoStore
import TestSupport
import Testing

extension SyncProcessTests {
    /// `status --json` from the cache (issue 10): stake, memberships and rewards are the cache's, equal to what
    /// `eth_call` getters say; `data` gives the cached block and its age; `sources` names where each part came
    /// from; without `--refresh` the block stays where the last sync left it, with it the block moves.
    @Test func statusReadsStakeMarketsAndRewardsFromTheCacheAndRefreshMovesTheBlock() async throws {
        let net = try await Self.devnet.get()
        let config = try SyncDevnet.config(net)
        // A prover of the scenario with memberships and stake, as the operator (read only: no key needed).
        let (scan, scanId, _) = try await SyncDevnet.syncFresh(config)
        let members = try scan.marketProvers(network: scanId).filter { $0.state != 0 }
        let staked = Set(try scan.stakeBalances(network: scanId).filter { $0.total != "0" }.map(\.prover))
        let counts = Dictionary(grouping: members.filter { staked.contains($0.prover) }, by: \.prover)
        let prover = try #require(counts.max { $0.value.count < $1.value.count }?.key)
        let data = try Data(contentsOf: URL(fileURLWithPath: net.configPath))
        var object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        object["operator"] = prover
        let configPath = FileManager.default.temporaryDirectory.appendingPathComponent(
            "ks-status-config-\(UUID().uuidString).json"
        ).path
        try JSONSerialization.data(withJSONObject: object).write(to: URL(fileURLWithPath: configPath))
        let database = Self.databasePath()

        func status(_ extra: [String]) throws -> [String: Any] {
            let r = try runProcess(
                [
                    RepoPaths.consoleBinary, "status", "--json", "--read-only", "--config", configPath, "--database",
                    database,
                ] + extra)
            #expect(r.succeeded, "\(r.output)")
            // stdout and stderr share the output; the one JSON object starts at the first "{".
            let start = try #require(r.output.firstIndex(of: "{"), "\(r.output)")
            return try #require(
                try JSONSerialization.jsonObject(with: Data(r.output[start...].utf8)) as? [String: Any])
        }

        // Nothing cached yet: every part read from the chain, and said so.
        let empty = try status([])
        #expect(empty["data"] is NSNull, "\(empty)")
        #expect((empty["sources"] as? [String: String])?["stake"] == "chain")

        // --refresh: synced to the head first; the cache's parts equal the getters.
        let head = Int64(try await net.rpc.blockNumber())
        let first = try status(["--refresh"])
        let firstData = try #require(first["data"] as? [String: Any], "\(first)")
        let firstBlock = try #require(Self.int(firstData["block"]))
        #expect(firstBlock >= head)
        #expect(Self.int(firstData["ageSeconds"]) != nil && firstData["syncedAt"] is String, "\(firstData)")
        let sources = try #require(first["sources"] as? [String: String])
        #expect(sources["stake"] == "cache" && sources["markets"] == "cache" && sources["rewards"] == "cache")
        #expect(sources["operator"] == "chain" && sources["onboarding"] == "chain+enclave")
        #expect(sources["enclave"] == "enclave")

        let rewardAddress = (first["rewardAddress"] as? String)?.lowercased()
        let hex = { (a: Address?) in a.map { Hex.encode($0.bytes) } ?? "" }
        let truth = try GetterTruth.read(
            rpc: net.rpcURL, generation: net.generation, marketplace: hex(config.contracts.proofMarketplace),
            registry: hex(config.contracts.generatorRegistry), staking: hex(config.contracts.nativeStaking),
            provers: [prover], rewardAddresses: rewardAddress.map { [$0] } ?? [])
        let stake = try #require(first["stake"] as? [[String: Any]])
        #expect(!stake.isEmpty)
        for s in stake {
            let token = (s["token"] as? String ?? "").lowercased()
            let t = truth.stake["\(token):\(prover)"]
            #expect(
                t?.total == s["staked"] as? String && t?.locked == s["locked"] as? String,
                "\(s) vs \(String(describing: t))")
        }
        let markets = try #require(first["markets"] as? [[String: Any]])
        let onChain = truth.memberships.filter { $0.value.state != 0 }
        #expect(
            Set(markets.compactMap { $0["market"] as? String })
                == Set(onChain.keys.map { String($0.split(separator: ":")[0]) }))
        for m in markets {
            let t = truth.memberships["\(m["market"] as? String ?? ""):\(prover)"]
            #expect(t?.proofGenerationCost == m["proofCost"] as? String, "\(m)")
            #expect(t.map { String($0.proposedTime) } == m["proposedTime"] as? String, "\(m)")
            #expect(t.map { String($0.activeRequests) } == m["activeRequests"] as? String, "\(m)")
        }
        for r in first["rewards"] as? [[String: Any]] ?? [] {
            let address = (r["rewardAddress"] as? String ?? "").lowercased()
            #expect(truth.claimable[address] == r["claimable"] as? String, "\(r)")
        }

        // New blocks: a plain status keeps the cached block (and says how old it is); --refresh moves it.
        for _ in 0..<3 { try await net.rpc.mine() }
        let stale = try status([])
        #expect(Self.int((stale["data"] as? [String: Any])?["block"]) == firstBlock, "\(stale)")
        #expect((stale["sources"] as? [String: String])?["stake"] == "cache")
        let moved = try status(["--refresh"])
        let movedBlock = try #require(Self.int((moved["data"] as? [String: Any])?["block"]))
        #expect(movedBlock >= firstBlock + 3)
    }

    /// A JSON number as Int64 (JSONSerialization hands out NSNumber).
    static func int(_ value: Any?) -> Int64? { (value as? NSNumber)?.int64Value }
}
