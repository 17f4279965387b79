import Basics
import BigInt

/// The JSON form of ABI values: one mapping for `--json` output, JSON input and EIP-712 typed data.
///
/// | ABI type            | JSON written                      | JSON also read                          |
/// |---------------------|-----------------------------------|-----------------------------------------|
/// | `uint<M>`, `int<M>` | decimal string `"1000"`, `"-5"`   | JSON integer `1000`, hex string `"0x3e8"` |
/// | `address`           | EIP-55 string `"0x52908400…"`     | all-lower/all-upper hex (mixed case must be a valid checksum) |
/// | `bool`              | `true` / `false`                  |                                         |
/// | `bytes`, `bytes<M>` | `"0x…"` lower-case hex            | upper-case hex digits                   |
/// | `string`            | JSON string                       |                                         |
/// | `T[]`, `T[k]`       | JSON array                        |                                         |
/// | tuples              | JSON array in component order     |                                         |
///
/// Integers are strings because JSON numbers lose precision above 2^53 in most readers. Writing is as
/// strict as encoding (`ABI.encode`): a `.int` is not written for a `uint` type; and what is written
/// reads back to the same value.
extension ABIValue {
    /// This value as compact JSON text for `type`; refused exactly when `ABI.encode` refuses it.
    public func jsonText(as type: ABIType) throws(ABIEncodingError) -> String {
        _ = try ABI.encode(type, self)
        var out = ""
        ABIJSONWriter.write(self, into: &out)
        return out
    }

    /// Reads a value of `type` from JSON text (a whole document holding one value).
    public init(jsonText: String, as type: ABIType) throws(ABIJSONValueError) {
        let node: JSONNode
        do { node = try JSONDocumentParser.parse(jsonText) } catch {
            throw ABIJSONValueError(
                code: .abiJSONSyntax, path: ABIPath(), line: error.line, column: error.column,
                reason: "not valid JSON: \(error.message)")
        }
        try self.init(json: node, as: type)
    }

    /// Reads a value of `type` from a parsed JSON node (part of a larger document, say).
    public init(json: JSONNode, as type: ABIType) throws(ABIJSONValueError) {
        if let e = type.validationError {
            throw ABIJSONValueError(path: ABIPath(), line: json.line, column: json.column, reason: "invalid type: \(e)")
        }
        self = try ABIJSONReader.value(json, type, depth: 0)
    }
}

extension ABIDecodedValues {
    /// The values as JSON: an object by parameter name when every parameter has a distinct name,
    /// otherwise an array in order.
    public func jsonText() throws(ABIEncodingError) -> String {
        let names = parameters.map(\.name)
        let named = !names.contains("") && Set(names).count == names.count
        var parts: [String] = []
        for (i, p) in parameters.enumerated() {
            let v = try values[i].jsonText(as: p.type)
            parts.append(named ? ABIJSONWriter.quoted(p.name) + ":" + v : v)
        }
        return named ? "{" + parts.joined(separator: ",") + "}" : "[" + parts.joined(separator: ",") + "]"
    }
}

enum ABIJSONWriter {
    static func write(_ value: ABIValue, into out: inout String) {
        switch value {
        case .uint(let v): out += "\"" + String(v) + "\""
        case .int(let v): out += "\"" + String(v) + "\""
        case .address(let a): out += "\"" + a.checksummed + "\""
        case .bool(let b): out += b ? "true" : "false"
        case .fixedBytes(let b), .bytes(let b): out += "\"" + Hex.encode(b) + "\""
        case .string(let s): out += quoted(s)
        case .array(let vs), .tuple(let vs):
            out += "["
            for (i, v) in vs.enumerated() {
                if i > 0 { out += "," }
                write(v, into: &out)
            }
            out += "]"
        }
    }

    /// A JSON string literal (RFC 8259).
    static func quoted(_ s: String) -> String { JSONString.quoted(s) }
}

/// JSON → ABIValue, also used for the atomic fields of EIP-712 typed data.
enum ABIJSONReader {
    static func value(_ node: JSONNode, _ type: ABIType, depth: Int) throws(ABIJSONValueError) -> ABIValue {
        func fail(_ reason: String) -> ABIJSONValueError {
            ABIJSONValueError(path: ABIPath(), line: node.line, column: node.column, reason: reason)
        }
        func expected(_ what: String) -> ABIJSONValueError {
            fail("expected \(what) for \(type.canonical), found \(node.value.typeName)")
        }
        guard depth < ABISignatureParser.maxDepth else { throw fail("values nested too deeply") }
        switch type {
        case .uint(let bits):
            let (negative, magnitude) = try integer(node.value, fail, expected)
            guard !negative || magnitude.isZero, magnitude.bitWidth <= bits else {
                throw fail("the number does not fit in \(type.canonical)")
            }
            return .uint(magnitude)
        case .int(let bits):
            let (negative, magnitude) = try integer(node.value, fail, expected)
            let v = negative ? -BigInt(magnitude) : BigInt(magnitude)
            let limit = BigInt(1) << (bits - 1)
            guard v >= -limit && v < limit else { throw fail("the number is out of range for \(type.canonical)") }
            return .int(v)
        case .address:
            guard case .string(let s) = node.value else { throw expected("a 0x address string") }
            do { return .address(try Address(s)) } catch { throw fail("not an address: \(error.detail)") }
        case .bool:
            guard case .bool(let b) = node.value else { throw expected("true or false") }
            return .bool(b)
        case .fixedBytes(let n):
            let b = try bytes(node.value, fail, expected)
            guard b.count == n else { throw fail("\(type.canonical) needs exactly \(n) bytes, found \(b.count)") }
            return .fixedBytes(b)
        case .bytes:
            return .bytes(try bytes(node.value, fail, expected))
        case .string:
            guard case .string(let s) = node.value else { throw expected("a string") }
            return .string(s)
        case .array(let element):
            guard case .array(let items) = node.value else { throw expected("an array") }
            return .array(try elements(items, element, depth: depth))
        case .fixedArray(let element, let k):
            guard case .array(let items) = node.value else { throw expected("an array") }
            guard items.count == k else {
                throw fail("\(type.canonical) needs exactly \(k) elements, found \(items.count)")
            }
            return .array(try elements(items, element, depth: depth))
        case .tuple(let types, _):
            guard case .array(let items) = node.value else { throw expected("an array of the tuple's components") }
            guard items.count == types.count else {
                throw fail("\(type.canonical) has \(types.count) components, found \(items.count)")
            }
            let names = type.componentNames
            var values: [ABIValue] = []
            for (i, item) in items.enumerated() {
                do { values.append(try value(item, types[i], depth: depth + 1)) } catch {
                    throw prefixed(error, .field(names[i].isEmpty ? String(i) : names[i]))
                }
            }
            return .tuple(values)
        }
    }

    private static func elements(_ items: [JSONNode], _ element: ABIType, depth: Int) throws(ABIJSONValueError)
        -> [ABIValue]
    {
        var values: [ABIValue] = []
        values.reserveCapacity(items.count)
        for (i, item) in items.enumerated() {
            do { values.append(try value(item, element, depth: depth + 1)) } catch {
                throw prefixed(error, .index(i))
            }
        }
        return values
    }

    private static func prefixed(_ e: ABIJSONValueError, _ c: ABIPath.Component) -> ABIJSONValueError {
        var path = e.path
        path.prepend(c)
        return ABIJSONValueError(code: e.code, path: path, line: e.line, column: e.column, reason: e.reason)
    }

    /// A JSON integer, a decimal string (`"-12"`) or a hex string (`"0x1f"`, `"-0x1f"`): sign and magnitude.
    static func integer(
        _ value: JSONValue, _ fail: (String) -> ABIJSONValueError, _ expected: (String) -> ABIJSONValueError
    ) throws(ABIJSONValueError) -> (Bool, BigUInt) {
        let text: Substring
        switch value {
        case .number(let n): text = Substring(n)
        case .string(let s): text = Substring(s)
        default: throw expected("an integer (a decimal string)")
        }
        let parsed = IntegerText.parse(text)
        guard let (negative, magnitude) = parsed else {
            throw fail("not an integer (a decimal string such as \"1000\", or 0x hex; no fraction or exponent)")
        }
        return (negative, magnitude)
    }

    static func bytes(
        _ value: JSONValue, _ fail: (String) -> ABIJSONValueError, _ expected: (String) -> ABIJSONValueError
    ) throws(ABIJSONValueError) -> [UInt8] {
        guard case .string(let s) = value else { throw expected("a 0x hex string") }
        do { return try Hex.decode(s, requirePrefix: true) } catch { throw fail("not 0x hex: \(error.detail)") }
    }
}

/// Integer text as JSON and EIP-712 typed data write it: decimal (`"-12"`) or hex (`"0x1f"`, `"-0x1f"`),
/// no sign but `-`, no spaces, fraction or exponent. At most 160 digits, so a huge string cannot stall
/// the parser (any value that long is out of range for every ABI integer anyway).
enum IntegerText {
    static func parse(_ text: Substring) -> (negative: Bool, magnitude: BigUInt)? {
        var body = text
        let negative = body.hasPrefix("-")
        if negative { body = body.dropFirst() }
        if body.hasPrefix("0x") || body.hasPrefix("0X") {
            let digits = body.dropFirst(2)
            guard !digits.isEmpty, digits.utf8.count <= 160, digits.utf8.allSatisfy({ Hex.nibble($0) != nil }),
                let v = BigUInt(digits, radix: 16)
            else { return nil }
            return (negative, v)
        }
        guard !body.isEmpty, body.utf8.count <= 160, body.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
            let v = BigUInt(body, radix: 10)
        else { return nil }
        return (negative, v)
    }
}
