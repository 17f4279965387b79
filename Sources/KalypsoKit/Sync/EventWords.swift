import BigInt
import EthereumKit

/// A 256-bit ABI word as four big-endian limbs (no heap, no `BigUInt` unless asked for).
struct ABIWord: Sendable, Hashable {
    var l3: UInt64, l2: UInt64, l1: UInt64, l0: UInt64

    static let zero = ABIWord(l3: 0, l2: 0, l1: 0, l0: 0)

    init(l3: UInt64, l2: UInt64, l1: UInt64, l0: UInt64) {
        (self.l3, self.l2, self.l1, self.l0) = (l3, l2, l1, l0)
    }

    /// The word at byte `p` of `bytes` (the caller checked `p + 32 <= bytes.count`).
    init(_ bytes: UnsafeRawBufferPointer, at p: Int) {
        l3 = UInt64(bigEndian: bytes.loadUnaligned(fromByteOffset: p, as: UInt64.self))
        l2 = UInt64(bigEndian: bytes.loadUnaligned(fromByteOffset: p + 8, as: UInt64.self))
        l1 = UInt64(bigEndian: bytes.loadUnaligned(fromByteOffset: p + 16, as: UInt64.self))
        l0 = UInt64(bigEndian: bytes.loadUnaligned(fromByteOffset: p + 24, as: UInt64.self))
    }

    var bigUInt: BigUInt {
        BigUInt(words: [UInt(l0), UInt(l1), UInt(l2), UInt(l3)])
    }

    var address: Address {
        var b = [UInt8](repeating: 0, count: 20)
        for k in 0..<4 { b[k] = UInt8(truncatingIfNeeded: l2 >> (24 - 8 * UInt64(k))) }
        for k in 0..<8 { b[4 + k] = UInt8(truncatingIfNeeded: l1 >> (56 - 8 * UInt64(k))) }
        for k in 0..<8 { b[12 + k] = UInt8(truncatingIfNeeded: l0 >> (56 - 8 * UInt64(k))) }
        return Address(bytes: b) ?? .zero  // 20 bytes by construction
    }
}

/// How the sync reads one event's arguments without the generic ABI decoder: each argument's 32-byte word in a
/// topic or in the data head, for events whose arguments are all one-word types (`uint<M>`, `address`, `bool`,
/// `bytes<N>`, a hashed indexed dynamic value) or non-indexed `bytes` the sync does not read.
///
/// It checks exactly what ``ABIEvent/decodeLog(topics:data:)`` checks for those types (topic count, canonical
/// words, the `bytes` offset, length and padding) and answers nil on any failure, so the caller runs the generic
/// decoder, which throws the precise error. Where both succeed they agree (`EventWordsTests`).
struct EventLayout: Sendable {
    enum Kind: Sendable {
        case uint(Int)
        case address
        case bool
        case fixedBytes(Int)
        /// An indexed `bytes`/`string`/array: its topic is a hash, taken as it is.
        case topicHash
        /// A non-indexed `bytes`: validated, its value not kept (a zero word stands in).
        case dynamicBytes
    }

    enum Source: Sendable {
        case topic(Int)
        case head(Int)
    }

    let arguments: [(Kind, Source)]
    let topicCount: Int
    let headSize: Int

    init?(_ event: ABIEvent) {
        guard !event.anonymous else { return nil }
        var arguments: [(Kind, Source)] = []
        var topic = 1
        var head = 0
        for input in event.inputs {
            let kind: Kind
            if input.indexed {
                switch input.type {
                case .uint(let bits): kind = .uint(bits)
                case .address: kind = .address
                case .bool: kind = .bool
                case .fixedBytes(let n): kind = .fixedBytes(n)
                case .bytes, .string, .array, .fixedArray, .tuple:
                    guard ABIEvent.isHashedWhenIndexed(input.type) else { return nil }
                    kind = .topicHash
                case .int: return nil
                }
                arguments.append((kind, .topic(topic)))
                topic += 1
            } else {
                switch input.type {
                case .uint(let bits): kind = .uint(bits)
                case .address: kind = .address
                case .bool: kind = .bool
                case .fixedBytes(let n): kind = .fixedBytes(n)
                case .bytes: kind = .dynamicBytes
                default: return nil
                }
                arguments.append((kind, .head(head)))
                head += 32
            }
        }
        self.arguments = arguments
        self.topicCount = topic
        self.headSize = head
    }

    /// The arguments' words, or nil when the log is not a canonical encoding of the event.
    func words(topics: [[UInt8]], data: [UInt8]) -> [ABIWord]? {
        guard topics.count == topicCount, data.count >= headSize else { return nil }
        var out: [ABIWord] = []
        out.reserveCapacity(arguments.count)
        for (kind, source) in arguments {
            let word: ABIWord?
            switch source {
            case .topic(let t):
                let bytes = topics[t]
                guard bytes.count == 32 else { return nil }
                word = bytes.withUnsafeBytes { Self.check(kind, ABIWord($0, at: 0)) }
            case .head(let p):
                word = data.withUnsafeBytes { raw -> ABIWord? in
                    let w = ABIWord(raw, at: p)
                    if case .dynamicBytes = kind { return Self.bytesTail(offset: w, raw: raw, headSize: headSize) }
                    return Self.check(kind, w)
                }
            }
            guard let word else { return nil }
            out.append(word)
        }
        return out
    }

    /// The word if it is canonical for `kind` (the strict decoder's rules).
    private static func check(_ kind: Kind, _ w: ABIWord) -> ABIWord? {
        switch kind {
        case .uint(let bits):
            guard bits >= 256 || fits(w, bits: bits) else { return nil }
        case .address:
            guard fits(w, bits: 160) else { return nil }
        case .bool:
            guard w.l3 | w.l2 | w.l1 == 0, w.l0 <= 1 else { return nil }
        case .fixedBytes(let n):
            // Padding after byte n must be zero: the low (32 - n) bytes.
            let zeroBits = (32 - n) * 8
            let limbs = [w.l0, w.l1, w.l2, w.l3]  // least significant first
            for (i, limb) in limbs.enumerated() {
                let low = i * 64
                if zeroBits >= low + 64 {
                    if limb != 0 { return nil }
                } else if zeroBits > low, limb & ((1 << UInt64(zeroBits - low)) - 1) != 0 {
                    return nil
                }
            }
        case .topicHash, .dynamicBytes: break
        }
        return w
    }

    private static func fits(_ w: ABIWord, bits: Int) -> Bool {
        let limbs = [w.l0, w.l1, w.l2, w.l3]
        for (i, limb) in limbs.enumerated() {
            let low = i * 64
            if bits >= low + 64 { continue }
            if bits <= low {
                if limb != 0 { return false }
            } else if limb >> UInt64(bits - low) != 0 {
                return false
            }
        }
        return true
    }

    /// Checks a top-level `bytes` value as the strict decoder does (offset after the head and inside the data,
    /// length and padding inside the data, zero padding); a zero word when it holds.
    private static func bytesTail(offset w: ABIWord, raw: UnsafeRawBufferPointer, headSize: Int) -> ABIWord? {
        guard let offset = size(w), offset >= headSize, offset <= raw.count - 32 else { return nil }
        guard let length = size(ABIWord(raw, at: offset)) else { return nil }
        let available = raw.count - (offset + 32)
        let padded = (length + 31) / 32 * 32
        guard length <= available, padded <= available else { return nil }
        let start = offset + 32
        for i in (start + length)..<(start + padded) where raw[i] != 0 { return nil }
        return .zero
    }

    /// An offset or length as the strict decoder accepts it (below 2^64 and within its size limit).
    private static func size(_ w: ABIWord) -> Int? {
        guard w.l3 | w.l2 | w.l1 == 0, w.l0 <= UInt64(ABIType.sizeLimit) else { return nil }
        return Int(w.l0)
    }
}

/// One log's arguments, read by ``EventLayout`` or, for anything else, by the generic decoder. The accessors
/// answer as `ABIValue`'s do: a value of another type is nil (or 0).
enum LogArguments {
    case words([ABIWord], EventLayout)
    case values([ABIValue])

    /// The words of the layout's arguments of `kind`, or nil.
    private func word(_ i: Int, _ matches: (EventLayout.Kind) -> Bool) -> ABIWord? {
        guard case .words(let w, let layout) = self, i < w.count, matches(layout.arguments[i].0) else { return nil }
        return w[i]
    }

    /// Argument `i` as an unsigned integer; 0 when missing or not one.
    func uint(_ i: Int) -> BigUInt {
        switch self {
        case .words: word(i, Self.isUint)?.bigUInt ?? 0
        case .values(let v): i < v.count ? v[i].uintValue ?? 0 : 0
        }
    }

    /// Argument `i` as an id the cache holds (0 when missing or not an integer, as ``uint(_:)``); an id past
    /// 2^63 − 1 is a ``SyncError`` naming `what`.
    func id(_ i: Int, _ what: @autoclosure () -> String) throws(SyncError) -> UInt64 {
        switch self {
        case .words:
            guard let w = word(i, Self.isUint) else { return 0 }
            if w.l3 | w.l2 | w.l1 == 0, w.l0 <= UInt64(Int64.max) { return w.l0 }
            return try Storable.id(w.bigUInt, what())
        case .values: return try Storable.id(uint(i), what())
        }
    }

    func address(_ i: Int) -> Address? {
        switch self {
        case .words:
            word(i) {
                if case .address = $0 { return true }
                return false
            }?.address
        case .values(let v): i < v.count ? v[i].addressValue : nil
        }
    }

    func bool(_ i: Int) -> Bool? {
        switch self {
        case .words:
            word(i) {
                if case .bool = $0 { return true }
                return false
            }.map { $0.l0 == 1 }
        case .values(let v): i < v.count ? v[i].boolValue : nil
        }
    }

    private static func isUint(_ kind: EventLayout.Kind) -> Bool {
        if case .uint = kind { return true }
        return false
    }
}
