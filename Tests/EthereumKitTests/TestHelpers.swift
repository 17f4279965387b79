import EthereumKit
import Foundation

/// An RLP tree as the reference scripts print it: a hex string (bytes) or an array (list).
indirect enum JSONTree: Decodable, Equatable {
    case bytes(String)
    case list([JSONTree])

    init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let s = try? c.decode(String.self) { self = .bytes(s) } else { self = .list(try c.decode([JSONTree].self)) }
    }

    func rlpItem() throws -> RLPItem {
        switch self {
        case .bytes(let s): return .bytes(try Hex.decode(s))
        case .list(let l): return .list(try l.map { try $0.rlpItem() })
        }
    }
}

func hex(_ s: String) -> [UInt8] {
    do { return try Hex.decode(s) } catch { fatalError("bad hex literal in a test: \(s)") }
}

/// Typed-data JSON as the reference script prints it (strings, bools, arrays, objects).
indirect enum JSONValue: Decodable {
    case string(String)
    case bool(Bool)
    case array([JSONValue])
    case object([String: JSONValue])

    init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let b = try? c.decode(Bool.self) {
            self = .bool(b)
        } else if let s = try? c.decode(String.self) {
            self = .string(s)
        } else if let a = try? c.decode([JSONValue].self) {
            self = .array(a)
        } else {
            self = .object(try c.decode([String: JSONValue].self))
        }
    }

    var eip712: EIP712Value {
        switch self {
        case .string(let s): return .string(s)
        case .bool(let b): return .bool(b)
        case .array(let a): return .array(a.map(\.eip712))
        case .object(let o): return .object(o.mapValues(\.eip712))
        }
    }

    var eip712Object: [String: EIP712Value] {
        if case .object(let o) = self { return o.mapValues(\.eip712) }
        return [:]
    }
}
