import BigInt
import EthereumKit
import Foundation
import TestSupport
import Testing

/// The client through the fault proxy: reads survive latency, 5xx, 429 with Retry-After, malformed JSON,
/// a closed connection and a batch-less node; writes are never retried blindly.
@Suite(.serialized)
struct JSONRPCClientFaultTests {
    struct Setup: Sendable {
        let node: DevnetNode
        let proxy: DevnetFaultProxy
    }

    static let devnet = SharedDevnet { () async throws -> Setup in
        let node = try await DevnetNode.start()
        let proxy = try await DevnetFaultProxy.start(upstream: node.url)
        return Setup(node: node, proxy: proxy)
    }

    /// The proxy with no faults and zeroed counters.
    func fresh() async throws -> Setup {
        let setup = try await Self.devnet.get()
        try await setup.proxy.reset()
        return setup
    }

    @Test func readsSurviveLatencyAndTheDeadlineIsSubSecond() async throws {
        let s = try await fresh()
        try await s.proxy.configure(["latency_ms": 300])
        let patient = try makeClient([s.proxy.url], attemptTimeout: .seconds(2))
        #expect(try await patient.chainId() == 31337)

        // 100 ms is below URLSession's whole-second resolution: our own deadline must fire. The answer would
        // come after 2 s and succeed, so a timeout error shows the deadline ended the call.
        try await s.proxy.configure(["latency_ms": 2000])
        let hasty = try makeClient([s.proxy.url], retry: .none, attemptTimeout: .milliseconds(100))
        let start = ContinuousClock.now
        let error = await rpcError { try await hasty.blockNumber() }
        let elapsed = ContinuousClock.now - start
        #expect(error?.code == .rpcTimeout)
        #expect(error?.isRetryable == true)
        #expect(elapsed >= .milliseconds(90))
        try await s.proxy.configure(["latency_ms": 0])
    }

    @Test func readsSurviveServerErrors() async throws {
        let s = try await fresh()
        try await s.proxy.queue([["kind": "http503"], ["kind": "http500"]])
        let client = try makeClient([s.proxy.url])
        #expect(try await client.chainId() == 31337)
        let stats = try await s.proxy.stats()
        #expect(stats.faultsApplied == 2)
        #expect(stats.requests == 3)
    }

    @Test func readsHonourRetryAfter() async throws {
        let s = try await fresh()
        try await s.proxy.queue([["kind": "http429", "retry_after": 1]])
        let client = try makeClient([s.proxy.url])
        let start = ContinuousClock.now
        #expect(try await client.chainId() == 31337)
        #expect(ContinuousClock.now - start >= .seconds(1))
        #expect(try await s.proxy.stats().requests == 2)

        // A wait beyond what the policy accepts is reported at once, with the server's figure.
        try await s.proxy.queue([["kind": "http429", "retry_after": 120]])
        let error = await rpcError { try await client.chainId() }
        #expect(error?.code == .rpcRateLimited)
        #expect(error?.retryAfter == .seconds(120))
        #expect(error?.detail.contains("the server asked to wait 120 s") == true)
    }

    @Test func readsSurviveMalformedJSONAndClosedConnections() async throws {
        let s = try await fresh()
        try await s.proxy.queue([["kind": "malformed"], ["kind": "close"], ["kind": "malformed"]])
        // A closed kept-alive connection costs one attempt deadline (see HTTPRPCTransport): keep it short.
        let client = try makeClient([s.proxy.url], attemptTimeout: .seconds(1))
        #expect(try await client.chainId() == 31337)
        #expect(try await s.proxy.stats().faultsApplied == 3)

        let once = try makeClient([s.proxy.url], retry: .none)
        try await s.proxy.queue([["kind": "malformed"]])
        let error = await rpcError { try await once.chainId() }
        #expect(error?.code == .rpcMalformedResponse)
        #expect(error?.detail.contains("not JSON") == true)
    }

    @Test func batchesSurviveFaultsInOneRoundTripEach() async throws {
        let s = try await fresh()
        try await s.proxy.queue([["kind": "http502"], ["kind": "close"]])
        let client = try makeClient([s.proxy.url], attemptTimeout: .seconds(1))
        let results = try await client.batch(Array(repeating: RPCCall.chainId, count: 5))
        #expect(results.count == 5)
        for r in results { #expect(try r.get() == .string("0x7a69")) }
        let stats = try await s.proxy.stats()
        #expect(stats.batches == 3)
        #expect(stats.methods["eth_chainId"] == 15)
        #expect(client.roundTrips == 3)
    }

    @Test func batchLessNodeIsDetectedOnceAndServedOneByOne() async throws {
        let s = try await fresh()
        try await s.proxy.configure(["batchless": true])
        let client = try makeClient([s.proxy.url])
        let address = try Address("0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266")
        let calls: [RPCCall] = [.chainId, .blockNumber, .getBalance(address), .chainId]
        let first = try await client.batch(calls)
        #expect(client.acceptsBatches(endpoint: 0) == false)
        #expect(try first[0].get() == .string("0x7a69"))
        #expect(try first[3].get() == .string("0x7a69"))
        #expect(try RPCDecode.quantity(try first[2].get(), method: "eth_getBalance", field: "result") > 0)
        #expect(try await s.proxy.stats().batches == 1)
        _ = try await client.batch(calls)
        let stats = try await s.proxy.stats()
        #expect(stats.batches == 1)  // remembered: no second batch attempt
        #expect(stats.requests == 1 + 2 * calls.count)
        try await s.proxy.configure(["batchless": false])
    }

    @Test func chainIdIsCheckedOncePerEndpoint() async throws {
        let s = try await fresh()
        let client = try makeClient([s.proxy.url], chainId: 31337)
        _ = try await client.blockNumber()
        _ = try await client.blockNumber()
        _ = try await client.batch([.blockNumber, .chainId])
        let stats = try await s.proxy.stats()
        #expect(stats.methods["eth_chainId"] == 2)  // the check once, plus the one in the batch
        #expect(stats.methods["eth_blockNumber"] == 3)
    }

    @Test func writesAreNotRetriedWhenTheAnswerIsLost() async throws {
        let s = try await fresh()
        let client = try makeClient([s.proxy.url], attemptTimeout: .seconds(1))
        let sender = try Address(ReferenceSignedTransaction.testAddress)
        try await s.node.rpc.fund(ReferenceSignedTransaction.testAddress, wei: "1000000000000000000")

        // The node applies the transaction, then the answer is lost (connection closed).
        var nonce = try await client.transactionCount(of: sender)
        let applied = try await ReferenceSignedTransaction.sign(
            nonce: nonce, to: "0x00000000000000000000000000000000000000e1")
        try await s.proxy.queue([["kind": "close", "method": "eth_sendRawTransaction", "forward": true]])
        let lost = await rpcError { try await client.sendRawTransaction(try RawHex.bytes(applied.raw)) }
        #expect(lost?.code == .rpcUnknownOutcome)
        #expect(lost?.isRetryable == false)
        #expect(lost?.detail.contains(applied.hash) == true)
        #expect(lost?.hint.contains("Do not send it again blindly") == true)
        #expect(try await s.proxy.stats().methods["eth_sendRawTransaction"] == 1)
        #expect(try await client.receipt(hash: try RawHex.bytes(applied.hash)) != nil)

        // A 5xx on a write is not retried either, although the node never saw it.
        nonce = try await client.transactionCount(of: sender)
        let refused = try await ReferenceSignedTransaction.sign(
            nonce: nonce, to: "0x00000000000000000000000000000000000000e2")
        try await s.proxy.queue([["kind": "http503", "method": "eth_sendRawTransaction"]])
        let unknown = await rpcError { try await client.sendRawTransaction(try RawHex.bytes(refused.raw)) }
        #expect(unknown?.code == .rpcUnknownOutcome)
        #expect(try await s.proxy.stats().methods["eth_sendRawTransaction"] == 2)
        #expect(try await client.receipt(hash: try RawHex.bytes(refused.hash)) == nil)

        // A write that times out is not retried.
        try await s.proxy.queue([["kind": "delay", "ms": 3000, "method": "eth_sendRawTransaction"]])
        let hasty = try makeClient([s.proxy.url], attemptTimeout: .milliseconds(150))
        let late = await rpcError { try await hasty.sendRawTransaction(try RawHex.bytes(refused.raw)) }
        #expect(late?.code == .rpcUnknownOutcome)
        #expect(try await s.proxy.stats().methods["eth_sendRawTransaction"] == 3)
    }

    @Test func logQueriesTooLargeAreReportedNotRetried() async throws {
        let s = try await fresh()
        try await s.node.rpc.mine()
        try await s.node.rpc.mine()
        try await s.proxy.configure(["max_log_range": 2])
        let client = try makeClient([s.proxy.url])
        let error = await rpcError { try await client.logs(RPCLogFilter(fromBlock: .earliest, toBlock: .latest)) }
        #expect(error?.code == .rpcLogQueryTooLarge)
        #expect(error?.isRetryable == false)
        #expect(error?.rpcCode == -32005)
        #expect(try await s.proxy.stats().methods["eth_getLogs"] == 1)
        let head = try await client.blockNumber()
        #expect(try await client.logs(RPCLogFilter(fromBlock: .number(head - 1), toBlock: .number(head))).isEmpty)
        try await s.proxy.configure(["max_log_range": 0])
    }
}
