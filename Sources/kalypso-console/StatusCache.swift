import BigInt
import EthereumKit
import Foundation
import KalypsoKit
import KalypsoStore

/// What `status` reads from the chain cache, and how old it is: the operator's stake per token, its market
/// memberships (terms, state) and what its reward address can claim.
///
/// The rest of `status` is live by nature and stays so: the registration, reward address, declared and
/// allocated compute and metadata (the cache does not hold them), the enclave keys on chain and every
/// onboarding step's probe (they decide what the next command sends), the enclave itself and the gas key's
/// balance. `sources` in the JSON says which part came from where. When the cache has nothing for the
/// network yet (and no `--refresh`), every part is read from the chain as before and `data` is null.
struct StatusCacheParts {
    let view: CacheView
    let stake: [CachedStakeBalance]
    let memberships: [CachedMarketProver]
    let rewards: [CachedRewardBalance]

    /// The cache's rows for `operatorAddress` (synced first with `refresh`); nil when it has none for this network.
    static func read(config: KalypsoConfig, path: String, refresh: Bool, operatorAddress: Address) async throws
        -> StatusCacheParts?
    {
        guard let view = try await CacheView.open(config: config, path: path, refresh: refresh) else { return nil }
        let me = Hex.encode(operatorAddress.bytes)
        return StatusCacheParts(
            view: view, stake: try view.cache.stakeBalances(network: view.network, prover: me),
            memberships: try view.cache.marketProvers(network: view.network).filter { $0.prover == me },
            rewards: try view.cache.rewardBalances(network: view.network))
    }

    /// `live` with its stake, memberships and claimable amounts replaced by the cache's. Token symbols and
    /// decimals, wallet balances, allowances, pending withdrawals and the enclave keys stay the chain's;
    /// Generation A's free stake too (it needs the intended utilisation, which the cache does not hold).
    func overlay(_ live: OperatorSnapshot) -> OperatorSnapshot {
        var out = live
        out.stakes = live.stakes.compactMap { position in
            guard let row = stake.first(where: { $0.token == Hex.encode(position.token.address.bytes) }) else {
                return nil
            }
            var p = position
            p.staked = BigUInt(row.total, radix: 10) ?? 0
            p.locked = BigUInt(row.locked, radix: 10) ?? 0
            if live.generation == .b { p.free = p.staked > p.locked ? p.staked - p.locked : 0 }
            return p
        }
        out.markets = live.markets.map { market in
            var m = market
            guard let row = memberships.first(where: { BigUInt(exactly: $0.marketId) == market.marketId }) else {
                m.state = .notJoined
                return m
            }
            m.state = UInt8(exactly: row.state).map { GenAOperator.state(BigUInt($0)) } ?? .other(UInt8.max)
            m.computePerRequest = BigUInt(row.computePerRequest, radix: 10) ?? 0
            m.proofCost = BigUInt(row.proofGenerationCost, radix: 10) ?? 0
            m.proposedTime = ChainTime(BigUInt(max(0, row.proposedTime)), market.proposedTime.unit)
            m.commission = row.commission.flatMap { BigUInt($0, radix: 10) }
            m.activeRequests = BigUInt(max(0, row.activeRequests))
            return m
        }
        out.rewards = live.rewards.compactMap { reward in
            guard let row = rewards.first(where: { $0.address == Hex.encode(reward.rewardAddress.bytes) }) else {
                return nil
            }
            var r = reward
            r.claimable = BigUInt(row.claimable, radix: 10) ?? 0
            return r
        }
        return out
    }

    /// Where each part of `status --json` came from: `cache` (as of `data.block`), `chain` (read now),
    /// `enclave` (asked now).
    static func sources(cached: Bool, generation: Generation) -> [String: String] {
        let c = cached ? "cache" : "chain"
        var s = [
            "operator": "chain", "stake": c, "markets": c, "markets.enclaveKey": "chain", "rewards": c,
            "enclave": "enclave", "onboarding": "chain+enclave",
        ]
        if generation == .a { s["stake.free"] = "chain" }
        return s
    }
}
