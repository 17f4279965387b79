import Foundation
import GRDB

/// One transaction attempt as the journal records it: written once signed, before it is sent, and
/// updated as it is sent, mined, confirmed, replaced or dropped.
///
/// Amounts are decimal strings of wei (the store knows no big-integer type); addresses and hashes
/// are lowercase `0x` hex, so queries compare them exactly.
public struct JournalEntry: Codable, Sendable, Hashable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "journal"

    /// Where a transaction stands.
    public enum State: String, Codable, Sendable, CaseIterable, DatabaseValueConvertible {
        /// Signed and journaled, not (known to be) accepted by a node yet.
        case signed
        /// Accepted by a node, no receipt yet.
        case sent
        /// In a block with status 1, fewer confirmations than asked.
        case mined
        /// In a block with status 1 and enough confirmations.
        case confirmed
        /// In a block with status 0 (reverted on chain): the nonce is used, the action did not happen.
        case failed
        /// Another transaction with the same nonce (a speed-up or cancel) took its place.
        case replaced
        /// Never mined and no longer can be: its nonce was used by a transaction not in this journal,
        /// or it was given up before any node accepted it.
        case dropped

        /// Whether nothing more can happen to it.
        public var isFinal: Bool {
            switch self {
            case .confirmed, .failed, .replaced, .dropped: true
            case .signed, .sent, .mined: false
            }
        }

        /// States whose nonce is spoken for until they end.
        public static let open: [State] = [.signed, .sent, .mined]
    }

    public var id: Int64?
    public var chainId: Int64
    public var fromAddress: String
    public var nonce: Int64
    public var toAddress: String?
    public var value: String
    public var data: Data
    public var gasLimit: String
    /// EIP-2718 type: 0 legacy, 2 EIP-1559.
    public var txType: Int
    public var gasPrice: String?
    public var maxFeePerGas: String?
    public var maxPriorityFeePerGas: String?
    public var rawTransaction: Data
    public var hash: String
    /// What the transaction does, in words ("Stake 100 POND on market 1").
    public var label: String
    public var state: State
    /// The hash of the transaction that replaced this one.
    public var replacedBy: String?
    /// The hash of the transaction this one replaces (a speed-up or cancel).
    public var replaces: String?
    /// 1 success, 0 reverted on chain.
    public var receiptStatus: Int?
    public var receiptBlock: Int64?
    public var gasUsed: String?
    public var effectiveGasPrice: String?
    /// The decoded revert of a failed transaction, or why it was dropped.
    public var failureReason: String?
    /// The last error a node answered to the send, kept so `tx show` can explain a stuck row.
    public var lastSendError: String?
    public var createdAt: Date
    public var updatedAt: Date
    public var sentAt: Date?
    public var minedAt: Date?

    public init(
        chainId: Int64, fromAddress: String, nonce: Int64, toAddress: String?, value: String, data: Data,
        gasLimit: String, txType: Int, gasPrice: String?, maxFeePerGas: String?, maxPriorityFeePerGas: String?,
        rawTransaction: Data, hash: String, label: String, replaces: String? = nil, createdAt: Date = Date()
    ) {
        self.chainId = chainId
        self.fromAddress = fromAddress.lowercased()
        self.nonce = nonce
        self.toAddress = toAddress?.lowercased()
        self.value = value
        self.data = data
        self.gasLimit = gasLimit
        self.txType = txType
        self.gasPrice = gasPrice
        self.maxFeePerGas = maxFeePerGas
        self.maxPriorityFeePerGas = maxPriorityFeePerGas
        self.rawTransaction = rawTransaction
        self.hash = hash.lowercased()
        self.label = label
        self.state = .signed
        self.replaces = replaces?.lowercased()
        self.createdAt = createdAt
        self.updatedAt = createdAt
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) {
        id = inserted.rowID
    }

    public enum Columns {
        public static let chainId = Column(CodingKeys.chainId)
        public static let fromAddress = Column(CodingKeys.fromAddress)
        public static let nonce = Column(CodingKeys.nonce)
        public static let hash = Column(CodingKeys.hash)
        public static let state = Column(CodingKeys.state)
        public static let createdAt = Column(CodingKeys.createdAt)
        public static let id = Column(CodingKeys.id)
    }

    static func createTable(_ db: Database) throws {
        try db.create(table: databaseTableName) { t in
            t.autoIncrementedPrimaryKey("id")
            t.column("chainId", .integer).notNull()
            t.column("fromAddress", .text).notNull()
            t.column("nonce", .integer).notNull()
            t.column("toAddress", .text)
            t.column("value", .text).notNull()
            t.column("data", .blob).notNull()
            t.column("gasLimit", .text).notNull()
            t.column("txType", .integer).notNull()
            t.column("gasPrice", .text)
            t.column("maxFeePerGas", .text)
            t.column("maxPriorityFeePerGas", .text)
            t.column("rawTransaction", .blob).notNull()
            t.column("hash", .text).notNull().unique()
            t.column("label", .text).notNull()
            t.column("state", .text).notNull()
                .check(sql: "state IN ('signed','sent','mined','confirmed','failed','replaced','dropped')")
            t.column("replacedBy", .text)
            t.column("replaces", .text)
            t.column("receiptStatus", .integer)
            t.column("receiptBlock", .integer)
            t.column("gasUsed", .text)
            t.column("effectiveGasPrice", .text)
            t.column("failureReason", .text)
            t.column("lastSendError", .text)
            t.column("createdAt", .datetime).notNull()
            t.column("updatedAt", .datetime).notNull()
            t.column("sentAt", .datetime)
            t.column("minedAt", .datetime)
        }
        try db.create(
            index: "journal_account_nonce", on: databaseTableName, columns: ["chainId", "fromAddress", "nonce"])
        try db.create(index: "journal_state", on: databaseTableName, columns: ["state"])
    }
}
