import BigInt
import EthereumKit
import Foundation

/// One `eth_call` of a batch.
public struct ContractRead: Sendable, Hashable {
    public var to: Address
    public var data: [UInt8]
    public var from: Address?
    public init(to: Address, data: [UInt8], from: Address? = nil) {
        self.to = to
        self.data = data
        self.from = from
    }
}

/// The chain reads the operator API makes. ``RPCOperatorChain`` (over ``JSONRPCClient``) is the real one.
public protocol OperatorChainReader: Sendable {
    /// Several `eth_call`s at the latest block, in one JSON-RPC batch where the node takes batches. A revert
    /// is an answer (``CallOutcome/reverted(_:)``); only failing to reach the node throws.
    func read(_ calls: [ContractRead]) async throws -> [CallOutcome]
    /// The latest block (number, timestamp, Arbitrum's `l1BlockNumber`).
    func latestBlock() async throws -> RPCBlock
    /// A block by number (for the L1 block number of an Arbitrum block that logged a request).
    func block(number: UInt64) async throws -> RPCBlock
    /// `eth_getLogs`, split into windows when the provider limits ranges (spec §3.6).
    func logs(address: Address, topics: [[[UInt8]]?], fromBlock: UInt64) async throws -> [RPCLog]
}

/// ``OperatorChainReader`` over the project's JSON-RPC client.
public struct RPCOperatorChain: OperatorChainReader {
    public let client: JSONRPCClient
    /// Blocks per `eth_getLogs` window (the project's 10 000, spec §6.3).
    public var logWindow: UInt64 = 10_000

    public init(client: JSONRPCClient) { self.client = client }

    public func read(_ calls: [ContractRead]) async throws -> [CallOutcome] {
        let results = try await client.calls(calls.map { RPCCallRequest(from: $0.from, to: $0.to, data: $0.data) })
        var out: [CallOutcome] = []
        out.reserveCapacity(results.count)
        for result in results {
            switch result {
            case .success(let data): out.append(.returned(data))
            case .failure(let error):
                guard let revert = error.revert else { throw error }
                out.append(.reverted(revert.data))
            }
        }
        return out
    }

    public func latestBlock() async throws -> RPCBlock {
        guard let block = try await client.block(.latest) else {
            throw OperatorReadError(function: "eth_getBlockByNumber(latest)", contract: "node", why: "no block")
        }
        return block
    }

    public func block(number: UInt64) async throws -> RPCBlock {
        guard let block = try await client.block(.number(number)) else {
            throw OperatorReadError(function: "eth_getBlockByNumber(\(number))", contract: "node", why: "no block")
        }
        return block
    }

    public func logs(address: Address, topics: [[[UInt8]]?], fromBlock: UInt64) async throws -> [RPCLog] {
        let latest = try await client.blockNumber()
        var out: [RPCLog] = []
        var start = fromBlock
        while start <= latest {
            let end = min(latest, start + logWindow - 1)
            out += try await client.logs(
                RPCLogFilter(fromBlock: .number(start), toBlock: .number(end), addresses: [address], topics: topics))
            start = end + 1
        }
        return out
    }
}

/// The ABIs one generation's adapter encodes with, taken from the bundle (``KalypsoABIs``).
struct OperatorABIs: Sendable {
    let registry: ContractABI
    let marketplace: ContractABI
    let keyRegistry: ContractABI
    let erc20: ContractABI
    let nativeStaking: ContractABI?
    let teeVerifier: ContractABI
    /// Arbitrum One's ProofMarketplace additions (`claimProverFeeReward(address)`).
    let marketplaceDelta: ContractABI?

    init(generation: Generation) throws {
        let all = try KalypsoABIs.load()
        func abi(_ path: String) throws -> ContractABI {
            guard let found = all.first(where: { $0.path == path }) else {
                throw OperatorReadError(function: path, contract: "bundled ABIs", why: "not bundled")
            }
            return found.abi
        }
        switch generation {
        case .a:
            registry = try abi("v1-generator-registry/GeneratorRegistry.json")
            marketplace = try abi("v1-generator-registry/ProofMarketplace.json")
            keyRegistry = try abi("v1-generator-registry/EntityKeyRegistry.json")
            teeVerifier = try abi("v1-generator-registry/TeeVerifierWrapper.json")
            nativeStaking = nil
            marketplaceDelta = nil
        case .b:
            registry = try abi("ProverManager.json")
            marketplace = try abi("ProofMarketplace.json")
            keyRegistry = try abi("EntityKeyRegistry.json")
            teeVerifier = try abi("TeeVerifierWrapper.json")
            nativeStaking = try abi("NativeStaking.json")
            marketplaceDelta = try abi("ProofMarketplace.arbitrum-one-delta.json")
        }
        erc20 = try abi("ERC20.json")
    }
}

/// Encodes a call by signature from an ABI and decodes its answer; every failure names the function.
struct Encoded: Sendable {
    let function: ABIFunction
    let to: Address
    let data: [UInt8]
    let contractName: String

    init(_ abi: ContractABI, _ signature: String, to: Address, name: String, _ args: [ABIValue] = []) throws {
        function = try abi.function(signature)
        self.to = to
        contractName = name
        data = try function.encodeCall(args)
    }

    var read: ContractRead { ContractRead(to: to, data: data) }

    /// The decoded return values of a call that returned; a revert or bad data is an ``OperatorReadError``.
    func decode(_ outcome: CallOutcome) throws -> ABIDecodedValues {
        switch outcome {
        case .reverted(let data):
            throw OperatorReadError(
                function: function.signature, contract: "\(contractName) \(to.checksummed)",
                why: data.isEmpty ? "reverted without data" : "reverted with \(Hex.encode(data))")
        case .returned(let data):
            do { return try function.decodeOutput(data) } catch {
                throw OperatorReadError(
                    function: function.signature, contract: "\(contractName) \(to.checksummed)",
                    why: "cannot decode \(data.count) bytes of return data")
            }
        }
    }
}

extension ABIDecodedValues {
    func uint(_ i: Int) -> BigUInt { values[i].uintValue ?? 0 }
    func address(_ i: Int) -> Address { values[i].addressValue ?? .zero }
    func bytes(_ i: Int) -> [UInt8] { values[i].bytesValue ?? [] }
}
