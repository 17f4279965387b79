/// A parsed human-readable signature such as `Transfer(address indexed from, address indexed to, uint256 value)`.
public struct ABISignature: Sendable, Hashable, CustomStringConvertible {
    public var name: String
    public var parameters: [ABIParameter]

    public init(name: String, parameters: [ABIParameter]) {
        self.name = name
        self.parameters = parameters
    }

    /// Parses `name(type [indexed] [name], …)`; parameter names, `indexed` and data locations are optional.
    /// A leading `function`, `event` or `error` keyword is allowed.
    public init(parsing string: String) throws(ABIParseError) {
        var p = ABISignatureParser(string)
        p.skipSpaces()
        var name = p.identifier()
        if ["function", "event", "error"].contains(name) {
            p.skipSpaces()
            name = p.identifier()
        }
        guard !name.isEmpty else { throw p.error("expected a function, event or error name") }
        p.skipSpaces()
        guard p.peek == UInt8(ascii: "(") else { throw p.error("expected ( after the name") }
        let params = try p.parseList(allowNames: true, depth: 0)
        p.skipSpaces()
        if !p.atEnd { throw p.error("unexpected text after the parameter list") }
        self.name = name
        self.parameters = params
    }

    /// `name(type1,type2)` without parameter names: what selectors and topics hash.
    public var canonical: String {
        ABISignature.canonical(name: name, types: parameters.map(\.type))
    }

    public var description: String { canonical }

    static func canonical(name: String, types: [ABIType]) -> String {
        var out = name + "("
        for (i, t) in types.enumerated() {
            if i > 0 { out += "," }
            t.writeCanonical(into: &out)
        }
        return out + ")"
    }
}
