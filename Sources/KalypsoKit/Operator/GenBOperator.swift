import BigInt
import EthereumKit
import Foundation

/// Which `claimProverFeeReward` a Generation B marketplace has (spec §2.10, §9 item 6).
public enum ClaimVariant: String, Sendable, Hashable {
    /// SDK 1.0.58: `claimProverFeeReward()`, sent by the reward address itself.
    case callerIsRewardAddress
    /// Arbitrum One: `claimProverFeeReward(address)`, anyone may send it for a reward address.
    case forRewardAddress
}

/// Generation B: ProverManager (registration, compute), NativeStaking (stake, withdrawals) and
/// ProofMarketplace (bids, fee rewards); time in seconds (`block.timestamp`).
public struct GenBOperator: OperatorAPI {
    let core: OperatorCore
    let manager: Address
    let marketplace: Address
    let keyRegistry: Address
    let nativeStaking: Address
    let paymentToken: Address
    let logStartBlock: UInt64
    /// What the last snapshot's dependent reads were built from.
    let shape = ShapeCache<Shape>()
    struct Shape: Equatable, Sendable {
        var count: BigUInt
        var tokens: [Address]
        var reward: Address
    }

    public var generation: Generation { .b }
    public var operatorAddress: Address { core.me }
    public var timeUnit: TimeUnit { .seconds }
    public var firstMarketId: BigUInt { 1 }

    public init(config: KalypsoConfig, operator operatorAddress: Address, chain: any OperatorChainReader) throws {
        core = OperatorCore(
            generation: .b, me: operatorAddress, chain: chain, abis: try OperatorABIs(generation: .b), config: config)
        manager = try OperatorCore.required(config.contracts.generatorRegistry, "generator_registry")
        marketplace = try OperatorCore.required(config.contracts.proofMarketplace, "proof_market_place")
        keyRegistry = try OperatorCore.required(config.contracts.entityRegistry, "entity_registry")
        nativeStaking = try OperatorCore.required(config.contracts.nativeStaking, "nativeStaking")
        paymentToken = try OperatorCore.required(config.contracts.paymentToken, "payment_token")
        logStartBlock = config.logStartBlock ?? 0
    }

    var me: Address { core.me }

    func pm(_ signature: String, _ args: [ABIValue] = []) throws -> Encoded {
        try Encoded(core.abis.registry, signature, to: manager, name: "ProverManager", args)
    }
    func mkt(_ signature: String, _ args: [ABIValue] = []) throws -> Encoded {
        try Encoded(core.abis.marketplace, signature, to: marketplace, name: "ProofMarketplace", args)
    }
    func keys(_ signature: String, _ args: [ABIValue] = []) throws -> Encoded {
        try Encoded(core.abis.keyRegistry, signature, to: keyRegistry, name: "EntityKeyRegistry", args)
    }
    func ns(_ signature: String, _ args: [ABIValue] = []) throws -> Encoded {
        guard let abi = core.abis.nativeStaking else { throw OperatorConfigError(key: "nativeStaking") }
        return try Encoded(abi, signature, to: nativeStaking, name: "NativeStaking", args)
    }
    func erc20(_ token: Address, _ signature: String, _ args: [ABIValue] = []) throws -> Encoded {
        try Encoded(core.abis.erc20, signature, to: token, name: "ERC20", args)
    }

    // MARK: - Reads

    public func clock() async throws -> ChainClock { try await core.clock() }

    /// The withdrawal indexes of this operator's own stake, from `StakeWithdrawalRequested(account, prover,
    /// token, index, amount)` logs since `logStartBlock` (NativeStaking has no length getter, spec §2.10).
    public func withdrawalIndexes() async throws -> [BigUInt] {
        guard let abi = core.abis.nativeStaking else { return [] }
        let event = try abi.event("StakeWithdrawalRequested")
        let mine = [UInt8](repeating: 0, count: 12) + me.bytes
        let logs = try await core.chain.logs(
            address: nativeStaking, topics: [[event.topic0], [mine], [mine]], fromBlock: logStartBlock)
        var out: [BigUInt] = []
        for log in logs where !log.removed && log.topics.count == 4 {
            let index = BigUInt(Data(log.topics[3]))
            if !out.contains(index) { out.append(index) }
        }
        return out.sorted()
    }

    /// Reads in two batches: registration, market count, stake tokens and constants; then every market,
    /// every token's stake and balances, every requested withdrawal and the claimable fee reward. The
    /// withdrawal logs and the latest block are read meanwhile.
    public func snapshot(markets requested: [BigUInt]?) async throws -> OperatorSnapshot {
        async let clockRead = core.clock()
        async let indexesRead = withdrawalIndexes()
        let first: [Encoded] =
            [
                try pm("proverRegistry(address)", [.address(me)]), try mkt("marketCounter()"),
                try ns("getStakeTokenList()"), try ns("withdrawalDuration()"),
                try pm("reduceComputeRequestTimestamp(address)", [.address(me)]),
            ] + (try core.tokenReads(paymentToken))
        let indexes = try await indexesRead
        let (r, s) = try await core.readDependent(
            first, cache: shape,
            shape: { r in
                Shape(
                    count: r[1].uint(0), tokens: (r[2].values.first?.elements ?? []).compactMap(\.addressValue),
                    reward: r[0].address(0))
            },
            dependent: { shape in
                var reads: [Encoded] = []
                let ids = requested ?? OperatorCore.marketIds(from: 1, count: shape.count)
                for id in ids where id >= 1 && id < shape.count {
                    reads.append(try pm("proverInfoPerMarket(address,uint256)", [.address(me), .uint(id)]))
                    reads.append(try keys("pub_key(address,uint256)", [.address(me), .uint(id)]))
                }
                for t in shape.tokens {
                    reads += [
                        try ns("getProverStakeAmount(address,address)", [.address(t), .address(me)]),
                        try ns("getProverLockedAmount(address,address)", [.address(t), .address(me)]),
                        try ns("amountToLock(address)", [.address(t)]),
                        try erc20(t, "balanceOf(address)", [.address(me)]),
                        try erc20(t, "allowance(address,address)", [.address(me), .address(nativeStaking)]),
                    ]
                    reads += try core.tokenReads(t)
                }
                for i in indexes {
                    reads.append(
                        try ns("withdrawalRequests(address,address,uint256)", [.address(me), .address(me), .uint(i)]))
                }
                if shape.reward != .zero {
                    reads.append(try mkt("proverClaimableFeeReward(address)", [.address(shape.reward)]))
                }
                return reads
            })
        let p = r[0]
        let count = r[1].uint(0)
        let tokens = (r[2].values.first?.elements ?? []).compactMap(\.addressValue)
        let reductionDue = r[4].uint(0)
        let payment = core.token(paymentToken, r[5], r[6])
        let rewardAddress = p.address(0)
        let registered = rewardAddress != .zero
        let ids = requested ?? OperatorCore.marketIds(from: 1, count: count)
        let known = ids.filter { $0 >= 1 && $0 < count }
        var at = 0
        var memberships: [MarketMembership] = []
        for id in known {
            let info = s[at]
            let key = s[at + 1].bytes(0)
            at += 2
            memberships.append(
                MarketMembership(
                    marketId: id, state: GenAOperator.state(info.uint(0)), computePerRequest: info.uint(1),
                    proofCost: info.uint(3), proposedTime: .seconds(info.uint(4)), commission: info.uint(2),
                    activeRequests: info.uint(5), enclaveKey: key.isEmpty ? nil : key))
        }
        var positions: [StakePosition] = []
        for t in tokens {
            let staked = s[at].uint(0)
            let locked = s[at + 1].uint(0)
            let info = core.token(t, s[at + 5], s[at + 6])
            positions.append(
                StakePosition(
                    token: info, staked: staked, locked: locked, free: staked > locked ? staked - locked : 0,
                    lockedPerTask: s[at + 2].uint(0), walletBalance: s[at + 3].uint(0), allowance: s[at + 4].uint(0),
                    pendingReduction: nil, pendingWithdrawals: []))
            at += 7
        }
        for i in indexes {
            let w = s[at]
            at += 1
            let amount = w.uint(1)
            guard amount > 0, let k = positions.firstIndex(where: { $0.token.address == w.address(0) }) else {
                continue
            }
            positions[k].pendingWithdrawals.append(
                PendingWithdrawal(index: i, token: w.address(0), amount: amount, availableAt: .seconds(w.uint(2))))
        }
        let declared = p.uint(4)
        var pendingCompute = GenAOperator.pending(total: declared, utilization: p.uint(5), registered: registered)
        pendingCompute?.dueAt = .seconds(reductionDue)
        let record = OperatorRecord(
            address: me, registered: registered, rewardAddress: registered ? rewardAddress : nil,
            declaredCompute: declared, allocatedCompute: p.uint(1), consumedCompute: p.uint(2),
            activeMarkets: p.uint(3),
            metadata: p.bytes(6), pendingComputeReduction: pendingCompute)
        let rewards =
            registered ? [RewardBalance(rewardAddress: rewardAddress, token: payment, claimable: s[at].uint(0))] : []
        return OperatorSnapshot(
            generation: .b, clock: try await clockRead, record: record, marketCount: count, markets: memberships,
            stakes: positions, rewards: rewards)
    }

    public func market(_ marketId: BigUInt) async throws -> MarketInfo {
        let count = try await core.read([try mkt("marketCounter()")])[0].uint(0)
        guard marketId >= 1, marketId < count else { throw core.unknownMarket(marketId, count: count) }
        let m = try await core.read([try mkt("marketData(uint256)", [.uint(marketId)])])[0]
        return MarketInfo(
            marketId: marketId, verifier: m.address(0), proverImageId: m.bytes(1), slashingPenalty: nil,
            metadata: m.bytes(4))
    }

    /// Which claim function the deployment has, by `eth_call` (spec §2.10): a `NoRewardToClaim()` revert or
    /// a success means the function exists; an empty revert means this build lacks it.
    public func claimVariant(rewardAddress: Address) async throws -> ClaimVariant? {
        guard let delta = core.abis.marketplaceDelta else { return nil }
        let forAddress = try Encoded(
            delta, "claimProverFeeReward(address)", to: marketplace, name: "ProofMarketplace", [.address(rewardAddress)]
        )
        let byCaller = try mkt("claimProverFeeReward()")
        let outcomes = try await core.chain.read([
            ContractRead(to: marketplace, data: forAddress.data, from: me),
            ContractRead(to: marketplace, data: byCaller.data, from: rewardAddress),
        ])
        func exists(_ o: CallOutcome) -> Bool {
            if case .reverted(let data) = o { return !data.isEmpty }
            return true
        }
        if exists(outcomes[0]) { return .forRewardAddress }
        if exists(outcomes[1]) { return .callerIsRewardAddress }
        return nil
    }

    // MARK: - Writes

    public func register(rewardAddress: Address, declaredCompute: BigUInt, metadata: [UInt8]) async throws
        -> TransactionRequest
    {
        let snap = try await snapshot(markets: [])
        if snap.record.registered {
            throw OperatorRefusal(
                .operatorAlreadyRegistered, "The operator is already registered",
                detail: "\(me.checksummed) is registered with reward address "
                    + "\(snap.record.rewardAddress?.checksummed ?? "?") (ProverAlreadyExists())",
                hint: "Skip registration; change the reward address or compute with their own commands.")
        }
        try GenAOperator.checkRegisterArguments(rewardAddress, declaredCompute, metadata)
        return core.request(
            try pm(
                "register(address,uint256,bytes)", [.address(rewardAddress), .uint(declaredCompute), .bytes(metadata)]),
            summary: "Register as a prover with \(declaredCompute) compute units",
            [
                ("_rewardAddress", rewardAddress.checksummed), ("_declaredCompute", "\(declaredCompute) compute units"),
                ("_proverData", "\(metadata.count) bytes"),
            ])
    }

    public func stake(_ amount: BigUInt, token: Address?) async throws -> [TransactionRequest] {
        let snap = try await snapshot(markets: [])
        guard snap.record.registered else { throw core.notRegistered("staking") }
        guard let position = try position(snap, token) else { throw tokenNotSupported(token, snap) }
        guard amount > 0 else { throw OperatorCore.invalid("the amount is 0", hint: "Stake a positive amount.") }
        try core.checkFreeBalance(balance: position.walletBalance, amount: amount, token: position.token)
        let t = position.token
        var out: [TransactionRequest] = []
        if position.allowance < amount {
            out.append(
                core.request(
                    try erc20(t.address, "approve(address,uint256)", [.address(nativeStaking), .uint(amount)]),
                    summary: "Allow NativeStaking to take \(t.format(amount))",
                    [("spender", "NativeStaking \(nativeStaking.checksummed)"), ("amount", t.format(amount))]))
        }
        out.append(
            core.request(
                try ns("stake(address,address,uint256)", [.address(t.address), .address(me), .uint(amount)]),
                summary: "Stake \(t.format(amount)) in NativeStaking",
                [
                    ("_stakeToken", "\(t.symbol) \(t.address.checksummed)"), ("_prover", me.checksummed),
                    ("_amount", t.format(amount)),
                ]))
        return out
    }

    func position(_ snap: OperatorSnapshot, _ token: Address?) throws -> StakePosition? {
        guard let token else { return snap.stakes.first }
        return snap.stakes.first { $0.token.address == token }
    }

    func tokenNotSupported(_ token: Address?, _ snap: OperatorSnapshot) -> OperatorRefusal {
        let list = snap.stakes.map { "\($0.token.symbol) \($0.token.address.checksummed)" }.joined(separator: ", ")
        return OperatorRefusal(
            .operatorTokenNotSupported, "NativeStaking does not take this token",
            detail: "\(token?.checksummed ?? "no token") is not in getStakeTokenList() [\(list)] (TokenNotSupported())",
            hint: "Stake one of the listed tokens.")
    }

    public func join(_ p: JoinParameters) async throws -> TransactionRequest {
        let snap = try await snapshot(markets: [p.marketId])
        guard snap.record.registered else { throw core.notRegistered("joining a market") }
        guard p.marketId >= 1, p.marketId < snap.marketCount else {
            throw core.unknownMarket(p.marketId, count: snap.marketCount)
        }
        let bounds = try await core.read([try pm("MIN_PROVING_TIME()"), try pm("MAX_PROVING_TIME()")])
        guard p.computePerRequest > 0 else {
            throw OperatorCore.invalid("compute per request is 0", hint: "Give the compute each request needs.")
        }
        try core.checkProposedTime(p.proposedTime, unit: .seconds, bounds: bounds[0].uint(0)...bounds[1].uint(0))
        guard p.commission <= OperatorCore.exponent else {
            throw OperatorCore.invalid(
                "commission \(p.commission) is above 1e18 (100 %) (InvalidProverCommission())",
                hint: "Give a fraction between 0 and 1.")
        }
        let market = try await market(p.marketId)
        guard market.exists else { throw core.unknownMarket(p.marketId, count: snap.marketCount) }
        if let m = snap.membership(p.marketId), m.isMember {
            throw OperatorRefusal(
                .operatorAlreadyJoined, "The operator is already in market \(p.marketId)",
                detail: "state \(m.state), \(m.computePerRequest) compute per request (AlreadyJoinedMarket())",
                hint: "Nothing to do; to change the terms, leave the market and join again.")
        }
        try shared.checkCompute(snap.record, adding: p.computePerRequest)
        let withKey = try await checkKeyUse(market: market, authorization: p.authorization, clock: snap.clock)
        if withKey, let authorization = p.authorization {
            try await shared.checkKeyNotVerified(authorization, marketId: p.marketId)
        }
        let call = try pm(
            "joinMarketplace(uint256,uint256,uint256,uint256,uint256,bool,bytes,bytes)",
            [
                .uint(p.marketId), .uint(p.computePerRequest), .uint(p.proofCost), .uint(p.proposedTime.value),
                .uint(p.commission), .bool(withKey), .bytes(p.authorization?.attestationBlob ?? []),
                .bytes(p.authorization?.enclaveSignature ?? []),
            ])
        let payment = try await core.read(try core.tokenReads(paymentToken))
        let token = core.token(paymentToken, payment[0], payment[1])
        return core.request(
            call, summary: "Join market \(p.marketId)" + (withKey ? " with the enclave key" : ""),
            [
                ("_marketId", "\(p.marketId)"), ("_computePerRequestRequired", "\(p.computePerRequest) compute units"),
                ("_proofGenerationCost", token.format(p.proofCost)),
                ("_proposedTime", snap.clock.display(p.proposedTime)),
                ("_commission", "\(Units.format(p.commission * 100, decimals: 18)) %"),
                ("_updateMarketDedicatedKey", "\(withKey)"),
                ("_attestationData", "\(p.authorization?.attestationBlob.count ?? 0) bytes"),
                ("_enclaveSignature", "\(p.authorization?.enclaveSignature.count ?? 0) bytes"),
            ])
    }

    /// The Generation A adapter's generation-neutral checks, reused (same rules, same words).
    var shared: GenAOperator.Checks { GenAOperator.Checks(core: core, keyRegistry: keyRegistry) }

    func checkKeyUse(market: MarketInfo, authorization: EnclaveAuthorization?, clock: ChainClock) async throws -> Bool {
        try await shared.checkKeyUse(market: market, authorization: authorization, clock: clock)
    }

    public func updateEnclaveKey(marketId: BigUInt, authorization: EnclaveAuthorization) async throws
        -> TransactionRequest
    {
        let snap = try await snapshot(markets: [marketId])
        guard snap.record.registered else { throw core.notRegistered("updating the enclave key") }
        let market = try await market(marketId)
        _ = try await checkKeyUse(market: market, authorization: authorization, clock: snap.clock)
        return core.request(
            try pm(
                "updateEncryptionKey(uint256,bytes,bytes)",
                [.uint(marketId), .bytes(authorization.attestationBlob), .bytes(authorization.enclaveSignature)]),
            summary: "Register the enclave's new key for market \(marketId)",
            [
                ("marketId", "\(marketId)"), ("attestationData", "\(authorization.attestationBlob.count) bytes"),
                ("enclaveSignature", "\(authorization.enclaveSignature.count) bytes"),
            ])
    }

    public func removeEnclaveKey(marketId: BigUInt) async throws -> TransactionRequest {
        let snap = try await snapshot(markets: [marketId])
        guard snap.record.registered else { throw core.notRegistered("removing the enclave key") }
        guard marketId >= 1, marketId < snap.marketCount else {
            throw core.unknownMarket(marketId, count: snap.marketCount)
        }
        guard snap.membership(marketId)?.enclaveKey != nil else {
            throw OperatorRefusal(
                .operatorNothingToDo, "No enclave key is registered for market \(marketId)",
                detail: "pub_key(\(me.checksummed), \(marketId)) is empty", hint: "Nothing to remove.")
        }
        return core.request(
            try pm("removeEncryptionKey(uint256)", [.uint(marketId)]),
            summary: "Remove the enclave key of market \(marketId)", [("marketId", "\(marketId)")])
    }

    public func verifyKey(teeVerifier: Address, authorization: EnclaveAuthorization) async throws -> TransactionRequest
    {
        try await verifyKeyRequest(core: core, teeVerifier: teeVerifier, authorization: authorization)
    }

    func joined(_ marketId: BigUInt, _ action: String) async throws -> (OperatorSnapshot, MarketMembership) {
        let snap = try await snapshot(markets: [marketId])
        guard snap.record.registered else { throw core.notRegistered(action) }
        guard marketId >= 1, marketId < snap.marketCount else {
            throw core.unknownMarket(marketId, count: snap.marketCount)
        }
        guard let m = snap.membership(marketId), m.isMember else { throw core.notJoined(marketId) }
        return (snap, m)
    }

    public func requestExit(marketId: BigUInt) async throws -> TransactionRequest {
        let (_, m) = try await joined(marketId, "leaving a market")
        guard m.state == .joined else {
            throw OperatorRefusal(
                .operatorNothingToDo, "The exit from market \(marketId) is already requested",
                detail: "\(m.activeRequests) requests still running",
                hint: "Leave once they finish: kalypso-console leave --market \(marketId).")
        }
        return core.request(
            try pm("requestForExitMarketplace(uint256)", [.uint(marketId)]),
            summary: "Request to exit market \(marketId)", [("marketId", "\(marketId)")])
    }

    public func leave(marketId: BigUInt) async throws -> TransactionRequest {
        let (_, m) = try await joined(marketId, "leaving a market")
        try OperatorChecks.noActiveRequests(m)
        return core.request(
            try pm("leaveMarketplace(uint256)", [.uint(marketId)]), summary: "Leave market \(marketId)",
            [("marketId", "\(marketId)")])
    }

    public func increaseCompute(by amount: BigUInt) async throws -> TransactionRequest {
        let snap = try await snapshot(markets: [])
        guard snap.record.registered else { throw core.notRegistered("increasing compute") }
        guard amount > 0 else {
            throw OperatorRefusal(
                .operatorNothingToDo, "Increasing compute by 0 changes nothing",
                detail: "the contract reverts ZeroComputeToIncrease()", hint: "Give the number of compute units to add."
            )
        }
        return core.request(
            try pm("increaseDeclaredCompute(uint256)", [.uint(amount)]),
            summary: "Increase declared compute by \(amount) to \(snap.record.declaredCompute + amount)",
            [("computeToIncrease", "\(amount) compute units")])
    }

    public func requestComputeReduction(to target: BigUInt) async throws -> ReductionPlan {
        let snap = try await snapshot(markets: [])
        let record = snap.record
        guard record.registered else { throw core.notRegistered("reducing compute") }
        if let p = record.pendingComputeReduction {
            throw OperatorRefusal(
                .operatorReductionPending, "A compute reduction is already pending",
                detail: "declared \(p.current) will become \(p.newTotal) (RequestAlreadyInPlace())",
                hint: "Complete it first: kalypso-console compute reduce (second step).")
        }
        let current = record.declaredCompute
        try shared.checkReductionTarget(
            target, current: current, floor: record.allocatedCompute, floorWhat: "allocated to markets",
            unit: "compute units")
        let amount = current - target
        let (_, newTotal) = OperatorCore.reduction(current: current, reduceBy: amount)
        return ReductionPlan(
            request: core.request(
                try pm("intendToReduceCompute(uint256)", [.uint(amount)]),
                summary: "Request to reduce declared compute from \(current) to \(newTotal)",
                [
                    (
                        "_computeToReduce",
                        "\(amount) compute units (\(current) − \(target); the chain will leave \(newTotal))"
                    )
                ]),
            current: current, target: target, amountSent: amount, newTotal: newTotal, releases: current - newTotal,
            wait: .seconds(100))
    }

    public func completeComputeReduction() async throws -> TransactionRequest {
        let snap = try await snapshot(markets: [])
        let record = snap.record
        guard record.registered else { throw core.notRegistered("reducing compute") }
        guard let p = record.pendingComputeReduction else {
            throw OperatorRefusal(
                .operatorNoReductionPending, "No compute reduction is pending",
                detail: "intendedComputeUtilization is 100 % (ReduceComputeRequestNotInPlace())",
                hint: "Request one first: kalypso-console compute reduce --to N.")
        }
        if let due = p.dueAt, !snap.clock.hasReached(due) {
            throw core.notDue(
                "The compute reduction", due: due, clock: snap.clock, hint: "kalypso-console compute reduce")
        }
        guard p.newTotal >= record.consumedCompute, p.newTotal >= record.allocatedCompute else {
            throw OperatorRefusal(
                .operatorInsufficientFreeStake, "The reduced compute would be below what is in use",
                detail:
                    "new total \(p.newTotal); \(record.allocatedCompute) allocated, \(record.consumedCompute) in use",
                hint: "Leave a market or wait for running tasks to finish.")
        }
        return core.request(
            try pm("decreaseDeclaredCompute()"),
            summary: "Reduce declared compute from \(p.current) to \(p.newTotal) (releases \(p.releases))", [])
    }

    public func requestStakeReduction(to target: BigUInt, token: Address?) async throws -> ReductionPlan {
        let snap = try await snapshot(markets: [])
        guard snap.record.registered else { throw core.notRegistered("reducing stake") }
        guard let position = try position(snap, token) else { throw tokenNotSupported(token, snap) }
        let t = position.token
        let own = try await core.read([
            try ns("getStakeAmount(address,address,address)", [.address(t.address), .address(me), .address(me)])
        ])[0].uint(0)
        guard target < own else {
            throw OperatorRefusal(
                .operatorNothingToDo, "The target is not below the current stake",
                detail: "this account staked \(t.format(own)); target \(t.format(target))",
                hint: "Give a target below \(t.format(own)).")
        }
        let amount = own - target
        guard amount <= position.free else {
            throw OperatorRefusal(
                .operatorInsufficientFreeStake, "Not enough unlocked stake",
                detail: "withdrawing \(t.format(amount)) needs that much unlocked; \(t.format(position.locked)) of "
                    + "\(t.format(position.staked)) is locked by running tasks (InsufficientStakeAmount())",
                hint: "Wait for running tasks to finish, or withdraw less.")
        }
        let duration = try await core.read([try ns("withdrawalDuration()")])[0].uint(0)
        return ReductionPlan(
            request: core.request(
                try ns(
                    "requestStakeWithdrawal(address,address,uint256)",
                    [.address(me), .address(t.address), .uint(amount)]),
                summary: "Request to withdraw \(t.format(amount)) of stake (leaves \(t.format(target)))",
                [
                    ("_prover", me.checksummed), ("_stakeToken", "\(t.symbol) \(t.address.checksummed)"),
                    ("_amount", t.format(amount)),
                ]),
            current: own, target: target, amountSent: amount, newTotal: target, releases: amount,
            wait: .seconds(duration))
    }

    public func completeStakeReduction() async throws -> TransactionRequest {
        let snap = try await snapshot(markets: [])
        let pending = snap.stakes.flatMap(\.pendingWithdrawals)
        guard !pending.isEmpty else {
            throw OperatorRefusal(
                .operatorNoReductionPending, "No stake withdrawal is pending",
                detail: "no StakeWithdrawalRequested for \(me.checksummed) with an amount left",
                hint: "Request one first: kalypso-console unstake AMOUNT.")
        }
        let due = pending.filter { snap.clock.hasReached($0.availableAt) }
        guard !due.isEmpty else {
            let first = pending.map(\.availableAt).min { $0.value < $1.value } ?? pending[0].availableAt
            throw core.notDue("The stake withdrawal", due: first, clock: snap.clock, hint: "kalypso-console withdraw")
        }
        let words = due.map { w in
            let token = snap.stakes.first { $0.token.address == w.token }?.token
            return "#\(w.index) \(token?.format(w.amount) ?? "\(w.amount)")"
        }
        return core.request(
            try ns("withdrawStake(address,uint256[])", [.address(me), .array(due.map { .uint($0.index) })]),
            summary: "Withdraw \(due.count) stake withdrawal(s): \(words.joined(separator: ", "))",
            [("_prover", me.checksummed), ("_index", due.map { "\($0.index)" }.joined(separator: ", "))])
    }

    public func deregister() async throws -> TransactionRequest {
        let snap = try await snapshot(markets: [])
        guard snap.record.registered else {
            throw OperatorRefusal(
                .operatorNotRegistered, "The operator is not registered",
                detail: "\(me.checksummed) has no registration to remove", hint: "Nothing to do.")
        }
        guard snap.record.allocatedCompute == 0 else {
            throw OperatorRefusal(
                .operatorActiveMarkets, "The operator is still in markets",
                detail: "\(snap.record.activeMarkets) market(s) hold \(snap.record.allocatedCompute) compute units "
                    + "(CannotLeaveWithActiveMarket())",
                hint: "Leave every market first: kalypso-console leave --market ID.")
        }
        return core.request(
            try pm("deregister()"), summary: "Deregister (stake stays in NativeStaking; withdraw it separately)", [])
    }

    public func changeRewardAddress(_ newAddress: Address) async throws -> TransactionRequest {
        let snap = try await snapshot(markets: [])
        guard snap.record.registered else { throw core.notRegistered("changing the reward address") }
        try checkNewRewardAddress(newAddress, current: snap.record.rewardAddress)
        return core.request(
            try pm("updateProverRewardAddress(address)", [.address(newAddress)]),
            summary: "Send future earnings to \(newAddress.checksummed)",
            [("_newRewardAddress", newAddress.checksummed)])
    }

    public func updateMetadata(_ metadata: [UInt8]) async throws -> TransactionRequest {
        let snap = try await snapshot(markets: [])
        guard snap.record.registered else { throw core.notRegistered("updating metadata") }
        guard !metadata.isEmpty else {
            throw OperatorCore.invalid("the metadata is empty (ZeroProverDataLength())", hint: "Give metadata.")
        }
        guard metadata != snap.record.metadata else {
            throw OperatorRefusal(
                .operatorNothingToDo, "The metadata is unchanged", detail: "\(metadata.count) bytes, same as on chain",
                hint: "Nothing to do.")
        }
        return core.request(
            try pm("updateProverData(bytes)", [.bytes(metadata)]), summary: "Update the operator metadata",
            [("_proverData", String(bytes: metadata, encoding: .utf8).map { "\"\($0)\"" } ?? "\(metadata.count) bytes")]
        )
    }

    public func discard(jobId: BigUInt) async throws -> TransactionRequest {
        try await core.checkDiscardable(
            jobId, list: try mkt("listOfBid(uint256)", [.uint(jobId)]),
            state: try mkt("getBidState(uint256)", [.uint(jobId)]))
        return core.request(
            try mkt("discardRequest(uint256)", [.uint(jobId)]),
            summary: "Discard job \(jobId) (the locked stake may be slashed)", [("bidId", "\(jobId)")])
    }

    public func claimRewards(rewardAddress: Address?) async throws -> TransactionRequest {
        let snap = try await snapshot(markets: [])
        guard let target = rewardAddress ?? snap.record.rewardAddress else {
            throw core.notRegistered("claiming (no reward address)")
        }
        let payment = try await core.read(try core.tokenReads(paymentToken))
        let token = core.token(paymentToken, payment[0], payment[1])
        let claimable = try await core.read([try mkt("proverClaimableFeeReward(address)", [.address(target)])])[0]
            .uint(0)
        guard claimable > 0 else {
            throw OperatorRefusal(
                .operatorNothingToClaim, "Nothing to claim",
                detail: "proverClaimableFeeReward(\(target.checksummed)) is 0 (NoRewardToClaim())",
                hint: "Claim after proofs have been paid (\"No claimable amount available\").")
        }
        switch try await claimVariant(rewardAddress: target) {
        case .forRewardAddress:
            guard let delta = core.abis.marketplaceDelta else { throw OperatorConfigError(key: "proof_market_place") }
            let call = try Encoded(
                delta, "claimProverFeeReward(address)", to: marketplace, name: "ProofMarketplace", [.address(target)])
            return core.request(
                call, summary: "Claim \(token.format(claimable)) for \(target.checksummed)",
                [("proverRewardAddress", target.checksummed)])
        case .callerIsRewardAddress:
            guard target == me else {
                throw OperatorRefusal(
                    .operatorNotSupported, "This deployment pays only when the reward address claims",
                    detail: "it has claimProverFeeReward() only, which pays msg.sender; the reward address is "
                        + "\(target.checksummed), not the operator \(me.checksummed)",
                    hint: "Claim with the reward address's key.")
            }
            return core.request(
                try mkt("claimProverFeeReward()"), summary: "Claim \(token.format(claimable))", [])
        case nil:
            throw OperatorRefusal(
                .operatorNotSupported, "The marketplace has no claim function this console knows",
                detail: "both claimProverFeeReward() and claimProverFeeReward(address) revert with empty data",
                hint: "Check proof_market_place in kalypso-config.json.")
        }
    }
}
