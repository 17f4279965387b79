import Foundation
import KalypsoKit

/// The outside world as the console reaches it: cache reads, the background sync, writes.
///
/// One live implementation (``LiveConsoleServices``: the cache, `ChainSync`, the journal and the
/// operator's send path) and one fixed (``FixedConsoleServices``) for tests and screenshots.
public protocol ConsoleServices: Sendable {
    /// Reads everything the screens show from the cache and the journal.
    func loadSnapshot() async throws -> ConsoleSnapshot
    /// Syncs the cache up to the chain head once and says where it got.
    func sync() async throws -> ConsoleSyncProgress
    /// Prepares a write: pre-flight checks, the call in words, simulation, gas and fee.
    func review(_ write: ConsoleWrite) async throws -> ConsoleReview
    /// Signs and sends a reviewed write through the one send path; returns the transaction hash.
    func send(_ review: ConsoleReview) async throws -> String
    /// Runs the enclave's benchmark for a market, records it in the cache and returns its time in ms.
    func benchmark(marketId: Int64) async throws -> Int64
    /// Reads from the chain what the cache lacks for the screens (token symbols, staking terms) and keeps it
    /// in the cache; true when the cache changed (the next snapshot shows more).
    func readChainDetails() async throws -> Bool
    /// Reads the onboarding state for the wizard's inputs: the engine's plan from chain, enclave, TEE
    /// verifier and journal, with the suggestions for every input left empty.
    func probeOnboarding(_ inputs: OnboardingInputs) async throws -> ConsoleOnboarding
    /// Runs an onboarding step that signs nothing (configure the enclave, benchmark, start programs).
    func runOnboardingStep(_ request: OnboardingStepRequest) async throws -> [String]
}

extension ConsoleServices {
    /// Services without a chain (fixed data) have no details to read: their snapshot is all there is.
    public func readChainDetails() async throws -> Bool { false }
}

/// Services that answer from fixed values: a snapshot (or a failure), a sync status, no writes.
public struct FixedConsoleServices: ConsoleServices {
    public var snapshot: Result<ConsoleSnapshot, ConsoleFailure>
    public var syncStatus: Result<ConsoleSyncProgress, ConsoleFailure>
    public var reviews: [ConsoleWrite: Result<ConsoleReview, ConsoleFailure>]
    /// What a probe of the onboarding state answers (nil: fixed data has no chain or enclave to probe).
    public var onboarding: Result<ConsoleOnboarding, ConsoleFailure>?
    /// What a step that signs nothing answers, by step (none: refused).
    public var steps: [OnboardingStepKind: Result<[String], ConsoleFailure>] = [:]

    public init(
        snapshot: Result<ConsoleSnapshot, ConsoleFailure>,
        syncStatus: Result<ConsoleSyncProgress, ConsoleFailure> = .success(
            ConsoleSyncProgress(fraction: 1, lastIndexed: 0, head: 0, caughtUp: true)),
        reviews: [ConsoleWrite: Result<ConsoleReview, ConsoleFailure>] = [:]
    ) {
        self.snapshot = snapshot
        self.syncStatus = syncStatus
        self.reviews = reviews
    }

    public func loadSnapshot() async throws -> ConsoleSnapshot { try snapshot.get() }
    public func sync() async throws -> ConsoleSyncProgress { try syncStatus.get() }
    public func review(_ write: ConsoleWrite) async throws -> ConsoleReview {
        guard let r = reviews[write] else { throw FixedServicesRefusal(write: write) }
        return try r.get()
    }
    public func send(_ review: ConsoleReview) async throws -> String { throw FixedServicesRefusal(write: review.write) }
    public func probeOnboarding(_ inputs: OnboardingInputs) async throws -> ConsoleOnboarding {
        guard let onboarding else { throw FixedServicesRefusal(write: nil) }
        return try onboarding.get()
    }
    public func runOnboardingStep(_ request: OnboardingStepRequest) async throws -> [String] {
        guard let r = steps[request.step] else { throw FixedServicesRefusal(write: .onboarding(request)) }
        return try r.get()
    }
}

/// The fixed services send nothing (they have no chain).
public struct FixedServicesRefusal: Error, Sendable, CustomStringConvertible {
    public let write: ConsoleWrite?
    public var description: String {
        "fixed test data: \(write?.summary ?? "the onboarding probe") has no chain to go to"
    }
}
