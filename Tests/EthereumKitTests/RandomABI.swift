import BigInt
import EthereumKit
import TestSupport

/// Random ABI types and values of them, from a seeded generator (reproducible failures).
struct RandomABI {
    var rng: SeededRandom

    init(seed: UInt64) { rng = SeededRandom(state: seed) }

    mutating func int(_ range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &rng) }
    mutating func chance(_ p: Double) -> Bool { Double.random(in: 0..<1, using: &rng) < p }
    mutating func bytes(_ n: Int) -> [UInt8] { (0..<n).map { _ in UInt8.random(in: 0...255, using: &rng) } }

    /// A type nested at most `depth` levels: elementary types, arrays, fixed arrays and tuples.
    mutating func type(depth: Int = 3) -> ABIType {
        let composite = depth > 0 && chance(0.3)
        if !composite {
            switch int(0...6) {
            case 0: return .uint(8 * int(1...32))
            case 1: return .int(8 * int(1...32))
            case 2: return .address
            case 3: return .bool
            case 4: return .fixedBytes(int(1...32))
            case 5: return .bytes
            default: return .string
            }
        }
        switch int(0...2) {
        case 0: return .array(type(depth: depth - 1))
        case 1: return .fixedArray(type(depth: depth - 1), int(1...3))
        default:
            let n = int(1...4)
            let types = (0..<n).map { _ in type(depth: depth - 1) }
            return .tuple(types, names: chance(0.5) ? (0..<n).map { "f\($0)" } : [])
        }
    }

    /// A number of `bits` bits at most, biased towards the edges (0, 1, the maximum).
    mutating func magnitude(bits: Int) -> BigUInt {
        switch int(0...4) {
        case 0: return 0
        case 1: return 1
        case 2: return (BigUInt(1) << bits) - 1
        default:
            let width = int(1...bits)
            return BigUInt(bigEndianBytes: bytes((width + 7) / 8)) & ((BigUInt(1) << width) - 1)
        }
    }

    /// A value that fits `type` (decodes back to itself).
    mutating func value(_ type: ABIType) -> ABIValue {
        switch type {
        case .uint(let bits): return .uint(magnitude(bits: bits))
        case .int(let bits):
            let m = magnitude(bits: bits - 1)
            if chance(0.5) { return .int(-BigInt(m) - 1) }
            return .int(BigInt(m))
        case .address: return .address(Address(bytes: bytes(20)) ?? .zero)
        case .bool: return .bool(chance(0.5))
        case .fixedBytes(let n): return .fixedBytes(bytes(n))
        case .bytes: return .bytes(bytes(int(0...70)))
        case .string:
            let alphabet = Array("abc XYZ 019 \"\\\n\t é€👍\u{0}\u{1f}")
            return .string(String((0..<int(0...20)).map { _ in alphabet[int(0...alphabet.count - 1)] }))
        case .array(let t): return .array((0..<int(0...3)).map { _ in value(t) })
        case .fixedArray(let t, let k): return .array((0..<k).map { _ in value(t) })
        case .tuple(let ts, _): return .tuple(ts.map { value($0) })
        }
    }
}
