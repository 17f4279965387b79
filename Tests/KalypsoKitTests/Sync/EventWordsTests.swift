import BigInt
import EthereumKit
import TestSupport
import Testing

@testable import KalypsoKit

/// The word reader of the indexed events against the generic ABI decoder: on every log it either declines or
/// answers exactly what the generic decoder's values answer, and it declines what the generic decoder refuses.
struct EventWordsTests {
    static func contracts(_ g: Generation) throws -> SyncContracts {
        try SyncContracts(
            generation: g,
            addresses: [
                .proofMarketplace: SyncContractsTests.a, .registry: SyncContractsTests.b,
                .nativeStaking: SyncContractsTests.c,
            ])
    }

    /// A random value of a type (small and large numbers, so both the 64-bit and the wide paths run).
    static func value(_ type: ABIType, _ rng: inout SeededRandom) -> ABIValue {
        switch type {
        case .uint(let bits):
            let wide = BigUInt(rng.next()) << 64 | BigUInt(rng.next())
            let v = rng.next() % 2 == 0 ? BigUInt(rng.next() % 1000) : wide << 128 | wide
            return .uint(v & ((BigUInt(1) << bits) - 1))
        case .address: return .address(Address(bytes: (0..<20).map { _ in UInt8(rng.next() & 0xff) }) ?? .zero)
        case .bool: return .bool(rng.next() % 2 == 0)
        case .fixedBytes(let n): return .fixedBytes((0..<n).map { _ in UInt8(rng.next() & 0xff) })
        case .bytes: return .bytes((0..<Int(rng.next() % 70)).map { _ in UInt8(rng.next() & 0xff) })
        case .string: return .string(String(repeating: "é", count: Int(rng.next() % 20)))
        case .int: return .int(BigInt(Int64(bitPattern: rng.next())))
        case .array(let e): return .array((0..<Int(rng.next() % 3)).map { _ in value(e, &rng) })
        case .fixedArray(let e, let k): return .array((0..<k).map { _ in value(e, &rng) })
        case .tuple(let types, _): return .tuple(types.map { value($0, &rng) })
        }
    }

    /// What RangeIndexer reads, by both paths, must be the same for every argument.
    static func expectSame(_ fast: LogArguments, _ generic: LogArguments, count: Int, _ comment: Comment) {
        for i in 0..<count {
            #expect(fast.uint(i) == generic.uint(i), comment)
            #expect(fast.address(i) == generic.address(i), comment)
            #expect(fast.bool(i) == generic.bool(i), comment)
            // Both paths give the same id, or both refuse one past 2^63 − 1 (never a trap).
            let fastId = Result { () throws(SyncError) in try fast.id(i, "id") }
            let genericId = Result { () throws(SyncError) in try generic.id(i, "id") }
            #expect(fastId.success == genericId.success, comment)
            #expect((fastId.success == nil) == (fast.uint(i) > BigUInt(Int64.max)), comment)
            #expect((genericId.success == nil) == (generic.uint(i) > BigUInt(Int64.max)), comment)
        }
    }

    @Test func everyIndexedEventIsReadAlikeByWordsAndByTheGenericDecoder() throws {
        var rng = SeededRandom(state: 0x7379_6e63)
        var withLayout = 0
        for g in [Generation.a, .b] {
            for (_, (_, event)) in try Self.contracts(g).events {
                guard let layout = EventLayout(event) else { continue }
                withLayout += 1
                for round in 0..<40 {
                    let values = event.inputs.map { Self.value($0.type, &rng) }
                    let (topics, data) = try event.encodeLog(values)
                    let words = try #require(layout.words(topics: topics, data: data), "\(event.name) round \(round)")
                    let generic = try event.decodeLog(topics: topics, data: data).arguments.map(\.value)
                    Self.expectSame(
                        .words(words, layout), .values(generic), count: event.inputs.count, "\(event.signature)")

                    // Mutations: one byte of a topic or of the data, a shorter or longer data, a missing topic.
                    for _ in 0..<20 {
                        var t = topics
                        var d = data
                        switch rng.next() % 4 {
                        case 0 where !d.isEmpty:
                            d[Int(rng.next() % UInt64(d.count))] ^= UInt8(1 << (rng.next() % 8))
                        case 1 where t.count > 1:
                            let k = 1 + Int(rng.next() % UInt64(t.count - 1))
                            t[k][Int(rng.next() % 32)] ^= UInt8(1 << (rng.next() % 8))
                        case 2: d = Array(d.prefix(Int(rng.next() % UInt64(d.count + 1))))
                        default:
                            if rng.next() % 2 == 0 {
                                d += [UInt8](repeating: UInt8(rng.next() % 2), count: 32)
                            } else {
                                t.removeLast()
                            }
                        }
                        let fast = layout.words(topics: t, data: d)
                        let slow = Result { try event.decodeLog(topics: t, data: d).arguments.map(\.value) }
                        switch (fast, slow) {
                        case (nil, _): continue
                        case (let w?, .success(let v)):
                            Self.expectSame(.words(w, layout), .values(v), count: event.inputs.count, "\(event.name)")
                        case (_?, .failure(let e)):
                            Issue.record("\(event.signature): words accepted a log the decoder refuses: \(e)")
                        }
                    }
                }
            }
        }
        #expect(withLayout >= 20, "most indexed events take the word path")
    }

    @Test func layoutsDeclineWhatTheyCannotReadInWords() throws {
        #expect(EventLayout(try ABIEvent("E(int256 indexed a)")) == nil)
        #expect(EventLayout(try ABIEvent("E(uint256[] b)")) == nil)
        #expect(EventLayout(try ABIEvent("E(string s)")) == nil)
        #expect(EventLayout(try ABIEvent("E(uint256 indexed a, bytes b)")) != nil)
        #expect(EventLayout(try ABIEvent("E(bytes indexed a, address b)")) != nil)
    }
}

extension Result {
    fileprivate var success: Success? { try? get() }
}
