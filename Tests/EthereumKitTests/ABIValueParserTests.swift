import BigInt
import EthereumKit
import TestSupport
import Testing

@Suite struct ABIValueParserTests {
    func parse(_ text: String, _ type: String) throws -> ABIValue {
        try ABIValue(parsing: text, as: try ABIType(parsing: type))
    }

    @Test func scalars() throws {
        #expect(try parse("1_000", "uint256") == .uint(1000))
        #expect(try parse("1e18", "uint256") == .uint(BigUInt(10).power(18)))
        #expect(try parse("0xff", "uint8") == .uint(255))
        #expect(try parse("-128", "int8") == .int(-128))
        #expect(try parse("true", "bool") == .bool(true))
        #expect(try parse("0x0102", "bytes") == .bytes([1, 2]))
        #expect(try parse("0x010203", "bytes3") == .fixedBytes([1, 2, 3]))
        #expect(try parse("hello, world", "string") == .string("hello, world"))
        #expect(try parse(#""a\"b""#, "string") == .string("a\"b"))
        let a = try Address("0x52908400098527886E0F7030069857D2E4169EE7")
        #expect(try parse("0x52908400098527886e0f7030069857d2e4169ee7", "address") == .address(a))
    }

    @Test func nested() throws {
        let v = try parse(#"[(1, "x", [0x01, 0x02]), (2, "y,)", [])]"#, "(uint8,string,bytes1[])[]")
        #expect(
            v
                == .array([
                    .tuple([.uint(1), .string("x"), .array([.fixedBytes([1]), .fixedBytes([2])])]),
                    .tuple([.uint(2), .string("y,)"), .array([])]),
                ]))
        // eth-abi: encode(["(uint8,string,bytes1[])[]"], [[(1, "x", [b"\x01", b"\x02"]), (2, "y,)", [])]]) is 576 bytes.
        #expect(try ABI.encode(try ABIType(parsing: "(uint8,string,bytes1[])[]"), v).count == 576)
    }

    @Test(arguments: [
        ("256", "uint8"), ("-1", "uint8"), ("128", "int8"), ("-129", "int8"), ("1e78", "uint256"), ("12x", "uint256"),
        ("0x", "uint256"), ("yes", "bool"), ("0x0102", "bytes3"), ("0102", "bytes"), ("[1,2]", "uint8[3]"),
        ("(1)", "(uint8,bool)"), ("[1,2", "uint8[]"), (#"["a"#, "string[]"), ("0x5290840009852788 6E0F", "address"),
        ("0x52908400098527886E0F7030069857D2E4169Ee7", "address"), ("[1] x", "uint8[]"),
    ])
    func rejects(text: String, type: String) throws {
        let t = try ABIType(parsing: type)
        #expect(throws: ABIParseError.self) { try ABIValue(parsing: text, as: t) }
    }

    @Test func errorPosition() throws {
        do {
            _ = try parse("[1, 2, 300]", "uint8[]")
            Issue.record("300 parsed as uint8")
        } catch let e as ABIParseError {
            #expect(e.position == 7)
            #expect(e.reason == "the number does not fit in uint8")
        }
    }

    @Test func mutatedTextNeverTraps() throws {
        var rng = SeededRandom(state: 3)
        let alphabet = Array("[](),\"\\ 0x1e9-_abfTtrue")
        let samples: [(String, ABIType)] = try [
            (#"[(1, "x", [0x01, 0x02]), (2, "y,)", [])]"#, "(uint8,string,bytes1[])[]"),
            ("[-1, 0x7f]", "int256[2]"), ("(true, 0x52908400098527886e0f7030069857d2e4169ee7)", "(bool,address)"),
            ("0x0102", "bytes"), (#"["a", "b\"c"]"#, "string[]"),
        ].map { ($0.0, try ABIType(parsing: $0.1)) }
        var parsed = 0
        for (text, type) in samples {
            #expect(throws: Never.self) { try ABIValue(parsing: text, as: type) }
            for _ in 0..<2000 {
                var chars = Array(text)
                for _ in 0..<Int.random(in: 1...2, using: &rng) {
                    let i = Int.random(in: 0..<chars.count, using: &rng)
                    switch Int.random(in: 0..<3, using: &rng) {
                    case 0: chars.remove(at: i)
                    case 1: chars.insert(alphabet.randomElement(using: &rng) ?? " ", at: i)
                    default: chars[i] = alphabet.randomElement(using: &rng) ?? " "
                    }
                    if chars.isEmpty { chars = [" "] }
                }
                do {
                    let v = try ABIValue(parsing: String(chars), as: type)
                    parsed += 1
                    // Anything accepted is in range for its type.
                    _ = try ABI.encode(type, v)
                } catch let e as ABIParseError {
                    #expect(e.position >= 0 && e.position <= String(chars).utf8.count)
                }
            }
        }
        #expect(parsed > 100)
    }
}
