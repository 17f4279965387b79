import Basics
import BigInt
import EthereumKit
import KalypsoKit
import KalypsoStore

/// The chain details a snapshot takes from the cache (token symbols and decimals, the staking pool's terms),
/// and what it still lacks, in words: those are being read in the background, and until they come amounts
/// are shown in base units and the staking terms are said to be loading.
struct ChainDetails {
    /// Tokens the token directory beside the cache knows.
    var known: [Address: TokenInfo]
    /// The staking pool's terms the cache keeps (Generation B).
    var terms: CachedStakeTerms
    /// What is still being read, in words ("the payment token's symbol").
    var loading: [String] = []

    /// The unit for amounts of the token at `address`: its symbol when known; base units, said so, when the
    /// configuration names no token or its symbol is still being read.
    mutating func token(_ address: Address?, role: String) -> ConsoleToken {
        guard let address, address != .zero else {
            return ConsoleToken(symbol: "base units of the \(role)", decimals: 0)
        }
        if let t = known[address] { return ConsoleToken(symbol: t.symbol, decimals: t.decimals) }
        loading.append("the \(role)'s symbol")
        return ConsoleToken(symbol: "base units", decimals: 0)
    }

    /// Generation B: each stake token of ours (base units until its symbol is read), its lock per job and the
    /// withdrawal wait (spec §3.3) as the cache has them. `failure` is why the last read failed.
    mutating func addStakeTerms(
        to insights: inout InsightsData, balances: [CachedStakeBalance], pool: Address?, failure: String?
    ) {
        var symbolsMissing = false
        for token in Set(balances.map(\.token) + insights.stakeEvents.map(\.token)) {
            guard let address = try? Address(token) else { continue }
            if let t = known[address] {
                insights.stakeTokens[token] = t
            } else {
                insights.stakeTokens[token] = TokenInfo(address: address, symbol: "base units", decimals: 0)
                symbolsMissing = true
            }
        }
        if symbolsMissing { loading.append("the stake tokens' symbols") }
        guard let pool, pool != .zero else {
            insights.problem = "the configuration names no nativeStaking contract: no lock per job or withdrawal wait"
            return
        }
        for (token, amount) in terms.amountToLock {
            if let v = BigUInt(amount, radix: 10) { insights.amountToLock[token] = v }
        }
        if let d = terms.withdrawalDuration, let v = BigUInt(d, radix: 10) { insights.withdrawalDuration = .seconds(v) }
        guard terms.readAt == nil else { return }
        loading.append("the staking pool's terms")
        insights.problem =
            failure.map { "reading the staking pool's terms failed: \($0) (retrying)" }
            ?? "the staking pool's terms (lock per job, withdrawal wait) are being read from the chain"
    }
}

/// Tokens that answered the chain-details read with an error or without a symbol and decimals: their amounts
/// stay in base units.
public struct ChainDetailsRefusal: OperatorError {
    public let tokens: [Address]
    public var code: ErrorCode { "console.tokenUnanswered" }
    public var title: String {
        "\(tokens.map(\.checksummed).joined(separator: ", ")) did not answer symbol()/decimals()"
    }
    public var detail: String {
        "amounts in \(tokens.count == 1 ? "this token" : "these tokens") are shown in base units"
    }
    public var hint: String { "Check the token addresses in kalypso-config.json (payment_token, staking_token)." }
    public var category: ErrorCategory { .configuration }
}
