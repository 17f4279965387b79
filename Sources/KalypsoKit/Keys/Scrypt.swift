import Crypto
import _CryptoExtras

/// scrypt (RFC 7914) for the parameters BoringSSL refuses.
///
/// BoringSSL (under swift-crypto's `KDF.Scrypt`) enforces RFC 7914's "N < 2^(128·r/8)", so r = 1 allows
/// N only below 2^16. Web3 keystores do not follow that rule: the Web3 Secret Storage definition's own
/// scrypt test vector has N = 2^18, r = 1, and geth and eth-account read such files. This implementation
/// covers exactly those files; everything else goes through BoringSSL.
enum Scrypt {
    /// Whether BoringSSL refuses `n` for `r` (and this implementation must be used).
    static func beyondRFCLimit(n: Int, r: Int) -> Bool { 16 * r <= 63 && n >= 1 << (16 * r) }

    static func derive(password: [UInt8], salt: [UInt8], n: Int, r: Int, p: Int, dklen: Int) throws -> [UInt8] {
        let blockWords = 32 * r
        var b = try pbkdf2(password, salt, count: p * 128 * r)
        defer { wipeSecret(&b) }
        let words = UnsafeMutablePointer<UInt32>.allocate(capacity: blockWords * (n + 3))
        defer {
            wipeSecret(UnsafeMutableRawBufferPointer(start: words, count: blockWords * (n + 3) * 4))
            words.deallocate()
        }
        let x = words
        let y = words + blockWords
        let t = words + 2 * blockWords
        let v = words + 3 * blockWords
        for chunk in 0..<p {
            let base = chunk * 128 * r
            for i in 0..<blockWords {
                let o = base + 4 * i
                x[i] = UInt32(b[o]) | UInt32(b[o + 1]) << 8 | UInt32(b[o + 2]) << 16 | UInt32(b[o + 3]) << 24
            }
            for i in 0..<n {
                (v + i * blockWords).update(from: x, count: blockWords)
                blockMix(x, y, t, r: r)
            }
            for _ in 0..<n {
                let j = Int(x[(2 * r - 1) * 16]) & (n - 1)
                let vj = v + j * blockWords
                for k in 0..<blockWords { x[k] ^= vj[k] }
                blockMix(x, y, t, r: r)
            }
            for i in 0..<blockWords {
                let o = base + 4 * i
                let w = x[i]
                b[o] = UInt8(truncatingIfNeeded: w)
                b[o + 1] = UInt8(truncatingIfNeeded: w >> 8)
                b[o + 2] = UInt8(truncatingIfNeeded: w >> 16)
                b[o + 3] = UInt8(truncatingIfNeeded: w >> 24)
            }
        }
        return try pbkdf2(password, b, count: dklen)
    }

    static func pbkdf2(_ password: [UInt8], _ salt: [UInt8], count: Int) throws -> [UInt8] {
        try KDF.Insecure.PBKDF2.deriveKey(
            from: password, salt: salt, using: .sha256, outputByteCount: count, unsafeUncheckedRounds: 1
        ).withUnsafeBytes { Array($0) }
    }

    /// BlockMix with Salsa20/8 over 2r 16-word chunks of `b` (in place; `y` and `t` are scratch).
    static func blockMix(
        _ b: UnsafeMutablePointer<UInt32>, _ y: UnsafeMutablePointer<UInt32>, _ t: UnsafeMutablePointer<UInt32>,
        r: Int
    ) {
        t.update(from: b + (2 * r - 1) * 16, count: 16)
        for i in 0..<(2 * r) {
            let bi = b + i * 16
            for k in 0..<16 { t[k] ^= bi[k] }
            salsa208(t)
            // Even chunks go to the first half of the output, odd ones to the second.
            (y + ((i & 1) * r + (i >> 1)) * 16).update(from: t, count: 16)
        }
        b.update(from: y, count: 32 * r)
    }

    @inline(__always) static func rotl(_ x: UInt32, _ n: UInt32) -> UInt32 { (x << n) | (x >> (32 - n)) }

    /// The Salsa20/8 core, in place.
    static func salsa208(_ s: UnsafeMutablePointer<UInt32>) {
        var x0 = s[0], x1 = s[1], x2 = s[2], x3 = s[3], x4 = s[4], x5 = s[5], x6 = s[6], x7 = s[7]
        var x8 = s[8], x9 = s[9], x10 = s[10], x11 = s[11], x12 = s[12], x13 = s[13], x14 = s[14], x15 = s[15]
        for _ in 0..<4 {
            x4 ^= rotl(x0 &+ x12, 7)
            x8 ^= rotl(x4 &+ x0, 9)
            x12 ^= rotl(x8 &+ x4, 13)
            x0 ^= rotl(x12 &+ x8, 18)
            x9 ^= rotl(x5 &+ x1, 7)
            x13 ^= rotl(x9 &+ x5, 9)
            x1 ^= rotl(x13 &+ x9, 13)
            x5 ^= rotl(x1 &+ x13, 18)
            x14 ^= rotl(x10 &+ x6, 7)
            x2 ^= rotl(x14 &+ x10, 9)
            x6 ^= rotl(x2 &+ x14, 13)
            x10 ^= rotl(x6 &+ x2, 18)
            x3 ^= rotl(x15 &+ x11, 7)
            x7 ^= rotl(x3 &+ x15, 9)
            x11 ^= rotl(x7 &+ x3, 13)
            x15 ^= rotl(x11 &+ x7, 18)
            x1 ^= rotl(x0 &+ x3, 7)
            x2 ^= rotl(x1 &+ x0, 9)
            x3 ^= rotl(x2 &+ x1, 13)
            x0 ^= rotl(x3 &+ x2, 18)
            x6 ^= rotl(x5 &+ x4, 7)
            x7 ^= rotl(x6 &+ x5, 9)
            x4 ^= rotl(x7 &+ x6, 13)
            x5 ^= rotl(x4 &+ x7, 18)
            x11 ^= rotl(x10 &+ x9, 7)
            x8 ^= rotl(x11 &+ x10, 9)
            x9 ^= rotl(x8 &+ x11, 13)
            x10 ^= rotl(x9 &+ x8, 18)
            x12 ^= rotl(x15 &+ x14, 7)
            x13 ^= rotl(x12 &+ x15, 9)
            x14 ^= rotl(x13 &+ x12, 13)
            x15 ^= rotl(x14 &+ x13, 18)
        }
        s[0] &+= x0
        s[1] &+= x1
        s[2] &+= x2
        s[3] &+= x3
        s[4] &+= x4
        s[5] &+= x5
        s[6] &+= x6
        s[7] &+= x7
        s[8] &+= x8
        s[9] &+= x9
        s[10] &+= x10
        s[11] &+= x11
        s[12] &+= x12
        s[13] &+= x13
        s[14] &+= x14
        s[15] &+= x15
    }
}
