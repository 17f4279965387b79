import Foundation
import TestSupport

/// What the chain's getters say, read by the devnet's Python client (eth-abi decoding, not ours), in the
/// shape the cache stores: lowercase hex, decimal amounts.
struct GetterTruth: Decodable {
    struct Market: Decodable, Equatable {
        var verifier: String
        var proverImageId: String
        var ivsImageId: String
        var creator: String
        var slashingPenalty: String?
        var activationBlock: Int64?
    }
    struct Job: Decodable, Equatable {
        var marketId: Int64
        var state: Int64
        var reward: String
        var expiry: Int64
        var timeForProof: Int64
        var deadline: Int64
        var requester: String
        var prover: String?
    }
    struct Membership: Decodable, Equatable {
        var state: Int64
        var proofGenerationCost: String
        var proposedTime: Int64
        var activeRequests: Int64
    }
    struct Stake: Decodable, Equatable {
        var total: String
        var locked: String
    }
    var markets: [String: Market]
    var jobs: [String: Job]
    /// "market:prover" → membership (state 0 = none).
    var memberships: [String: Membership]
    /// "token:prover" → stake.
    var stake: [String: Stake]
    var claimable: [String: String]

    static let script = #"""
        import json, sys
        root, url, gen, pm, reg, staking, provers_arg, rewards_arg = sys.argv[1:9]
        sys.path.insert(0, root + "/devnet")
        from kalypso_devnet.rpc import Rpc, Contract
        def abi(p): return json.load(open(root + "/abi/" + p))
        def h(b): return "0x" + bytes(b).hex()
        def a(x): return x.lower()
        A = gen == "A"
        rpc = Rpc(url)
        m = Contract(rpc, pm, abi("v1-generator-registry/ProofMarketplace.json" if A else "ProofMarketplace.json"))
        r = Contract(rpc, reg, abi("v1-generator-registry/GeneratorRegistry.json" if A else "ProverManager.json"))
        s = None if A else Contract(rpc, staking, abi("NativeStaking.json"))
        provers = [p for p in provers_arg.split(",") if p]
        out = {"markets": {}, "jobs": {}, "memberships": {}, "stake": {}, "claimable": {}}
        markets = list(range(0 if A else 1, m.call("marketCounter")))
        for i in markets:
            d = m.call("marketData", i)
            if A:
                v, img, pen, act, ivs, cr, meta = d
                out["markets"][str(i)] = {"verifier": a(v), "proverImageId": h(img), "ivsImageId": h(ivs),
                    "creator": a(cr), "slashingPenalty": str(pen), "activationBlock": act}
            else:
                v, img, ivs, cr, meta = d
                out["markets"][str(i)] = {"verifier": a(v), "proverImageId": h(img), "ivsImageId": h(ivs),
                    "creator": a(cr), "slashingPenalty": None, "activationBlock": None}
        count = m.call("askCounter" if A else "bidCounter")
        for j in range(0, count):
            try:
                ask, state, requester, prover = m.call("listOfAsk" if A else "listOfBid", j)
            except Exception:
                continue
            if state == 0:
                continue
            zero = "0x" + "00" * 20
            out["jobs"][str(j)] = {"marketId": ask[0], "state": state, "reward": str(ask[1]), "expiry": ask[2],
                "timeForProof": ask[3], "deadline": ask[4], "requester": a(requester),
                "prover": None if a(prover) == zero else a(prover)}
        for i in markets:
            for p in provers:
                info = r.call("generatorInfoPerMarket" if A else "proverInfoPerMarket", p, i)
                if A:
                    st, cpr, cost, t, active = info
                else:
                    st, cpr, com, cost, t, active = info
                out["memberships"][f"{i}:{p.lower()}"] = {"state": st, "proofGenerationCost": str(cost),
                    "proposedTime": t, "activeRequests": active}
        if A:
            token = r.call("STAKING_TOKEN")
            for p in provers:
                g = r.call("generatorRegistry", p)
                out["stake"][f"{a(token)}:{p.lower()}"] = {"total": str(g[1]), "locked": str(g[4])}
        else:
            for token in s.call("getStakeTokenList"):
                for p in provers:
                    out["stake"][f"{a(token)}:{p.lower()}"] = {"total": str(s.call("getProverStakeAmount", token, p)),
                        "locked": str(s.call("getProverLockedAmount", token, p))}
        for addr in [x for x in rewards_arg.split(",") if x]:
            out["claimable"][addr.lower()] = str(m.call("claimableAmount" if A else "proverClaimableFeeReward", addr))
        print(json.dumps(out))
        """#

    static func read(
        rpc: String, generation: String, marketplace: String, registry: String, staking: String, provers: [String],
        rewardAddresses: [String]
    ) throws -> GetterTruth {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("sync-truth-\(UUID().uuidString).py")
            .path
        try script.write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        return try Python.json(
            GetterTruth.self, script: path,
            arguments: [
                RepoPaths.root, rpc, generation, marketplace, registry, staking, provers.joined(separator: ","),
                rewardAddresses.joined(separator: ","),
            ])
    }
}
