import BigInt
import EthereumKit

/// A write the operator asked for: where it goes, what it carries, and how to describe it in words.
public struct TransactionRequest: Sendable, Hashable {
    public var from: Address
    public var to: Address?
    public var value: BigUInt
    public var data: [UInt8]
    public var description: CallDescription
    /// A fixed gas limit instead of the estimate (the listener's `force_transactions` fallback).
    public var gasLimit: BigUInt?

    public init(
        from: Address, to: Address?, value: BigUInt = 0, data: [UInt8] = [], description: CallDescription,
        gasLimit: BigUInt? = nil
    ) {
        self.from = from
        self.to = to
        self.value = value
        self.data = data
        self.description = description
        self.gasLimit = gasLimit
    }

    var call: CallRequest { CallRequest(from: from, to: to, value: value, data: data) }
}

/// A contract call in words, written by the code that builds it (it knows the units of each argument).
public struct CallDescription: Sendable, Hashable {
    /// One line for lists and the journal: "Stake 100 POND for 0x12…ab".
    public var summary: String
    /// The contract's role and address: "ProverManager 0x5FbD…0aa3".
    public var contract: String
    /// The function's signature: "stake(address,uint256)".
    public var function: String
    /// Each argument's name and value with its unit: ("amount", "100 POND").
    public var arguments: [Argument]

    public struct Argument: Sendable, Hashable {
        public var name: String
        public var value: String
        public init(name: String, value: String) {
            self.name = name
            self.value = value
        }
    }

    public init(summary: String, contract: String, function: String, arguments: [Argument] = []) {
        self.summary = summary
        self.contract = contract
        self.function = function
        self.arguments = arguments
    }
}

/// Everything the operator approves before a transaction is signed: the call in words and the most it can cost.
public struct TransactionReview: Sendable, Hashable {
    public var chainId: BigUInt
    public var from: Address
    public var to: Address?
    public var description: CallDescription
    public var value: BigUInt
    public var gasLimit: BigUInt
    public var fees: FeeQuote
    public var balance: BigUInt
    /// For a speed-up or cancel: the hash it replaces and the nonce it reuses.
    public var replacing: (hash: String, nonce: UInt64)?

    /// The most the fee can be: gas limit × max fee per gas.
    public var feeCeiling: BigUInt { gasLimit * fees.ceilingPerGas }
    /// Fee ceiling plus the value sent.
    public var totalCeiling: BigUInt { feeCeiling + value }

    /// The review as lines of text, for the headless prompt and the console's confirm screen.
    public var lines: [String] {
        var out = ["\(description.summary)"]
        out.append("  contract   \(description.contract)")
        out.append("  function   \(description.function)")
        for argument in description.arguments {
            out.append("    \(argument.name) = \(argument.value)")
        }
        out.append("  from       \(from.checksummed)")
        if value > 0 { out.append("  value      \(Units.formatEther(value)) ETH") }
        out.append("  gas limit  \(gasLimit)")
        switch fees {
        case .eip1559(let maxFee, let tip):
            out.append("  max fee    \(Units.formatGwei(maxFee)) gwei/gas (tip \(Units.formatGwei(tip)) gwei)")
        case .legacy(let price):
            out.append("  gas price  \(Units.formatGwei(price)) gwei/gas")
        }
        out.append("  fee at most \(Units.formatEther(feeCeiling)) ETH (balance \(Units.formatEther(balance)) ETH)")
        if let replacing {
            out.append("  replaces   \(replacing.hash) (nonce \(replacing.nonce))")
        }
        out.append("  chain id   \(chainId)")
        return out
    }

    public static func == (a: TransactionReview, b: TransactionReview) -> Bool {
        a.chainId == b.chainId && a.from == b.from && a.to == b.to && a.description == b.description
            && a.value == b.value && a.gasLimit == b.gasLimit && a.fees == b.fees && a.balance == b.balance
            && a.replacing?.hash == b.replacing?.hash && a.replacing?.nonce == b.replacing?.nonce
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(from)
        hasher.combine(gasLimit)
        hasher.combine(fees)
    }
}
