import EthereumKit
import Testing

@Suite struct AddressTests {
    // EIP-55: the four examples of the EIP, plus the all-caps and all-lower test addresses
    // (checksum forms that happen to be single-case; confirmed with eth_utils.to_checksum_address).
    static let eip55 = [
        "0x52908400098527886E0F7030069857D2E4169EE7", "0x8617E340B3D01FA5F11F306F4090FD50E238070D",
        "0xde709f2102306220921060314715629080e2fb77",
        "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359",
        "0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB", "0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb",
    ]

    @Test func eip55Examples() throws {
        for s in Self.eip55 {
            let a = try Address(s)
            #expect(a.checksummed == s)
            #expect(try Address(s, strict: true) == a)
            #expect(try Address(s.lowercased()) == a)
        }
    }

    @Test func badChecksumsAndShapes() {
        let good = "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"
        let bad = "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD"
        // The last letter's case is wrong: digit 40.
        #expect(throws: Address.ParseError.badChecksum(firstMismatch: 40)) { try Address(bad) }
        let lower = good.lowercased()
        #expect(throws: Address.ParseError.notChecksummed) { try Address(lower, strict: true) }
        #expect(throws: Address.ParseError.missingPrefix) { try Address("5aAeb6") }
        #expect(throws: Address.ParseError.wrongLength(digits: 4)) { try Address("0x1234") }
        #expect(throws: Address.ParseError.self) { try Address("0x" + String(repeating: "g", count: 40)) }
        #expect(throws: Address.ParseError.self) { try Address("0x" + String(repeating: "é", count: 20)) }
        #expect(Address(bytes: [1, 2]) == nil)
    }
}
