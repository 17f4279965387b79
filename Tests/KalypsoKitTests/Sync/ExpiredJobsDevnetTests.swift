import Foundation
import KalypsoKit
import TestSupport
import Testing

extension SyncProcessTests {
    /// Bids the scenario's requester creates (unassigned, expiring 600 s later) and the chain's own
    /// `getBidState` of bids, through the devnet's Python helpers.
    static let bidsScript = #"""
        import json, sys
        root, ready, command, arg = sys.argv[1:5]
        sys.path.insert(0, root + "/devnet")
        from kalypso_devnet.deploy.common import Deployment
        from kalypso_devnet.scenario.gen_b import GenBScenario
        info = json.load(open(ready))
        s = GenBScenario(info["rpcHttp"], Deployment.from_json(info["deployment"]), seed=23)
        if command == "create":
            print(json.dumps(s.create_bids(int(arg))))
        else:
            print(json.dumps({i: s.pmp.call("getBidState", int(i)) for i in arg.split(",") if i}))
        """#

    static func bids(_ net: DevnetNetwork, _ command: String, _ arg: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("bids-\(UUID().uuidString).py").path
        try bidsScript.write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        return try Python.run(
            script: path, arguments: [RepoPaths.root, net.runDirectory + "/ready.json", command, arg])
    }

    /// `jobs` lists open jobs only: a bid nobody was assigned is listed until its expiry, then it is expired
    /// (the chain's `getBidState` says UNASSIGNED) and no longer listed; every job listed has the state the
    /// chain's `getBidState` gives at that block.
    @Test func jobsStopsListingAnAskOnceItExpiresUnassigned() async throws {
        let net = try await Self.devnet.get()
        let database = Self.databasePath()
        let created = try JSONDecoder().decode([Int64].self, from: Data(try Self.bids(net, "create", "2").utf8))
        #expect(created.count == 2)
        func jobs() throws -> [[String: Any]] {
            let r = try runProcess(
                [
                    RepoPaths.consoleBinary, "jobs", "--json", "--refresh", "--limit", "100000", "--config",
                    net.configPath, "--database", database,
                ])
            #expect(r.succeeded, "\(r.output)")
            let start = try #require(r.output.firstIndex(of: "{"), "\(r.output)")
            let object = try JSONSerialization.jsonObject(with: Data(r.output[start...].utf8)) as? [String: Any]
            return try #require(object?["jobs"] as? [[String: Any]], "\(r.output)")
        }
        func id(_ job: [String: Any]) -> Int64? { (job["id"] as? NSNumber)?.int64Value }
        func expectStatesAreTheChains(_ listed: [[String: Any]]) throws {
            let ids = listed.compactMap(id).map(String.init).joined(separator: ",")
            let chain = try JSONDecoder().decode(
                [String: Int64].self, from: Data(try Self.bids(net, "states", ids).utf8))
            for job in listed {
                let key = id(job).map(String.init) ?? "?"
                #expect(
                    (job["state"] as? NSNumber)?.int64Value == chain[key], "job \(key): \(job) vs \(chain[key] ?? -1)")
                #expect(chain[key] != 2, "job \(key) is expired on chain (UNASSIGNED) but listed as open")
            }
        }
        // `markets` counts the open jobs `jobs` lists (read from the cache `jobs` just refreshed).
        func expectMarketCountsAreTheListed(_ listed: [[String: Any]]) throws {
            let r = try runProcess(
                [RepoPaths.consoleBinary, "markets", "--json", "--config", net.configPath, "--database", database])
            #expect(r.succeeded, "\(r.output)")
            let start = try #require(r.output.firstIndex(of: "{"), "\(r.output)")
            let object = try JSONSerialization.jsonObject(with: Data(r.output[start...].utf8)) as? [String: Any]
            let markets = try #require(object?["markets"] as? [[String: Any]], "\(r.output)")
            #expect(!markets.isEmpty)
            for market in markets {
                let m = (market["id"] as? NSNumber)?.int64Value
                let listedHere = listed.filter { ($0["marketId"] as? NSNumber)?.int64Value == m }.count
                #expect((market["openJobs"] as? NSNumber)?.intValue == listedHere, "market \(market) vs \(listedHere)")
                // The devnet's metadata names each market by the SDK's zkAppName.
                #expect((market["name"] as? String)?.hasPrefix("devnet-") == true, "\(market)")
            }
        }

        // Before the expiry: listed, CREATED (1), unassigned.
        let before = try jobs()
        try expectMarketCountsAreTheListed(before)
        for bid in created {
            let job = before.first { id($0) == bid }
            #expect(job?["stateName"] as? String == "CREATED", "bid \(bid): \(String(describing: job))")
            #expect(job?["prover"] is NSNull)
        }
        try expectStatesAreTheChains(before)

        // Past the expiry (600 s) with no assignment: expired on chain, and not listed.
        try await net.rpc.increaseTime(700)
        try await net.rpc.mine()
        let after = try jobs()
        let stillListed = created.filter { bid in after.contains { id($0) == bid } }
        #expect(stillListed.isEmpty, "expired bids listed as open: \(stillListed)")
        try expectMarketCountsAreTheListed(after)
        let chain = try JSONDecoder().decode(
            [String: Int64].self,
            from: Data(try Self.bids(net, "states", created.map(String.init).joined(separator: ",")).utf8))
        #expect(created.allSatisfy { chain[String($0)] == 2 }, "\(chain)")
        try expectStatesAreTheChains(after)
    }
}
