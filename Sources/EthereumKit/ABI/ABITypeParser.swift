import Basics

extension ABIType {
    /// Parses a canonical type string such as `uint256`, `bytes32[]` or `(uint256,bytes)[2][]`.
    ///
    /// `uint`/`int` are accepted as `uint256`/`int256`, `tuple(…)` as `(…)`; surrounding spaces are ignored.
    /// With `allowingNames`, tuple components may carry names (`(uint256 id,bytes data)[]`), kept for display.
    public init(parsing string: String, allowingNames: Bool = false) throws(ABIParseError) {
        var p = ABISignatureParser(string)
        p.skipSpaces()
        let t = try p.parseType(allowNames: allowingNames, depth: 0)
        p.skipSpaces()
        if !p.atEnd { throw p.error("unexpected text after the type") }
        self = t
    }
}

/// A cursor over the UTF-8 bytes of a text being parsed, with errors that point at a byte position.
protocol ABITextCursor {
    /// The code of this cursor's errors (type text or value text).
    static var errorCode: ErrorCode { get }
    var bytes: [UInt8] { get }
    var pos: Int { get set }
}

extension ABITextCursor {
    var atEnd: Bool { pos >= bytes.count }
    var peek: UInt8? { pos < bytes.count ? bytes[pos] : nil }

    func error(_ reason: String, at position: Int? = nil) -> ABIParseError {
        ABIParseError(code: Self.errorCode, position: position ?? pos, reason: reason)
    }

    mutating func skipSpaces() {
        while let c = peek, c == 0x20 || c == 0x09 || c == 0x0a || c == 0x0d { pos += 1 }
    }
}

/// Recursive-descent parser over UTF-8 bytes; nesting is limited so a hostile string cannot exhaust the stack.
struct ABISignatureParser: ABITextCursor {
    static let maxDepth = 64
    static let errorCode = ErrorCode.abiTypeSyntax
    let bytes: [UInt8]
    var pos = 0

    init(_ input: String) {
        self.bytes = Array(input.utf8)
    }

    static func isIdentifierByte(_ c: UInt8) -> Bool {
        (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39) || c == 0x5f || c == 0x24
    }

    mutating func identifier() -> String {
        let start = pos
        while let c = peek, Self.isIdentifierByte(c) { pos += 1 }
        return String(decoding: bytes[start..<pos], as: UTF8.self)
    }

    mutating func parseList(allowNames: Bool, depth: Int) throws(ABIParseError) -> [ABIParameter] {
        guard depth < Self.maxDepth else { throw error("types nested deeper than \(Self.maxDepth) levels") }
        guard peek == UInt8(ascii: "(") else { throw error("expected (") }
        pos += 1
        skipSpaces()
        var params: [ABIParameter] = []
        if peek == UInt8(ascii: ")") {
            pos += 1
            return params
        }
        while true {
            skipSpaces()
            var param = ABIParameter(type: try parseType(allowNames: allowNames, depth: depth + 1))
            if allowNames { try parseNameAndModifiers(into: &param) }
            params.append(param)
            skipSpaces()
            guard let c = peek else { throw error("missing ) at the end of the list") }
            pos += 1
            if c == UInt8(ascii: ")") { return params }
            if c != UInt8(ascii: ",") {
                throw error(
                    "expected , or ) but found \(String(reflecting: String(decoding: [c], as: UTF8.self)))", at: pos - 1
                )
            }
        }
    }

    private mutating func parseNameAndModifiers(into param: inout ABIParameter) throws(ABIParseError) {
        while true {
            let before = pos
            skipSpaces()
            guard pos > before, let c = peek, Self.isIdentifierByte(c) else { return }
            let start = pos
            let word = identifier()
            switch word {
            case "indexed": param.indexed = true
            case "memory", "calldata", "storage": continue
            default:
                if !param.name.isEmpty {
                    throw error("unexpected word \(String(reflecting: word)) after parameter name", at: start)
                }
                if let first = word.utf8.first, first >= 0x30 && first <= 0x39 {
                    throw error("parameter name \(String(reflecting: word)) starts with a digit", at: start)
                }
                param.name = word
            }
        }
    }

    mutating func parseType(allowNames: Bool, depth: Int) throws(ABIParseError) -> ABIType {
        guard depth < Self.maxDepth else { throw error("types nested deeper than \(Self.maxDepth) levels") }
        let start = pos
        var base: ABIType
        if peek == UInt8(ascii: "(") {
            let params = try parseList(allowNames: allowNames, depth: depth + 1)
            base = .tuple(params.map(\.type), names: params.contains { !$0.name.isEmpty } ? params.map(\.name) : [])
        } else {
            let word = identifier()
            if word == "tuple" && peek == UInt8(ascii: "(") {
                let params = try parseList(allowNames: allowNames, depth: depth + 1)
                base = .tuple(params.map(\.type), names: params.contains { !$0.name.isEmpty } ? params.map(\.name) : [])
            } else {
                base = try elementary(word, at: start)
            }
        }
        // Array suffixes apply left to right: `T[2][]` is a dynamic array of `T[2]`.
        var suffixes = 0
        while peek == UInt8(ascii: "[") {
            suffixes += 1
            if depth + suffixes >= Self.maxDepth { throw error("types nested deeper than \(Self.maxDepth) levels") }
            let open = pos
            pos += 1
            let digitsStart = pos
            while let c = peek, c >= 0x30 && c <= 0x39 { pos += 1 }
            let digits = bytes[digitsStart..<pos]
            guard peek == UInt8(ascii: "]") else { throw error("expected ] to close the array size") }
            pos += 1
            if digits.isEmpty {
                base = .array(base)
            } else {
                guard digits.first != 0x30 else {
                    throw error("array length must be a positive number without leading zeros", at: open)
                }
                guard digits.count <= 9, let k = Int(String(decoding: digits, as: UTF8.self)), k > 0 else {
                    throw error(
                        "array length \(String(decoding: digits, as: UTF8.self)) is out of range (1 to 999999999)",
                        at: open)
                }
                base = .fixedArray(base, k)
            }
        }
        return base
    }

    private func elementary(_ word: String, at start: Int) throws(ABIParseError) -> ABIType {
        switch word {
        case "": throw error("expected a type", at: start)
        case "address": return .address
        case "bool": return .bool
        case "string": return .string
        case "bytes": return .bytes
        case "uint": return .uint(256)
        case "int": return .int(256)
        case "function": throw error("the function type is not supported", at: start)
        default: break
        }
        for (prefix, make) in [("uint", ABIType.uint), ("int", ABIType.int), ("bytes", ABIType.fixedBytes)] {
            guard word.hasPrefix(prefix) else { continue }
            let digits = word.dropFirst(prefix.count)
            guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }), digits.first != "0",
                digits.count <= 3, let m = Int(digits)
            else { throw error("unknown type \(String(reflecting: word))", at: start) }
            let t = make(m)
            if let e = t.validationError { throw error(e, at: start) }
            return t
        }
        if word.hasPrefix("fixed") || word.hasPrefix("ufixed") {
            throw error("fixed-point types (\(word)) are not supported", at: start)
        }
        throw error("unknown type \(String(reflecting: word))", at: start)
    }
}
