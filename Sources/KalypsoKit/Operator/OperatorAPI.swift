import Basics
import BigInt
import EthereumKit
import Foundation

/// Every operator action of spec §2 and §2.10 on either contract generation, behind one surface: the
/// console's keys and the headless commands call this and never look at the generation.
///
/// Reads return the normalised model (``OperatorSnapshot``). Writes only *build* transactions: each returns
/// ``TransactionRequest``s (with a ``CallDescription`` in words and units) for ``TransactionSender`` to send,
/// in order. Before building, a write reads the chain and refuses with an ``OperatorRefusal`` (exit 5)
/// what the contract would revert or what would be pointless; a revert that still happens is decoded by
/// the pipeline (``KalypsoErrors``).
///
/// Get one from ``OperatorAPIFactory/make(config:operator:chain:)``.
public protocol OperatorAPI: Sendable {
    var generation: Generation { get }
    /// The operator (prover) address every call is about and sent from.
    var operatorAddress: Address { get }
    /// The unit of proposed times and reduction delays: blocks (A) or seconds (B).
    var timeUnit: TimeUnit { get }
    /// The lowest market id (A: 0, B: 1; Generation B's market 0 is a placeholder).
    var firstMarketId: BigUInt { get }

    /// The whole operator state. `markets` nil reads every market of the deployment.
    func snapshot(markets: [BigUInt]?) async throws -> OperatorSnapshot
    /// One market as joining needs it; an id outside the deployment is refused (`operator.unknownMarket`).
    func market(_ marketId: BigUInt) async throws -> MarketInfo
    /// The current chain time as the contracts see it.
    func clock() async throws -> ChainClock

    /// §2.1 `register`.
    func register(rewardAddress: Address, declaredCompute: BigUInt, metadata: [UInt8]) async throws
        -> TransactionRequest
    /// §2.5: the approval when the allowance is short, then the stake. `token` nil: Gen A's staking token,
    /// Gen B's first supported NativeStaking token; Gen B refuses tokens not in `getStakeTokenList()`.
    func stake(_ amount: BigUInt, token: Address?) async throws -> [TransactionRequest]
    /// §2.6.3 `joinMarketplace`, with the enclave key for private markets and without for public ones.
    func join(_ parameters: JoinParameters) async throws -> TransactionRequest
    /// §2.9 `updateEncryptionKey` after an enclave restart.
    func updateEnclaveKey(marketId: BigUInt, authorization: EnclaveAuthorization) async throws -> TransactionRequest
    /// `removeEncryptionKey`.
    func removeEnclaveKey(marketId: BigUInt) async throws -> TransactionRequest
    /// §2.7 `verifyKey` in a market's TEE verifier wrapper.
    func verifyKey(teeVerifier: Address, authorization: EnclaveAuthorization) async throws -> TransactionRequest
    /// `requestForExitMarketplace`.
    func requestExit(marketId: BigUInt) async throws -> TransactionRequest
    /// `leaveMarketplace`.
    func leave(marketId: BigUInt) async throws -> TransactionRequest
    /// `increaseDeclaredCompute(by)`.
    func increaseCompute(by amount: BigUInt) async throws -> TransactionRequest
    /// Step one of reducing declared compute to `target`: sends `current − target`.
    func requestComputeReduction(to target: BigUInt) async throws -> ReductionPlan
    /// Step two: `decreaseDeclaredCompute()`, refused while not due.
    func completeComputeReduction() async throws -> TransactionRequest
    /// Step one of reducing the stake in `token` to `target`: Gen A `intendToReduceStake(current − target)`,
    /// Gen B `requestStakeWithdrawal(prover, token, current − target)`.
    func requestStakeReduction(to target: BigUInt, token: Address?) async throws -> ReductionPlan
    /// Step two: Gen A `unstake(operator)`; Gen B `withdrawStake(operator, indexes)` of every due withdrawal.
    func completeStakeReduction() async throws -> TransactionRequest
    /// `deregister` (Gen A refunds the stake to the operator address).
    func deregister() async throws -> TransactionRequest
    /// Gen A `changeRewardAddress`, Gen B `updateProverRewardAddress`.
    func changeRewardAddress(_ newAddress: Address) async throws -> TransactionRequest
    /// Gen B `updateProverData`; refused on Generation A (no such function).
    func updateMetadata(_ metadata: [UInt8]) async throws -> TransactionRequest
    /// `ProofMarketplace.discardRequest(id)`: give up an assigned job and accept the slash.
    func discard(jobId: BigUInt) async throws -> TransactionRequest
    /// Claims what `rewardAddress` (nil: the operator's reward address) is owed: Gen A `flush`, Gen B the
    /// `claimProverFeeReward` variant the deployment has.
    func claimRewards(rewardAddress: Address?) async throws -> TransactionRequest
}

/// Picks the adapter for a configuration.
public enum OperatorAPIFactory {
    /// The adapter for `config.generation`, detected from the chain when the file does not say.
    public static func make(
        config: KalypsoConfig, operator operatorAddress: Address, chain: some OperatorChainReader & ChainProbe
    ) async throws -> any OperatorAPI {
        let generation: Generation
        if let g = config.generation {
            generation = g
        } else {
            let marketplace = try OperatorCore.required(config.contracts.proofMarketplace, "proof_market_place")
            generation = try await GenerationDetector.detect(marketplace: marketplace, probe: chain).generation
        }
        switch generation {
        case .a: return try GenAOperator(config: config, operator: operatorAddress, chain: chain)
        case .b: return try GenBOperator(config: config, operator: operatorAddress, chain: chain)
        }
    }
}

extension RPCOperatorChain: ChainProbe {
    public func chainId() async throws -> UInt64 { try await client.chainId() }
    public func code(at address: Address) async throws -> [UInt8] { try await client.code(at: address) }
    public func call(to address: Address, data: [UInt8]) async throws -> CallOutcome {
        try await read([ContractRead(to: address, data: data)])[0]
    }
}

/// A configuration key the adapter needs is missing.
public struct OperatorConfigError: OperatorError, Equatable {
    public let key: String
    public var code: ErrorCode { "operator.configMissing" }
    public var title: String { "kalypso-config.json lacks a contract address" }
    public var detail: String { "\(key) is missing or zero" }
    public var hint: String { "Add \"\(key)\" to kalypso-config.json (`\(CommandHints.configCheck)` lists it)." }
    public var category: ErrorCategory { .configuration }
}

/// What both adapters share: the chain, the ABIs, and checks that do not depend on the generation.
struct OperatorCore: Sendable {
    let generation: Generation
    let me: Address
    let chain: any OperatorChainReader
    let abis: OperatorABIs
    let config: KalypsoConfig
    static let exponent = BigUInt(10).power(18)

    static func required(_ address: Address?, _ key: String) throws -> Address {
        guard let address, address != .zero else { throw OperatorConfigError(key: key) }
        return address
    }

    func read(_ encoded: [Encoded]) async throws -> [ABIDecodedValues] {
        let outcomes = try await chain.read(encoded.map(\.read))
        return try zip(encoded, outcomes).map { try $0.decode($1) }
    }

    func clock() async throws -> ChainClock { ChainClock(latest: try await chain.latestBlock()) }

    /// Reads `first` and the reads built from what it answers, in one batch when the answer's shape (market
    /// count, reward address, token list) is what it was last time, else in a second batch. The first
    /// snapshot takes two round trips, the next ones one.
    func readDependent<Shape: Equatable & Sendable>(
        _ first: [Encoded], cache: ShapeCache<Shape>, shape: ([ABIDecodedValues]) -> Shape,
        dependent: (Shape) throws -> [Encoded]
    ) async throws -> (first: [ABIDecodedValues], dependent: [ABIDecodedValues]) {
        if let guess = cache.value {
            let guessed = try dependent(guess)
            let outcomes = try await chain.read((first + guessed).map(\.read))
            let head = try zip(first, outcomes).map { try $0.decode($1) }
            let actual = shape(head)
            if actual == guess {
                let tail = try zip(guessed, outcomes.dropFirst(first.count)).map { try $0.decode($1) }
                return (head, tail)
            }
            cache.value = actual
            return (head, try await read(try dependent(actual)))
        }
        let head = try await read(first)
        let actual = shape(head)
        cache.value = actual
        return (head, try await read(try dependent(actual)))
    }

    /// decimals() and symbol() of `token` as two reads for a batch, decoded by ``token(_:_:_:)``.
    func tokenReads(_ token: Address) throws -> [Encoded] {
        [
            try Encoded(abis.erc20, "decimals()", to: token, name: "ERC20"),
            try Encoded(abis.erc20, "symbol()", to: token, name: "ERC20"),
        ]
    }

    func token(_ address: Address, _ decimals: ABIDecodedValues, _ symbol: ABIDecodedValues) -> TokenInfo {
        TokenInfo(
            address: address, symbol: symbol.values.first?.stringValue ?? "tokens",
            decimals: Int(decimals.uint(0)))
    }

    /// A transaction to `to` from the operator, with its words.
    func request(
        _ encoded: Encoded, summary: String, _ arguments: [(String, String)]
    ) -> TransactionRequest {
        TransactionRequest(
            from: me, to: encoded.to, data: encoded.data,
            description: CallDescription(
                summary: summary, contract: "\(encoded.contractName) \(encoded.to.checksummed)",
                function: encoded.function.signature,
                arguments: arguments.map { CallDescription.Argument(name: $0.0, value: $0.1) }))
    }

    /// Market ids `first ..< count`, capped so that a wrong contract answering a huge counter cannot make
    /// a snapshot read millions of markets.
    static func marketIds(from first: Int, count: BigUInt) -> [BigUInt] {
        let n = Int(exactly: count).map { min($0, first + maxMarkets) } ?? first + maxMarkets
        return n > first ? (first..<n).map { BigUInt($0) } : []
    }
    static let maxMarkets = 1000

    // MARK: - Reduction arithmetic

    /// Both generations store a utilisation rounded down and multiply it back in step two (devnet README,
    /// "Gen A deployment"; kalypso_devnet/reductions.py): the amount released can exceed the amount asked.
    static func reduction(current: BigUInt, reduceBy: BigUInt) -> (utilization: BigUInt, newTotal: BigUInt) {
        let utilization = (current - reduceBy) * exponent / current
        return (utilization, utilization * current / exponent)
    }

    // MARK: - Refusals

    func notRegistered(_ action: String) -> OperatorRefusal {
        OperatorRefusal(
            .operatorNotRegistered, "The operator is not registered",
            detail: "\(me.checksummed) has no registration; \(action) needs one",
            hint: "Register first: kalypso-console register --reward-address ADDR --compute N")
    }

    func unknownMarket(_ id: BigUInt, count: BigUInt) -> OperatorRefusal {
        let range = count > firstMarket ? "\(firstMarket)…\(count - 1)" : "none"
        return OperatorRefusal(
            .operatorUnknownMarket, "There is no market \(id)",
            detail: "the marketplace has markets \(range) (marketCounter() = \(count))"
                + (generation == .a ? "; Generation A reverts with empty data for such ids (spec §9.1)" : ""),
            hint: "Pick a market id from the market list (\(CommandHints.markets)).")
    }

    var firstMarket: BigUInt { generation == .a ? 0 : 1 }

    func notJoined(_ id: BigUInt) -> OperatorRefusal {
        OperatorRefusal(
            .operatorNotJoined, "The operator is not in market \(id)",
            detail: "\(me.checksummed) has not joined market \(id) (or has left it)",
            hint: "Nothing to do for this market; join it first if that was the intent.")
    }

    func notDue(_ what: String, due: ChainTime, clock: ChainClock, hint command: String) -> OperatorRefusal {
        OperatorRefusal(
            .operatorReductionNotDue, "\(what) is not due yet",
            detail: "possible from \(due.unit == .seconds ? "timestamp" : "block") \(due.value); "
                + "\(clock.display(clock.remaining(until: due))) to go "
                + "(ReductionRequestNotValid() / WithdrawalTimeNotReached())",
            hint: "Run `\(command)` again after that.")
    }

    /// Refuses to discard a job that does not exist, is not assigned (state 3) or is someone else's
    /// (`ShouldBeInAssignedState(id)`, `OnlyGeneratorCanDiscardRequest(id)` / `OnlyProverCanDiscardRequest(id)`).
    func checkDiscardable(_ jobId: BigUInt, list: Encoded, state: Encoded) async throws {
        let outcomes = try await chain.read([list.read, state.read])
        guard case .returned = outcomes[0], case .returned = outcomes[1] else {
            throw OperatorRefusal(
                .operatorInvalidArgument, "There is no job \(jobId)",
                detail: "\(list.function.signature) reverts for it (an unknown id, spec §9.1)",
                hint: "Check the job id.")
        }
        let job = try list.decode(outcomes[0])
        let current = try state.decode(outcomes[1]).uint(0)
        guard current == 3 else {
            throw OperatorRefusal(
                .operatorNothingToDo, "Job \(jobId) is not assigned and running",
                detail: "its state is \(current), not ASSIGNED (3) (ShouldBeInAssignedState)",
                hint: "Only a job assigned to you and not yet proven or past its deadline can be discarded.")
        }
        let assignee = job.address(3)
        guard assignee == me else {
            throw OperatorRefusal(
                .operatorInvalidArgument, "Job \(jobId) is assigned to another operator",
                detail: "assigned to \(assignee.checksummed), not \(me.checksummed)", hint: "Check the job id.")
        }
    }

    static func invalid(_ what: String, hint: String) -> OperatorRefusal {
        OperatorRefusal(.operatorInvalidArgument, "An argument is not accepted", detail: what, hint: hint)
    }

    // MARK: - Enclave authorisation

    /// Checks an enclave authorisation as the registry will: the blob decodes, the enclave signature
    /// recovers to the attested key for this operator, the attestation is fresh against the chain's clock,
    /// and the image is in the market's family (`isImageInFamily`).
    func checkAuthorization(
        _ auth: EnclaveAuthorization, marketId: BigUInt?, keyRegistry: Address?, clock: ChainClock
    ) async throws -> Attestation {
        let attestation: Attestation
        do { attestation = try Attestation(encoded: auth.attestationBlob) } catch {
            throw OperatorRefusal(
                .operatorBadAuthorization, "The attestation blob is malformed", detail: error.detail,
                hint: "Take the blob from the enclave's joinAuthorization (attestation verified by the verifier).")
        }
        if marketId != nil {
            let signature: Signature
            do { signature = try Signature(serialized: auth.enclaveSignature) } catch {
                throw OperatorRefusal(
                    .operatorBadAuthorization, "The enclave signature is malformed",
                    detail: "\(auth.enclaveSignature.count) bytes; 65 bytes r ‖ s ‖ v expected",
                    hint: "Ask the enclave for a fresh signAttestation.")
            }
            do {
                try EnclaveSignature.check(
                    signature, attestation: attestation, blob: auth.attestationBlob, operator: me)
            } catch {
                throw OperatorRefusal(
                    .operatorBadAuthorization, error.title, detail: error.detail + " (InvalidEnclaveSignature)",
                    hint: error.hint)
            }
        }
        do {
            try attestation.checkFresh(now: Date(timeIntervalSince1970: TimeInterval(clock.timestamp)), margin: 60)
        } catch {
            throw OperatorRefusal(
                .operatorAttestationTooOld, "The attestation is too old for the contract",
                detail: error.detail + " (by the latest block's time)",
                hint: "Fetch a fresh attestation from the enclave and sign again right before sending.")
        }
        if let marketId, let keyRegistry {
            let family = Attestation.familyId(tag: generation == .a ? "gen" : "prov", marketId: marketId)
            let call = try Encoded(
                abis.keyRegistry, "isImageInFamily(bytes32,bytes32)", to: keyRegistry, name: "EntityKeyRegistry",
                [.fixedBytes(attestation.imageId), .fixedBytes(family)])
            let inFamily = try await read([call])[0].values.first?.boolValue ?? false
            guard inFamily else {
                throw OperatorRefusal(
                    .operatorImageNotInFamily, "The enclave runs an image market \(marketId) does not accept",
                    detail: "image id \(Hex.encode(attestation.imageId)) is not in the market's family "
                        + "\(Hex.encode(family)) (the contract would revert IncorrectImageId())",
                    hint: "Deploy the market's enclave image (the .eif linked from the market's metadata).")
            }
        }
        return attestation
    }

    /// Refuses a proposed time in the wrong unit or outside `bounds`.
    func checkProposedTime(_ time: ChainTime, unit: TimeUnit, bounds: ClosedRange<BigUInt>) throws {
        guard time.unit == unit else {
            throw OperatorRefusal(
                .operatorWrongTimeUnit, "The proposed time is in the wrong unit",
                detail: "Generation \(generation.rawValue) counts time in \(unit.rawValue); got \(time)",
                hint: unit == .blocks
                    ? "Give the proposed time in blocks (on Arbitrum L1 blocks of about 12 s, spec §6.3), e.g. 480blocks."
                    : "Give the proposed time in seconds, e.g. 30m.")
        }
        guard bounds.contains(time.value) else {
            throw OperatorRefusal(
                .operatorTimeOutOfBounds, "The proposed time is outside the market's bounds",
                detail: "\(time) is not within \(bounds.lowerBound)…\(bounds.upperBound) \(unit.rawValue)",
                hint: "Choose a proposed time within the bounds, longer than the benchmark with a margin.")
        }
    }

    func checkFreeBalance(balance: BigUInt, amount: BigUInt, token: TokenInfo) throws {
        guard balance >= amount else {
            throw OperatorRefusal(
                .operatorInsufficientBalance, "Not enough \(token.symbol) in the operator account",
                detail: "staking \(token.format(amount)) needs that much; the account holds \(token.format(balance))",
                hint: "Send \(token.symbol) to \(me.checksummed) first, or stake less.")
        }
    }
}

/// The last shape of an operator's state (what the dependent reads were built from), shared by copies of
/// an adapter so that the next snapshot can be read in one batch.
final class ShapeCache<Shape: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: Shape?
    var value: Shape? {
        get { lock.withLock { stored } }
        set { lock.withLock { stored = newValue } }
    }
}
