/// Where in a value tree something went wrong: `args[2][1].pcr0`.
public struct ABIPath: Sendable, Hashable, CustomStringConvertible {
    public enum Component: Sendable, Hashable {
        /// An argument or array element.
        case index(Int)
        /// A tuple component (by name, or by position when unnamed).
        case field(String)
    }

    public var components: [Component]

    public init(_ components: [Component] = []) { self.components = components }

    public var description: String {
        var out = "args"
        for c in components {
            switch c {
            case .index(let i): out += "[\(i)]"
            case .field(let f): out += "." + f
            }
        }
        return out
    }

    mutating func prepend(_ c: Component) { components.insert(c, at: 0) }
}

/// Why values could not be encoded for the given types.
public struct ABIEncodingError: Error, Sendable, Equatable, CustomStringConvertible {
    public var path: ABIPath
    public var reason: String

    public init(path: ABIPath = ABIPath(), reason: String) {
        self.path = path
        self.reason = reason
    }

    public var description: String { "cannot ABI-encode \(path): \(reason)" }
}

/// Why bytes could not be decoded as the given types: what, at which byte offset, and where in the value tree.
public struct ABIDecodingError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Byte offset in the decoded data (after any selector) where the bad word or region starts.
    public var offset: Int
    public var path: ABIPath
    public var reason: String

    public init(offset: Int, path: ABIPath = ABIPath(), reason: String) {
        self.offset = offset
        self.path = path
        self.reason = reason
    }

    public var description: String {
        "cannot ABI-decode \(path) at byte \(offset) (0x\(String(offset, radix: 16))): \(reason)"
    }
}
