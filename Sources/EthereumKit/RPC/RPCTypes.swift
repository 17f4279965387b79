import BigInt

/// Which block a read looks at.
public enum BlockTag: Sendable, Hashable, CustomStringConvertible {
    case latest
    case pending
    case safe
    case finalized
    case earliest
    case number(UInt64)

    public var rpcValue: RPCValue {
        switch self {
        case .latest: return .string("latest")
        case .pending: return .string("pending")
        case .safe: return .string("safe")
        case .finalized: return .string("finalized")
        case .earliest: return .string("earliest")
        case .number(let n): return .quantity(n)
        }
    }

    public var description: String {
        if case .number(let n) = self { return "block \(n)" }
        if case .string(let s) = rpcValue { return s }
        return "?"
    }
}

/// A message call for `eth_call` and `eth_estimateGas`.
public struct RPCCallRequest: Sendable, Hashable {
    public var from: Address?
    public var to: Address?
    public var data: [UInt8]
    public var value: BigUInt?
    public var gas: UInt64?
    /// Legacy gas price, or EIP-1559 fees; leave all nil to let the node choose.
    public var gasPrice: BigUInt?
    public var maxFeePerGas: BigUInt?
    public var maxPriorityFeePerGas: BigUInt?

    public init(
        from: Address? = nil, to: Address?, data: [UInt8] = [], value: BigUInt? = nil, gas: UInt64? = nil,
        gasPrice: BigUInt? = nil, maxFeePerGas: BigUInt? = nil, maxPriorityFeePerGas: BigUInt? = nil
    ) {
        self.from = from
        self.to = to
        self.data = data
        self.value = value
        self.gas = gas
        self.gasPrice = gasPrice
        self.maxFeePerGas = maxFeePerGas
        self.maxPriorityFeePerGas = maxPriorityFeePerGas
    }

    public var rpcValue: RPCValue {
        var o: [String: RPCValue] = [:]
        if let from { o["from"] = .address(from) }
        if let to { o["to"] = .address(to) }
        // `input` is the current name, `data` the one older nodes know; geth accepts both when equal.
        o["input"] = .data(data)
        o["data"] = .data(data)
        if let value { o["value"] = .quantity(value) }
        if let gas { o["gas"] = .quantity(gas) }
        if let gasPrice { o["gasPrice"] = .quantity(gasPrice) }
        if let maxFeePerGas { o["maxFeePerGas"] = .quantity(maxFeePerGas) }
        if let maxPriorityFeePerGas { o["maxPriorityFeePerGas"] = .quantity(maxPriorityFeePerGas) }
        return .object(o)
    }
}

/// An `eth_getLogs` filter.
public struct RPCLogFilter: Sendable, Hashable {
    public var fromBlock: BlockTag
    public var toBlock: BlockTag
    /// Contracts to match (any of them); empty matches every contract.
    public var addresses: [Address]
    /// Per topic position: nil matches anything, otherwise any of the listed 32-byte values.
    public var topics: [[[UInt8]]?]

    public init(fromBlock: BlockTag, toBlock: BlockTag, addresses: [Address] = [], topics: [[[UInt8]]?] = []) {
        self.fromBlock = fromBlock
        self.toBlock = toBlock
        self.addresses = addresses
        self.topics = topics
    }

    public var rpcValue: RPCValue {
        var o: [String: RPCValue] = ["fromBlock": fromBlock.rpcValue, "toBlock": toBlock.rpcValue]
        if addresses.count == 1 {
            o["address"] = .address(addresses[0])
        } else if !addresses.isEmpty {
            o["address"] = .array(addresses.map(RPCValue.address))
        }
        if !topics.isEmpty {
            o["topics"] = .array(
                topics.map { position in
                    guard let position else { return .null }
                    return position.count == 1 ? .data(position[0]) : .array(position.map(RPCValue.data))
                })
        }
        return .object(o)
    }
}

/// A log entry of a receipt or of `eth_getLogs`.
public struct RPCLog: Sendable, Hashable {
    public var address: Address
    public var topics: [[UInt8]]
    public var data: [UInt8]
    /// Nil for a log of a pending block.
    public var blockNumber: UInt64?
    public var blockHash: [UInt8]?
    public var transactionHash: [UInt8]?
    public var transactionIndex: UInt64?
    public var logIndex: UInt64?
    /// True when a reorg removed the log (only in filter subscriptions).
    public var removed: Bool

    public init(
        address: Address, topics: [[UInt8]], data: [UInt8], blockNumber: UInt64?, blockHash: [UInt8]?,
        transactionHash: [UInt8]?, transactionIndex: UInt64?, logIndex: UInt64?, removed: Bool
    ) {
        self.address = address
        self.topics = topics
        self.data = data
        self.blockNumber = blockNumber
        self.blockHash = blockHash
        self.transactionHash = transactionHash
        self.transactionIndex = transactionIndex
        self.logIndex = logIndex
        self.removed = removed
    }

    /// The `result` of `eth_getLogs` read from a generic value (the path of answers ``RPCLogReader`` leaves).
    static func decodeList(_ v: RPCValue, method: String, endpoint: String) throws(RPCError) -> [RPCLog] {
        guard case .array(let raw) = v else {
            throw RPCDecode.malformed(method, "result", endpoint, "expected an array, found \(v.excerpt)")
        }
        var out: [RPCLog] = []
        out.reserveCapacity(raw.count)
        for (i, l) in raw.enumerated() {
            out.append(try RPCLog.decode(l, method: method, field: "result[\(i)]", endpoint: endpoint))
        }
        return out
    }

    static func decode(_ v: RPCValue, method: String, field: String, endpoint: String) throws(RPCError) -> RPCLog {
        guard case .object = v else {
            throw RPCDecode.malformed(method, field, endpoint, "expected a log object, found \(v.excerpt)")
        }
        let f = { (name: String) in "\(field).\(name)" }
        var topics: [[UInt8]] = []
        guard case .array(let rawTopics)? = v["topics"] else {
            throw RPCDecode.malformed(method, f("topics"), endpoint, "expected an array")
        }
        for (i, t) in rawTopics.enumerated() {
            topics.append(
                try RPCDecode.data(t, method: method, field: f("topics[\(i)]"), endpoint: endpoint, length: 32))
        }
        var removed = false
        if case .bool(let b)? = v["removed"] { removed = b }
        return RPCLog(
            address: try RPCDecode.address(v["address"], method: method, field: f("address"), endpoint: endpoint),
            topics: topics,
            data: try RPCDecode.data(v["data"], method: method, field: f("data"), endpoint: endpoint),
            blockNumber: try RPCDecode.optional(v["blockNumber"]) { (x) throws(RPCError) in
                try RPCDecode.uint64(x, method: method, field: f("blockNumber"), endpoint: endpoint)
            },
            blockHash: try RPCDecode.optional(v["blockHash"]) { (x) throws(RPCError) in
                try RPCDecode.data(x, method: method, field: f("blockHash"), endpoint: endpoint, length: 32)
            },
            transactionHash: try RPCDecode.optional(v["transactionHash"]) { (x) throws(RPCError) in
                try RPCDecode.data(x, method: method, field: f("transactionHash"), endpoint: endpoint, length: 32)
            },
            transactionIndex: try RPCDecode.optional(v["transactionIndex"]) { (x) throws(RPCError) in
                try RPCDecode.uint64(x, method: method, field: f("transactionIndex"), endpoint: endpoint)
            },
            logIndex: try RPCDecode.optional(v["logIndex"]) { (x) throws(RPCError) in
                try RPCDecode.uint64(x, method: method, field: f("logIndex"), endpoint: endpoint)
            },
            removed: removed)
    }
}

/// A transaction receipt (`eth_getTransactionReceipt`).
public struct RPCReceipt: Sendable, Hashable {
    public var transactionHash: [UInt8]
    public var transactionIndex: UInt64
    public var blockHash: [UInt8]
    public var blockNumber: UInt64
    public var from: Address
    public var to: Address?
    /// 1 success, 0 reverted (post-Byzantium receipts always have it).
    public var status: UInt64?
    public var gasUsed: UInt64
    public var cumulativeGasUsed: UInt64
    public var effectiveGasPrice: BigUInt?
    public var contractAddress: Address?
    public var logs: [RPCLog]
    public var type: UInt64?
    /// Arbitrum: the L1 block number that `block.number` returned inside this transaction (spec §6.3).
    public var l1BlockNumber: UInt64?

    public var succeeded: Bool { status == 1 }
}

/// A transaction as the node reports it (`eth_getTransactionByHash`).
public struct RPCTransaction: Sendable, Hashable {
    public var hash: [UInt8]
    public var nonce: UInt64
    public var from: Address
    public var to: Address?
    public var value: BigUInt
    public var input: [UInt8]
    public var gas: UInt64
    public var gasPrice: BigUInt?
    public var maxFeePerGas: BigUInt?
    public var maxPriorityFeePerGas: BigUInt?
    public var type: UInt64?
    public var chainId: UInt64?
    /// Nil while pending.
    public var blockNumber: UInt64?
    public var blockHash: [UInt8]?
    public var transactionIndex: UInt64?

    public var isPending: Bool { blockNumber == nil }
}

/// A block header with its transaction hashes (`eth_getBlockByNumber(n, false)`).
public struct RPCBlock: Sendable, Hashable {
    public var number: UInt64
    public var hash: [UInt8]
    public var parentHash: [UInt8]
    public var timestamp: UInt64
    public var gasLimit: UInt64
    public var gasUsed: UInt64
    /// Nil before London or on chains without EIP-1559.
    public var baseFeePerGas: BigUInt?
    public var miner: Address?
    public var transactionHashes: [[UInt8]]
    /// Arbitrum: the L1 block number this L2 block was assigned (what `block.number` returns in it).
    public var l1BlockNumber: UInt64?
}

/// `eth_feeHistory`: base fees and priority-fee percentiles of recent blocks.
public struct RPCFeeHistory: Sendable, Hashable {
    public var oldestBlock: UInt64
    /// One more entry than blocks: the last is the next block's base fee.
    public var baseFeePerGas: [BigUInt]
    /// Fullness of each block, 0…1 (a ratio, not an amount).
    public var gasUsedRatio: [Double]
    /// Per block, the requested percentiles of effective priority fees (empty when none were asked).
    public var reward: [[BigUInt]]
}
