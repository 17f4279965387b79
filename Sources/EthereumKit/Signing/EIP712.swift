import Basics
import BigInt

/// A value in EIP-712 typed data. Field types come from the schema, so JSON-style values are accepted too:
/// integers as decimal or `0x` hex strings, bytes and addresses as `0x` hex strings.
public indirect enum EIP712Value: Hashable, Sendable {
    case string(String)
    case bytes([UInt8])
    case uint(BigUInt)
    case int(BigInt)
    case bool(Bool)
    case address(Address)
    case object([String: EIP712Value])
    case array([EIP712Value])
}

/// One member of an EIP-712 struct type, e.g. `uint256 timestampInMilliseconds`.
public struct EIP712Field: Hashable, Sendable {
    public let name: String
    public let type: String
    public init(_ name: String, _ type: String) {
        self.name = name
        self.type = type
    }
}

/// Why typed data could not be read or hashed; `path` says where (e.g. `message.pcrs[2]`). Values are
/// described by their type and size, never repeated.
public struct EIP712Error: OperatorError, Equatable {
    public let code: ErrorCode
    public let path: String
    public let reason: String

    package init(code: ErrorCode = .eip712InvalidValue, path: String, reason: String) {
        self.code = code
        self.path = path
        self.reason = reason
    }

    public var title: String { "Cannot use the typed data (EIP-712)" }
    public var detail: String { "\(path): \(reason)" }
    public var hint: String {
        "Check the typed data against its types: every field of the primary type present, integers in range, bytes as 0x hex."
    }
    public var category: ErrorCategory { .usage }
}

/// EIP-712 typed structured data: `types`, `primaryType`, `domain` and `message`, as in `eth_signTypedData_v4`.
public struct EIP712TypedData: Sendable {
    /// Struct types by name. `EIP712Domain` may be given; if not, it is derived from the domain's fields
    /// in the EIP's order (name, version, chainId, verifyingContract, salt).
    public var types: [String: [EIP712Field]]
    public var primaryType: String
    public var domain: [String: EIP712Value]
    public var message: [String: EIP712Value]

    public init(
        types: [String: [EIP712Field]], primaryType: String, domain: [String: EIP712Value],
        message: [String: EIP712Value]
    ) {
        self.types = types
        self.primaryType = primaryType
        self.domain = domain
        self.message = message
    }

    /// The domain type in use (given or derived).
    public var domainFields: [EIP712Field] {
        if let given = types["EIP712Domain"] { return given }
        let order: [(String, String)] = [
            ("name", "string"), ("version", "string"), ("chainId", "uint256"),
            ("verifyingContract", "address"), ("salt", "bytes32"),
        ]
        return order.filter { domain[$0.0] != nil }.map { EIP712Field($0.0, $0.1) }
    }

    private var allTypes: [String: [EIP712Field]] {
        var t = types
        t["EIP712Domain"] = domainFields
        return t
    }

    /// hashStruct(EIP712Domain, domain).
    public func domainSeparator() throws(EIP712Error) -> [UInt8] {
        try EIP712.hashStruct("EIP712Domain", value: domain, types: allTypes, path: "domain")
    }

    /// hashStruct(primaryType, message).
    public func structHash() throws(EIP712Error) -> [UInt8] {
        try EIP712.hashStruct(primaryType, value: message, types: allTypes, path: "message")
    }

    /// keccak256(0x19 0x01 ‖ domainSeparator ‖ structHash): the digest that is signed.
    public func signingHash() throws(EIP712Error) -> [UInt8] {
        EIP712.digest(domainSeparator: try domainSeparator(), structHash: try structHash())
    }

    /// Who signed this typed data.
    public func recoverSigner(signature: Signature) throws -> Address {
        try Secp256k1.recover(digest: try signingHash(), signature: signature)
    }
}

/// EIP-712 hashing (encodeType, typeHash, encodeData, hashStruct).
public enum EIP712 {
    /// keccak256(0x19 0x01 ‖ domainSeparator ‖ structHash).
    public static func digest(domainSeparator: [UInt8], structHash: [UInt8]) -> [UInt8] {
        var h = Keccak256()
        h.update([0x19, 0x01])
        h.update(domainSeparator)
        h.update(structHash)
        return h.finalize()
    }

    /// `Name(type1 name1,…)` followed by every referenced struct type, sorted by name.
    public static func encodeType(_ name: String, types: [String: [EIP712Field]]) throws(EIP712Error) -> String {
        guard let fields = types[name] else {
            throw EIP712Error(code: .eip712UnknownType, path: name, reason: "unknown struct type \(name)")
        }
        var referenced = Set<String>()
        try collectReferences(name, types: types, into: &referenced)
        referenced.remove(name)
        var out = signature(name, fields)
        for dep in referenced.sorted() {
            if let depFields = types[dep] { out += signature(dep, depFields) }
        }
        return out
    }

    /// keccak256(encodeType(name)).
    public static func typeHash(_ name: String, types: [String: [EIP712Field]]) throws(EIP712Error) -> [UInt8] {
        Keccak256.hash(utf8: try encodeType(name, types: types))
    }

    /// keccak256(typeHash ‖ encodeData(value)).
    public static func hashStruct(
        _ name: String, value: [String: EIP712Value], types: [String: [EIP712Field]], path: String = "message"
    ) throws(EIP712Error) -> [UInt8] {
        guard let fields = types[name] else {
            throw EIP712Error(code: .eip712UnknownType, path: path, reason: "unknown struct type \(name)")
        }
        var h = Keccak256()
        h.update(try typeHash(name, types: types))
        for field in fields {
            let fieldPath = path + "." + field.name
            guard let v = value[field.name] else {
                throw EIP712Error(code: .eip712MissingValue, path: fieldPath, reason: "missing value")
            }
            h.update(try encodeValue(v, type: field.type, types: types, path: fieldPath))
        }
        for key in value.keys where !fields.contains(where: { $0.name == key }) {
            throw EIP712Error(code: .eip712UnknownField, path: path + "." + key, reason: "not a field of \(name)")
        }
        return h.finalize()
    }

    private static func signature(_ name: String, _ fields: [EIP712Field]) -> String {
        name + "(" + fields.map { "\($0.type) \($0.name)" }.joined(separator: ",") + ")"
    }

    private static func collectReferences(
        _ name: String, types: [String: [EIP712Field]], into found: inout Set<String>
    ) throws(EIP712Error) {
        guard !found.contains(name), let fields = types[name] else { return }
        found.insert(name)
        for field in fields {
            let base = baseType(field.type)
            if types[base] != nil { try collectReferences(base, types: types, into: &found) }
        }
    }

    /// `Foo[2][]` → `Foo`.
    private static func baseType(_ type: String) -> String {
        if let i = type.firstIndex(of: "[") { return String(type[..<i]) }
        return type
    }

    /// Splits the outermost array suffix: `uint8[3][]` → (`uint8[3]`, nil); `uint8[3]` → (`uint8`, 3).
    /// A length that is not a positive decimal (`T[x]`, `T[-1]`) makes the whole type unknown rather than
    /// a dynamic array.
    static func arrayElement(_ type: String) -> (element: String, length: Int?)? {
        guard type.hasSuffix("]"), let open = type.lastIndex(of: "[") else { return nil }
        let inside = type[type.index(after: open)..<type.index(before: type.endIndex)]
        if inside.isEmpty { return (String(type[..<open]), nil) }
        guard inside.utf8.count <= 9, inside.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), let k = Int(inside), k > 0
        else { return nil }
        return (String(type[..<open]), k)
    }

    /// The 32-byte encoding of one field value.
    static func encodeValue(
        _ value: EIP712Value, type: String, types: [String: [EIP712Field]], path: String
    ) throws(EIP712Error) -> [UInt8] {
        func fail(_ reason: String) -> EIP712Error { EIP712Error(path: path, reason: reason) }

        if let (element, length) = arrayElement(type) {
            guard case .array(let items) = value else { throw fail("expected an array for \(type)") }
            if let length, items.count != length { throw fail("expected \(length) elements, found \(items.count)") }
            var h = Keccak256()
            for (i, item) in items.enumerated() {
                h.update(try encodeValue(item, type: element, types: types, path: "\(path)[\(i)]"))
            }
            return h.finalize()
        }
        if types[type] != nil {
            guard case .object(let fields) = value else { throw fail("expected a struct \(type)") }
            return try hashStruct(type, value: fields, types: types, path: path)
        }
        switch type {
        case "string":
            guard case .string(let s) = value else { throw fail("expected a string") }
            return Keccak256.hash(utf8: s)
        case "bytes":
            return Keccak256.hash(try bytes(value, fail))
        case "bool":
            guard case .bool(let b) = value else { throw fail("expected true or false") }
            return [UInt8](repeating: 0, count: 31) + [b ? 1 : 0]
        case "address":
            let address: Address
            switch value {
            case .address(let a): address = a
            case .string(let s):
                do { address = try Address(s) } catch { throw fail("not an address: \(error.detail)") }
            default: throw fail("expected an address")
            }
            return [UInt8](repeating: 0, count: 12) + address.bytes
        default:
            break
        }
        if type.hasPrefix("bytes"), let n = Int(type.dropFirst(5)), (1...32).contains(n) {
            let b = try bytes(value, fail)
            guard b.count == n else { throw fail("\(type) needs exactly \(n) bytes, found \(b.count)") }
            return b + [UInt8](repeating: 0, count: 32 - n)
        }
        if type.hasPrefix("uint"), let bits = Int(type.dropFirst(4)), bits % 8 == 0, (8...256).contains(bits) {
            let v = try integer(value, fail)
            guard v.sign == .plus || v.isZero, v.magnitude.bitWidth <= bits else {
                throw fail("the number does not fit \(type)")
            }
            guard let word = v.magnitude.bigEndianBytes(paddedTo: 32) else {
                throw fail("the number does not fit \(type)")
            }
            return word
        }
        if type.hasPrefix("int"), let bits = Int(type.dropFirst(3)), bits % 8 == 0, (8...256).contains(bits) {
            let v = try integer(value, fail)
            let limit = BigInt(1) << (bits - 1)
            guard v >= -limit, v < limit else { throw fail("the number does not fit \(type)") }
            // Two's complement over 256 bits.
            let unsigned = v.sign == .minus ? (BigUInt(1) << 256) - v.magnitude : v.magnitude
            guard let word = unsigned.bigEndianBytes(paddedTo: 32) else {
                throw fail("the number does not fit \(type)")
            }
            return word
        }
        throw EIP712Error(code: .eip712UnknownType, path: path, reason: "unknown type \(type)")
    }

    private static func bytes(_ value: EIP712Value, _ fail: (String) -> EIP712Error) throws(EIP712Error) -> [UInt8] {
        switch value {
        case .bytes(let b): return b
        case .string(let s):
            do { return try Hex.decode(s, requirePrefix: true) } catch {
                throw fail("expected 0x hex bytes: \(error.detail)")
            }
        default: throw fail("expected bytes")
        }
    }

    private static func integer(_ value: EIP712Value, _ fail: (String) -> EIP712Error) throws(EIP712Error) -> BigInt {
        switch value {
        case .uint(let u): return BigInt(u)
        case .int(let i): return i
        case .string(let s):
            // The same integer text as the JSON mapping of ABI values.
            guard let (negative, magnitude) = IntegerText.parse(Substring(s)) else {
                throw fail("not an integer (decimal or 0x hex)")
            }
            return negative ? -BigInt(magnitude) : BigInt(magnitude)
        default: throw fail("expected an integer")
        }
    }
}
