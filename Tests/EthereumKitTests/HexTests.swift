import EthereumKit
import Testing

@Suite struct HexTests {
    @Test func roundTrip() throws {
        #expect(Hex.encode([0x00, 0xab, 0xff]) == "0x00abff")
        #expect(Hex.encode([0x00, 0xab, 0xff], prefix: false) == "00abff")
        #expect(try Hex.decode("0x00ABff") == [0x00, 0xab, 0xff])
        #expect(try Hex.decode("0X00abff") == [0x00, 0xab, 0xff])
        #expect(try Hex.decode("00abff") == [0x00, 0xab, 0xff])
        #expect(try Hex.decode("0x") == [])
        #expect(try Hex.decode("") == [])
    }

    @Test func hostileStrings() {
        #expect(throws: Hex.DecodingError.oddLength(3)) { try Hex.decode("0xabc") }
        #expect(throws: Hex.DecodingError.invalidCharacter("g", position: 1)) { try Hex.decode("0xag") }
        #expect(throws: Hex.DecodingError.invalidCharacter("é", position: 0)) { try Hex.decode("0xé") }
        #expect(throws: Hex.DecodingError.missingPrefix) { try Hex.decode("abcd", requirePrefix: true) }
        #expect(throws: Hex.DecodingError.self) { try Hex.decode("0x 1") }
        #expect(throws: Hex.DecodingError.self) { try Hex.decode("0x0x") }
        #expect(throws: Hex.DecodingError.self) { try Hex.decode("👍👍") }
    }

    /// Random byte strings and random text thrown at every parser: errors, never a trap.
    @Test func garbageNeverCrashes() {
        var rng = SystemRandomNumberGenerator()
        let alphabet = Array("0123456789abcdefABCDEFxX gé👍-.,_")
        var rejected = 0
        for _ in 0..<3000 {
            let n = Int.random(in: 0..<80, using: &rng)
            let bytes = (0..<n).map { _ in UInt8.random(in: 0...255, using: &rng) }
            _ = try? RLP.decode(bytes)
            if (try? SignedTransaction.decode(raw: bytes)) == nil { rejected += 1 }
            _ = try? SignedTransaction.decode(raw: [0x02] + bytes)
            _ = try? Signature(serialized: bytes)
            _ = try? PublicKey(bytes: bytes)
            let text = String(
                (0..<Int.random(in: 0..<70, using: &rng)).map { _ in alphabet.randomElement(using: &rng) ?? "0" })
            _ = try? Hex.decode(text)
            _ = try? Address(text)
            _ = try? Units.parse(text, decimals: 18)
            _ = try? PrivateKey(hex: text)
            _ = try? SignedTransaction.decode(rawHex: text)
        }
        // Random bytes are (almost) never a valid signed transaction.
        #expect(rejected >= 2990)
    }
}
