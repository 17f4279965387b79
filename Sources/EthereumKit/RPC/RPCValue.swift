import Basics
import BigInt

/// A JSON value as JSON-RPC carries it: request parameters out, results in.
///
/// Numbers keep their text so nothing is lost to `Double`; Ethereum quantities travel as hex strings
/// anyway and are parsed strictly by the typed accessors.
public indirect enum RPCValue: Sendable, Hashable, CustomStringConvertible {
    case null
    case bool(Bool)
    case number(String)
    case string(String)
    case array([RPCValue])
    case object([String: RPCValue])

    /// An integer as a JSON number (ids, counts).
    public static func int(_ value: Int) -> RPCValue { .number(String(value)) }

    /// A QUANTITY: `0x` + minimal hex.
    public static func quantity(_ value: BigUInt) -> RPCValue { .string(Quantity.encode(value)) }
    public static func quantity(_ value: UInt64) -> RPCValue { .string(Quantity.encode(value)) }

    /// DATA: `0x` + hex of the bytes.
    public static func data(_ bytes: [UInt8]) -> RPCValue { .string(Hex.encode(bytes)) }

    /// An address, lower-case hex (nodes accept either case; EIP-55 is for people).
    public static func address(_ address: Address) -> RPCValue { .string(Hex.encode(address.bytes)) }

    /// The compact JSON text (object keys sorted, so equal values give equal bytes).
    public var jsonText: String {
        var out = ""
        write(to: &out)
        return out
    }

    public var description: String { jsonText }

    /// What kind of value this is, for messages ("a string", "null").
    public var typeName: String {
        switch self {
        case .null: return "null"
        case .bool: return "true/false"
        case .number: return "a number"
        case .string: return "a string"
        case .array: return "an array"
        case .object: return "an object"
        }
    }

    /// A short rendering for error messages: long strings and containers are cut.
    public var excerpt: String {
        let text = jsonText
        return text.count > 120 ? String(text.prefix(117)) + "..." : text
    }

    func write(to out: inout String) {
        switch self {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .number(let n): out += n
        case .string(let s): Self.writeString(s, to: &out)
        case .array(let items):
            out += "["
            for (i, item) in items.enumerated() {
                if i > 0 { out += "," }
                item.write(to: &out)
            }
            out += "]"
        case .object(let members):
            out += "{"
            for (i, key) in members.keys.sorted().enumerated() {
                if i > 0 { out += "," }
                Self.writeString(key, to: &out)
                out += ":"
                members[key, default: .null].write(to: &out)
            }
            out += "}"
        }
    }

    private static func writeString(_ s: String, to out: inout String) { JSONString.append(s, to: &out) }

    /// Parses JSON text (a node's answer).
    public static func parse(_ text: String) throws(JSONSyntaxError) -> RPCValue {
        RPCValue(try JSONDocumentParser.parse(text))
    }

    init(_ node: JSONNode) {
        switch node.value {
        case .null: self = .null
        case .bool(let b): self = .bool(b)
        case .number(let n): self = .number(n)
        case .string(let s): self = .string(s)
        case .array(let items): self = .array(items.map(RPCValue.init))
        case .object(let members):
            var dict: [String: RPCValue] = [:]
            // JSON-RPC objects never repeat keys; if a node does, the last one wins, as in JSON.parse.
            for m in members { dict[m.key] = RPCValue(m.value) }
            self = .object(dict)
        }
    }

    /// The member `key` of an object, nil for anything else or a missing key.
    public subscript(key: String) -> RPCValue? {
        if case .object(let members) = self { return members[key] }
        return nil
    }

    public var isNull: Bool { self == .null }
}
