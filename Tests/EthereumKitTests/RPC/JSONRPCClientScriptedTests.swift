import Basics
import EthereumKit
import Foundation
import Testing

/// The client against the scripted transport: exact deadlines, id matching, strict parsing, cancellation.
struct JSONRPCClientScriptedTests {
    /// The `id` of a request body, to echo it.
    static func id(_ body: [UInt8]) -> String {
        guard case .number(let n)? = try? RPCValue.parse(String(decoding: body, as: UTF8.self))["id"] else {
            return "0"
        }
        return n
    }

    /// A client whose whole-call budget is far above any wait a test provokes: a loaded test pool can
    /// resume a sleeping retry seconds late, and that must not turn into a timeout.
    static func client(
        _ transport: ScriptedRPCTransport, retry: RPCRetryPolicy = .none, attemptTimeout: Duration = .seconds(5)
    )
        -> JSONRPCClient
    {
        JSONRPCClient(
            transports: [transport],
            options: JSONRPCClientOptions(attemptTimeout: attemptTimeout, totalTimeout: .seconds(600), retry: retry))
    }

    /// A node that answers only after a minute: any outcome but a success comes from the client.
    static let slowNode = ScriptedRPCTransport { _, _ in
        try await Task.sleep(for: .seconds(60))
        return ScriptedRPCTransport.json(#"{"jsonrpc":"2.0","id":1,"result":"0x1"}"#)
    }

    @Test func ownDeadlineFiresBelowOneSecond() async {
        let client = Self.client(Self.slowNode, attemptTimeout: .milliseconds(250))
        let start = ContinuousClock.now
        let error = await rpcError { try await client.blockNumber() }
        // No upper bound on the wall time: on a loaded 2-core box the whole pool can stall for seconds.
        // The timeout error itself shows the deadline ended the call long before the node's answer.
        #expect(error?.code == .rpcTimeout)
        #expect(
            error?.detail.contains("no answer within 0.2 s") == true
                || error?.detail.contains("no answer within 0.3 s") == true)
        #expect(ContinuousClock.now - start >= .milliseconds(240))
    }

    @Test func cancellationEndsTheCallAtOnce() async {
        let client = Self.client(Self.slowNode)
        let task = Task { () -> RPCError? in
            do throws(RPCError) {
                _ = try await client.blockNumber()
                return nil
            } catch { return error }
        }
        try? await Task.sleep(for: .milliseconds(100))
        task.cancel()
        // Without cancellation this would be a success after a minute.
        #expect(await task.value?.code == .rpcCancelled)
    }

    @Test func batchAnswersAreMatchedById() async throws {
        let transport = ScriptedRPCTransport { body, _ in
            guard case .array(let requests) = try RPCValue.parse(String(decoding: body, as: UTF8.self)) else {
                return ScriptedRPCTransport.json("{}", status: 400)
            }
            // Answer in reverse order, and leave out the last request.
            let answers = requests.dropLast().reversed().map { r -> String in
                let id = r["id"]?.jsonText ?? "null"
                return
                    #"{"jsonrpc":"2.0","id":\#(id),"result":"\#(r["method"]?.jsonText.replacingOccurrences(of: "\"", with: "") ?? "")"}"#
            }
            return ScriptedRPCTransport.json("[" + answers.joined(separator: ",") + "]")
        }
        let client = Self.client(transport)
        let results = try await client.batch([RPCCall("a"), RPCCall("b"), RPCCall("c")])
        #expect(try results[0].get() == .string("a"))
        #expect(try results[1].get() == .string("b"))
        guard case .failure(let missing) = results[2] else {
            Issue.record("the unanswered request succeeded")
            return
        }
        #expect(missing.code == .rpcMalformedResponse)
        #expect(missing.method == "c")
        #expect(transport.requests.count == 1)
    }

    /// A node that takes single requests only (a batch gets 400) and answers each with its method name
    /// and params, after a delay that makes later requests finish first.
    static let singlesOnlyNode = ScriptedRPCTransport { body, _ in
        let request = try RPCValue.parse(String(decoding: body, as: UTF8.self))
        guard case .object = request else { return ScriptedRPCTransport.json("{}", status: 400) }
        guard case .string(let method)? = request["method"] else { return ScriptedRPCTransport.json("{}", status: 400) }
        if method == "fail" {
            return ScriptedRPCTransport.json(
                #"{"jsonrpc":"2.0","id":\#(id(body)),"error":{"code":-32601,"message":"no such method"}}"#)
        }
        let n = Int(method.dropFirst()) ?? 0
        try await Task.sleep(for: .milliseconds(max(0, 40 - n * 2)))
        return ScriptedRPCTransport.json(#"{"jsonrpc":"2.0","id":\#(id(body)),"result":"\#(method)"}"#)
    }

    /// A one-element batch goes the single-call path (once the only path that trapped in release builds):
    /// one plain request, its answer in the one slot.
    @Test func oneElementBatchIsOnePlainRequest() async throws {
        let transport = ScriptedRPCTransport { body, _ in
            // A batch array here would be a 400: the one request must come as a plain object.
            guard case .object = try RPCValue.parse(String(decoding: body, as: UTF8.self)) else {
                return ScriptedRPCTransport.json("{}", status: 400)
            }
            return ScriptedRPCTransport.json(#"{"jsonrpc":"2.0","id":\#(Self.id(body)),"result":"0x2a"}"#)
        }
        let client = Self.client(transport)
        let results = try await client.batch([.blockNumber])
        #expect(results.count == 1)
        #expect(try results.first?.get() == .string("0x2a"))
        #expect(transport.requests.count == 1)
        #expect(transport.requests.first?.hasPrefix("{") == true)
        // The same through the typed helper (one eth_call in a "batch").
        let calls = try await client.calls([
            RPCCallRequest(to: try Address("0x2c7536E3605D9C16a7a3D7b1898e529396a65c23"))
        ])
        #expect(calls.count == 1)
        #expect(try calls.first?.get() == [0x2a])
    }

    /// A one-element batch whose request the node refuses: the refusal in its slot, not a throw.
    @Test func oneElementBatchKeepsItsOwnError() async throws {
        let results = try await Self.client(Self.singlesOnlyNode).batch([RPCCall("fail")])
        guard case .failure(let error)? = results.first, results.count == 1 else {
            Issue.record("expected one failed slot, got \(results)")
            return
        }
        #expect(error.rpcCode == -32601)
        #expect(error.method == "fail")
    }

    /// An endpoint without batches: every request answered alone, several at once, each result in its
    /// own slot although later ones finish first (the shape of this path that -O miscompiled lost all
    /// results but one).
    @Test func batchlessEndpointFillsEverySlotInOrder() async throws {
        let calls = (0..<20).map { RPCCall("m\($0)") } + [RPCCall("fail")]
        let client = Self.client(Self.singlesOnlyNode)
        let results = try await client.batch(calls)
        #expect(results.count == calls.count)
        for (i, r) in results.dropLast().enumerated() { #expect(try r.get() == .string("m\(i)")) }
        if case .failure(let e)? = results.last { #expect(e.rpcCode == -32601) } else { Issue.record("fail succeeded") }
        #expect(client.acceptsBatches(endpoint: 0) == false)
    }

    @Test func writesAreNeverBatched() async {
        let transport = ScriptedRPCTransport { _, _ in ScriptedRPCTransport.json("[]") }
        let error = await rpcError {
            try await Self.client(transport).batch([.blockNumber, RPCCall("eth_sendRawTransaction", [.string("0x00")])])
        }
        #expect(error?.code == .rpcInvalidParams)
        #expect(transport.requests.isEmpty)
    }

    @Test(arguments: [#""0x01""#, #""12""#, #""0x""#, #""0xzz""#, "12", "null"])
    func malformedQuantitiesNameMethodAndField(result: String) async throws {
        let transport = ScriptedRPCTransport { body, _ in
            ScriptedRPCTransport.json(#"{"jsonrpc":"2.0","id":\#(Self.id(body)),"result":\#(result)}"#)
        }
        // What the strict quantity reader says about the value, or that a string was expected.
        var problem = "expected a hex string"
        if case .string(let text) = try RPCValue.parse(result) {
            do {
                _ = try Quantity.parseUInt64(text, strict: true)
                Issue.record("\(text) parsed")
            } catch { problem = "\(error)" }
        }
        let error = await rpcError { try await Self.client(transport).blockNumber() }
        #expect(error?.code == .rpcMalformedResponse)
        #expect(error?.detail.contains("eth_blockNumber") == true)
        #expect(error?.detail.contains("result: \(problem)") == true)
    }

    @Test func malformedReceiptFieldIsNamed() async {
        let transport = ScriptedRPCTransport { body, _ in
            let receipt = """
                {"transactionHash":"0x\(String(repeating: "ab", count: 32))","transactionIndex":"0x0",
                "blockHash":"0x\(String(repeating: "cd", count: 32))","blockNumber":"0x5",
                "from":"0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266","to":null,"status":"0x1",
                "gasUsed":"5208","cumulativeGasUsed":"0x5208","logs":[]}
                """
            return ScriptedRPCTransport.json(#"{"jsonrpc":"2.0","id":\#(Self.id(body)),"result":\#(receipt)}"#)
        }
        let error = await rpcError {
            try await Self.client(transport).receipt(hash: [UInt8](repeating: 0xab, count: 32))
        }
        #expect(error?.code == .rpcMalformedResponse)
        #expect(error?.detail.contains("eth_getTransactionReceipt") == true)
        #expect(error?.detail.contains("gasUsed") == true)
    }

    @Test func rateLimitInTheJSONErrorIsRetriedAfterTheHeader() async throws {
        let transport = ScriptedRPCTransport { body, index in
            if index == 0 {
                return ScriptedRPCTransport.json(
                    #"{"jsonrpc":"2.0","id":\#(Self.id(body)),"error":{"code":-32005,"message":"limit exceeded"}}"#,
                    retryAfter: .milliseconds(300))
            }
            return ScriptedRPCTransport.json(#"{"jsonrpc":"2.0","id":\#(Self.id(body)),"result":"0x2a"}"#)
        }
        let client = Self.client(transport, retry: RPCRetryPolicy(initialBackoff: .milliseconds(10)))
        let start = ContinuousClock.now
        #expect(try await client.blockNumber() == 42)
        #expect(ContinuousClock.now - start >= .milliseconds(290))
        #expect(transport.requests.count == 2)
    }

    @Test func alreadyKnownCountsAsSent() async throws {
        let raw: [UInt8] = [0x02, 0xc0]
        let transport = ScriptedRPCTransport { body, _ in
            ScriptedRPCTransport.json(
                #"{"jsonrpc":"2.0","id":\#(Self.id(body)),"error":{"code":-32000,"message":"already known"}}"#)
        }
        #expect(try await Self.client(transport).sendRawTransaction(raw) == Keccak256.hash(raw))
    }
}
