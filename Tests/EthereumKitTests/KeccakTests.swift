import EthereumKit
import TestSupport
import Testing

@Suite struct KeccakTests {
    static func pattern(_ n: Int) -> [UInt8] { (0..<n).map { UInt8(truncatingIfNeeded: $0 * 7 + 3) } }

    // Published Keccak-256 vectors (as used by Ethereum / eth-hash), not SHA3-256.
    @Test func emptyString() {
        #expect(Keccak256.hash([]).hexString == "0xc5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470")
    }

    @Test func abc() {
        #expect(
            Keccak256.hash(utf8: "abc").hexString
                == "0x4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45")
    }

    @Test func standardInputs() {
        #expect(
            Keccak256.hash(utf8: "The quick brown fox jumps over the lazy dog").hexString
                == "0x4d741b6f1eb29cb2a9b9911c82f56fa8d73b04959d3d9d222895df6c0b28aa15")
        #expect(
            Keccak256.hash(utf8: "hello").hexString
                == "0x1c8aff950685c2ed4bc3174f3472287b56d9517b9c948127319a09a7a36deac8")
        // SHA3-256("") is a7ffc6f8…; Keccak must differ.
        #expect(!Keccak256.hash([]).hexString.hasPrefix("0xa7ffc6f8"))
    }

    /// Block boundaries (135/136/137, 271/272/273) and multi-block inputs against pycryptodome + eth-hash.
    @Test func lengthsAgainstReference() throws {
        let expected = try Python.json([String: String].self, script: "Tests/EthereumKitTests/reference/core_keccak.py")
        #expect(expected.count >= 19)
        for (n, digest) in expected {
            let len = try #require(Int(n))
            #expect(Keccak256.hash(Self.pattern(len)).hexString == digest, "length \(len)")
        }
    }

    @Test func streamingSplitAtEveryOffsetEqualsOneShot() {
        let data = Self.pattern(300)
        let oneShot = Keccak256.hash(data)
        for cut in 0...data.count {
            var h = Keccak256()
            h.update(data[..<cut])
            h.update(data[cut...])
            #expect(h.finalize() == oneShot, "split at \(cut)")
        }
        // Three pieces around the block boundary, and byte-by-byte.
        for a in stride(from: 0, through: 300, by: 17) {
            for b in stride(from: a, through: 300, by: 23) {
                var h = Keccak256()
                h.update(data[..<a])
                h.update(data[a..<b])
                h.update(data[b...])
                #expect(h.finalize() == oneShot, "split at \(a), \(b)")
            }
        }
        var h = Keccak256()
        for byte in data { h.update([byte]) }
        #expect(h.finalize() == oneShot)
    }

    @Test func nonContiguousCollections() {
        let data = Self.pattern(500)
        #expect(Keccak256.hash(data.lazy.map { $0 }) == Keccak256.hash(data))
        #expect(Keccak256.hash(utf8: "abc") == Keccak256.hash(Array("abc".utf8)))
    }
}
