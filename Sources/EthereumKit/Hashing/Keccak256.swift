/// Keccak-256 as Ethereum uses it: the original Keccak padding (0x01), not FIPS-202 SHA3-256 (0x06).
///
/// Streaming: `var h = Keccak256(); h.update(a); h.update(b); let d = h.finalize()`.
/// The state and the partial-block buffer are fixed-size inline storage (no arrays, no bounds checks,
/// no heap traffic), whole blocks are absorbed straight from the caller's memory as 8-byte lanes, and
/// the permutation is unrolled over locals; see Benchmarks/ethereum.md for the figures.
public struct Keccak256: Sendable {
    public static let digestLength = 32
    /// Bytes absorbed per permutation: (1600 - 2 * 256) / 8.
    static let rate = 136

    struct State: Sendable {
        var l0: UInt64 = 0
        var l1: UInt64 = 0
        var l2: UInt64 = 0
        var l3: UInt64 = 0
        var l4: UInt64 = 0
        var l5: UInt64 = 0
        var l6: UInt64 = 0
        var l7: UInt64 = 0
        var l8: UInt64 = 0
        var l9: UInt64 = 0
        var l10: UInt64 = 0
        var l11: UInt64 = 0
        var l12: UInt64 = 0
        var l13: UInt64 = 0
        var l14: UInt64 = 0
        var l15: UInt64 = 0
        var l16: UInt64 = 0
        var l17: UInt64 = 0
        var l18: UInt64 = 0
        var l19: UInt64 = 0
        var l20: UInt64 = 0
        var l21: UInt64 = 0
        var l22: UInt64 = 0
        var l23: UInt64 = 0
        var l24: UInt64 = 0
    }

    /// 136 bytes as 17 lanes, so the buffer has the same alignment as the state.
    typealias Block = (
        UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64,
        UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64
    )

    private var state = State()
    private var buffer: Block = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
    private var buffered = 0

    public init() {}

    /// One-shot hash.
    public static func hash<C: Collection>(_ data: C) -> [UInt8] where C.Element == UInt8 {
        var h = Keccak256()
        h.update(data)
        return h.finalize()
    }

    /// One-shot hash of an array (non-generic, so callers in other modules skip generic dispatch).
    public static func hash(_ data: [UInt8]) -> [UInt8] {
        var h = Keccak256()
        data.withUnsafeBytes { h.update($0) }
        return h.finalize()
    }

    /// One-shot hash of a string's UTF-8 bytes.
    public static func hash(utf8 string: String) -> [UInt8] {
        var h = Keccak256()
        var s = string
        s.withUTF8 { h.update(UnsafeRawBufferPointer($0)) }
        return h.finalize()
    }

    /// Absorbs `data`; may be called any number of times before `finalize()`.
    public mutating func update<C: Collection>(_ data: C) where C.Element == UInt8 {
        let done: Void? = data.withContiguousStorageIfAvailable { update(UnsafeRawBufferPointer($0)) }
        if done == nil {
            let copy = Array(data)
            copy.withUnsafeBytes { update($0) }
        }
    }

    /// Absorbs an array.
    public mutating func update(_ data: [UInt8]) {
        data.withUnsafeBytes { update($0) }
    }

    /// Absorbs raw bytes.
    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        guard var p = bytes.baseAddress, bytes.count > 0 else { return }
        var remaining = bytes.count
        let rate = Self.rate
        if buffered > 0 {
            let n = min(rate - buffered, remaining)
            let offset = buffered
            withUnsafeMutableBytes(of: &buffer) { b in
                b.baseAddress.unsafelyUnwrapped.advanced(by: offset).copyMemory(from: p, byteCount: n)
            }
            buffered += n
            p += n
            remaining -= n
            guard buffered == rate else { return }
            withUnsafeBytes(of: buffer) { b in Self.absorb(&state, b.baseAddress.unsafelyUnwrapped) }
            buffered = 0
        }
        while remaining >= rate {
            Self.absorb(&state, p)
            p += rate
            remaining -= rate
        }
        if remaining > 0 {
            let n = remaining
            withUnsafeMutableBytes(of: &buffer) { b in
                b.baseAddress.unsafelyUnwrapped.copyMemory(from: p, byteCount: n)
            }
            buffered = n
        }
    }

    /// Pads, absorbs the last block and returns the 32-byte digest. The hasher must not be reused.
    public mutating func finalize() -> [UInt8] {
        let used = buffered
        withUnsafeMutableBytes(of: &buffer) { b in
            for i in used..<Self.rate { b[i] = 0 }
            b[used] ^= 0x01
            b[Self.rate - 1] ^= 0x80
        }
        withUnsafeBytes(of: buffer) { b in Self.absorb(&state, b.baseAddress.unsafelyUnwrapped) }
        buffered = 0
        let s = state
        return [UInt8](unsafeUninitializedCapacity: 32) { out, count in
            let raw = UnsafeMutableRawBufferPointer(out)
            raw.storeBytes(of: s.l0.littleEndian, toByteOffset: 0, as: UInt64.self)
            raw.storeBytes(of: s.l1.littleEndian, toByteOffset: 8, as: UInt64.self)
            raw.storeBytes(of: s.l2.littleEndian, toByteOffset: 16, as: UInt64.self)
            raw.storeBytes(of: s.l3.littleEndian, toByteOffset: 24, as: UInt64.self)
            count = 32
        }
    }

    /// XORs one 136-byte block (read as little-endian lanes, any alignment) into the state and permutes.
    @inline(__always)
    private static func absorb(_ s: inout State, _ p: UnsafeRawPointer) {
        s.l0 ^= UInt64(littleEndian: p.loadUnaligned(fromByteOffset: 0, as: UInt64.self))
        s.l1 ^= UInt64(littleEndian: p.loadUnaligned(fromByteOffset: 8, as: UInt64.self))
        s.l2 ^= UInt64(littleEndian: p.loadUnaligned(fromByteOffset: 16, as: UInt64.self))
        s.l3 ^= UInt64(littleEndian: p.loadUnaligned(fromByteOffset: 24, as: UInt64.self))
        s.l4 ^= UInt64(littleEndian: p.loadUnaligned(fromByteOffset: 32, as: UInt64.self))
        s.l5 ^= UInt64(littleEndian: p.loadUnaligned(fromByteOffset: 40, as: UInt64.self))
        s.l6 ^= UInt64(littleEndian: p.loadUnaligned(fromByteOffset: 48, as: UInt64.self))
        s.l7 ^= UInt64(littleEndian: p.loadUnaligned(fromByteOffset: 56, as: UInt64.self))
        s.l8 ^= UInt64(littleEndian: p.loadUnaligned(fromByteOffset: 64, as: UInt64.self))
        s.l9 ^= UInt64(littleEndian: p.loadUnaligned(fromByteOffset: 72, as: UInt64.self))
        s.l10 ^= UInt64(littleEndian: p.loadUnaligned(fromByteOffset: 80, as: UInt64.self))
        s.l11 ^= UInt64(littleEndian: p.loadUnaligned(fromByteOffset: 88, as: UInt64.self))
        s.l12 ^= UInt64(littleEndian: p.loadUnaligned(fromByteOffset: 96, as: UInt64.self))
        s.l13 ^= UInt64(littleEndian: p.loadUnaligned(fromByteOffset: 104, as: UInt64.self))
        s.l14 ^= UInt64(littleEndian: p.loadUnaligned(fromByteOffset: 112, as: UInt64.self))
        s.l15 ^= UInt64(littleEndian: p.loadUnaligned(fromByteOffset: 120, as: UInt64.self))
        s.l16 ^= UInt64(littleEndian: p.loadUnaligned(fromByteOffset: 128, as: UInt64.self))
        permute(&s)
    }

    private static let roundConstants: [UInt64] = [
        0x0000_0000_0000_0001, 0x0000_0000_0000_8082, 0x8000_0000_0000_808a, 0x8000_0000_8000_8000,
        0x0000_0000_0000_808b, 0x0000_0000_8000_0001, 0x8000_0000_8000_8081, 0x8000_0000_0000_8009,
        0x0000_0000_0000_008a, 0x0000_0000_0000_0088, 0x0000_0000_8000_8009, 0x0000_0000_8000_000a,
        0x0000_0000_8000_808b, 0x8000_0000_0000_008b, 0x8000_0000_0000_8089, 0x8000_0000_0000_8003,
        0x8000_0000_0000_8002, 0x8000_0000_0000_0080, 0x0000_0000_0000_800a, 0x8000_0000_8000_000a,
        0x8000_0000_8000_8081, 0x8000_0000_0000_8080, 0x0000_0000_8000_0001, 0x8000_0000_8000_8008,
    ]

    @inline(__always) private static func roundConstant(_ round: Int) -> UInt64 {
        roundConstants.withUnsafeBufferPointer { $0[round] }
    }

    @inline(__always) private static func rotl(_ x: UInt64, _ n: UInt64) -> UInt64 { (x &<< n) | (x &>> (64 &- n)) }

    /// Keccak-f[1600], one round per iteration over locals, row by row so few temporaries are live.
    ///
    /// Uses the lane-complementing transform from the Keccak team's implementation notes: lanes
    /// 1, 2, 8, 12, 17, 20 are kept inverted inside the loop, which turns 20 of the 25 NOTs of chi into
    /// AND/OR forms (the inversion is applied on entry and undone on exit). The column parities of the
    /// next round's theta are accumulated while each row is produced, while the new lanes are still in
    /// registers.
    @inline(__always)
    static func permute(_ s: inout State) {
        var a0 = s.l0
        var a1 = ~s.l1
        var a2 = ~s.l2
        var a3 = s.l3
        var a4 = s.l4
        var a5 = s.l5
        var a6 = s.l6
        var a7 = s.l7
        var a8 = ~s.l8
        var a9 = s.l9
        var a10 = s.l10
        var a11 = s.l11
        var a12 = ~s.l12
        var a13 = s.l13
        var a14 = s.l14
        var a15 = s.l15
        var a16 = s.l16
        var a17 = ~s.l17
        var a18 = s.l18
        var a19 = s.l19
        var a20 = ~s.l20
        var a21 = s.l21
        var a22 = s.l22
        var a23 = s.l23
        var a24 = s.l24
        var c0 = a0 ^ a5 ^ a10 ^ a15 ^ a20
        var c1 = a1 ^ a6 ^ a11 ^ a16 ^ a21
        var c2 = a2 ^ a7 ^ a12 ^ a17 ^ a22
        var c3 = a3 ^ a8 ^ a13 ^ a18 ^ a23
        var c4 = a4 ^ a9 ^ a14 ^ a19 ^ a24
        for round in 0..<24 {
            let d0 = c4 ^ rotl(c1, 1)
            let d1 = c0 ^ rotl(c2, 1)
            let d2 = c1 ^ rotl(c3, 1)
            let d3 = c2 ^ rotl(c4, 1)
            let d4 = c3 ^ rotl(c0, 1)
            let b0_0 = a0 ^ d0
            let b1_0 = rotl(a6 ^ d1, 44)
            let b2_0 = rotl(a12 ^ d2, 43)
            let b3_0 = rotl(a18 ^ d3, 21)
            let b4_0 = rotl(a24 ^ d4, 14)
            let e0 = b0_0 ^ (b1_0 | b2_0) ^ roundConstant(round)
            let e1 = b1_0 ^ (~b2_0 | b3_0)
            let e2 = b2_0 ^ (b3_0 & b4_0)
            let e3 = b3_0 ^ (b4_0 | b0_0)
            let e4 = b4_0 ^ (b0_0 & b1_0)
            c0 = e0
            c1 = e1
            c2 = e2
            c3 = e3
            c4 = e4
            let b0_1 = rotl(a3 ^ d3, 28)
            let b1_1 = rotl(a9 ^ d4, 20)
            let b2_1 = rotl(a10 ^ d0, 3)
            let b3_1 = rotl(a16 ^ d1, 45)
            let b4_1 = rotl(a22 ^ d2, 61)
            let e5 = b0_1 ^ (b1_1 | b2_1)
            let e6 = b1_1 ^ (b2_1 & b3_1)
            let e7 = b2_1 ^ (b3_1 | ~b4_1)
            let e8 = b3_1 ^ (b4_1 | b0_1)
            let e9 = b4_1 ^ (b0_1 & b1_1)
            c0 ^= e5
            c1 ^= e6
            c2 ^= e7
            c3 ^= e8
            c4 ^= e9
            let b0_2 = rotl(a1 ^ d1, 1)
            let b1_2 = rotl(a7 ^ d2, 6)
            let b2_2 = rotl(a13 ^ d3, 25)
            let b3_2 = rotl(a19 ^ d4, 8)
            let b4_2 = rotl(a20 ^ d0, 18)
            let e10 = b0_2 ^ (b1_2 | b2_2)
            let e11 = b1_2 ^ (b2_2 & b3_2)
            let e12 = b2_2 ^ (~b3_2 & b4_2)
            let e13 = ~b3_2 ^ (b4_2 | b0_2)
            let e14 = b4_2 ^ (b0_2 & b1_2)
            c0 ^= e10
            c1 ^= e11
            c2 ^= e12
            c3 ^= e13
            c4 ^= e14
            let b0_3 = rotl(a4 ^ d4, 27)
            let b1_3 = rotl(a5 ^ d0, 36)
            let b2_3 = rotl(a11 ^ d1, 10)
            let b3_3 = rotl(a17 ^ d2, 15)
            let b4_3 = rotl(a23 ^ d3, 56)
            let e15 = b0_3 ^ (b1_3 & b2_3)
            let e16 = b1_3 ^ (b2_3 | b3_3)
            let e17 = b2_3 ^ (~b3_3 | b4_3)
            let e18 = ~b3_3 ^ (b4_3 & b0_3)
            let e19 = b4_3 ^ (b0_3 | b1_3)
            c0 ^= e15
            c1 ^= e16
            c2 ^= e17
            c3 ^= e18
            c4 ^= e19
            let b0_4 = rotl(a2 ^ d2, 62)
            let b1_4 = rotl(a8 ^ d3, 55)
            let b2_4 = rotl(a14 ^ d4, 39)
            let b3_4 = rotl(a15 ^ d0, 41)
            let b4_4 = rotl(a21 ^ d1, 2)
            let e20 = b0_4 ^ (~b1_4 & b2_4)
            let e21 = ~b1_4 ^ (b2_4 | b3_4)
            let e22 = b2_4 ^ (b3_4 & b4_4)
            let e23 = b3_4 ^ (b4_4 | b0_4)
            let e24 = b4_4 ^ (b0_4 & b1_4)
            c0 ^= e20
            c1 ^= e21
            c2 ^= e22
            c3 ^= e23
            c4 ^= e24
            a0 = e0
            a1 = e1
            a2 = e2
            a3 = e3
            a4 = e4
            a5 = e5
            a6 = e6
            a7 = e7
            a8 = e8
            a9 = e9
            a10 = e10
            a11 = e11
            a12 = e12
            a13 = e13
            a14 = e14
            a15 = e15
            a16 = e16
            a17 = e17
            a18 = e18
            a19 = e19
            a20 = e20
            a21 = e21
            a22 = e22
            a23 = e23
            a24 = e24
        }
        s.l0 = a0
        s.l1 = ~a1
        s.l2 = ~a2
        s.l3 = a3
        s.l4 = a4
        s.l5 = a5
        s.l6 = a6
        s.l7 = a7
        s.l8 = ~a8
        s.l9 = a9
        s.l10 = a10
        s.l11 = a11
        s.l12 = ~a12
        s.l13 = a13
        s.l14 = a14
        s.l15 = a15
        s.l16 = a16
        s.l17 = ~a17
        s.l18 = a18
        s.l19 = a19
        s.l20 = ~a20
        s.l21 = a21
        s.l22 = a22
        s.l23 = a23
        s.l24 = a24
    }

}
