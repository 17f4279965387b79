import Basics
import BigInt
import EthereumKit
import Foundation
import TestSupport
import Testing

/// A row of abi/selectors.md: kind, signature with parameter names, selector or topic0, and its file section.
struct SelectorRow: Sendable, CustomStringConvertible {
    let file: String
    let kind: String
    let signature: String
    let hash: String
    let line: Int
    var description: String { "\(file):\(line) \(kind) \(signature)" }
}

enum ABIFixtures {
    static func abiFiles() throws -> [String] {
        let fm = FileManager.default
        var out: [String] = []
        for dir in [RepoPaths.abiDirectory, RepoPaths.abiDirectory + "/v1-generator-registry"] {
            for name in try fm.contentsOfDirectory(atPath: dir) where name.hasSuffix(".json") {
                out.append(dir + "/" + name)
            }
        }
        return out.sorted()
    }

    static func load(_ relative: String) throws -> ContractABI {
        try ContractABI(contentsOfFile: RepoPaths.abiDirectory + "/" + relative)
    }

    static func selectorRows() throws -> [SelectorRow] {
        let text = try String(contentsOfFile: RepoPaths.abiDirectory + "/selectors.md", encoding: .utf8)
        var rows: [SelectorRow] = []
        var section = ""
        for (n, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            if line.hasPrefix("### ") {
                section = String(line.dropFirst(4)).trimmingCharacters(in: .whitespaces)
                continue
            }
            let cells = line.split(separator: "|", omittingEmptySubsequences: false).map {
                $0.trimmingCharacters(in: .whitespaces)
            }
            guard cells.count >= 5, ["fn", "event", "error"].contains(cells[1]) else { continue }
            let unquote = { (s: String) in s.trimmingCharacters(in: CharacterSet(charactersIn: "`")) }
            rows.append(
                SelectorRow(
                    file: section, kind: cells[1], signature: unquote(cells[2]), hash: unquote(cells[3]), line: n + 1))
        }
        return rows
    }
}

@Suite struct ABISelectorTableTests {
    @Test func tableIsThere() throws {
        let rows = try ABIFixtures.selectorRows()
        // 907 rows in the generated tables; a parser that silently skips rows would pass everything else.
        #expect(rows.count == 907)
        #expect(Set(rows.map(\.file)).count == 15)
    }

    @Test func everyRowRecomputedFromItsSignature() throws {
        var checked = 0
        for row in try ABIFixtures.selectorRows() {
            let sig = try ABISignature(parsing: row.signature)
            let computed = row.kind == "event" ? ABI.eventTopic(sig.canonical) : ABI.selector(sig.canonical)
            #expect(Hex.encode(computed) == row.hash, "\(row)")
            checked += 1
        }
        #expect(checked == 907)
    }

    @Test func everyRowMatchesItsJSONEntry() throws {
        var contracts: [String: ContractABI] = [:]
        for row in try ABIFixtures.selectorRows() {
            let contract: ContractABI
            if let c = contracts[row.file] {
                contract = c
            } else {
                contract = try ABIFixtures.load(row.file)
                contracts[row.file] = contract
            }
            let canonical = try ABISignature(parsing: row.signature).canonical
            switch row.kind {
            case "fn":
                let f = contract.functions.first { $0.signature == canonical }
                #expect(f.map { Hex.encode($0.selector) } == row.hash, "\(row)")
                #expect(f.flatMap { contract.function(selector: $0.selector) }?.signature == canonical, "\(row)")
            case "event":
                let e = contract.events.first { $0.signature == canonical }
                #expect(e.map { Hex.encode($0.topic0) } == row.hash, "\(row)")
            default:
                let e = contract.errors.first { $0.signature == canonical }
                #expect(e.map { Hex.encode($0.selector) } == row.hash, "\(row)")
            }
        }
        #expect(contracts.count == 15)
    }

    @Test func arbitrumOneDelta() throws {
        let c = try ABIFixtures.load("ProofMarketplace.arbitrum-one-delta.json")
        #expect(Hex.encode(try c.function("claimProverFeeReward").selector) == "0xab483c68")
    }
}

@Suite struct ABIContractLoadingTests {
    @Test func everyFileLoads() throws {
        let files = try ABIFixtures.abiFiles()
        #expect(files.count == 26)  // 14 top-level + 12 in v1-generator-registry/
        for path in files {
            let c = try ContractABI(contentsOfFile: path)
            #expect(!(c.functions.isEmpty && c.events.isEmpty && c.errors.isEmpty), "\(path)")
        }
    }

    @Test func tupleComponentsFromJSON() throws {
        let c = try ABIFixtures.load("ProofMarketplace.json")
        let createBid = try c.function("createBid")
        #expect(
            createBid.signature
                == "createBid((uint256,uint256,uint256,uint256,uint256,address,bytes),uint8,bytes,bytes,bytes)")
        #expect(Hex.encode(createBid.selector) == "0x0a6701ad")
        #expect(createBid.inputs[0].type.componentNames.contains("reward"))
    }

    @Test func lookupsAndOverloads() throws {
        let c = try ABIFixtures.load("AttestationVerifier.json")
        let verify = c.functions(named: "verify")
        #expect(verify.count >= 2)
        let ambiguous = try #require(throws: ABILookupError.self) { try c.function("verify") }
        #expect(ambiguous.detail.hasPrefix("function verify is overloaded; name one of verify("))
        #expect(ambiguous.code == .abiLookupAmbiguous)
        for f in verify {
            #expect(try c.function(f.signature).selector == f.selector)
            #expect(c.function(selector: f.selector)?.signature == f.signature)
        }
        #expect(throws: ABILookupError.self) { try c.function("noSuchFunction") }
        let wrong = try #require(throws: ABILookupError.self) { try c.function("verify(uint8)") }
        #expect(wrong.detail.hasPrefix("no function verify(uint8) in this ABI; there is verify("))
        #expect(throws: ABILookupError.self) { try c.function("verify(uint7)") }
    }

    @Test func badJSONSaysWhere() {
        let json = #"[{"type":"function","name":"f","inputs":[{"name":"x","type":"uint7"}],"outputs":[]}]"#
        do {
            _ = try ContractABI(json: Data(json.utf8), source: "test.json")
            Issue.record("uint7 loaded")
        } catch {
            #expect(error.description.contains("test.json"))
            #expect(error.description.contains("entry 0 (function f)"))
            #expect(error.description.contains("multiple of 8"))
        }
        #expect(throws: ABIJSONError.self) {
            try ContractABI(
                json: Data(#"[{"type":"function","name":"f","inputs":[{"name":"x","type":"tuple"}]}]"#.utf8))
        }
        #expect(throws: ABIJSONError.self) { try ContractABI(json: Data("{".utf8)) }
    }

    @Test func namedOutputs() throws {
        let f = try ABIFunction(
            "f()", outputs: [ABIParameter(name: "amount", type: .uint256), ABIParameter(name: "who", type: .address)])
        let who = try Address("0x52908400098527886E0F7030069857D2E4169EE7")
        let data = try f.encodeOutput([.uint(7), .address(who)])
        let out = try f.decodeOutput(data)
        #expect(out["amount"] == .uint(7))
        #expect(out["who"] == .address(who))
        #expect(out.description == "(amount: 7, who: 0x52908400098527886E0F7030069857D2E4169EE7)")
        #expect(out.fields.map(\.name) == ["amount", "who"])
        #expect(out.fields.map(\.value) == ["7", "0x52908400098527886E0F7030069857D2E4169EE7"])
    }
}

@Suite struct ABIEventTests {
    @Test func decodesProverJoinedMarketplace() throws {
        let c = try ABIFixtures.load("ProverManager.json")
        let e = try c.event("ProverJoinedMarketplace")
        let prover = try Address("0x52908400098527886E0F7030069857D2E4169EE7")
        let topics = [
            e.topic0,
            [UInt8](repeating: 0, count: 12) + prover.bytes,
            [UInt8](repeating: 0, count: 31) + [3],
        ]
        let data = words(
            """
            0000000000000000000000000000000000000000000000000000000000000005
            0000000000000000000000000000000000000000000000000de0b6b3a7640000
            """)
        let log = try c.decodeLog(topics: topics, data: data)
        #expect(log["prover"] == .address(prover))
        #expect(log["marketId"] == .uint(3))
        #expect(log["computeAllocation"] == .uint(5))
        #expect(log["commission"] == .uint(BigUInt(10).power(18)))
        #expect(
            log.description
                == "ProverJoinedMarketplace(prover: 0x52908400098527886E0F7030069857D2E4169EE7, marketId: 3, computeAllocation: 5, commission: 1000000000000000000)"
        )
        // Round trip through the encoder.
        let (t2, d2) = try e.encodeLog(log.values)
        #expect(t2 == topics && d2 == data)
    }

    @Test func indexedDynamicGivesHash() throws {
        let e = try ABIEvent("EnclaveKeyVerified(bytes indexed enclavePubKey, bytes32 indexed imageId)")
        let key = [UInt8](repeating: 0xab, count: 64)
        let (topics, data) = try e.encodeLog([.bytes(key), .fixedBytes([UInt8](repeating: 1, count: 32))])
        #expect(topics[1] == Keccak256.hash(key))
        #expect(data.isEmpty)
        let log = try e.decodeLog(topics: topics, data: data)
        #expect(log.arguments[0].isTopicHash)
        #expect(log.arguments[0].value == .fixedBytes(Keccak256.hash(key)))
        #expect(!log.arguments[1].isTopicHash)
        #expect(log.description.hasPrefix("EnclaveKeyVerified(enclavePubKey: keccak256:0x"))
    }

    @Test func indexedStringAndStructHashes() throws {
        // Solidity docs, "Encoding of Indexed Event Parameters": strings hash raw; arrays/structs hash
        // the in-place encoding (elements padded, no lengths).
        let e = try ABIEvent("E(string indexed s, uint16[] indexed a, (string,uint8) indexed t)")
        let (topics, _) = try e.encodeLog([
            .string("hello"), .array([.uint(1), .uint(2)]), .tuple([.string("ab"), .uint(7)]),
        ])
        #expect(topics[1] == Keccak256.hash(utf8: "hello"))
        #expect(
            topics[2]
                == Keccak256.hash(
                    words(
                        """
                        0000000000000000000000000000000000000000000000000000000000000001
                        0000000000000000000000000000000000000000000000000000000000000002
                        """)))
        #expect(
            topics[3]
                == Keccak256.hash(
                    words(
                        """
                        6162000000000000000000000000000000000000000000000000000000000000
                        0000000000000000000000000000000000000000000000000000000000000007
                        """)))
    }

    @Test func anonymousAndWrongTopics() throws {
        let e = try ABIEvent("A(uint256 indexed x, bool y)", anonymous: true)
        let (topics, data) = try e.encodeLog([.uint(9), .bool(true)])
        #expect(topics.count == 1)
        #expect(try e.decodeLog(topics: topics, data: data)["x"] == .uint(9))
        #expect(throws: ABIDecodingError.self) { try e.decodeLog(topics: [], data: data) }
        let named = try ABIEvent("A(uint256 indexed x, bool y)")
        #expect(throws: ABIDecodingError.self) {
            try named.decodeLog(topics: [e.topic0.reversed(), topics[0]], data: data)
        }
        var badData = data
        badData[31] = 7
        do {
            _ = try named.decodeLog(topics: [named.topic0, topics[0]], data: badData)
            Issue.record("bool 7 decoded")
        } catch {
            #expect(error.path.description == "args[1]")
        }
    }
}

@Suite struct ABIRevertTests {
    /// Every custom error of every file in abi/ (loaded once; a load failure fails each test that uses it).
    static let loaded = Result { try ABIErrorRegistry(contentsOfFiles: try ABIFixtures.abiFiles()) }
    var registry: ABIErrorRegistry { get throws { try Self.loaded.get() } }

    @Test func registryHasEveryFile() throws {
        let r = try ABIErrorRegistry(contentsOfFiles: try ABIFixtures.abiFiles())
        #expect(r.count > 100)
        #expect(r.errors(selector: hex("0x2880cb7f")).first?.name == "InvalidEnclaveSignature")
    }

    @Test func errorString() throws {
        // revert("Already part of this market") as produced by solc.
        let data =
            hex("0x08c379a0")
            + words(
                """
                0000000000000000000000000000000000000000000000000000000000000020
                000000000000000000000000000000000000000000000000000000000000001b
                416c72656164792070617274206f662074686973206d61726b65740000000000
                """)
        let r = try registry.decodeRevert(data)
        #expect(r == .message("Already part of this market"))
        #expect(r.description == #"Error("Already part of this market")"#)
    }

    @Test(arguments: [
        (0x01, "assert"), (0x11, "overflow"), (0x12, "division or modulo by zero"), (0x21, "enum"),
        (0x22, "storage"), (0x31, "pop()"), (0x32, "index out of bounds"), (0x41, "memory"), (0x51, "zero-initialised"),
    ])
    func panics(code: Int, meaning: String) throws {
        let data = hex("0x4e487b71") + [UInt8](repeating: 0, count: 31) + [UInt8(code)]
        let r = try registry.decodeRevert(data)
        #expect(r == .panic(code: BigUInt(code)))
        let two = code < 16 ? "0\(String(code, radix: 16))" : String(code, radix: 16)
        #expect(r.description.hasPrefix("Panic(0x\(two)): "))
        #expect(r.description.contains(meaning))
    }

    @Test func customErrorRendersWithNames() throws {
        let who = try Address("0x52908400098527886E0F7030069857D2E4169EE7")
        let data = hex("0x2880cb7f") + [UInt8](repeating: 0, count: 12) + who.bytes
        let r = try registry.decodeRevert(data)
        #expect(
            r.description == "InvalidEnclaveSignature(invalidSignerAddress: 0x52908400098527886E0F7030069857D2E4169EE7)"
        )
        #expect(try registry.decodeRevert(hex("0xad6d603c")).description == "AlreadyJoinedMarket()")
    }

    @Test func emptyUnknownAndMalformed() throws {
        #expect(try registry.decodeRevert([]) == .empty)
        #expect(try registry.decodeRevert([]).description.contains("without data"))
        let unknown = try registry.decodeRevert(hex("0xdeadbeef0102"))
        #expect(unknown == .unknown(selector: hex("0xdeadbeef"), data: hex("0xdeadbeef0102")))
        #expect(unknown.description == "unknown custom error 0xdeadbeef with data 0x0102")
        if case .malformed = try registry.decodeRevert(hex("0x08c3")) {} else { Issue.record("short data") }
        // InvalidEnclaveSignature with a dirty address word: known selector, bad arguments.
        let dirty = hex("0x2880cb7f") + [UInt8](repeating: 0xff, count: 32)
        if case .malformed(_, let problem) = try registry.decodeRevert(dirty) {
            #expect(problem.contains("InvalidEnclaveSignature(address)"))
        } else {
            Issue.record("dirty address accepted")
        }
    }
}
