import EthereumKit
import Testing

@Suite struct KeccakTests {
    // Vectors: Keccak-256 as used by Ethereum (eth-hash), not SHA3-256.
    @Test func emptyString() {
        #expect(Keccak256.hash([]).hexString == "0xc5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470")
    }

    @Test func abc() {
        #expect(Keccak256.hash(utf8: "abc").hexString == "0x4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45")
    }
}
