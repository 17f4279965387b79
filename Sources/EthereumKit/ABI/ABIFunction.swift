import BigInt

/// Decoded values with their parameters, so results can be read by name (`result["marketId"]`).
public struct ABIDecodedValues: Sendable, Hashable, CustomStringConvertible {
    public let parameters: [ABIParameter]
    public let values: [ABIValue]

    public init(parameters: [ABIParameter], values: [ABIValue]) {
        self.parameters = parameters
        self.values = values
    }

    /// The value of the first parameter called `name`.
    public subscript(name: String) -> ABIValue? {
        guard let i = parameters.firstIndex(where: { $0.name == name }) else { return nil }
        return values[i]
    }

    public subscript(index: Int) -> ABIValue { values[index] }

    public var count: Int { values.count }

    /// One `(name, formatted value)` per parameter, for confirm screens that list arguments line by line;
    /// unnamed parameters are called `#0`, `#1`, ….
    public var fields: [(name: String, value: String)] {
        parameters.indices.map { i in
            (parameters[i].name.isEmpty ? "#\(i)" : parameters[i].name, values[i].formatted(as: parameters[i].type))
        }
    }

    /// `(name: value, …)` with tuple components named where the ABI names them.
    public var description: String {
        var out = "("
        ABIFormatter.writeList(values, types: parameters.map(\.type), names: parameters.map(\.name), into: &out)
        return out + ")"
    }
}

/// Solidity function state mutability.
public enum ABIStateMutability: String, Sendable, Hashable {
    case pure, view, nonpayable, payable

    /// True for functions that cannot change state (safe for `eth_call` only).
    public var isReadOnly: Bool { self == .pure || self == .view }
}

/// A contract function: its signature, selector, and call/result codec.
public struct ABIFunction: Sendable, Hashable, CustomStringConvertible {
    public let name: String
    public let inputs: [ABIParameter]
    public let outputs: [ABIParameter]
    public let stateMutability: ABIStateMutability
    /// Canonical signature, e.g. `joinMarketplace(uint256,uint256,uint256,uint256,uint256,bool,bytes,bytes)`.
    public let signature: String
    /// First four bytes of keccak256(signature).
    public let selector: [UInt8]
    private let inputTypes: [ABIType]
    private let outputTypes: [ABIType]

    public init(
        name: String, inputs: [ABIParameter], outputs: [ABIParameter] = [],
        stateMutability: ABIStateMutability = .nonpayable
    ) {
        self.name = name
        self.inputs = inputs
        self.outputs = outputs
        self.stateMutability = stateMutability
        self.inputTypes = inputs.map(\.type)
        self.outputTypes = outputs.map(\.type)
        self.signature = ABISignature.canonical(name: name, types: inputTypes)
        self.selector = ABI.selector(signature)
    }

    /// From a human-readable signature (`transfer(address to, uint256 amount)`), with optional outputs.
    public init(
        _ signature: String, outputs: [ABIParameter] = [],
        stateMutability: ABIStateMutability = .nonpayable
    ) throws(ABIParseError) {
        let s = try ABISignature(parsing: signature)
        self.init(name: s.name, inputs: s.parameters, outputs: outputs, stateMutability: stateMutability)
    }

    /// `selector ‖ abi.encode(arguments)`: calldata for a transaction or `eth_call`.
    public func encodeCall(_ arguments: [ABIValue]) throws(ABIEncodingError) -> [UInt8] {
        try ABI.encodeCall(selector: selector, types: inputTypes, values: arguments)
    }

    /// Decodes calldata (selector checked) into the named arguments.
    public func decodeCall(_ calldata: [UInt8]) throws(ABIDecodingError) -> ABIDecodedValues {
        guard calldata.count >= 4 else {
            throw ABIDecodingError(
                code: .abiDecodingSelectorMismatch, offset: 0,
                reason: "calldata of \(calldata.count) bytes has no 4-byte selector")
        }
        guard calldata[0..<4].elementsEqual(selector) else {
            throw ABIDecodingError(
                code: .abiDecodingSelectorMismatch, offset: 0,
                reason:
                    "selector \(Hex.encode(calldata[0..<4])) is not \(name)'s \(Hex.encode(selector)) (\(signature))")
        }
        let values = try ABI.decode(inputTypes, from: calldata, start: 4)
        return ABIDecodedValues(parameters: inputs, values: values)
    }

    /// Decodes the return data of a call.
    public func decodeOutput(_ returnData: [UInt8]) throws(ABIDecodingError) -> ABIDecodedValues {
        ABIDecodedValues(parameters: outputs, values: try ABI.decode(outputTypes, from: returnData))
    }

    /// Encodes return values (what the contract would return), e.g. for test doubles.
    public func encodeOutput(_ values: [ABIValue]) throws(ABIEncodingError) -> [UInt8] {
        try ABI.encode(outputTypes, values)
    }

    public var description: String {
        var s = "function " + name + "(" + inputs.map(\.description).joined(separator: ", ") + ")"
        if stateMutability != .nonpayable { s += " " + stateMutability.rawValue }
        if !outputs.isEmpty { s += " returns (" + outputs.map(\.description).joined(separator: ", ") + ")" }
        return s
    }
}

/// A custom Solidity error (`error InvalidEnclaveSignature(address invalidSignerAddress)`).
public struct ABICustomError: Sendable, Hashable, CustomStringConvertible {
    public let name: String
    public let inputs: [ABIParameter]
    public let signature: String
    public let selector: [UInt8]

    public init(name: String, inputs: [ABIParameter]) {
        self.name = name
        self.inputs = inputs
        self.signature = ABISignature.canonical(name: name, types: inputs.map(\.type))
        self.selector = ABI.selector(signature)
    }

    public init(_ signature: String) throws(ABIParseError) {
        let s = try ABISignature(parsing: signature)
        self.init(name: s.name, inputs: s.parameters)
    }

    /// Decodes revert data (selector checked) into the error's arguments.
    public func decode(_ revertData: [UInt8]) throws(ABIDecodingError) -> ABIDecodedValues {
        guard revertData.count >= 4, revertData[0..<4].elementsEqual(selector) else {
            throw ABIDecodingError(
                code: .abiDecodingSelectorMismatch, offset: 0,
                reason: "revert data does not start with \(name)'s selector \(Hex.encode(selector))")
        }
        return ABIDecodedValues(
            parameters: inputs, values: try ABI.decode(inputs.map(\.type), from: revertData, start: 4))
    }

    /// Revert data for this error (selector ‖ arguments), e.g. for test doubles.
    public func encode(_ arguments: [ABIValue]) throws(ABIEncodingError) -> [UInt8] {
        try ABI.encodeCall(selector: selector, types: inputs.map(\.type), values: arguments)
    }

    public var description: String {
        "error " + name + "(" + inputs.map(\.description).joined(separator: ", ") + ")"
    }
}
