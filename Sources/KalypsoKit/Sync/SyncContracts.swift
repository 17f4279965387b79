import Basics
import BigInt
import EthereumKit
import Foundation

/// The contracts a sync reads, with the events it indexes and the getters it calls, for one generation.
///
/// Built from the bundled ABIs plus the two events the SDK's ABIs lack but deployments emit (spec §0.3):
/// Gen A `StakeSlashed` and the 5-field `AskCreated` of contracts master.
public struct SyncContracts: Sendable {
    /// Roles as in the cache's progress rows.
    public enum Role: String, Sendable, CaseIterable {
        case proofMarketplace, registry, nativeStaking
    }

    public let generation: Generation
    public let addresses: [Role: Address]
    let marketplace: ContractABI
    let registry: ContractABI
    let staking: ContractABI?
    /// topic0 → (role, event).
    let events: [[UInt8]: (Role, ABIEvent)]

    /// Events whose topic0 the sync subscribes to, by contract.
    static let indexedNames: [Role: Set<String>] = [
        .proofMarketplace: [
            "MarketplaceCreated", "MarketMetadataUpdated", "AddExtraProverImage", "AddExtraIVSImage",
            "RemoveExtraProverImage", "RemoveExtraIVSImage", "AskCreated", "BidCreated", "TaskCreated",
            "ProofCreated", "ProofNotGenerated", "InvalidInputsDetected", "AskCancelled", "BidCancelled",
            "ProverFeeRewardAdded",
        ],
        .registry: [
            "AddedStake", "RequestStakeDecrease", "RemovedStake", "StakeLockImposed", "StakeLockReleased",
            "StakeSlashed", "ComputeLockImposed", "ComputeLockReleased", "RegisteredGenerator",
            "DeregisteredGenerator", "JoinedMarketplace", "RequestExitMarketplace", "LeftMarketplace",
            "IncreasedCompute", "RequestComputeDecrease", "DecreaseCompute", "ChangedGeneratorRewardAddress",
            "ProverRegistered", "ProverDeregistered", "ProverJoinedMarketplace", "ProverRequestedMarketplaceExit",
            "ProverLeftMarketplace", "ComputeLocked", "ComputeReleased", "ComputeIncreased",
            "ComputeDecreaseRequested", "ComputeDecreased", "ProverRewardAddressChanged",
        ],
        .nativeStaking: [
            "Staked", "StakeWithdrawalRequested", "StakeWithdrawn", "StakeLocked", "StakeUnlocked", "TaskSlashed",
        ],
    ]

    /// Events deployments emit that the bundled SDK ABIs do not declare (spec §0.3, §9.1).
    static let extraEvents: [(Generation, Role, String)] = [
        (.a, .registry, "StakeSlashed(address indexed generator, uint256 stake)"),
        (
            .a, .proofMarketplace,
            "AskCreated(uint256 indexed askId, bool indexed hasPrivateInputs, bytes secret_data, bytes acl, bytes extraData)"
        ),
    ]

    public init(generation: Generation, addresses: [Role: Address]) throws {
        self.generation = generation
        self.addresses = addresses
        let bundled = try KalypsoABIs.load()
        func abi(_ path: String) throws -> ContractABI {
            guard let found = bundled.first(where: { $0.path == path }) else {
                throw SyncError(.internalInconsistency, "the bundled ABI \(path) is missing")
            }
            return found.abi
        }
        switch generation {
        case .a:
            marketplace = try abi("v1-generator-registry/ProofMarketplace.json")
            registry = try abi("v1-generator-registry/GeneratorRegistry.json")
            staking = nil
        case .b:
            marketplace = try abi("ProofMarketplace.json")
            registry = try abi("ProverManager.json")
            staking = try abi("NativeStaking.json")
        }
        var table: [[UInt8]: (Role, ABIEvent)] = [:]
        for (role, contract) in [(Role.proofMarketplace, marketplace), (.registry, registry)]
            + (staking.map { [(Role.nativeStaking, $0)] } ?? [])
        {
            let names = Self.indexedNames[role] ?? []
            for event in contract.events where names.contains(event.name) {
                table[event.topic0] = (role, event)
            }
        }
        for (gen, role, signature) in Self.extraEvents where gen == generation {
            let event = try ABIEvent(signature)
            table[event.topic0] = (role, event)
        }
        events = table
    }

    /// The addresses to ask `eth_getLogs` about (every indexed contract of this generation).
    public var logAddresses: [Address] {
        Role.allCases.compactMap { role in events.values.contains { $0.0 == role } ? addresses[role] : nil }
    }

    /// Every topic0 indexed, sorted (one filter position: any of them).
    public var topic0s: [[UInt8]] { events.keys.sorted { $0.lexicographicallyPrecedes($1) } }

    /// The event a log is, if the sync indexes it (and it came from the contract that declares it).
    func event(of log: RPCLog) -> (Role, ABIEvent)? {
        guard let t0 = log.topics.first, let found = events[t0], addresses[found.0] == log.address else { return nil }
        return found
    }

    // MARK: - Getters

    func call(_ abi: ContractABI, _ role: Role, _ name: String, _ args: [ABIValue]) throws -> (
        RPCCallRequest, ABIFunction
    ) {
        let function = try abi.function(name)
        guard let to = addresses[role] else {
            throw SyncError(.internalInconsistency, "no \(role.rawValue) address for \(name)")
        }
        return (RPCCallRequest(to: to, data: try function.encodeCall(args)), function)
    }

    func jobGetter(_ id: UInt64) throws -> (RPCCallRequest, ABIFunction) {
        try call(marketplace, .proofMarketplace, generation == .a ? "listOfAsk" : "listOfBid", [.uint(BigUInt(id))])
    }

    func marketGetter(_ id: UInt64) throws -> (RPCCallRequest, ABIFunction) {
        try call(marketplace, .proofMarketplace, "marketData", [.uint(BigUInt(id))])
    }

    func membershipGetter(prover: Address, market: UInt64) throws -> (RPCCallRequest, ABIFunction) {
        try call(
            registry, .registry, generation == .a ? "generatorInfoPerMarket" : "proverInfoPerMarket",
            [.address(prover), .uint(BigUInt(market))])
    }

    func registryGetter(prover: Address) throws -> (RPCCallRequest, ABIFunction) {
        try call(registry, .registry, generation == .a ? "generatorRegistry" : "proverRegistry", [.address(prover)])
    }

    func rewardDetailsGetter(prover: Address, market: UInt64) throws -> (RPCCallRequest, ABIFunction) {
        try call(registry, .registry, "getGeneratorRewardDetails", [.address(prover), .uint(BigUInt(market))])
    }

    func claimableGetter(_ address: Address) throws -> (RPCCallRequest, ABIFunction) {
        try call(
            marketplace, .proofMarketplace, generation == .a ? "claimableAmount" : "proverClaimableFeeReward",
            [.address(address)])
    }

    func stakeGetters(token: Address, prover: Address) throws -> [(RPCCallRequest, ABIFunction)] {
        guard let staking, addresses[.nativeStaking] != nil else { return [] }
        return [
            try call(staking, .nativeStaking, "getProverStakeAmount", [.address(token), .address(prover)]),
            try call(staking, .nativeStaking, "getProverLockedAmount", [.address(token), .address(prover)]),
        ]
    }

    func stakeTokenListGetter() throws -> (RPCCallRequest, ABIFunction)? {
        // A Gen B configuration without NativeStaking (Symbiotic only) has no native stake tokens to read.
        guard let staking, addresses[.nativeStaking] != nil else { return nil }
        return try call(staking, .nativeStaking, "getStakeTokenList", [])
    }

    func stakingTokenGetter() throws -> (RPCCallRequest, ABIFunction)? {
        generation == .a ? try call(registry, .registry, "STAKING_TOKEN", []) : nil
    }
}

/// A sync failure that is not the node's (those stay ``RPCError``).
public struct SyncError: OperatorError {
    public enum Kind: String, Sendable {
        case internalInconsistency, notConfigured, gaveUp
        /// A value from the chain past what the cache holds (ids, block numbers past 2^63 − 1): a hostile or
        /// odd chain; retrying reads the same value again.
        case unstorable
    }
    public let kind: Kind
    public let message: String
    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }
    public var code: ErrorCode {
        switch kind {
        case .internalInconsistency: .syncInternal
        case .notConfigured: .syncNotConfigured
        case .gaveUp: .syncGaveUp
        case .unstorable: .syncUnstorable
        }
    }
    public var title: String {
        switch kind {
        case .internalInconsistency: "The chain sync met data it cannot read"
        case .notConfigured: "The chain sync is missing configuration"
        case .gaveUp: "The chain sync gave up"
        case .unstorable: "The chain reported a value the cache cannot hold"
        }
    }
    public var detail: String { message }
    public var hint: String {
        switch kind {
        case .internalInconsistency: "Report this with the network's name; the cache keeps what it had."
        case .notConfigured: "Check kalypso-config.json with `\(CommandHints.configCheck)`."
        case .gaveUp: "Check the RPC endpoint (rate limits, log range limits) and run the command again."
        case .unstorable:
            "Check that rpcHttp and the contract addresses in kalypso-config.json are the network's "
                + "(`\(CommandHints.configCheck)`); the cache keeps what it had up to the block before."
        }
    }
    public var isRetryable: Bool { kind == .gaveUp }
    public var category: ErrorCategory {
        switch kind {
        case .internalInconsistency: .internal
        case .notConfigured: .configuration
        case .gaveUp: .unreachable
        case .unstorable: .configuration
        }
    }
}

extension ErrorCode {
    public static let syncInternal: ErrorCode = "sync.internal"
    public static let syncNotConfigured: ErrorCode = "sync.notConfigured"
    public static let syncGaveUp: ErrorCode = "sync.gaveUp"
    public static let syncUnstorable: ErrorCode = "sync.unstorable"
}
