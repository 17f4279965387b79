import BigInt
import EthereumKit

/// The fees a transaction offers per unit of gas.
public enum FeeQuote: Sendable, Hashable {
    /// EIP-1559 (type 2): the sender pays `min(maxFeePerGas, baseFee + maxPriorityFeePerGas)`.
    case eip1559(maxFeePerGas: BigUInt, maxPriorityFeePerGas: BigUInt)
    /// Legacy (type 0, EIP-155), for chains without a base fee.
    case legacy(gasPrice: BigUInt)

    /// The most a unit of gas can cost.
    public var ceilingPerGas: BigUInt {
        switch self {
        case .eip1559(let maxFee, _): maxFee
        case .legacy(let price): price
        }
    }
}

/// How a chain prices gas, where it differs from Ethereum.
public enum FeeRules: String, Sendable, Hashable {
    /// Ethereum and most EVM chains: a priority fee buys inclusion.
    case standard
    /// Arbitrum: the sequencer orders first come, first served and ignores priority fees; transactions pay
    /// the base fee (spec §6.3), so the tip is zero and only the base fee needs headroom.
    case arbitrum

    /// Arbitrum One, Arbitrum Nova and Arbitrum Sepolia use Arbitrum's rules.
    public static func forChain(_ chainId: BigUInt) -> FeeRules {
        [42161, 42170, 421614].contains(chainId) ? .arbitrum : .standard
    }
}

/// The operator's choices for gas and fees; defaults follow what ethers v6 does for the SDK (spec §6.1).
public struct FeePolicy: Sendable, Hashable {
    public var rules: FeeRules
    /// Blocks of `eth_feeHistory` to look at.
    public var historyBlocks: Int = 10
    /// The percentile of the priority fees paid in those blocks to offer.
    public var rewardPercentile: Double = 50
    /// The tip when recent blocks paid none (empty blocks): ethers' default of 1 gwei.
    public var fallbackPriorityFee: BigUInt = 1_000_000_000
    /// `maxFeePerGas = baseFee × this + tip`: room for the base fee to rise while the transaction waits
    /// (12.5 % per full block on Ethereum, so 2× covers six full blocks in a row).
    public var baseFeeMultiplier: BigUInt = 2
    /// Percent added to `eth_estimateGas` (state can change between estimate and inclusion; on Arbitrum
    /// the L1 calldata part moves with L1 fees).
    public var gasMarginPercent: BigUInt = 20
    /// Refuse any transaction whose fee ceiling (gas limit × max fee per gas) is above this many wei.
    public var feeCap: BigUInt?
    /// Refuse any transaction offering more than this many wei per unit of gas (config `fees.maxFeePerGas`).
    public var feeCapPerGas: BigUInt?
    /// Blocks on top of the one that mined it before a transaction counts as confirmed (1 = mined).
    public var confirmations: UInt64 = 1
    /// Percent by which a replacement must raise every fee: geth's and most nodes' `txpool.pricebump`.
    public var replacementBumpPercent: BigUInt = 10

    public init(rules: FeeRules, feeCap: BigUInt? = nil, confirmations: UInt64 = 1) {
        self.rules = rules
        self.feeCap = feeCap
        self.confirmations = confirmations
    }

    /// The gas limit to sign for an estimate: the estimate plus the margin, rounded up.
    public func gasLimit(forEstimate estimate: BigUInt) -> BigUInt {
        ceilDiv(estimate * (100 + gasMarginPercent), 100)
    }

    /// Whether the chain has a base fee, from its fee history (pre-London and some L2s report zeros or none).
    public static func hasBaseFee(_ history: FeeHistory) -> Bool {
        history.baseFeePerGas.contains { $0 > 0 }
    }

    /// The EIP-1559 fees to offer, from a fee history of a chain with a base fee.
    public func quote(history: FeeHistory) -> FeeQuote {
        let nextBaseFee = history.baseFeePerGas.last ?? 0
        let tip: BigUInt
        switch rules {
        case .arbitrum:
            tip = 0
        case .standard:
            let paid = history.reward.compactMap(\.first).filter { $0 > 0 }.sorted()
            tip = paid.isEmpty ? fallbackPriorityFee : paid[paid.count / 2]
        }
        return .eip1559(maxFeePerGas: nextBaseFee * baseFeeMultiplier + tip, maxPriorityFeePerGas: tip)
    }

    /// The fees for a replacement of a transaction that offered `old`: every fee raised by at least
    /// `replacementBumpPercent` (rounded up, as nodes compare against `old × (100 + bump) / 100`), and
    /// never below what the market asks now.
    public func replacementQuote(old: FeeQuote, current: FeeQuote) -> FeeQuote {
        switch (old, current) {
        case (.legacy(let oldPrice), _):
            return .legacy(gasPrice: max(bump(oldPrice), current.ceilingPerGas))
        case (.eip1559(let oldMax, let oldTip), .eip1559(let curMax, let curTip)):
            let tip = max(bump(oldTip), curTip)
            return .eip1559(maxFeePerGas: max(bump(oldMax), curMax, tip), maxPriorityFeePerGas: tip)
        case (.eip1559(let oldMax, let oldTip), .legacy(let price)):
            let tip = bump(oldTip)
            return .eip1559(maxFeePerGas: max(bump(oldMax), price, tip), maxPriorityFeePerGas: tip)
        }
    }

    /// `value` raised by the replacement bump, rounded up.
    public func bump(_ value: BigUInt) -> BigUInt {
        ceilDiv(value * (100 + replacementBumpPercent), 100)
    }
}

func ceilDiv(_ a: BigUInt, _ b: BigUInt) -> BigUInt {
    (a + b - 1) / b
}
