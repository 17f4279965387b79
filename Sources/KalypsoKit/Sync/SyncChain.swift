import EthereumKit
import Foundation

/// A block's identity as the sync remembers it.
public struct BlockStamp: Sendable, Hashable {
    public var number: UInt64
    public var hash: [UInt8]
    public var timestamp: UInt64
    /// Arbitrum: the block's `l1BlockNumber` (Generation A's `block.number` in it, spec §6.3); nil elsewhere.
    public var l1Number: UInt64?
    public init(number: UInt64, hash: [UInt8], timestamp: UInt64, l1Number: UInt64? = nil) {
        self.number = number
        self.hash = hash
        self.timestamp = timestamp
        self.l1Number = l1Number
    }
}

/// What the sync needs from a node: the head, block identities, logs and batched getters.
public protocol SyncChain: Sendable {
    func headNumber() async throws(RPCError) -> UInt64
    /// The blocks that exist among `numbers`, in one round trip where the node takes batches.
    func blocks(_ numbers: [UInt64]) async throws(RPCError) -> [UInt64: BlockStamp]
    func logs(from: UInt64, to: UInt64, addresses: [Address], topic0s: [[UInt8]]) async throws(RPCError) -> [RPCLog]
    /// `eth_call`s in one batch; each slot its own result (a revert stays in its slot).
    func calls(_ requests: [RPCCallRequest]) async throws(RPCError) -> [Result<[UInt8], RPCError>]
}

/// ``SyncChain`` over the project's JSON-RPC client (batches, retries, rate limits, failover).
public struct RPCSyncChain: SyncChain {
    public let client: JSONRPCClient

    public init(client: JSONRPCClient) {
        self.client = client
    }

    public func headNumber() async throws(RPCError) -> UInt64 { try await client.blockNumber() }

    public func blocks(_ numbers: [UInt64]) async throws(RPCError) -> [UInt64: BlockStamp] {
        let unique = Array(Set(numbers)).sorted()
        // One block: a plain call. (A one-element batch takes the client's single-call path, which traps in
        // release builds of this toolchain; see the branch report.)
        if unique.count == 1 {
            guard let block = try await client.block(.number(unique[0])) else { return [:] }
            return [
                block.number: BlockStamp(
                    number: block.number, hash: block.hash, timestamp: block.timestamp, l1Number: block.l1BlockNumber)
            ]
        }
        let results = try await client.batch(
            unique.map { RPCCall("eth_getBlockByNumber", [.quantity($0), .bool(false)]) })
        var out: [UInt64: BlockStamp] = [:]
        for (number, result) in zip(unique, results) {
            let value = try result.get()
            if value.isNull { continue }
            let m = "eth_getBlockByNumber"
            let hash = try RPCDecode.data(value["hash"], method: m, field: "hash", length: 32)
            let time = try RPCDecode.uint64(value["timestamp"], method: m, field: "timestamp")
            var l1: UInt64?
            if let x = value["l1BlockNumber"], !x.isNull {
                l1 = try RPCDecode.uint64(x, method: m, field: "l1BlockNumber")
            }
            out[number] = BlockStamp(number: number, hash: hash, timestamp: time, l1Number: l1)
        }
        return out
    }

    public func logs(from: UInt64, to: UInt64, addresses: [Address], topic0s: [[UInt8]]) async throws(RPCError)
        -> [RPCLog]
    {
        try await client.logs(
            RPCLogFilter(fromBlock: .number(from), toBlock: .number(to), addresses: addresses, topics: [topic0s]))
    }

    public func calls(_ requests: [RPCCallRequest]) async throws(RPCError) -> [Result<[UInt8], RPCError>] {
        if requests.isEmpty { return [] }
        if requests.count == 1 {
            do {
                return [.success(try await client.call(requests[0]))]
            } catch  where error.code == .rpcReverted {
                return [.failure(error)]
            }
        }
        return try await client.calls(requests)
    }
}
