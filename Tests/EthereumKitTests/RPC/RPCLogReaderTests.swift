import Basics
import Foundation
import TestSupport
import Testing

@testable import EthereumKit

/// The byte-level `eth_getLogs` reader against the generic parser: on every answer it either gives exactly the
/// generic path's logs or declines (nil), and it declines everything the generic path refuses.
struct RPCLogReaderTests {
    static func fast(_ body: String, id: Int = 7, status: Int = 200) -> [RPCLog]? {
        RPCLogReader.read(RPCHTTPReply(status: status, body: Array(body.utf8)), expectedId: id)
    }

    static func fast(bytes: [UInt8], id: Int = 7) -> [RPCLog]? {
        RPCLogReader.read(RPCHTTPReply(status: 200, body: bytes), expectedId: id)
    }

    static func generic(bytes: [UInt8], id: Int = 7, status: Int = 200) -> Result<[RPCLog], RPCError> {
        let reply = RPCHTTPReply(status: status, body: bytes)
        return RPCEnvelope.decodeSingle(reply, method: "eth_getLogs", endpoint: "test", id: id, decoder: nil)
            .flatMap { v in
                Result { () throws(RPCError) in try RPCLog.decodeList(v, method: "eth_getLogs", endpoint: "test") }
            }
    }

    static func generic(_ body: String, id: Int = 7, status: Int = 200) -> Result<[RPCLog], RPCError> {
        generic(bytes: Array(body.utf8), id: id, status: status)
    }

    /// The invariant: declined, or the same logs as the generic path (which must then succeed).
    static func agree(bytes: [UInt8], id: Int = 7, _ comment: Comment? = nil) {
        guard let f = fast(bytes: bytes, id: id) else { return }
        switch generic(bytes: bytes, id: id) {
        case .success(let g): #expect(f == g, comment)
        case .failure(let e):
            Issue.record("the fast reader accepted what the generic parser refuses (\(e.detail)): \(comment ?? "")")
        }
    }

    static let h32 = "0x" + String(repeating: "ab", count: 32)
    static let t0 = "0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef"
    static let addr = "0x5fbdb2315678afecb367f032d93f642f64180aa3"

    static func log(
        address: String = addr, topics: [String] = [t0, h32], data: String = "0x" + String(repeating: "00", count: 64),
        block: String = "\"0x1b4\"", blockHash: String = "\"\(h32)\"", tx: String = "\"\(h32)\"",
        txIndex: String = "\"0x0\"", logIndex: String = "\"0x1\"", removed: String = "false", extra: String = ""
    ) -> String {
        let t = topics.map { "\"\($0)\"" }.joined(separator: ",")
        return """
            {"address":"\(address)","topics":[\(t)],"data":"\(data)","blockNumber":\(block),\
            "blockHash":\(blockHash),"transactionHash":\(tx),"transactionIndex":\(txIndex),"logIndex":\(logIndex),\
            "removed":\(removed)\(extra)}
            """
    }

    static func answer(_ logs: [String], id: String = "7") -> String {
        "{\"jsonrpc\":\"2.0\",\"id\":\(id),\"result\":[\(logs.joined(separator: ","))]}"
    }

    @Test func plainAnswersAreReadFastAndAgreeWithTheGenericParser() throws {
        let bodies = [
            Self.answer([]),
            Self.answer([Self.log()]),
            Self.answer([
                Self.log(data: "0x"), Self.log(topics: []), Self.log(removed: "true"),
                Self.log(block: "null", blockHash: "null", tx: "null", txIndex: "null", logIndex: "null"),
                Self.log(extra: ",\"blockTimestamp\":\"0x6553f100\""),
                Self.log(address: "0X5FBDB2315678AFECB367F032D93F642F64180AA3", data: "0xDEADbeef"),
                Self.log(block: "\"0xffffffffffffffff\"", logIndex: "\"0x0\""),
            ]),
            // Pretty-printed, keys in another order, `error: null`, a numeric id among other members.
            """
            {
              "id" : 7,
              "result" : [
                {
                  "removed" : false, "logIndex" : "0x2",
                  "topics" : [ "\(Self.t0)" ],
              \t"address" : "\(Self.addr)", "data" : "0x01",
                  "blockNumber" : "0x10", "blockHash" : "\(Self.h32)",
                  "transactionHash" : "\(Self.h32)", "transactionIndex" : "0x3"
                }
              ],
              "error" : null, "jsonrpc" : "2.0"
            }\r\n
            """,
        ]
        for body in bodies {
            let f = try #require(Self.fast(body), "the plain answer should take the fast path: \(body)")
            #expect(f == (try Self.generic(body).get()))
        }
        let one = try #require(Self.fast(Self.answer([Self.log(removed: "true")])))
        #expect(one[0].removed && one[0].blockNumber == 0x1b4 && one[0].logIndex == 1)
        #expect(one[0].topics == [try Hex.decode(Self.t0), try Hex.decode(Self.h32)])
    }

    @Test func hostileAnswersAreLeftToTheGenericParser() throws {
        let missingAddress = Self.answer([Self.log().replacingOccurrences(of: "\"address\"", with: "\"addr\"")])
        let cases: [(String, String?)] = [
            // (body, a word the generic error must contain; nil: the generic parser succeeds)
            (Self.answer([Self.log(data: "0x\\u0030\\u0031")]), nil),
            (Self.answer([Self.log(extra: ",\"note\":\"caf\\u00e9 \\\"x\\\"\"")]), nil),
            (Self.answer([Self.log(extra: ",\"note\":\"café\"")]), nil),
            (Self.answer([Self.log(extra: ",\"nested\":{\"a\":[1,{\"b\":null}]}")]), nil),
            (Self.answer([Self.log(removed: "\"yes\"")]), nil),
            (Self.answer([Self.log(removed: "1")]), nil),
            (Self.answer([Self.log(block: "\"0x1ffffffffffffffff\"")]), "blockNumber"),
            (Self.answer([Self.log(block: "\"0x01\"")]), "blockNumber"),
            (Self.answer([Self.log(block: "\"0x\"")]), "blockNumber"),
            (Self.answer([Self.log(block: "436")]), "blockNumber"),
            (Self.answer([Self.log(block: "123456789012345678901234567890")]), "blockNumber"),
            (Self.answer([Self.log(logIndex: "\"1\"")]), "logIndex"),
            (Self.answer([Self.log(data: "0x123")]), "data"),
            (Self.answer([Self.log(data: "0x12zz")]), "data"),
            (Self.answer([Self.log(data: "1234")]), "data"),
            (Self.answer([Self.log(topics: ["0x" + String(repeating: "ab", count: 31)])]), "topics[0]"),
            (Self.answer([Self.log(blockHash: "\"0xabcd\"")]), "blockHash"),
            (Self.answer([Self.log(address: "0x5fbdb2315678afecb367f032d93f642f64180a")]), "address"),
            (missingAddress, "result[0].address"),
            (Self.answer([Self.log().replacingOccurrences(of: "\"topics\":[", with: "\"topicz\":[")]), "topics"),
            (Self.answer([Self.log(extra: ",\"data\":\"0x\"")]), "not JSON"),  // a repeated key
            (Self.answer([Self.log(extra: ",\"x\":1,\"x\":2")]), "not JSON"),
            (Self.answer([Self.log()], id: "8"), "id"),
            (Self.answer([Self.log()], id: "\"7\""), "id"),
            (Self.answer([Self.log()], id: "7.0"), "id"),
            ("{\"jsonrpc\":\"2.0\",\"id\":7,\"result\":null}", "array"),
            ("{\"jsonrpc\":\"2.0\",\"id\":7,\"result\":{}}", "array"),
            ("{\"jsonrpc\":\"2.0\",\"id\":7,\"result\":[1]}", "log object"),
            (
                "{\"jsonrpc\":\"2.0\",\"id\":7,\"error\":{\"code\":-32005,\"message\":\"query returned more than 10000 results\"}}",
                ""
            ),
            (Self.answer([Self.log()]) + "x", "not JSON"),
            (String(Self.answer([Self.log()]).dropLast()), "not JSON"),
            (Self.answer([Self.log()]).replacingOccurrences(of: "\"0x1b4\"", with: "\"0x1b4"), "not JSON"),
            ("[" + Self.answer([Self.log()]) + "]", "not a JSON-RPC response"),
            ("", "not JSON"),
        ]
        for (body, word) in cases {
            switch Self.generic(body) {
            case .success(let logs):
                #expect(word == nil, "the generic parser should refuse: \(body)")
                // Values the generic reader maps the same way (`removed: 1` is false) may be read fast, alike.
                if let f = Self.fast(body) { #expect(f == logs) }
            case .failure(let error):
                #expect(Self.fast(body) == nil, "declined: \(body)")
                if let word {
                    #expect(error.detail.contains(word) || word.isEmpty, "\(error.detail) should name \(word)")
                } else {
                    Issue.record("the generic parser should accept \(body): \(error.detail)")
                }
            }
        }
        // Other statuses always go to the generic path (429 is a rate limit there).
        #expect(Self.fast(Self.answer([Self.log()]), status: 429) == nil)
        #expect(Self.fast(Self.answer([Self.log()]), status: 500) == nil)
    }

    /// Random well-formed logs in random layouts are read fast and agree; random mutations of them are either
    /// declined or agree (never accepted where the generic parser refuses).
    @Test func randomAnswersAndMutationsNeverDisagree() throws {
        var rng = SeededRandom(state: 0x6b61_6c79_7073_6f)
        func hex(_ n: Int) -> String {
            "0x" + (0..<n).map { _ in String(format: "%02x", Int(rng.next() & 0xff)) }.joined()
        }
        func quantity() -> String { "\"0x" + String(rng.next() >> (rng.next() % 64), radix: 16) + "\"" }
        func space() -> String { ["", " ", "\n  ", "\t", "\r\n"][Int(rng.next() % 5)] }
        var bodies: [String] = []
        for _ in 0..<200 {
            let logs = (0..<Int(rng.next() % 6)).map { _ in
                var members = [
                    "\"address\":\"\(hex(20))\"",
                    "\"topics\":[" + (0..<Int(rng.next() % 5)).map { _ in "\"\(hex(32))\"" }.joined(separator: ",")
                        + "]",
                    "\"data\":\"\(hex(Int(rng.next() % 200)))\"",
                    "\"blockNumber\":" + (rng.next() % 10 == 0 ? "null" : quantity()),
                    "\"blockHash\":\"\(hex(32))\"", "\"transactionHash\":\"\(hex(32))\"",
                    "\"transactionIndex\":" + quantity(), "\"logIndex\":" + quantity(),
                    "\"removed\":" + (rng.next() % 2 == 0 ? "true" : "false"),
                ]
                if rng.next() % 3 == 0 { members.append("\"blockTimestamp\":" + quantity()) }
                members.shuffle(using: &rng)
                return "{"
                    + members.map { space() + $0.replacingOccurrences(of: "\":", with: "\":" + space()) }
                    .joined(separator: ",") + space() + "}"
            }
            bodies.append(
                "{\"jsonrpc\":\"2.0\",\(space())\"id\":7,\"result\":[" + logs.joined(separator: "," + space()) + "]}")
        }
        for body in bodies {
            let f = try #require(Self.fast(body), "a well-formed answer should be read fast: \(body)")
            #expect(f == (try Self.generic(body).get()))
        }
        let alphabet = Array("\"\\{}[],:0x1fFX-.e nul\u{7f}".utf8) + [0xc3, 0xa9, 0x00]
        var declined = 0
        for round in 0..<3000 {
            var bytes = Array(bodies[round % bodies.count].utf8)
            for _ in 0..<(1 + Int(rng.next() % 3)) where !bytes.isEmpty {
                let at = Int(rng.next() % UInt64(bytes.count))
                switch rng.next() % 3 {
                case 0: bytes.remove(at: at)
                case 1: bytes.insert(alphabet[Int(rng.next() % UInt64(alphabet.count))], at: at)
                default: bytes[at] = alphabet[Int(rng.next() % UInt64(alphabet.count))]
                }
            }
            if Self.fast(bytes: bytes) == nil { declined += 1 }
            Self.agree(bytes: bytes, "mutation round \(round)")
        }
        #expect(declined > 1000, "most mutations break the plain shape")
    }

    /// Logs of one block and transaction repeat their hashes, address and topic0: the reader shares the decoded
    /// value when the text repeats exactly, and every variant of a repeat (other case, `0X`, a digit more or
    /// less, an escape, a cut) is still read or declined exactly as the generic parser reads it.
    @Test func repeatedValuesAreSharedAndStillChecked() throws {
        let h2 = "0x" + String(repeating: "cd", count: 32)
        let logs = (0..<5).map { k in
            Self.log(topics: [Self.t0, k % 2 == 0 ? Self.h32 : h2], logIndex: "\"0x\(k)\"")
        }
        let body = Self.answer(logs)
        let fast = try #require(Self.fast(body))
        #expect(fast == (try Self.generic(body).get()))
        #expect(fast.count == 5 && fast[4].topics[1] == fast[0].topics[1] && fast[3].topics[1] != fast[0].topics[1])
        // Each later occurrence of a repeated text, altered.
        let repeated = [String(Self.h32.dropFirst(2)), String(Self.t0.dropFirst(2)), String(Self.addr.dropFirst(2))]
        let variants: [(String) -> String] = [
            { $0.uppercased() }, { String($0.dropLast()) }, { $0 + "0" }, { $0 + "00" },
            { "\\u0030" + $0.dropFirst() }, { String($0.dropFirst(2)) },
            { $0.replacingOccurrences(of: "a", with: "g") },
        ]
        var checked = 0
        for text in repeated {
            let occurrences = body.ranges(of: text)
            for occurrence in occurrences.dropFirst() {
                for variant in variants {
                    var altered = body
                    altered.replaceSubrange(occurrence, with: variant(text))
                    Self.agree(bytes: Array(altered.utf8), "variant of \(text.prefix(8)) at \(occurrence)")
                    checked += 1
                }
                var capital = body
                let prefix = body.index(occurrence.lowerBound, offsetBy: -1)
                capital.replaceSubrange(prefix..<occurrence.lowerBound, with: "X")
                let read = try #require(Self.fast(capital))
                #expect(read == (try Self.generic(capital).get()))
            }
        }
        #expect(checked > 100)
        var rng = SeededRandom(state: 0x7265_7065_6174)
        let alphabet = Array("\"\\0x1fFX-.e abcdef".utf8)
        for round in 0..<1000 {
            var bytes = Array(body.utf8)
            let at = Int(rng.next() % UInt64(bytes.count))
            if rng.next() % 2 == 0 {
                bytes[at] = alphabet[Int(rng.next() % UInt64(alphabet.count))]
            } else {
                bytes.remove(at: at)
            }
            Self.agree(bytes: bytes, "repeat mutation round \(round)")
        }
    }

    /// Through the client: plain answers and answers the reader declines give the same logs; a bad field is a
    /// clear error naming it.
    @Test func theClientReadsLogsEitherWay() async throws {
        let plain = Self.answer([Self.log(), Self.log(removed: "true")])
        let escaped = plain.replacingOccurrences(of: "\"0x1b4\"", with: "\"0x\\u0031b4\"")
        let broken = Self.answer([Self.log(logIndex: "\"0x01\"")])
        let transport = ScriptedRPCTransport { body, index in
            let id = JSONRPCClientScriptedTests.id(body)
            let answer = [plain, escaped, broken][index]
            return ScriptedRPCTransport.json(answer.replacingOccurrences(of: "\"id\":7", with: "\"id\":\(id)"))
        }
        let client = JSONRPCClient(transports: [transport], options: JSONRPCClientOptions(retry: .none))
        let filter = RPCLogFilter(fromBlock: .number(1), toBlock: .number(2))
        let a = try await client.logs(filter)
        let b = try await client.logs(filter)
        #expect(a.count == 2 && a == b)
        let error = await rpcError { try await client.logs(filter) }
        #expect(error?.code == .rpcMalformedResponse)
        #expect(error?.detail.contains("result[0].logIndex") == true)
    }
}
