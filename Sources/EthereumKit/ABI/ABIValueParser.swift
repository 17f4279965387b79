import Basics
import BigInt

extension ABIValue {
    /// Parses a value typed by a person (headless commands, debugging) as a value of `type`.
    ///
    /// Integers: decimal (`1_000`, `1e18`) or `0x` hex, `-` for signed types; bool: `true`/`false`; address:
    /// `0x` + 40 hex digits (mixed case must be a valid EIP-55 checksum); bytes: `0x` hex; string: `"quoted"`
    /// with `\"`, `\\`, `\n`, `\t` escapes, or bare text when it is the whole input; arrays `[a, b]`; tuples
    /// `(a, b)`. Ranges are checked (an out-of-range integer is an error here, not at encoding time).
    public init(parsing text: String, as type: ABIType) throws(ABIParseError) {
        if let e = type.validationError { throw ABIParseError(code: .abiTypeSyntax, position: 0, reason: e) }
        var p = ABIValueTextParser(text)
        p.skipSpaces()
        if case .string = type, p.peek != UInt8(ascii: "\"") {
            self = .string(text)
            return
        }
        let v = try p.parseValue(type, depth: 0)
        p.skipSpaces()
        if !p.atEnd { throw p.error("unexpected text after the value") }
        self = v
    }
}

struct ABIValueTextParser: ABITextCursor {
    static let errorCode = ErrorCode.abiValueSyntax
    let bytes: [UInt8]
    var pos = 0

    init(_ input: String) {
        self.bytes = Array(input.utf8)
    }

    mutating func parseValue(_ type: ABIType, depth: Int) throws(ABIParseError) -> ABIValue {
        guard depth < ABISignatureParser.maxDepth else { throw error("values nested too deeply") }
        skipSpaces()
        switch type {
        case .array(let element):
            return .array(
                try parseList(open: "[", close: "]") { (p: inout Self, _: Int) throws(ABIParseError) in
                    try p.parseValue(element, depth: depth + 1)
                })
        case .fixedArray(let element, let k):
            let start = pos
            let items = try parseList(open: "[", close: "]") { (p: inout Self, _: Int) throws(ABIParseError) in
                try p.parseValue(element, depth: depth + 1)
            }
            guard items.count == k else {
                throw error("\(type.canonical) needs exactly \(k) elements, got \(items.count)", at: start)
            }
            return .array(items)
        case .tuple(let types, _):
            let start = pos
            let items = try parseList(open: "(", close: ")") { (p: inout Self, i: Int) throws(ABIParseError) in
                guard i < types.count else { throw p.error("\(type.canonical) has only \(types.count) components") }
                return try p.parseValue(types[i], depth: depth + 1)
            }
            guard items.count == types.count else {
                throw error("\(type.canonical) needs \(types.count) values, got \(items.count)", at: start)
            }
            return .tuple(items)
        case .string:
            guard peek == UInt8(ascii: "\"") else { throw error("expected a \"quoted\" string") }
            return .string(try quotedString())
        default:
            let start = pos
            let token = scalarToken()
            return try scalar(token, type, at: start)
        }
    }

    private mutating func parseList(
        open: Character, close: Character, _ item: (inout Self, Int) throws(ABIParseError) -> ABIValue
    ) throws(ABIParseError) -> [ABIValue] {
        guard let o = open.asciiValue, let c = close.asciiValue else { return [] }
        guard peek == o else { throw error("expected \(open)") }
        pos += 1
        skipSpaces()
        var items: [ABIValue] = []
        if peek == c {
            pos += 1
            return items
        }
        while true {
            items.append(try item(&self, items.count))
            skipSpaces()
            guard let next = peek else { throw error("missing \(close)") }
            pos += 1
            if next == c { return items }
            if next != UInt8(ascii: ",") { throw error("expected , or \(close)", at: pos - 1) }
        }
    }

    private mutating func scalarToken() -> String {
        let start = pos
        while let c = peek, c != UInt8(ascii: ","), c != UInt8(ascii: ")"), c != UInt8(ascii: "]") { pos += 1 }
        var end = pos
        while end > start, bytes[end - 1] == 0x20 || bytes[end - 1] == 0x09 { end -= 1 }
        return String(decoding: bytes[start..<end], as: UTF8.self)
    }

    private mutating func quotedString() throws(ABIParseError) -> String {
        let start = pos
        pos += 1
        var out: [UInt8] = []
        while let c = peek {
            pos += 1
            if c == UInt8(ascii: "\"") { return String(decoding: out, as: UTF8.self) }
            if c == UInt8(ascii: "\\") {
                guard let e = peek else { break }
                pos += 1
                switch e {
                case UInt8(ascii: "n"): out.append(0x0a)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "r"): out.append(0x0d)
                case UInt8(ascii: "\""), UInt8(ascii: "\\"): out.append(e)
                default: throw error("unknown escape \\\(String(decoding: [e], as: UTF8.self))", at: pos - 2)
                }
            } else {
                out.append(c)
            }
        }
        throw error("unterminated string", at: start)
    }

    private func scalar(_ token: String, _ type: ABIType, at start: Int) throws(ABIParseError) -> ABIValue {
        switch type {
        case .uint(let bits):
            let v = try unsigned(token, at: start)
            guard v.bitWidth <= bits else { throw error("the number does not fit in \(type.canonical)", at: start) }
            return .uint(v)
        case .int(let bits):
            let negative = token.hasPrefix("-")
            let m = try unsigned(negative ? String(token.dropFirst()) : token, at: start)
            let v = negative ? -BigInt(m) : BigInt(m)
            let limit = BigInt(1) << (bits - 1)
            guard v >= -limit && v < limit else {
                throw error("the number is out of range for \(type.canonical)", at: start)
            }
            return .int(v)
        case .bool:
            switch token {
            case "true": return .bool(true)
            case "false": return .bool(false)
            default: throw error("expected true or false", at: start)
            }
        case .address:
            do { return .address(try Address(token)) } catch {
                throw self.error("not an address: \(error.detail)", at: start)
            }
        case .fixedBytes(let n):
            let b = try hexBytes(token, at: start)
            guard b.count == n else { throw error("bytes\(n) needs \(n) bytes, got \(b.count)", at: start) }
            return .fixedBytes(b)
        case .bytes:
            return .bytes(try hexBytes(token, at: start))
        default:
            throw error("expected a value of type \(type.canonical)", at: start)
        }
    }

    private func hexBytes(_ token: String, at start: Int) throws(ABIParseError) -> [UInt8] {
        do { return try Hex.decode(token, requirePrefix: true) } catch {
            throw self.error("expected 0x-prefixed hex: \(error.detail)", at: start)
        }
    }

    private func unsigned(_ token: String, at start: Int) throws(ABIParseError) -> BigUInt {
        if token.hasPrefix("0x") || token.hasPrefix("0X") {
            guard let (_, v) = IntegerText.parse(Substring(token)) else { throw error("not a hex number", at: start) }
            return v
        }
        let cleaned = token.filter { $0 != "_" }
        let parts = cleaned.split(separator: "e", maxSplits: 1, omittingEmptySubsequences: false)
        guard let mantissa = parts.first, let (negative, m) = IntegerText.parse(mantissa), !negative,
            !mantissa.hasPrefix("0x"), !mantissa.hasPrefix("0X")
        else { throw error("not a number", at: start) }
        if parts.count == 2 {
            guard let e = Int(parts[1]), e >= 0, e <= 77 else {
                throw error("the exponent must be 0 to 77", at: start)
            }
            return m * BigUInt(10).power(e)
        }
        return m
    }
}
