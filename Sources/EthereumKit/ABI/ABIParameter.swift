/// A named parameter of a function, event or error.
public struct ABIParameter: Sendable, Hashable, CustomStringConvertible {
    public var name: String
    public var type: ABIType
    /// Only meaningful for event parameters.
    public var indexed: Bool
    /// Solidity's `internalType` from JSON (`struct Foo`, `enum Bar`, `contract IERC20`), when known.
    public var internalType: String?

    public init(name: String = "", type: ABIType, indexed: Bool = false, internalType: String? = nil) {
        self.name = name
        self.type = type
        self.indexed = indexed
        self.internalType = internalType
    }

    /// `uint256 indexed marketId` style.
    public var description: String {
        var s = type.canonical
        if indexed { s += " indexed" }
        if !name.isEmpty { s += " " + name }
        return s
    }
}
