import BigInt
import EthereumKit
import TestSupport
import Testing

@Suite struct RLPTests {
    // Examples from the Ethereum wiki / Yellow Paper appendix B.
    @Test func publishedExamples() throws {
        let dog: RLPItem = .bytes(Array("dog".utf8))
        #expect(RLP.encode(dog) == hex("83646f67"))
        let catDog: RLPItem = .list([.bytes(Array("cat".utf8)), dog])
        #expect(RLP.encode(catDog) == hex("c88363617483646f67"))
        #expect(RLP.encode(.bytes([])) == hex("80"))
        #expect(RLP.encode(.list([])) == hex("c0"))
        #expect(RLP.encode(.uint(0 as UInt)) == hex("80"))
        #expect(RLP.encode(.bytes([0x00])) == hex("00"))
        #expect(RLP.encode(.uint(15 as UInt)) == hex("0f"))
        #expect(RLP.encode(.uint(1024 as UInt)) == hex("820400"))
        // The set-theoretic representation of three.
        let three: RLPItem = .list([.list([]), .list([.list([])]), .list([.list([]), .list([.list([])])])])
        #expect(RLP.encode(three) == hex("c7c0c1c0c3c0c1c0"))
        let lorem = "Lorem ipsum dolor sit amet, consectetur adipisicing elit"
        #expect(RLP.encode(.bytes(Array(lorem.utf8))) == hex("b838") + Array(lorem.utf8))
        for item in [dog, catDog, three, .bytes([]), .list([]), .bytes(Array(lorem.utf8))] {
            #expect(try RLP.decode(RLP.encode(item)) == item)
        }
    }

    @Test func integers() throws {
        #expect(BigUInt(0).bigEndianBytes == [])
        #expect(BigUInt(255).bigEndianBytes == [0xff])
        #expect(BigUInt(256).bigEndianBytes == [0x01, 0x00])
        let max = (BigUInt(1) << 256) - 1
        #expect(max.bigEndianBytes == [UInt8](repeating: 0xff, count: 32))
        #expect(BigUInt(bigEndianBytes: [0, 0, 1, 0]) == 256)
        #expect(BigUInt(0x1234).bigEndianBytes(paddedTo: 4) == [0, 0, 0x12, 0x34])
        #expect(BigUInt(0x123456).bigEndianBytes(paddedTo: 2) == nil)
        #expect(try RLPItem.bytes([0x04, 0x00]).uintValue() == 1024)
        #expect(try RLPItem.bytes([]).uintValue() == 0)
        #expect(throws: RLPValueError.integerHasLeadingZero) { try RLPItem.bytes([0x00, 0x01]).uintValue() }
        #expect(throws: RLPValueError.integerHasLeadingZero) { try RLPItem.bytes([0x00]).uintValue() }
        #expect(throws: RLPValueError.integerTooLarge(bytes: 33, maxBytes: 32)) {
            try RLPItem.bytes([UInt8](repeating: 1, count: 33)).uintValue()
        }
        #expect(throws: RLPValueError.integerTooLarge(bytes: 9, maxBytes: 8)) {
            try RLPItem.bytes([UInt8](repeating: 1, count: 9)).uint64Value()
        }
        #expect(throws: RLPValueError.expectedBytes) { try RLPItem.list([]).uintValue() }
        #expect(throws: RLPValueError.expectedList) { try RLPItem.bytes([]).listValue() }
    }

    /// Each kind of non-canonical or broken input gives its own error with the offending byte offset.
    @Test func preciseErrors() {
        func reject(_ h: String, _ position: Int, _ reason: RLPError.Reason) {
            #expect(throws: RLPError(position: position, reason: reason), "\(h)") { try RLP.decode(hex(h)) }
        }
        reject("", 0, .truncated(needed: 1, available: 0))
        reject("8105", 0, .singleByteAsString)
        reject("c28105", 1, .singleByteAsString)
        reject("b80541424344", 0, .shortStringInLongForm(length: 5))
        reject("f803010203", 0, .shortListInLongForm(length: 3))
        reject("b900380000", 1, .leadingZeroInLength)
        reject("c3010203ff", 4, .trailingBytes(count: 1))
        reject("c30102", 0, .truncated(needed: 3, available: 2))
        reject("83616263" + "00", 4, .trailingBytes(count: 1))
        reject("836162", 0, .truncated(needed: 3, available: 2))
        reject("b9", 0, .truncated(needed: 2, available: 0))
        reject("bfffffffffffffffff", 1, .lengthOverflow)
        reject("ffffffffffffffffff", 1, .lengthOverflow)
        reject("bf7fffffffffffffff", 1, .lengthOverflow)
        reject("bbffffffff00", 0, .truncated(needed: 0xffff_ffff, available: 1))
        // An item inside a list may not run past the list's end even if the input continues.
        reject("c283616263", 1, .truncated(needed: 3, available: 1))
        var deep = RLPItem.list([])
        for _ in 0..<300 { deep = .list([deep]) }
        do {
            _ = try RLP.decode(RLP.encode(deep))
            Issue.record("300 nested lists were accepted")
        } catch {
            #expect(error.reason == .nestingTooDeep(limit: 256))
        }
        let message = RLPError(position: 0, reason: .singleByteAsString).description
        #expect(
            message
                == "Not valid RLP: at byte 0: non-canonical string: a single byte below 0x80 must be encoded as itself, not with a 0x81 prefix"
        )
    }

    struct Reference: Decodable {
        struct Case: Decodable { let item: JSONTree; let rlp: String }
        struct Mutation: Decodable { let input: String; let valid: Bool; let item: JSONTree? }
        let items: [Case]
        let mutations: [Mutation]
    }

    /// Random items encoded by pyrlp: same bytes, and decoding gives the item back; mutated inputs
    /// (bit flip, truncation, extra byte) are accepted or rejected exactly as pyrlp does.
    @Test func randomItemsAgainstPyrlp() throws {
        let ref = try Python.json(
            Reference.self, script: "Tests/EthereumKitTests/reference/core_rlp.py", arguments: ["7", "400"])
        #expect(ref.items.count == 400)
        for c in ref.items {
            let item = try c.item.rlpItem()
            #expect(RLP.encode(item).hexString == "0x" + c.rlp)
            #expect(try RLP.decode(hex(c.rlp)) == item)
        }
        var rejected = 0
        for m in ref.mutations {
            let input = hex(m.input)
            if m.valid, let tree = m.item {
                #expect(try RLP.decode(input) == tree.rlpItem(), "\(m.input)")
            } else {
                #expect(throws: RLPError.self, "\(m.input)") { try RLP.decode(input) }
                rejected += 1
            }
        }
        #expect(rejected > 300)
    }

    /// Every truncation of a valid encoding fails, and every single-bit flip either fails or decodes to
    /// an item that re-encodes to exactly the flipped bytes (the decoder accepts canonical input only).
    @Test func allTruncationsAndBitFlips() throws {
        let samples: [RLPItem] = [
            .list([.uint(9 as UInt), .bytes([UInt8](repeating: 0x35, count: 20)), .bytes(Array(0..<70)), .list([])]),
            .bytes(Array(0..<200)),
            .list([.list([.bytes([0x7f]), .bytes([0x80])]), .bytes([]), .list([.list([.list([])])])]),
        ]
        for item in samples {
            let enc = RLP.encode(item)
            for cut in 0..<enc.count {
                #expect(throws: RLPError.self) { try RLP.decode(enc[..<cut]) }
            }
            for i in 0..<enc.count {
                for bit in 0..<8 {
                    var flipped = enc
                    flipped[i] ^= 1 << bit
                    do {
                        let decoded = try RLP.decode(flipped)
                        #expect(RLP.encode(decoded) == flipped)
                    } catch {
                        #expect(!error.description.isEmpty)
                    }
                }
            }
        }
    }
}
