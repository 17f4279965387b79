import Basics
import BigInt

/// The Solidity contract ABI codec: standard (head/tail) encoding, packed encoding, decoding, selectors.
public enum ABI {
    /// `abi.encode(values…)` for `types` (the encoding of function arguments without the selector).
    public static func encode(_ types: [ABIType], _ values: [ABIValue]) throws(ABIEncodingError) -> [UInt8] {
        var encoder = ABIEncoderCore(capacity: ABIEncoderCore.estimatedSize(values))
        try encoder.encodeArguments(types: types, values: values)
        return encoder.out
    }

    /// Encodes a single value of `type` as `abi.encode(value)` would.
    public static func encode(_ type: ABIType, _ value: ABIValue) throws(ABIEncodingError) -> [UInt8] {
        try encode([type], [value])
    }

    /// `selector` ‖ encoded arguments.
    public static func encodeCall(
        selector: [UInt8], types: [ABIType], values: [ABIValue]
    ) throws(ABIEncodingError) -> [UInt8] {
        var encoder = ABIEncoderCore(capacity: selector.count + ABIEncoderCore.estimatedSize(values))
        encoder.out.append(contentsOf: selector)
        try encoder.encodeArguments(types: types, values: values)
        return encoder.out
    }

    /// First four bytes of keccak256 of a canonical signature (`transfer(address,uint256)`).
    public static func selector(_ canonicalSignature: String) -> [UInt8] {
        Array(Keccak256.hash(utf8: canonicalSignature).prefix(4))
    }

    /// Full keccak256 of a canonical event signature: an event's topic0.
    public static func eventTopic(_ canonicalSignature: String) -> [UInt8] {
        Keccak256.hash(utf8: canonicalSignature)
    }
}

/// Appends encodings to one growing buffer; tails are written after their heads and the offsets patched in,
/// so nothing is encoded twice or copied between temporary arrays.
struct ABIEncoderCore {
    var out: [UInt8] = []

    init(capacity: Int = 256) { out.reserveCapacity(capacity) }

    /// About the encoded size (exact for most values), so the buffer is allocated once.
    static func estimatedSize(_ values: [ABIValue]) -> Int {
        var n = 0
        for v in values {
            switch v {
            case .bytes(let b): n += 64 + (b.count + 31) & ~31
            case .string(let s): n += 64 + (s.utf8.count + 31) & ~31
            case .array(let vs), .tuple(let vs): n += 64 + estimatedSize(vs)
            default: n += 32
            }
        }
        return n
    }

    private static let zeroWord = [UInt8](repeating: 0, count: 32)

    @inline(__always) mutating func appendZeros(_ n: Int) {
        var n = n
        while n > 32 {
            out.append(contentsOf: Self.zeroWord)
            n -= 32
        }
        out.append(contentsOf: Self.zeroWord[0..<n])
    }

    @inline(__always) mutating func appendUInt64Word(_ v: UInt64) {
        appendWord(0, 0, 0, v)
    }

    /// Appends one 32-byte word from four 64-bit limbs, most significant first.
    @inline(__always) mutating func appendWord(_ l3: UInt64, _ l2: UInt64, _ l1: UInt64, _ l0: UInt64) {
        let start = out.count
        out.append(contentsOf: Self.zeroWord)
        out.withUnsafeMutableBytes { p in
            p.storeBytes(of: l3.bigEndian, toByteOffset: start, as: UInt64.self)
            p.storeBytes(of: l2.bigEndian, toByteOffset: start + 8, as: UInt64.self)
            p.storeBytes(of: l1.bigEndian, toByteOffset: start + 16, as: UInt64.self)
            p.storeBytes(of: l0.bigEndian, toByteOffset: start + 24, as: UInt64.self)
        }
    }

    @inline(__always) mutating func patchWord(_ v: Int, at slot: Int) {
        var x = UInt64(v)
        var i = slot + 31
        while x != 0 {
            out[i] = UInt8(truncatingIfNeeded: x)
            x >>= 8
            i -= 1
        }
    }

    /// Encodes a top-level argument list (a tuple whose components are addressed as `args[i]`).
    mutating func encodeArguments(types: [ABIType], values: [ABIValue]) throws(ABIEncodingError) {
        guard types.count == values.count else {
            throw ABIEncodingError(
                code: .abiEncodingWrongCount, reason: "\(values.count) values for \(types.count) types")
        }
        try encodeHeadsAndTails(types: types, values: values) { .index($0) }
    }

    mutating func encodeTupleValues(_ tupleType: ABIType, types: [ABIType], values: [ABIValue]) throws(ABIEncodingError)
    {
        guard types.count == values.count else {
            throw ABIEncodingError(
                code: .abiEncodingWrongCount,
                reason: "a tuple \(tupleType.canonical) needs \(types.count) values, got \(values.count)")
        }
        let names = tupleType.componentNames
        try encodeHeadsAndTails(types: types, values: values) { Self.field($0, names) }
    }

    /// The tuple layout: static components inline, a 32-byte offset slot for each dynamic one, then the
    /// dynamic tails in order with their offsets patched in. `path` names component `i` in errors.
    private mutating func encodeHeadsAndTails(
        types: [ABIType], values: [ABIValue], path: (Int) -> ABIPath.Component
    ) throws(ABIEncodingError) {
        let start = out.count
        var pending: [(Int, Int)] = []
        for i in types.indices {
            let t = types[i]
            if t.isDynamic {
                pending.append((i, out.count))
                appendZeros(32)
            } else {
                do { try encode(t, values[i]) } catch { throw prefixed(error, path(i)) }
            }
        }
        for (i, slot) in pending {
            patchWord(out.count - start, at: slot)
            do { try encode(types[i], values[i]) } catch { throw prefixed(error, path(i)) }
        }
    }

    mutating func encodeElements(_ element: ABIType, values: [ABIValue]) throws(ABIEncodingError) {
        if !element.isDynamic {
            for (i, v) in values.enumerated() {
                do { try encode(element, v) } catch { throw prefixed(error, .index(i)) }
            }
            return
        }
        let start = out.count
        let firstSlot = out.count
        appendZeros(32 * values.count)
        for (i, v) in values.enumerated() {
            patchWord(out.count - start, at: firstSlot + 32 * i)
            do { try encode(element, v) } catch { throw prefixed(error, .index(i)) }
        }
    }

    private static func field(_ i: Int, _ names: [String]) -> ABIPath.Component {
        i < names.count && !names[i].isEmpty ? .field(names[i]) : .field(String(i))
    }

    private func prefixed(_ e: ABIEncodingError, _ c: ABIPath.Component) -> ABIEncodingError {
        var e = e
        e.path.prepend(c)
        return e
    }

    /// Appends the encoding of one value: inline for static types, the tail form for dynamic ones.
    mutating func encode(_ type: ABIType, _ value: ABIValue) throws(ABIEncodingError) {
        switch type {
        case .uint(let bits):
            try checkBits(type, bits)
            // Only `.uint`: the decoder gives `.uint` back, so accepting `.int` would break decode(encode(v)) == v.
            guard case .uint(let v) = value else { throw mismatch(type, value) }
            try appendUnsigned(v, bits: bits, type: type)
        case .int(let bits):
            try checkBits(type, bits)
            guard case .int(let v) = value else { throw mismatch(type, value) }
            try appendSigned(v, bits: bits, type: type)
        case .address:
            guard case .address(let a) = value else { throw mismatch(type, value) }
            appendZeros(12)
            out.append(contentsOf: a.bytes)
        case .bool:
            guard case .bool(let b) = value else { throw mismatch(type, value) }
            appendUInt64Word(b ? 1 : 0)
        case .fixedBytes(let n):
            guard (1...32).contains(n) else {
                throw ABIEncodingError(
                    code: .abiEncodingInvalidType, reason: "invalid type bytes\(n): the size must be 1 to 32")
            }
            guard case .fixedBytes(let b) = value else { throw mismatch(type, value) }
            guard b.count == n else {
                throw ABIEncodingError(
                    code: .abiEncodingWrongLength, reason: "bytes\(n) needs exactly \(n) bytes, got \(b.count)")
            }
            out.append(contentsOf: b)
            appendZeros(32 - n)
        case .bytes:
            guard case .bytes(let b) = value else { throw mismatch(type, value) }
            appendDynamicBytes(b)
        case .string:
            guard case .string(let s) = value else { throw mismatch(type, value) }
            appendDynamicBytes(Array(s.utf8))
        case .array(let element):
            guard case .array(let vs) = value else { throw mismatch(type, value) }
            appendUInt64Word(UInt64(vs.count))
            try encodeElements(element, values: vs)
        case .fixedArray(let element, let k):
            guard k > 0 else {
                throw ABIEncodingError(
                    code: .abiEncodingInvalidType, reason: "invalid type \(type.canonical): length must be > 0")
            }
            guard case .array(let vs) = value else { throw mismatch(type, value) }
            guard vs.count == k else {
                throw ABIEncodingError(
                    code: .abiEncodingWrongCount,
                    reason: "\(type.canonical) needs exactly \(k) elements, got \(vs.count)")
            }
            try encodeElements(element, values: vs)
        case .tuple(let types, let names):
            guard case .tuple(let vs) = value else { throw mismatch(type, value) }
            if !names.isEmpty && names.count != types.count {
                throw ABIEncodingError(
                    code: .abiEncodingInvalidType,
                    reason: "invalid type \(type.canonical): \(names.count) names for \(types.count) components")
            }
            try encodeTupleValues(type, types: types, values: vs)
        }
    }

    private func checkBits(_ type: ABIType, _ bits: Int) throws(ABIEncodingError) {
        if bits < 8 || bits > 256 || bits % 8 != 0 {
            throw ABIEncodingError(
                code: .abiEncodingInvalidType,
                reason: "invalid type \(type.canonical): the bit size must be a multiple of 8 from 8 to 256")
        }
    }

    func mismatch(_ type: ABIType, _ value: ABIValue) -> ABIEncodingError {
        ABIEncodingError(
            code: .abiEncodingTypeMismatch,
            reason: "expected a value of type \(type.canonical), got \(value.kindDescription)")
    }

    mutating func appendDynamicBytes(_ b: [UInt8]) {
        appendUInt64Word(UInt64(b.count))
        out.append(contentsOf: b)
        let pad = (32 - b.count % 32) % 32
        appendZeros(pad)
    }

    mutating func appendUnsigned(_ v: BigUInt, bits: Int, type: ABIType) throws(ABIEncodingError) {
        guard v.bitWidth <= bits else {
            throw ABIEncodingError(
                code: .abiEncodingOutOfRange,
                reason: "a value of \(v.bitWidth) bits does not fit in \(type.canonical) (max 2^\(bits)-1)")
        }
        appendWords(v.words, invert: false)
    }

    mutating func appendSigned(_ v: BigInt, bits: Int, type: ABIType) throws(ABIEncodingError) {
        if v.sign == .minus && !v.magnitude.isZero {
            // Two's complement of -m is ~(m - 1) over 256 bits.
            let m1 = v.magnitude - 1
            guard m1.bitWidth <= bits - 1 else {
                throw ABIEncodingError(
                    code: .abiEncodingOutOfRange,
                    reason: "the value is below the minimum of \(type.canonical) (-2^\(bits - 1))")
            }
            appendWords(m1.words, invert: true)
        } else {
            guard v.magnitude.bitWidth <= bits - 1 else {
                throw ABIEncodingError(
                    code: .abiEncodingOutOfRange,
                    reason: "the value is above the maximum of \(type.canonical) (2^\(bits - 1)-1)")
            }
            appendWords(v.magnitude.words, invert: false)
        }
    }

    /// Writes up to four little-endian 64-bit limbs as one big-endian 32-byte word.
    @inline(__always) mutating func appendWords(_ words: BigUInt.Words, invert: Bool) {
        let n = words.count
        let limbs0: (UInt64, UInt64, UInt64, UInt64) = (
            n > 0 ? UInt64(words[0]) : 0, n > 1 ? UInt64(words[1]) : 0,
            n > 2 ? UInt64(words[2]) : 0, n > 3 ? UInt64(words[3]) : 0
        )
        var limbs = limbs0
        if invert { limbs = (~limbs.0, ~limbs.1, ~limbs.2, ~limbs.3) }
        appendWord(limbs.3, limbs.2, limbs.1, limbs.0)
    }
}

extension ABIValue {
    /// What kind of value this is, for error messages (never the value itself: it may be long or private).
    var kindDescription: String {
        switch self {
        case .uint: return "an unsigned integer"
        case .int: return "a signed integer"
        case .address: return "an address"
        case .bool: return "a bool"
        case .fixedBytes(let b): return "a bytes\(b.count) value"
        case .bytes(let b): return "a byte string of \(b.count) bytes"
        case .string: return "a string"
        case .array(let v): return "an array of \(v.count) elements"
        case .tuple(let v): return "a tuple of \(v.count) values"
        }
    }
}
