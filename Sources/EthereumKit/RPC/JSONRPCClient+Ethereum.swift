import BigInt

/// Request builders for the typed calls, for use in batches (`client.batch([.ethCall(…), .getBalance(…)])`).
extension RPCCall {
    public static func ethCall(_ request: RPCCallRequest, block: BlockTag = .latest) -> RPCCall {
        RPCCall("eth_call", [request.rpcValue, block.rpcValue])
    }

    public static func getBalance(_ address: Address, block: BlockTag = .latest) -> RPCCall {
        RPCCall("eth_getBalance", [.address(address), block.rpcValue])
    }

    public static func getTransactionCount(_ address: Address, block: BlockTag = .pending) -> RPCCall {
        RPCCall("eth_getTransactionCount", [.address(address), block.rpcValue])
    }

    public static func getCode(_ address: Address, block: BlockTag = .latest) -> RPCCall {
        RPCCall("eth_getCode", [.address(address), block.rpcValue])
    }

    public static let blockNumber = RPCCall("eth_blockNumber")
    public static let chainId = RPCCall("eth_chainId")
}

/// The typed Ethereum calls. Quantities are parsed strictly; a malformed answer is an
/// ``ErrorCode/rpcMalformedResponse`` naming the method and the field.
extension JSONRPCClient {
    private var answeringEndpoint: String { endpoints[currentEndpoint] }

    /// `eth_chainId`.
    public func chainId() async throws(RPCError) -> UInt64 {
        try RPCDecode.uint64(
            await call("eth_chainId"), method: "eth_chainId", field: "result", endpoint: answeringEndpoint)
    }

    /// `eth_blockNumber`.
    public func blockNumber() async throws(RPCError) -> UInt64 {
        try RPCDecode.uint64(
            await call("eth_blockNumber"), method: "eth_blockNumber", field: "result", endpoint: answeringEndpoint)
    }

    /// `eth_getBalance` in wei.
    public func balance(of address: Address, block: BlockTag = .latest) async throws(RPCError) -> BigUInt {
        let c = RPCCall.getBalance(address, block: block)
        return try RPCDecode.quantity(
            await call(c.method, c.params), method: c.method, field: "result", endpoint: answeringEndpoint)
    }

    /// `eth_call`: the return data, or ``ErrorCode/rpcReverted`` with the decoded revert.
    public func call(_ request: RPCCallRequest, block: BlockTag = .latest) async throws(RPCError) -> [UInt8] {
        let c = RPCCall.ethCall(request, block: block)
        return try RPCDecode.data(
            await call(c.method, c.params), method: c.method, field: "result", endpoint: answeringEndpoint)
    }

    /// Several `eth_call`s in one batch (one round trip where the node takes batches); each slot
    /// holds its return data or its own error (a revert decoded like a single call's).
    public func calls(_ requests: [RPCCallRequest], block: BlockTag = .latest) async throws(RPCError)
        -> [Result<[UInt8], RPCError>]
    {
        let results = try await batch(requests.map { RPCCall.ethCall($0, block: block) })
        let endpoint = answeringEndpoint
        return results.map { r in
            r.flatMap { v in
                Result { () throws(RPCError) in
                    try RPCDecode.data(v, method: "eth_call", field: "result", endpoint: endpoint)
                }
            }
        }
    }

    /// `eth_estimateGas` (a revert is ``ErrorCode/rpcReverted`` with the decoded reason).
    public func estimateGas(_ request: RPCCallRequest, block: BlockTag? = nil) async throws(RPCError) -> UInt64 {
        var params = [request.rpcValue]
        if let block { params.append(block.rpcValue) }
        return try RPCDecode.uint64(
            await call("eth_estimateGas", params), method: "eth_estimateGas", field: "result",
            endpoint: answeringEndpoint)
    }

    /// `eth_feeHistory` over `blockCount` blocks up to `newest`, with priority-fee `percentiles` (0…100).
    public func feeHistory(blockCount: UInt64, newest: BlockTag = .latest, percentiles: [Double] = [])
        async throws(RPCError) -> RPCFeeHistory
    {
        let m = "eth_feeHistory"
        let v = try await call(
            m,
            [.quantity(blockCount), newest.rpcValue, .array(percentiles.map { .number(Self.percentileText($0)) })])
        let e = answeringEndpoint
        guard case .object = v else {
            throw RPCDecode.malformed(m, "result", e, "expected an object, found \(v.excerpt)")
        }
        let oldest = try RPCDecode.uint64(v["oldestBlock"], method: m, field: "oldestBlock", endpoint: e)
        guard case .array(let fees)? = v["baseFeePerGas"] else {
            throw RPCDecode.malformed(m, "baseFeePerGas", e, "expected an array")
        }
        var baseFees: [BigUInt] = []
        for (i, f) in fees.enumerated() {
            baseFees.append(try RPCDecode.quantity(f, method: m, field: "baseFeePerGas[\(i)]", endpoint: e))
        }
        var ratios: [Double] = []
        if case .array(let raw)? = v["gasUsedRatio"] {
            for (i, r) in raw.enumerated() {
                guard case .number(let text) = r, let d = Double(text) else {
                    throw RPCDecode.malformed(m, "gasUsedRatio[\(i)]", e, "expected a number, found \(r.excerpt)")
                }
                ratios.append(d)
            }
        }
        var rewards: [[BigUInt]] = []
        if case .array(let raw)? = v["reward"] {
            for (i, row) in raw.enumerated() {
                guard case .array(let cells) = row else {
                    throw RPCDecode.malformed(m, "reward[\(i)]", e, "expected an array")
                }
                var parsed: [BigUInt] = []
                for (j, c) in cells.enumerated() {
                    parsed.append(try RPCDecode.quantity(c, method: m, field: "reward[\(i)][\(j)]", endpoint: e))
                }
                rewards.append(parsed)
            }
        }
        return RPCFeeHistory(oldestBlock: oldest, baseFeePerGas: baseFees, gasUsedRatio: ratios, reward: rewards)
    }

    static func percentileText(_ p: Double) -> String {
        p == p.rounded() ? String(Int(p)) : String(p)
    }

    /// `eth_maxPriorityFeePerGas` in wei.
    public func maxPriorityFeePerGas() async throws(RPCError) -> BigUInt {
        try RPCDecode.quantity(
            await call("eth_maxPriorityFeePerGas"), method: "eth_maxPriorityFeePerGas", field: "result",
            endpoint: answeringEndpoint)
    }

    /// `eth_gasPrice` in wei.
    public func gasPrice() async throws(RPCError) -> BigUInt {
        try RPCDecode.quantity(
            await call("eth_gasPrice"), method: "eth_gasPrice", field: "result", endpoint: answeringEndpoint)
    }

    /// `eth_getTransactionCount` (the next nonce at `block`; `pending` includes the mempool).
    public func transactionCount(of address: Address, block: BlockTag = .pending) async throws(RPCError) -> UInt64 {
        let c = RPCCall.getTransactionCount(address, block: block)
        return try RPCDecode.uint64(
            await call(c.method, c.params), method: c.method, field: "result", endpoint: answeringEndpoint)
    }

    /// `eth_getCode` (empty for an account without code).
    public func code(at address: Address, block: BlockTag = .latest) async throws(RPCError) -> [UInt8] {
        let c = RPCCall.getCode(address, block: block)
        return try RPCDecode.data(
            await call(c.method, c.params), method: c.method, field: "result", endpoint: answeringEndpoint)
    }

    /// `eth_sendRawTransaction`: sends signed transaction bytes and returns the transaction hash.
    ///
    /// Never retried once it may have reached a node: such a failure is ``ErrorCode/rpcUnknownOutcome``
    /// (look the hash up before doing anything else). A node that answers "already known" has this very
    /// transaction, so that counts as sent and its hash is returned.
    public func sendRawTransaction(_ raw: [UInt8]) async throws(RPCError) -> [UInt8] {
        let hash = Keccak256.hash(raw)
        let m = "eth_sendRawTransaction"
        let value: RPCValue
        do {
            value = try await call(m, [.data(raw)])
        } catch {
            if error.code == .rpcAlreadyKnown { return hash }
            if error.code == .rpcUnknownOutcome {
                throw RPCError(
                    code: .rpcUnknownOutcome, method: m, endpoint: error.endpoint, message: error.message,
                    httpStatus: error.httpStatus,
                    context: (error.context ?? "") + "; transaction hash \(Hex.encode(hash))")
            }
            throw error
        }
        let answered = try RPCDecode.data(value, method: m, field: "result", endpoint: answeringEndpoint, length: 32)
        guard answered == hash else {
            throw RPCDecode.malformed(
                m, "result", answeringEndpoint,
                "the node answered hash \(Hex.encode(answered)) for a transaction whose hash is \(Hex.encode(hash))")
        }
        return hash
    }

    /// `eth_getTransactionByHash`; nil when the node does not know the transaction.
    public func transaction(hash: [UInt8]) async throws(RPCError) -> RPCTransaction? {
        let m = "eth_getTransactionByHash"
        let v = try await call(m, [.data(hash)])
        if v.isNull { return nil }
        let e = answeringEndpoint
        guard case .object = v else {
            throw RPCDecode.malformed(m, "result", e, "expected an object, found \(v.excerpt)")
        }
        func q(_ k: String) throws(RPCError) -> BigUInt? {
            try RPCDecode.optional(v[k]) { (x) throws(RPCError) in
                try RPCDecode.quantity(x, method: m, field: k, endpoint: e)
            }
        }
        func n(_ k: String) throws(RPCError) -> UInt64? {
            try RPCDecode.optional(v[k]) { (x) throws(RPCError) in
                try RPCDecode.uint64(x, method: m, field: k, endpoint: e)
            }
        }
        return RPCTransaction(
            hash: try RPCDecode.data(v["hash"], method: m, field: "hash", endpoint: e, length: 32),
            nonce: try RPCDecode.uint64(v["nonce"], method: m, field: "nonce", endpoint: e),
            from: try RPCDecode.address(v["from"], method: m, field: "from", endpoint: e),
            to: try RPCDecode.optional(v["to"]) { (x) throws(RPCError) in
                try RPCDecode.address(x, method: m, field: "to", endpoint: e)
            },
            value: try RPCDecode.quantity(v["value"], method: m, field: "value", endpoint: e),
            input: try RPCDecode.data(v["input"] ?? v["data"], method: m, field: "input", endpoint: e),
            gas: try RPCDecode.uint64(v["gas"], method: m, field: "gas", endpoint: e),
            gasPrice: try q("gasPrice"), maxFeePerGas: try q("maxFeePerGas"),
            maxPriorityFeePerGas: try q("maxPriorityFeePerGas"), type: try n("type"), chainId: try n("chainId"),
            blockNumber: try n("blockNumber"),
            blockHash: try RPCDecode.optional(v["blockHash"]) { (x) throws(RPCError) in
                try RPCDecode.data(x, method: m, field: "blockHash", endpoint: e, length: 32)
            },
            transactionIndex: try n("transactionIndex"))
    }

    /// `eth_getTransactionReceipt` with its logs; nil while the transaction is pending or unknown.
    public func receipt(hash: [UInt8]) async throws(RPCError) -> RPCReceipt? {
        let m = "eth_getTransactionReceipt"
        let v = try await call(m, [.data(hash)])
        if v.isNull { return nil }
        let e = answeringEndpoint
        guard case .object = v else {
            throw RPCDecode.malformed(m, "result", e, "expected an object, found \(v.excerpt)")
        }
        func n(_ k: String) throws(RPCError) -> UInt64? {
            try RPCDecode.optional(v[k]) { (x) throws(RPCError) in
                try RPCDecode.uint64(x, method: m, field: k, endpoint: e)
            }
        }
        guard case .array(let rawLogs)? = v["logs"] else {
            throw RPCDecode.malformed(m, "logs", e, "expected an array")
        }
        var logs: [RPCLog] = []
        for (i, l) in rawLogs.enumerated() {
            logs.append(try RPCLog.decode(l, method: m, field: "logs[\(i)]", endpoint: e))
        }
        return RPCReceipt(
            transactionHash: try RPCDecode.data(
                v["transactionHash"], method: m, field: "transactionHash", endpoint: e, length: 32),
            transactionIndex: try RPCDecode.uint64(
                v["transactionIndex"], method: m, field: "transactionIndex", endpoint: e),
            blockHash: try RPCDecode.data(v["blockHash"], method: m, field: "blockHash", endpoint: e, length: 32),
            blockNumber: try RPCDecode.uint64(v["blockNumber"], method: m, field: "blockNumber", endpoint: e),
            from: try RPCDecode.address(v["from"], method: m, field: "from", endpoint: e),
            to: try RPCDecode.optional(v["to"]) { (x) throws(RPCError) in
                try RPCDecode.address(x, method: m, field: "to", endpoint: e)
            },
            status: try n("status"),
            gasUsed: try RPCDecode.uint64(v["gasUsed"], method: m, field: "gasUsed", endpoint: e),
            cumulativeGasUsed: try RPCDecode.uint64(
                v["cumulativeGasUsed"], method: m, field: "cumulativeGasUsed", endpoint: e),
            effectiveGasPrice: try RPCDecode.optional(v["effectiveGasPrice"]) { (x) throws(RPCError) in
                try RPCDecode.quantity(x, method: m, field: "effectiveGasPrice", endpoint: e)
            },
            contractAddress: try RPCDecode.optional(v["contractAddress"]) { (x) throws(RPCError) in
                try RPCDecode.address(x, method: m, field: "contractAddress", endpoint: e)
            },
            logs: logs, type: try n("type"), l1BlockNumber: try n("l1BlockNumber"))
    }

    /// `eth_getLogs`. A node refusing the range is ``ErrorCode/rpcLogQueryTooLarge`` (shrink and retry).
    ///
    /// A plain answer is read straight from its bytes (``RPCLogReader``); anything else by the generic parser.
    public func logs(_ filter: RPCLogFilter) async throws(RPCError) -> [RPCLog] {
        let m = "eth_getLogs"
        let answer: LogsAnswer = try await call(m, [filter.rpcValue]) { reply, id, generic in
            if let logs = RPCLogReader.read(reply, expectedId: id) { return .success(.read(logs)) }
            return generic().map(LogsAnswer.generic)
        }
        switch answer {
        case .read(let logs): return logs
        case .generic(let value): return try RPCLog.decodeList(value, method: m, endpoint: answeringEndpoint)
        }
    }

    /// `eth_getBlockByNumber(block, false)`; nil when the block does not exist (yet).
    public func block(_ block: BlockTag) async throws(RPCError) -> RPCBlock? {
        let m = "eth_getBlockByNumber"
        let v = try await call(m, [block.rpcValue, .bool(false)])
        if v.isNull { return nil }
        let e = answeringEndpoint
        guard case .object = v else {
            throw RPCDecode.malformed(m, "result", e, "expected an object, found \(v.excerpt)")
        }
        var hashes: [[UInt8]] = []
        if case .array(let txs)? = v["transactions"] {
            for (i, t) in txs.enumerated() {
                hashes.append(try RPCDecode.data(t, method: m, field: "transactions[\(i)]", endpoint: e, length: 32))
            }
        }
        return RPCBlock(
            number: try RPCDecode.uint64(v["number"], method: m, field: "number", endpoint: e),
            hash: try RPCDecode.data(v["hash"], method: m, field: "hash", endpoint: e, length: 32),
            parentHash: try RPCDecode.data(v["parentHash"], method: m, field: "parentHash", endpoint: e, length: 32),
            timestamp: try RPCDecode.uint64(v["timestamp"], method: m, field: "timestamp", endpoint: e),
            gasLimit: try RPCDecode.uint64(v["gasLimit"], method: m, field: "gasLimit", endpoint: e),
            gasUsed: try RPCDecode.uint64(v["gasUsed"], method: m, field: "gasUsed", endpoint: e),
            baseFeePerGas: try RPCDecode.optional(v["baseFeePerGas"]) { (x) throws(RPCError) in
                try RPCDecode.quantity(x, method: m, field: "baseFeePerGas", endpoint: e)
            },
            miner: try RPCDecode.optional(v["miner"]) { (x) throws(RPCError) in
                try RPCDecode.address(x, method: m, field: "miner", endpoint: e)
            },
            transactionHashes: hashes,
            l1BlockNumber: try RPCDecode.optional(v["l1BlockNumber"]) { (x) throws(RPCError) in
                try RPCDecode.uint64(x, method: m, field: "l1BlockNumber", endpoint: e)
            })
    }
}

/// What `eth_getLogs` got back: logs read by the byte-level reader, or a value for the generic decoding.
private enum LogsAnswer {
    case read([RPCLog])
    case generic(RPCValue)
}
