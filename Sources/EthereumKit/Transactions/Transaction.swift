import Basics
import BigInt

/// Why a transaction could not be built.
public struct TransactionError: OperatorError, Equatable {
    public let code: ErrorCode

    /// A nonce of 2^64-1 or more: EIP-2681 caps account nonces below 2^64-1, so nodes (geth's
    /// `ErrNonceMax`) refuse such a transaction, and signing it would only produce a rejected send.
    public static let nonceTooLarge = Self(code: .transactionNonceTooLarge)

    public var title: String { "Cannot build the transaction" }
    public var detail: String { "the nonce is 2^64-1 or more, which no account can reach (EIP-2681)" }
    public var hint: String {
        "Take the nonce from the node (eth_getTransactionCount with \"pending\") rather than typing it."
    }
    public var category: ErrorCategory { .usage }

    /// The largest nonce a transaction may carry (EIP-2681: the account nonce after it must fit 64 bits).
    public static let maxNonce = UInt64.max - 1

    static func check(nonce: UInt64) throws(TransactionError) {
        if nonce > maxNonce { throw .nonceTooLarge }
    }
}

/// One entry of an EIP-2930 access list: an address and storage slots the transaction will touch.
public struct AccessListEntry: Hashable, Sendable {
    public var address: Address
    /// 32-byte storage keys.
    public var storageKeys: [[UInt8]]

    public init(address: Address, storageKeys: [[UInt8]] = []) {
        self.address = address
        self.storageKeys = storageKeys
    }

    var rlp: RLPItem { .list([.bytes(address.bytes), .list(storageKeys.map { .bytes($0) })]) }
}

/// The fields every transaction kind has, so `UnsignedTransaction` can read them without a switch each.
protocol TransactionFields: Hashable, Sendable {
    /// The chain id the signature binds to; nil for a legacy transaction without EIP-155.
    var protectedChainId: BigUInt? { get }
    var nonce: UInt64 { get }
    var gasLimit: BigUInt { get }
    var to: Address? { get }
    var value: BigUInt { get }
    var data: [UInt8] { get }
    var signingHash: [UInt8] { get }
}

/// A pre-EIP-2718 transaction, signed with EIP-155 replay protection when `chainId` is set.
public struct LegacyTransaction: Hashable, Sendable {
    /// At most `TransactionError.maxNonce` (EIP-2681); checked when the transaction is built.
    public private(set) var nonce: UInt64
    public var gasPrice: BigUInt
    public var gasLimit: BigUInt
    /// nil creates a contract.
    public var to: Address?
    public var value: BigUInt
    public var data: [UInt8]
    /// nil signs without replay protection (v = 27/28); only for chains that still require it.
    public var chainId: BigUInt?

    public init(
        nonce: UInt64, gasPrice: BigUInt, gasLimit: BigUInt, to: Address?, value: BigUInt = 0, data: [UInt8] = [],
        chainId: BigUInt?
    ) throws(TransactionError) {
        try TransactionError.check(nonce: nonce)
        self.nonce = nonce
        self.gasPrice = gasPrice
        self.gasLimit = gasLimit
        self.to = to
        self.value = value
        self.data = data
        self.chainId = chainId
    }

    var fields: [RLPItem] {
        [.uint(nonce), .uint(gasPrice), .uint(gasLimit), .bytes(to?.bytes ?? []), .uint(value), .bytes(data)]
    }

    /// rlp([nonce, gasPrice, gas, to, value, data, chainId, 0, 0]) (EIP-155) or the first six fields alone.
    public var signingPayload: [UInt8] {
        if let chainId { return RLP.encode(.list(fields + [.uint(chainId), .bytes([]), .bytes([])])) }
        return RLP.encode(.list(fields))
    }

    public var signingHash: [UInt8] { Keccak256.hash(signingPayload) }
}

/// An EIP-2930 (type 1) transaction: legacy gas pricing plus an access list.
public struct AccessListTransaction: Hashable, Sendable {
    public var chainId: BigUInt
    /// At most `TransactionError.maxNonce` (EIP-2681); checked when the transaction is built.
    public private(set) var nonce: UInt64
    public var gasPrice: BigUInt
    public var gasLimit: BigUInt
    public var to: Address?
    public var value: BigUInt
    public var data: [UInt8]
    public var accessList: [AccessListEntry]

    public init(
        chainId: BigUInt, nonce: UInt64, gasPrice: BigUInt, gasLimit: BigUInt, to: Address?, value: BigUInt = 0,
        data: [UInt8] = [], accessList: [AccessListEntry] = []
    ) throws(TransactionError) {
        try TransactionError.check(nonce: nonce)
        self.chainId = chainId
        self.nonce = nonce
        self.gasPrice = gasPrice
        self.gasLimit = gasLimit
        self.to = to
        self.value = value
        self.data = data
        self.accessList = accessList
    }

    var fields: [RLPItem] {
        [
            .uint(chainId), .uint(nonce), .uint(gasPrice), .uint(gasLimit), .bytes(to?.bytes ?? []), .uint(value),
            .bytes(data), .list(accessList.map(\.rlp)),
        ]
    }

    /// 0x01 ‖ rlp([chainId, nonce, gasPrice, gas, to, value, data, accessList]).
    public var signingPayload: [UInt8] { [0x01] + RLP.encode(.list(fields)) }
    public var signingHash: [UInt8] { Keccak256.hash(signingPayload) }
}

/// An EIP-1559 (type 2) transaction, what ethers v6 and the Kalypso SDK send by default (spec §6.1).
public struct EIP1559Transaction: Hashable, Sendable {
    public var chainId: BigUInt
    /// At most `TransactionError.maxNonce` (EIP-2681); checked when the transaction is built.
    public private(set) var nonce: UInt64
    public var maxPriorityFeePerGas: BigUInt
    public var maxFeePerGas: BigUInt
    public var gasLimit: BigUInt
    /// nil creates a contract.
    public var to: Address?
    public var value: BigUInt
    public var data: [UInt8]
    public var accessList: [AccessListEntry]

    public init(
        chainId: BigUInt, nonce: UInt64, maxPriorityFeePerGas: BigUInt, maxFeePerGas: BigUInt, gasLimit: BigUInt,
        to: Address?, value: BigUInt = 0, data: [UInt8] = [], accessList: [AccessListEntry] = []
    ) throws(TransactionError) {
        try TransactionError.check(nonce: nonce)
        self.chainId = chainId
        self.nonce = nonce
        self.maxPriorityFeePerGas = maxPriorityFeePerGas
        self.maxFeePerGas = maxFeePerGas
        self.gasLimit = gasLimit
        self.to = to
        self.value = value
        self.data = data
        self.accessList = accessList
    }

    var fields: [RLPItem] {
        [
            .uint(chainId), .uint(nonce), .uint(maxPriorityFeePerGas), .uint(maxFeePerGas), .uint(gasLimit),
            .bytes(to?.bytes ?? []), .uint(value), .bytes(data), .list(accessList.map(\.rlp)),
        ]
    }

    /// 0x02 ‖ rlp([chainId, nonce, maxPriorityFeePerGas, maxFeePerGas, gas, to, value, data, accessList]).
    public var signingPayload: [UInt8] { [0x02] + RLP.encode(.list(fields)) }
    public var signingHash: [UInt8] { Keccak256.hash(signingPayload) }
}

/// Any transaction kind we can sign or decode.
public enum UnsignedTransaction: Hashable, Sendable {
    case legacy(LegacyTransaction)
    case accessList(AccessListTransaction)
    case eip1559(EIP1559Transaction)

    /// The EIP-2718 type byte (0 for legacy).
    public var type: UInt8 {
        switch self {
        case .legacy: return 0
        case .accessList: return 1
        case .eip1559: return 2
        }
    }

    /// The transaction's fields, whatever its kind.
    var body: any TransactionFields {
        switch self {
        case .legacy(let t): return t
        case .accessList(let t): return t
        case .eip1559(let t): return t
        }
    }

    public var signingHash: [UInt8] { body.signingHash }
    public var chainId: BigUInt? { body.protectedChainId }
    public var nonce: UInt64 { body.nonce }
    public var to: Address? { body.to }
    public var value: BigUInt { body.value }
    public var data: [UInt8] { body.data }
    public var gasLimit: BigUInt { body.gasLimit }

    /// Signs with `key` (RFC 6979, low-s).
    public func sign(with key: PrivateKey) -> SignedTransaction {
        SignedTransaction(transaction: self, signature: key.signDigest32(signingHash))
    }
}

extension LegacyTransaction {
    public func sign(with key: PrivateKey) -> SignedTransaction { UnsignedTransaction.legacy(self).sign(with: key) }
}

extension AccessListTransaction {
    public func sign(with key: PrivateKey) -> SignedTransaction { UnsignedTransaction.accessList(self).sign(with: key) }
}

extension EIP1559Transaction {
    public func sign(with key: PrivateKey) -> SignedTransaction { UnsignedTransaction.eip1559(self).sign(with: key) }
}

/// A transaction with its signature: what `eth_sendRawTransaction` takes.
public struct SignedTransaction: Hashable, Sendable {
    public let transaction: UnsignedTransaction
    public let signature: Signature

    public init(transaction: UnsignedTransaction, signature: Signature) {
        self.transaction = transaction
        self.signature = signature
    }

    /// The v field as serialised: chainId·2 + 35 + yParity (EIP-155), 27 + yParity (legacy without chain id),
    /// or yParity for typed transactions.
    public var v: BigUInt {
        switch transaction {
        case .legacy(let t):
            if let chainId = t.chainId { return chainId * 2 + 35 + BigUInt(signature.yParity) }
            return BigUInt(27 + signature.yParity)
        case .accessList, .eip1559:
            return BigUInt(signature.yParity)
        }
    }

    /// The raw transaction bytes (EIP-2718 envelope for typed transactions).
    public var rawBytes: [UInt8] {
        let sig: [RLPItem] = [.uint(v), .uint(signature.rValue), .uint(signature.sValue)]
        switch transaction {
        case .legacy(let t): return RLP.encode(.list(t.fields + sig))
        case .accessList(let t): return [0x01] + RLP.encode(.list(t.fields + sig))
        case .eip1559(let t): return [0x02] + RLP.encode(.list(t.fields + sig))
        }
    }

    /// `0x` hex of `rawBytes`, the `eth_sendRawTransaction` parameter.
    public var rawHex: String { Hex.encode(rawBytes) }

    /// keccak256(rawBytes): the transaction hash nodes report.
    public var hash: [UInt8] { Keccak256.hash(rawBytes) }

    /// The address that signed the transaction.
    public func sender() throws(SignatureError) -> Address {
        try Secp256k1.recover(digest: transaction.signingHash, signature: signature)
    }
}

extension LegacyTransaction: TransactionFields {
    var protectedChainId: BigUInt? { chainId }
}

extension AccessListTransaction: TransactionFields {
    var protectedChainId: BigUInt? { chainId }
}

extension EIP1559Transaction: TransactionFields {
    var protectedChainId: BigUInt? { chainId }
}
