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

    package init(_ components: [Component] = []) { self.components = components }

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

    package init(code: ErrorCode = .abiEncodingInvalidValue, path: ABIPath = ABIPath(), reason: String) {
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

    package init(code: ErrorCode = .abiDecodingInvalidData, offset: Int, path: ABIPath = ABIPath(), reason: String) {
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

/// Why ABI text (a type, a signature or a typed value) could not be read: the position (UTF-8 bytes
/// from the start) and what was expected. The text itself is not kept: a value may be a secret.
public struct ABIParseError: OperatorError, Equatable {
    public let code: ErrorCode
    public let position: Int
    public let reason: String

    package init(code: ErrorCode = .abiTypeSyntax, position: Int, reason: String) {
        self.code = code
        self.position = position
        self.reason = reason
    }

    public var title: String {
        code == .abiValueSyntax ? "Cannot read the value" : "Cannot read the ABI type or signature"
    }
    public var detail: String { "at character \(position + 1): \(reason)" }
    public var hint: String {
        code == .abiValueSyntax
            ? "Integers are decimal or 0x hex, addresses 0x and 40 hex digits, bytes 0x hex, strings \"quoted\", arrays [a, b] and tuples (a, b)."
            : "Types are written as in Solidity signatures, for example uint256, address[], (uint256,bytes)[2] or transfer(address to, uint256 amount)."
    }
    public var category: ErrorCategory { .usage }
}

/// Why an ABI JSON document could not be loaded: the file (if any), the entry, and the problem.
public struct ABIJSONError: OperatorError, Equatable {
    public var code: ErrorCode
    public var source: String
    public var reason: String

    package init(code: ErrorCode = .abiJSONInvalid, source: String, reason: String) {
        self.code = code
        self.source = source
        self.reason = reason
    }

    public var title: String { "Cannot load the contract ABI" }
    public var detail: String { "\(source): \(reason)" }
    public var hint: String {
        code == .abiJSONUnreadable
            ? "Check that the file exists and can be read by this user."
            : "Use the ABI JSON the compiler wrote (an array of entries, or a Hardhat/Foundry artifact with an \"abi\" array)."
    }
    public var category: ErrorCategory { .configuration }
}

/// Why a function, event or error could not be found by name or signature.
public struct ABILookupError: OperatorError, Equatable {
    public var code: ErrorCode
    public var query: String
    public var reason: String

    package init(code: ErrorCode = .abiLookupNotFound, query: String, reason: String) {
        self.code = code
        self.query = query
        self.reason = reason
    }

    public var title: String {
        code == .abiLookupAmbiguous ? "The name is overloaded" : "Not found in the contract ABI"
    }
    public var detail: String { reason }
    public var hint: String {
        code == .abiLookupAmbiguous
            ? "Give the full signature, for example transfer(address,uint256)."
            : "Check the spelling and that the ABI loaded is the contract's own (the right version)."
    }
    public var category: ErrorCategory { .usage }
}

/// Why a JSON value is not a value of an ABI type: where (the JSON line and column, and the path in
/// the value tree) and what was expected. The value itself is not repeated.
public struct ABIJSONValueError: OperatorError, Equatable {
    public let code: ErrorCode
    public let path: ABIPath
    /// 1-based position in the JSON text (0 when the JSON was not read from text).
    public let line: Int
    public let column: Int
    public let reason: String

    package init(code: ErrorCode = .abiJSONValue, path: ABIPath, line: Int, column: Int, reason: String) {
        self.code = code
        self.path = path
        self.line = line
        self.column = column
        self.reason = reason
    }

    public var title: String { "Cannot read the JSON value" }
    public var detail: String {
        let place = line > 0 ? "line \(line), column \(column), " : ""
        return "\(place)\(path): \(reason)"
    }
    public var hint: String {
        "In JSON, integers are decimal strings (\"1000\"; JSON numbers and \"0x\" hex are accepted too), bytes and addresses 0x hex strings, bools true/false, arrays and tuples JSON arrays."
    }
    public var category: ErrorCategory { .usage }
}
