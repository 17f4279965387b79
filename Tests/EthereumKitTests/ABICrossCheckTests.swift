import BigInt
import EthereumKit
import Foundation
import TestSupport
import Testing

struct JSONValueError: Error, CustomStringConvertible {
    let description: String
}

/// Builds the value the reference script described (integers as decimal strings, bytes as hex, lists).
func abiValue(fromJSON json: Any, as type: ABIType) throws -> ABIValue {
    func fail() -> JSONValueError { JSONValueError(description: "JSON \(json) is not a \(type.canonical)") }
    switch type {
    case .uint:
        guard let s = json as? String, let v = BigUInt(s) else { throw fail() }
        return .uint(v)
    case .int:
        guard let s = json as? String, let v = BigInt(s) else { throw fail() }
        return .int(v)
    case .address:
        guard let s = json as? String else { throw fail() }
        return .address(try Address(s, strict: true))
    case .bool:
        guard let b = json as? Bool else { throw fail() }
        return .bool(b)
    case .fixedBytes:
        guard let s = json as? String else { throw fail() }
        return .fixedBytes(try Hex.decode(s, requirePrefix: true))
    case .bytes:
        guard let s = json as? String else { throw fail() }
        return .bytes(try Hex.decode(s, requirePrefix: true))
    case .string:
        guard let s = json as? String else { throw fail() }
        return .string(s)
    case .array(let t), .fixedArray(let t, _):
        guard let list = json as? [Any] else { throw fail() }
        return .array(try list.map { try abiValue(fromJSON: $0, as: t) })
    case .tuple(let ts, _):
        guard let list = json as? [Any], list.count == ts.count else { throw fail() }
        return .tuple(try zip(list, ts).map { try abiValue(fromJSON: $0, as: $1) })
    }
}

/// Randomised comparison with eth-abi 6.0.0 (Tests/EthereumKitTests/reference/abi_random.py, fixed seeds).
@Suite(.serialized) struct ABICrossCheckTests {
    /// The script's output, run once for the suite (about 3 s).
    static let output: Result<String, any Error> = Result {
        try Python.run(script: "Tests/EthereumKitTests/reference/abi_random.py", arguments: ["20261125", "1200"])
    }

    func section(_ name: String) throws -> [[String: Any]] {
        let out = try Self.output.get()
        guard let doc = try JSONSerialization.jsonObject(with: Data(out.utf8)) as? [String: Any] else {
            throw JSONValueError(description: "abi_random.py did not print a JSON object")
        }
        guard let list = doc[name] as? [[String: Any]] else {
            throw JSONValueError(description: "no \(name) in reference output")
        }
        return list
    }

    func types(_ entry: [String: Any]) throws -> [ABIType] {
        guard let list = entry["types"] as? [String] else { throw JSONValueError(description: "no types in \(entry)") }
        return try list.map { try ABIType(parsing: $0) }
    }

    func values(_ entry: [String: Any], _ types: [ABIType]) throws -> [ABIValue] {
        guard let list = entry["values"] as? [Any], list.count == types.count else {
            throw JSONValueError(description: "bad values in \(entry)")
        }
        return try zip(list, types).map { try abiValue(fromJSON: $0, as: $1) }
    }

    func bytes(_ entry: [String: Any], _ key: String) throws -> [UInt8] {
        guard let s = entry[key] as? String else { throw JSONValueError(description: "no \(key) in \(entry)") }
        return try Hex.decode(s, requirePrefix: true)
    }

    @Test func randomTypesAndValues() throws {
        let cases = try section("cases")
        #expect(cases.count == 1200)
        var maxDepth = 0
        for entry in cases {
            let ts = try types(entry)
            let vs = try values(entry, ts)
            let expected = try bytes(entry, "hex")
            let encoded = try ABI.encode(ts, vs)
            #expect(encoded == expected, "\(ts.map(\.canonical))")
            let decoded = try ABI.decode(ts, from: expected)
            #expect(decoded == vs, "\(ts.map(\.canonical))")
            maxDepth = max(maxDepth, ts.map(Self.depth).max() ?? 0)
        }
        #expect(maxDepth >= 3)
    }

    static func depth(_ t: ABIType) -> Int {
        switch t {
        case .array(let e), .fixedArray(let e, _): return 1 + depth(e)
        case .tuple(let ts, _): return 1 + (ts.map(depth).max() ?? 0)
        default: return 0
        }
    }

    @Test func randomFunctionCalls() throws {
        let calls = try section("calls")
        #expect(calls.count == 300)
        for entry in calls {
            let ts = try types(entry)
            let vs = try values(entry, ts)
            let name = try #require(entry["name"] as? String)
            let f = ABIFunction(name: name, inputs: ts.map { ABIParameter(type: $0) })
            let expected = try bytes(entry, "hex")
            #expect(try f.encodeCall(vs) == expected, "\(f.signature)")
            #expect(try f.decodeCall(expected).values == vs, "\(f.signature)")
        }
    }

    @Test func randomEventLogs() throws {
        let events = try section("events")
        #expect(events.count == 300)
        for entry in events {
            let name = try #require(entry["name"] as? String)
            let params = try #require(entry["params"] as? [[String: Any]])
            let inputs = try params.map { p in
                ABIParameter(
                    type: try ABIType(parsing: try #require(p["type"] as? String)),
                    indexed: p["indexed"] as? Bool ?? false)
            }
            let event = ABIEvent(name: name, inputs: inputs)
            let vs = try values(["values": entry["values"] as Any, "types": []], inputs.map(\.type))
            let topics = try #require(entry["topics"] as? [String]).map { try Hex.decode($0) }
            let data = try bytes(entry, "data")
            let (t2, d2) = try event.encodeLog(vs)
            #expect(t2 == topics, "\(event.signature)")
            #expect(d2 == data, "\(event.signature)")
            let log = try event.decodeLog(topics: topics, data: data)
            for (i, arg) in log.arguments.enumerated() {
                if arg.isTopicHash {
                    #expect(arg.value == .fixedBytes(try ABIEvent.topic(for: vs[i], type: inputs[i].type)))
                } else {
                    #expect(arg.value == vs[i], "\(event.signature) arg \(i)")
                }
            }
        }
    }

    @Test func packedElementaryTypes() throws {
        let packed = try section("packed")
        #expect(packed.count == 300)
        for entry in packed {
            let ts = try types(entry)
            let vs = try values(entry, ts)
            #expect(try ABI.encodePacked(ts, vs) == (try bytes(entry, "hex")), "\(ts.map(\.canonical))")
        }
    }

    /// Damaged encodings: never a crash, and the same verdict as eth-abi's strict decoder.
    @Test func mutatedEncodingsAgreeWithEthABI() throws {
        let mutants = try section("mutants")
        #expect(mutants.count == 600)
        var accepted = 0, rejected = 0
        for entry in mutants {
            let ts = try types(entry)
            let data = try bytes(entry, "hex")
            let ok = entry["ok"] as? Bool ?? false
            do {
                let decoded = try ABI.decode(ts, from: data)
                accepted += 1
                #expect(
                    ok,
                    "we accept what eth-abi rejects (\(entry["error"] ?? "")): \(ts.map(\.canonical)) \(Hex.encode(data))"
                )
                if ok { #expect(decoded == (try values(entry, ts)), "\(ts.map(\.canonical))") }
            } catch {
                rejected += 1
                #expect(!ok, "we reject what eth-abi accepts: \(ts.map(\.canonical)): \(error)")
            }
        }
        #expect(accepted > 20 && rejected > 200)
    }
}
