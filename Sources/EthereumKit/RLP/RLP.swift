import Basics
import BigInt

/// An RLP value: a byte string or a list of items (Ethereum Yellow Paper, appendix B).
public enum RLPItem: Hashable, Sendable {
    case bytes([UInt8])
    case list([RLPItem])
}

/// Why RLP input was rejected, and at which byte offset of the input.
public struct RLPError: OperatorError, Equatable {
    /// What is wrong, as a code with the sizes involved (a struct, so reasons can be added).
    public struct Reason: Equatable, Sendable {
        public let code: ErrorCode
        /// Bytes needed and available (truncation), left over (trailing bytes), or a length.
        public let needed: Int?
        public let available: Int?
        public let count: Int?

        init(code: ErrorCode, needed: Int? = nil, available: Int? = nil, count: Int? = nil) {
            self.code = code
            self.needed = needed
            self.available = available
            self.count = count
        }

        /// The input ended (or the enclosing list ended) before the item did.
        public static func truncated(needed: Int, available: Int) -> Self {
            Self(code: .rlpTruncated, needed: needed, available: available)
        }
        /// Bytes left over after the top-level item.
        public static func trailingBytes(count: Int) -> Self { Self(code: .rlpTrailingBytes, count: count) }
        /// A long-form length starts with a zero byte.
        public static let leadingZeroInLength = Self(code: .rlpLeadingZeroInLength)
        /// A single byte below 0x80 was wrapped as a one-byte string (0x81 xx); it must stand alone.
        public static let singleByteAsString = Self(code: .rlpSingleByteAsString)
        /// A string shorter than 56 bytes used the long form (0xb8…0xbf).
        public static func shortStringInLongForm(length: Int) -> Self {
            Self(code: .rlpShortStringInLongForm, count: length)
        }
        /// A list payload shorter than 56 bytes used the long form (0xf8…0xff).
        public static func shortListInLongForm(length: Int) -> Self {
            Self(code: .rlpShortListInLongForm, count: length)
        }
        /// A long-form length does not fit a machine integer.
        public static let lengthOverflow = Self(code: .rlpLengthOverflow)
        /// Lists nested deeper than the decoder allows (protects the stack against hostile input).
        public static func nestingTooDeep(limit: Int) -> Self { Self(code: .rlpNestingTooDeep, count: limit) }
    }

    public let position: Int
    public let reason: Reason

    package init(position: Int, reason: Reason) {
        self.position = position
        self.reason = reason
    }

    public var code: ErrorCode { reason.code }
    public var title: String { "Not valid RLP" }
    public var detail: String {
        let what: String
        switch reason.code {
        case .rlpTruncated:
            what =
                "the input is truncated: the item needs \(reason.needed ?? 0) more byte(s) but only \(reason.available ?? 0) remain"
        case .rlpTrailingBytes: what = "\(reason.count ?? 0) unexpected byte(s) after the end of the item"
        case .rlpLeadingZeroInLength: what = "non-canonical length: it has a leading zero byte"
        case .rlpSingleByteAsString:
            what = "non-canonical string: a single byte below 0x80 must be encoded as itself, not with a 0x81 prefix"
        case .rlpShortStringInLongForm:
            what = "non-canonical string: length \(reason.count ?? 0) < 56 must use the short form"
        case .rlpShortListInLongForm:
            what = "non-canonical list: payload length \(reason.count ?? 0) < 56 must use the short form"
        case .rlpLengthOverflow: what = "a length is too large"
        default: what = "lists are nested more than \(reason.count ?? 0) deep"
        }
        return "at byte \(position): \(what)"
    }
    public var hint: String { "Check that the data was copied whole and is the RLP encoding it is meant to be." }
    public var category: ErrorCategory { .usage }
}

/// A decoded item did not have the shape a caller expected (a string vs a list, a canonical integer).
public struct RLPValueError: OperatorError, Equatable {
    public let code: ErrorCode
    /// The size of the integer and the most allowed, for a too-large integer.
    public let bytes: Int?
    public let maxBytes: Int?

    init(code: ErrorCode, bytes: Int? = nil, maxBytes: Int? = nil) {
        self.code = code
        self.bytes = bytes
        self.maxBytes = maxBytes
    }

    public static let expectedBytes = Self(code: .rlpExpectedBytes)
    public static let expectedList = Self(code: .rlpExpectedList)
    /// Integers are minimal big-endian: zero is the empty string and there are no leading zero bytes.
    public static let integerHasLeadingZero = Self(code: .rlpIntegerLeadingZero)
    public static func integerTooLarge(bytes: Int, maxBytes: Int) -> Self {
        Self(code: .rlpIntegerTooLarge, bytes: bytes, maxBytes: maxBytes)
    }

    public var title: String { "Unexpected RLP value" }
    public var detail: String {
        switch code {
        case .rlpExpectedBytes: return "expected a byte string, found a list"
        case .rlpExpectedList: return "expected a list, found a byte string"
        case .rlpIntegerLeadingZero: return "non-canonical integer: it has a leading zero byte"
        default: return "the integer has \(bytes ?? 0) bytes; at most \(maxBytes ?? 0) are allowed"
        }
    }
    public var hint: String {
        "Check that the data is the structure it is meant to be (a transaction, a list of fields)."
    }
    public var category: ErrorCategory { .usage }
}

/// Recursive Length Prefix encoding and strict (canonical-only) decoding.
public enum RLP {
    /// Lists nested deeper than this are rejected; real Ethereum structures nest at most a few levels.
    package static let maxDepth = 256

    public static func encode(_ item: RLPItem) -> [UInt8] {
        var out: [UInt8] = []
        append(item, to: &out)
        return out
    }

    /// Appends the encoding of `item` to `out`.
    static func append(_ item: RLPItem, to out: inout [UInt8]) {
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
    static func appendHeader(length: Int, offset: UInt8, to out: inout [UInt8]) {
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
                    throw RLPError(position: start, reason: .singleByteAsString)
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
