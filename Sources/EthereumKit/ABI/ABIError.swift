import Basics

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

/// Why values could not be encoded for the given types: where in the value tree and what is wrong,
/// in terms of types, counts and sizes. Never the value itself (it may be a secret or very long).
public struct ABIEncodingError: OperatorError, Equatable {
    public var code: ErrorCode
    public var path: ABIPath
    public var reason: String

    public init(code: ErrorCode = .abiEncodingInvalidValue, path: ABIPath = ABIPath(), reason: String) {
        self.code = code
        self.path = path
        self.reason = reason
    }

    public var title: String { "Cannot encode the arguments" }
    public var detail: String { "\(path): \(reason)" }
    public var hint: String {
        "Check each argument against the function's parameter types (number of arguments, integer ranges, byte lengths)."
    }
    public var category: ErrorCategory { .usage }
}

/// Why bytes could not be decoded as the given types: what, at which byte offset, and where in the value tree.
public struct ABIDecodingError: OperatorError, Equatable {
    public var code: ErrorCode
    /// Byte offset in the decoded data (after any selector) where the bad word or region starts.
    public var offset: Int
    public var path: ABIPath
    public var reason: String

    public init(code: ErrorCode = .abiDecodingInvalidData, offset: Int, path: ABIPath = ABIPath(), reason: String) {
        self.code = code
        self.offset = offset
        self.path = path
        self.reason = reason
    }

    public var title: String { "Cannot decode the contract data" }
    public var detail: String { "\(path) at byte \(offset) (0x\(String(offset, radix: 16))): \(reason)" }
    public var hint: String {
        "The data does not match the ABI: check that the address is the contract you meant and that the ABI loaded for it is its own (the right version)."
    }
    public var category: ErrorCategory { .configuration }
}
