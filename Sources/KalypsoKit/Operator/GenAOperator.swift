import BigInt
import EthereumKit
import Foundation

/// Generation A: GeneratorRegistry (registration, compute, stake) and ProofMarketplace Gen A (jobs,
/// `claimableAmount`/`flush`); time in blocks (`block.number`, on Arbitrum the L1 block, spec §6.3).
public struct GenAOperator: OperatorAPI {
    let core: OperatorCore
    let registry: Address
    let marketplace: Address
    let keyRegistry: Address
    let stakingToken: Address
    let paymentToken: Address
    let logStartBlock: UInt64
    /// What the last snapshot's dependent reads were built from.
    let shape = ShapeCache<Shape>()
    struct Shape: Equatable, Sendable {
        var count: BigUInt
        var reward: Address
    }

    public var generation: Generation { .a }
    public var operatorAddress: Address { core.me }
    public var timeUnit: TimeUnit { .blocks }
    public var firstMarketId: BigUInt { 0 }

    public init(config: KalypsoConfig, operator operatorAddress: Address, chain: any OperatorChainReader) throws {
        core = OperatorCore(
            generation: .a, me: operatorAddress, chain: chain, abis: try OperatorABIs(generation: .a), config: config)
        registry = try OperatorCore.required(config.contracts.generatorRegistry, "generator_registry")
        marketplace = try OperatorCore.required(config.contracts.proofMarketplace, "proof_market_place")
        keyRegistry = try OperatorCore.required(config.contracts.entityRegistry, "entity_registry")
        stakingToken = try OperatorCore.required(config.contracts.stakingToken, "staking_token")
        paymentToken = try OperatorCore.required(config.contracts.paymentToken, "payment_token")
        logStartBlock = config.logStartBlock ?? 0
    }

    // MARK: - Encoded calls

    func reg(_ signature: String, _ args: [ABIValue] = []) throws -> Encoded {
        try Encoded(core.abis.registry, signature, to: registry, name: "GeneratorRegistry", args)
    }
    func mkt(_ signature: String, _ args: [ABIValue] = []) throws -> Encoded {
        try Encoded(core.abis.marketplace, signature, to: marketplace, name: "ProofMarketplace", args)
    }
    func keys(_ signature: String, _ args: [ABIValue] = []) throws -> Encoded {
        try Encoded(core.abis.keyRegistry, signature, to: keyRegistry, name: "EntityKeyRegistry", args)
    }
    func erc20(_ token: Address, _ signature: String, _ args: [ABIValue] = []) throws -> Encoded {
        try Encoded(core.abis.erc20, signature, to: token, name: "ERC20", args)
    }
    var me: Address { core.me }
    var checks: Checks { Checks(core: core, keyRegistry: keyRegistry) }

    // MARK: - Reads

    public func clock() async throws -> ChainClock { try await core.clock() }

    /// Reads in two batches: the registration, market count and tokens; then every market's membership
    /// and key and the reward address's claimable amount (the reward address comes from the first).
    public func snapshot(markets requested: [BigUInt]?) async throws -> OperatorSnapshot {
        async let clockRead = core.clock()
        let first: [Encoded] =
            [
                try reg("generatorRegistry(address)", [.address(me)]), try mkt("marketCounter()"),
                try erc20(stakingToken, "balanceOf(address)", [.address(me)]),
                try erc20(stakingToken, "allowance(address,address)", [.address(me), .address(registry)]),
            ] + (try core.tokenReads(stakingToken)) + (try core.tokenReads(paymentToken))
        let (r, s) = try await core.readDependent(
            first, cache: shape, shape: { r in Shape(count: r[1].uint(0), reward: r[0].address(0)) },
            dependent: { shape in
                var reads: [Encoded] = []
                for id in requested ?? OperatorCore.marketIds(from: 0, count: shape.count) where id < shape.count {
                    reads.append(try reg("generatorInfoPerMarket(address,uint256)", [.address(me), .uint(id)]))
                    reads.append(try keys("pub_key(address,uint256)", [.address(me), .uint(id)]))
                }
                if shape.reward != .zero {
                    reads.append(try mkt("claimableAmount(address)", [.address(shape.reward)]))
                }
                return reads
            })
        let g = r[0]
        let count = r[1].uint(0)
        let staking = core.token(stakingToken, r[4], r[5])
        let payment = core.token(paymentToken, r[6], r[7])
        let rewardAddress = g.address(0)
        let registered = rewardAddress != .zero
        let ids = requested ?? OperatorCore.marketIds(from: 0, count: count)
        var memberships: [MarketMembership] = []
        for (i, id) in ids.filter({ $0 < count }).enumerated() {
            let info = s[2 * i]
            let key = s[2 * i + 1].bytes(0)
            memberships.append(
                MarketMembership(
                    marketId: id, state: Self.state(info.uint(0)), computePerRequest: info.uint(1),
                    proofCost: info.uint(2), proposedTime: .blocks(info.uint(3)), commission: nil,
                    activeRequests: info.uint(4), enclaveKey: key.isEmpty ? nil : key))
        }
        let declared = g.uint(6)
        let computeUtil = g.uint(8)
        let stakeUtil = g.uint(7)
        let exponent = OperatorCore.exponent
        // An unregistered address reads utilisation 0 (no record), which is not a reduction of anything.
        async let computeDue =
            registered && computeUtil < exponent ? dueBlock(after: "RequestComputeDecrease") : nil
        async let stakeDue = registered && stakeUtil < exponent ? dueBlock(after: "RequestStakeDecrease") : nil
        let totalStake = g.uint(1)
        let locked = g.uint(4)
        let usable = totalStake * stakeUtil / OperatorCore.exponent
        let record = OperatorRecord(
            address: me, registered: registered, rewardAddress: registered ? rewardAddress : nil,
            declaredCompute: declared, allocatedCompute: g.uint(2), consumedCompute: g.uint(3),
            activeMarkets: g.uint(5), metadata: g.bytes(9),
            pendingComputeReduction: Self.pending(
                total: declared, utilization: computeUtil, registered: registered, due: try await computeDue))
        let stake = StakePosition(
            token: staking, staked: totalStake, locked: locked, free: usable > locked ? usable - locked : 0,
            lockedPerTask: nil, walletBalance: r[2].uint(0), allowance: r[3].uint(0),
            pendingReduction: Self.pending(
                total: totalStake, utilization: stakeUtil, registered: registered, due: try await stakeDue),
            pendingWithdrawals: [])
        let rewards =
            registered
            ? [RewardBalance(rewardAddress: rewardAddress, token: payment, claimable: s.last?.uint(0) ?? 0)] : []
        return OperatorSnapshot(
            generation: .a, clock: try await clockRead, record: record, marketCount: count, markets: memberships,
            stakes: [stake], rewards: rewards)
    }

    public static func state(_ raw: BigUInt) -> MarketMembership.State {
        switch raw {
        case 0: return .notJoined
        case 1: return .joined
        case 4: return .requestedExit
        default: return .other(UInt8(raw))
        }
    }

    /// A pending reduction from a stored utilisation below 1e18; the second step's amount is what the
    /// contract will compute (rounded down). None for an unregistered address: its record is empty, so the
    /// utilisation reads 0 (a fresh operator was shown "0 POND: one block after the request").
    static func pending(
        total: BigUInt, utilization: BigUInt, registered: Bool, due: ChainTime? = nil
    ) -> PendingReduction? {
        guard registered, utilization < OperatorCore.exponent else { return nil }
        let newTotal = utilization * total / OperatorCore.exponent
        return PendingReduction(current: total, newTotal: newTotal, releases: total - newTotal, dueAt: due)
    }

    /// The block from which the second step is accepted: the request's `block.number` + 1
    /// (`REDUCTION_REQUEST_BLOCK_GAP`). The registry keeps it private, so it comes from the request's log;
    /// on Arbitrum `block.number` is the L1 block of the block that logged it (spec §6.3).
    func dueBlock(after eventName: String) async throws -> ChainTime? {
        let event = try core.abis.registry.event(eventName)
        let logs = try await core.chain.logs(
            address: registry, topics: [[event.topic0], [[UInt8](repeating: 0, count: 12) + me.bytes]],
            fromBlock: logStartBlock)
        guard let number = logs.last(where: { !$0.removed })?.blockNumber else { return nil }
        let block = try await core.chain.block(number: number)
        return .blocks(BigUInt(block.l1BlockNumber ?? block.number) + 1)
    }

    public func market(_ marketId: BigUInt) async throws -> MarketInfo {
        let count = try await core.read([try mkt("marketCounter()")])[0].uint(0)
        guard marketId < count else { throw core.unknownMarket(marketId, count: count) }
        let m = try await core.read([try mkt("marketData(uint256)", [.uint(marketId)])])[0]
        return MarketInfo(
            marketId: marketId, verifier: m.address(0), proverImageId: m.bytes(1), slashingPenalty: m.uint(2),
            metadata: m.bytes(6))
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
                    + "\(snap.record.rewardAddress?.checksummed ?? "?") (\"Generator is already registered\")",
                hint: "Skip registration; change the reward address or compute with their own commands.")
        }
        try Self.checkRegisterArguments(rewardAddress, declaredCompute, metadata)
        let call = try reg(
            "register(address,uint256,uint256,bytes)",
            [.address(rewardAddress), .uint(declaredCompute), .uint(0), .bytes(metadata)])
        return core.request(
            call, summary: "Register as an operator with \(declaredCompute) compute units",
            [
                ("rewardAddress", rewardAddress.checksummed), ("declaredCompute", "\(declaredCompute) compute units"),
                ("initialStake", "0 (stake separately)"), ("generatorData", "\(metadata.count) bytes"),
            ])
    }

    static func checkRegisterArguments(_ reward: Address, _ compute: BigUInt, _ metadata: [UInt8]) throws {
        if reward == .zero {
            throw OperatorCore.invalid("the reward address is zero", hint: "Give the address that receives earnings.")
        }
        if compute == 0 {
            throw OperatorCore.invalid("declared compute is 0", hint: "Declare the compute units you offer, e.g. 8.")
        }
        if metadata.isEmpty {
            throw OperatorCore.invalid(
                "the metadata is empty (the contract reverts CannotBeZero())",
                hint: "Give metadata, e.g. {\"display_name\":\"…\"} as UTF-8 JSON.")
        }
    }

    public func stake(_ amount: BigUInt, token: Address?) async throws -> [TransactionRequest] {
        let snap = try await snapshot(markets: [])
        guard snap.record.registered else { throw core.notRegistered("staking") }
        if let token, token != stakingToken {
            throw OperatorRefusal(
                .operatorTokenNotSupported, "Generation A stakes only its staking token",
                detail: "\(token.checksummed) is not STAKING_TOKEN \(stakingToken.checksummed)",
                hint: "Leave out --token, or give \(stakingToken.checksummed).")
        }
        guard amount > 0 else { throw OperatorCore.invalid("the amount is 0", hint: "Stake a positive amount.") }
        let position = snap.stakes[0]
        try core.checkFreeBalance(balance: position.walletBalance, amount: amount, token: position.token)
        var out: [TransactionRequest] = []
        if position.allowance < amount {
            out.append(
                core.request(
                    try erc20(stakingToken, "approve(address,uint256)", [.address(registry), .uint(amount)]),
                    summary: "Allow GeneratorRegistry to take \(position.token.format(amount))",
                    [
                        ("spender", "GeneratorRegistry \(registry.checksummed)"),
                        ("amount", position.token.format(amount)),
                    ]))
        }
        out.append(
            core.request(
                try reg("stake(address,uint256)", [.address(me), .uint(amount)]),
                summary: "Stake \(position.token.format(amount))",
                [("generatorAddress", me.checksummed), ("amount", position.token.format(amount))]))
        return out
    }

    public func join(_ p: JoinParameters) async throws -> TransactionRequest {
        let snap = try await snapshot(markets: [p.marketId])
        guard snap.record.registered else { throw core.notRegistered("joining a market") }
        guard p.marketId < snap.marketCount else { throw core.unknownMarket(p.marketId, count: snap.marketCount) }
        let market = try await market(p.marketId)
        guard market.exists else { throw core.unknownMarket(p.marketId, count: snap.marketCount) }
        if let m = snap.membership(p.marketId), m.isMember || m.proposedTime.value != 0 {
            throw OperatorRefusal(
                .operatorAlreadyJoined, "The operator is already in market \(p.marketId)",
                detail:
                    "state \(m.state), \(m.computePerRequest) compute per request (\"Already part of this market\")",
                hint: "Nothing to do; to change the terms, leave the market and join again.")
        }
        guard p.computePerRequest > 0 else {
            throw OperatorCore.invalid("compute per request is 0", hint: "Give the compute each request needs.")
        }
        try core.checkProposedTime(p.proposedTime, unit: .blocks, bounds: 1...BigUInt(UInt64.max))
        try checks.checkCompute(snap.record, adding: p.computePerRequest)
        let withKey = try await checks.checkKeyUse(market: market, authorization: p.authorization, clock: snap.clock)
        if withKey, let authorization = p.authorization {
            try await checks.checkKeyNotVerified(authorization, marketId: p.marketId)
        }
        let call = try reg(
            "joinMarketplace(uint256,uint256,uint256,uint256,bool,bytes,bytes)",
            [
                .uint(p.marketId), .uint(p.computePerRequest), .uint(p.proofCost), .uint(p.proposedTime.value),
                .bool(withKey), .bytes(p.authorization?.attestationBlob ?? []),
                .bytes(p.authorization?.enclaveSignature ?? []),
            ])
        let payment = snap.rewards.first?.token
        return core.request(
            call, summary: "Join market \(p.marketId)" + (withKey ? " with the enclave key" : ""),
            [
                ("marketId", "\(p.marketId)"), ("computePerRequestRequired", "\(p.computePerRequest) compute units"),
                ("proofGenerationCost", payment?.format(p.proofCost) ?? "\(p.proofCost) base units"),
                ("proposedTime", snap.clock.display(p.proposedTime)), ("updateMarketDedicatedKey", "\(withKey)"),
                ("attestationData", "\(p.authorization?.attestationBlob.count ?? 0) bytes"),
                ("enclaveSignature", "\(p.authorization?.enclaveSignature.count ?? 0) bytes"),
            ])
    }

    public func updateEnclaveKey(marketId: BigUInt, authorization: EnclaveAuthorization) async throws
        -> TransactionRequest
    {
        let snap = try await snapshot(markets: [marketId])
        guard snap.record.registered else { throw core.notRegistered("updating the enclave key") }
        guard marketId < snap.marketCount else { throw core.unknownMarket(marketId, count: snap.marketCount) }
        let market = try await market(marketId)
        _ = try await checks.checkKeyUse(market: market, authorization: authorization, clock: snap.clock)
        return core.request(
            try reg(
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
        guard marketId < snap.marketCount else { throw core.unknownMarket(marketId, count: snap.marketCount) }
        guard snap.membership(marketId)?.enclaveKey != nil else {
            throw OperatorRefusal(
                .operatorNothingToDo, "No enclave key is registered for market \(marketId)",
                detail: "pub_key(\(me.checksummed), \(marketId)) is empty", hint: "Nothing to remove.")
        }
        return core.request(
            try reg("removeEncryptionKey(uint256)", [.uint(marketId)]),
            summary: "Remove the enclave key of market \(marketId)", [("marketId", "\(marketId)")])
    }

    public func verifyKey(teeVerifier: Address, authorization: EnclaveAuthorization) async throws -> TransactionRequest
    {
        try await verifyKeyRequest(core: core, teeVerifier: teeVerifier, authorization: authorization)
    }

    public func requestExit(marketId: BigUInt) async throws -> TransactionRequest {
        let snap = try await snapshot(markets: [marketId])
        guard snap.record.registered else { throw core.notRegistered("leaving a market") }
        guard marketId < snap.marketCount else { throw core.unknownMarket(marketId, count: snap.marketCount) }
        guard let m = snap.membership(marketId), m.state == .joined else {
            if snap.membership(marketId)?.state == .requestedExit {
                throw OperatorRefusal(
                    .operatorNothingToDo, "The exit from market \(marketId) is already requested",
                    detail: "\(snap.membership(marketId)?.activeRequests ?? 0) requests still running",
                    hint: "Leave once they finish: kalypso-console leave --market \(marketId).")
            }
            throw core.notJoined(marketId)
        }
        return core.request(
            try reg("requestForExitMarketplace(uint256)", [.uint(marketId)]),
            summary: "Request to exit market \(marketId)", [("marketId", "\(marketId)")])
    }

    public func leave(marketId: BigUInt) async throws -> TransactionRequest {
        let snap = try await snapshot(markets: [marketId])
        guard snap.record.registered else { throw core.notRegistered("leaving a market") }
        guard marketId < snap.marketCount else { throw core.unknownMarket(marketId, count: snap.marketCount) }
        guard let m = snap.membership(marketId), m.isMember else { throw core.notJoined(marketId) }
        try OperatorChecks.noActiveRequests(m)
        return core.request(
            try reg("leaveMarketplace(uint256)", [.uint(marketId)]), summary: "Leave market \(marketId)",
            [("marketId", "\(marketId)")])
    }

    public func increaseCompute(by amount: BigUInt) async throws -> TransactionRequest {
        let snap = try await snapshot(markets: [])
        guard snap.record.registered else { throw core.notRegistered("increasing compute") }
        guard amount > 0 else {
            throw OperatorRefusal(
                .operatorNothingToDo, "Increasing compute by 0 changes nothing",
                detail: "the contract accepts increaseDeclaredCompute(0) and spends gas for nothing (spec §9.1)",
                hint: "Give the number of compute units to add.")
        }
        return core.request(
            try reg("increaseDeclaredCompute(uint256)", [.uint(amount)]),
            summary: "Increase declared compute by \(amount) to \(snap.record.declaredCompute + amount)",
            [("computeToIncrease", "\(amount) compute units")])
    }

    public func requestComputeReduction(to target: BigUInt) async throws -> ReductionPlan {
        let snap = try await snapshot(markets: [])
        let record = snap.record
        guard record.registered else { throw core.notRegistered("reducing compute") }
        try checkNoPendingReduction(record: record, stake: snap.stakes[0])
        let current = record.declaredCompute
        try checks.checkReductionTarget(
            target, current: current, floor: record.allocatedCompute, floorWhat: "allocated to markets",
            unit: "compute units")
        let amount = current - target
        let (_, newTotal) = OperatorCore.reduction(current: current, reduceBy: amount)
        let request = core.request(
            try reg("intendToReduceCompute(uint256)", [.uint(amount)]),
            summary: "Request to reduce declared compute from \(current) to \(newTotal)",
            [("computeToReduce", "\(amount) compute units (\(current) − \(target); the chain will leave \(newTotal))")])
        return ReductionPlan(
            request: request, current: current, target: target, amountSent: amount, newTotal: newTotal,
            releases: current - newTotal, wait: .blocks(1))
    }

    func checkNoPendingReduction(record: OperatorRecord, stake: StakePosition) throws {
        if let p = record.pendingComputeReduction {
            throw OperatorRefusal(
                .operatorReductionPending, "A compute reduction is already pending",
                detail: "declared \(p.current) will become \(p.newTotal); Generation A also refuses a stake reduction "
                    + "meanwhile (RequestAlreadyInPlace(), spec §9 item 3)",
                hint: "Complete it first: kalypso-console compute reduce (second step).")
        }
        if let p = stake.pendingReduction {
            throw OperatorRefusal(
                .operatorReductionPending, "A stake reduction is already pending",
                detail: "stake \(stake.token.format(p.current)) will become \(stake.token.format(p.newTotal)); "
                    + "a new request would overwrite it",
                hint: "Withdraw it first: kalypso-console withdraw.")
        }
    }

    public func completeComputeReduction() async throws -> TransactionRequest {
        let snap = try await snapshot(markets: [])
        let record = snap.record
        guard record.registered else { throw core.notRegistered("reducing compute") }
        guard let p = record.pendingComputeReduction else {
            throw OperatorRefusal(
                .operatorNoReductionPending, "No compute reduction is pending",
                detail: "intendedComputeUtilization is 100 %",
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
            try reg("decreaseDeclaredCompute()"),
            summary: "Reduce declared compute from \(p.current) to \(p.newTotal) (releases \(p.releases))", [])
    }

    public func requestStakeReduction(to target: BigUInt, token: Address?) async throws -> ReductionPlan {
        let snap = try await snapshot(markets: [])
        guard snap.record.registered else { throw core.notRegistered("reducing stake") }
        let stake = snap.stakes[0]
        try checkNoPendingReduction(record: snap.record, stake: stake)
        let current = stake.staked
        try checks.checkReductionTarget(
            target, current: current, floor: stake.locked, floorWhat: "locked by running tasks",
            unit: stake.token.symbol, strict: false)
        let amount = current - target
        let (_, newTotal) = OperatorCore.reduction(current: current, reduceBy: amount)
        let request = core.request(
            try reg("intendToReduceStake(uint256)", [.uint(amount)]),
            summary:
                "Request to reduce the stake from \(stake.token.format(current)) to \(stake.token.format(newTotal))",
            [
                (
                    "stakeToReduce",
                    "\(stake.token.format(amount)) (the chain will pay out \(stake.token.format(current - newTotal)))"
                )
            ])
        return ReductionPlan(
            request: request, current: current, target: target, amountSent: amount, newTotal: newTotal,
            releases: current - newTotal, wait: .blocks(1))
    }

    public func completeStakeReduction() async throws -> TransactionRequest {
        let snap = try await snapshot(markets: [])
        guard snap.record.registered else { throw core.notRegistered("unstaking") }
        let stake = snap.stakes[0]
        guard let p = stake.pendingReduction else {
            throw OperatorRefusal(
                .operatorNoReductionPending, "No stake reduction is pending",
                detail: "intendedStakeUtilization is 100 % (UnstakeRequestNotInPlace())",
                hint: "Request one first: kalypso-console unstake AMOUNT.")
        }
        if let due = p.dueAt, !snap.clock.hasReached(due) {
            throw core.notDue("The unstake", due: due, clock: snap.clock, hint: "kalypso-console withdraw")
        }
        guard p.newTotal >= stake.locked else {
            throw OperatorRefusal(
                .operatorInsufficientFreeStake, "Running tasks lock more stake than would remain",
                detail: "\(stake.token.format(stake.locked)) locked; \(stake.token.format(p.newTotal)) would remain",
                hint: "Wait for running tasks to finish (InsufficientStakeToLock()).")
        }
        return core.request(
            try reg("unstake(address)", [.address(me)]),
            summary: "Withdraw \(stake.token.format(p.releases)) of stake", [("to", me.checksummed)])
    }

    public func deregister() async throws -> TransactionRequest {
        let snap = try await snapshot(markets: [])
        guard snap.record.registered else {
            throw OperatorRefusal(
                .operatorNotRegistered, "The operator is not registered",
                detail: "deregister from an address that never registered succeeds and does nothing (spec §9.1)",
                hint: "Nothing to do.")
        }
        guard snap.record.allocatedCompute == 0 else {
            throw OperatorRefusal(
                .operatorActiveMarkets, "The operator is still in markets",
                detail: "\(snap.record.activeMarkets) market(s) hold \(snap.record.allocatedCompute) compute units "
                    + "(CannotLeaveWithActiveMarket())",
                hint: "Leave every market first: kalypso-console leave --market ID.")
        }
        return core.request(
            try reg("deregister(address)", [.address(me)]),
            summary: "Deregister and refund \(snap.stakes[0].token.format(snap.stakes[0].staked)) of stake",
            [("refundAddress", me.checksummed)])
    }

    public func changeRewardAddress(_ newAddress: Address) async throws -> TransactionRequest {
        let snap = try await snapshot(markets: [])
        guard snap.record.registered else { throw core.notRegistered("changing the reward address") }
        try checkNewRewardAddress(newAddress, current: snap.record.rewardAddress)
        return core.request(
            try reg("changeRewardAddress(address)", [.address(newAddress)]),
            summary: "Send future earnings to \(newAddress.checksummed)", [("newRewardAddress", newAddress.checksummed)]
        )
    }

    public func updateMetadata(_ metadata: [UInt8]) async throws -> TransactionRequest {
        throw OperatorRefusal(
            .operatorNotSupported, "Generation A cannot change operator metadata",
            detail: "GeneratorRegistry has no function for it (spec §2.10)",
            hint: "Deregister and register again with the new metadata, or keep it.")
    }

    public func discard(jobId: BigUInt) async throws -> TransactionRequest {
        try await core.checkDiscardable(
            jobId, list: try mkt("listOfAsk(uint256)", [.uint(jobId)]),
            state: try mkt("getAskState(uint256)", [.uint(jobId)]))
        return core.request(
            try mkt("discardRequest(uint256)", [.uint(jobId)]),
            summary: "Discard job \(jobId) (its slashing penalty is taken from the stake)", [("askId", "\(jobId)")])
    }

    public func claimRewards(rewardAddress: Address?) async throws -> TransactionRequest {
        let snap = try await snapshot(markets: [])
        guard let target = rewardAddress ?? snap.record.rewardAddress else {
            throw core.notRegistered("claiming (no reward address)")
        }
        let payment = try await core.read(try core.tokenReads(paymentToken))
        let token = core.token(paymentToken, payment[0], payment[1])
        let claimable = try await core.read([try mkt("claimableAmount(address)", [.address(target)])])[0].uint(0)
        guard claimable > 0 else {
            throw OperatorRefusal(
                .operatorNothingToClaim, "Nothing to claim",
                detail: "claimableAmount(\(target.checksummed)) is 0; flush would succeed and pay nothing (spec §9.1)",
                hint: "Claim after proofs have been paid (\"No claimable amount available\").")
        }
        return core.request(
            try mkt("flush(address)", [.address(target)]),
            summary: "Claim \(token.format(claimable)) for \(target.checksummed)", [("address", target.checksummed)])
    }
}

/// Checks both adapters run that need no chain read, public so the console can check a form before asking.
public enum OperatorChecks {
    /// Refuses to leave while requests run (`CannotLeaveMarketWithActiveRequest()`).
    public static func noActiveRequests(_ m: MarketMembership) throws(OperatorRefusal) {
        guard m.activeRequests == 0 else {
            throw OperatorRefusal(
                .operatorActiveRequests, "Market \(m.marketId) still has running requests",
                detail: "\(m.activeRequests) active request(s) (CannotLeaveMarketWithActiveRequest())",
                hint: "Request the exit first (no new tasks are assigned), then leave when they finish.")
        }
    }
}

/// Refuses a pointless or zero reward address change.
func checkNewRewardAddress(_ newAddress: Address, current: Address?) throws {
    guard newAddress != .zero else {
        throw OperatorCore.invalid("the new reward address is zero", hint: "Give the address that receives earnings.")
    }
    guard newAddress != current else {
        throw OperatorRefusal(
            .operatorNothingToDo, "That is already the reward address",
            detail: "\(newAddress.checksummed) receives the earnings now", hint: "Nothing to do.")
    }
}

/// §2.7 for both generations: the TEE verifier wrapper's `verifyKey(attestation)`, refused when the key is
/// already verified there (`TeeVerifierEnclaveKeyNotVerified`) or the attestation is stale.
func verifyKeyRequest(
    core: OperatorCore, teeVerifier: Address, authorization: EnclaveAuthorization
) async throws -> TransactionRequest {
    let clock = try await core.clock()
    let attestation = try await core.checkAuthorization(
        authorization, marketId: nil, keyRegistry: nil, clock: clock)
    let verified = try Encoded(
        core.abis.teeVerifier, "getVerifiedKey(address)", to: teeVerifier, name: "TeeVerifierWrapper",
        [.address(attestation.enclaveAddress)])
    // The wrapper accepts images its admin added to its one family, keccak256("FAMILY_ID") (spec §2.7).
    let family = Keccak256.hash(utf8: "FAMILY_ID")
    let inFamily = try Encoded(
        core.abis.teeVerifier, "isImageInFamily(bytes32,bytes32)", to: teeVerifier, name: "TeeVerifierWrapper",
        [.fixedBytes(attestation.imageId), .fixedBytes(family)])
    let answers = try await core.read([verified, inFamily])
    let image = answers[0].values.first?.bytesValue ?? []
    if image.contains(where: { $0 != 0 }) {
        throw OperatorRefusal(
            .operatorNothingToDo, "The enclave key is already verified in this TEE verifier",
            detail: "getVerifiedKey(\(attestation.enclaveAddress.checksummed)) = \(Hex.encode(image)); verifying "
                + "again reverts TeeVerifierEnclaveKeyNotVerified (spec §9 item 5)",
            hint: "Nothing to do.")
    }
    guard answers[1].values.first?.boolValue == true else {
        throw OperatorRefusal(
            .operatorImageNotInFamily, "This TEE verifier does not accept the enclave's image",
            detail: "image id \(Hex.encode(attestation.imageId)) is not in \(teeVerifier.checksummed)'s family "
                + "(the call would revert AttestationAutherImageNotWhitelisted())",
            hint: "Run the market's enclave image, or ask the market creator to add it (addEnclaveImageToFamily).")
    }
    let call = try Encoded(
        core.abis.teeVerifier, "verifyKey(bytes)", to: teeVerifier, name: "TeeVerifierWrapper",
        [.bytes(authorization.attestationBlob)])
    return core.request(
        call, summary: "Verify enclave key \(attestation.enclaveAddress.checksummed) in the TEE verifier",
        [("attestation_data", "\(authorization.attestationBlob.count) bytes")])
}

extension GenAOperator {
    /// Generation-neutral checks both adapters run (same rules, same words).
    struct Checks: Sendable {
        let core: OperatorCore
        let keyRegistry: Address

        func checkCompute(_ record: OperatorRecord, adding: BigUInt) throws {
            guard record.allocatedCompute + adding <= record.declaredCompute else {
                throw OperatorRefusal(
                    .operatorComputeOverDeclared, "Not enough declared compute for this market",
                    detail:
                        "\(record.allocatedCompute) of \(record.declaredCompute) declared compute units are allocated; "
                        + "\(adding) more would exceed it",
                    hint: "Increase the declared compute (kalypso-console compute increase N) or ask less per request.")
            }
        }

        /// Private markets need a key (spec §9.1: always send it), public ones must not have one.
        func checkKeyUse(market: MarketInfo, authorization: EnclaveAuthorization?, clock: ChainClock) async throws
            -> Bool
        {
            if market.isPublic {
                if authorization != nil {
                    throw OperatorRefusal(
                        .operatorKeyNotWanted, "Market \(market.marketId) is public and takes no enclave key",
                        detail:
                            "its prover image id is the no-enclave id (the contract reverts PublicMarketsDontNeedKey())",
                        hint: "Join without the enclave's attestation.")
                }
                return false
            }
            guard let authorization else {
                throw OperatorRefusal(
                    .operatorKeyRequired, "Market \(market.marketId) is private and needs the enclave key",
                    detail:
                        "joining without it registers no key, and the enclave's startProgram then refuses (spec §9.1)",
                    hint: "Configure the enclave first, then join with its attestation and signature.")
            }
            _ = try await core.checkAuthorization(
                authorization, marketId: market.marketId, keyRegistry: keyRegistry, clock: clock)
            return true
        }

        /// Refuses a join with an enclave key the key registry has verified already: `updatePubkey` verifies
        /// the attestation's key, and a key verified once is refused (`EnclaveKeyNotVerified()`), so one enclave
        /// key serves one operator and market (spec §2.6.3, §9 item 5). Call after ``checkKeyUse(market:authorization:clock:)``
        /// accepted the attestation.
        func checkKeyNotVerified(_ authorization: EnclaveAuthorization, marketId: BigUInt) async throws {
            let attestation = try Attestation(encoded: authorization.attestationBlob)
            let call = try Encoded(
                core.abis.keyRegistry, "getVerifiedKey(address)", to: keyRegistry, name: "EntityKeyRegistry",
                [.address(attestation.enclaveAddress)])
            let image = try await core.read([call])[0].values.first?.bytesValue ?? []
            guard image.allSatisfy({ $0 == 0 }) else {
                throw OperatorRefusal(
                    .operatorEnclaveKeyAlreadyVerified,
                    "The enclave's key is already registered and cannot join market \(marketId)",
                    detail: "EntityKeyRegistry.getVerifiedKey(\(attestation.enclaveAddress.checksummed)) = "
                        + "\(Hex.encode(image)): the registry verified this key when it was registered (a join or "
                        + "an update-key), and it verifies a key only once (the join would revert "
                        + "EnclaveKeyNotVerified(), spec §2.6.3, §9 item 5)",
                    hint: "One enclave key serves one market: run another enclave (a new key) for market "
                        + "\(marketId), point generatorEnclave in kalypso-config.json at it, and join again.")
            }
        }

        func checkReductionTarget(
            _ target: BigUInt, current: BigUInt, floor: BigUInt, floorWhat: String, unit: String, strict: Bool = true
        ) throws {
            guard target < current else {
                throw OperatorRefusal(
                    .operatorNothingToDo, "The target is not below the current value",
                    detail:
                        "current \(current) \(unit), target \(target) (\"to reduce to must be smaller than current\")",
                    hint: "Give a target below \(current).")
            }
            guard target > 0 else {
                throw OperatorCore.invalid(
                    "a target of 0 cannot be reached by a reduction",
                    hint: "Deregister to remove everything, or give a positive target.")
            }
            guard strict ? target > floor : target >= floor else {
                throw OperatorRefusal(
                    .operatorInsufficientFreeStake, "The target is below what is in use",
                    detail: "\(floor) \(unit) are \(floorWhat); the target \(target) must stay above that",
                    hint: "Leave markets or wait for running tasks to finish first.")
            }
        }
    }
}
