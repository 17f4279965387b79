import Foundation
import TestSupport
import Testing

/// The test devnet helper itself: a node starts once per suite, answers, and its dev RPC helpers work.
@Suite(.serialized)
struct DevnetHelperTests {
    static let devnet = SharedDevnet { try await DevnetNode.start() }

    @Test func nodeStartsOnceAndAnswers() async throws {
        let first = try await Self.devnet.get()
        let second = try await Self.devnet.get()
        #expect(first === second)
        #expect(first.url.hasPrefix("http://127.0.0.1:"))
        #expect(first.chainId == 31337)
        let chainId = try await first.rpc.callString("eth_chainId")
        #expect(chainId == "0x7a69")
    }

    @Test func snapshotMineRevert() async throws {
        let rpc = try await Self.devnet.get().rpc
        let snapshot = try await rpc.snapshot()
        let before = try await rpc.blockNumber()
        try await rpc.mine()
        try await rpc.mine()
        #expect(try await rpc.blockNumber() == before + 2)
        try await rpc.revert(to: snapshot)
        #expect(try await rpc.blockNumber() == before)
    }

    @Test func fundCreditsTheAccount() async throws {
        let rpc = try await Self.devnet.get().rpc
        let address = "0x00000000000000000000000000000000000000f1"
        let before = try await rpc.callString("eth_getBalance", [address, "latest"])
        try await rpc.fund(address, wei: "1000000000000000000000")  // 1000 ETH = 0x3635c9adc5dea00000
        let after = try await rpc.callString("eth_getBalance", [address, "latest"])
        #expect(before == "0x0")
        #expect(after == "0x3635c9adc5dea00000")
    }

    @Test func automineOffKeepsTransactionsPendingUntilMined() async throws {
        let rpc = try await Self.devnet.get().rpc
        let before = try await rpc.blockNumber()
        try await rpc.setAutomine(false)
        let tx: [String: Any] = [
            "from": "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266",
            "to": "0x00000000000000000000000000000000000000f2", "value": "0x1",
        ]
        let hash = try await rpc.callString("eth_sendTransaction", [tx])
        let pending = try await rpc.callJSON("eth_getTransactionReceipt", [hash])
        #expect(pending == "null")
        #expect(try await rpc.blockNumber() == before)
        try await rpc.mine()
        try await rpc.setAutomine(true)
        let mined = try await rpc.callJSON("eth_getTransactionReceipt", [hash])
        #expect(mined.contains(hash))
        // Mined in the block evm_mine made, the first after the pause.
        let receipt = try JSONSerialization.jsonObject(with: Data(mined.utf8)) as? [String: Any]
        #expect(receipt?["blockNumber"] as? String == "0x" + String(before + 1, radix: 16))
    }

    @Test func increaseTimeMovesTheNextBlock() async throws {
        let rpc = try await Self.devnet.get().rpc
        func latestTimestamp() async throws -> UInt64 {
            let block = try await rpc.callJSON("eth_getBlockByNumber", ["latest", false])
            let object = try JSONSerialization.jsonObject(with: Data(block.utf8)) as? [String: Any]
            let hex = try #require(object?["timestamp"] as? String)
            return try #require(UInt64(hex.dropFirst(2), radix: 16))
        }
        let before = try await latestTimestamp()
        try await rpc.increaseTime(7200)
        try await rpc.mine()
        #expect(try await latestTimestamp() >= before + 7200)
    }
}
