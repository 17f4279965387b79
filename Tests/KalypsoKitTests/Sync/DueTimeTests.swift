import EthereumKit
import Foundation
import KalypsoStore
import Testing

@testable import KalypsoKit

/// Gen A due times on Arbitrum: `block.number` is L1's (spec §6.3), so the countdown starts from the last indexed
/// block's `l1BlockNumber` at 12 s per L1 block.
struct DueTimeTests {
    static func job(due: Int64, unit: String) -> CachedJob {
        CachedJob(
            jobId: 1, marketId: 0, state: 3, reward: "1", expiry: due + 50, timeForProof: 10, deadline: due,
            deadlineUnit: unit, requester: "0x" + String(repeating: "11", count: 20), prover: nil,
            hasPrivateInputs: false, outcome: nil, createdBlock: 1, createdTx: "0xaa", assignedBlock: nil,
            assignedTx: nil, outcomeBlock: nil, outcomeTx: nil, refreshedBlock: 1)
    }

    @Test func arbitrumBlockDeadlinesCountInL1Blocks() {
        let progress = SyncProgress(
            contract: "proofMarketplace", startBlock: 0, lastBlock: 250_000_000, lastHash: "0x", headBlock: 250_000_000,
            headTime: 1_700_000_000, updatedAt: 0, headL1Block: 20_000_000)
        let due = DueTime(progress: progress, secondsPerBlock: 0.25, chainId: 42161)
        // 100 L1 blocks ahead is 1 200 s, whatever the L2 block number says.
        #expect(due.wallTime(Self.job(due: 20_000_100, unit: "block")) == 1_700_001_200)
        #expect(due.wallTime(Self.job(due: 19_999_990, unit: "block")) == 1_699_999_880)
        // Seconds stay seconds.
        #expect(due.wallTime(Self.job(due: 1_700_000_500, unit: "second")) == 1_700_000_500)
        // Without an L1 number an Arbitrum chain gets no estimate (an L2 one would be ~50 times off).
        var unknown = progress
        unknown.headL1Block = nil
        #expect(
            DueTime(progress: unknown, secondsPerBlock: 0.25, chainId: 42161).wallTime(Self.job(due: 5, unit: "block"))
                == nil)
        // Off Arbitrum the chain's own blocks are used.
        let l1 = DueTime(
            referenceBlock: 100, referenceTime: 1_000, secondsPerBlock: 12, chainId: 1, referenceL1Block: nil)
        #expect(l1.wallTime(Self.job(due: 110, unit: "block")) == 1_120)
    }

    @Test func offArbitrumTheCachesRecentBlocksGiveThePaceAndTooFewGiveNoEstimate() {
        let progress = SyncProgress(
            contract: "generatorRegistry", startBlock: 0, lastBlock: 1_000, lastHash: "0x", headBlock: 1_000,
            headTime: 50_000, updatedAt: 0, headL1Block: nil)
        // Blocks 990…1000 took 20 s: 2 s per block, so block 1 030 is due 60 s after block 1 000's time.
        let blocks = (990...1_000).map {
            CachedBlock(number: Int64($0), hash: "0x\($0)", timestamp: 48_000 + 2 * Int64($0))
        }
        let measured = DueTime(progress: progress, recentBlocks: blocks, chainId: 11_155_111)
        #expect(measured.secondsPerBlock == 2)
        #expect(measured.wallTime(Self.job(due: 1_030, unit: "block")) == 50_060)
        // One block (or none) tells no pace: no wall time rather than one at a guessed pace.
        for few in [[], Array(blocks.prefix(1))] {
            let unknown = DueTime(progress: progress, recentBlocks: few, chainId: 11_155_111)
            #expect(unknown.wallTime(Self.job(due: 1_030, unit: "block")) == nil)
            #expect(unknown.wallTime(Self.job(due: 60_000, unit: "second")) == 60_000)
        }
    }

    static let head: UInt64 = 0x40

    /// Block `n` of the scripted chain: 1 s per L2 block, 4 L2 blocks per L1 block.
    static func block(_ n: UInt64) -> RPCValue {
        .object([
            "number": .quantity(n), "hash": .data([UInt8](repeating: UInt8(n & 0xff), count: 32)),
            "parentHash": .data([UInt8](repeating: UInt8((n &- 1) & 0xff), count: 32)),
            "timestamp": .quantity(1_700_000_000 + n), "gasLimit": .quantity(UInt64(30_000_000)),
            "gasUsed": .quantity(UInt64(0)), "transactions": .array([]),
            "l1BlockNumber": .quantity(20_000_000 + n / 4),
        ])
    }

    static func answer(_ request: RPCValue) -> RPCValue {
        guard case .string(let method)? = request["method"], case .array(let params)? = request["params"] else {
            return .null
        }
        let result: RPCValue
        switch method {
        case "eth_chainId": result = .quantity(UInt64(42161))
        case "eth_blockNumber": result = .quantity(head)
        case "eth_getBlockByNumber":
            guard case .string(let tag) = params[0], let n = UInt64(tag.dropFirst(2), radix: 16) else { return .null }
            result = block(n)
        case "eth_getLogs": result = .array([])
        case "eth_call": result = .data([UInt8](repeating: 0, count: 32))
        default: result = .null
        }
        return .object(["jsonrpc": .string("2.0"), "id": request["id"] ?? .null, "result": result])
    }

    /// A scripted Arbitrum-like node (blocks carry `l1BlockNumber`): the sync records the last indexed block's
    /// L1 number in the cache, and the due time read from the cache counts from it.
    @Test func theSyncRecordsTheL1BlockNumberOfArbitrumBlocks() async throws {
        let head = Self.head
        let transport = ScriptedRPCTransport { body, _ in
            let request = try RPCValue.parse(String(decoding: body, as: UTF8.self))
            if case .array(let items) = request {
                return ScriptedRPCTransport.json(RPCValue.array(items.map(Self.answer)).jsonText)
            }
            return ScriptedRPCTransport.json(Self.answer(request).jsonText)
        }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("due-time-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let cache = ChainCache(database: try KalypsoDatabase(path: dir.appendingPathComponent("cache.sqlite").path))
        let contracts = try SyncContracts(
            generation: .a,
            addresses: [
                .proofMarketplace: try Address("0x" + String(repeating: "aa", count: 20)),
                .registry: try Address("0x" + String(repeating: "bb", count: 20)),
            ])
        var options = SyncOptions()
        options.initialRange = 16
        let sync = try ChainSync(
            chain: RPCSyncChain(client: JSONRPCClient(transports: [transport])), cache: cache, contracts: contracts,
            chainId: 42161, startBlock: 1, operatorAddress: nil, options: options)
        let status = try await sync.run()
        #expect(status.lastIndexed == head)
        let network = try cache.networkId(for: sync.key)
        let progress = try #require(try cache.progress(network: network).first)
        #expect(progress.lastBlock == Int64(head))
        #expect(progress.headTime == 1_700_000_000 + Int64(head))
        #expect(progress.headL1Block == 20_000_000 + Int64(head / 4))
        let due = DueTime(progress: progress, secondsPerBlock: 0.25, chainId: 42161)
        // Ten L1 blocks after the last indexed block's L1 number: 120 s after its time.
        let expected: Int64 = 1_700_000_064 + 120
        let wall = due.wallTime(Self.job(due: 20_000_016 + 10, unit: "block"))
        #expect(wall == expected)
    }
}
