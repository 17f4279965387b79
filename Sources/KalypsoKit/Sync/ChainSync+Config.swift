import EthereumKit
import Foundation
import KalypsoStore

extension SyncContracts {
    /// The contracts of a configuration: the marketplace, the registry (GeneratorRegistry or
    /// ProverManager, the SDK's `generator_registry` key) and, on Gen B, NativeStaking.
    public init(config: KalypsoConfig) throws {
        guard let generation = config.generation else {
            throw SyncError(.notConfigured, "the configuration names no generation (A or B)")
        }
        guard let marketplace = config.contracts.proofMarketplace, let registry = config.contracts.generatorRegistry
        else {
            throw SyncError(.notConfigured, "proof_market_place and generator_registry are required to sync")
        }
        var addresses: [Role: Address] = [.proofMarketplace: marketplace, .registry: registry]
        if generation == .b, let staking = config.contracts.nativeStaking, staking != .zero {
            addresses[.nativeStaking] = staking
        }
        try self.init(generation: generation, addresses: addresses)
    }
}

extension ChainSync {
    /// A sync of the configured network into `cache`, over the configured RPC endpoints (in failover
    /// order), from `logStartBlock` (0 when the configuration has none).
    public static func make(
        config: KalypsoConfig, cache: ChainCache, options: SyncOptions = SyncOptions(),
        chain: (any SyncChain)? = nil
    ) throws -> ChainSync {
        guard let chainId = config.chainId else {
            throw SyncError(.notConfigured, "the configuration has no chainId")
        }
        let reach: any SyncChain
        if let chain {
            reach = chain
        } else {
            guard !config.rpcHttp.isEmpty else { throw SyncError(.notConfigured, "the configuration has no rpcHttp") }
            let client = JSONRPCClient(
                urls: config.rpcHttp.map(\.url), options: JSONRPCClientOptions(expectedChainId: chainId),
                revertDecoder: try? KalypsoErrors.bundled())
            reach = RPCSyncChain(client: client)
        }
        return try ChainSync(
            chain: reach, cache: cache, contracts: try SyncContracts(config: config), chainId: chainId,
            startBlock: config.logStartBlock ?? 0, operatorAddress: config.operatorAddress, options: options)
    }

    /// The cache key of a configuration without building a sync (readers look rows up by it).
    public static func cacheKey(config: KalypsoConfig) throws -> CacheNetworkKey {
        try key(contracts: try SyncContracts(config: config), chainId: config.chainId ?? 0)
    }
}
