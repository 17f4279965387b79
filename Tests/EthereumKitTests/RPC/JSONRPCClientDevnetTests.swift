import Basics
import BigInt
import EthereumKit
import Foundation
import TestSupport
import Testing

/// Every typed call against the devnet node; expected values come from the node's raw JSON (read by the
/// test with its own hex parsing), from eth-account (signed transactions) or from published vectors.
@Suite(.serialized)
struct JSONRPCClientDevnetTests {
    static let devnet = SharedDevnet { try await DevnetNode.start() }

    /// A fixed address for contract code installed by the tests (`anvil_setCode`).
    static func codeAddress(_ n: UInt8) -> String {
        "0x00000000000000000000000000000000000c0d" + String(format: "%02x", n)
    }

    @Test func chainIdBlockNumberAndFees() async throws {
        let node = try await Self.devnet.get()
        let client = try makeClient([node.url])
        #expect(try await client.chainId() == 31337)
        try await node.rpc.mine()
        let raw = try RawHex.uint64(try await node.rpc.callString("eth_blockNumber"))
        #expect(try await client.blockNumber() == raw)
        #expect(try await client.gasPrice() == RawHex.big(try await node.rpc.callString("eth_gasPrice")))
        #expect(
            try await client.maxPriorityFeePerGas()
                == RawHex.big(try await node.rpc.callString("eth_maxPriorityFeePerGas")))

        let history = try await client.feeHistory(blockCount: 2, newest: .latest, percentiles: [25, 75])
        let rawHistory = try RawHex.object(try await node.rpc.callJSON("eth_feeHistory", ["0x2", "latest", [25, 75]]))
        #expect(history.oldestBlock == (try RawHex.uint64(try #require(rawHistory["oldestBlock"] as? String))))
        let rawFees = try #require(rawHistory["baseFeePerGas"] as? [String])
        #expect(history.baseFeePerGas == (try rawFees.map(RawHex.big)))
        #expect(history.baseFeePerGas.count == history.gasUsedRatio.count + 1)
        let rawRewards = try #require(rawHistory["reward"] as? [[String]])
        #expect(history.reward == (try rawRewards.map { try $0.map(RawHex.big) }))
    }

    @Test func balanceOfAFundedAddress() async throws {
        let node = try await Self.devnet.get()
        let client = try makeClient([node.url])
        let address = try Address("0x00000000000000000000000000000000000ba1a7")
        let before = try await client.balance(of: address)
        try await node.rpc.fund("0x00000000000000000000000000000000000ba1a7", wei: "123456789012345678901")
        #expect(
            try await client.balance(of: address) == before
                + (try #require(BigUInt("123456789012345678901", radix: 10))))
        #expect(try await client.balance(of: address, block: .earliest) == 0)
    }

    @Test func sendRawTransactionAndReadItBack() async throws {
        let node = try await Self.devnet.get()
        let client = try makeClient([node.url], chainId: 31337)
        let sender = try Address(ReferenceSignedTransaction.testAddress)
        try await node.rpc.fund(ReferenceSignedTransaction.testAddress, wei: "1000000000000000000")
        let nonce = try await client.transactionCount(of: sender, block: .pending)
        #expect(
            nonce
                == (try RawHex.uint64(
                    try await node.rpc.callString(
                        "eth_getTransactionCount", [ReferenceSignedTransaction.testAddress, "pending"]))))
        let to = "0x00000000000000000000000000000000000000aa"
        let signed = try await ReferenceSignedTransaction.sign(nonce: nonce, to: to, value: "777")
        let hash = try await client.sendRawTransaction(try RawHex.bytes(signed.raw))
        #expect(Hex.encode(hash) == signed.hash)

        let receipt = try #require(try await client.receipt(hash: hash))
        #expect(receipt.transactionHash == hash)
        #expect(receipt.succeeded)
        #expect(receipt.from == sender)
        #expect(receipt.to == (try Address(to)))
        #expect(receipt.gasUsed == 21000)
        #expect(receipt.logs.isEmpty)

        let tx = try #require(try await client.transaction(hash: hash))
        #expect(tx.hash == hash)
        #expect(tx.nonce == nonce)
        #expect(tx.from == sender)
        #expect(tx.value == 777)
        #expect(tx.gas == 21000)
        #expect(tx.maxFeePerGas == 100_000_000_000)
        #expect(tx.maxPriorityFeePerGas == 1_000_000_000)
        #expect(tx.type == 2)
        #expect(tx.blockNumber == receipt.blockNumber)

        let block = try #require(try await client.block(.number(receipt.blockNumber)))
        #expect(block.number == receipt.blockNumber)
        #expect(block.hash == receipt.blockHash)
        #expect(block.transactionHashes.contains(hash))
        let rawBlock = try RawHex.object(
            try await node.rpc.callJSON("eth_getBlockByNumber", [Quantity.encode(receipt.blockNumber), false]))
        #expect(block.timestamp == (try RawHex.uint64(try #require(rawBlock["timestamp"] as? String))))
        #expect(block.parentHash == (try RawHex.bytes(try #require(rawBlock["parentHash"] as? String))))
        #expect(try await client.transactionCount(of: sender, block: .latest) == nonce + 1)
        #expect(try await client.transaction(hash: [UInt8](repeating: 0xab, count: 32)) == nil)
        #expect(try await client.receipt(hash: [UInt8](repeating: 0xab, count: 32)) == nil)
        #expect(try await client.block(.number(10_000_000)) == nil)

        // The same transaction again: its nonce is used now.
        let again = await rpcError { try await client.sendRawTransaction(try RawHex.bytes(signed.raw)) }
        #expect(again?.code == .rpcNonceTooLow)
        #expect(again?.category == .refused)
    }

    @Test func nodeRefusalsMapToOperatorErrors() async throws {
        let node = try await Self.devnet.get()
        let client = try makeClient([node.url])
        let unfundedKey = "0x" + String(repeating: "11", count: 32)
        let poor = try await ReferenceSignedTransaction.sign(
            key: unfundedKey, nonce: 0, to: "0x00000000000000000000000000000000000000bb")
        let funds = await rpcError { try await client.sendRawTransaction(try RawHex.bytes(poor.raw)) }
        #expect(funds?.code == .rpcInsufficientFunds)
        #expect(funds?.hint.contains("gas limit × max fee + value") == true)

        try await node.rpc.fund(ReferenceSignedTransaction.testAddress, wei: "1000000000000000000")
        let nonce = try await client.transactionCount(of: try Address(ReferenceSignedTransaction.testAddress))
        let low = try await ReferenceSignedTransaction.sign(
            nonce: nonce, to: "0x00000000000000000000000000000000000000bb", gas: 20000)
        let intrinsic = await rpcError { try await client.sendRawTransaction(try RawHex.bytes(low.raw)) }
        #expect(intrinsic?.code == .rpcIntrinsicGasTooLow)

        let missing = await rpcError { try await client.call("eth_doesNotExist") }
        #expect(missing?.code == .rpcMethodNotFound)
        #expect(missing?.rpcCode == -32601)
        #expect(missing?.isRetryable == false)
    }

    @Test func codeCallAndEstimateGas() async throws {
        let node = try await Self.devnet.get()
        let client = try makeClient([node.url])
        let payload = Array(0..<32).map { UInt8($0) }
        let runtime = EVMCode.returning(payload)
        let address = Self.codeAddress(1)
        try await node.rpc.callJSON("anvil_setCode", [address, Hex.encode(runtime)])
        #expect(try await client.code(at: try Address(address)) == runtime)
        #expect(try await client.code(at: try Address("0x00000000000000000000000000000000000000cc")) == [])
        let request = RPCCallRequest(to: try Address(address), data: [0xde, 0xad, 0xbe, 0xef])
        #expect(try await client.call(request) == payload)
        #expect(try await client.call(request, block: .pending) == payload)
        let gas = try await client.estimateGas(request)
        let rawGas = try await node.rpc.callString(
            "eth_estimateGas", [["to": address, "data": "0xdeadbeef"] as [String: Any]])
        #expect(gas == (try RawHex.uint64(rawGas)))
        #expect(gas > 21000)
    }

    @Test func revertsAreDecoded() async throws {
        let node = try await Self.devnet.get()
        let nope = ABICustomError(name: "Nope", inputs: [ABIParameter(name: "code", type: .uint(256))])
        var registry = ABIErrorRegistry()
        registry.register(nope)
        let client = try makeClient([node.url], revertDecoder: registry)

        // Nope(uint256) with 42: keccak("Nope(uint256)")[0..4] ‖ uint256(42).
        let custom = try nope.encode([.uint(42)])
        try await node.rpc.callJSON("anvil_setCode", [Self.codeAddress(2), Hex.encode(EVMCode.reverting(custom))])
        let e1 = await rpcError { try await client.call(RPCCallRequest(to: try Address(Self.codeAddress(2)))) }
        #expect(e1?.code == .rpcReverted)
        #expect(e1?.category == .refused)
        guard case .custom(let decoded, let values)? = e1?.revert?.reason else {
            Issue.record("not a custom error: \(String(describing: e1))")
            return
        }
        #expect(decoded.name == "Nope")
        #expect(values.values == [.uint(42)])
        #expect(e1?.detail.contains("Nope(code: 42)") == true)
        let e1gas = await rpcError {
            try await client.estimateGas(RPCCallRequest(to: try Address(Self.codeAddress(2))))
        }
        #expect(e1gas?.code == .rpcReverted)
        #expect(e1gas?.revert?.data == custom)

        // Error(string) as in the Solidity docs ("Not enough Ether provided.").
        let errorString = try RawHex.bytes(
            "0x08c379a0" + "0000000000000000000000000000000000000000000000000000000000000020"
                + "000000000000000000000000000000000000000000000000000000000000001a"
                + "4e6f7420656e6f7567682045746865722070726f76696465642e000000000000")
        try await node.rpc.callJSON("anvil_setCode", [Self.codeAddress(3), Hex.encode(EVMCode.reverting(errorString))])
        let e2 = await rpcError { try await client.call(RPCCallRequest(to: try Address(Self.codeAddress(3)))) }
        #expect(e2?.revert?.reason == .message("Not enough Ether provided."))

        // Panic(0x11): arithmetic overflow.
        let panic = try RawHex.bytes("0x4e487b71" + String(repeating: "0", count: 62) + "11")
        try await node.rpc.callJSON("anvil_setCode", [Self.codeAddress(4), Hex.encode(EVMCode.reverting(panic))])
        let e3 = await rpcError { try await client.call(RPCCallRequest(to: try Address(Self.codeAddress(4)))) }
        #expect(e3?.revert?.reason == .panic(code: 0x11))
        #expect(e3?.detail.contains("arithmetic overflow or underflow") == true)

        // revert() without data: geth's plain "execution reverted".
        try await node.rpc.callJSON("anvil_setCode", [Self.codeAddress(5), Hex.encode(EVMCode.reverting([]))])
        let e4 = await rpcError { try await client.call(RPCCallRequest(to: try Address(Self.codeAddress(5)))) }
        #expect(e4?.code == .rpcReverted)
        #expect(e4?.revert?.reason == .empty)
        #expect(e4?.detail.contains("reverted without data") == true)
    }

    @Test func logsFromReceiptAndGetLogs() async throws {
        let node = try await Self.devnet.get()
        let client = try makeClient([node.url])
        let topic = Keccak256.hash(utf8: "Ping()")
        let address = Self.codeAddress(6)
        try await node.rpc.callJSON("anvil_setCode", [address, Hex.encode(EVMCode.logging(topic: topic))])
        let hashText = try await node.rpc.callString(
            "eth_sendTransaction",
            [["from": "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266", "to": address, "gas": "0x186a0"] as [String: Any]])
        let receipt = try #require(try await client.receipt(hash: try RawHex.bytes(hashText)))
        #expect(receipt.logs.count == 1)
        #expect(receipt.logs.first?.address == (try Address(address)))
        #expect(receipt.logs.first?.topics == [topic])
        let filter = RPCLogFilter(
            fromBlock: .number(receipt.blockNumber), toBlock: .latest, addresses: [try Address(address)],
            topics: [[topic]])
        let logs = try await client.logs(filter)
        #expect(logs.count == 1)
        #expect(logs.first?.transactionHash == receipt.transactionHash)
        #expect(logs.first?.blockNumber == receipt.blockNumber)
        #expect(logs.first?.blockHash == receipt.blockHash)
        let none = try await client.logs(
            RPCLogFilter(
                fromBlock: .number(receipt.blockNumber), toBlock: .latest, topics: [[Keccak256.hash(utf8: "Other()")]]))
        #expect(none.isEmpty)
    }

    @Test func batchAnswersEachSlotInOneRoundTrip() async throws {
        let node = try await Self.devnet.get()
        let client = try makeClient([node.url])
        let before = client.roundTrips
        let results = try await client.batch([
            .chainId, .blockNumber, .getBalance(try Address("0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266")),
            RPCCall("eth_doesNotExist"),
        ])
        #expect(client.roundTrips == before + 1)
        #expect(client.acceptsBatches(endpoint: 0) == true)
        #expect(try results[0].get() == .string("0x7a69"))
        #expect(try RPCDecode.uint64(try results[1].get(), method: "eth_blockNumber", field: "result") > 0)
        #expect(try RPCDecode.quantity(try results[2].get(), method: "eth_getBalance", field: "result") > 0)
        guard case .failure(let error) = results[3] else {
            Issue.record("eth_doesNotExist succeeded")
            return
        }
        #expect(error.code == .rpcMethodNotFound)
    }

    @Test func chainIdMismatchIsAClearError() async throws {
        let node = try await Self.devnet.get()
        let client = try makeClient([node.url], chainId: 42161)
        let error = await rpcError { try await client.blockNumber() }
        #expect(error?.code == .rpcChainIdMismatch)
        #expect(error?.category == .configuration)
        #expect(error?.detail.contains("expected chain 42161 (Arbitrum One), found chain 31337") == true)
        let again = await rpcError { try await client.batch([.blockNumber]) }
        #expect(again?.code == .rpcChainIdMismatch)
    }

    @Test func failoverToTheSecondURL() async throws {
        let node = try await Self.devnet.get()
        // Port 1 on loopback: nothing listens, the connection is refused.
        let client = try makeClient(["http://127.0.0.1:1", node.url], chainId: 31337)
        #expect(try await client.chainId() == 31337)
        #expect(client.currentEndpoint == 1)
        // A write whose first URL refused the connection never left, so the second URL may take it.
        let writer = try makeClient(["http://127.0.0.1:1", node.url])
        try await node.rpc.fund(ReferenceSignedTransaction.testAddress, wei: "1000000000000000000")
        let nonce = try await writer.transactionCount(of: try Address(ReferenceSignedTransaction.testAddress))
        let signed = try await ReferenceSignedTransaction.sign(
            nonce: nonce, to: "0x00000000000000000000000000000000000000dd")
        let fresh = try makeClient(["http://127.0.0.1:1", node.url])
        #expect(Hex.encode(try await fresh.sendRawTransaction(try RawHex.bytes(signed.raw))) == signed.hash)
    }

    @Test func unreachableEndpointIsRedacted() async throws {
        let client = try makeClient(
            ["http://operator:hunter2secret@127.0.0.1:1/v3/9aa3d95b3bc440fa88ea12eaa4456161"], retry: .none)
        let error = await rpcError { try await client.blockNumber() }
        #expect(error?.code == .rpcUnreachable)
        #expect(error?.category == .unreachable)
        #expect(error?.isRetryable == true)
        let report = "\(error?.title ?? "") \(error?.detail ?? "") \(error?.hint ?? "")"
        #expect(!report.contains("hunter2secret"))
        #expect(!report.contains("9aa3d95b3bc440fa88ea12eaa4456161"))
        #expect(report.contains("127.0.0.1:1"))
    }
}
