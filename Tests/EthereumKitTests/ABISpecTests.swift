import BigInt
import EthereumKit
import Testing

/// Joins 32-byte words written one per line (as the Solidity docs print them) into bytes.
func words(_ lines: String) -> [UInt8] {
    let hex = lines.split(whereSeparator: { $0 == "\n" || $0 == " " }).joined()
    return (try? Hex.decode(hex)) ?? []
}

/// Examples from the Solidity ABI specification ("Examples" and "Use of Dynamic Types"), byte for byte.
@Suite struct ABISpecExampleTests {
    func check(_ signature: String, _ values: [ABIValue], selector: String, body: String) throws {
        let f = try ABIFunction(signature)
        #expect(Hex.encode(f.selector) == selector)
        let encoded = try f.encodeCall(values)
        #expect(Hex.encode(encoded) == selector + Hex.encode(words(body), prefix: false))
        let decoded = try f.decodeCall(encoded)
        #expect(decoded.values == values)
    }

    @Test func baz() throws {
        try check(
            "baz(uint32,bool)", [.uint(69), .bool(true)], selector: "0xcdcd77c0",
            body: """
                0000000000000000000000000000000000000000000000000000000000000045
                0000000000000000000000000000000000000000000000000000000000000001
                """)
    }

    @Test func bar() throws {
        try check(
            "bar(bytes3[2])", [.array([.fixedBytes(Array("abc".utf8)), .fixedBytes(Array("def".utf8))])],
            selector: "0xfce353f6",
            body: """
                6162630000000000000000000000000000000000000000000000000000000000
                6465660000000000000000000000000000000000000000000000000000000000
                """)
    }

    @Test func sam() throws {
        try check(
            "sam(bytes,bool,uint256[])",
            [.bytes(Array("dave".utf8)), .bool(true), .array([.uint(1), .uint(2), .uint(3)])],
            selector: "0xa5643bf2",
            body: """
                0000000000000000000000000000000000000000000000000000000000000060
                0000000000000000000000000000000000000000000000000000000000000001
                00000000000000000000000000000000000000000000000000000000000000a0
                0000000000000000000000000000000000000000000000000000000000000004
                6461766500000000000000000000000000000000000000000000000000000000
                0000000000000000000000000000000000000000000000000000000000000003
                0000000000000000000000000000000000000000000000000000000000000001
                0000000000000000000000000000000000000000000000000000000000000002
                0000000000000000000000000000000000000000000000000000000000000003
                """)
    }

    @Test func f() throws {
        try check(
            "f(uint256,uint32[],bytes10,bytes)",
            [
                .uint(0x123), .array([.uint(0x456), .uint(0x789)]), .fixedBytes(Array("1234567890".utf8)),
                .bytes(Array("Hello, world!".utf8)),
            ],
            selector: "0x8be65246",
            body: """
                0000000000000000000000000000000000000000000000000000000000000123
                0000000000000000000000000000000000000000000000000000000000000080
                3132333435363738393000000000000000000000000000000000000000000000
                00000000000000000000000000000000000000000000000000000000000000e0
                0000000000000000000000000000000000000000000000000000000000000002
                0000000000000000000000000000000000000000000000000000000000000456
                0000000000000000000000000000000000000000000000000000000000000789
                000000000000000000000000000000000000000000000000000000000000000d
                48656c6c6f2c20776f726c642100000000000000000000000000000000000000
                """)
    }

    @Test func g() throws {
        try check(
            "g(uint256[][],string[])",
            [
                .array([.array([.uint(1), .uint(2)]), .array([.uint(3)])]),
                .array([.string("one"), .string("two"), .string("three")]),
            ],
            selector: "0x2289b18c",
            body: """
                0000000000000000000000000000000000000000000000000000000000000040
                0000000000000000000000000000000000000000000000000000000000000140
                0000000000000000000000000000000000000000000000000000000000000002
                0000000000000000000000000000000000000000000000000000000000000040
                00000000000000000000000000000000000000000000000000000000000000a0
                0000000000000000000000000000000000000000000000000000000000000002
                0000000000000000000000000000000000000000000000000000000000000001
                0000000000000000000000000000000000000000000000000000000000000002
                0000000000000000000000000000000000000000000000000000000000000001
                0000000000000000000000000000000000000000000000000000000000000003
                0000000000000000000000000000000000000000000000000000000000000003
                0000000000000000000000000000000000000000000000000000000000000060
                00000000000000000000000000000000000000000000000000000000000000a0
                00000000000000000000000000000000000000000000000000000000000000e0
                0000000000000000000000000000000000000000000000000000000000000003
                6f6e650000000000000000000000000000000000000000000000000000000000
                0000000000000000000000000000000000000000000000000000000000000003
                74776f0000000000000000000000000000000000000000000000000000000000
                0000000000000000000000000000000000000000000000000000000000000005
                7468726565000000000000000000000000000000000000000000000000000000
                """)
    }

    // ERC-20 transfer: selector from EIP-20 tooling everywhere (0xa9059cbb).
    @Test func transferSelector() throws {
        #expect(Hex.encode(try ABIFunction("transfer(address to, uint256 amount)").selector) == "0xa9059cbb")
        #expect(
            Hex.encode(try ABIEvent("Transfer(address indexed from, address indexed to, uint256 value)").topic0)
                == "0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef")
    }
}

@Suite struct ABITypeParserTests {
    @Test(arguments: [
        ("uint256", "uint256"), ("uint", "uint256"), ("int", "int256"), ("int8", "int8"), ("bytes1", "bytes1"),
        ("bytes32", "bytes32"), ("bytes", "bytes"), ("string", "string"), ("address", "address"), ("bool", "bool"),
        ("(uint256,bytes)[2][]", "(uint256,bytes)[2][]"),
        ("tuple(uint256,(bool,string[]))[]", "(uint256,(bool,string[]))[]"),
        (" ( uint256 , bytes )[3] ", "(uint256,bytes)[3]"), ("()", "()"), ("uint8[][4][]", "uint8[][4][]"),
    ])
    func parsesCanonical(input: String, canonical: String) throws {
        #expect(try ABIType(parsing: input).canonical == canonical)
    }

    @Test func arraySuffixesNestLeftToRight() throws {
        // `uint8[2][]` is a dynamic array whose elements are uint8[2].
        #expect(try ABIType(parsing: "uint8[2][]") == .array(.fixedArray(.uint(8), 2)))
        #expect(try ABIType(parsing: "(uint256,bytes)[2][]") == .array(.fixedArray(.tuple([.uint(256), .bytes]), 2)))
    }

    @Test(arguments: [
        "uint7", "uint0", "uint264", "uint08", "int257", "bytes0", "bytes33", "bytes01", "uint256[0]", "uint256[01]",
        "uint256[", "uint256]", "(uint256", "(uint256,)", "foo", "", "uint256 x", "fixed128x18", "function",
        "uint256[99999999999]", "(uint256))", "address payable",
    ])
    func rejectsBadTypes(input: String) {
        #expect(throws: ABIParseError.self) { try ABIType(parsing: input) }
    }

    @Test func errorSaysWhatAndWhere() {
        do {
            _ = try ABIType(parsing: "(uint256,uint7)")
            Issue.record("uint7 parsed")
        } catch {
            #expect(error.position == 9)
            #expect(error.description.contains("multiple of 8"))
        }
    }

    @Test func deepNestingIsAnErrorNotAStackOverflow() {
        let deep = String(repeating: "(", count: 100_000) + String(repeating: ")", count: 100_000)
        #expect(throws: ABIParseError.self) { try ABIType(parsing: deep) }
        let deepArrays = "uint8" + String(repeating: "[]", count: 100_000)
        #expect(throws: ABIParseError.self) { try ABIType(parsing: deepArrays) }
    }

    @Test func humanReadableSignature() throws {
        let s = try ABISignature(
            parsing:
                "event ProverJoinedMarketplace(address indexed prover, uint256 indexed marketId, uint256 computeAllocation, uint256 commission)"
        )
        #expect(s.name == "ProverJoinedMarketplace")
        #expect(s.canonical == "ProverJoinedMarketplace(address,uint256,uint256,uint256)")
        #expect(s.parameters.map(\.indexed) == [true, true, false, false])
        #expect(s.parameters.map(\.name) == ["prover", "marketId", "computeAllocation", "commission"])
        let t = try ABISignature(parsing: "f((uint256 a, bytes b)[] calldata items, string memory s)")
        #expect(t.canonical == "f((uint256,bytes)[],string)")
        #expect(t.parameters[0].type.componentNames == [])
        if case .array(let inner) = t.parameters[0].type { #expect(inner.componentNames == ["a", "b"]) }
    }
}

@Suite struct ABIRangeCheckTests {
    func encodeError(_ type: String, _ value: ABIValue) throws -> ABIEncodingError? {
        let t = try ABIType(parsing: type)
        do {
            _ = try ABI.encode([t], [value])
            return nil
        } catch {
            return error
        }
    }

    @Test func unsignedBounds() throws {
        #expect(try encodeError("uint8", .uint(300))?.reason.contains("does not fit in uint8") == true)
        #expect(try encodeError("uint8", .uint(255)) == nil)
        #expect(try encodeError("uint256", .uint(BigUInt(1) << 256)) != nil)
        #expect(try encodeError("uint256", .uint((BigUInt(1) << 256) - 1)) == nil)
        #expect(try encodeError("uint32", .int(-1)) != nil)
    }

    @Test func signedBounds() throws {
        #expect(try encodeError("int8", .int(127)) == nil)
        #expect(try encodeError("int8", .int(128)) != nil)
        #expect(try encodeError("int8", .int(-128)) == nil)
        #expect(try encodeError("int8", .int(-129)) != nil)
        #expect(try encodeError("int256", .int(-(BigInt(1) << 255))) == nil)
        #expect(try encodeError("int256", .int(-(BigInt(1) << 255) - 1)) != nil)
        #expect(try encodeError("int256", .int(BigInt(1) << 255)) != nil)
    }

    @Test func twosComplement() throws {
        #expect(Hex.encode(try ABI.encode(.int(8), .int(-1))) == "0x" + String(repeating: "ff", count: 32))
        #expect(
            Hex.encode(try ABI.encode(.int(256), .int(-(BigInt(1) << 255))))
                == "0x80" + String(repeating: "00", count: 31))
        #expect(try ABI.decode(.int(16), from: ABI.encode(.int(16), .int(-300))) == .int(-300))
    }

    @Test func bytesAndArrayLengths() throws {
        #expect(try encodeError("bytes3", .fixedBytes([1, 2])) != nil)
        #expect(try encodeError("uint8[2]", .array([.uint(1)])) != nil)
        #expect(try encodeError("(uint8,bool)", .tuple([.uint(1)])) != nil)
        #expect(try encodeError("bool", .uint(1))?.reason == "expected a value of type bool, got an unsigned integer")
    }

    @Test func errorPathNamesTheValue() throws {
        let t = try ABIType(parsing: "(uint8 a,(bytes pcr0,uint8 x)[] items)", allowingNames: true)
        let v = ABIValue.tuple([
            .uint(1), .array([.tuple([.bytes([]), .uint(1)]), .tuple([.string("no"), .uint(1)])]),
        ])
        do {
            _ = try ABI.encode([.bool, .bool, t], [.bool(true), .bool(false), v])
            Issue.record("encoded a string as bytes")
        } catch {
            #expect(error.path.description == "args[2].items[1].pcr0")
        }
    }

    @Test func packed() throws {
        // Solidity docs, "Non-standard Packed Mode": abi.encodePacked(int16(-1), bytes1(0x42), uint16(0x03), string("Hello, world!"))
        let out = try ABI.encodePacked(
            [.int(16), .fixedBytes(1), .uint(16), .string],
            [.int(-1), .fixedBytes([0x42]), .uint(3), .string("Hello, world!")])
        #expect(Hex.encode(out) == "0xffff42000348656c6c6f2c20776f726c6421")
        #expect(
            Hex.encode(try ABI.encodePacked([.array(.uint(8))], [.array([.uint(1)])])) == "0x"
                + String(repeating: "00", count: 31) + "01")
        #expect(throws: ABIEncodingError.self) { try ABI.encodePacked([.tuple([.bool])], [.tuple([.bool(true)])]) }
    }
}

@Suite struct ABIStrictDecodingTests {
    func decodeError(_ type: ABIType, _ hexWords: String) -> ABIDecodingError? {
        do {
            _ = try ABI.decode([type], from: words(hexWords))
            return nil
        } catch {
            return error
        }
    }

    @Test func nonCanonicalWords() {
        #expect(decodeError(.bool, "0000000000000000000000000000000000000000000000000000000000000002") != nil)
        #expect(decodeError(.bool, "0000000000000000000000000000000000000000000000000000000000000001") == nil)
        #expect(decodeError(.address, "0000000000000000000000010000000000000000000000000000000000000000") != nil)
        #expect(decodeError(.uint(8), "0000000000000000000000000000000000000000000000000000000000000100") != nil)
        #expect(decodeError(.uint(8), "00000000000000000000000000000000000000000000000000000000000000ff") == nil)
        #expect(decodeError(.int(8), "00000000000000000000000000000000000000000000000000000000000000ff") != nil)
        #expect(decodeError(.int(8), "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff80") == nil)
        #expect(decodeError(.int(8), "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f") != nil)
        #expect(decodeError(.fixedBytes(2), "1234560000000000000000000000000000000000000000000000000000000000") != nil)
    }

    @Test func paddingOfBytesMustBeZero() {
        let e = decodeError(
            .bytes,
            """
            0000000000000000000000000000000000000000000000000000000000000020
            0000000000000000000000000000000000000000000000000000000000000001
            ab00000000000000000000000000000000000000000000000000000000000001
            """)
        #expect(e?.reason.contains("padding") == true)
        #expect(e?.offset == 95)
    }

    @Test func hugeOffsetsAndLengths() {
        // offset 2^255
        let e1 = decodeError(.bytes, "8000000000000000000000000000000000000000000000000000000000000000")
        #expect(e1?.reason.contains("2^64 or more") == true)
        #expect(e1?.path.description == "args[0]")
        // length 2^64 + 1
        let e2 = decodeError(
            .bytes,
            """
            0000000000000000000000000000000000000000000000000000000000000020
            0000000000000000000000000000000000000000000000010000000000000001
            """)
        #expect(e2?.offset == 32)
        // array length near 2^63: must not allocate
        let e3 = decodeError(
            .array(.uint(256)),
            """
            0000000000000000000000000000000000000000000000000000000000000020
            0000000000000000000000000000000000000000000000007fffffffffffffff
            """)
        #expect(e3 != nil)
        // offset into the head
        let e4 = decodeError(.bytes, "0000000000000000000000000000000000000000000000000000000000000000")
        #expect(e4?.reason.contains("into the head") == true)
    }

    @Test func decodingErrorPath() throws {
        let t = try ABIType(parsing: "(uint8 a,(bytes pcr0,bool ok)[] items)", allowingNames: true)
        let good = try ABI.encode(
            [.bool, .bool, t],
            [
                .bool(true), .bool(false),
                .tuple([.uint(1), .array([.tuple([.bytes([1]), .bool(true)]), .tuple([.bytes([2]), .bool(false)])])]),
            ])
        var bad = good
        // The second item's `ok` word is the last word of its tuple head; find it by decoding offsets:
        // args[2] → tuple at 0x60, items offset, array of 2 tuples. Set the bool to 2.
        let tupleStart = 0x60
        let itemsOffset = Int(bad[tupleStart + 63])
        let array = tupleStart + itemsOffset
        let secondOffset = Int(bad[array + 32 + 63])
        let second = array + 32 + secondOffset
        bad[second + 63] = 2
        do {
            _ = try ABI.decode([.bool, .bool, t], from: bad)
            Issue.record("decoded a bool of 2")
        } catch {
            #expect(error.path.description == "args[2].items[1].ok")
            #expect(error.offset == second + 32)
        }
    }
}
