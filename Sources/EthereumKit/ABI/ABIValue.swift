import BigInt

/// A value of some `ABIType`; arrays (fixed or dynamic) and tuples hold their elements in order.
public indirect enum ABIValue: Sendable, Hashable, CustomStringConvertible {
    case uint(BigUInt)
    case int(BigInt)
    case address(Address)
    case bool(Bool)
    /// `bytes<M>`: exactly M bytes.
    case fixedBytes([UInt8])
    case bytes([UInt8])
    case string(String)
    /// `T[]` and `T[k]`.
    case array([ABIValue])
    case tuple([ABIValue])

    public var uintValue: BigUInt? { if case .uint(let v) = self { return v }; return nil }
    public var intValue: BigInt? { if case .int(let v) = self { return v }; return nil }
    public var addressValue: Address? { if case .address(let v) = self { return v }; return nil }
    public var boolValue: Bool? { if case .bool(let v) = self { return v }; return nil }
    public var stringValue: String? { if case .string(let v) = self { return v }; return nil }
    /// The bytes of a `bytes` or `bytes<M>` value.
    public var bytesValue: [UInt8]? {
        switch self {
        case .bytes(let b), .fixedBytes(let b): return b
        default: return nil
        }
    }
    /// The elements of an array or tuple.
    public var elements: [ABIValue]? {
        switch self {
        case .array(let v), .tuple(let v): return v
        default: return nil
        }
    }

    /// Human-readable form without type information (tuples print positionally).
    public var description: String {
        var out = ""
        ABIFormatter.write(self, type: nil, into: &out)
        return out
    }

    /// Human-readable form that names tuple components from `type` (`(marketId: 1, prover: 0xAbC…)`).
    public func formatted(as type: ABIType) -> String {
        var out = ""
        ABIFormatter.write(self, type: type, into: &out)
        return out
    }
}

/// Renders values for operators: decimal integers, EIP-55 addresses, 0x hex bytes, quoted strings.
enum ABIFormatter {
    static func write(_ value: ABIValue, type: ABIType?, into out: inout String) {
        switch value {
        case .uint(let v): out += String(v)
        case .int(let v): out += String(v)
        case .address(let a): out += a.checksummed
        case .bool(let b): out += b ? "true" : "false"
        case .fixedBytes(let b), .bytes(let b): out += Hex.encode(b)
        case .string(let s): out += String(reflecting: s)
        case .array(let vs):
            var elementType: ABIType?
            switch type {
            case .array(let t)?, .fixedArray(let t, _)?: elementType = t
            default: elementType = nil
            }
            out += "["
            for (i, v) in vs.enumerated() {
                if i > 0 { out += ", " }
                write(v, type: elementType, into: &out)
            }
            out += "]"
        case .tuple(let vs):
            var types: [ABIType]? = nil
            var names: [String] = []
            if case .tuple(let ts, _)? = type, ts.count == vs.count {
                types = ts
                names = type?.componentNames ?? []
            }
            out += "("
            writeList(vs, types: types, names: names, into: &out)
            out += ")"
        }
    }

    /// `a: 1, b: 0x…` (names omitted where empty).
    static func writeList(_ values: [ABIValue], types: [ABIType]?, names: [String], into out: inout String) {
        for (i, v) in values.enumerated() {
            if i > 0 { out += ", " }
            if i < names.count, !names[i].isEmpty { out += names[i] + ": " }
            write(v, type: types.flatMap { i < $0.count ? $0[i] : nil }, into: &out)
        }
    }
}
