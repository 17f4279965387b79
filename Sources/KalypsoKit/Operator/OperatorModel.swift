import Basics
import BigInt
import EthereumKit
import Foundation

/// The unit a contract generation counts time in (spec §6.3): Generation A compares against
/// `block.number` (on Arbitrum the L1 block number), Generation B against `block.timestamp`.
public enum TimeUnit: String, Sendable, Hashable {
    case blocks
    case seconds
}

/// A duration or a point in chain time, with its unit: `480 blocks`, `3600 seconds`, `block 19 000 123`.
public struct ChainTime: Sendable, Hashable, CustomStringConvertible {
    public var value: BigUInt
    public var unit: TimeUnit

    public init(_ value: BigUInt, _ unit: TimeUnit) {
        self.value = value
        self.unit = unit
    }

    public static func blocks(_ n: BigUInt) -> ChainTime { ChainTime(n, .blocks) }
    public static func seconds(_ n: BigUInt) -> ChainTime { ChainTime(n, .seconds) }

    /// As a duration: "480 blocks", "90 s".
    public var description: String {
        switch unit {
        case .blocks: return value == 1 ? "1 block" : "\(value) blocks"
        case .seconds: return "\(value) s"
        }
    }
}

/// Where the chain is now, as the contracts see it, and how to turn blocks into wall time (spec §6.3).
public struct ChainClock: Sendable, Hashable {
    /// What `block.number` returns inside a contract: the L1 block number on Arbitrum, else the block's number.
    public var contractBlockNumber: UInt64
    /// The latest block's number as the node counts it (L2 on Arbitrum).
    public var nodeBlockNumber: UInt64
    /// The latest block's `block.timestamp`, in seconds.
    public var timestamp: UInt64
    /// Seconds per block of ``contractBlockNumber``: 12 on Arbitrum (L1 blocks), nil when unknown.
    public var secondsPerBlock: UInt64?

    public init(contractBlockNumber: UInt64, nodeBlockNumber: UInt64, timestamp: UInt64, secondsPerBlock: UInt64?) {
        self.contractBlockNumber = contractBlockNumber
        self.nodeBlockNumber = nodeBlockNumber
        self.timestamp = timestamp
        self.secondsPerBlock = secondsPerBlock
    }

    /// Reads the latest block: an Arbitrum block carries `l1BlockNumber`, which is what Generation A's
    /// `block.number` is; there an L1 block is about 12 s.
    public init(latest block: RPCBlock) {
        if let l1 = block.l1BlockNumber {
            self.init(
                contractBlockNumber: l1, nodeBlockNumber: block.number, timestamp: block.timestamp, secondsPerBlock: 12)
        } else {
            self.init(
                contractBlockNumber: block.number, nodeBlockNumber: block.number, timestamp: block.timestamp,
                secondsPerBlock: nil)
        }
    }

    /// The current point in `unit`.
    public func now(_ unit: TimeUnit) -> BigUInt {
        unit == .blocks ? BigUInt(contractBlockNumber) : BigUInt(timestamp)
    }

    /// How long until `point` (zero when it has passed), in the point's unit.
    public func remaining(until point: ChainTime) -> ChainTime {
        let now = now(point.unit)
        return ChainTime(point.value > now ? point.value - now : 0, point.unit)
    }

    /// Whether `point` has been reached (a contract comparing `now ≥ point` would accept).
    public func hasReached(_ point: ChainTime) -> Bool { now(point.unit) >= point.value }

    /// An estimate in seconds of a duration: exact for seconds, blocks × seconds per block where known.
    public func estimatedSeconds(_ duration: ChainTime) -> BigUInt? {
        switch duration.unit {
        case .seconds: return duration.value
        case .blocks: return secondsPerBlock.map { duration.value * BigUInt($0) }
        }
    }

    /// A duration for people: "480 blocks (≈ 1h 36m)" or "3600 s (1h)".
    public func display(_ duration: ChainTime) -> String {
        guard let seconds = estimatedSeconds(duration) else { return duration.description }
        let words = Self.words(seconds: seconds)
        switch duration.unit {
        case .seconds: return seconds < 60 ? "\(duration.value) s" : "\(duration.value) s (\(words))"
        case .blocks: return "\(duration) (≈ \(words))"
        }
    }

    /// "1h 36m", "45s", "1d 9h": ``HumanDuration``, the one style of durations.
    static func words(seconds: BigUInt) -> String { HumanDuration.text(seconds) }
}

/// An ERC-20 token as the console shows amounts of it.
public struct TokenInfo: Sendable, Hashable {
    public var address: Address
    public var symbol: String
    public var decimals: Int

    public init(address: Address, symbol: String, decimals: Int) {
        self.address = address
        self.symbol = symbol
        self.decimals = decimals
    }

    /// "12.5 POND" for a base-unit amount.
    public func format(_ amount: BigUInt) -> String {
        "\(Units.format(amount, decimals: decimals, groupThousands: true)) \(symbol)"
    }
}

/// The operator's registration (GeneratorRegistry / ProverManager, spec §3.2).
public struct OperatorRecord: Sendable, Hashable {
    public var address: Address
    public var registered: Bool
    public var rewardAddress: Address?
    public var declaredCompute: BigUInt
    /// Σ of computePerRequest over the joined markets.
    public var allocatedCompute: BigUInt
    /// Compute in use by running tasks.
    public var consumedCompute: BigUInt
    public var activeMarkets: BigUInt
    public var metadata: [UInt8]
    /// A declared-compute reduction waiting for its second step, if any.
    public var pendingComputeReduction: PendingReduction?

    /// The metadata as text when it is UTF-8 (the usual JSON), else nil.
    public var metadataText: String? { String(bytes: metadata, encoding: .utf8) }
}

/// Step one of a two-step reduction is on chain; step two releases ``releases`` once ``dueAt`` is reached.
public struct PendingReduction: Sendable, Hashable {
    /// The total when it was read.
    public var current: BigUInt
    /// What the total will be after step two (Generation A: rounded down, spec devnet README "Gen A deployment").
    public var newTotal: BigUInt
    /// `current − newTotal`: what step two releases (compute) or pays out (stake).
    public var releases: BigUInt
    /// From when step two is accepted; nil when the contract does not expose it (Generation A: one block
    /// after the request, `reduceComputeRequestBlock` is not public).
    public var dueAt: ChainTime?

    public init(current: BigUInt, newTotal: BigUInt, releases: BigUInt, dueAt: ChainTime?) {
        self.current = current
        self.newTotal = newTotal
        self.releases = releases
        self.dueAt = dueAt
    }
}

/// The operator's state in one market (spec §3.2).
public struct MarketMembership: Sendable, Hashable {
    /// The contract's stored per-market state.
    public enum State: Sendable, Hashable {
        case notJoined
        case joined
        case requestedExit
        case other(UInt8)
    }

    public var marketId: BigUInt
    public var state: State
    public var computePerRequest: BigUInt
    /// Minimum reward accepted per proof, in the payment token's base units.
    public var proofCost: BigUInt
    public var proposedTime: ChainTime
    /// Generation B only: fraction × 1e18 of the fee the prover keeps.
    public var commission: BigUInt?
    public var activeRequests: BigUInt
    /// `EntityKeyRegistry.pub_key(operator, market)`: the 64-byte enclave key, nil when none.
    public var enclaveKey: [UInt8]?

    public var isMember: Bool { state != .notJoined }
    /// The address of ``enclaveKey`` (what the enclave signs with).
    public var enclaveAddress: Address? {
        enclaveKey.flatMap { Address(bytes: Array(Keccak256.hash($0)[12...])) }
    }
}

/// A market as joining needs it.
public struct MarketInfo: Sendable, Hashable {
    public var marketId: BigUInt
    public var verifier: Address
    public var proverImageId: [UInt8]
    /// Generation A: stake locked per task, in the staking token.
    public var slashingPenalty: BigUInt?
    public var metadata: [UInt8]

    /// `keccak256(48×0 ‖ 48×0 ‖ 48×0)`: the image id of a market without an enclave (spec §2.6.3).
    public static let noEnclaveId = Hex.bytes("cd2e66bf0b91eeedc6c648ae9335a78d7c9a4ab0ef33612a824d91cdc68a4f21")

    /// Public markets need no enclave key; joining them with one reverts `PublicMarketsDontNeedKey()`.
    public var isPublic: Bool { proverImageId.allSatisfy { $0 == 0 } || proverImageId == Self.noEnclaveId }
    public var exists: Bool { !metadata.isEmpty }
}

/// A Generation B withdrawal requested from NativeStaking (found through `StakeWithdrawalRequested` logs).
public struct PendingWithdrawal: Sendable, Hashable {
    public var index: BigUInt
    public var token: Address
    public var amount: BigUInt
    public var availableAt: ChainTime
}

/// The operator's stake in one token.
public struct StakePosition: Sendable, Hashable {
    public var token: TokenInfo
    public var staked: BigUInt
    public var locked: BigUInt
    /// What tasks can still lock (Gen A: `total × intendedStakeUtilization / 1e18 − locked`).
    public var free: BigUInt
    /// Stake locked per task (Gen A: the market's slashing penalty, not per token: nil; Gen B `amountToLock`).
    public var lockedPerTask: BigUInt?
    /// The operator account's token balance and its allowance for the staking contract.
    public var walletBalance: BigUInt
    public var allowance: BigUInt
    /// Generation A: an unstake waiting for its second step.
    public var pendingReduction: PendingReduction?
    /// Generation B: withdrawals requested and not yet withdrawn.
    public var pendingWithdrawals: [PendingWithdrawal]
}

/// What a reward address can claim now.
public struct RewardBalance: Sendable, Hashable {
    public var rewardAddress: Address
    public var token: TokenInfo
    public var claimable: BigUInt
}

/// The whole operator state, read in one go.
public struct OperatorSnapshot: Sendable, Hashable {
    public var generation: Generation
    public var clock: ChainClock
    public var record: OperatorRecord
    public var marketCount: BigUInt
    public var markets: [MarketMembership]
    public var stakes: [StakePosition]
    public var rewards: [RewardBalance]

    public func membership(_ marketId: BigUInt) -> MarketMembership? { markets.first { $0.marketId == marketId } }
}

/// The enclave's permission to bind its key to this operator: the checked attestation blob of spec §2.6.1
/// and the enclave signature of §2.6.2, as `EnclaveClient.joinAuthorization` returns them.
public struct EnclaveAuthorization: Sendable, Hashable {
    /// `abi.encode(bytes sig, bytes pubkey, bytes PCR0, bytes PCR1, bytes PCR2, uint256 timestampMs)`.
    public var attestationBlob: [UInt8]
    /// 65 bytes `r ‖ s ‖ v`.
    public var enclaveSignature: [UInt8]

    public init(attestationBlob: [UInt8], enclaveSignature: [UInt8]) {
        self.attestationBlob = attestationBlob
        self.enclaveSignature = enclaveSignature
    }

    /// From `EnclaveClient.joinAuthorization(...)`'s blob and signature (v = 27/28, as the SDK sends it).
    public init(attestationBlob: [UInt8], signature: Signature) {
        self.init(attestationBlob: attestationBlob, enclaveSignature: signature.serialized)
    }
}

/// What `join` sends.
public struct JoinParameters: Sendable, Hashable {
    public var marketId: BigUInt
    public var computePerRequest: BigUInt
    /// In the payment token's base units.
    public var proofCost: BigUInt
    /// Must be in the generation's unit (``OperatorAPI/timeUnit``).
    public var proposedTime: ChainTime
    /// Generation B: fraction × 1e18 (≤ 1e18); ignored on Generation A.
    public var commission: BigUInt
    /// Needed for private markets; must be nil for public ones.
    public var authorization: EnclaveAuthorization?

    public init(
        marketId: BigUInt, computePerRequest: BigUInt, proofCost: BigUInt, proposedTime: ChainTime,
        commission: BigUInt = 0, authorization: EnclaveAuthorization?
    ) {
        self.marketId = marketId
        self.computePerRequest = computePerRequest
        self.proofCost = proofCost
        self.proposedTime = proposedTime
        self.commission = commission
        self.authorization = authorization
    }
}

/// Step one of a two-step reduction, planned: the transaction and what it will do.
public struct ReductionPlan: Sendable, Hashable {
    public var request: TransactionRequest
    public var current: BigUInt
    /// What the operator asked to end with.
    public var target: BigUInt
    /// The amount the call carries: `current − target` (spec §9 item 2, never the SDK's ratio).
    public var amountSent: BigUInt
    /// What the chain will really leave and release (Generation A rounds the utilisation down).
    public var newTotal: BigUInt
    public var releases: BigUInt
    /// How long step two must wait.
    public var wait: ChainTime
}
