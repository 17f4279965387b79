import Basics
import BigInt
import EthereumKit

/// The life of one transaction, from pre-flight to confirmation, as a value: events in, actions out,
/// no I/O inside. ``TransactionSender`` performs the actions and feeds the answers back.
///
/// Order: balance → `eth_call` → `eth_estimateGas` → fees → review → nonce → sign → journal → send →
/// watch. The journal action always comes before the send action, so a crash between them leaves a
/// signed row that recovery sends again; a crash after the send leaves a row recovery finds on chain.
public struct TransactionMachine: Sendable {
    public enum Phase: Sendable, Hashable {
        case idle
        case checkingBalance
        case simulating
        case estimatingGas
        case readingFees
        case readingGasPrice
        case awaitingApproval
        case assigningNonce
        case signing
        case journaling
        case sending
        case watching
        /// Mined with status 0: replaying the call to learn why.
        case explainingFailure
        case finished(Outcome)
        case failed(PipelineError)
    }

    public enum Event: Sendable {
        case start
        case balance(BigUInt)
        case simulationSucceeded
        /// The call or the estimate reverted with this data (empty for a bare revert).
        case simulationReverted(data: [UInt8])
        case gasEstimated(BigUInt)
        case feeHistory(FeeHistory)
        case gasPrice(BigUInt)
        case approved
        case declined
        case nonceAssigned(UInt64)
        case signed(SignedTransaction)
        case journaled
        case sendAccepted
        case sendFailed(ChainAccessError)
        case observed(Observation)
        /// The sender stopped waiting (its deadline passed); the transaction stays in the journal.
        case waitEnded
        /// The replay of a failed transaction reverted with this data (nil: it did not revert, or could not run).
        case failureExplained(revertData: [UInt8]?)
    }

    public enum Action: Sendable, Hashable {
        case readBalance(Address)
        case simulate(CallRequest)
        case estimateGas(CallRequest)
        case readFeeHistory(blocks: Int, percentiles: [Double])
        case readGasPrice
        case review(TransactionReview)
        /// Take the account's nonce lock and pick the next nonce (chain `pending` and journal).
        case assignNonce(Address)
        case sign(UnsignedTransaction)
        /// Write the journal row; must be durable before the next action (the send) runs.
        case journal(SignedTransaction, label: String, replaces: String?)
        case send(raw: [UInt8])
        /// Let go of the nonce lock: the nonce is now in the journal (or free again).
        case releaseNonce
        case record(hash: String, JournalChange)
        /// After the poll interval: read the account's `latest` nonce, then the receipts (own and same-nonce
        /// rows of the journal), then whether the node knows the transaction, and report an ``Observation``.
        case observe(hash: String, nonce: UInt64)
        /// Replay the call with `eth_call` on the state before `block` to name why it reverted on chain.
        case explainFailure(CallRequest, block: UInt64)
        case finish(Outcome)
        case fail(PipelineError)
    }

    /// A change to the journal row of a transaction.
    public enum JournalChange: Sendable, Hashable {
        case sent
        case sendError(String)
        case mined(TransactionReceipt)
        case confirmed(TransactionReceipt)
        case failed(TransactionReceipt, reason: String)
        case replaced(by: String)
        case dropped(reason: String)
    }

    /// How a transaction ended.
    public enum Outcome: Sendable, Hashable {
        case confirmed(hash: String, receipt: TransactionReceipt)
        /// Another transaction with the same nonce from this journal (a speed-up or cancel) was mined instead.
        case replaced(hash: String, by: String)
    }

    /// What one poll saw. The nonce is read before the receipts, so "nonce used and no receipt" cannot be
    /// a transaction mined between the two reads.
    public struct Observation: Sendable, Hashable {
        public var receipt: TransactionReceipt?
        /// A journal row with the same nonce that has a receipt: (its hash, its receipt).
        public var sameNonceReceipt: SameNonce?
        public var isKnown: Bool
        /// `eth_getTransactionCount(from, latest)`.
        public var accountNonce: UInt64
        public var head: UInt64

        public struct SameNonce: Sendable, Hashable {
            public var hash: String
            public var receipt: TransactionReceipt
            public init(hash: String, receipt: TransactionReceipt) {
                self.hash = hash
                self.receipt = receipt
            }
        }

        public init(
            receipt: TransactionReceipt?, sameNonceReceipt: SameNonce? = nil, isKnown: Bool, accountNonce: UInt64,
            head: UInt64
        ) {
            self.receipt = receipt
            self.sameNonceReceipt = sameNonceReceipt
            self.isKnown = isKnown
            self.accountNonce = accountNonce
            self.head = head
        }
    }

    /// What a speed-up or cancel replaces.
    public struct Replacing: Sendable, Hashable {
        public var hash: String
        public var nonce: UInt64
        public var fees: FeeQuote
        public init(hash: String, nonce: UInt64, fees: FeeQuote) {
            self.hash = hash
            self.nonce = nonce
            self.fees = fees
        }
    }

    public private(set) var phase: Phase = .idle
    public let request: TransactionRequest
    public let chainId: BigUInt
    public let policy: FeePolicy
    public let replacing: Replacing?
    let errors: ABIErrorRegistry
    /// How often a transaction no node knows is sent again before it is called dropped.
    public var maxRebroadcasts = 3

    public private(set) var balance: BigUInt = 0
    public private(set) var gasLimit: BigUInt?
    public private(set) var fees: FeeQuote?
    public private(set) var nonce: UInt64?
    public private(set) var signed: SignedTransaction?
    public private(set) var rebroadcasts = 0
    private var recordedMined = false
    private var failedReceipt: TransactionReceipt?
    private var recordedSent = false

    /// A new write.
    public init(request: TransactionRequest, chainId: BigUInt, policy: FeePolicy, errors: ABIErrorRegistry) {
        self.request = request
        self.chainId = chainId
        self.policy = policy
        self.errors = errors
        self.replacing = nil
    }

    /// A speed-up (same call) or cancel (0 ETH to oneself) of a pending transaction: same nonce, fees raised.
    public init(
        replacing: Replacing, request: TransactionRequest, chainId: BigUInt, policy: FeePolicy,
        errors: ABIErrorRegistry
    ) {
        self.request = request
        self.chainId = chainId
        self.policy = policy
        self.errors = errors
        self.replacing = replacing
        self.gasLimit = request.gasLimit
        self.nonce = replacing.nonce
    }

    /// A journaled transaction found at start (recovery) or picked up by `tx` commands: a signed row is
    /// sent again, a sent or mined one is watched. No nonce is assigned, so no lock is taken.
    public static func resume(
        signed: SignedTransaction, label: String, from: Address, wasSent: Bool, chainId: BigUInt, policy: FeePolicy,
        errors: ABIErrorRegistry
    ) -> (TransactionMachine, [Action]) {
        let tx = signed.transaction
        let request = TransactionRequest(
            from: from, to: tx.to, value: tx.value, data: tx.data,
            description: CallDescription(summary: label, contract: tx.to?.checksummed ?? "new contract", function: ""),
            gasLimit: tx.gasLimit)
        var machine = TransactionMachine(request: request, chainId: chainId, policy: policy, errors: errors)
        machine.signed = signed
        machine.nonce = tx.nonce
        machine.gasLimit = tx.gasLimit
        machine.recordedSent = wasSent
        if wasSent {
            machine.phase = .watching
            return (machine, [.observe(hash: machine.hashHex, nonce: tx.nonce)])
        }
        machine.phase = .sending
        return (machine, [.send(raw: signed.rawBytes)])
    }

    var hashHex: String { signed.map { Hex.encode($0.hash) } ?? "" }

    /// Feeds one event; returns the actions to perform in order. An event the phase does not expect is
    /// a bug in the driver and fails the machine (it never silently moves on).
    public mutating func handle(_ event: Event) -> [Action] {
        switch (phase, event) {
        case (.idle, .start):
            phase = .checkingBalance
            return [.readBalance(request.from)]

        case (.checkingBalance, .balance(let amount)):
            balance = amount
            if amount < request.value {
                return fail(.insufficientBalance(needed: request.value, balance: amount))
            }
            if replacing != nil {
                // The call itself was simulated when first sent; a cancel has nothing to simulate.
                phase = .readingFees
                return [.readFeeHistory(blocks: policy.historyBlocks, percentiles: [policy.rewardPercentile])]
            }
            phase = .simulating
            return [.simulate(request.call)]

        case (.simulating, .simulationSucceeded):
            if let fixed = request.gasLimit {
                gasLimit = fixed
                phase = .readingFees
                return [.readFeeHistory(blocks: policy.historyBlocks, percentiles: [policy.rewardPercentile])]
            }
            phase = .estimatingGas
            return [.estimateGas(request.call)]

        case (.simulating, .simulationReverted(let data)), (.estimatingGas, .simulationReverted(let data)):
            let reason = errors.decodeRevert(data)
            return fail(.simulationReverted(reason: reason.description, errorName: reason.name))

        case (.estimatingGas, .gasEstimated(let estimate)):
            gasLimit = policy.gasLimit(forEstimate: estimate)
            phase = .readingFees
            return [.readFeeHistory(blocks: policy.historyBlocks, percentiles: [policy.rewardPercentile])]

        case (.readingFees, .feeHistory(let history)):
            guard FeePolicy.hasBaseFee(history) else {
                phase = .readingGasPrice
                return [.readGasPrice]
            }
            return priced(policy.quote(history: history))

        case (.readingGasPrice, .gasPrice(let price)):
            return priced(.legacy(gasPrice: price))

        case (.awaitingApproval, .approved):
            if let replacing {
                return build(nonce: replacing.nonce)
            }
            phase = .assigningNonce
            return [.assignNonce(request.from)]

        case (.awaitingApproval, .declined):
            return fail(.declined)

        case (.assigningNonce, .nonceAssigned(let n)):
            return build(nonce: n)

        case (.signing, .signed(let tx)):
            signed = tx
            phase = .journaling
            return [.journal(tx, label: request.description.summary, replaces: replacing?.hash)]

        case (.journaling, .journaled):
            guard let signed else {
                return fail(.internalInconsistency("journaled without a signed transaction"))
            }
            phase = .sending
            return [.send(raw: signed.rawBytes)]

        case (.sending, .sendAccepted):
            return accepted()

        case (.sending, .sendFailed(let error)):
            switch error.kind {
            case .alreadyKnown:
                return accepted()
            case .nonceTooLow:
                // Mined already (a resend after a crash), or its nonce went to another transaction: a poll tells.
                phase = .watching
                return [.releaseNonce, .observe(hash: hashHex, nonce: nonce ?? 0)]
            case .unreachable:
                return [.record(hash: hashHex, .sendError(error.message)), .releaseNonce]
                    + fail(.sendUnconfirmed(hash: hashHex, message: error.message))
            case .reverted, .replacementUnderpriced, .insufficientFunds, .rejected:
                if recordedSent {
                    // A rebroadcast of something a node accepted before: it may still be in another node's pool.
                    phase = .watching
                    return [
                        .record(hash: hashHex, .sendError(error.message)), .observe(hash: hashHex, nonce: nonce ?? 0),
                    ]
                }
                return [.record(hash: hashHex, .dropped(reason: error.message)), .releaseNonce]
                    + fail(.sendRejected(message: error.message))
            }

        case (.watching, .observed(let seen)):
            return watch(seen)

        case (.explainingFailure, .failureExplained(let data)):
            guard let receipt = failedReceipt else {
                return fail(.internalInconsistency("no failed receipt"))
            }
            let reason =
                data.map { errors.decodeRevert($0).description } ?? "reverted on chain (the replay did not say why)"
            return [.record(hash: hashHex, .failed(receipt, reason: reason))]
                + fail(.revertedOnChain(hash: hashHex, block: receipt.blockNumber, reason: reason))

        case (.watching, .waitEnded), (.sending, .waitEnded):
            return fail(.stillPending(hash: hashHex))

        case (.finished, _), (.failed, _):
            return []

        default:
            return fail(.internalInconsistency("event \(event) not expected while \(phase)"))
        }
    }

    private mutating func priced(_ quote: FeeQuote) -> [Action] {
        var quote = quote
        if let replacing { quote = policy.replacementQuote(old: replacing.fees, current: quote) }
        fees = quote
        let limit = gasLimit ?? 0
        let ceiling = limit * quote.ceilingPerGas
        if let cap = policy.feeCapPerGas, quote.ceilingPerGas > cap {
            return fail(.feePerGasCapExceeded(perGas: quote.ceilingPerGas, cap: cap))
        }
        if let cap = policy.feeCap, ceiling > cap {
            return fail(.feeCapExceeded(ceiling: ceiling, cap: cap))
        }
        if balance < ceiling + request.value {
            return fail(.insufficientBalance(needed: ceiling + request.value, balance: balance))
        }
        phase = .awaitingApproval
        let review = TransactionReview(
            chainId: chainId, from: request.from, to: request.to, description: request.description,
            value: request.value, gasLimit: limit, fees: quote, balance: balance,
            replacing: replacing.map { ($0.hash, $0.nonce) })
        return [.review(review)]
    }

    private mutating func build(nonce n: UInt64) -> [Action] {
        nonce = n
        phase = .signing
        let limit = gasLimit ?? 0
        let unsigned: UnsignedTransaction
        do {
            switch fees {
            case .eip1559(let maxFee, let tip):
                unsigned = .eip1559(
                    try EIP1559Transaction(
                        chainId: chainId, nonce: n, maxPriorityFeePerGas: tip, maxFeePerGas: maxFee, gasLimit: limit,
                        to: request.to, value: request.value, data: request.data))
            case .legacy(let price):
                unsigned = .legacy(
                    try LegacyTransaction(
                        nonce: n, gasPrice: price, gasLimit: limit, to: request.to, value: request.value,
                        data: request.data, chainId: chainId))
            case nil:
                return fail(.internalInconsistency("no fees before signing"))
            }
        } catch {
            // EIP-2681: a nonce of 2^64 - 1 cannot be signed.
            return fail(.sendRejected(message: ErrorReport(error).title + ": " + ErrorReport(error).detail))
        }
        return [.sign(unsigned)]
    }

    private mutating func accepted() -> [Action] {
        phase = .watching
        var actions: [Action] = []
        if !recordedSent {
            recordedSent = true
            actions.append(.record(hash: hashHex, .sent))
        }
        return actions + [.releaseNonce, .observe(hash: hashHex, nonce: nonce ?? 0)]
    }

    private mutating func watch(_ seen: Observation) -> [Action] {
        let hash = hashHex
        let n = nonce ?? 0
        if let receipt = seen.receipt {
            var actions: [Action] = []
            if let replacing { actions.append(.record(hash: replacing.hash, .replaced(by: hash))) }
            if receipt.status == 0 {
                failedReceipt = receipt
                phase = .explainingFailure
                var call = request.call
                call.gas = gasLimit
                return actions + [.explainFailure(call, block: receipt.blockNumber)]
            }
            let confirmations = seen.head >= receipt.blockNumber ? seen.head - receipt.blockNumber + 1 : 0
            if confirmations >= policy.confirmations {
                let outcome = Outcome.confirmed(hash: hash, receipt: receipt)
                phase = .finished(outcome)
                return actions + [.record(hash: hash, .confirmed(receipt)), .finish(outcome)]
            }
            if !recordedMined {
                recordedMined = true
                actions.append(.record(hash: hash, .mined(receipt)))
            }
            return actions + [.observe(hash: hash, nonce: n)]
        }
        if let other = seen.sameNonceReceipt {
            let outcome = Outcome.replaced(hash: hash, by: other.hash)
            phase = .finished(outcome)
            return [.record(hash: hash, .replaced(by: other.hash)), .finish(outcome)]
        }
        if seen.accountNonce > n {
            return [.record(hash: hash, .dropped(reason: "nonce \(n) was used by a transaction not in this journal"))]
                + fail(.dropped(hash: hash))
        }
        if seen.isKnown {
            return [.observe(hash: hash, nonce: n)]
        }
        guard let signed, rebroadcasts < maxRebroadcasts else {
            return [.record(hash: hash, .dropped(reason: "no node kept it after \(rebroadcasts) rebroadcasts"))]
                + fail(.dropped(hash: hash))
        }
        rebroadcasts += 1
        phase = .sending
        return [.send(raw: signed.rawBytes)]
    }

    private mutating func fail(_ kind: PipelineError.Kind) -> [Action] {
        let error = PipelineError(kind)
        phase = .failed(error)
        return [.fail(error)]
    }
}
