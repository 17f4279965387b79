import BigInt
import EthereumKit
import Foundation
import KalypsoStore
import Testing

@testable import KalypsoKit

/// Ids, block numbers and log indexes past 2^63 − 1 (what the cache's columns hold) from a hostile or odd
/// chain: the sync stops with a clear `sync.unstorable` error naming the value and where it came from, keeps
/// what it had, and never traps. Values up to 2^63 − 1 are stored as they are.
struct SyncHostileValuesTests {
    static let marketplace = Address(bytes: [UInt8](repeating: 0xaa, count: 20)) ?? .zero
    static let registry = Address(bytes: [UInt8](repeating: 0xbb, count: 20)) ?? .zero

    /// A chain of `head` blocks whose logs and getter answers the test chooses.
    struct Chain: SyncChain {
        var head: UInt64
        var logs: [RPCLog] = []
        /// Answers the `eth_call`s of a batch; nil: every call reverts.
        var answer: (@Sendable (RPCCallRequest) -> [UInt8]?)?

        func headNumber() async throws(RPCError) -> UInt64 { head }
        func blocks(_ numbers: [UInt64]) async throws(RPCError) -> [UInt64: BlockStamp] {
            var out: [UInt64: BlockStamp] = [:]
            for n in numbers where n <= head {
                out[n] = BlockStamp(number: n, hash: Self.hash(n), timestamp: 1_700_000_000 &+ n % 1_000_000)
            }
            return out
        }
        func logs(from: UInt64, to: UInt64, addresses: [Address], topic0s: [[UInt8]]) async throws(RPCError)
            -> [RPCLog]
        {
            logs.filter { ($0.blockNumber ?? 0) >= from && ($0.blockNumber ?? 0) <= to }
        }
        func calls(_ requests: [RPCCallRequest]) async throws(RPCError) -> [Result<[UInt8], RPCError>] {
            requests.map { request in
                if let data = answer?(request) { return .success(data) }
                return .failure(
                    RPCError(code: .rpcReverted, method: "eth_call", endpoint: "test", message: "execution reverted"))
            }
        }
        static func hash(_ n: UInt64) -> [UInt8] {
            withUnsafeBytes(of: n.bigEndian) { [UInt8](repeating: 0xcc, count: 24) + $0 }
        }
    }

    static func contracts() throws -> SyncContracts {
        try SyncContracts(generation: .b, addresses: [.proofMarketplace: marketplace, .registry: registry])
    }

    static func log(_ event: String, _ values: [ABIValue], block: UInt64, logIndex: UInt64 = 0) throws -> RPCLog {
        let contracts = try contracts()
        let found = try #require(contracts.events.values.first { $0.1.name == event })
        let (topics, data) = try found.1.encodeLog(values)
        return RPCLog(
            address: found.0 == .proofMarketplace ? marketplace : registry, topics: topics, data: data,
            blockNumber: block, blockHash: Chain.hash(block), transactionHash: [UInt8](repeating: 0x7e, count: 32),
            transactionIndex: 0, logIndex: logIndex, removed: false)
    }

    static func bidCreated(_ id: BigUInt, block: UInt64) throws -> RPCLog {
        try log("BidCreated", [.uint(id), .bool(false), .bytes([]), .bytes([]), .bytes([])], block: block)
    }

    /// Runs a one-shot sync over `chain` into a fresh cache; returns the cache, its network and the outcome.
    static func sync(_ chain: Chain, startBlock: UInt64 = 1, readGetters: Bool = false) async throws
        -> (ChainCache, Int64, Result<SyncStatus, any Error>)
    {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("hostile-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let cache = ChainCache(database: try KalypsoDatabase(path: dir.appendingPathComponent("cache.sqlite").path))
        var options = SyncOptions()
        options.readGetters = readGetters
        options.retryDelay = .milliseconds(1)
        let sync = try ChainSync(
            chain: chain, cache: cache, contracts: try contracts(), chainId: 31337, startBlock: startBlock,
            operatorAddress: nil, options: options)
        let network = try cache.networkId(for: sync.key)
        do {
            return (cache, network, .success(try await sync.run()))
        } catch {
            return (cache, network, .failure(error))
        }
    }

    static func expectUnstorable(_ result: Result<SyncStatus, any Error>, mentioning words: [String]) {
        guard case .failure(let error) = result else {
            Issue.record("the sync succeeded")
            return
        }
        let sync = error as? SyncError
        #expect(sync?.code == .syncUnstorable, "\(error)")
        #expect(sync?.category == .configuration)
        for w in words { #expect(sync?.detail.contains(w) == true, "\(sync?.detail ?? "") lacks \(w)") }
    }

    @Test func eventIdsPastTheCacheAreAClearErrorAndTheRangeIsNotWritten() async throws {
        let ids: [(BigUInt, String)] = [
            (BigUInt(1) << 64 + 5, "18446744073709551621"),  // past UInt64: used to trap in UInt64(BigUInt)
            (BigUInt(Int64.max) + 1, "9223372036854775808"),  // fits UInt64, not the cache's Int64
            ((BigUInt(1) << 256) - 1, String((BigUInt(1) << 256) - 1)),
        ]
        for (id, text) in ids {
            var chain = Chain(head: 40)
            chain.logs = [try Self.bidCreated(1, block: 3), try Self.bidCreated(id, block: 9)]
            let (cache, network, result) = try await Self.sync(chain)
            Self.expectUnstorable(result, mentioning: [text, "job id", "BidCreated", "block 9"])
            // The range holding the bad log is not half-written: the job of block 3 shares it.
            #expect(try cache.jobs(network: network).isEmpty)
            #expect(try cache.progress(network: network).isEmpty)
        }
        // Market ids too (MarketplaceCreated and the membership events).
        var chain = Chain(head: 20)
        chain.logs = [try Self.log("MarketplaceCreated", [.uint(BigUInt(1) << 70)], block: 4)]
        Self.expectUnstorable(
            try await Self.sync(chain).2, mentioning: [String(BigUInt(1) << 70), "market id", "MarketplaceCreated"])
        chain.logs = [
            try Self.log(
                "ProverJoinedMarketplace",
                [.address(Self.registry), .uint(BigUInt(1) << 64), .uint(1), .uint(1)], block: 4)
        ]
        Self.expectUnstorable(try await Self.sync(chain).2, mentioning: ["market id", "ProverJoinedMarketplace"])
    }

    /// `listOfBid` answering market `market`, created (state 1), unassigned.
    static func answeringListOfBid(market: BigUInt) throws -> @Sendable (RPCCallRequest) -> [UInt8]? {
        let listOfBid = try contracts().jobGetter(0).1
        return { request in
            guard request.data.starts(with: listOfBid.selector) else { return nil }
            return try? listOfBid.encodeOutput([
                .tuple([.uint(market), .uint(1), .uint(100), .uint(10), .uint(0), .address(.zero), .bytes([])]),
                .uint(1), .address(Self.registry), .address(.zero),
            ])
        }
    }

    @Test func theLargestStorableIdIsStoredAsItIs() async throws {
        var chain = Chain(head: 12)
        chain.logs = [try Self.bidCreated(BigUInt(Int64.max), block: 5)]
        chain.answer = try Self.answeringListOfBid(market: BigUInt(Int64.max))
        let (cache, network, result) = try await Self.sync(chain, readGetters: true)
        _ = try result.get()
        let jobs = try cache.jobs(network: network)
        #expect(jobs.map(\.jobId) == [Int64.max])
        #expect(jobs.map(\.marketId) == [Int64.max])
    }

    @Test func aGetterAnsweringAMarketIdPastTheCacheIsAClearError() async throws {
        var chain = Chain(head: 12)
        chain.logs = [try Self.bidCreated(3, block: 5)]
        chain.answer = try Self.answeringListOfBid(market: BigUInt(1) << 100)
        let (cache, network, result) = try await Self.sync(chain, readGetters: true)
        Self.expectUnstorable(result, mentioning: [String(BigUInt(1) << 100), "market id of job 3"])
        #expect(try cache.jobs(network: network).isEmpty)
    }

    @Test func blockNumbersAndLogIndexesPastTheCacheAreAClearError() async throws {
        // A head past 2^63 − 1: the range that reaches it is refused, the ranges before it are kept.
        let top = UInt64(Int64.max)
        let (cache, network, result) = try await Self.sync(Chain(head: top + 3), startBlock: top - 10)
        Self.expectUnstorable(result, mentioning: ["block number"])
        #expect(try cache.progress(network: network).isEmpty)
        // A log index past 2^63 − 1.
        var chain = Chain(head: 12)
        chain.logs = [try Self.log("MarketplaceCreated", [.uint(1)], block: 5, logIndex: top + 1)]
        Self.expectUnstorable(try await Self.sync(chain).2, mentioning: ["log index", String(top + 1)])
        // A chain id past it is refused before anything is read.
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("hostile-\(UUID().uuidString).sqlite")
        #expect(throws: SyncError.self) {
            try ChainSync(
                chain: Chain(head: 1), cache: ChainCache(database: try KalypsoDatabase(path: dir.path)),
                contracts: try Self.contracts(), chainId: top + 1, startBlock: 0, operatorAddress: nil)
        }
    }

    /// A node answering a log outside the range asked for is refused (no block number is trusted blindly).
    @Test func aLogOutsideItsRangeIsRefused() async throws {
        struct Stray: SyncChain {
            let inner: Chain
            func headNumber() async throws(RPCError) -> UInt64 { try await inner.headNumber() }
            func blocks(_ n: [UInt64]) async throws(RPCError) -> [UInt64: BlockStamp] { try await inner.blocks(n) }
            func logs(from: UInt64, to: UInt64, addresses: [Address], topic0s: [[UInt8]]) async throws(RPCError)
                -> [RPCLog]
            {
                inner.logs
            }
            func calls(_ r: [RPCCallRequest]) async throws(RPCError) -> [Result<[UInt8], RPCError>] {
                try await inner.calls(r)
            }
        }
        var chain = Chain(head: 12)
        chain.logs = [try Self.bidCreated(1, block: UInt64.max)]
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("hostile-\(UUID().uuidString).sqlite")
        let cache = ChainCache(database: try KalypsoDatabase(path: dir.path))
        var options = SyncOptions()
        options.readGetters = false
        options.retryDelay = .milliseconds(1)
        options.maxRetries = 1
        let sync = try ChainSync(
            chain: Stray(inner: chain), cache: cache, contracts: try Self.contracts(), chainId: 31337, startBlock: 1,
            operatorAddress: nil, options: options)
        let error = await #expect(throws: SyncError.self) { try await sync.run() }
        #expect(error?.detail.contains("\(UInt64.max)") == true, "\(String(describing: error))")
        #expect(try cache.jobs(network: try cache.networkId(for: sync.key)).isEmpty)
    }
}
