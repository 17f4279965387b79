import ArgumentParser
import BigInt
import Foundation
import KalypsoStore

/// `stake`: the operator's stake per token (from the getters), recent movements and earnings, from the cache.
struct StakeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stake", abstract: "Show stake per token, locks, recent stake events and earnings.")

    @OptionGroup var cacheOptions: CacheOptions

    @Option(help: "The prover address (default: the configured operator).")
    var prover: String?

    func run() async throws {
        let view = try await cacheOptions.open()
        guard let who = (prover ?? view.operatorAddress)?.lowercased() else {
            throw TxUsageError(message: "no prover: pass --prover or set operator in the configuration")
        }
        let balances = try view.cache.stakeBalances(network: view.network, prover: who)
        let events = try view.cache.stakeSeries(network: view.network, prover: who)
        let since = Int64(Date().timeIntervalSince1970) - 86_400
        // Earnings are credited to the prover's reward address (the registry's), not to the prover itself.
        let rewardAddress = try view.cache.rewardAddress(network: view.network, prover: who) ?? who
        let rewards = try view.cache.rewardBalances(network: view.network).filter { $0.address == rewardAddress }
        let earned = sumDecimal(
            try view.cache.earnings(network: view.network, address: rewardAddress, since: since).map(\.amount))
        if cacheOptions.json {
            let tokens: [[String: Any]] = balances.map { b in
                let total = BigUInt(b.total, radix: 10) ?? 0
                let locked = BigUInt(b.locked, radix: 10) ?? 0
                return [
                    "token": b.token, "total": b.total, "locked": b.locked,
                    "active": String(total > locked ? total - locked : 0), "refreshedBlock": b.refreshedBlock,
                ]
            }
            let recent: [[String: Any]] = events.suffix(50).map { e in
                var o: [String: Any] = [
                    "block": e.blockNumber, "time": e.timestamp, "token": e.token, "kind": e.kind.rawValue,
                    "amount": e.amount, "tx": e.txHash,
                ]
                o["jobId"] = e.jobId ?? NSNull()
                o["withdrawalIndex"] = e.withdrawalIndex ?? NSNull()
                return o
            }
            let claimable: [[String: Any]] = rewards.map { ["address": $0.address, "claimable": $0.claimable] }
            print(
                try TxJSON.text([
                    "data": view.freshness(), "prover": who, "rewardAddress": rewardAddress, "tokens": tokens,
                    "events": recent,
                    "claimable": claimable, "earnedLast24h": String(earned),
                ]))
            return
        }
        let tokens = await view.tokenInfo(balances.map(\.token) + [view.paymentToken].compactMap { $0 })
        print(view.freshnessLine)
        print(
            stakeSummary(
                prover: who, rewardAddress: rewardAddress, balances: balances, events: events.count,
                claimable: rewards.map(\.claimable), earned: String(earned), payment: view.paymentToken,
                tokens: tokens))
    }
}
