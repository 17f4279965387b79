import BigInt
import EthereumKit
import Foundation
import KalypsoKit
import KalypsoStore
import Testing

func temporaryDatabase() throws -> KalypsoDatabase {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent(
        "kalypso-tx-\(getpid())-\(UUID().uuidString)")
    return try KalypsoDatabase(path: dir.appendingPathComponent("kalypso.sqlite").path)
}

/// The pipeline's driver on the in-memory chain: the journal, the nonce lock, replacement and recovery.
@Suite struct TransactionSenderTests {
    let key: PrivateKey
    let chain = SimulatedChain()
    let database: KalypsoDatabase
    let target = address("0x5FbDB2315678afecb367f032d93F642f64180aa3")

    init() throws {
        key = try PrivateKey(hex: devKeyHex)
        database = try temporaryDatabase()
    }

    /// A sender on the fake chain. `wait` is how long it waits for a receipt: long by default, since a loaded
    /// 2-thread test pool can resume the polling task late; short where a test wants `stillPending` (automine
    /// off), which only the wait's end can produce.
    func sender(cap: BigUInt? = nil, wait: Duration = .seconds(60)) -> TransactionSender {
        var s = TransactionSender(
            chain: chain, journal: TransactionJournal(database: database), chainId: 31337,
            policy: FeePolicy(rules: .standard, feeCap: cap), errors: (try? kalypsoErrors()) ?? ABIErrorRegistry())
        s.pollInterval = .milliseconds(1)
        s.waitTimeout = wait
        return s
    }

    func request(_ summary: String = "Send 1 wei") -> TransactionRequest {
        TransactionRequest(
            from: key.address, to: target, value: 1, data: [],
            description: CallDescription(summary: summary, contract: "test", function: "transfer"))
    }

    var journal: TransactionJournal { TransactionJournal(database: database) }

    /// Mines one block once the fake node has received `count` transactions (the replacement is in).
    func mineAfterSends(_ count: Int) -> Task<Void, any Error> {
        let chain = self.chain
        return Task {
            while await chain.sentCount() < count { try await Task.sleep(for: .milliseconds(2)) }
            await chain.mine()
        }
    }

    @Test func aSendIsJournaledBeforeItIsSentAndEndsConfirmed() async throws {
        await chain.fund(key.address, BigUInt(10).power(18))
        var s = sender()
        let chain = self.chain
        let journal = self.journal
        s.checkpoint = { point in
            guard point == "after-journal" else { return }
            // At this point the row exists, signed, and nothing has reached the node.
            let rows = (try? journal.recent()) ?? []
            #expect(rows.count == 1 && rows.first?.state == .signed)
            #expect(await chain.sentCount() == 0)
        }
        let outcome = try await s.send(request(), signer: key) { _ in true }
        guard case .confirmed(let hash, let receipt) = outcome else {
            Issue.record("expected confirmed, got \(outcome)")
            return
        }
        #expect(receipt.status == 1)
        let row = try #require(try journal.entry(hash: hash))
        #expect(row.state == .confirmed && row.nonce == 0 && row.receiptBlock == Int64(receipt.blockNumber))
        #expect(row.label == "Send 1 wei")
        #expect(row.fromAddress == key.address.checksummed.lowercased())
        #expect(try SignedTransaction.decode(raw: [UInt8](row.rawTransaction)).hash == (try Hex.decode(hash)))
        #expect(row.sentAt != nil && row.minedAt != nil)
    }

    @Test func aRevertInSimulationSendsNothingAndJournalsNothing() async throws {
        await chain.fund(key.address, BigUInt(10).power(18))
        // InsufficientStakeToLock() = 0xe0631462 (spec §2.11)
        await chain.setRevert(target, data: [0xe0, 0x63, 0x14, 0x62])
        await #expect {
            _ = try await sender().send(request(), signer: key) { _ in true }
        } throws: { error in
            guard let e = error as? PipelineError, case .simulationReverted(_, let name) = e.kind else {
                return false
            }
            return name == "InsufficientStakeToLock"
        }
        #expect(await chain.sentCount() == 0)
        #expect(try journal.recent().isEmpty)
    }

    @Test func theFeeCapRefusesBeforeSigning() async throws {
        await chain.fund(key.address, BigUInt(10).power(18))
        // 60 000 gas × (2 × 1 + 2) gwei = 0.00024 ETH > cap 0.0001 ETH
        await #expect(throws: PipelineError(.feeCapExceeded(ceiling: 240_000_000_000_000, cap: 100_000_000_000_000))) {
            _ = try await sender(cap: 100_000_000_000_000).send(request(), signer: key) { _ in true }
        }
        #expect(await chain.sentCount() == 0)
        #expect(try journal.recent().isEmpty)
    }

    @Test func aStuckTransactionIsSpedUp() async throws {
        await chain.fund(key.address, BigUInt(10).power(18))
        await chain.setAutomine(false)
        var s = sender(wait: .milliseconds(200))
        var stuck = ""
        do {
            _ = try await s.send(request(), signer: key) { _ in true }
            Issue.record("expected the wait to end")
        } catch let e as PipelineError {
            guard case .stillPending(let hash) = e.kind else { throw e }
            stuck = hash
        }
        #expect(try journal.entry(hash: stuck)?.state == .sent)
        // Replacing at the same fees would be underpriced; the bump makes the fake node (geth's rule) accept it.
        // The replacement is mined by another task: a loaded test pool may run it late, so wait long.
        s.waitTimeout = .seconds(120)
        let mining = mineAfterSends(2)
        let original = stuck
        let outcome = try await s.replace(hash: stuck, kind: .speedUp, signer: key) { review in
            #expect(review.replacing?.hash == original)
            return true
        }
        _ = try await mining.value
        guard case .confirmed(let newHash, _) = outcome else {
            Issue.record("expected confirmed, got \(outcome)")
            return
        }
        let old = try #require(try journal.entry(hash: stuck))
        let new = try #require(try journal.entry(hash: newHash))
        #expect(old.state == .replaced && old.replacedBy == newHash)
        #expect(new.nonce == old.nonce && new.replaces == stuck && new.state == .confirmed)
        // 1.1 × the original (4 gwei max, 2 gwei tip)
        #expect(new.maxFeePerGas == "4400000000" && new.maxPriorityFeePerGas == "2200000000")
    }

    @Test func aStuckTransactionIsCancelled() async throws {
        await chain.fund(key.address, BigUInt(10).power(18))
        await chain.setAutomine(false)
        var s = sender(wait: .milliseconds(200))
        var stuck = ""
        do {
            _ = try await s.send(request(), signer: key) { _ in true }
        } catch let e as PipelineError {
            guard case .stillPending(let hash) = e.kind else { throw e }
            stuck = hash
        }
        // The replacement is mined by another task: a loaded test pool may run it late, so wait long.
        s.waitTimeout = .seconds(120)
        let mining = mineAfterSends(2)
        let outcome = try await s.replace(hash: stuck, kind: .cancel, signer: key) { _ in true }
        _ = try await mining.value
        guard case .confirmed(let newHash, _) = outcome else {
            Issue.record("expected confirmed, got \(outcome)")
            return
        }
        let cancel = try #require(try journal.entry(hash: newHash))
        #expect(
            cancel.toAddress == key.address.checksummed.lowercased() && cancel.value == "0"
                && cancel.gasLimit == "21000")
        #expect(try journal.entry(hash: stuck)?.state == .replaced)
        // the original can no longer be mined
        #expect(try await chain.receipt(hash: try Hex.decode(stuck)) == nil)
    }

    @Test func aTransactionThatRevertsOnChainIsRecordedWithItsReason() async throws {
        await chain.fund(key.address, BigUInt(10).power(18))
        await chain.setAutomine(false)
        let s = sender(wait: .milliseconds(200))
        var hash = ""
        do {
            _ = try await s.send(request(), signer: key) { _ in true }
        } catch let e as PipelineError {
            guard case .stillPending(let h) = e.kind else { throw e }
            hash = h
        }
        // State changed between simulation and inclusion: the contract now refuses (InsufficientStakeToLock()).
        await chain.setRevert(target, data: [0xe0, 0x63, 0x14, 0x62])
        await chain.setFailing(target)
        await chain.mine()
        await #expect {
            _ = try await s.watch(hash: hash)
        } throws: { error in
            guard let e = error as? PipelineError, case .revertedOnChain(_, _, let reason) = e.kind else {
                return false
            }
            return reason == "InsufficientStakeToLock()"
        }
        let row = try #require(try journal.entry(hash: hash))
        #expect(row.state == .failed && row.receiptStatus == 0 && row.failureReason == "InsufficientStakeToLock()")
    }

    @Test func aTransactionMinedMeanwhileIsNotReplaced() async throws {
        await chain.fund(key.address, BigUInt(10).power(18))
        await chain.setAutomine(false)
        let s = sender(wait: .milliseconds(200))
        var hash = ""
        do {
            _ = try await s.send(request(), signer: key) { _ in true }
        } catch let e as PipelineError {
            guard case .stillPending(let h) = e.kind else { throw e }
            hash = h
        }
        await chain.mine()
        // The journal still says sent; replace looks at the chain first and refuses.
        #expect(try journal.entry(hash: hash)?.state == .sent)
        await #expect(throws: PipelineError(.notReplaceable(hash: hash, state: "confirmed"))) {
            _ = try await s.replace(hash: hash, kind: .cancel, signer: key) { _ in true }
        }
        #expect(await chain.sentCount() == 1)
    }

    @Test func arbitrumTransactionsOfferNoTip() async throws {
        let arbitrum = SimulatedChain(chainId: 42161)
        await arbitrum.fund(key.address, BigUInt(10).power(18))
        await arbitrum.setFees(baseFee: 10_000_000, rewards: [3_000_000_000])
        let s = TransactionSender(
            chain: arbitrum, journal: journal, chainId: 42161, policy: FeePolicy(rules: FeeRules.forChain(42161)))
        guard case .confirmed(let hash, _) = try await s.send(request(), signer: key, approve: { _ in true }) else {
            Issue.record("expected confirmed")
            return
        }
        let row = try #require(try journal.entry(hash: hash))
        // tip 0 whatever others paid; max fee 2 × 0.01 gwei base fee
        #expect(row.maxPriorityFeePerGas == "0" && row.maxFeePerGas == "20000000" && row.chainId == 42161)
    }

    @Test func aFinalTransactionCannotBeReplaced() async throws {
        await chain.fund(key.address, BigUInt(10).power(18))
        let s = sender()
        guard case .confirmed(let hash, _) = try await s.send(request(), signer: key, approve: { _ in true }) else {
            Issue.record("expected confirmed")
            return
        }
        await #expect(throws: PipelineError(.notReplaceable(hash: hash, state: "confirmed"))) {
            _ = try await s.replace(hash: hash, kind: .speedUp, signer: key) { _ in true }
        }
    }

    @Test func aDroppedTransactionIsNoticed() async throws {
        await chain.fund(key.address, BigUInt(10).power(18))
        await chain.setAutomine(false)
        let s = sender(wait: .milliseconds(200))
        var stuck = ""
        do {
            _ = try await s.send(request(), signer: key) { _ in true }
        } catch let e as PipelineError {
            guard case .stillPending(let hash) = e.kind else { throw e }
            stuck = hash
        }
        // The same key used nonce 0 elsewhere (another wallet), and our transaction left the pool.
        await chain.foreignTransaction(from: key.address)
        await #expect(throws: PipelineError(.dropped(hash: stuck))) { _ = try await sender().watch(hash: stuck) }
        let row = try #require(try journal.entry(hash: stuck))
        #expect(row.state == .dropped)
        #expect(row.failureReason?.contains("not in this journal") == true)
        // the next send takes nonce 1: the dropped row does not hold nonce 0 and the chain has used it
        await chain.setAutomine(true)
        // A sender with the long receipt wait: the 200 ms one above was there to get stillPending, and CI saw
        // it expire here too while the mining task ran late on a loaded pool.
        guard case .confirmed(let next, _) = try await sender().send(request(), signer: key, approve: { _ in true })
        else {
            Issue.record("expected confirmed")
            return
        }
        #expect(try journal.entry(hash: next)?.nonce == 1)
    }

    @Test func anUnreachableSendKeepsTheRowAndRecoverySendsIt() async throws {
        await chain.fund(key.address, BigUInt(10).power(18))
        await chain.failNextSends(1)
        let s = sender()
        var hash = ""
        do {
            _ = try await s.send(request(), signer: key) { _ in true }
        } catch let e as PipelineError {
            guard case .sendUnconfirmed(let h, _) = e.kind else { throw e }
            hash = h
        }
        #expect(try journal.entry(hash: hash)?.state == .signed)
        #expect(try journal.entry(hash: hash)?.lastSendError == "connection refused")
        // The next send first sends the journaled row (its nonce comes first), then takes nonce 1.
        guard case .confirmed(let next, _) = try await s.send(request("second"), signer: key, approve: { _ in true })
        else {
            Issue.record("expected confirmed")
            return
        }
        #expect(try journal.entry(hash: next)?.nonce == 1)
        #expect(try journal.entry(hash: hash)?.state == .confirmed)
        #expect(await chain.sentCount() == 2)
        // nothing is left for recovery
        #expect(try await s.recover().isEmpty)
    }

    @Test func recoveryFindsWhatACrashLeftBehind() async throws {
        await chain.fund(key.address, BigUInt(10).power(18))
        let s = sender()
        // Three rows a crashed process could leave: signed-and-never-sent (0), signed-but-actually-sent (1),
        // and signed whose nonce was later used by a foreign transaction (2).
        func signedRow(nonce: UInt64) throws -> SignedTransaction {
            UnsignedTransaction.eip1559(
                try EIP1559Transaction(
                    chainId: 31337, nonce: nonce, maxPriorityFeePerGas: 2_000_000_000, maxFeePerGas: 4_000_000_000,
                    gasLimit: 21_000, to: target, value: 1, data: [])
            ).sign(with: key)
        }
        let t0 = try signedRow(nonce: 0)
        let t1 = try signedRow(nonce: 1)
        for t in [t0, t1] {
            try journal.record(
                JournalEntry(
                    chainId: 31337, fromAddress: key.address.checksummed, nonce: Int64(t.transaction.nonce),
                    toAddress: target.checksummed, value: "1", data: Data(), gasLimit: "21000", txType: 2,
                    gasPrice: nil,
                    maxFeePerGas: "4000000000", maxPriorityFeePerGas: "2000000000", rawTransaction: Data(t.rawBytes),
                    hash: Hex.encode(t.hash), label: "crashed \(t.transaction.nonce)"))
        }
        // t1 can only be mined after t0; the node has neither. Recovery sends t0 then t1, in nonce order.
        let report = try await s.recover()
        #expect(report.map(\.nonce) == [0, 1])
        #expect(report.map(\.after) == [.confirmed, .confirmed])
        #expect(await chain.sentCount() == 2)
        // nonces continue without a gap
        guard case .confirmed(let next, _) = try await s.send(request(), signer: key, approve: { _ in true }) else {
            Issue.record("expected confirmed")
            return
        }
        #expect(try journal.entry(hash: next)?.nonce == 2)
        // A journaled row whose nonce the chain has used by other means is marked dropped, not sent forever.
        let t3 = try signedRow(nonce: 3)
        try journal.record(
            JournalEntry(
                chainId: 31337, fromAddress: key.address.checksummed, nonce: 3, toAddress: target.checksummed,
                value: "1",
                data: Data(), gasLimit: "21000", txType: 2, gasPrice: nil, maxFeePerGas: "4000000000",
                maxPriorityFeePerGas: "2000000000", rawTransaction: Data(t3.rawBytes), hash: Hex.encode(t3.hash),
                label: "crashed 3"))
        await chain.foreignTransaction(from: key.address)
        let again = try await s.recover()
        #expect(again.map(\.after) == [.dropped])
    }

    @Test func twoQuickSendsGetDistinctNonces() async throws {
        await chain.fund(key.address, BigUInt(10).power(18))
        // Two senders on the same database (as two processes would be), each with its own lock handle.
        let a = sender()
        let b = sender()
        async let first = a.send(request("a"), signer: key) { _ in true }
        async let second = b.send(request("b"), signer: key) { _ in true }
        let outcomes = try await [first, second]
        let nonces = try outcomes.map { outcome -> Int64 in
            guard case .confirmed(let hash, _) = outcome else { return -1 }
            return try journal.entry(hash: hash)?.nonce ?? -1
        }
        #expect(nonces.sorted() == [0, 1])
    }

    @Test func declinedAtReviewJournalsNothing() async throws {
        await chain.fund(key.address, BigUInt(10).power(18))
        await #expect(throws: PipelineError(.declined)) {
            _ = try await sender().send(request(), signer: key) { _ in false }
        }
        #expect(try journal.recent().isEmpty)
    }
}
