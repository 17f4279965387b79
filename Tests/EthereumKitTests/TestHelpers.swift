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
