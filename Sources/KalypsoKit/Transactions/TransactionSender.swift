import Basics
import BigInt
import EthereumKit
import Foundation
import KalypsoStore

/// Runs ``TransactionMachine``s against a chain, a journal and a signer: the one path every write takes.
public struct TransactionSender: Sendable {
    public let chain: any ChainAccess
    public let journal: TransactionJournal
    public let lock: NonceLock
    public let chainId: BigUInt
    public var policy: FeePolicy
    public var errors: ABIErrorRegistry
    /// Time between two polls of a sent transaction.
    public var pollInterval: Duration = .seconds(1)
    /// How long ``send(_:signer:approve:)`` waits for confirmations before it returns `stillPending`.
    public var waitTimeout: Duration = .seconds(180)
    /// Called at named points ("after-journal", "after-send"); the crash tests stop the process there.
    public var checkpoint: @Sendable (String) async -> Void = { _ in }

    public init(
        chain: any ChainAccess, journal: TransactionJournal, chainId: BigUInt, policy: FeePolicy,
        errors: ABIErrorRegistry = ABIErrorRegistry()
    ) {
        self.chain = chain
        self.journal = journal
        self.lock = NonceLock(databasePath: journal.database.path)
        self.chainId = chainId
        self.policy = policy
        self.errors = errors
    }

    /// Asks whether to go ahead with a reviewed transaction (the console's confirm screen, the headless
    /// prompt, or `--yes`).
    public typealias Approval = @Sendable (TransactionReview) async -> Bool

    /// Simulates, prices, reviews, signs, journals, sends and waits for the transaction.
    public func send(_ request: TransactionRequest, signer: any DigestSigner, approve: Approval) async throws
        -> TransactionMachine.Outcome
    {
        guard signer.address == request.from else {
            throw PipelineError(.wrongKey(expected: request.from, found: signer.address))
        }
        var machine = TransactionMachine(request: request, chainId: chainId, policy: policy, errors: errors)
        let start = machine.handle(.start)
        return try await run(&machine, start, signer: signer, approve: approve)
    }

    /// What a speed-up or cancel sends.
    public enum ReplacementKind: String, Sendable {
        /// The same call with higher fees.
        case speedUp
        /// 0 ETH to oneself with the same nonce and higher fees, so the original can never be mined.
        case cancel
    }

    /// Replaces a signed or sent transaction of the journal: same nonce, every fee raised by the bump.
    public func replace(
        hash: String, kind: ReplacementKind, signer: any DigestSigner, approve: Approval
    ) async throws -> TransactionMachine.Outcome {
        guard let found = try journal.entry(hash: hash) else {
            throw StoreError(.notFound, path: journal.database.path, reason: "no transaction \(hash)")
        }
        // The journal may be behind the chain (mined since the last look): look once before replacing.
        if !found.state.isFinal, let from = Address(hexLowercased: found.fromAddress) {
            _ = try await recover(account: from)
        }
        let row = try journal.entry(hash: hash) ?? found
        guard row.state == .signed || row.state == .sent else {
            throw PipelineError(.notReplaceable(hash: row.hash, state: row.state.rawValue))
        }
        let original = try decodeRow(row)
        let tx = original.transaction
        let from = try original.sender()
        guard signer.address == from else {
            throw PipelineError(.wrongKey(expected: from, found: signer.address))
        }
        let oldFees: FeeQuote
        switch tx {
        case .eip1559(let t):
            oldFees = .eip1559(maxFeePerGas: t.maxFeePerGas, maxPriorityFeePerGas: t.maxPriorityFeePerGas)
        case .legacy(let t): oldFees = .legacy(gasPrice: t.gasPrice)
        case .accessList(let t): oldFees = .legacy(gasPrice: t.gasPrice)
        }
        let request: TransactionRequest
        switch kind {
        case .speedUp:
            request = TransactionRequest(
                from: from, to: tx.to, value: tx.value, data: tx.data,
                description: CallDescription(
                    summary: "Speed up: \(row.label)", contract: tx.to?.checksummed ?? "new contract",
                    function: "same call, higher fees"),
                gasLimit: tx.gasLimit)
        case .cancel:
            request = TransactionRequest(
                from: from, to: from, value: 0, data: [],
                description: CallDescription(
                    summary: "Cancel: \(row.label)", contract: from.checksummed,
                    function: "0 ETH to yourself with the same nonce"),
                gasLimit: 21_000)
        }
        var machine = TransactionMachine(
            replacing: .init(hash: row.hash, nonce: tx.nonce, fees: oldFees), request: request, chainId: chainId,
            policy: policy, errors: errors)
        let start = machine.handle(.start)
        return try await run(&machine, start, signer: signer, approve: approve)
    }

    /// What recovery did with one open journal row.
    public struct Recovered: Sendable, Hashable {
        public var hash: String
        public var nonce: Int64
        public var before: JournalEntry.State
        public var after: JournalEntry.State
    }

    /// Looks at every open row of this chain once, oldest nonce first: a signed row is sent again (it may
    /// never have left this machine), a sent or mined row is looked up, and the journal is brought up to
    /// what the chain says (mined, confirmed, replaced, dropped). Does not wait for pending transactions.
    ///
    /// - Parameters:
    ///   - account: only this account's rows (all accounts of the chain when nil).
    ///   - unsentOnly: only rows still `signed` (what a send checks before it picks a nonce).
    public func recover(account: Address? = nil, unsentOnly: Bool = false) async throws -> [Recovered] {
        var out: [Recovered] = []
        let rows =
            try account.map { try journal.pending(chainId: try int64(chainId), from: $0.checksummed) }
            ?? journal.pending(chainId: try int64(chainId))
        for row in rows where !unsentOnly || row.state == .signed {
            let signed = try decodeRow(row)
            var machine: TransactionMachine
            var actions: [TransactionMachine.Action]
            (machine, actions) = TransactionMachine.resume(
                signed: signed, label: row.label, from: try signed.sender(), wasSent: row.state != .signed,
                chainId: chainId, policy: policy, errors: errors)
            var sender = self
            sender.waitTimeout = .zero
            sender.pollInterval = .zero
            do {
                _ = try await sender.run(&machine, actions, signer: nil, approve: { _ in false }, singlePoll: true)
            } catch is PipelineError {
                // Dropped, reverted or still pending: the journal row says so; recovery goes on.
            }
            let after = try journal.entry(hash: row.hash)?.state ?? row.state
            out.append(Recovered(hash: row.hash, nonce: row.nonce, before: row.state, after: after))
        }
        return out
    }

    /// Waits for a journaled transaction (sent again if no node has it) until it is final or the wait ends.
    public func watch(hash: String) async throws -> TransactionMachine.Outcome {
        guard let row = try journal.entry(hash: hash) else {
            throw StoreError(.notFound, path: journal.database.path, reason: "no transaction \(hash)")
        }
        let signed = try decodeRow(row)
        var (machine, actions) = TransactionMachine.resume(
            signed: signed, label: row.label, from: try signed.sender(), wasSent: row.state != .signed,
            chainId: chainId, policy: policy, errors: errors)
        return try await run(&machine, actions, signer: nil, approve: { _ in false })
    }

    // MARK: - The driver loop

    func run(
        _ machine: inout TransactionMachine, _ initial: [TransactionMachine.Action], signer: (any DigestSigner)?,
        approve: Approval, singlePoll: Bool = false
    ) async throws -> TransactionMachine.Outcome {
        var queue = initial
        var held: HeldNonceLock?
        defer { held?.release() }
        let deadline = ContinuousClock.now + waitTimeout
        var polls = 0
        while !queue.isEmpty {
            let action = queue.removeFirst()
            var event: TransactionMachine.Event?
            switch action {
            case .readBalance(let address):
                event = .balance(try await chain.balance(of: address, block: .latest))
            case .simulate(let call):
                do {
                    _ = try await chain.call(call, block: .latest)
                    event = .simulationSucceeded
                } catch let error as ChainAccessError where error.kind == .reverted {
                    event = .simulationReverted(data: error.revertData)
                }
            case .estimateGas(let call):
                do {
                    event = .gasEstimated(try await chain.estimateGas(call))
                } catch let error as ChainAccessError where error.kind == .reverted {
                    event = .simulationReverted(data: error.revertData)
                }
            case .readFeeHistory(let blocks, let percentiles):
                event = .feeHistory(try await chain.feeHistory(blockCount: blocks, percentiles: percentiles))
            case .readGasPrice:
                event = .gasPrice(try await chain.gasPrice())
            case .review(let review):
                event = await approve(review) ? .approved : .declined
            case .assignNonce(let address):
                held = try await lock.acquire()
                // A row an earlier run journaled but could not send holds a nonce the node has not seen:
                // send it first, or the new transaction would sit behind a gap.
                _ = try await recover(account: address, unsentOnly: true)
                event = .nonceAssigned(try await nextNonce(for: address))
            case .sign(let unsigned):
                guard let signer else {
                    throw PipelineError(.internalInconsistency("signing without a signer"))
                }
                let signature = try await sign(unsigned.signingHash, with: signer)
                event = .signed(SignedTransaction(transaction: unsigned, signature: signature))
            case .journal(let signed, let label, let replaces):
                try journal.record(try entry(for: signed, label: label, replaces: replaces))
                await checkpoint("after-journal")
                event = .journaled
            case .send(let raw):
                do {
                    _ = try await chain.sendRawTransaction(raw)
                    await checkpoint("after-send")
                    event = .sendAccepted
                } catch let error as ChainAccessError {
                    event = .sendFailed(error)
                } catch {
                    // Whether the node took it is unknown: keep the row, recovery sends it again.
                    event = .sendFailed(ChainAccessError(.unreachable, message: ErrorReport(error).title))
                }
            case .releaseNonce:
                held?.release()
                held = nil
            case .record(let hash, let change):
                try apply(change, to: hash)
            case .observe(let hash, let nonce):
                if polls > 0 || !singlePoll {
                    if singlePoll || ContinuousClock.now >= deadline {
                        event = .waitEnded
                        break
                    }
                    try await Task.sleep(for: pollInterval)
                }
                polls += 1
                do {
                    event = .observed(try await observe(hash: hash, nonce: nonce, from: machine.request.from))
                } catch  where (error as? any OperatorError)?.category == .unreachable {
                    // A read failed while waiting (node down, timeout, rate limit): poll again, until the deadline.
                    queue.insert(action, at: 0)
                    continue
                }
            case .explainFailure(let call, let block):
                do {
                    _ = try await chain.call(call, block: .number(block > 0 ? block - 1 : 0))
                    event = .failureExplained(revertData: nil)
                } catch let error as ChainAccessError where error.kind == .reverted {
                    event = .failureExplained(revertData: error.revertData)
                } catch {
                    // The explanation is a courtesy: the failure itself is certain, so it is recorded anyway.
                    event = .failureExplained(revertData: nil)
                }
            case .finish(let outcome):
                return outcome
            case .fail(let error):
                throw error
            }
            if let event { queue.append(contentsOf: machine.handle(event)) }
        }
        throw PipelineError(.internalInconsistency("the transaction machine stopped without an outcome"))
    }

    /// Signs and checks the signature recovers to the signer's address (a wrong key never reaches the journal).
    private func sign(_ digest: [UInt8], with signer: any DigestSigner) async throws -> Signature {
        try await signer.signVerified(digest: digest)
    }

    /// The next nonce of an account: the chain's `pending` count, or one past the journal's highest live
    /// nonce if that is higher (signed rows a crash left unsent, or sends a node has not shown yet).
    func nextNonce(for address: Address) async throws -> UInt64 {
        let chainNext = try await chain.transactionCount(of: address, block: .pending)
        guard
            let journaled = try journal.latestNonce(chainId: try int64(chainId), from: address.checksummed.lowercased())
        else { return chainNext }
        return max(chainNext, UInt64(journaled) + 1)
    }

    func observe(hash: String, nonce: UInt64, from: Address) async throws -> TransactionMachine.Observation {
        let hashBytes = try Hex.decode(hash)
        // Nonce first: a receipt that appears after this read is still seen below.
        let accountNonce = try await chain.transactionCount(of: from, block: .latest)
        let receipt = try await chain.receipt(hash: hashBytes)
        var sameNonce: TransactionMachine.Observation.SameNonce?
        if receipt == nil {
            let rows = try journal.sameNonce(
                chainId: try int64(chainId), from: from.checksummed.lowercased(), nonce: Int64(nonce))
            for row in rows where row.hash != hash.lowercased() {
                if let other = try await chain.receipt(hash: try Hex.decode(row.hash)) {
                    sameNonce = .init(hash: row.hash, receipt: other)
                    break
                }
            }
        }
        let known = receipt != nil ? true : try await chain.transactionIsKnown(hash: hashBytes)
        let head = try await chain.blockNumber()
        return .init(
            receipt: receipt, sameNonceReceipt: sameNonce, isKnown: known, accountNonce: accountNonce, head: head)
    }

    func apply(_ change: TransactionMachine.JournalChange, to hash: String) throws {
        let now = Date()
        try journal.update(hash: hash) { row in
            switch change {
            case .sent:
                if row.state == .signed { row.state = .sent }
                row.sentAt = row.sentAt ?? now
                row.lastSendError = nil
            case .sendError(let message):
                row.lastSendError = message
            case .mined(let receipt):
                row.state = .mined
                Self.fill(&row, receipt, at: now)
            case .confirmed(let receipt):
                row.state = .confirmed
                Self.fill(&row, receipt, at: now)
            case .failed(let receipt, let reason):
                row.state = .failed
                row.failureReason = reason
                Self.fill(&row, receipt, at: now)
            case .replaced(let other):
                row.state = .replaced
                row.replacedBy = other
            case .dropped(let reason):
                row.state = .dropped
                row.failureReason = reason
            }
        }
    }

    static func fill(_ row: inout JournalEntry, _ receipt: TransactionReceipt, at now: Date) {
        row.receiptStatus = Int(receipt.status)
        row.receiptBlock = Int64(receipt.blockNumber)
        row.gasUsed = String(receipt.gasUsed)
        row.effectiveGasPrice = receipt.effectiveGasPrice.map { String($0) }
        row.minedAt = row.minedAt ?? now
    }

    func entry(for signed: SignedTransaction, label: String, replaces: String?) throws -> JournalEntry {
        let tx = signed.transaction
        var gasPrice: String?
        var maxFee: String?
        var tip: String?
        switch tx {
        case .legacy(let t): gasPrice = String(t.gasPrice)
        case .accessList(let t): gasPrice = String(t.gasPrice)
        case .eip1559(let t):
            maxFee = String(t.maxFeePerGas)
            tip = String(t.maxPriorityFeePerGas)
        }
        guard tx.nonce < UInt64(Int64.max) else {
            throw PipelineError(.sendRejected(message: "nonce \(tx.nonce) is out of range"))
        }
        return JournalEntry(
            chainId: try int64(chainId), fromAddress: try signed.sender().checksummed, nonce: Int64(tx.nonce),
            toAddress: tx.to?.checksummed, value: String(tx.value), data: Data(tx.data), gasLimit: String(tx.gasLimit),
            txType: Int(tx.type), gasPrice: gasPrice, maxFeePerGas: maxFee, maxPriorityFeePerGas: tip,
            rawTransaction: Data(signed.rawBytes), hash: Hex.encode(signed.hash), label: label, replaces: replaces)
    }

    func decodeRow(_ row: JournalEntry) throws -> SignedTransaction {
        do {
            return try SignedTransaction.decode(raw: [UInt8](row.rawTransaction))
        } catch {
            throw StoreError(.queryFailed, path: journal.database.path, reason: "row \(row.hash): \(error)")
        }
    }

    func int64(_ value: BigUInt) throws -> Int64 {
        guard let v = Int64(exactly: value) else {
            throw PipelineError(.internalInconsistency("chain id \(value) does not fit the journal's 64-bit column"))
        }
        return v
    }
}

extension Address {
    /// An address as the journal stores it (lowercase `0x` hex); nil if it is not one.
    init?(hexLowercased text: String) {
        do { self = try Address(text) } catch { return nil }
    }
}
