import BigInt
import EthereumKit
import Foundation

/// The steps of onboarding, in the working order of spec §2.8 (register → stake → configure the enclave →
/// benchmark → join → verify the key in the TEE verifier → start programs), plus the one-action update-key
/// sequence of spec §2.9 that replaces configure/join/verify/start after an enclave restart.
public enum OnboardingStepKind: String, Sendable, Hashable, CaseIterable {
    case register
    case stake
    case configureEnclave = "configure enclave"
    case benchmark
    case join
    case verifyKey = "verify key"
    case startPrograms = "start programs"
    case updateKey = "update key"
}

/// Stake the operator should hold in one token; onboarding tops the stake up TO ``amount``.
public struct StakeTarget: Sendable, Hashable {
    public var token: TokenInfo
    /// Base units of ``token``.
    public var amount: BigUInt

    public init(token: TokenInfo, amount: BigUInt) {
        self.token = token
        self.amount = amount
    }
}

/// The market terms the operator joins with (spec §2.6.3).
public struct OnboardingJoinTerms: Sendable, Hashable {
    public var computePerRequest: BigUInt
    /// Minimum reward per proof, in the payment token's base units.
    public var proofCost: BigUInt
    /// Already converted to the generation's unit.
    public var proposedTime: ChainTime
    /// Generation B only: fraction × 1e18.
    public var commission: BigUInt?
    /// The payment token, for the plan's words ("proof cost 8 USDC"); nil: base units are said.
    public var paymentToken: TokenInfo?

    public init(
        computePerRequest: BigUInt, proofCost: BigUInt, proposedTime: ChainTime, commission: BigUInt? = nil,
        paymentToken: TokenInfo? = nil
    ) {
        self.computePerRequest = computePerRequest
        self.proofCost = proofCost
        self.proposedTime = proposedTime
        self.commission = commission
        self.paymentToken = paymentToken
    }

    /// The terms in words: amounts in the payment token, the commission in per cent.
    public var words: String {
        let cost = paymentToken?.format(proofCost) ?? "\(proofCost) base units of the payment token"
        var text = "compute per request \(computePerRequest), proof cost \(cost), proposed time \(proposedTime)"
        if let commission { text += ", commission \(Units.format(commission, decimals: 16)) %" }
        return text
    }
}

/// Whether the market needs its enclave key verified in a TEE verifier (spec §2.7).
public enum KeyVerification: Sendable, Hashable {
    /// The verifier at this address answers `getVerifiedKey(address)`.
    case needed(verifier: Address)
    /// The market's verifier has no `getVerifiedKey`: the step is left out.
    case notNeeded
    /// Not found out yet (the runner still has to ask the verifier): the step is blocked until it is.
    case unknown
}

/// What the operator wants to reach in one market.
public struct OnboardingGoal: Sendable, Hashable {
    public var marketId: BigUInt
    public var rewardAddress: Address
    public var declaredCompute: BigUInt
    public var metadata: [UInt8]
    public var stakeTargets: [StakeTarget]
    public var join: OnboardingJoinTerms
    /// Programs to start, in order (default: `listener`, then the market's prover program).
    public var programs: [String]
    public var keyVerification: KeyVerification
    /// A public market (``MarketInfo/isPublic``): joined without an enclave key, so no key on chain is no restart,
    /// and no key to verify.
    public var publicMarket: Bool

    public init(
        marketId: BigUInt, rewardAddress: Address, declaredCompute: BigUInt, metadata: [UInt8] = [],
        stakeTargets: [StakeTarget], join: OnboardingJoinTerms, programs: [String], keyVerification: KeyVerification,
        publicMarket: Bool = false
    ) {
        self.marketId = marketId
        self.rewardAddress = rewardAddress
        self.declaredCompute = declaredCompute
        self.metadata = metadata
        self.stakeTargets = stakeTargets
        self.join = join
        self.programs = programs
        self.keyVerification = keyVerification
        self.publicMarket = publicMarket
    }
}

/// What a runner read from the enclave.
public enum EnclaveObservation: Sendable, Hashable {
    /// The enclave did not answer; the reason is shown as is (it must not hold secrets).
    case unreachable(reason: String)
    case reachable(EnclaveState)
}

/// The enclave's state as its generator client reports it (spec §5.4).
public struct EnclaveState: Sendable, Hashable {
    /// The enclave's 64-byte ECIES public key, nil when it reports none.
    public var key: [UInt8]?
    /// Whether `generatorConfigSetup` has been done since the enclave started.
    public var hasConfig: Bool
    public var runningPrograms: Set<String>
    /// Whether a benchmark result for the market is known.
    public var benchmarkKnown: Bool
    /// The market this machine last configured the enclave for (its saved settings), nil when none is known.
    /// The generator client serves one market per operator ("Only one market is supported for every
    /// generator", spec §5.4.1): a configuration for another market is not this market's.
    public var configuredMarket: BigUInt?

    public init(
        key: [UInt8]?, hasConfig: Bool, runningPrograms: Set<String> = [], benchmarkKnown: Bool,
        configuredMarket: BigUInt? = nil
    ) {
        self.key = key
        self.hasConfig = hasConfig
        self.runningPrograms = runningPrograms
        self.benchmarkKnown = benchmarkKnown
        self.configuredMarket = configuredMarket
    }
}

/// A transaction of an onboarding step in the local journal that is not final yet.
public struct PendingOnboardingTransaction: Sendable, Hashable {
    public var step: OnboardingStepKind
    /// The transaction hash as shown to people (`0x…`).
    public var hash: String
    /// Confirmations so far; nil while the transaction is not mined.
    public var confirmations: Int?
    public var requiredConfirmations: Int

    public init(step: OnboardingStepKind, hash: String, confirmations: Int?, requiredConfirmations: Int) {
        self.step = step
        self.hash = hash
        self.confirmations = confirmations
        self.requiredConfirmations = requiredConfirmations
    }
}

/// What a runner read from chain, enclave and journal for one market: the engine's only input besides the goal.
public struct OnboardingObservation: Sendable, Hashable {
    public var registered: Bool
    public var declaredCompute: BigUInt
    /// Staked base units per token address.
    public var staked: [Address: BigUInt]
    /// The operator's membership in the goal's market, nil when not joined.
    public var membership: MarketMembership?
    public var enclave: EnclaveObservation
    /// What the TEE verifier's `getVerifiedKey(enclave address)` answers for the enclave's current key (the
    /// verified image id, bytes32): nil or zeros when the key is not verified (or the verifier was not asked).
    public var teeVerifiedKey: [UInt8]?
    public var pendingTransactions: [PendingOnboardingTransaction]

    public init(
        registered: Bool, declaredCompute: BigUInt = 0, staked: [Address: BigUInt] = [:],
        membership: MarketMembership? = nil, enclave: EnclaveObservation, teeVerifiedKey: [UInt8]? = nil,
        pendingTransactions: [PendingOnboardingTransaction] = []
    ) {
        self.registered = registered
        self.declaredCompute = declaredCompute
        self.staked = staked
        self.membership = membership
        self.enclave = enclave
        self.teeVerifiedKey = teeVerifiedKey
        self.pendingTransactions = pendingTransactions
    }

    /// The relevant parts of an operator snapshot for `marketId`.
    public init(
        snapshot: OperatorSnapshot, marketId: BigUInt, enclave: EnclaveObservation, teeVerifiedKey: [UInt8]?,
        pendingTransactions: [PendingOnboardingTransaction]
    ) {
        var staked: [Address: BigUInt] = [:]
        for position in snapshot.stakes { staked[position.token.address, default: 0] += position.staked }
        let membership = snapshot.membership(marketId).flatMap { $0.isMember ? $0 : nil }
        self.init(
            registered: snapshot.record.registered, declaredCompute: snapshot.record.declaredCompute, staked: staked,
            membership: membership, enclave: enclave, teeVerifiedKey: teeVerifiedKey,
            pendingTransactions: pendingTransactions)
    }
}
