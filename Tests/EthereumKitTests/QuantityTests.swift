import BigInt
import EthereumKit
import Testing

@Suite struct QuantityTests {
    // Examples from the Ethereum JSON-RPC specification ("hex value encoding").
    @Test func specExamples() throws {
        #expect(Quantity.encode(BigUInt(65)) == "0x41")
        #expect(Quantity.encode(BigUInt(1024)) == "0x400")
        #expect(Quantity.encode(BigUInt(0)) == "0x0")
        #expect(Quantity.encode(UInt64(26)) == "0x1a")
        #expect(try Quantity.parse("0x41") == 65)
        #expect(try Quantity.parse("0x400") == 1024)
        #expect(try Quantity.parse("0x0") == 0)
        #expect(try Quantity.parse("0X1A") == 26)
        #expect(try Quantity.parseUInt64("0xffffffffffffffff") == UInt64.max)
        #expect(try Quantity.parse("0x0400") == 1024)
        let max = (BigUInt(1) << 256) - 1
        #expect(try Quantity.parse(Quantity.encode(max)) == max)
    }

    @Test func rejects() {
        #expect(throws: Quantity.ParseError.empty) { try Quantity.parse("0x") }
        #expect(throws: Quantity.ParseError.missingPrefix) { try Quantity.parse("ff") }
        #expect(throws: Quantity.ParseError.leadingZero) { try Quantity.parse("0x0400", strict: true) }
        #expect(throws: Quantity.ParseError.invalidDigit(position: 1)) { try Quantity.parse("0x4g") }
        #expect(throws: Quantity.ParseError.tooLarge(maxBits: 64)) {
            try Quantity.parseUInt64("0x10000000000000000")
        }
        #expect(throws: Quantity.ParseError.self) { try Quantity.parse("0x" + String(repeating: "f", count: 65)) }
        #expect(throws: Quantity.ParseError.self) { try Quantity.parse("0x-1") }
        #expect(
            Quantity.ParseError.empty.description == "Not a valid hex quantity: it has no digits after 0x (zero is 0x0)"
        )
    }
}
