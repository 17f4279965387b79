import Basics
import BigInt
import EthereumKit
import Foundation

/// The one way an operator action's transactions are sent: for each, in order, the pipeline simulates it,
/// prices it, shows its review (the call in words, fee, what changes) to ``confirm`` (a prompt, `--yes`, the
/// console's confirm screen), signs, journals, sends and waits for its confirmations.
///
/// `.dryRun` stops every transaction after its simulation and review; nothing is signed. When a later
/// transaction of a multi-transaction action fails (a stake after its approval), the error says exactly
/// which ones were sent (``PartialSendError``): nothing half-done is silent.
public struct OperatorSendPath: Sendable {
    public enum Mode: Sendable, Hashable {
        case send
        case dryRun
    }

    public let sender: TransactionSender
    public let signer: PrivateKey
    public let mode: Mode
    /// Asked with each transaction's review before it is signed (not asked in a dry run).
    public let confirm: TransactionSender.Approval

    public init(
        sender: TransactionSender, signer: PrivateKey, mode: Mode, confirm: @escaping TransactionSender.Approval
    ) {
        self.sender = sender
        self.signer = signer
        self.mode = mode
        self.confirm = confirm
    }

    /// Sends `requests` in order and returns what became of each.
    public func run(_ requests: [TransactionRequest]) async throws -> [SentStep] {
        var steps: [SentStep] = []
        for request in requests {
            let seen = ReviewBox()
            do {
                let step = try await one(request, seen: seen, after: steps)
                steps.append(step)
            } catch {
                guard !steps.contains(where: \.wasSent) else {
                    throw PartialSendError(done: steps, failed: request.description, total: requests.count, error)
                }
                throw error
            }
        }
        return steps
    }

    private func one(_ request: TransactionRequest, seen: ReviewBox, after earlier: [SentStep]) async throws
        -> SentStep
    {
        switch mode {
        case .dryRun:
            do {
                _ = try await sender.send(request, signer: signer) { review in
                    seen.value = review
                    return false
                }
                throw PipelineError(.internalInconsistency("a dry run was sent"))
            } catch let error as PipelineError {
                switch error.kind {
                case .declined:
                    return SentStep(description: request.description, review: seen.value, result: .simulated)
                case .simulationReverted where earlier.contains(where: { $0.result == .simulated }):
                    // It runs after an earlier transaction that a dry run does not send (the stake after its
                    // approval): the chain as it is now would refuse it, as expected.
                    return SentStep(
                        description: request.description, review: nil,
                        result: .notSimulated(reason: "needs the transaction before it to be mined first"))
                default: throw error
                }
            }
        case .send:
            let confirm = self.confirm
            let outcome = try await sender.send(request, signer: signer) { review in
                seen.value = review
                return await confirm(review)
            }
            switch outcome {
            case .confirmed(let hash, let receipt):
                return SentStep(
                    description: request.description, review: seen.value,
                    result: .confirmed(hash: hash, block: receipt.blockNumber))
            case .replaced(let hash, let by):
                return SentStep(
                    description: request.description, review: seen.value, result: .replaced(hash: hash, by: by))
            }
        }
    }
}

/// What became of one transaction of an action.
public struct SentStep: Sendable, Hashable {
    public enum Result: Sendable, Hashable {
        /// Mined and confirmed.
        case confirmed(hash: String, block: UInt64)
        /// A speed-up or cancel of it was mined instead.
        case replaced(hash: String, by: String)
        /// A dry run: simulated and reviewed, not signed.
        case simulated
        /// A dry run could not simulate it (it depends on an earlier transaction being mined).
        case notSimulated(reason: String)
    }

    public var description: CallDescription
    /// The review shown before signing (gas, fee, balance); nil when it was not simulated.
    public var review: TransactionReview?
    public var result: Result

    public init(description: CallDescription, review: TransactionReview?, result: Result) {
        self.description = description
        self.review = review
        self.result = result
    }

    /// Whether it reached the chain.
    public var wasSent: Bool {
        switch result {
        case .confirmed, .replaced: true
        case .simulated, .notSimulated: false
        }
    }

    /// "confirmed 0xab… in block 12" and the like, for the human output.
    public var outcomeText: String {
        switch result {
        case .confirmed(let hash, let block): "confirmed \(hash) in block \(block)"
        case .replaced(let hash, let by): "\(hash) was replaced by \(by) (a speed-up or cancel), which was mined"
        case .simulated: "simulated, not sent (dry run)"
        case .notSimulated(let reason): "not simulated: \(reason)"
        }
    }
}

/// A later transaction of an action failed after earlier ones were sent: says which were sent and what
/// failed, with the failure's own category (a revert stays exit 5, an unreachable node exit 4).
public struct PartialSendError: OperatorError {
    public let done: [SentStep]
    public let failed: CallDescription
    public let total: Int
    public let underlying: ErrorReport

    public init(done: [SentStep], failed: CallDescription, total: Int, _ error: any Error) {
        self.done = done
        self.failed = failed
        self.total = total
        self.underlying = ErrorReport(error)
    }

    public var code: ErrorCode { underlying.code }
    public var title: String {
        "\(failed.summary) failed after \(done.filter(\.wasSent).count) of \(total) transactions were sent: "
            + underlying.title
    }
    public var detail: String {
        let sent = done.map { "sent: \($0.description.summary) — \($0.outcomeText)" }
        return (sent + [underlying.detail].filter { !$0.isEmpty }).joined(separator: "\n")
    }
    public var hint: String {
        "The transactions above are on chain and stay; " + (underlying.hint.isEmpty ? "" : underlying.hint + " ")
            + "Running the same command again sends only what is still missing."
    }
    public var category: ErrorCategory { underlying.category }
    public var isRetryable: Bool { underlying.isRetryable }
}

/// The review a pipeline closure saw, read back after the send returns or throws.
private final class ReviewBox: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: TransactionReview?
    var value: TransactionReview? {
        get { lock.withLock { stored } }
        set { lock.withLock { stored = newValue } }
    }
}
