import Basics
import BigInt
import EthereumKit
import Foundation
import Testing

/// The one JSON mapping of ABI values, and the property that encoding is as strict as decoding.
@Suite struct ABIJSONTests {
    static let address = "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"  // EIP-55's own example

    @Test func writesTheDocumentedForm() throws {
        let type = try ABIType(parsing: "(uint256,int8,address,bool,bytes2,bytes,string,uint8[2],(bool)[])")
        let value = ABIValue.tuple([
            .uint(BigUInt(2).power(200)), .int(-128), .address(try Address(Self.address.lowercased())), .bool(true),
            .fixedBytes([0xab, 0x01]), .bytes([]), .string("a\"b\\c\n\u{1}é"), .array([.uint(1), .uint(255)]),
            .array([.tuple([.bool(false)])]),
        ])
        let text = try value.jsonText(as: type)
        #expect(
            text
                == #"["1606938044258990275541962092341162602522202993782792835301376","-128","0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",true,"0xab01","0x","a\"b\\c\n\u0001é",["1","255"],[[false]]]"#
        )
        // Foundation reads it as the same JSON (escapes included).
        let parsed = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [Any]
        #expect(parsed?[6] as? String == "a\"b\\c\n\u{1}é")
        #expect(try ABIValue(jsonText: text, as: type) == value)
    }

    @Test func readsTheAcceptedVariants() throws {
        #expect(try ABIValue(jsonText: "1000", as: .uint256) == .uint(1000))
        #expect(try ABIValue(jsonText: #""0x3e8""#, as: .uint256) == .uint(1000))
        #expect(try ABIValue(jsonText: #""-0x80""#, as: .int(8)) == .int(-128))
        #expect(try ABIValue(jsonText: "-5", as: .int(256)) == .int(-5))
        #expect(try ABIValue(jsonText: #""0xABCD""#, as: .fixedBytes(2)) == .fixedBytes([0xab, 0xcd]))
        #expect(
            try ABIValue(
                jsonText: "\"\(Self.address.uppercased().replacingOccurrences(of: "0X", with: "0x"))\"", as: .address)
                == .address(try Address(Self.address)))
    }

    @Test func refusesWithLineColumnAndPath() throws {
        func refuse(_ text: String, _ type: String, _ detail: String) throws {
            let t = try ABIType(parsing: type)
            let e = try #require(throws: ABIJSONValueError.self, "\(text)") { try ABIValue(jsonText: text, as: t) }
            #expect(e.detail == detail, "\(text)")
        }
        try refuse(
            "1.5", "uint8",
            "line 1, column 1, args: not an integer (a decimal string such as \"1000\", or 0x hex; no fraction or exponent)"
        )
        try refuse("\"256\"", "uint8", "line 1, column 1, args: the number does not fit in uint8")
        try refuse("\"-1\"", "uint8", "line 1, column 1, args: the number does not fit in uint8")
        try refuse("\"128\"", "int8", "line 1, column 1, args: the number is out of range for int8")
        try refuse("1", "bool", "line 1, column 1, args: expected true or false for bool, found a number")
        try refuse("[\"0x01\"]", "bytes2[1]", "line 1, column 2, args[0]: bytes2 needs exactly 2 bytes, found 1")
        try refuse(
            "[\n true,\n \"x\"]", "(bool,address)",
            "line 3, column 2, args.1: not an address: an address starts with 0x")
        try refuse("[1,2]", "uint8[3]", "line 1, column 1, args: uint8[3] needs exactly 3 elements, found 2")
        try refuse(
            "\"0x0x\(String(repeating: "a", count: 38))\"", "address",
            "line 1, column 1, args: not an address: the character \"x\" at digit 2 is not a hex digit (0-9, a-f)")
        let syntax = try #require(throws: ABIJSONValueError.self) {
            try ABIValue(jsonText: "[1,", as: .array(.uint256))
        }
        #expect(syntax.code == .abiJSONSyntax)
    }

    /// A `.int` is not written or encoded for a `uint` type (nor `.uint` for `int`, `.bytes` for
    /// `bytes<M>`): the decoder would give a different case back.
    @Test func encodingIsAsStrictAsDecoding() throws {
        #expect(throws: ABIEncodingError.self) { try ABI.encode(.uint256, .int(5)) }
        #expect(throws: ABIEncodingError.self) { try ABI.encode(.int(256), .uint(5)) }
        #expect(throws: ABIEncodingError.self) { try ABI.encode(.fixedBytes(2), .bytes([1, 2])) }
        #expect(throws: ABIEncodingError.self) { try ABI.encode(.bytes, .fixedBytes([1, 2])) }
        #expect(throws: ABIEncodingError.self) { try ABIValue.int(5).jsonText(as: .uint256) }
        #expect(throws: ABIEncodingError.self) { try ABIValue.uint(256).jsonText(as: .uint(8)) }
        #expect(throws: ABIEncodingError.self) { try ABI.encodePacked([.bytes], [.fixedBytes([1])]) }
        #expect(throws: ABIEncodingError.self) { try ABIEvent.topic(for: .fixedBytes([1]), type: .bytes) }
    }

    /// decode(encode(v)) == v, for ABI bytes and for JSON, over random values of random types; and for
    /// a value of one random type offered as another, encoding either refuses or round-trips.
    @Test func roundTripsOverRandomTypesAndValues() throws {
        var random = RandomABI(seed: 0x2681_0712)
        var refused = 0
        for _ in 0..<1500 {
            let type = random.type()
            let value = random.value(type)
            let encoded = try ABI.encode(type, value)
            #expect(try ABI.decode(type, from: encoded) == value, "\(type.canonical)")
            let text = try value.jsonText(as: type)
            #expect(try ABIValue(jsonText: text, as: type) == value, "\(type.canonical) \(text)")

            let other = random.type()
            do {
                let bytes = try ABI.encode(other, value)
                #expect(try ABI.decode(other, from: bytes) == value, "\(type.canonical) as \(other.canonical)")
                let json = try value.jsonText(as: other)
                #expect(try ABIValue(jsonText: json, as: other) == value)
            } catch {
                refused += 1
                #expect(throws: ABIEncodingError.self) { try value.jsonText(as: other) }
            }
        }
        #expect(refused > 1000)  // most pairs of random types differ
    }

    @Test func decodedValuesAsJSON() throws {
        let f = try ABIFunction("f(uint256 id, address who)", outputs: [.init(name: "ok", type: .bool)])
        let call = try f.decodeCall(f.encodeCall([.uint(7), .address(try Address(Self.address))]))
        #expect(try call.jsonText() == #"{"id":"7","who":"\#(Self.address)"}"#)
        let unnamed = ABIDecodedValues(
            parameters: [.init(type: .bool), .init(type: .uint(8))], values: [.bool(true), .uint(3)])
        #expect(try unnamed.jsonText() == #"[true,"3"]"#)
    }

    /// EIP-712's own example (the "Mail" typed data of the EIP); hashes as the EIP prints them and as
    /// eth-account 0.14 computes them.
    @Test func eip712MailExampleFromJSON() throws {
        let json = """
            {
              "types": {
                "EIP712Domain": [
                  {"name": "name", "type": "string"}, {"name": "version", "type": "string"},
                  {"name": "chainId", "type": "uint256"}, {"name": "verifyingContract", "type": "address"}
                ],
                "Person": [{"name": "name", "type": "string"}, {"name": "wallet", "type": "address"}],
                "Mail": [
                  {"name": "from", "type": "Person"}, {"name": "to", "type": "Person"},
                  {"name": "contents", "type": "string"}
                ]
              },
              "primaryType": "Mail",
              "domain": {
                "name": "Ether Mail", "version": "1", "chainId": 1,
                "verifyingContract": "0xCcCCccccCCCCcCCCCCCcCcCccCcCCCcCcccccccC"
              },
              "message": {
                "from": {"name": "Cow", "wallet": "0xCD2a3d9F938E13CD947Ec05AbC7FE734Df8DD826"},
                "to": {"name": "Bob", "wallet": "0xbBbBBBBbbBBBbbbBbbBbbbbBBbBbbbbBbBbbBBbB"},
                "contents": "Hello, Bob!"
              }
            }
            """
        let data = try EIP712TypedData(jsonText: json)
        #expect(
            try EIP712.encodeType("Mail", types: data.types)
                == "Mail(Person from,Person to,string contents)Person(string name,address wallet)")
        #expect(
            Hex.encode(try data.domainSeparator())
                == "0xf2cee375fa42b42143804025fc449deafd50cc031ca257e0b194a650a912090f")
        #expect(
            Hex.encode(try data.structHash()) == "0xc52c0ee5d84264471806290a3f2c4cecfc5490626bf912d01f240d7a274b371e")
        #expect(
            Hex.encode(try data.signingHash()) == "0xbe609aee343fb3c4b28e1df9e632fca64fcfaede20f02e86244efddf30957bd2")
        // chainId as a decimal string or hex string is the same typed data.
        let asString = try EIP712TypedData(
            jsonText: json.replacingOccurrences(of: "\"chainId\": 1,", with: "\"chainId\": \"0x1\","))
        #expect(try asString.signingHash() == data.signingHash())
    }

    @Test func eip712JSONErrorsNameThePlace() throws {
        let base =
            #"{"types": {"T": [{"name": "a", "type": "uint8"}]}, "primaryType": "T", "domain": {"name": "x"}, "message": MSG}"#
        func refuse(_ message: String, _ path: String, _ reason: String) {
            do {
                _ = try EIP712TypedData(jsonText: base.replacingOccurrences(of: "MSG", with: message))
                Issue.record("accepted \(message)")
            } catch {
                #expect(error.path == path, "\(message)")
                #expect(error.reason.hasPrefix(reason), "\(message): \(error.reason)")
            }
        }
        refuse(#"{"a": "256"}"#, "message.a", "the number does not fit in uint8 (line 1, column")
        refuse(#"{"a": 1, "b": 2}"#, "message.b", "not a field of T")
        refuse(#"{"a": true}"#, "message.a", "expected an integer")
        refuse(#"[]"#, "message", "expected an object, found an array")
        #expect(throws: EIP712Error.self) { try EIP712TypedData(jsonText: "{") }
        #expect(throws: EIP712Error.self) {
            try EIP712TypedData(jsonText: #"{"types": {}, "primaryType": "T", "domain": {}, "message": {}}"#)
        }
    }
}
