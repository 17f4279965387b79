import ArgumentParser
import BigInt
import Foundation
import KalypsoKit
import KalypsoStore

/// `stake`: without AMOUNT, the operator's stake per token (from the getters), recent movements and
/// earnings, from the cache; with AMOUNT, stakes it (approving the token first when the allowance is short).
struct StakeCommand: AsyncParsableCommand, OperatorOptionsCommand {
    static let configuration = CommandConfiguration(
        commandName: "stake",
        abstract: "Stake AMOUNT; without AMOUNT, show stake per token, locks, recent stake events and earnings.",
        discussion: """
            AMOUNT is in token units with decimals (100, 12.5) or in base units with a wei suffix (123wei). \
            Staking approves the token first when its allowance is short: two transactions, sent in order.
            """)

    @OptionGroup var cacheOptions: CacheOptions

    @Option(help: "The prover address to show (default: the configured operator).")
    var prover: String?

    @Argument(help: "How much to stake: token units (100, 12.5) or base units (123wei). Omit to show the stake.")
    var amount: String?

    @Option(help: "The token to stake (default: the staking token; Generation B: a supported token).")
    var token: String?

    func run() async throws {
        if let amount {
            try await stake(amount)
            return
        }
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

extension StakeCommand {
    /// Stakes `text` of the token: the approval when needed, then the stake, through the one send path.
    func stake(_ text: String) async throws {
        let options = cacheOptions.operatorOptions
        let input = try AmountInput(parsing: text, argument: "AMOUNT")
        let tokenAddress = try token.map { try parseAddress($0, argument: "--token") }
        let session = try await options.writeSession(action: "stake")
        let snapshot = try await session.api.snapshot(markets: [])
        let info: TokenInfo
        if let position = snapshot.stakes.first(where: { tokenAddress == nil || $0.token.address == tokenAddress }) {
            info = position.token
        } else if let tokenAddress {
            // Not a staked token: the API refuses it with the supported list; the decimals come from the token.
            info = try await session.token(tokenAddress)
        } else {
            throw OptionsError(
                title: "No staking token", detail: "the deployment lists no token to stake",
                hint: "Check the staking contracts in kalypso-config.json (`kalypso-console config check`).")
        }
        let units = try input.baseUnits(decimals: info.decimals)
        let requests = try await session.api.stake(units, token: tokenAddress)
        try await sendAndReport(
            requests, action: "stake", facts: [("Amount", info.format(units))], session: session, options: options)
    }
}
