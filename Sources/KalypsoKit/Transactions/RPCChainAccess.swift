import Basics
import BigInt
import EthereumKit
import Foundation

/// The JSON-RPC client (EthereumKit/RPC) as the pipeline's ``ChainAccess``.
///
/// Maps the node answers the pipeline must tell apart (revert, nonce too low, already known,
/// replacement underpriced, insufficient funds) to ``ChainAccessError``; every other error is the
/// client's own ``RPCError``, already an operator error. A send whose outcome is unknown (a timeout
/// after the request left) becomes `.unreachable`, so the journal keeps the row for recovery.
public struct RPCChainAccess: ChainAccess {
    public let client: JSONRPCClient

    public init(client: JSONRPCClient) {
        self.client = client
    }

    /// A client over `urls` (failover in order) that checks the chain id when one is expected, with
    /// reverts decoded against `errors`.
    public init(urls: [URL], expectedChainId: UInt64? = nil, errors: any RevertDecoding) {
        client = JSONRPCClient(
            urls: urls, options: JSONRPCClientOptions(expectedChainId: expectedChainId), revertDecoder: errors)
    }

    public func chainId() async throws -> BigUInt { BigUInt(try await client.chainId()) }
    public func blockNumber() async throws -> UInt64 { try await client.blockNumber() }

    public func balance(of address: Address, block: BlockTag) async throws -> BigUInt {
        try await client.balance(of: address, block: block)
    }

    public func call(_ request: CallRequest, block: BlockTag) async throws -> [UInt8] {
        do {
            return try await client.call(request.rpc, block: block)
        } catch {
            throw Self.map(error)
        }
    }

    public func estimateGas(_ request: CallRequest) async throws -> BigUInt {
        do {
            return BigUInt(try await client.estimateGas(request.rpc))
        } catch {
            throw Self.map(error)
        }
    }

    public func feeHistory(blockCount: Int, percentiles: [Double]) async throws -> FeeHistory {
        let h = try await client.feeHistory(blockCount: UInt64(max(1, blockCount)), percentiles: percentiles)
        return FeeHistory(oldestBlock: h.oldestBlock, baseFeePerGas: h.baseFeePerGas, reward: h.reward)
    }

    public func gasPrice() async throws -> BigUInt { try await client.gasPrice() }

    public func transactionCount(of address: Address, block: BlockTag) async throws -> UInt64 {
        try await client.transactionCount(of: address, block: block)
    }

    public func sendRawTransaction(_ raw: [UInt8]) async throws -> [UInt8] {
        do {
            return try await client.sendRawTransaction(raw)
        } catch {
            let mapped = Self.map(error)
            if mapped is ChainAccessError { throw mapped }
            // Any other refusal is final for these bytes; an unknown outcome or a dead node is not.
            let report = ErrorReport(error)
            let message = report.detail.isEmpty ? report.title : "\(report.title): \(report.detail)"
            throw ChainAccessError(report.category == .unreachable ? .unreachable : .rejected, message: message)
        }
    }

    public func receipt(hash: [UInt8]) async throws -> TransactionReceipt? {
        guard let r = try await client.receipt(hash: hash) else { return nil }
        return TransactionReceipt(
            transactionHash: r.transactionHash, blockNumber: r.blockNumber, status: UInt8(r.status ?? 1),
            gasUsed: BigUInt(r.gasUsed), effectiveGasPrice: r.effectiveGasPrice)
    }

    public func transactionIsKnown(hash: [UInt8]) async throws -> Bool {
        try await client.transaction(hash: hash) != nil
    }

    static func map(_ error: RPCError) -> any Error {
        switch error.code {
        case .rpcReverted:
            let reason = error.revert.map { $0.reason.description } ?? error.message
            return ChainAccessError(.reverted, message: reason, revertData: error.revert?.data ?? [])
        case .rpcNonceTooLow: return ChainAccessError(.nonceTooLow, message: error.message)
        case .rpcAlreadyKnown: return ChainAccessError(.alreadyKnown, message: error.message)
        case .rpcReplacementUnderpriced: return ChainAccessError(.replacementUnderpriced, message: error.message)
        case .rpcInsufficientFunds: return ChainAccessError(.insufficientFunds, message: error.message)
        default: return error
        }
    }
}

extension CallRequest {
    var rpc: RPCCallRequest {
        RPCCallRequest(
            from: from, to: to, data: data, value: value == 0 ? nil : value, gas: gas.flatMap { UInt64(exactly: $0) })
    }
}
