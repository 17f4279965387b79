import BigInt

/// A contract event: topic0 and the log codec (indexed parameters in topics, the rest in data).
public struct ABIEvent: Sendable, Hashable, CustomStringConvertible {
    public let name: String
    public let inputs: [ABIParameter]
    public let anonymous: Bool
    /// Canonical signature, e.g. `Transfer(address,address,uint256)`.
    public let signature: String
    /// keccak256(signature); not emitted as a topic by anonymous events.
    public let topic0: [UInt8]

    public init(name: String, inputs: [ABIParameter], anonymous: Bool = false) {
        self.name = name
        self.inputs = inputs
        self.anonymous = anonymous
        self.signature = ABISignature.canonical(name: name, types: inputs.map(\.type))
        self.topic0 = ABI.eventTopic(signature)
    }

    /// From `Transfer(address indexed from, address indexed to, uint256 value)`.
    public init(_ signature: String, anonymous: Bool = false) throws(ABIParseError) {
        let s = try ABISignature(parsing: signature)
        self.init(name: s.name, inputs: s.parameters, anonymous: anonymous)
    }

    /// Whether an indexed parameter of this type is stored as the keccak256 of its value rather than the value:
    /// Solidity hashes every reference type (strings, bytes, arrays, structs), static or not.
    package static func isHashedWhenIndexed(_ type: ABIType) -> Bool {
        switch type {
        case .uint, .int, .address, .bool, .fixedBytes: return false
        case .bytes, .string, .array, .fixedArray, .tuple: return true
        }
    }

    /// Decodes a log. Topics must be 32 bytes each; their count must match the indexed parameters
    /// (plus topic0 unless anonymous, which is checked against this event's topic0).
    public func decodeLog(topics: [[UInt8]], data: [UInt8]) throws(ABIDecodingError) -> ABIDecodedLog {
        let indexedCount = inputs.count { $0.indexed }
        let expectedTopics = indexedCount + (anonymous ? 0 : 1)
        guard topics.count == expectedTopics else {
            throw ABIDecodingError(
                code: .abiDecodingLogMismatch, offset: 0,
                reason:
                    "\(name) has \(indexedCount) indexed parameters so its logs carry \(expectedTopics) topics; this log has \(topics.count)"
            )
        }
        for (i, t) in topics.enumerated() where t.count != 32 {
            throw ABIDecodingError(
                code: .abiDecodingLogMismatch, offset: 0, reason: "topic \(i) has \(t.count) bytes, not 32")
        }
        if !anonymous && topics[0] != topic0 {
            throw ABIDecodingError(
                code: .abiDecodingLogMismatch, offset: 0,
                reason: "topic0 is not \(signature)'s \(Hex.encode(topic0))")
        }
        var topicIndex = anonymous ? 0 : 1
        let dataPositions = inputs.indices.filter { !inputs[$0].indexed }
        let dataValues: [ABIValue]
        do {
            dataValues = try ABI.decode(dataPositions.map { inputs[$0].type }, from: data)
        } catch {
            var e = error
            if case .index(let j)? = e.path.components.first, j < dataPositions.count {
                e.path.components[0] = .index(dataPositions[j])
            }
            e.reason = "in log data: " + e.reason
            throw e
        }
        var arguments: [ABIDecodedLog.Argument] = []
        arguments.reserveCapacity(inputs.count)
        var dataIndex = 0
        for (i, p) in inputs.enumerated() {
            if p.indexed {
                let topic = topics[topicIndex]
                if ABIEvent.isHashedWhenIndexed(p.type) {
                    arguments.append(.init(parameter: p, value: .fixedBytes(topic), isTopicHash: true))
                } else {
                    do {
                        let v = try ABI.decode(p.type, from: topic)
                        arguments.append(.init(parameter: p, value: v, isTopicHash: false))
                    } catch {
                        var e = error
                        e.path = ABIPath([.index(i)])
                        e.reason = "in topic \(topicIndex): " + e.reason
                        throw e
                    }
                }
                topicIndex += 1
            } else {
                arguments.append(.init(parameter: p, value: dataValues[dataIndex], isTopicHash: false))
                dataIndex += 1
            }
        }
        return ABIDecodedLog(event: self, arguments: arguments)
    }

    /// Encodes a log as a contract would emit it (topics and data), e.g. for test doubles and filters.
    public func encodeLog(_ values: [ABIValue]) throws(ABIEncodingError) -> (topics: [[UInt8]], data: [UInt8]) {
        guard values.count == inputs.count else {
            throw ABIEncodingError(
                code: .abiEncodingWrongCount,
                reason: "\(name) has \(inputs.count) parameters, got \(values.count) values")
        }
        var topics: [[UInt8]] = anonymous ? [] : [topic0]
        var dataTypes: [ABIType] = []
        var dataValues: [ABIValue] = []
        for (i, p) in inputs.enumerated() {
            if p.indexed {
                do { topics.append(try ABIEvent.topic(for: values[i], type: p.type)) } catch {
                    var e = error
                    e.path.prepend(.index(i))
                    throw e
                }
            } else {
                dataTypes.append(p.type)
                dataValues.append(values[i])
            }
        }
        return (topics, try ABI.encode(dataTypes, dataValues))
    }

    /// The topic an indexed parameter takes: the 32-byte word for value types, keccak256 of the
    /// in-place encoding (Solidity docs, "Encoding of Indexed Event Parameters") for reference types.
    public static func topic(for value: ABIValue, type: ABIType) throws(ABIEncodingError) -> [UInt8] {
        if !isHashedWhenIndexed(type) { return try ABI.encode(type, value) }
        switch (type, value) {
        case (.string, .string(let s)): return Keccak256.hash(Array(s.utf8))
        case (.bytes, .bytes(let b)): return Keccak256.hash(b)
        default: break
        }
        var enc = ABIEncoderCore()
        try enc.encodeInPlace(type, value)
        return Keccak256.hash(enc.out)
    }

    public var description: String {
        "event " + name + "(" + inputs.map(\.description).joined(separator: ", ") + ")"
            + (anonymous ? " anonymous" : "")
    }
}

extension ABIEncoderCore {
    /// Solidity's in-place encoding for hashed indexed parameters: no lengths, no offsets, byte strings padded.
    mutating func encodeInPlace(_ type: ABIType, _ value: ABIValue) throws(ABIEncodingError) {
        switch type {
        case .bytes, .string:
            let b: [UInt8]
            switch (type, value) {
            case (.bytes, .bytes(let x)): b = x
            case (.string, .string(let s)): b = Array(s.utf8)
            default: throw mismatch(type, value)
            }
            // Inside arrays and structs byte strings are padded (a bare one hashes its raw bytes: see `topic`).
            out.append(contentsOf: b)
            if b.count % 32 != 0 { appendZeros(32 - b.count % 32) }
        case .array(let t), .fixedArray(let t, _):
            guard case .array(let vs) = value else { throw mismatch(type, value) }
            if case .fixedArray(_, let k) = type, k != vs.count {
                throw ABIEncodingError(
                    code: .abiEncodingWrongCount,
                    reason: "\(type.canonical) needs exactly \(k) elements, got \(vs.count)")
            }
            for (i, v) in vs.enumerated() {
                do { try encodeInPlace(t, v) } catch {
                    var e = error
                    e.path.prepend(.index(i))
                    throw e
                }
            }
        case .tuple(let ts, _):
            guard case .tuple(let vs) = value, vs.count == ts.count else { throw mismatch(type, value) }
            let names = type.componentNames
            for i in ts.indices {
                do { try encodeInPlace(ts[i], vs[i]) } catch {
                    var e = error
                    e.path.prepend(.field(names[i].isEmpty ? String(i) : names[i]))
                    throw e
                }
            }
        default:
            try encode(type, value)
        }
    }
}

/// A decoded log: every parameter in declaration order, indexed or not.
public struct ABIDecodedLog: Sendable, Hashable, CustomStringConvertible {
    public struct Argument: Sendable, Hashable {
        public let parameter: ABIParameter
        /// The value; for an indexed reference type (`isTopicHash`), the 32-byte keccak256 topic as `.fixedBytes`.
        public let value: ABIValue
        /// The log holds only the hash of this indexed string/bytes/array/struct, not the value.
        public let isTopicHash: Bool
    }

    public let event: ABIEvent
    public let arguments: [Argument]

    public subscript(name: String) -> ABIValue? {
        arguments.first { $0.parameter.name == name }?.value
    }

    public var values: [ABIValue] { arguments.map(\.value) }

    /// `ProverJoinedMarketplace(prover: 0x…, marketId: 1, …)`; hashed topics show as `keccak256:0x…`.
    public var description: String {
        var out = event.name + "("
        for (i, a) in arguments.enumerated() {
            if i > 0 { out += ", " }
            if !a.parameter.name.isEmpty { out += a.parameter.name + ": " }
            if a.isTopicHash {
                out += "keccak256:" + (a.value.bytesValue.map { Hex.encode($0) } ?? "")
            } else {
                ABIFormatter.write(a.value, type: a.parameter.type, into: &out)
            }
        }
        return out + ")"
    }
}
