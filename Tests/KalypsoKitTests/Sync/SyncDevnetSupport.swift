import EthereumKit
import Foundation
import KalypsoKit
import KalypsoStore
import TestSupport
import Testing

/// Shared steps of the devnet sync tests.
enum SyncDevnet {
    static func config(_ net: DevnetNetwork, rpc: String? = nil) throws -> KalypsoConfig {
        var config = try ConfigLoader().load(flag: net.configPath, network: nil).config
        if let rpc, let url = EndpointURL(rpc, schemes: ["http", "https"]) { config.rpcHttp = [url] }
        return config
    }

    static func freshCache() throws -> ChainCache {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent(
            "ks-sync-\(getpid())-\(UUID().uuidString)/kalypso.sqlite"
        ).path
        return ChainCache(database: try KalypsoDatabase(path: path))
    }

    static func quickOptions() -> SyncOptions {
        var o = SyncOptions()
        o.retryDelay = .milliseconds(100)
        return o
    }

    /// Syncs a fresh cache to the head and returns it with its network id.
    static func syncFresh(_ config: KalypsoConfig, options: SyncOptions = quickOptions()) async throws
        -> (ChainCache, Int64, SyncStatus)
    {
        let cache = try freshCache()
        let sync = try ChainSync.make(config: config, cache: cache, options: options)
        let status = try await sync.run()
        return (cache, try cache.networkId(for: sync.key), status)
    }

    /// Walks every market, job, membership and stake value the getters report and compares the cache.
    static func expectCacheMatchesGetters(
        _ cache: ChainCache, network: Int64, config: KalypsoConfig, net: DevnetNetwork
    ) throws {
        let hex = { (a: Address?) in a.map { Hex.encode($0.bytes) } ?? "" }
        let memberships = try cache.marketProvers(network: network)
        var provers = Set(memberships.map(\.prover))
        if let op = config.operatorAddress { provers.insert(Hex.encode(op.bytes)) }
        for job in try cache.jobs(network: network) { if let p = job.prover { provers.insert(p) } }
        let rewardAddresses = try cache.rewardBalances(network: network).map(\.address)
        let truth = try GetterTruth.read(
            rpc: net.rpcURL, generation: net.generation, marketplace: hex(config.contracts.proofMarketplace),
            registry: hex(config.contracts.generatorRegistry), staking: hex(config.contracts.nativeStaking),
            provers: provers.sorted(), rewardAddresses: rewardAddresses)

        // The walk has something to walk: markets, jobs, memberships and stake.
        #expect(truth.markets.count >= 4)
        #expect(!truth.jobs.isEmpty)
        #expect(truth.memberships.values.contains { $0.state != 0 })
        #expect(!truth.stake.isEmpty)
        // Markets: same ids, same getter fields.
        let markets = try cache.marketsWithStatus(network: network, operator: nil).map(\.market)
        #expect(Set(markets.map { String($0.marketId) }) == Set(truth.markets.keys))
        for m in markets {
            let t = truth.markets[String(m.marketId)]
            let mine = GetterTruth.Market(
                verifier: m.verifier, proverImageId: m.proverImageId, ivsImageId: m.ivsImageId, creator: m.creator,
                slashingPenalty: m.slashingPenalty, activationBlock: m.activationBlock)
            #expect(mine == t, "market \(m.marketId)")
        }
        // Jobs: every job the chain has, none more, equal fields.
        let jobs = try cache.jobs(network: network)
        #expect(jobs.count == truth.jobs.count)
        #expect(Set(jobs.map { String($0.jobId) }) == Set(truth.jobs.keys))
        for j in jobs {
            let mine = GetterTruth.Job(
                marketId: j.marketId, state: j.state, reward: j.reward, expiry: j.expiry, timeForProof: j.timeForProof,
                deadline: j.deadline, requester: j.requester, prover: j.prover)
            #expect(mine == truth.jobs[String(j.jobId)], "job \(j.jobId)")
        }
        // Memberships: every (market, prover) pair the getters call a member is in the cache, and the
        // counts the market list shows are those members.
        let members = Dictionary(uniqueKeysWithValues: memberships.map { ("\($0.marketId):\($0.prover)", $0) })
        for (key, t) in truth.memberships {
            if t.state == 0 {
                #expect(members[key] == nil, "\(key) is not a member on chain")
            } else {
                let m = members[key]
                #expect(m?.state == t.state, "\(key)")
                #expect(m?.proofGenerationCost == t.proofGenerationCost, "\(key)")
                #expect(m?.proposedTime == t.proposedTime, "\(key)")
                #expect(m?.activeRequests == t.activeRequests, "\(key)")
            }
        }
        for m in markets {
            let onChain = truth.memberships.filter { $0.key.hasPrefix("\(m.marketId):") && $0.value.state != 0 }.count
            #expect(m.proverCount == Int64(onChain), "prover count of market \(m.marketId)")
            #expect(m.jobCount == Int64(truth.jobs.values.filter { $0.marketId == m.marketId }.count))
        }
        // Stake: every (token, prover) value the cache holds equals the getters.
        let balances = try cache.stakeBalances(network: network)
        #expect(!balances.isEmpty)
        for b in balances {
            let t = truth.stake["\(b.token):\(b.prover)"]
            #expect(t == GetterTruth.Stake(total: b.total, locked: b.locked), "stake \(b.token) of \(b.prover)")
        }
        // and every prover with stake on chain has its rows.
        for (key, t) in truth.stake where t.total != "0" {
            #expect(balances.contains { "\($0.token):\($0.prover)" == key }, "missing stake \(key)")
        }
        for r in try cache.rewardBalances(network: network) {
            #expect(truth.claimable[r.address] == r.claimable, "claimable of \(r.address)")
        }
    }
}
