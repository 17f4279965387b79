/// Keccak-256 as Ethereum uses it: the original Keccak padding (0x01), not FIPS-202 SHA3-256 (0x06).
///
/// Streaming: `var h = Keccak256(); h.update(a); h.update(b); let d = h.finalize()`.
public struct Keccak256: Sendable {
    public static let digestLength = 32
    static let rate = 136

    private var state = [UInt64](repeating: 0, count: 25)
    private var buffer = [UInt8](repeating: 0, count: 136)
    private var buffered = 0

    public init() {}

    /// One-shot hash.
    public static func hash<C: Collection>(_ data: C) -> [UInt8] where C.Element == UInt8 {
        var h = Keccak256()
        h.update(data)
        return h.finalize()
    }

    /// One-shot hash of a string's UTF-8 bytes.
    public static func hash(utf8 string: String) -> [UInt8] { hash(Array(string.utf8)) }

    public mutating func update<C: Collection>(_ data: C) where C.Element == UInt8 {
        for byte in data {
            buffer[buffered] = byte
            buffered += 1
            if buffered == Self.rate {
                absorbBuffer()
            }
        }
    }

    /// Pads, absorbs the last block and returns the 32-byte digest. The hasher must not be reused.
    public mutating func finalize() -> [UInt8] {
        for i in buffered..<Self.rate { buffer[i] = 0 }
        buffer[buffered] ^= 0x01
        buffer[Self.rate - 1] ^= 0x80
        absorbBuffer()
        var out = [UInt8]()
        out.reserveCapacity(32)
        for lane in 0..<4 {
            var v = state[lane]
            for _ in 0..<8 {
                out.append(UInt8(truncatingIfNeeded: v))
                v >>= 8
            }
        }
        return out
    }

    private mutating func absorbBuffer() {
        for lane in 0..<(Self.rate / 8) {
            var v: UInt64 = 0
            for k in 0..<8 { v |= UInt64(buffer[lane * 8 + k]) << (8 * UInt64(k)) }
            state[lane] ^= v
        }
        Self.permute(&state)
        buffered = 0
    }

    private static let roundConstants: [UInt64] = [
        0x0000_0000_0000_0001, 0x0000_0000_0000_8082, 0x8000_0000_0000_808a, 0x8000_0000_8000_8000,
        0x0000_0000_0000_808b, 0x0000_0000_8000_0001, 0x8000_0000_8000_8081, 0x8000_0000_0000_8009,
        0x0000_0000_0000_008a, 0x0000_0000_0000_0088, 0x0000_0000_8000_8009, 0x0000_0000_8000_000a,
        0x0000_0000_8000_808b, 0x8000_0000_0000_008b, 0x8000_0000_0000_8089, 0x8000_0000_0000_8003,
        0x8000_0000_0000_8002, 0x8000_0000_0000_0080, 0x0000_0000_0000_800a, 0x8000_0000_8000_000a,
        0x8000_0000_8000_8081, 0x8000_0000_0000_8080, 0x0000_0000_8000_0001, 0x8000_0000_8000_8008,
    ]
    private static let rotations: [UInt64] = [1, 3, 6, 10, 15, 21, 28, 36, 45, 55, 2, 14, 27, 41, 56, 8, 25, 43, 62, 18, 39, 61, 20, 44]
    private static let piLane: [Int] = [10, 7, 11, 17, 18, 3, 5, 16, 8, 21, 24, 4, 15, 23, 19, 13, 12, 2, 20, 14, 22, 9, 6, 1]

    @inline(__always) private static func rotl(_ x: UInt64, _ n: UInt64) -> UInt64 { (x << n) | (x >> (64 - n)) }

    /// Keccak-f[1600].
    static func permute(_ s: inout [UInt64]) {
        var c = [UInt64](repeating: 0, count: 5)
        for round in 0..<24 {
            for i in 0..<5 { c[i] = s[i] ^ s[i + 5] ^ s[i + 10] ^ s[i + 15] ^ s[i + 20] }
            for i in 0..<5 {
                let d = c[(i + 4) % 5] ^ rotl(c[(i + 1) % 5], 1)
                var j = 0
                while j < 25 { s[j + i] ^= d; j += 5 }
            }
            var t = s[1]
            for i in 0..<24 {
                let j = piLane[i]
                let tmp = s[j]
                s[j] = rotl(t, rotations[i])
                t = tmp
            }
            var j = 0
            while j < 25 {
                for i in 0..<5 { c[i] = s[j + i] }
                for i in 0..<5 { s[j + i] ^= (~c[(i + 1) % 5]) & c[(i + 2) % 5] }
                j += 5
            }
            s[0] ^= roundConstants[round]
        }
    }
}
