import BigInt

/// An RLP value: a byte string or a list of items (Ethereum Yellow Paper, appendix B).
public enum RLPItem: Hashable, Sendable {
    case bytes([UInt8])
    case list([RLPItem])
}

/// Why RLP input was rejected, and at which byte offset of the input.
public struct RLPError: Error, Equatable, Sendable, CustomStringConvertible {
    public enum Reason: Equatable, Sendable {
        /// The input ended (or the enclosing list ended) before the item did.
        case truncated(needed: Int, available: Int)
        /// Bytes left over after the top-level item.
        case trailingBytes(count: Int)
        /// A long-form length starts with a zero byte.
        case leadingZeroInLength
        /// A single byte below 0x80 was wrapped as a one-byte string (0x81 xx); it must stand alone.
        case singleByteAsString(UInt8)
        /// A string shorter than 56 bytes used the long form (0xb8…0xbf).
        case shortStringInLongForm(length: Int)
        /// A list payload shorter than 56 bytes used the long form (0xf8…0xff).
        case shortListInLongForm(length: Int)
        /// A long-form length does not fit a machine integer.
        case lengthOverflow
        /// Lists nested deeper than the decoder allows (protects the stack against hostile input).
        case nestingTooDeep(limit: Int)
    }

    public let position: Int
    public let reason: Reason

    public init(position: Int, reason: Reason) {
        self.position = position
        self.reason = reason
    }

    public var description: String {
        let what: String
        switch reason {
        case .truncated(let needed, let available):
            what = "input is truncated: the item needs \(needed) more byte(s) but only \(available) remain"
        case .trailingBytes(let n): what = "\(n) unexpected byte(s) after the end of the item"
        case .leadingZeroInLength: what = "non-canonical length: it has a leading zero byte"
        case .singleByteAsString(let b):
            what =
                "non-canonical string: the single byte 0x\(Hex.encode([b], prefix: false)) must be encoded as itself, not with a 0x81 prefix"
        case .shortStringInLongForm(let n): what = "non-canonical string: length \(n) < 56 must use the short form"
        case .shortListInLongForm(let n): what = "non-canonical list: payload length \(n) < 56 must use the short form"
        case .lengthOverflow: what = "length is too large"
        case .nestingTooDeep(let limit): what = "lists are nested more than \(limit) deep"
        }
        return "invalid RLP at byte \(position): \(what)"
    }
}

/// A decoded item did not have the shape a caller expected (a string vs a list, a canonical integer).
public enum RLPValueError: Error, Equatable, Sendable, CustomStringConvertible {
    case expectedBytes
    case expectedList
    /// Integers are minimal big-endian: zero is the empty string and there are no leading zero bytes.
    case integerHasLeadingZero
    case integerTooLarge(bytes: Int, maxBytes: Int)

    public var description: String {
        switch self {
        case .expectedBytes: return "expected a byte string, found a list"
        case .expectedList: return "expected a list, found a byte string"
        case .integerHasLeadingZero: return "non-canonical integer: it has a leading zero byte"
        case .integerTooLarge(let n, let max): return "integer has \(n) bytes; at most \(max) are allowed"
        }
    }
}

/// Recursive Length Prefix encoding and strict (canonical-only) decoding.
public enum RLP {
    /// Lists nested deeper than this are rejected; real Ethereum structures nest at most a few levels.
    public static let maxDepth = 256

    public static func encode(_ item: RLPItem) -> [UInt8] {
        var out: [UInt8] = []
        append(item, to: &out)
        return out
    }

    /// Appends the encoding of `item` to `out`.
    public static func append(_ item: RLPItem, to out: inout [UInt8]) {
        switch item {
        case .bytes(let b):
            if b.count == 1 && b[0] < 0x80 {
                out.append(b[0])
            } else {
                appendHeader(length: b.count, offset: 0x80, to: &out)
                out.append(contentsOf: b)
            }
        case .list(let items):
            var payload: [UInt8] = []
            for child in items { append(child, to: &payload) }
            appendHeader(length: payload.count, offset: 0xc0, to: &out)
            out.append(contentsOf: payload)
        }
    }

    /// The header of a string (offset 0x80) or list (offset 0xc0) with a payload of `length` bytes.
    public static func appendHeader(length: Int, offset: UInt8, to out: inout [UInt8]) {
        if length < 56 {
            out.append(offset + UInt8(length))
        } else {
            let lengthBytes = BigUInt(length).bigEndianBytes
            out.append(offset + 55 + UInt8(lengthBytes.count))
            out.append(contentsOf: lengthBytes)
        }
    }

    /// Decodes exactly one item that spans all of `bytes`.
    public static func decode<C: Collection>(_ bytes: C) throws(RLPError) -> RLPItem where C.Element == UInt8 {
        let input = Array(bytes)
        var parser = Parser(input: input)
        let item = try parser.item(end: input.count, depth: 0)
        if parser.position != input.count {
            throw RLPError(position: parser.position, reason: .trailingBytes(count: input.count - parser.position))
        }
        return item
    }

    struct Parser {
        let input: [UInt8]
        var position = 0

        init(input: [UInt8]) { self.input = input }

        /// Reads one item that must end at or before `end` (the end of the enclosing list or the input).
        mutating func item(end: Int, depth: Int) throws(RLPError) -> RLPItem {
            let start = position
            guard start < end else { throw RLPError(position: start, reason: .truncated(needed: 1, available: 0)) }
            let prefix = input[start]
            switch prefix {
            case 0x00...0x7f:
                position += 1
                return .bytes([prefix])
            case 0x80...0xb7:
                let length = Int(prefix - 0x80)
                try need(length, from: start + 1, end: end, headerAt: start)
                if length == 1 && input[start + 1] < 0x80 {
                    throw RLPError(position: start, reason: .singleByteAsString(input[start + 1]))
                }
                position = start + 1 + length
                return .bytes(Array(input[(start + 1)..<position]))
            case 0xb8...0xbf:
                let (length, payloadStart) = try longLength(count: Int(prefix - 0xb7), at: start, end: end)
                if length < 56 { throw RLPError(position: start, reason: .shortStringInLongForm(length: length)) }
                try need(length, from: payloadStart, end: end, headerAt: start)
                position = payloadStart + length
                return .bytes(Array(input[payloadStart..<position]))
            case 0xc0...0xf7:
                return try list(
                    length: Int(prefix - 0xc0), payloadStart: start + 1, headerAt: start, end: end, depth: depth)
            default:  // 0xf8...0xff
                let (length, payloadStart) = try longLength(count: Int(prefix - 0xf7), at: start, end: end)
                if length < 56 { throw RLPError(position: start, reason: .shortListInLongForm(length: length)) }
                return try list(length: length, payloadStart: payloadStart, headerAt: start, end: end, depth: depth)
            }
        }

        private mutating func list(length: Int, payloadStart: Int, headerAt start: Int, end: Int, depth: Int)
            throws(RLPError) -> RLPItem
        {
            guard depth < RLP.maxDepth else {
                throw RLPError(position: start, reason: .nestingTooDeep(limit: RLP.maxDepth))
            }
            try need(length, from: payloadStart, end: end, headerAt: start)
            let listEnd = payloadStart + length
            position = payloadStart
            var items: [RLPItem] = []
            while position < listEnd {
                items.append(try item(end: listEnd, depth: depth + 1))
            }
            return .list(items)
        }

        /// Reads a long-form length of `count` bytes after the prefix at `start`.
        private func longLength(count: Int, at start: Int, end: Int) throws(RLPError) -> (Int, Int) {
            try need(count, from: start + 1, end: end, headerAt: start)
            if input[start + 1] == 0 { throw RLPError(position: start + 1, reason: .leadingZeroInLength) }
            var value = 0
            for i in 0..<count {
                // Reject lengths that could overflow `position + length` arithmetic.
                guard value <= (Int.max >> 9) else { throw RLPError(position: start + 1, reason: .lengthOverflow) }
                value = value << 8 | Int(input[start + 1 + i])
            }
            return (value, start + 1 + count)
        }

        private func need(_ count: Int, from offset: Int, end: Int, headerAt start: Int) throws(RLPError) {
            let available = max(0, end - offset)
            if count > available {
                throw RLPError(position: start, reason: .truncated(needed: count, available: available))
            }
        }
    }
}

extension RLPItem {
    /// An integer as RLP wants it: minimal big-endian, zero is the empty string.
    public static func uint(_ value: BigUInt) -> RLPItem { .bytes(value.bigEndianBytes) }

    public static func uint<T: FixedWidthInteger & UnsignedInteger>(_ value: T) -> RLPItem {
        .bytes(BigUInt(value).bigEndianBytes)
    }

    public func bytesValue() throws(RLPValueError) -> [UInt8] {
        guard case .bytes(let b) = self else { throw .expectedBytes }
        return b
    }

    public func listValue() throws(RLPValueError) -> [RLPItem] {
        guard case .list(let items) = self else { throw .expectedList }
        return items
    }

    /// A canonical unsigned integer of at most `maxBytes` bytes (rejects leading zeros, so one value has one encoding).
    public func uintValue(maxBytes: Int = 32) throws(RLPValueError) -> BigUInt {
        let b = try bytesValue()
        if b.first == 0 { throw .integerHasLeadingZero }
        if b.count > maxBytes { throw .integerTooLarge(bytes: b.count, maxBytes: maxBytes) }
        return BigUInt(bigEndianBytes: b)
    }

    /// A canonical integer that fits 64 bits (nonces, gas limits).
    public func uint64Value() throws(RLPValueError) -> UInt64 {
        let v = try uintValue(maxBytes: 8)
        return UInt64(v)
    }
}
