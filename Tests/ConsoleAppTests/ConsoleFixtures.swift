import ConsoleApp
import Foundation
import KalypsoStore
import TerminalKit

/// Fixed data for the console's tests: a Generation B network with three markets, our jobs in every
/// state, rewards and journal rows. Times are fixed so every frame is the same on every run.
enum ConsoleFixtures {
    static let ourAddress = "0x8ba1f109551bD432803012645Ac136ddd64DBA72"
    static let ours = ourAddress.lowercased()
    static let other = "0xd8da6bf26964af9d7eed9e03e53415d37aa96045"
    /// 2026-12-03 08:00:00 UTC.
    static let now = Date(timeIntervalSince1970: 1_796_284_800)
    static var nowSeconds: Int64 { Int64(now.timeIntervalSince1970) }

    static let network = ConsoleNetwork(
        name: "devnet", chainId: 31337, generation: "B", operatorAddress: ourAddress, timeUnit: "second")

    static let pond = ConsoleToken(symbol: "POND", decimals: 18)

    static func hash(_ n: Int) -> String { "0x" + String(repeating: String(format: "%02x", n % 256), count: 32) }

    static func market(_ id: Int64, _ metadata: String, json: Bool, isPrivate: Bool, provers: Int64, open: Int64)
        -> CachedMarket
    {
        var m = CachedMarket(
            marketId: id, verifier: "0x5fbdb2315678afecb367f032d93f642f64180aa3",
            proverImageId: hash(Int(id) + 40), ivsImageId: hash(Int(id) + 80),
            creator: "0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266", metadata: metadata, metadataIsJSON: json,
            isPrivate: isPrivate, slashingPenalty: nil, activationBlock: nil, createdBlock: 12 + id)
        m.proverCount = provers
        m.jobCount = open + 10
        m.openJobCount = open
        return m
    }

    static func job(
        _ id: Int64, market: Int64, deadlineIn: Int64?, outcome: CachedJob.Outcome? = nil, reward: String,
        prover: String? = ours
    ) -> CachedJob {
        CachedJob(
            jobId: id, marketId: market, state: outcome == nil ? 3 : 4, reward: reward,
            expiry: nowSeconds + 86_400, timeForProof: 600,
            deadline: deadlineIn.map { nowSeconds + $0 } ?? 0, deadlineUnit: "second",
            requester: "0x70997970c51812dc3a010c7d01b50e0d17dc79c8", prover: prover, hasPrivateInputs: false,
            outcome: outcome, createdBlock: 100 + id, createdTx: hash(Int(id)), assignedBlock: 101 + id,
            assignedTx: hash(Int(id) + 1), outcomeBlock: outcome == nil ? nil : 110 + id,
            outcomeTx: outcome == nil ? nil : hash(Int(id) + 2), refreshedBlock: 200)
    }

    static var snapshot: ConsoleSnapshot {
        let markets = [
            MarketSummary(
                market(0, #"{"name":"zkEVM blocks"}"#, json: true, isPrivate: false, provers: 4, open: 2),
                ours: CachedMarketProver(
                    marketId: 0, prover: ours, state: 3, computePerRequest: "1",
                    proofGenerationCost: "1000000000000000000",
                    proposedTime: 600, commission: "0", activeRequests: 2, joinedBlock: 20, refreshedBlock: 200)),
            MarketSummary(
                market(1, "tx-batch", json: false, isPrivate: true, provers: 1, open: 0), ours: nil),
            MarketSummary(
                market(2, "0x00ff", json: false, isPrivate: false, provers: 0, open: 0), ours: nil),
        ]
        let jobs = [
            job(17, market: 0, deadlineIn: 34_500, reward: "2500000000000000000"),
            job(16, market: 0, deadlineIn: 252, reward: "1000000000000000000"),
            job(15, market: 0, deadlineIn: -180, reward: "1000000000000000000"),
            job(14, market: 0, deadlineIn: -900, outcome: .proved, reward: "3000000000000000000"),
            job(13, market: 0, deadlineIn: -5000, outcome: .notGenerated, reward: "1000000000000000000"),
        ]
        let rewards = [
            CachedRewardEvent(
                blockNumber: 150, logIndex: 0, timestamp: nowSeconds - 34_500, address: ours, kind: .accrued,
                amount: "3000000000000000000", jobId: 14, txHash: hash(14 + 2)),
            CachedRewardEvent(
                blockNumber: 160, logIndex: 1, timestamp: nowSeconds - 600, address: ours, kind: .claimed,
                amount: "1500000000000000000", jobId: nil, txHash: hash(99)),
        ]
        var confirmed = JournalEntry(
            chainId: 31337, fromAddress: ours, nonce: 4, toAddress: other, value: "0", data: Data(), gasLimit: "90000",
            txType: 2, gasPrice: nil, maxFeePerGas: "2000000000", maxPriorityFeePerGas: "1000000000",
            rawTransaction: Data(), hash: hash(201), label: "join market 0", createdAt: now.addingTimeInterval(-7200))
        confirmed.state = .confirmed
        confirmed.receiptBlock = 120
        var failed = confirmed
        failed.nonce = 5
        failed.hash = hash(202)
        failed.label = "leave market 1"
        failed.state = .failed
        failed.failureReason = "reverted: ProverManager.NotJoined() (we are not a member of market 1)"
        var pending = confirmed
        pending.nonce = 6
        pending.hash = hash(203)
        pending.label = "claim rewards"
        pending.state = .sent
        pending.createdAt = now.addingTimeInterval(-1200)
        var marketJobs: [Int64: [CachedJob]] = [:]
        marketJobs[0] = jobs
        return ConsoleSnapshot(
            progress: SyncProgress(
                contract: "proofMarketplace", startBlock: 1, lastBlock: 4321, lastHash: hash(7), headBlock: 4321,
                headTime: nowSeconds, updatedAt: now.timeIntervalSince1970),
            markets: markets, ourJobs: jobs, marketJobs: marketJobs, rewardAddress: ours,
            rewardBalances: [
                CachedRewardBalance(address: ours, claimable: "1500000000000000000", refreshedBlock: 200),
                CachedRewardBalance(address: other, claimable: "42000000000000000", refreshedBlock: 200),
            ],
            rewardHistory: rewards, journal: [pending, failed, confirmed], paymentToken: pond)
    }

    static var empty: ConsoleSnapshot {
        ConsoleSnapshot(
            progress: SyncProgress(
                contract: "proofMarketplace", startBlock: 1, lastBlock: 5, lastHash: hash(7), headBlock: 5,
                headTime: nowSeconds, updatedAt: now.timeIntervalSince1970),
            paymentToken: pond)
    }

    /// A state at `size` after the given loads, with default keys (or read-only), on Markets (screen 2)
    /// unless `screen` says otherwise (0 is Onboarding).
    static func state(
        _ size: Size = Size(width: 80, height: 24), snapshot: ConsoleSnapshot? = nil, failure: ConsoleFailure? = nil,
        readOnly: Bool = false, screen: Int = 1, bell: Bool = false
    ) throws -> ConsoleState {
        let keys = try ConsoleKeys.table(readOnly: readOnly)
        var s = ConsoleState(
            network: network, keys: keys, initialScreen: screen, now: now, bellOnDeadline: bell)
        s = ConsoleCore.update(s, .resize(size)).0
        if let snapshot { s = ConsoleCore.update(s, .loaded(.success(snapshot))).0 }
        if let failure { s = ConsoleCore.update(s, .loaded(.failure(failure))).0 }
        return s
    }

    static func press(_ s: inout ConsoleState, _ keys: [Key]) -> [ConsoleEffect] {
        var all: [ConsoleEffect] = []
        for k in keys {
            let (n, e) = ConsoleCore.update(s, .key(k))
            s = n
            all += e
        }
        return all
    }

    static func chars(_ text: String) -> [Key] { text.map { .character($0) } }
}
