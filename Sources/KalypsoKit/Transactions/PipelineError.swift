import Basics
import BigInt
import EthereumKit

/// Why the pipeline did not (or could not confirm that it did) make a write happen.
public struct PipelineError: OperatorError, Hashable {
    public enum Kind: Sendable, Hashable {
        /// Pre-flight: the balance does not cover value plus the fee ceiling (or the value alone).
        case insufficientBalance(needed: BigUInt, balance: BigUInt)
        /// `eth_call` or `eth_estimateGas` reverted: nothing was signed or sent.
        case simulationReverted(reason: String, errorName: String?)
        /// The fee ceiling is above the configured cap: nothing was signed or sent.
        case feeCapExceeded(ceiling: BigUInt, cap: BigUInt)
        /// The max fee per gas is above the configured per-gas cap: nothing was signed or sent.
        case feePerGasCapExceeded(perGas: BigUInt, cap: BigUInt)
        /// The operator said no at the review.
        case declined
        /// The node refused the signed transaction; it is marked dropped in the journal.
        case sendRejected(message: String)
        /// The node could not be reached for the send: the journal keeps the signed transaction and the
        /// next start sends it again.
        case sendUnconfirmed(hash: String, message: String)
        /// Mined with status 0: the nonce and the gas are spent, the action did not happen.
        case revertedOnChain(hash: String, block: UInt64, reason: String)
        /// Its nonce was used by a transaction this journal does not have (or it was given up).
        case dropped(hash: String)
        /// Still not mined when the wait ended; it stays in the journal.
        case stillPending(hash: String)
        /// Speed-up or cancel of a transaction that is already final.
        case notReplaceable(hash: String, state: String)
        /// The node's chain is not the one the journal row or the configuration names.
        case wrongChain(expected: BigUInt, found: BigUInt)
        /// The key given signs for another account than the transaction's sender.
        case wrongKey(expected: Address, found: Address)
        /// A bug: the pipeline reached a state it should not (the message says which).
        case internalInconsistency(String)
    }

    public var kind: Kind
    public init(_ kind: Kind) { self.kind = kind }

    public var code: ErrorCode {
        switch kind {
        case .insufficientBalance: .txInsufficientBalance
        case .simulationReverted: .txSimulationReverted
        case .feeCapExceeded, .feePerGasCapExceeded: .txFeeCapExceeded
        case .declined: .txDeclined
        case .sendRejected: .txSendRejected
        case .sendUnconfirmed: .txSendUnconfirmed
        case .revertedOnChain: .txRevertedOnChain
        case .dropped: .txDropped
        case .stillPending: .txStillPending
        case .notReplaceable: .txNotReplaceable
        case .wrongChain: .txWrongChain
        case .internalInconsistency: .txInternal
        case .wrongKey: .txWrongKey
        }
    }

    public var title: String {
        switch kind {
        case .insufficientBalance: "Not enough ETH for this transaction"
        case .simulationReverted(_, let name): "The contract would refuse this call" + (name.map { " (\($0))" } ?? "")
        case .feeCapExceeded: "The fee is above the configured cap"
        case .feePerGasCapExceeded: "The gas price is above the configured cap"
        case .declined: "Cancelled at the review; nothing was sent"
        case .sendRejected: "The node refused the transaction"
        case .sendUnconfirmed: "The send could not be confirmed"
        case .revertedOnChain: "The transaction was mined but reverted"
        case .dropped: "The transaction was dropped"
        case .stillPending: "The transaction is not mined yet"
        case .notReplaceable: "This transaction cannot be replaced"
        case .wrongChain: "The node is on another chain"
        case .internalInconsistency: "The transaction pipeline reached an unexpected state"
        case .wrongKey: "The key is for another account"
        }
    }

    public var detail: String {
        switch kind {
        case .insufficientBalance(let needed, let balance):
            "needs up to \(Units.formatEther(needed)) ETH (value plus fee ceiling), the account has \(Units.formatEther(balance)) ETH"
        case .simulationReverted(let reason, _):
            "eth_call reverted: \(reason); nothing was signed or sent"
        case .feeCapExceeded(let ceiling, let cap):
            "fee ceiling \(Units.formatEther(ceiling)) ETH is above the cap of \(Units.formatEther(cap)) ETH; nothing was signed or sent"
        case .feePerGasCapExceeded(let perGas, let cap):
            "max fee \(Units.formatGwei(perGas)) gwei per gas is above the cap of \(Units.formatGwei(cap)) gwei; nothing was signed or sent"
        case .declined: ""
        case .sendRejected(let message): "\(message); the journal marks it dropped and its nonce is free again"
        case .sendUnconfirmed(let hash, let message):
            "\(hash): \(message); it is in the journal and will be sent again at the next start"
        case .revertedOnChain(let hash, let block, let reason): "\(hash) in block \(block) has status 0: \(reason)"
        case .dropped(let hash): "\(hash): its nonce was used by another transaction, or no node kept it"
        case .stillPending(let hash): "\(hash) is still waiting to be mined"
        case .notReplaceable(let hash, let state): "\(hash) is \(state)"
        case .wrongChain(let expected, let found): "expected chain id \(expected), the node answers \(found)"
        case .internalInconsistency(let what): what
        case .wrongKey(let expected, let found):
            "the transaction is from \(expected.checksummed), the key signs for \(found.checksummed)"
        }
    }

    public var hint: String {
        switch kind {
        case .insufficientBalance: "Fund the account, or wait until fees are lower."
        case .simulationReverted: "Nothing was spent. Fix what the error names and try again."
        case .feeCapExceeded, .feePerGasCapExceeded:
            "Wait for lower fees, or raise the cap (kalypso-config.json fees, or --fee-cap) if this is expected."
        case .declined: ""
        case .sendRejected: "Check the message; `\(CommandHints.txList)` shows the journal."
        case .sendUnconfirmed: "Check the RPC URL; `\(CommandHints.txList)` shows the journal."
        case .revertedOnChain: "`\(CommandHints.txShow)` shows the receipt."
        case .dropped: "Nothing happened on chain; send the action again if it is still wanted."
        case .stillPending: "Wait, or `\(CommandHints.txSpeedUp)` to raise its fees."
        case .notReplaceable: "Only signed or sent transactions can be sped up or cancelled."
        case .wrongChain: "Point the configuration at the right RPC URL."
        case .wrongKey: "Use the key of the account that sent the transaction."
        case .internalInconsistency:
            "This is a bug in kalypso-console; `\(CommandHints.txList)` shows what the journal holds."
        }
    }

    public var isRetryable: Bool {
        switch kind {
        case .sendUnconfirmed, .stillPending: true
        default: false
        }
    }

    public var category: ErrorCategory {
        switch kind {
        case .insufficientBalance, .simulationReverted, .feeCapExceeded, .feePerGasCapExceeded, .declined,
            .sendRejected,
            .revertedOnChain, .dropped, .notReplaceable:
            .refused
        case .sendUnconfirmed, .stillPending: .unreachable
        case .wrongChain: .configuration
        case .internalInconsistency: .internal
        case .wrongKey: .configuration
        }
    }
}

extension ErrorCode {
    public static let txInsufficientBalance: ErrorCode = "tx.insufficientBalance"
    public static let txSimulationReverted: ErrorCode = "tx.simulationReverted"
    public static let txFeeCapExceeded: ErrorCode = "tx.feeCapExceeded"
    public static let txDeclined: ErrorCode = "tx.declined"
    public static let txSendRejected: ErrorCode = "tx.sendRejected"
    public static let txSendUnconfirmed: ErrorCode = "tx.sendUnconfirmed"
    public static let txRevertedOnChain: ErrorCode = "tx.revertedOnChain"
    public static let txDropped: ErrorCode = "tx.dropped"
    public static let txStillPending: ErrorCode = "tx.stillPending"
    public static let txNotReplaceable: ErrorCode = "tx.notReplaceable"
    public static let txWrongChain: ErrorCode = "tx.wrongChain"
    public static let txInternal: ErrorCode = "tx.internal"
    public static let txWrongKey: ErrorCode = "tx.wrongKey"
}
