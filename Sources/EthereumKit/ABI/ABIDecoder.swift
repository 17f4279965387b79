import Basics
import BigInt

extension ABI {
    /// Decodes `abi.encode`d data as a tuple of `types`.
    ///
    /// Input is treated as untrusted: every offset and length is bounds-checked (they are 256-bit words;
    /// anything ≥ 2^64 or past the end is an error), and non-canonical words are rejected as eth-abi's strict
    /// decoder does (bool other than 0/1, address or uint<M> with high bits set, int<M> not sign-extended,
    /// non-zero padding). Trailing bytes after the encoding are allowed.
    public static func decode(_ types: [ABIType], from data: [UInt8]) throws(ABIDecodingError) -> [ABIValue] {
        try decode(types, from: data, start: 0)
    }

    /// Decodes one value of `type` (as `abi.decode(data, (T))`).
    public static func decode(_ type: ABIType, from data: [UInt8]) throws(ABIDecodingError) -> ABIValue {
        try decode([type], from: data, start: 0)[0]
    }

    /// Decodes the encoding that starts at byte `start` of `data` (after a selector, say); error offsets
    /// count from the start of `data`.
    public static func decode(_ types: [ABIType], from data: [UInt8], start: Int) throws(ABIDecodingError) -> [ABIValue]
    {
        guard start >= 0 && start <= data.count else {
            throw ABIDecodingError(
                code: .abiDecodingTruncated, offset: 0,
                reason: "start \(start) is outside the \(data.count) bytes of data")
        }
        if let bad = types.lazy.compactMap(\.validationError).first {
            throw ABIDecodingError(code: .abiDecodingInvalidType, offset: start, reason: "invalid type: \(bad)")
        }
        let decoder = ABIDecoderCore(data: data)
        return try decoder.decodeSequence(types, names: [], at: start, topLevel: true)
    }
}

struct ABIDecoderCore {
    let data: [UInt8]

    private func fail(_ offset: Int, _ code: ErrorCode, _ reason: String) -> ABIDecodingError {
        ABIDecodingError(code: code, offset: offset, reason: reason)
    }

    private func prefixed(_ e: ABIDecodingError, _ c: ABIPath.Component) -> ABIDecodingError {
        var e = e
        e.path.prepend(c)
        return e
    }

    @inline(__always) private func requireWord(at p: Int, _ what: @autoclosure () -> String) throws(ABIDecodingError) {
        if p > data.count - 32 {
            throw fail(p, .abiDecodingTruncated, "data ends at byte \(data.count) but \(what()) needs 32 bytes here")
        }
    }

    /// Eight big-endian bytes at `p`; callers have checked `p + 8 <= data.count`.
    @inline(__always) private func limb(at p: Int) -> UInt64 {
        data.withUnsafeBytes { UInt64(bigEndian: $0.loadUnaligned(fromByteOffset: p, as: UInt64.self)) }
    }

    /// Reads a 256-bit offset or length that must fit comfortably in memory-sized integers.
    private func readSize(at p: Int, _ what: @autoclosure () -> String) throws(ABIDecodingError) -> Int {
        try requireWord(at: p, what())
        if limb(at: p) != 0 || limb(at: p + 8) != 0 || limb(at: p + 16) != 0 {
            throw fail(p, .abiDecodingBadOffset, "\(what()) is 2^64 or more")
        }
        let v = limb(at: p + 24)
        guard v <= UInt64(ABIType.sizeLimit) else {
            throw fail(p, .abiDecodingBadOffset, "\(what()) \(v) is far beyond the data")
        }
        return Int(v)
    }

    /// Decodes a tuple (or the top-level argument list) whose head starts at `base`.
    func decodeSequence(_ types: [ABIType], names: [String], at base: Int, topLevel: Bool) throws(ABIDecodingError)
        -> [ABIValue]
    {
        let headEnd = ABIType.saturatingAdd(base, ABIType.headSize(of: types))
        var values: [ABIValue] = []
        values.reserveCapacity(types.count)
        var cursor = base
        for (i, t) in types.enumerated() {
            do {
                if t.isDynamic {
                    let target = try tailPosition(slot: cursor, frame: base, headEnd: headEnd)
                    values.append(try decodeValue(t, at: target))
                    cursor += 32
                } else {
                    values.append(try decodeValue(t, at: cursor))
                    cursor += t.headSize
                }
            } catch {
                throw prefixed(
                    error, topLevel ? .index(i) : .field(i < names.count && !names[i].isEmpty ? names[i] : String(i)))
            }
        }
        return values
    }

    /// Follows the offset in `slot` (relative to `frame`) and checks it points after the head and inside the data.
    private func tailPosition(slot: Int, frame: Int, headEnd: Int) throws(ABIDecodingError) -> Int {
        let offset = try readSize(at: slot, "offset")
        let target = frame + offset
        if target < headEnd {
            throw fail(
                slot, .abiDecodingBadOffset,
                "offset \(offset) points into the head (the tail starts at \(headEnd - frame))")
        }
        if target > data.count - 32 {
            throw fail(
                slot, .abiDecodingBadOffset,
                "offset \(offset) points past the end of the data (byte \(target) of \(data.count))")
        }
        return target
    }

    /// Decodes `count` elements of `element` whose head starts at `base` (arrays and fixed arrays).
    private func decodeElements(_ element: ABIType, count: Int, at base: Int) throws(ABIDecodingError) -> [ABIValue] {
        let dynamic = element.isDynamic
        let stride = dynamic ? 32 : element.headSize
        let headEnd = ABIType.saturatingAdd(base, ABIType.saturatingMultiply(stride, count))
        if headEnd > data.count {
            throw fail(
                base, .abiDecodingTruncated,
                "\(count) elements of \(element.canonical) need \(headEnd - base) bytes but the data ends at byte \(data.count)"
            )
        }
        var values: [ABIValue] = []
        values.reserveCapacity(count)
        var cursor = base
        for i in 0..<count {
            do {
                if dynamic {
                    let target = try tailPosition(slot: cursor, frame: base, headEnd: headEnd)
                    values.append(try decodeValue(element, at: target))
                } else {
                    values.append(try decodeValue(element, at: cursor))
                }
            } catch {
                throw prefixed(error, .index(i))
            }
            cursor += stride
        }
        return values
    }

    /// Decodes a value at `p`: inline for static types, the tail (length/head) for dynamic ones.
    func decodeValue(_ type: ABIType, at p: Int) throws(ABIDecodingError) -> ABIValue {
        switch type {
        case .uint(let bits):
            try requireWord(at: p, type.canonical)
            let l3 = limb(at: p), l2 = limb(at: p + 8), l1 = limb(at: p + 16), l0 = limb(at: p + 24)
            if bits < 256 {
                let clean = ABIDecoderCore.fitsUnsigned((l3, l2, l1, l0), bits: bits)
                if !clean {
                    throw fail(
                        p, .abiDecodingNonCanonical, "the word has bits set above bit \(bits) of \(type.canonical)")
                }
            }
            return .uint(ABIDecoderCore.bigUInt(l3, l2, l1, l0))
        case .int(let bits):
            try requireWord(at: p, type.canonical)
            var l3 = limb(at: p), l2 = limb(at: p + 8), l1 = limb(at: p + 16), l0 = limb(at: p + 24)
            let negative = l3 >> 63 == 1
            if bits < 256 {
                // Every bit from bit `bits-1` up must equal the sign bit (proper sign extension).
                let ok =
                    negative
                    ? ABIDecoderCore.fitsUnsigned((~l3, ~l2, ~l1, ~l0), bits: bits - 1)
                    : ABIDecoderCore.fitsUnsigned((l3, l2, l1, l0), bits: bits - 1)
                if !ok { throw fail(p, .abiDecodingNonCanonical, "the word is not a sign-extended \(type.canonical)") }
            }
            if !negative { return .int(BigInt(ABIDecoderCore.bigUInt(l3, l2, l1, l0))) }
            // -x = ~x + 1; compute the magnitude as ~word + 1 over 256 bits.
            l3 = ~l3; l2 = ~l2; l1 = ~l1; l0 = ~l0
            var carry: Bool
            (l0, carry) = l0.addingReportingOverflow(1)
            if carry { (l1, carry) = l1.addingReportingOverflow(1) }
            if carry { (l2, carry) = l2.addingReportingOverflow(1) }
            if carry { (l3, carry) = l3.addingReportingOverflow(1) }
            return .int(BigInt(sign: .minus, magnitude: ABIDecoderCore.bigUInt(l3, l2, l1, l0)))
        case .address:
            try requireWord(at: p, "address")
            if limb(at: p) != 0 || data[p + 8] != 0 || data[p + 9] != 0 || data[p + 10] != 0 || data[p + 11] != 0 {
                throw fail(p, .abiDecodingNonCanonical, "the address word has non-zero bytes above the 20-byte address")
            }
            return .address(Address(uncheckedBytes: Array(data[p + 12..<p + 32])))
        case .bool:
            try requireWord(at: p, "bool")
            let hi = limb(at: p) | limb(at: p + 8) | limb(at: p + 16)
            let lo = limb(at: p + 24)
            if hi != 0 || lo > 1 { throw fail(p, .abiDecodingNonCanonical, "the bool word is neither 0 nor 1") }
            return .bool(lo == 1)
        case .fixedBytes(let n):
            try requireWord(at: p, type.canonical)
            for i in n..<32 where data[p + i] != 0 {
                throw fail(
                    p, .abiDecodingNonCanonical, "the \(type.canonical) word has non-zero padding after byte \(n)")
            }
            return .fixedBytes(Array(data[p..<p + n]))
        case .bytes:
            return .bytes(try readDynamicBytes(at: p, what: "bytes"))
        case .string:
            let raw = try readDynamicBytes(at: p, what: "string")
            guard let s = String(validating: raw, as: UTF8.self) else {
                throw fail(p + 32, .abiDecodingNonCanonical, "string of \(raw.count) bytes is not valid UTF-8")
            }
            return .string(s)
        case .array(let element):
            let count = try readSize(at: p, "array length")
            let available = data.count - (p + 32)
            let minimum = element.isDynamic ? 32 : max(element.headSize, 1)
            if count > available / minimum {
                throw fail(
                    p, .abiDecodingTruncated,
                    "array length \(count) needs at least \(ABIType.saturatingMultiply(count, minimum)) bytes but only \(available) follow"
                )
            }
            return .array(try decodeElements(element, count: count, at: p + 32))
        case .fixedArray(let element, let k):
            return .array(try decodeElements(element, count: k, at: p))
        case .tuple(let types, _):
            if !type.isDynamic && ABIType.saturatingAdd(p, type.headSize) > data.count {
                throw fail(
                    p, .abiDecodingTruncated,
                    "\(type.canonical) needs \(type.headSize) bytes but the data ends at byte \(data.count)")
            }
            return .tuple(try decodeSequence(types, names: type.componentNames, at: p, topLevel: false))
        }
    }

    private func readDynamicBytes(at p: Int, what: StaticString) throws(ABIDecodingError) -> [UInt8] {
        let length = try readSize(at: p, "\(what) length")
        let available = data.count - (p + 32)
        if length > available {
            throw fail(
                p, .abiDecodingTruncated, "\(what) length \(length) is longer than the \(available) bytes that follow")
        }
        let padded = (length + 31) / 32 * 32
        if padded > available {
            throw fail(
                p, .abiDecodingTruncated,
                "\(what) of \(length) bytes needs padding to \(padded) bytes but only \(available) follow")
        }
        let start = p + 32
        for i in (start + length)..<(start + padded) where data[i] != 0 {
            throw fail(i, .abiDecodingNonCanonical, "\(what) has non-zero padding after its \(length) bytes")
        }
        return Array(data[start..<start + length])
    }

    /// Whether a 256-bit word (most significant limb first) is below 2^bits.
    static func fitsUnsigned(_ l: (UInt64, UInt64, UInt64, UInt64), bits: Int) -> Bool {
        let limbs = [l.3, l.2, l.1, l.0]  // least significant first
        for (i, w) in limbs.enumerated() {
            let low = i * 64
            if bits >= low + 64 { continue }
            if bits <= low {
                if w != 0 { return false }
            } else if w >> UInt64(bits - low) != 0 {
                return false
            }
        }
        return true
    }

    @inline(__always) static func bigUInt(_ l3: UInt64, _ l2: UInt64, _ l1: UInt64, _ l0: UInt64) -> BigUInt {
        if l3 == 0 && l2 == 0 && l1 == 0 { return BigUInt(UInt(l0)) }
        return BigUInt(words: [UInt(l0), UInt(l1), UInt(l2), UInt(l3)])
    }
}
