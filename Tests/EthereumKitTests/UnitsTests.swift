import BigInt
import EthereumKit
import Testing

@Suite struct UnitsTests {
    static let oneEther = BigUInt(10).power(18)

    @Test func parseEtherAndGwei() throws {
        #expect(try Units.parseEther("1") == Self.oneEther)
        #expect(try Units.parseEther("1.5") == Self.oneEther * 3 / 2)
        #expect(try Units.parseEther("0.000000000000000001") == 1)
        #expect(try Units.parseEther(".5") == Self.oneEther / 2)
        #expect(try Units.parseEther("5.") == Self.oneEther * 5)
        #expect(try Units.parseEther(" 2 ") == Self.oneEther * 2)
        #expect(try Units.parseEther("1,000,000.25") == Self.oneEther * 1_000_000 + Self.oneEther / 4)
        #expect(try Units.parseEther("1_000") == Self.oneEther * 1000)
        #expect(try Units.parseGwei("20") == BigUInt(20_000_000_000))
        #expect(try Units.parseGwei("0.1") == BigUInt(100_000_000))
        #expect(try Units.parse("123.456789", decimals: 6) == BigUInt(123_456_789))
        #expect(try Units.parse("7", decimals: 0) == 7)
        // 2^256 - 1 wei, written in ether.
        let max = (BigUInt(1) << 256) - 1
        #expect(
            try Units.parseEther("115792089237316195423570985008687907853269984665640564039457.584007913129639935")
                == max)
    }

    @Test func parseRejectsWithClearMessages() {
        func reject(_ s: String, decimals: Int = 18, _ expected: Units.ParseError) {
            #expect(throws: expected, "\(s)") { try Units.parse(s, decimals: decimals) }
        }
        reject("", .empty)
        reject("   ", .empty)
        reject("-1", .negative)
        reject("1.0000001", decimals: 6, .tooManyFractionalDigits(digits: 7, decimals: 6))
        reject("1.5", decimals: 0, .tooManyFractionalDigits(digits: 1, decimals: 0))
        reject("1e18", .invalidCharacter("e", position: 1))
        reject("+1", .invalidCharacter("+", position: 0))
        reject("1.2.3", .invalidCharacter(".", position: 3))
        reject("abc", .invalidCharacter("a", position: 0))
        reject("0x10", .invalidCharacter("x", position: 1))
        reject(".", .noDigits)
        reject("1,00", .misplacedSeparator(position: 3))
        reject("1000,000", .misplacedSeparator(position: 4))
        reject(",100", .misplacedSeparator(position: 0))
        reject("1.000,5", .misplacedSeparator(position: 5))
        #expect(
            Units.ParseError.tooManyFractionalDigits(digits: 7, decimals: 6).description
                == "Not a valid amount: it has 7 digits after the decimal point; this unit allows at most 6")
        #expect(Units.ParseError.negative.description == "Not a valid amount: amounts cannot be negative")
        // Positions in the message are 1-based, as an operator counts.
        #expect(Units.ParseError.invalidCharacter("e", position: 1).detail.contains("at position 2"))
    }

    @Test func format() {
        #expect(Units.formatEther(Self.oneEther) == "1")
        #expect(Units.formatEther(Self.oneEther * 3 / 2) == "1.5")
        #expect(Units.formatEther(1) == "0.000000000000000001")
        #expect(Units.formatEther(0) == "0")
        #expect(Units.format(Self.oneEther * 3 / 2, decimals: 18, trimTrailingZeros: false) == "1.500000000000000000")
        #expect(Units.format(BigUInt(1_234_567_891), decimals: 3, groupThousands: true) == "1,234,567.891")
        #expect(Units.format(BigUInt(123_456), decimals: 0, groupThousands: true, separator: "_") == "123_456")
        #expect(Units.format(BigUInt(1_000), decimals: 0, groupThousands: true) == "1,000")
        #expect(Units.format(BigUInt(100), decimals: 0, groupThousands: true) == "100")
        #expect(Units.formatGwei(BigUInt(20_000_000_000)) == "20")
        #expect(Units.formatGwei(BigUInt(1)) == "0.000000001")
        #expect(Units.format(BigUInt(1_999_999), decimals: 6, maxFractionDigits: 2) == "1.99")
        #expect(Units.format(BigUInt(5), decimals: 0, trimTrailingZeros: false) == "5")
    }

    /// format → parse is the identity for every decimals setting, grouped or not.
    @Test func roundTrip() throws {
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<300 {
            let bits = Int.random(in: 0...256, using: &rng)
            let value = BigUInt.randomInteger(withMaximumWidth: bits)
            let decimals = Int.random(in: 0...30, using: &rng)
            for (trim, group) in [(true, false), (false, true), (true, true)] {
                let s = Units.format(value, decimals: decimals, trimTrailingZeros: trim, groupThousands: group)
                #expect(try Units.parse(s, decimals: decimals) == value, "\(s)")
            }
        }
    }
}
