import Basics
import BigInt

/// Why raw transaction bytes were rejected: which field, and what is wrong with it.
public struct TransactionDecodingError: OperatorError, Equatable {
    public let code: ErrorCode
    /// The field concerned (`nonce`, `accessList[0].address`).
    public let field: String?
    /// The transaction type byte (wrong field count, unsupported type) or the first byte of the input.
    public let typeByte: UInt8?
    /// Expected and found counts (fields, bytes).
    public let expected: Int?
    public let found: Int?
    /// Positions: access list entry and storage key index.
    public let entry: Int?
    public let key: Int?
    /// The invalid v value (a public part of the signature, not secret).
    public let v: String?
    /// The error underneath, when another decoder refused the bytes first.
    public let hexError: Hex.DecodingError?
    public let rlpError: RLPError?
    public let valueError: RLPValueError?
    public let signatureError: SignatureError?

    init(
        code: ErrorCode, field: String? = nil, typeByte: UInt8? = nil, expected: Int? = nil, found: Int? = nil,
        entry: Int? = nil, key: Int? = nil, v: String? = nil, hexError: Hex.DecodingError? = nil,
        rlpError: RLPError? = nil, valueError: RLPValueError? = nil, signatureError: SignatureError? = nil
    ) {
        self.code = code
        self.field = field
        self.typeByte = typeByte
        self.expected = expected
        self.found = found
        self.entry = entry
        self.key = key
        self.v = v
        self.hexError = hexError
        self.rlpError = rlpError
        self.valueError = valueError
        self.signatureError = signatureError
    }

    public static let empty = Self(code: .transactionEmpty)
    public static func invalidHex(_ e: Hex.DecodingError) -> Self { Self(code: .transactionInvalidHex, hexError: e) }
    /// A typed envelope whose type we do not handle (e.g. 0x03 blob transactions).
    public static func unsupportedType(_ t: UInt8) -> Self { Self(code: .transactionUnsupportedType, typeByte: t) }
    /// Neither an RLP list (legacy) nor a type byte ≤ 0x7f.
    public static func notATransaction(firstByte: UInt8) -> Self {
        Self(code: .transactionNotATransaction, typeByte: firstByte)
    }
    /// Positions count bytes of the whole raw transaction, type byte included.
    public static func rlp(_ e: RLPError) -> Self { Self(code: .transactionInvalidRLP, rlpError: e) }
    public static let notAList = Self(code: .transactionNotAList)
    public static func wrongFieldCount(type: UInt8, expected: Int, found: Int) -> Self {
        Self(code: .transactionWrongFieldCount, typeByte: type, expected: expected, found: found)
    }
    public static func invalidField(_ name: String, _ e: RLPValueError) -> Self {
        Self(code: .transactionInvalidField, field: name, valueError: e)
    }
    public static func invalidAddress(field: String, length: Int) -> Self {
        Self(code: .transactionInvalidAddress, field: field, found: length)
    }
    public static func invalidAccessListEntry(index: Int, fieldCount: Int) -> Self {
        Self(code: .transactionInvalidAccessList, found: fieldCount, entry: index)
    }
    public static func invalidStorageKey(entry: Int, key: Int, length: Int) -> Self {
        Self(code: .transactionInvalidStorageKey, found: length, entry: entry, key: key)
    }
    public static func invalidV(_ v: String) -> Self { Self(code: .transactionInvalidV, v: v) }
    public static func invalidSignature(_ e: SignatureError) -> Self {
        Self(code: .transactionInvalidSignature, signatureError: e)
    }
    /// A nonce of 2^64-1 or more (EIP-2681: an account nonce never reaches 2^64-1).
    public static let nonceTooLarge = Self(code: .transactionNonceTooLarge, field: "nonce")

    public var title: String { "Not a valid raw transaction" }
    public var detail: String {
        switch code {
        case .transactionEmpty: return "the raw transaction is empty"
        case .transactionInvalidHex: return hexError?.detail ?? "it is not hex"
        case .transactionUnsupportedType:
            return "transaction type \(typeByte ?? 0) is not supported (only legacy, 1 and 2)"
        case .transactionNotATransaction:
            return
                "it starts with byte 0x\(Hex.encode([typeByte ?? 0], prefix: false)), which is neither a type byte nor an RLP list"
        case .transactionInvalidRLP: return rlpError?.detail ?? "it is not valid RLP"
        case .transactionNotAList: return "the payload is not an RLP list"
        case .transactionWrongFieldCount:
            return "a type \(typeByte ?? 0) transaction has \(expected ?? 0) fields; this one has \(found ?? 0)"
        case .transactionInvalidField: return "field \(field ?? "?"): \(valueError?.detail ?? "invalid")"
        case .transactionInvalidAddress:
            return "field \(field ?? "?") has \(found ?? 0) bytes; an address has 20 (or 0 for contract creation)"
        case .transactionInvalidAccessList:
            return "access list entry \(entry ?? 0) has \(found ?? 0) fields; expected [address, [storageKeys]]"
        case .transactionInvalidStorageKey:
            return "access list entry \(entry ?? 0), storage key \(key ?? 0) has \(found ?? 0) bytes; expected 32"
        case .transactionInvalidV: return "signature v = \(v ?? "?") is not valid for this transaction type"
        case .transactionNonceTooLarge: return "the nonce is 2^64-1 or more, which no account can reach (EIP-2681)"
        default: return "signature: \(signatureError?.detail ?? "invalid")"
        }
    }
    public var hint: String {
        "Check that the whole raw transaction was copied (0x followed by its hex, as eth_sendRawTransaction takes it)."
    }
    public var category: ErrorCategory { .usage }
}

extension SignedTransaction {
    /// Decodes raw bytes as sent to `eth_sendRawTransaction`: legacy, EIP-2930 (type 1) or EIP-1559 (type 2).
    ///
    /// Strict: non-canonical RLP or integers (leading zeros), wrong field counts, trailing bytes, bad address
    /// lengths, high-s signatures (EIP-2) and nonces above 2^64-1 (EIP-2681) are rejected.
    public static func decode(raw: [UInt8]) throws(TransactionDecodingError) -> SignedTransaction {
        guard let first = raw.first else { throw .empty }
        if first >= 0xc0 { return try decodeLegacy(try fields(raw, offset: 0, type: 0, expected: 9)) }
        switch first {
        case 0x01: return try decodeAccessList(try fields(Array(raw.dropFirst()), offset: 1, type: 1, expected: 11))
        case 0x02: return try decodeEIP1559(try fields(Array(raw.dropFirst()), offset: 1, type: 2, expected: 12))
        case 0x00...0x7f: throw .unsupportedType(first)
        default: throw .notATransaction(firstByte: first)
        }
    }

    /// Decodes `0x` hex of a raw transaction.
    public static func decode(rawHex: String) throws(TransactionDecodingError) -> SignedTransaction {
        let bytes: [UInt8]
        do { bytes = try Hex.decode(rawHex) } catch {
            throw .invalidHex(error)
        }
        return try decode(raw: bytes)
    }

    private static func fields(_ payload: [UInt8], offset: Int, type: UInt8, expected: Int)
        throws(TransactionDecodingError) -> [RLPItem]
    {
        let item: RLPItem
        do { item = try RLP.decode(payload) } catch {
            throw .rlp(RLPError(position: error.position + offset, reason: error.reason))
        }
        guard case .list(let items) = item else { throw .notAList }
        guard items.count == expected else {
            throw .wrongFieldCount(type: type, expected: expected, found: items.count)
        }
        return items
    }

    private static func uint(_ item: RLPItem, _ name: String, maxBytes: Int = 32) throws(TransactionDecodingError)
        -> BigUInt
    {
        do { return try item.uintValue(maxBytes: maxBytes) } catch { throw .invalidField(name, error) }
    }

    private static func nonce(_ item: RLPItem) throws(TransactionDecodingError) -> UInt64 {
        let n: UInt64
        do { n = try item.uint64Value() } catch { throw .invalidField("nonce", error) }
        // EIP-2681: 2^64-1 fits the field but no account can have it.
        guard n <= TransactionError.maxNonce else { throw .nonceTooLarge }
        return n
    }

    /// Builds a transaction whose fields were checked above (the only build error is the nonce).
    private static func build<T>(_ make: () throws(TransactionError) -> T) throws(TransactionDecodingError) -> T {
        do { return try make() } catch { throw .nonceTooLarge }
    }

    private static func bytes(_ item: RLPItem, _ name: String) throws(TransactionDecodingError) -> [UInt8] {
        do { return try item.bytesValue() } catch { throw .invalidField(name, error) }
    }

    private static func to(_ item: RLPItem) throws(TransactionDecodingError) -> Address? {
        let b = try bytes(item, "to")
        if b.isEmpty { return nil }
        guard let address = Address(bytes: b) else { throw .invalidAddress(field: "to", length: b.count) }
        return address
    }

    private static func accessList(_ item: RLPItem) throws(TransactionDecodingError) -> [AccessListEntry] {
        let entries: [RLPItem]
        do { entries = try item.listValue() } catch { throw .invalidField("accessList", error) }
        var out: [AccessListEntry] = []
        for (i, entry) in entries.enumerated() {
            let parts: [RLPItem]
            do { parts = try entry.listValue() } catch { throw .invalidField("accessList[\(i)]", error) }
            guard parts.count == 2 else {
                throw .invalidAccessListEntry(index: i, fieldCount: parts.count)
            }
            let a = try bytes(parts[0], "accessList[\(i)].address")
            guard let address = Address(bytes: a) else {
                throw .invalidAddress(field: "accessList[\(i)].address", length: a.count)
            }
            let keyItems: [RLPItem]
            do { keyItems = try parts[1].listValue() } catch {
                throw .invalidField("accessList[\(i)].storageKeys", error)
            }
            var keys: [[UInt8]] = []
            for (k, keyItem) in keyItems.enumerated() {
                let key = try bytes(keyItem, "accessList[\(i)].storageKeys[\(k)]")
                guard key.count == 32 else { throw .invalidStorageKey(entry: i, key: k, length: key.count) }
                keys.append(key)
            }
            out.append(AccessListEntry(address: address, storageKeys: keys))
        }
        return out
    }

    private static func signature(v parity: UInt8, _ r: RLPItem, _ s: RLPItem) throws(TransactionDecodingError)
        -> Signature
    {
        let rv = try uint(r, "r")
        let sv = try uint(s, "s")
        do { return try Signature(r: rv, s: sv, yParity: parity) } catch { throw .invalidSignature(error) }
    }

    private static func yParity(_ item: RLPItem) throws(TransactionDecodingError) -> UInt8 {
        let v = try uint(item, "yParity")
        guard v <= 1 else { throw .invalidV(String(v)) }
        return UInt8(v)
    }

    private static func decodeLegacy(_ f: [RLPItem]) throws(TransactionDecodingError) -> SignedTransaction {
        // chainId·2 + 36 for a 256-bit chain id needs one byte more than other integers.
        let v = try uint(f[6], "v", maxBytes: 33)
        let chainId: BigUInt?
        let parity: UInt8
        if v == 27 || v == 28 {
            chainId = nil
            parity = UInt8(v - 27)
        } else if v >= 35 {
            chainId = (v - 35) / 2
            parity = UInt8((v - 35) % 2)
        } else {
            throw .invalidV(String(v))
        }
        let nonce = try nonce(f[0]), gasPrice = try uint(f[1], "gasPrice"), gasLimit = try uint(f[2], "gasLimit")
        let to = try to(f[3]), value = try uint(f[4], "value"), data = try bytes(f[5], "data")
        let tx = try build { () throws(TransactionError) in
            try LegacyTransaction(
                nonce: nonce, gasPrice: gasPrice, gasLimit: gasLimit, to: to, value: value, data: data, chainId: chainId
            )
        }
        return SignedTransaction(transaction: .legacy(tx), signature: try signature(v: parity, f[7], f[8]))
    }

    private static func decodeAccessList(_ f: [RLPItem]) throws(TransactionDecodingError) -> SignedTransaction {
        let chainId = try uint(f[0], "chainId"), nonce = try nonce(f[1]), gasPrice = try uint(f[2], "gasPrice")
        let gasLimit = try uint(f[3], "gasLimit"), to = try to(f[4]), value = try uint(f[5], "value")
        let data = try bytes(f[6], "data"), accessList = try accessList(f[7])
        let tx = try build { () throws(TransactionError) in
            try AccessListTransaction(
                chainId: chainId, nonce: nonce, gasPrice: gasPrice, gasLimit: gasLimit, to: to, value: value,
                data: data, accessList: accessList)
        }
        return SignedTransaction(
            transaction: .accessList(tx), signature: try signature(v: try yParity(f[8]), f[9], f[10]))
    }

    private static func decodeEIP1559(_ f: [RLPItem]) throws(TransactionDecodingError) -> SignedTransaction {
        let chainId = try uint(f[0], "chainId"), nonce = try nonce(f[1])
        let tip = try uint(f[2], "maxPriorityFeePerGas"), maxFee = try uint(f[3], "maxFeePerGas")
        let gasLimit = try uint(f[4], "gasLimit"), to = try to(f[5]), value = try uint(f[6], "value")
        let data = try bytes(f[7], "data"), accessList = try accessList(f[8])
        let tx = try build { () throws(TransactionError) in
            try EIP1559Transaction(
                chainId: chainId, nonce: nonce, maxPriorityFeePerGas: tip, maxFeePerGas: maxFee, gasLimit: gasLimit,
                to: to, value: value, data: data, accessList: accessList)
        }
        return SignedTransaction(
            transaction: .eip1559(tx), signature: try signature(v: try yParity(f[9]), f[10], f[11]))
    }
}
