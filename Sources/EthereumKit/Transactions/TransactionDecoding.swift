import BigInt

/// Why raw transaction bytes were rejected.
public enum TransactionDecodingError: Error, Equatable, Sendable, CustomStringConvertible {
    case empty
    case invalidHex(Hex.DecodingError)
    /// A typed envelope whose type we do not handle (e.g. 0x03 blob transactions).
    case unsupportedType(UInt8)
    /// Neither an RLP list (legacy) nor a type byte ≤ 0x7f.
    case notATransaction(firstByte: UInt8)
    /// Positions count bytes of the whole raw transaction, type byte included.
    case rlp(RLPError)
    case notAList
    case wrongFieldCount(type: UInt8, expected: Int, found: Int)
    case invalidField(String, RLPValueError)
    case invalidAddress(field: String, length: Int)
    case invalidAccessListEntry(index: Int, fieldCount: Int)
    case invalidStorageKey(entry: Int, key: Int, length: Int)
    case invalidV(String)
    case invalidSignature(SignatureError)

    public var description: String {
        switch self {
        case .empty: return "raw transaction is empty"
        case .invalidHex(let e): return "raw transaction: \(e)"
        case .unsupportedType(let t):
            return "transaction type 0x\(Hex.encode([t], prefix: false)) is not supported (only legacy, 1 and 2)"
        case .notATransaction(let b):
            return
                "raw transaction starts with 0x\(Hex.encode([b], prefix: false)), which is neither a type byte nor an RLP list"
        case .rlp(let e): return "raw transaction: \(e)"
        case .notAList: return "raw transaction payload is not an RLP list"
        case .wrongFieldCount(let type, let expected, let found):
            return "type \(type) transaction has \(found) fields; expected \(expected)"
        case .invalidField(let name, let e): return "transaction field \(name): \(e)"
        case .invalidAddress(let field, let n):
            return "transaction field \(field) has \(n) bytes; an address has 20 (or 0 for contract creation)"
        case .invalidAccessListEntry(let i, let n):
            return "access list entry \(i) has \(n) fields; expected [address, [storageKeys]]"
        case .invalidStorageKey(let entry, let key, let n):
            return "access list entry \(entry), storage key \(key) has \(n) bytes; expected 32"
        case .invalidV(let v): return "transaction signature v = \(v) is not valid for this transaction type"
        case .invalidSignature(let e): return "transaction signature: \(e)"
        }
    }
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
        do { return try item.uint64Value() } catch { throw .invalidField("nonce", error) }
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
        let tx = LegacyTransaction(
            nonce: try nonce(f[0]), gasPrice: try uint(f[1], "gasPrice"), gasLimit: try uint(f[2], "gasLimit"),
            to: try to(f[3]), value: try uint(f[4], "value"), data: try bytes(f[5], "data"), chainId: chainId)
        return SignedTransaction(transaction: .legacy(tx), signature: try signature(v: parity, f[7], f[8]))
    }

    private static func decodeAccessList(_ f: [RLPItem]) throws(TransactionDecodingError) -> SignedTransaction {
        let tx = AccessListTransaction(
            chainId: try uint(f[0], "chainId"), nonce: try nonce(f[1]), gasPrice: try uint(f[2], "gasPrice"),
            gasLimit: try uint(f[3], "gasLimit"), to: try to(f[4]), value: try uint(f[5], "value"),
            data: try bytes(f[6], "data"), accessList: try accessList(f[7]))
        return SignedTransaction(
            transaction: .accessList(tx), signature: try signature(v: try yParity(f[8]), f[9], f[10]))
    }

    private static func decodeEIP1559(_ f: [RLPItem]) throws(TransactionDecodingError) -> SignedTransaction {
        let tx = EIP1559Transaction(
            chainId: try uint(f[0], "chainId"), nonce: try nonce(f[1]),
            maxPriorityFeePerGas: try uint(f[2], "maxPriorityFeePerGas"), maxFeePerGas: try uint(f[3], "maxFeePerGas"),
            gasLimit: try uint(f[4], "gasLimit"), to: try to(f[5]), value: try uint(f[6], "value"),
            data: try bytes(f[7], "data"), accessList: try accessList(f[8]))
        return SignedTransaction(
            transaction: .eip1559(tx), signature: try signature(v: try yParity(f[9]), f[10], f[11]))
    }
}
