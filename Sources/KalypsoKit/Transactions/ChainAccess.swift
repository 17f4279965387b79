import Basics
import BigInt
import EthereumKit

/// The fields of an `eth_call` / `eth_estimateGas` request.
public struct CallRequest: Sendable, Hashable {
    public var from: Address
    public var to: Address?
    public var value: BigUInt
    public var data: [UInt8]
    public var gas: BigUInt?

    public init(from: Address, to: Address?, value: BigUInt = 0, data: [UInt8] = [], gas: BigUInt? = nil) {
        self.from = from
        self.to = to
        self.value = value
        self.data = data
        self.gas = gas
    }
}

/// An `eth_feeHistory` answer: `baseFeePerGas` has one more entry than blocks (the next block's).
public struct FeeHistory: Sendable, Hashable {
    public var oldestBlock: UInt64
    public var baseFeePerGas: [BigUInt]
    /// Priority fees paid at the requested percentiles, one row per block.
    public var reward: [[BigUInt]]

    public init(oldestBlock: UInt64, baseFeePerGas: [BigUInt], reward: [[BigUInt]]) {
        self.oldestBlock = oldestBlock
        self.baseFeePerGas = baseFeePerGas
        self.reward = reward
    }
}

/// What a mined transaction's receipt says.
public struct TransactionReceipt: Sendable, Hashable {
    public var transactionHash: [UInt8]
    public var blockNumber: UInt64
    /// 1 success, 0 reverted.
    public var status: UInt8
    public var gasUsed: BigUInt
    public var effectiveGasPrice: BigUInt?

    public init(
        transactionHash: [UInt8], blockNumber: UInt64, status: UInt8, gasUsed: BigUInt, effectiveGasPrice: BigUInt?
    ) {
        self.transactionHash = transactionHash
        self.blockNumber = blockNumber
        self.status = status
        self.gasUsed = gasUsed
        self.effectiveGasPrice = effectiveGasPrice
    }
}

/// The chain, as the transaction pipeline needs it. One real implementation over the JSON-RPC client,
/// and a scripted double in the tests.
///
/// Implementations throw ``ChainAccessError`` for what a node answered (so the pipeline can tell a
/// revert from a nonce conflict or an unreachable node) and may throw any ``OperatorError`` otherwise.
public protocol ChainAccess: Sendable {
    func chainId() async throws -> BigUInt
    func blockNumber() async throws -> UInt64
    func balance(of address: Address, block: BlockTag) async throws -> BigUInt
    /// `eth_call`; a revert throws ``ChainAccessError`` of kind `.reverted` with its data.
    func call(_ request: CallRequest, block: BlockTag) async throws -> [UInt8]
    func estimateGas(_ request: CallRequest) async throws -> BigUInt
    func feeHistory(blockCount: Int, percentiles: [Double]) async throws -> FeeHistory
    func gasPrice() async throws -> BigUInt
    func transactionCount(of address: Address, block: BlockTag) async throws -> UInt64
    /// `eth_sendRawTransaction`; returns the hash the node computed.
    func sendRawTransaction(_ raw: [UInt8]) async throws -> [UInt8]
    func receipt(hash: [UInt8]) async throws -> TransactionReceipt?
    /// Whether the node knows the transaction at all (pending or mined).
    func transactionIsKnown(hash: [UInt8]) async throws -> Bool
}

/// What a node answered that the pipeline must tell apart.
public struct ChainAccessError: OperatorError, Hashable {
    public enum Kind: String, Sendable, Hashable {
        /// The call or estimate reverted; `revertData` holds the selector and arguments (empty for a bare revert).
        case reverted
        /// The nonce was already used (the transaction, or another with its nonce, is mined).
        case nonceTooLow
        /// The node already has this exact transaction.
        case alreadyKnown
        /// A transaction with this nonce is pending and the new fees are not high enough to replace it.
        case replacementUnderpriced
        case insufficientFunds
        /// The node refused the transaction for another reason (message kept).
        case rejected
        /// The node could not be reached or did not answer in time.
        case unreachable
    }

    public var kind: Kind
    public var message: String
    public var revertData: [UInt8]

    public init(_ kind: Kind, message: String, revertData: [UInt8] = []) {
        self.kind = kind
        self.message = message
        self.revertData = revertData
    }

    public var code: ErrorCode { ErrorCode("chain.\(kind.rawValue)") }
    public var title: String {
        switch kind {
        case .reverted: "The contract refused the call"
        case .nonceTooLow: "The nonce is already used"
        case .alreadyKnown: "The node already has this transaction"
        case .replacementUnderpriced: "The replacement's fees are too low"
        case .insufficientFunds: "Not enough ETH for gas and value"
        case .rejected: "The node refused the transaction"
        case .unreachable: "The chain cannot be reached"
        }
    }
    public var detail: String { message }
    public var hint: String {
        switch kind {
        case .unreachable: "Check the RPC URL and the network; the transaction journal keeps what was sent."
        case .insufficientFunds: "Fund the sending account and try again."
        default: ""
        }
    }
    public var isRetryable: Bool { kind == .unreachable }
    public var category: ErrorCategory {
        switch kind {
        case .unreachable: .unreachable
        case .reverted, .insufficientFunds, .replacementUnderpriced: .refused
        case .nonceTooLow, .alreadyKnown, .rejected: .refused
        }
    }
}
