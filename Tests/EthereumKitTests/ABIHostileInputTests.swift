import BigInt
import EthereumKit
import Foundation
import TestSupport
import Testing

/// The sample joinMarketplace arguments shared with reference/abi_join.py and the benchmark.
enum JoinSample {
    static let sig: [UInt8] = (0..<64).map { UInt8(($0 * 7 + 1) % 256) } + [0x1c]
    static let pubkey: [UInt8] = (0..<64).map { UInt8(($0 * 3 + 5) % 256) }
    static let pcr0 = [UInt8](repeating: 0xa0, count: 48)
    static let pcr1 = [UInt8](repeating: 0xa1, count: 48)
    static let pcr2: [UInt8] = (0..<48).map { UInt8($0) }
    static let timestampMs: BigUInt = 1_712_471_793_488
    static let enclaveSig: [UInt8] = (0..<64).map { UInt8(($0 * 11) % 256) } + [0x1b]
    static let blobTypes: [ABIType] = [.bytes, .bytes, .bytes, .bytes, .bytes, .uint256]

    static func blob() throws -> [UInt8] {
        try ABI.encode(
            blobTypes, [.bytes(sig), .bytes(pubkey), .bytes(pcr0), .bytes(pcr1), .bytes(pcr2), .uint(timestampMs)])
    }

    static func arguments() throws -> [ABIValue] {
        [
            .uint(1), .uint(10), .uint(BigUInt(10).power(18)), .uint(3600), .uint(BigUInt(10).power(17)), .bool(true),
            .bytes(try blob()), .bytes(enclaveSig),
        ]
    }
}

@Suite struct ABIJoinMarketplaceTests {
    @Test func attestationBlobLayout() throws {
        // Spec §2.6.1 item 3: offsets 0xc0, 0x140, 0x1a0, 0x200, 0x260; timestamp at 0xa0; 704 bytes.
        let blob = try JoinSample.blob()
        #expect(blob.count == 704)
        #expect(blob.count == 0x2c0)
        func word(_ at: Int) -> BigUInt { BigUInt(Data(blob[at..<at + 32])) }
        #expect([0x00, 0x20, 0x40, 0x60, 0x80].map(word) == [0xc0, 0x140, 0x1a0, 0x200, 0x260])
        #expect(word(0xa0) == JoinSample.timestampMs)
        #expect(word(0xc0) == 65 && word(0x140) == 64 && word(0x1a0) == 48 && word(0x200) == 48 && word(0x260) == 48)
        #expect(Array(blob[0xe0..<0xe0 + 65]) == JoinSample.sig)
        #expect(blob[0xe0 + 65..<0x140].allSatisfy { $0 == 0 })
        #expect(Array(blob[0x160..<0x1a0]) == JoinSample.pubkey)
        #expect(Array(blob[0x280..<0x2b0]) == JoinSample.pcr2)
    }

    @Test func callMatchesEthABIAndTheDeployedSelector() throws {
        let c = try ABIFixtures.load("ProverManager.json")
        let join = try c.function("joinMarketplace")
        #expect(join.signature == "joinMarketplace(uint256,uint256,uint256,uint256,uint256,bool,bytes,bytes)")
        #expect(Hex.encode(join.selector) == "0x96711997")
        struct Reference: Decodable { let blob: String; let calldata: String }
        let ref = try Python.json(Reference.self, script: "Tests/EthereumKitTests/reference/abi_join.py")
        #expect(Hex.encode(try JoinSample.blob()) == ref.blob)
        let calldata = try join.encodeCall(try JoinSample.arguments())
        #expect(Hex.encode(calldata) == ref.calldata)
        let decoded = try join.decodeCall(calldata)
        #expect(decoded.values == (try JoinSample.arguments()))
        #expect(decoded["_updateMarketDedicatedKey"] == .bool(true))
        let attestation = try #require(decoded["_attestationData"]?.bytesValue)
        let fields = try ABI.decode(JoinSample.blobTypes, from: attestation)
        #expect(fields[1] == .bytes(JoinSample.pubkey))
        #expect(fields[5] == .uint(JoinSample.timestampMs))
    }
}

@Suite struct ABIHostileInputTests {
    static let samples: [([ABIType], [ABIValue])] = {
        let nested = (try? ABIType(parsing: "(uint256,bytes)[2][]")) ?? .bool
        let deep = (try? ABIType(parsing: "((string,uint8[])[],(bool,bytes32)[2],int24)[]")) ?? .bool
        return [
            (JoinSample.blobTypes + [], (try? ABI.decode(JoinSample.blobTypes, from: JoinSample.blob())) ?? []),
            (
                [nested],
                [
                    .array([
                        .array([.tuple([.uint(1), .bytes([1, 2, 3])]), .tuple([.uint(2), .bytes([])])]),
                        .array([
                            .tuple([.uint(3), .bytes(Array(repeating: 9, count: 40))]),
                            .tuple([.uint(4), .bytes([7])]),
                        ]),
                    ])
                ]
            ),
            (
                [deep, .string],
                [
                    .array([
                        .tuple([
                            .array([
                                .tuple([.string("héllo"), .array([.uint(1), .uint(255)])]),
                                .tuple([.string(""), .array([])]),
                            ]),
                            .array([
                                .tuple([.bool(true), .fixedBytes(Array(repeating: 1, count: 32))]),
                                .tuple([.bool(false), .fixedBytes(Array(repeating: 2, count: 32))]),
                            ]),
                            .int(-8_000_000),
                        ])
                    ]),
                    .string("tail"),
                ]
            ),
        ]
    }()

    @Test func samplesRoundTrip() throws {
        #expect(Self.samples.count == 3)
        for (types, values) in Self.samples {
            #expect(values.count == types.count)
            #expect(try ABI.decode(types, from: ABI.encode(types, values)) == values)
        }
    }

    @Test func everyTruncationIsAnError() throws {
        var checked = 0
        for (types, values) in Self.samples {
            let full = try ABI.encode(types, values)
            for n in 0..<full.count {
                do {
                    _ = try ABI.decode(types, from: Array(full[0..<n]))
                    Issue.record("\(types) decoded from \(n) of \(full.count) bytes")
                } catch {
                    #expect(error.offset >= 0 && error.offset <= n)
                }
                checked += 1
            }
        }
        #expect(checked > 1500)
    }

    @Test func bitFlipsNeverTrap() throws {
        var rng = SeededRandom(state: 42)
        var errors = 0, decoded = 0
        for (types, values) in Self.samples {
            let full = try ABI.encode(types, values)
            for position in 0..<full.count {
                for _ in 0..<3 {
                    var data = full
                    data[position] ^= UInt8(1) << UInt8.random(in: 0..<8, using: &rng)
                    if Bool.random(using: &rng) {
                        let other = Int.random(in: 0..<data.count, using: &rng)
                        data[other] = UInt8.random(in: 0...255, using: &rng)
                    }
                    do {
                        let v = try ABI.decode(types, from: data)
                        decoded += 1
                        // Whatever decodes must be encodable again (values are in range for their types).
                        _ = try ABI.encode(types, v)
                    } catch {
                        errors += 1
                    }
                }
            }
        }
        #expect(errors > 1000 && decoded > 100)
    }

    @Test func hugeWordsEverywhere() throws {
        let huge: [[UInt8]] = [
            [0x80] + [UInt8](repeating: 0, count: 31),  // 2^255
            [UInt8](repeating: 0, count: 23) + [1] + [UInt8](repeating: 0, count: 7) + [1],  // 2^64 + 1
            [UInt8](repeating: 0xff, count: 32),
            [UInt8](repeating: 0, count: 24) + [0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff],
            [UInt8](repeating: 0, count: 24) + [0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00],
        ]
        for (types, values) in Self.samples {
            let full = try ABI.encode(types, values)
            for w in stride(from: 0, to: full.count, by: 32) {
                for h in huge {
                    var data = full
                    data.replaceSubrange(w..<w + 32, with: h)
                    // Either an error or a value; never a trap or a giant allocation.
                    _ = try? ABI.decode(types, from: data)
                }
            }
        }
        let e = try #require(throws: ABIDecodingError.self) {
            try ABI.decode([.array(.bytes)], from: [0x00] + huge[0].dropFirst() + huge[1])
        }
        #expect(e.offset == 0 || e.offset == 32)
    }

    @Test func garbageNeverTraps() {
        var rng = SeededRandom(state: 7)
        let types: [[ABIType]] =
            Self.samples.map(\.0) + [[.string], [.bytes, .address, .bool], [.array(.array(.string))]]
        var errors = 0
        for _ in 0..<3000 {
            let n = Int.random(in: 0...300, using: &rng)
            var data = (0..<n).map { _ in UInt8.random(in: 0...255, using: &rng) }
            // Mostly-zero garbage reaches deeper than uniform noise.
            if Bool.random(using: &rng) { data = data.map { $0 < 0xf0 ? 0 : $0 & 0x7f } }
            for t in types {
                do { _ = try ABI.decode(t, from: data) } catch { errors += 1 }
            }
        }
        #expect(errors > 10_000)
    }

    @Test func revertDecodingOfGarbage() {
        var rng = SeededRandom(state: 99)
        var registry = ABIErrorRegistry()
        registry.register(
            ABICustomError(name: "E", inputs: [ABIParameter(type: .string), ABIParameter(type: .array(.bytes))]))
        for _ in 0..<2000 {
            let n = Int.random(in: 0...200, using: &rng)
            var data = (0..<n).map { _ in UInt8.random(in: 0...255, using: &rng) }
            if n >= 4 && Bool.random(using: &rng) {
                let sel = [
                    ABIRevertReason.errorStringSelector, ABIRevertReason.panicSelector,
                    ABI.selector("E(string,bytes[])"),
                ]
                data.replaceSubrange(0..<4, with: sel[Int.random(in: 0..<3, using: &rng)])
            }
            _ = registry.decodeRevert(data).description
        }
    }
}
