/// A Solidity ABI type: elementary types, arrays and tuples, nested to any depth.
///
/// Tuple component names are carried for display and error paths only: two types are equal when their
/// canonical forms are equal, whatever their names.
public indirect enum ABIType: Sendable, Hashable, CustomStringConvertible {
    /// `uint<M>`, M in 8...256, step 8.
    case uint(Int)
    /// `int<M>` (two's complement), M in 8...256, step 8.
    case int(Int)
    case address
    case bool
    /// `bytes<M>`, M in 1...32.
    case fixedBytes(Int)
    case bytes
    case string
    /// `T[]`.
    case array(ABIType)
    /// `T[k]`, k > 0.
    case fixedArray(ABIType, Int)
    /// `(T1,T2,…)`; `names` is empty or has one (possibly empty) name per component.
    case tuple([ABIType], names: [String] = [])

    public static let uint256 = ABIType.uint(256)
    public static let bytes32 = ABIType.fixedBytes(32)

    /// The canonical type string used in signatures (`(uint256,bytes)[2][]`).
    public var canonical: String {
        var out = ""
        writeCanonical(into: &out)
        return out
    }

    public var description: String { canonical }

    func writeCanonical(into out: inout String) {
        switch self {
        case .uint(let m): out += "uint\(m)"
        case .int(let m): out += "int\(m)"
        case .address: out += "address"
        case .bool: out += "bool"
        case .fixedBytes(let m): out += "bytes\(m)"
        case .bytes: out += "bytes"
        case .string: out += "string"
        case .array(let t):
            t.writeCanonical(into: &out)
            out += "[]"
        case .fixedArray(let t, let k):
            t.writeCanonical(into: &out)
            out += "[\(k)]"
        case .tuple(let ts, _):
            out += "("
            for (i, t) in ts.enumerated() {
                if i > 0 { out += "," }
                t.writeCanonical(into: &out)
            }
            out += ")"
        }
    }

    /// Whether the encoding is placed in the tail (referenced by an offset) rather than inline.
    package var isDynamic: Bool {
        switch self {
        case .uint, .int, .address, .bool, .fixedBytes: return false
        case .bytes, .string, .array: return true
        case .fixedArray(let t, _): return t.isDynamic
        case .tuple(let ts, _): return ts.contains { $0.isDynamic }
        }
    }

    /// Bytes this type takes in the head of its enclosing tuple: 32 for dynamic types, the whole
    /// encoding for static ones. Saturates instead of overflowing for absurd fixed-array sizes,
    /// so that bounds checks against real data fail cleanly.
    package var headSize: Int {
        switch self {
        case .uint, .int, .address, .bool, .fixedBytes, .bytes, .string, .array: return 32
        case .fixedArray(let t, let k):
            if t.isDynamic { return 32 }
            return ABIType.saturatingMultiply(t.headSize, k)
        case .tuple(let ts, _):
            if isDynamic { return 32 }
            return ts.reduce(0) { ABIType.saturatingAdd($0, $1.headSize) }
        }
    }

    /// Size of the head section of a tuple of `types` (where the tails start).
    static func headSize(of types: [ABIType]) -> Int {
        types.reduce(0) { saturatingAdd($0, $1.headSize) }
    }

    package static let sizeLimit = Int.max / 4

    static func saturatingAdd(_ a: Int, _ b: Int) -> Int {
        let (r, o) = a.addingReportingOverflow(b)
        return o || r > sizeLimit ? sizeLimit : r
    }

    static func saturatingMultiply(_ a: Int, _ b: Int) -> Int {
        let (r, o) = a.multipliedReportingOverflow(by: b)
        return o || r > sizeLimit || r < 0 ? sizeLimit : r
    }

    /// Tuple component names (empty strings where a component has none).
    public var componentNames: [String] {
        if case .tuple(let ts, let names) = self {
            return names.count == ts.count ? names : Array(repeating: "", count: ts.count)
        }
        return []
    }

    /// Why this type is not a valid ABI type, or nil when it is (M ranges, k > 0, names count).
    package var validationError: String? {
        switch self {
        case .uint(let m), .int(let m):
            if !(8...256).contains(m) || m % 8 != 0 {
                return "\(self.kindName)\(m): the bit size must be a multiple of 8 from 8 to 256"
            }
            return nil
        case .fixedBytes(let m):
            return (1...32).contains(m) ? nil : "bytes\(m): the size must be 1 to 32 bytes"
        case .address, .bool, .bytes, .string: return nil
        case .array(let t): return t.validationError
        case .fixedArray(let t, let k):
            if k <= 0 { return "\(canonical): a fixed array length must be greater than 0" }
            return t.validationError
        case .tuple(let ts, let names):
            if !names.isEmpty && names.count != ts.count {
                return "\(canonical): \(names.count) component names for \(ts.count) components"
            }
            for t in ts { if let e = t.validationError { return e } }
            return nil
        }
    }

    private var kindName: String {
        if case .int = self { return "int" }
        return "uint"
    }

    public static func == (a: ABIType, b: ABIType) -> Bool {
        switch (a, b) {
        case (.uint(let x), .uint(let y)), (.int(let x), .int(let y)), (.fixedBytes(let x), .fixedBytes(let y)):
            return x == y
        case (.address, .address), (.bool, .bool), (.bytes, .bytes), (.string, .string): return true
        case (.array(let x), .array(let y)): return x == y
        case (.fixedArray(let x, let k), .fixedArray(let y, let l)): return k == l && x == y
        case (.tuple(let xs, _), .tuple(let ys, _)): return xs == ys
        default: return false
        }
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(canonical)
    }
}
