import BigInt
import EthereumKit
import Foundation
import KalypsoStore

/// Turns one range's logs into a ``CacheRangeWrite``: the events as hints of what changed, then the
/// getters of everything they touched as the truth (deployments differ in which events they emit, so
/// stake, locks and membership are always re-read, spec §9.1).
struct RangeIndexer: Sendable {
    let contracts: SyncContracts
    let chain: any SyncChain
    /// Our operator: its stake, memberships and rewards are re-read on every range.
    let operatorAddress: Address?
    /// Gen A: `STAKING_TOKEN`; Gen B: `getStakeTokenList()`.
    let stakeTokens: [Address]
    /// False: index the events only (see ``SyncOptions/readGetters``).
    var readsGetters = true
    /// The word layouts of the indexed events that have one, by topic0 (``EventLayout``; Gen A has two
    /// `AskCreated` variants under one name).
    let layouts: [[UInt8]: EventLayout]

    init(contracts: SyncContracts, chain: any SyncChain, operatorAddress: Address?, stakeTokens: [Address]) {
        self.contracts = contracts
        self.chain = chain
        self.operatorAddress = operatorAddress
        self.stakeTokens = stakeTokens
        var layouts: [[UInt8]: EventLayout] = [:]
        for (topic0, (_, event)) in contracts.events { layouts[topic0] = EventLayout(event) }
        self.layouts = layouts
    }

    /// What the events said about one job in this range: the positions, in the range's logs, of the events that
    /// created, assigned and ended it (-1 for none). Sixteen bytes and no references per job: a first sync keeps
    /// one per job of the range, and the block and transaction hex are built only for the jobs written.
    struct JobHint {
        var created: Int32 = -1
        var assigned: Int32 = -1
        var ended: Int32 = -1
        var outcome: CachedJob.Outcome?
        var hasPrivateInputs = false
    }

    /// The block and transaction of the log at `position` (-1: none) as a job row holds them.
    static func origin(_ position: Int32, in logs: [RPCLog]) -> (block: Int64, tx: String)? {
        guard position >= 0 else { return nil }
        let log = logs[Int(position)]
        return (Int64(clamping: log.blockNumber ?? 0), txText(log.transactionHash))
    }

    /// A job row's transaction hash: lowercase hex, or "" when the node gave none.
    static func txText(_ bytes: [UInt8]?) -> String {
        guard let bytes, !bytes.isEmpty else { return "" }
        return Hex.encode(bytes)
    }

    struct Touched {
        var jobs: [UInt64: JobHint] = [:]
        var markets: [UInt64: Int64] = [:]
        var memberships: [MembershipKey: Int64] = [:]
        var provers = Set<Address>()
        var rewardAddresses = Set<Address>()
        var provedJobs: [(jobId: UInt64, log: RPCLog)] = []
    }

    struct MembershipKey: Hashable {
        var market: UInt64
        var prover: Address
    }

    struct Stale {
        var jobs: [UInt64] = []
        var memberships: [MembershipKey] = []
        var provers: [Address] = []
    }

    /// Builds the write for `[from, to]` (the caller stores it in one transaction).
    func index(
        logs unsorted: [RPCLog], from: UInt64, to: UInt64, knownMarkets: [UInt64], stale: Stale,
        progress: SyncProgress, window: Int64
    ) async throws -> CacheRangeWrite {
        // Nodes answer in chain order: check that before paying for a sort (and a copy) of every log.
        // (By index: zipping the array would copy, retain and release every log twice.)
        let inOrder = unsorted.indices.dropFirst().allSatisfy { i in
            (unsorted[i - 1].blockNumber ?? 0, unsorted[i - 1].logIndex ?? 0)
                <= (unsorted[i].blockNumber ?? 0, unsorted[i].logIndex ?? 0)
        }
        let logs =
            inOrder
            ? unsorted
            : unsorted.sorted { ($0.blockNumber ?? 0, $0.logIndex ?? 0) < ($1.blockNumber ?? 0, $1.logIndex ?? 0) }
        // Every block number below is within [from, to] (checked per log), so it fits once `to` does.
        let lastBlock = try Storable.int64(to, "block number \(to) (the range's last block)")
        var write = CacheRangeWrite(
            fromBlock: Int64(from), toBlock: lastBlock, progress: progress, confirmationsWindow: window)
        write.contracts = SyncContracts.Role.allCases.filter { contracts.addresses[$0] != nil }.map(\.rawValue)
        var touched = Touched()
        for id in stale.jobs { touched.jobs[id] = touched.jobs[id] ?? JobHint() }
        for key in stale.memberships { touched.memberships[key] = touched.memberships[key] ?? 0 }
        touched.provers.formUnion(stale.provers)
        if let op = operatorAddress { touched.provers.insert(op) }

        // Blocks whose time the stake and reward rows need, plus the range's last block (its hash is the
        // progress's, checked for reorgs next time).
        var timeBlocks: Set<UInt64> = [to]
        var pendingStake:
            [(
                RPCLog, CachedStakeEvent.Kind, token: Address, prover: Address, account: Address?, amount: BigUInt,
                job: UInt64?, index: UInt64?
            )] = []
        var pendingReward: [(RPCLog, Address, BigUInt)] = []
        // The jobs proved by each transaction, in log order: a ProverFeeRewardAdded (which names no job) pays
        // for the proof of its transaction.
        var provedInTx: [[UInt8]: [Int64]] = [:]

        write.events.reserveCapacity(logs.count)
        touched.jobs.reserveCapacity(touched.jobs.count + logs.count)
        // Runs of logs about one prover insert it once.
        var lastProver: Address?
        func touch(_ prover: Address) {
            if prover != lastProver {
                touched.provers.insert(prover)
                lastProver = prover
            }
        }
        // The event of the previous log: runs of one event from one contract skip both table lookups.
        var last: (topic0: [UInt8], address: Address, role: SyncContracts.Role, event: ABIEvent, layout: EventLayout?)?
        // Job hints hold positions in `logs` as 32 bits.
        guard logs.count <= Int32.max else {
            throw SyncError(.internalInconsistency, "the node returned \(logs.count) logs for the range \(from)…\(to)")
        }
        // The block of the previous log: logs of one block must carry its one hash (the cache keeps it once).
        var blockRun: (number: UInt64, hash: [UInt8]?)?
        for (i, log) in logs.enumerated() {
            guard let block = log.blockNumber, let topic0 = log.topics.first else { continue }
            let position = Int32(truncatingIfNeeded: i)
            if let run = blockRun, run.number == block {
                if run.hash != log.blockHash { throw ReorgDuringRange(block: block) }
            } else {
                blockRun = (block, log.blockHash)
            }
            let role: SyncContracts.Role
            let event: ABIEvent
            let layout: EventLayout?
            if let last, last.topic0 == topic0, last.address == log.address {
                (role, event, layout) = (last.role, last.event, last.layout)
            } else {
                guard let found = contracts.event(of: log) else { continue }
                (role, event, layout) = (found.0, found.1, layouts[found.1.topic0])
                last = (topic0, log.address, role, event, layout)
            }
            guard block >= from, block <= to else {
                throw SyncError(
                    .internalInconsistency, "the node returned a log of block \(block) for the range \(from)…\(to)")
            }
            let tx = log.transactionHash
            func place() -> String {
                "\(event.name) in block \(block), transaction \(tx.map { Hex.encode($0) } ?? "?")"
            }
            let args: LogArguments
            if let layout, let words = layout.words(topics: log.topics, data: log.data) {
                args = .words(words, layout)
            } else {
                args = .values(try event.decodeLog(topics: log.topics, data: log.data).arguments.map(\.value))
            }
            func uint(_ i: Int) -> BigUInt { args.uint(i) }
            func addr(_ i: Int) -> Address? { args.address(i) }
            // The row holds the log's own byte arrays (the reader shares a repeated hash's): nothing built per log.
            var row = CachedEvent(
                blockNumber: Int64(block), logIndex: try Self.logIndex(log), blockHash: log.blockHash ?? [],
                txHash: tx ?? [], contract: role.rawValue, name: event.name)
            let b = Int64(block)
            switch event.name {
            case "MarketplaceCreated", "MarketMetadataUpdated", "AddExtraProverImage", "AddExtraIVSImage",
                "RemoveExtraProverImage", "RemoveExtraIVSImage":
                let m = try args.id(0, "the market id of \(place())")
                row.marketId = Int64(m)
                touched.markets[m] = min(touched.markets[m] ?? b, b)
            case "AskCreated", "BidCreated":
                let id = try args.id(0, "the job id of \(place())")
                row.jobId = Int64(id)
                // In place: one hash lookup per log, no copy of the hint.
                touched.jobs[id, default: JobHint()].created = position
                touched.jobs[id, default: JobHint()].hasPrivateInputs = args.bool(1) ?? false
            case "TaskCreated":
                let id = try args.id(0, "the job id of \(place())")
                row.jobId = Int64(id)
                let prover = addr(1)
                row.account = prover?.bytes
                touched.jobs[id, default: JobHint()].assigned = position
                if let p = prover { touch(p) }
            case "ProofCreated", "ProofNotGenerated", "InvalidInputsDetected", "AskCancelled", "BidCancelled":
                let id = try args.id(0, "the job id of \(place())")
                row.jobId = Int64(id)
                let outcome: CachedJob.Outcome =
                    switch event.name {
                    case "ProofCreated": .proved
                    case "ProofNotGenerated": .notGenerated
                    case "InvalidInputsDetected": .invalidInputs
                    default: .cancelled
                    }
                touched.jobs[id, default: JobHint()].ended = position
                touched.jobs[id, default: JobHint()].outcome = outcome
                if event.name == "ProofCreated" {
                    if contracts.generation == .a { touched.provedJobs.append((id, log)) }
                    provedInTx[tx ?? [], default: []].append(Int64(id))
                }
            case "ProverFeeRewardAdded":
                if let a = addr(0) {
                    row.account = a.bytes
                    touched.rewardAddresses.insert(a)
                    pendingReward.append((log, a, uint(1)))
                    timeBlocks.insert(block)
                }
            case "JoinedMarketplace", "RequestExitMarketplace", "LeftMarketplace", "ProverJoinedMarketplace",
                "ProverRequestedMarketplaceExit", "ProverLeftMarketplace":
                if let p = addr(0) {
                    let m = try args.id(1, "the market id of \(place())")
                    row.account = p.bytes
                    row.marketId = Int64(m)
                    let key = MembershipKey(market: m, prover: p)
                    let joined = event.name.hasSuffix("JoinedMarketplace") ? b : Int64.max
                    touched.memberships[key] = min(touched.memberships[key] ?? joined, joined)
                    touch(p)
                }
            case "Staked", "StakeWithdrawalRequested", "StakeWithdrawn":
                guard let account = addr(0), let prover = addr(1), let token = addr(2) else { break }
                row.account = prover.bytes
                touch(prover)
                let kind: CachedStakeEvent.Kind =
                    event.name == "Staked"
                    ? .staked : event.name == "StakeWithdrawn" ? .withdrawn : .withdrawalRequested
                let amount = event.name == "Staked" ? uint(3) : uint(4)
                let index = event.name == "Staked" ? nil : try args.id(3, "the withdrawal index of \(place())")
                pendingStake.append((log, kind, token, prover, account, amount, nil, index))
                timeBlocks.insert(block)
            case "StakeLocked", "StakeUnlocked", "TaskSlashed":
                guard let prover = addr(1), let token = addr(2) else { break }
                let id = try args.id(0, "the job id of \(place())")
                row.account = prover.bytes
                row.jobId = Int64(id)
                touch(prover)
                let kind: CachedStakeEvent.Kind =
                    event.name == "StakeLocked" ? .locked : event.name == "StakeUnlocked" ? .unlocked : .slashed
                pendingStake.append((log, kind, token, prover, nil, uint(3), id, nil))
                timeBlocks.insert(block)
            case "AddedStake", "RemovedStake", "StakeLockImposed", "StakeLockReleased", "StakeSlashed":
                guard let prover = addr(0), let token = stakeTokens.first else { break }
                row.account = prover.bytes
                touch(prover)
                let kind: CachedStakeEvent.Kind =
                    switch event.name {
                    case "AddedStake": .staked
                    case "RemovedStake": .withdrawn
                    case "StakeLockImposed": .locked
                    case "StakeLockReleased": .unlocked
                    default: .slashed
                    }
                pendingStake.append((log, kind, token, prover, prover, uint(1), nil, nil))
                timeBlocks.insert(block)
            default:
                // Registry events about one prover (registration, compute, reward address): re-read it.
                if let p = addr(0) {
                    row.account = p.bytes
                    touch(p)
                }
            }
            write.events.append(row)
        }

        let stamps = try await chain.blocks(Array(timeBlocks))
        guard let last = stamps[to] else {
            throw SyncError(.internalInconsistency, "the node has no block \(to) although its head is past it")
        }
        var times: [UInt64: Int64] = [:]
        for (n, s) in stamps { times[n] = try Storable.int64(s.timestamp, "the timestamp of block \(n)") }
        // A log whose block hash is not the block's hash came from a branch that was replaced meanwhile.
        for log in logs {
            if let n = log.blockNumber, let s = stamps[n], let h = log.blockHash, h != s.hash {
                throw ReorgDuringRange(block: n)
            }
        }
        for n in timeBlocks.sorted() {
            if let s = stamps[n] {
                write.blocks.append(
                    CachedBlock(number: Int64(n), hash: Hex.encode(s.hash), timestamp: times[n] ?? 0))
            }
        }
        write.progress.lastBlock = lastBlock
        write.progress.lastHash = Hex.encode(last.hash)
        write.progress.headTime = max(write.progress.headTime, times[to] ?? 0)
        write.progress.headL1Block = last.l1Number.map { Int64(clamping: $0) }

        for (log, kind, token, prover, account, amount, job, index) in pendingStake {
            let n = log.blockNumber ?? 0
            write.stakeEvents.append(
                CachedStakeEvent(
                    blockNumber: Int64(n), logIndex: try Self.logIndex(log), timestamp: times[n] ?? 0,
                    token: Hex.encode(token.bytes), prover: Hex.encode(prover.bytes),
                    account: account.map { Hex.encode($0.bytes) }, kind: kind, amount: String(amount),
                    jobId: job.map(Int64.init), withdrawalIndex: index.map(Int64.init),
                    txHash: log.transactionHash.map { Hex.encode($0) } ?? ""))
        }
        // A reward's job: the n-th reward of a transaction pays for its n-th proof when the two counts agree (one
        // proof per transaction, or a batch that pays each proof); otherwise it is left without one.
        var rewardsInTx: [[UInt8]: Int] = [:]
        for (log, _, _) in pendingReward { rewardsInTx[log.transactionHash ?? [], default: 0] += 1 }
        var rewardOrdinal: [[UInt8]: Int] = [:]
        for (log, address, amount) in pendingReward {
            let n = log.blockNumber ?? 0
            let tx = log.transactionHash ?? []
            let ordinal = rewardOrdinal[tx, default: 0]
            rewardOrdinal[tx] = ordinal + 1
            let proved = provedInTx[tx] ?? []
            let job = !tx.isEmpty && proved.count == rewardsInTx[tx] ? proved[ordinal] : nil
            write.rewardEvents.append(
                CachedRewardEvent(
                    blockNumber: Int64(n), logIndex: try Self.logIndex(log), timestamp: times[n] ?? 0,
                    address: Hex.encode(address.bytes), kind: .accrued, amount: String(amount), jobId: job,
                    txHash: Self.txText(log.transactionHash)))
        }

        if readsGetters {
            try await readGetters(
                into: &write, touched: touched, logs: logs, knownMarkets: knownMarkets, to: to, times: times)
        }
        return write
    }

    // MARK: - Getters

    private func readGetters(
        into write: inout CacheRangeWrite, touched: Touched, logs: [RPCLog], knownMarkets: [UInt64], to: UInt64,
        times: [UInt64: Int64]
    ) async throws {
        let refreshed = write.progress.lastBlock
        var batch = GetterBatch()
        let jobIds = touched.jobs.keys.sorted()
        for id in jobIds { batch.add("job\(id)", try contracts.jobGetter(id)) }
        let marketIds = touched.markets.keys.sorted()
        for id in marketIds { batch.add("market\(id)", try contracts.marketGetter(id)) }
        let provers = touched.provers.sorted()
        for p in provers {
            batch.add("registry\(p)", try contracts.registryGetter(prover: p))
            if contracts.generation == .b {
                for t in stakeTokens {
                    let pair = try contracts.stakeGetters(token: t, prover: p)
                    batch.add("stake\(t)\(p)", pair[0])
                    batch.add("locked\(t)\(p)", pair[1])
                }
            }
        }
        let first = try await batch.run(chain)

        // Jobs: the getter's fields, the events' history.
        let unit = contracts.generation == .a ? "block" : "second"
        var memberships = touched.memberships
        for id in jobIds {
            guard let v = first["job\(id)"], v.count >= 4, let ask = v[0].elements, ask.count >= 6 else { continue }
            let hint = touched.jobs[id] ?? JobHint()
            let created = Self.origin(hint.created, in: logs)
            let assigned = Self.origin(hint.assigned, in: logs)
            let ended = Self.origin(hint.ended, in: logs)
            let marketId = try Storable.id(ask[0].uintValue ?? 0, "the market id of job \(id) (its getter)")
            let proverAddress = v[3].addressValue.flatMap { $0 == .zero ? nil : $0 }
            if let p = proverAddress {
                memberships[MembershipKey(market: marketId, prover: p)] =
                    memberships[MembershipKey(market: marketId, prover: p)] ?? 0
            }
            write.jobs.append(
                CachedJob(
                    jobId: Int64(id), marketId: Int64(marketId),
                    state: try Storable.int64(v[1].uintValue ?? 0, "the state of job \(id) (its getter)"),
                    reward: String(ask[1].uintValue ?? 0), expiry: Int64(clamping: ask[2].uintValue ?? 0),
                    timeForProof: Int64(clamping: ask[3].uintValue ?? 0),
                    deadline: Int64(clamping: ask[4].uintValue ?? 0),
                    deadlineUnit: unit, requester: Hex.encode((v[2].addressValue ?? .zero).bytes),
                    prover: proverAddress.map { Hex.encode($0.bytes) }, hasPrivateInputs: hint.hasPrivateInputs,
                    outcome: hint.outcome, createdBlock: created?.block ?? 0, createdTx: created?.tx ?? "",
                    assignedBlock: assigned?.block, assignedTx: assigned?.tx, outcomeBlock: ended?.block,
                    outcomeTx: ended?.tx,
                    refreshedBlock: refreshed))
        }
        for id in marketIds {
            guard let v = first["market\(id)"] else { continue }
            write.markets.append(market(id: id, values: v, createdBlock: touched.markets[id] ?? refreshed))
        }
        var rewardAddresses = touched.rewardAddresses
        for p in provers {
            guard let v = first["registry\(p)"] else { continue }
            if let reward = v[0].addressValue, reward != .zero {
                rewardAddresses.insert(reward)
                write.provers.append(
                    CachedProver(
                        prover: Hex.encode(p.bytes), rewardAddress: Hex.encode(reward.bytes), refreshedBlock: refreshed)
                )
            }
            if contracts.generation == .a, let token = stakeTokens.first {
                write.stakeBalances.append(
                    CachedStakeBalance(
                        token: Hex.encode(token.bytes), prover: Hex.encode(p.bytes), total: String(v[1].uintValue ?? 0),
                        locked: String(v[4].uintValue ?? 0), refreshedBlock: refreshed))
            }
            if contracts.generation == .b {
                for t in stakeTokens {
                    guard let total = first["stake\(t)\(p)"]?.first?.uintValue,
                        let locked = first["locked\(t)\(p)"]?.first?.uintValue
                    else { continue }
                    write.stakeBalances.append(
                        CachedStakeBalance(
                            token: Hex.encode(t.bytes), prover: Hex.encode(p.bytes), total: String(total),
                            locked: String(locked), refreshedBlock: refreshed))
                }
            }
        }
        // Our operator's membership of every market, whatever the events said.
        if let op = operatorAddress {
            for m in Set(knownMarkets).union(marketIds) {
                let key = MembershipKey(market: m, prover: op)
                memberships[key] = memberships[key] ?? 0
            }
        }

        var second = GetterBatch()
        let keys = memberships.keys.sorted { ($0.market, $0.prover) < ($1.market, $1.prover) }
        for k in keys {
            second.add(
                "member\(k.market)\(k.prover)", try contracts.membershipGetter(prover: k.prover, market: k.market))
        }
        for a in rewardAddresses.sorted() { second.add("claim\(a)", try contracts.claimableGetter(a)) }
        var proofRewards: [(UInt64, RPCLog, MembershipKey)] = []
        if contracts.generation == .a {
            for (id, log) in touched.provedJobs {
                guard let j = write.jobs.first(where: { $0.jobId == Int64(id) }), let p = j.prover,
                    let prover = try? Address(p)
                else { continue }
                let key = MembershipKey(market: UInt64(j.marketId), prover: prover)
                second.add("rewardDetails\(id)", try contracts.rewardDetailsGetter(prover: prover, market: key.market))
                proofRewards.append((id, log, key))
            }
        }
        let results = try await second.run(chain)
        for k in keys {
            guard let v = results["member\(k.market)\(k.prover)"] else { continue }
            let joined = memberships[k] ?? 0
            let b = contracts.generation == .b
            write.marketProvers.append(
                CachedMarketProver(
                    marketId: Int64(k.market), prover: Hex.encode(k.prover.bytes),
                    state: try Storable.int64(
                        v[0].uintValue ?? 0, "the state of \(k.prover.checksummed) in market \(k.market) (its getter)"),
                    computePerRequest: String(v[1].uintValue ?? 0),
                    proofGenerationCost: String((b ? v[3] : v[2]).uintValue ?? 0),
                    proposedTime: Int64(clamping: (b ? v[4] : v[3]).uintValue ?? 0),
                    commission: b ? String(v[2].uintValue ?? 0) : nil,
                    activeRequests: Int64(clamping: (b ? v[5] : v[4]).uintValue ?? 0),
                    joinedBlock: joined == Int64.max ? 0 : joined, refreshedBlock: refreshed))
        }
        for a in rewardAddresses.sorted() {
            guard let v = results["claim\(a)"], let amount = v.first?.uintValue else { continue }
            write.rewardBalances.append(
                CachedRewardBalance(address: Hex.encode(a.bytes), claimable: String(amount), refreshedBlock: refreshed))
        }
        for (id, log, _) in proofRewards {
            guard let v = results["rewardDetails\(id)"], v.count >= 2, let address = v[0].addressValue else { continue }
            let n = log.blockNumber ?? 0
            write.rewardEvents.append(
                CachedRewardEvent(
                    blockNumber: Int64(n), logIndex: try Self.logIndex(log), timestamp: times[n] ?? times[to] ?? 0,
                    address: Hex.encode(address.bytes), kind: .accrued, amount: String(v[1].uintValue ?? 0),
                    jobId: Int64(id), txHash: log.transactionHash.map { Hex.encode($0) } ?? ""))
        }
    }

    private func market(id: UInt64, values v: [ABIValue], createdBlock: Int64) -> CachedMarket {
        let a = contracts.generation == .a
        // Gen A: (verifier, proverImageId, slashingPenalty, activationBlock, ivsImageId, creator, metadata);
        // Gen B: (verifier, proverImageId, ivsImageId, creator, metadata).
        let image = v.count > 1 ? v[1].bytesValue ?? [] : []
        let ivs = (a ? (v.count > 4 ? v[4] : .bytes([])) : (v.count > 2 ? v[2] : .bytes([]))).bytesValue ?? []
        let creator =
            (a ? (v.count > 5 ? v[5] : .address(.zero)) : (v.count > 3 ? v[3] : .address(.zero))).addressValue ?? .zero
        let metadata = (a ? (v.count > 6 ? v[6] : .bytes([])) : (v.count > 4 ? v[4] : .bytes([]))).bytesValue ?? []
        let text = String(validating: metadata, as: UTF8.self)
        let isJSON = text.map { (try? JSONSerialization.jsonObject(with: Data($0.utf8))) != nil } ?? false
        return CachedMarket(
            marketId: Int64(id), verifier: Hex.encode((v.first?.addressValue ?? .zero).bytes),
            proverImageId: Hex.encode(image), ivsImageId: Hex.encode(ivs), creator: Hex.encode(creator.bytes),
            metadata: text ?? Hex.encode(metadata), metadataIsJSON: isJSON, isPrivate: !Self.isPublicImage(image),
            slashingPenalty: a && v.count > 2 ? String(v[2].uintValue ?? 0) : nil,
            activationBlock: a && v.count > 3 ? Int64(clamping: v[3].uintValue ?? 0) : nil, createdBlock: createdBlock)
    }

    /// A log's index as the cache holds it.
    static func logIndex(_ log: RPCLog) throws(SyncError) -> Int64 {
        try Storable.int64(log.logIndex ?? 0, "the log index of a log in block \(log.blockNumber ?? 0)")
    }

    /// Public ⇔ the prover image is zero or `NO_ENCLAVE_ID` (spec §3.1).
    static func isPublicImage(_ image: [UInt8]) -> Bool {
        image.allSatisfy { $0 == 0 }
            || Hex.encode(image) == "0xcd2e66bf0b91eeedc6c648ae9335a78d7c9a4ab0ef33612a824d91cdc68a4f21"
    }
}

/// The logs of a range came from a branch the node no longer has: the range is fetched again.
struct ReorgDuringRange: Error {
    let block: UInt64
}

/// Getter calls gathered under keys, sent in one batch, decoded by their functions.
struct GetterBatch {
    private var keys: [String] = []
    private var requests: [RPCCallRequest] = []
    private var functions: [ABIFunction] = []

    mutating func add(_ key: String, _ call: (RPCCallRequest, ABIFunction)) {
        keys.append(key)
        requests.append(call.0)
        functions.append(call.1)
    }

    /// The decoded outputs by key; a getter that reverted is left out (the row keeps what it had).
    func run(_ chain: any SyncChain) async throws -> [String: [ABIValue]] {
        let results = try await chain.calls(requests)
        var out: [String: [ABIValue]] = [:]
        for (i, result) in results.enumerated() where i < keys.count {
            switch result {
            case .success(let data):
                out[keys[i]] = try functions[i].decodeOutput(data).values
            case .failure(let error) where error.code == .rpcReverted:
                continue
            case .failure(let error):
                throw error
            }
        }
        return out
    }
}
