import Basics
import BigInt
import EthereumKit
import Foundation
import TestSupport
import Testing

/// Seeded random text and bytes, and mutations of valid inputs, thrown at every public parsing entry
/// point for a bounded time (about 0.2 s each; `FUZZ_SECONDS` makes each run longer and `FUZZ_SEED`
/// explores other sequences locally). A trap
/// anywhere ends the test process, which is the failure this looks for; inputs that are accepted are
/// also checked to round-trip.
@Suite(.serialized) struct ParsingFuzzTests {
    static let budget: Duration = {
        if let s = ProcessInfo.processInfo.environment["FUZZ_SECONDS"], let v = Double(s) { return .seconds(v) }
        return .milliseconds(200)
    }()

    /// Characters and tokens that parsers treat specially, plus multi-byte and combining characters.
    static let alphabet: [String] =
        Array("0123456789abcdefABCDEFxXgz -+.,_e()[]\"\\:{}\t\n\u{0}é€👍\u{301}").map { String($0) } + [
            "0x", "0X", "\u{FEFF}", "null", "true", "\\u0000",
        ]

    struct Fuzzer {
        var random: RandomABI

        init(seed: UInt64) { random = RandomABI(seed: seed) }

        mutating func randomText(maxLength: Int = 80) -> String {
            (0..<random.int(0...maxLength)).map { _ in token() }.joined()
        }

        mutating func token() -> String {
            ParsingFuzzTests.alphabet[random.int(0...ParsingFuzzTests.alphabet.count - 1)]
        }

        /// One to three edits: insert, delete, duplicate or replace a run, add a prefix, or cut.
        mutating func mutate(_ s: String) -> String {
            var chars = Array(s)
            for _ in 0..<random.int(1...3) {
                let at = chars.isEmpty ? 0 : random.int(0...chars.count)
                switch random.int(0...6) {
                case 0: chars.insert(contentsOf: Array(token()), at: at)
                case 1 where at < chars.count: chars.removeSubrange(at..<min(chars.count, at + random.int(1...4)))
                case 2 where at < chars.count:
                    chars.insert(contentsOf: chars[at..<min(chars.count, at + random.int(1...8))], at: at)
                case 3 where at < chars.count: chars.replaceSubrange(at...at, with: Array(token()))
                case 4: chars.insert(contentsOf: Array(["0x", "-", " ", "0x0x"][random.int(0...3)]), at: 0)
                case 5: chars = Array(chars.prefix(at))
                default: chars.insert(contentsOf: Array(randomText(maxLength: 6)), at: at)
                }
            }
            return String(chars)
        }

        /// One to three edits: flip a bit, insert, delete, cut, or overwrite a word with 0xff.
        mutating func mutate(_ b: [UInt8]) -> [UInt8] {
            var bytes = b
            for _ in 0..<random.int(1...3) {
                let at = bytes.isEmpty ? 0 : random.int(0...bytes.count - 1)
                switch random.int(0...4) {
                case 0 where !bytes.isEmpty: bytes[at] ^= 1 << UInt8(random.int(0...7))
                case 1: bytes.insert(UInt8(random.int(0...255)), at: min(at, bytes.count))
                case 2 where !bytes.isEmpty: bytes.remove(at: at)
                case 3: bytes = Array(bytes.prefix(at))
                default:
                    for i in at..<min(bytes.count, at + 32) { bytes[i] = 0xff }
                }
            }
            return bytes
        }

        mutating func pick<T>(_ items: [T]) -> T { items[random.int(0...items.count - 1)] }

        /// A seed as it is (valid inputs and known edge cases must pass too), random text, or a mutation.
        mutating func variant(of seeds: [String]) -> String {
            let r = random.int(0...9)
            if r < 2 { return pick(seeds) }
            if r < 4 { return randomText() }
            return mutate(pick(seeds))
        }
    }

    /// Calls `body` with a fresh input until the budget is spent (at least `minimum` times).
    static func fuzz(_ seed: UInt64, minimum: Int = 200, _ body: (inout Fuzzer) throws -> Void) rethrows -> Int {
        let extra = ProcessInfo.processInfo.environment["FUZZ_SEED"].flatMap { UInt64($0) } ?? 0
        var f = Fuzzer(seed: seed ^ extra)
        let clock = ContinuousClock()
        let end = clock.now.advanced(by: budget)
        var n = 0
        while n < minimum || clock.now < end {
            try body(&f)
            n += 1
        }
        return n
    }

    @Test func addressesHexQuantitiesAmounts() throws {
        let addresses =
            AddressTests.eip55 + [
                "0x0x" + String(repeating: "ab", count: 19), "0X" + String(repeating: "0", count: 40),
            ]
        let hexes = ["0x00abff", "", "0x", "0X0A", String(repeating: "46", count: 32)]
        let quantities = ["0x0", "0x1a", "0xffffffffffffffff", "0x10000000000000000"]
        let amounts = ["1.5", "1,000.25", "0.000000000000000001", "1_000_000", " 42 "]
        let n = try Self.fuzz(0xADD2) { (f: inout Fuzzer) throws in
            let text = f.variant(of: addresses + hexes + quantities + amounts)
            if let a = try? Address(text) { #expect(try Address(a.checksummed, strict: true) == a) }
            _ = try? Address(text, strict: true)
            if let b = try? Hex.decode(text) { #expect(try Hex.decode(Hex.encode(b)) == b) }
            _ = try? Hex.decode(text, requirePrefix: true)
            _ = try? Hex.decode(digits: Substring(text))
            if let q = try? Quantity.parse(text) { #expect(try Quantity.parse(Quantity.encode(q), strict: true) == q) }
            _ = try? Quantity.parseUInt64(text, strict: true)
            let decimals = f.random.int(0...30)
            if let v = try? Units.parse(text, decimals: decimals) {
                #expect(try Units.parse(Units.format(v, decimals: decimals), decimals: decimals) == v)
            }
            _ = try? PrivateKey(hex: text)
            _ = try? Signature(hex: text)
        }
        #expect(n >= 200)
    }

    @Test func abiTypeAndSignatureText() throws {
        let seeds = [
            "uint256", "(uint256,bytes)[2][]", "tuple(uint8 a, bytes32[] b)[]", "int8[3][]", "bytes32",
            "function transfer(address to, uint256 amount)",
            "event Transfer(address indexed from, address indexed to, uint256 value)",
            "error InvalidEnclaveSignature(address invalidSignerAddress)", "f((uint256,(bool,string)[])[2] memory x)",
        ]
        _ = try Self.fuzz(0xAB17) { (f: inout Fuzzer) throws in
            let text = f.variant(of: seeds)
            if let t = try? ABIType(parsing: text, allowingNames: true) {
                #expect(try ABIType(parsing: t.canonical) == t)
                _ = t.headSize
            }
            if let s = try? ABISignature(parsing: text) {
                #expect(try ABISignature(parsing: s.canonical).canonical == s.canonical)
            }
            _ = try? ABIFunction(text)
            _ = try? ABIEvent(text)
            _ = try? ABICustomError(text)
        }
    }

    /// Value text and JSON of random values of random types, mutated; what parses must encode.
    @Test func abiValueTextAndJSON() throws {
        let zeroZero = "0x0x" + String(repeating: "ab", count: 19)
        #expect(throws: ABIParseError.self) { try ABIValue(parsing: zeroZero, as: .address) }
        #expect(throws: ABIJSONValueError.self) { try ABIValue(jsonText: "\"\(zeroZero)\"", as: .address) }
        _ = try Self.fuzz(0x7E87) { (f: inout Fuzzer) throws in
            let type = f.random.type()
            let value = f.random.value(type)
            let text = (try? value.jsonText(as: type)) ?? ""
            let mutated = f.variant(of: [text])
            if let v = try? ABIValue(jsonText: mutated, as: type) {
                #expect(throws: Never.self) { try ABI.encode(type, v) }
                #expect(try ABIValue(jsonText: v.jsonText(as: type), as: type) == v)
            }
            let human = f.variant(of: [value.description, "0x0x" + String(repeating: "ab", count: 19)])
            if let v = try? ABIValue(parsing: human, as: type) {
                #expect(throws: Never.self) { try ABI.encode(type, v) }
            }
            _ = try? ABIValue(parsing: f.randomText(), as: f.random.type())
        }
    }

    /// Encodings of random values, mutated, decoded as their own type and as another random type.
    @Test func abiDecoding() throws {
        let registry = ABIErrorRegistry([
            try ContractABI(contentsOfFile: RepoPaths.abiDirectory + "/ProverManager.json")
        ])
        let event = try ABIEvent("E(address indexed a, string indexed s, uint256[] v, bytes b)")
        _ = try Self.fuzz(0xDEC0) { (f: inout Fuzzer) throws in
            let type = f.random.type()
            let encoded = (try? ABI.encode(type, f.random.value(type))) ?? []
            let data = f.random.chance(0.2) ? encoded : f.mutate(encoded)
            _ = try? ABI.decode([type], from: data)
            _ = try? ABI.decode([f.random.type(), f.random.type()], from: data)
            _ = try? ABI.decode([type], from: data, start: f.random.int(0...8))
            _ =
                registry.decodeRevert(f.pick([[0x08, 0xc3, 0x79, 0xa0], [0x4e, 0x48, 0x7b, 0x71], []]) + data)
                .description
            let topics = (0..<f.random.int(0...4)).map { _ in f.random.bytes(f.pick([32, 32, 31])) }
            _ = try? event.decodeLog(topics: [event.topic0] + topics, data: data)
        }
    }

    /// RLP items and raw transactions, mutated; whatever decodes re-encodes to the same bytes.
    @Test func rlpAndRawTransactions() throws {
        let key = try PrivateKey(hex: String(repeating: "46", count: 32))
        let to = try Address("0x3535353535353535353535353535353535353535")
        let raws: [[UInt8]] = [
            try LegacyTransaction(nonce: 9, gasPrice: 20_000_000_000, gasLimit: 21000, to: to, value: 1, chainId: 1)
                .sign(with: key).rawBytes,
            try EIP1559Transaction(
                chainId: 42161, nonce: .max - 1, maxPriorityFeePerGas: 0, maxFeePerGas: 100, gasLimit: 500_000, to: nil,
                data: Array(0..<40),
                accessList: [AccessListEntry(address: to, storageKeys: [[UInt8](repeating: 9, count: 32)])]
            ).sign(with: key).rawBytes,
            try AccessListTransaction(chainId: 1, nonce: 0, gasPrice: 1, gasLimit: 21000, to: to).sign(with: key)
                .rawBytes,
        ]
        _ = try Self.fuzz(0x4E7) { (f: inout Fuzzer) throws in
            let input =
                f.random.chance(0.2)
                ? f.random.bytes(f.random.int(0...80)) : f.random.chance(0.2) ? f.pick(raws) : f.mutate(f.pick(raws))
            if let item = try? RLP.decode(input) { #expect(RLP.encode(item) == input) }
            if let tx = try? SignedTransaction.decode(raw: input) {
                #expect(tx.rawBytes == input)
                #expect(tx.transaction.nonce < UInt64.max)
            }
            _ = try? SignedTransaction.decode(raw: [0x02] + input)
            _ = try? SignedTransaction.decode(rawHex: f.mutate(Hex.encode(input)))
            _ = try? Signature(serialized: Array(input.prefix(65)))
            _ = try? PublicKey(bytes: Array(input.prefix(f.pick([33, 64, 65]))))
        }
    }

    /// EIP-712 typed-data JSON and contract ABI JSON, mutated; what loads is hashed or looked up.
    @Test func eip712AndContractJSON() throws {
        let mail = """
            {"types": {"EIP712Domain": [{"name": "name", "type": "string"}, {"name": "chainId", "type": "uint256"}],
             "Person": [{"name": "name", "type": "string"}, {"name": "wallet", "type": "address"}],
             "Mail": [{"name": "from", "type": "Person"}, {"name": "to", "type": "Person[]"}, {"name": "n", "type": "int8[2]"},
                      {"name": "b", "type": "bytes4"}]},
             "primaryType": "Mail", "domain": {"name": "Ether Mail", "chainId": 1},
             "message": {"from": {"name": "Cow", "wallet": "0xCD2a3d9F938E13CD947Ec05AbC7FE734Df8DD826"},
                         "to": [{"name": "Bob", "wallet": "0xbBbBBBBbbBBBbbbBbbBbbbbBBbBbbbbBbBbbBBbB"}],
                         "n": ["-1", 5], "b": "0x01020304"}}
            """
        #expect(throws: Never.self) { try EIP712TypedData(jsonText: mail).signingHash() }
        let abiText = try String(contentsOfFile: RepoPaths.abiDirectory + "/ERC20.json", encoding: .utf8)
        _ = try Self.fuzz(0xE712, minimum: 100) { (f: inout Fuzzer) throws in
            if let data = try? EIP712TypedData(jsonText: f.variant(of: [mail])) { _ = try? data.signingHash() }
            if let c = try? ContractABI(json: Data(f.variant(of: [abiText]).utf8)) {
                for fn in c.functions { _ = try? c.function(fn.signature) }
            }
        }
    }
}
