import Basics
import Foundation

/// A contract's interface loaded from ABI JSON: functions, events and custom errors, with lookups by name,
/// signature, selector and topic. Overloads (same name, different parameters) are kept apart.
public struct ContractABI: Sendable {
    public let functions: [ABIFunction]
    public let events: [ABIEvent]
    public let errors: [ABICustomError]
    /// Constructor parameters, when the ABI declares a constructor.
    public let constructorInputs: [ABIParameter]?
    public let hasFallback: Bool
    public let hasReceive: Bool

    private let functionsBySelector: [[UInt8]: Int]
    private let eventsByTopic: [[UInt8]: Int]
    private let errorsBySelector: [[UInt8]: Int]

    public init(
        functions: [ABIFunction] = [], events: [ABIEvent] = [], errors: [ABICustomError] = [],
        constructorInputs: [ABIParameter]? = nil, hasFallback: Bool = false, hasReceive: Bool = false
    ) {
        self.functions = functions
        self.events = events
        self.errors = errors
        self.constructorInputs = constructorInputs
        self.hasFallback = hasFallback
        self.hasReceive = hasReceive
        var f: [[UInt8]: Int] = [:], e: [[UInt8]: Int] = [:], r: [[UInt8]: Int] = [:]
        for (i, x) in functions.enumerated() where f[x.selector] == nil { f[x.selector] = i }
        for (i, x) in events.enumerated() where e[x.topic0] == nil { e[x.topic0] = i }
        for (i, x) in errors.enumerated() where r[x.selector] == nil { r[x.selector] = i }
        functionsBySelector = f
        eventsByTopic = e
        errorsBySelector = r
    }

    /// Loads a JSON ABI: an array of entries, or an object with an `abi` array (Hardhat/Foundry artifacts).
    public init(json: Data, source: String = "JSON") throws(ABIJSONError) {
        let raw: Any
        do { raw = try JSONSerialization.jsonObject(with: json) } catch {
            throw ABIJSONError(source: source, reason: "not valid JSON: \(error.localizedDescription)")
        }
        let entries: [Any]
        if let a = raw as? [Any] {
            entries = a
        } else if let o = raw as? [String: Any], let a = o["abi"] as? [Any] {
            entries = a
        } else {
            throw ABIJSONError(
                source: source, reason: "expected a JSON array of ABI entries or an object with an \"abi\" array")
        }
        var functions: [ABIFunction] = [], events: [ABIEvent] = [], errors: [ABICustomError] = []
        var constructorInputs: [ABIParameter]? = nil
        var fallback = false, receive = false
        for (i, item) in entries.enumerated() {
            guard let entry = item as? [String: Any] else {
                throw ABIJSONError(source: source, reason: "entry \(i) is not a JSON object")
            }
            let kind = entry["type"] as? String ?? "function"
            let name = entry["name"] as? String ?? ""
            let context = "entry \(i) (\(kind) \(name.isEmpty ? "<unnamed>" : name))"
            switch kind {
            case "function":
                guard !name.isEmpty else { throw ABIJSONError(source: source, reason: "\(context) has no name") }
                let inputs = try Self.parameters(entry["inputs"], context: context, source: source)
                let outputs = try Self.parameters(entry["outputs"], context: context, source: source)
                let mutability = try Self.mutability(entry, context: context, source: source)
                functions.append(ABIFunction(name: name, inputs: inputs, outputs: outputs, stateMutability: mutability))
            case "event":
                guard !name.isEmpty else { throw ABIJSONError(source: source, reason: "\(context) has no name") }
                let inputs = try Self.parameters(entry["inputs"], context: context, source: source)
                events.append(ABIEvent(name: name, inputs: inputs, anonymous: entry["anonymous"] as? Bool ?? false))
            case "error":
                guard !name.isEmpty else { throw ABIJSONError(source: source, reason: "\(context) has no name") }
                errors.append(
                    ABICustomError(
                        name: name, inputs: try Self.parameters(entry["inputs"], context: context, source: source)))
            case "constructor":
                constructorInputs = try Self.parameters(entry["inputs"], context: context, source: source)
            case "fallback": fallback = true
            case "receive": receive = true
            default:
                throw ABIJSONError(source: source, reason: "\(context): unknown entry type \(String(reflecting: kind))")
            }
        }
        self.init(
            functions: functions, events: events, errors: errors, constructorInputs: constructorInputs,
            hasFallback: fallback, hasReceive: receive)
    }

    /// Loads a JSON ABI file.
    public init(contentsOfFile path: String) throws(ABIJSONError) {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw ABIJSONError(
                code: .abiJSONUnreadable, source: path, reason: "cannot read the file: \(error.localizedDescription)")
        }
        try self.init(json: data, source: path)
    }

    private static func mutability(_ entry: [String: Any], context: String, source: String) throws(ABIJSONError)
        -> ABIStateMutability
    {
        if let s = entry["stateMutability"] as? String {
            guard let m = ABIStateMutability(rawValue: s) else {
                throw ABIJSONError(
                    source: source, reason: "\(context): unknown stateMutability \(String(reflecting: s))")
            }
            return m
        }
        // Pre-0.5 ABIs: `constant` / `payable` flags.
        if entry["constant"] as? Bool == true { return .view }
        if entry["payable"] as? Bool == true { return .payable }
        return .nonpayable
    }

    private static func parameters(_ raw: Any?, context: String, source: String) throws(ABIJSONError) -> [ABIParameter]
    {
        guard let raw else { return [] }
        guard let list = raw as? [Any] else {
            throw ABIJSONError(source: source, reason: "\(context): inputs/outputs is not an array")
        }
        var out: [ABIParameter] = []
        for (i, item) in list.enumerated() {
            guard let p = item as? [String: Any] else {
                throw ABIJSONError(source: source, reason: "\(context): parameter \(i) is not an object")
            }
            do {
                out.append(try parameter(p, depth: 0))
            } catch {
                throw ABIJSONError(source: source, reason: "\(context): parameter \(i): \(error.detail)")
            }
        }
        return out
    }

    /// One JSON parameter; `tuple…` types take their components (recursively).
    static func parameter(_ p: [String: Any], depth: Int) throws(ABIParseError) -> ABIParameter {
        guard let typeString = p["type"] as? String else {
            throw ABIParseError(position: 0, reason: "parameter has no \"type\"")
        }
        let name = p["name"] as? String ?? ""
        let type: ABIType
        if typeString.hasPrefix("tuple") {
            guard depth < ABISignatureParser.maxDepth else {
                throw ABIParseError(
                    position: 0,
                    reason: "components nested deeper than \(ABISignatureParser.maxDepth) levels")
            }
            guard let comps = p["components"] as? [Any] else {
                throw ABIParseError(position: 0, reason: "a tuple type needs \"components\"")
            }
            var params: [ABIParameter] = []
            for c in comps {
                guard let obj = c as? [String: Any] else {
                    throw ABIParseError(position: 0, reason: "a tuple component is not an object")
                }
                params.append(try parameter(obj, depth: depth + 1))
            }
            let tuple = ABIType.tuple(
                params.map(\.type), names: params.contains { !$0.name.isEmpty } ? params.map(\.name) : [])
            // Apply the array suffixes of `tuple[2][]` by parsing them on a placeholder element.
            let suffix = String(typeString.dropFirst("tuple".count))
            var parser = ABISignatureParser("bool" + suffix)
            let shaped = try parser.parseType(allowNames: false, depth: depth)
            guard parser.atEnd else {
                throw ABIParseError(position: 5, reason: "unexpected text after tuple")
            }
            type = shaped.replacingInnermost(with: tuple)
        } else {
            type = try ABIType(parsing: typeString)
        }
        return ABIParameter(
            name: name, type: type, indexed: p["indexed"] as? Bool ?? false,
            internalType: p["internalType"] as? String)
    }

    // MARK: Lookups

    /// All functions called `name` (overloads).
    public func functions(named name: String) -> [ABIFunction] { functions.filter { $0.name == name } }

    /// The function called `name`, or with the signature `name(type,…)` (parameter names in it are ignored).
    /// A bare name that is overloaded is an error listing the overloads.
    public func function(_ nameOrSignature: String) throws(ABILookupError) -> ABIFunction {
        try Self.find(nameOrSignature, kind: "function", in: functions, name: \.name, signature: \.signature)
    }

    public func function(selector: [UInt8]) -> ABIFunction? {
        functionsBySelector[Array(selector.prefix(4))].map { functions[$0] }
    }

    public func events(named name: String) -> [ABIEvent] { events.filter { $0.name == name } }

    /// The event called `name` or with that signature (an overloaded bare name is an error).
    public func event(_ nameOrSignature: String) throws(ABILookupError) -> ABIEvent {
        try Self.find(nameOrSignature, kind: "event", in: events, name: \.name, signature: \.signature)
    }

    public func event(topic0: [UInt8]) -> ABIEvent? { eventsByTopic[topic0].map { events[$0] } }

    /// The custom error called `name` or with that signature (an overloaded bare name is an error).
    public func error(_ nameOrSignature: String) throws(ABILookupError) -> ABICustomError {
        try Self.find(nameOrSignature, kind: "error", in: errors, name: \.name, signature: \.signature)
    }

    private static func find<T>(
        _ query: String, kind: String, in items: [T], name: KeyPath<T, String>, signature: KeyPath<T, String>
    ) throws(ABILookupError) -> T {
        if query.contains("(") {
            let canonical: String
            do { canonical = try ABISignature(parsing: query).canonical } catch {
                throw ABILookupError(
                    code: .abiLookupInvalidSignature, query: query, reason: "not a valid signature: \(error.reason)")
            }
            guard let found = items.first(where: { $0[keyPath: signature] == canonical }) else {
                let sameName = items.filter {
                    $0[keyPath: name] == query.prefix { $0 != "(" }.trimmingCharacters(in: .whitespaces)
                }
                let hint =
                    sameName.isEmpty
                    ? "" : "; there is " + sameName.map { $0[keyPath: signature] }.joined(separator: ", ")
                throw ABILookupError(query: query, reason: "no \(kind) \(canonical) in this ABI\(hint)")
            }
            return found
        }
        let matches = items.filter { $0[keyPath: name] == query }
        if matches.count == 1 { return matches[0] }
        if matches.isEmpty { throw ABILookupError(query: query, reason: "no \(kind) named \(query) in this ABI") }
        throw ABILookupError(
            code: .abiLookupAmbiguous, query: query,
            reason: "\(kind) \(query) is overloaded; name one of "
                + matches.map { $0[keyPath: signature] }.joined(separator: ", "))
    }

    public func error(selector: [UInt8]) -> ABICustomError? {
        errorsBySelector[Array(selector.prefix(4))].map { errors[$0] }
    }

    /// Decodes a log of one of this contract's (non-anonymous) events, found by topic0.
    public func decodeLog(topics: [[UInt8]], data: [UInt8]) throws(ABIDecodingError) -> ABIDecodedLog {
        guard let first = topics.first else {
            throw ABIDecodingError(
                code: .abiDecodingLogMismatch, offset: 0,
                reason: "log has no topics (an anonymous event cannot be found by topic0)")
        }
        guard let event = event(topic0: first) else {
            throw ABIDecodingError(
                code: .abiDecodingLogMismatch, offset: 0, reason: "no event of this ABI has topic0 \(Hex.encode(first))"
            )
        }
        return try event.decodeLog(topics: topics, data: data)
    }
}

extension ABIType {
    /// Replaces the innermost element type of (possibly nested) arrays.
    func replacingInnermost(with element: ABIType) -> ABIType {
        switch self {
        case .array(let t): return .array(t.replacingInnermost(with: element))
        case .fixedArray(let t, let k): return .fixedArray(t.replacingInnermost(with: element), k)
        default: return element
        }
    }
}
