import Basics
import BigInt
import EthereumKit
import Foundation
import KalypsoKit
import KalypsoStore

/// How the cache commands' human output says things: exact words operators read as facts. Addresses in
/// EIP-55 form and whole, ages as `9h 35m`, amounts in the token's own unit and symbol (or base units, said so).
enum HumanFormat {
    /// The EIP-55 form of a cached (lowercase) address; anything else unchanged.
    static func address(_ text: String) -> String { MonitorEvent.checksummed(text) }

    /// `1,000.5 POND`, or `1000500000 base units of 0xAbC…` (the whole address) when the token is unknown.
    static func amount(_ decimal: String, token: String?, tokens: [String: TokenInfo]) -> String {
        guard let token else { return "\(decimal) base units" }
        return MonitorUnits(tokens: tokens).amount(decimal, token: token.lowercased())
    }

    /// `in 9h 35m` / `9h 35m ago` from a difference in seconds.
    static func relative(_ seconds: Int64) -> String {
        seconds >= 0 ? "in \(HumanDuration.text(seconds))" : "\(HumanDuration.text(-seconds)) ago"
    }
}

extension CacheView {
    /// Symbols and decimals of `tokens` (lowercase hex → info): from the file beside the cache, else asked of
    /// the configured RPC once and kept there.
    func tokenInfo(_ tokens: [String]) async -> [String: TokenInfo] {
        let addresses = tokens.compactMap { try? Address($0) }
        guard let chainId = config.chainId, !addresses.isEmpty else { return [:] }
        let client =
            config.rpcHttp.isEmpty
            ? nil
            : JSONRPCClient(
                urls: config.rpcHttp.map(\.url),
                options: {
                    var o = JSONRPCClientOptions(expectedChainId: chainId)
                    o.totalTimeout = .seconds(10)
                    return o
                }())
        let found = await TokenDirectory(databasePath: cache.path, chainId: chainId).info(
            for: addresses, client: client)
        var out: [String: TokenInfo] = [:]
        for (a, i) in found { out[Hex.encode(a.bytes)] = i }
        return out
    }

    /// The payment token (rewards, bids), lowercase hex.
    var paymentToken: String? { config.contracts.paymentToken.map { Hex.encode($0.bytes) } }
}

/// Prints a table with each column as wide as its widest cell (nothing is cut), two spaces between columns.
func printTable(_ header: [String], _ rows: [[String]]) {
    var widths = header.map(\.count)
    for r in rows { for (i, c) in r.enumerated() where i < widths.count { widths[i] = max(widths[i], c.count) } }
    for r in [header] + rows {
        let cells = r.enumerated().map { i, c in i == r.count - 1 ? c : pad(c, widths[i] + 2) }
        print(cells.joined().trimmingCharacters(in: .whitespaces))
    }
}

/// `stake`'s human summary: per token total, locked and free in the token's unit, then rewards.
func stakeSummary(
    prover: String, rewardAddress: String, balances: [CachedStakeBalance], events: Int, claimable: [String],
    earned: String, payment: String?, tokens: [String: TokenInfo]
) -> String {
    var lines = ["Prover \(HumanFormat.address(prover))"]
    if rewardAddress != prover { lines.append("Rewards go to \(HumanFormat.address(rewardAddress))") }
    if balances.isEmpty { lines.append("No stake recorded.") }
    for b in balances {
        let total = BigUInt(b.total, radix: 10) ?? 0
        let locked = BigUInt(b.locked, radix: 10) ?? 0
        let show = { (v: BigUInt) in HumanFormat.amount(String(v), token: b.token, tokens: tokens) }
        let name = MonitorUnits(tokens: tokens).name(b.token)
        lines.append(
            "  \(name): total \(show(total)), locked \(show(locked)), free \(show(total > locked ? total - locked : 0))"
        )
    }
    let claim = claimable.first.map { HumanFormat.amount($0, token: payment, tokens: tokens) } ?? "nothing"
    lines.append("Claimable rewards: \(claim)")
    lines.append(
        "Stake events: \(events); earned in the last 24 h: \(HumanFormat.amount(earned, token: payment, tokens: tokens))"
    )
    return lines.joined(separator: "\n")
}
