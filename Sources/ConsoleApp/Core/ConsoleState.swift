import Basics
import Foundation
import KalypsoKit
import TerminalKit

/// An error as the console shows it (title, detail, hint), carried by actions.
public struct ConsoleFailure: Error, Sendable, Equatable {
    public var report: ErrorReport
    public init(_ error: any Error) {
        report = (error as? ConsoleFailure)?.report ?? ErrorReport(error)
    }
}

/// A message on the status line.
public struct ConsoleStatus: Sendable, Hashable {
    public var text: String
    public var severity: Severity
    public init(_ text: String, _ severity: Severity = .info) {
        self.text = text
        self.severity = severity
    }
}

/// A write the operator asked for from a screen; it always goes through a review first.
public enum ConsoleWrite: Sendable, Hashable {
    /// Join with the operator's terms as typed: compute units per request, the least reward per proof in
    /// payment-token units (or NNNwei), the proposed time (30s, 10m, 2h or 480blocks).
    case join(marketId: Int64, computePerRequest: String, proofCost: String, proposedTime: String)
    case leave(marketId: Int64)
    case claimRewards(rewardAddress: String)
    case speedUp(hash: String)
    case cancelTransaction(hash: String)
    /// Stake `amount` base units of `token` (lowercase 0x address) for our prover; `display` is the amount
    /// with its unit ("12.5 POND").
    case stake(token: String, amount: String, display: String)
    /// Ask to withdraw stake (Generation B: starts the withdrawal wait; Generation A: the unstake request).
    case requestWithdrawal(token: String, amount: String, display: String)
    /// Complete the withdrawals of `token` whose wait is over.
    case withdraw(token: String, display: String)
    /// An onboarding step's transactions (register, stake, join, verify key, the update-key sequence).
    case onboarding(OnboardingStepRequest)

    /// What it does, in words (the review's title and the log line).
    public var summary: String {
        switch self {
        case .join(let id, _, _, _): return "Join market \(id)"
        case .leave(let id): return "Leave market \(id)"
        case .claimRewards(let a): return "Claim rewards of \(a)"
        case .speedUp(let h): return "Speed up transaction \(h)"
        case .cancelTransaction(let h): return "Cancel transaction \(h)"
        case .stake(_, _, let d): return "Stake \(d)"
        case .requestWithdrawal(_, _, let d): return "Request a withdrawal of \(d)"
        case .withdraw(_, let d): return "Withdraw \(d)"
        case .onboarding(let r): return r.summary
        }
    }
}

/// A write after its review: what it does in words, the call, the simulation and the fee, ready to send.
public struct ConsoleReview: Sendable, Hashable {
    public var write: ConsoleWrite
    /// The review's lines: contract and function, decoded arguments with units, simulation, gas and fee.
    public var lines: [String]
    /// False when the simulation reverted: the review shows why and offers no Send.
    public var canSend: Bool
    /// The services' handle of the prepared request.
    public var id: Int

    public init(write: ConsoleWrite, lines: [String], canSend: Bool, id: Int) {
        self.write = write
        self.lines = lines
        self.canSend = canSend
        self.id = id
    }
}

/// How far a sync pass got (from `ChainSync`'s status, or fixed in tests).
public struct ConsoleSyncProgress: Sendable, Hashable {
    /// 0…1 towards the head; nil before the head is known.
    public var fraction: Double?
    public var lastIndexed: UInt64?
    public var head: UInt64?
    public var caughtUp: Bool
    /// Events indexed and reorganisations repaired by this run of the sync (the console log's news).
    public var newEvents: Int
    public var reorgs: Int

    public init(
        fraction: Double?, lastIndexed: UInt64?, head: UInt64?, caughtUp: Bool, newEvents: Int = 0, reorgs: Int = 0
    ) {
        self.fraction = fraction
        self.lastIndexed = lastIndexed
        self.head = head
        self.caughtUp = caughtUp
        self.newEvents = newEvents
        self.reorgs = reorgs
    }

    public init(_ status: SyncStatus) {
        self.init(
            fraction: status.progress, lastIndexed: status.lastIndexed, head: status.head, caughtUp: status.caughtUp,
            newEvents: status.logsIndexed, reorgs: status.reorgs)
    }
}

/// Where the background sync is.
public struct ConsoleSyncState: Sendable, Equatable {
    public var status: ConsoleSyncProgress?
    public var error: ErrorReport?
    public var running = false
    public init() {}
}

/// One thing the console did, for the Activity screen's log.
public struct ConsoleLogLine: Sendable, Hashable {
    public var at: Date
    public var text: String
    public var severity: Severity
    public init(at: Date, text: String, severity: Severity) {
        self.at = at
        self.text = text
        self.severity = severity
    }
}

/// Everything that happens to the console: input, time, and results of the work it started.
public enum ConsoleAction: Sendable {
    case key(Key)
    case resize(Size)
    /// The wall clock, delivered by the runtime's ticks.
    case tick(Date)
    case loaded(Result<ConsoleSnapshot, ConsoleFailure>)
    case synced(Result<ConsoleSyncProgress, ConsoleFailure>)
    case reviewed(Result<ConsoleReview, ConsoleFailure>)
    /// A sent write: the transaction hash, or why it failed.
    case sent(ConsoleWrite, Result<String, ConsoleFailure>)
    /// A benchmark finished: its time in milliseconds, or why it failed.
    case benchmarked(marketId: Int64, Result<Int64, ConsoleFailure>)
    /// The chain details (token symbols, staking terms) were read: whether the cache changed, or why not.
    case detailsRead(Result<Bool, ConsoleFailure>)
    /// The onboarding state probed with these inputs, or why the probe failed.
    case onboardingProbed(OnboardingInputs, Result<ConsoleOnboarding, ConsoleFailure>)
    /// An onboarding step that talks only to the enclave ended: what it did, or why it failed.
    case onboarded(OnboardingStepRequest, Result<[String], ConsoleFailure>)
}

/// Work the core asks for; the application runs each as a task whose result comes back as an action.
public enum ConsoleEffect: Sendable, Hashable {
    /// Something visible changed: draw a frame.
    case redraw
    /// Read a new snapshot from the cache and the journal.
    case load
    /// Sync the cache to the chain head after waiting `after`.
    case sync(after: Duration)
    /// Prepare a write's review (pre-flight checks, simulation, fee).
    case review(ConsoleWrite)
    /// Sign and send a reviewed write (only after the operator chose Send).
    case send(ConsoleReview)
    /// Run the enclave's benchmark for a market (it generates a whole proof: minutes).
    case benchmark(marketId: Int64)
    /// Read the chain details the cache lacks (token symbols, staking terms) after waiting `after`.
    case readDetails(after: Duration)
    /// Probe the onboarding state (chain, enclave, TEE verifier, journal) for these inputs.
    case probeOnboarding(OnboardingInputs)
    /// Run an onboarding step that signs nothing (configure the enclave, benchmark, start programs).
    case onboard(OnboardingStepRequest)
    /// Show the screen of this name (a screen handing over to another: Markets' join of a private market).
    case showScreen(String)
    case bell
    case copy(String)
    case quit
}

/// The console's whole state: pure data, changed only by ``ConsoleCore/update(_:_:)``.
public struct ConsoleState: Sendable {
    public let registry: ScreenRegistry
    /// The network; its deadline-clock pace follows the snapshots (a first sync may bring the blocks it is
    /// measured from).
    public internal(set) var network: ConsoleNetwork
    public let keys: KeyTable
    /// Ring the bell when one of our deadlines comes near (`--bell`).
    public let bellOnDeadline: Bool
    /// How often the background sync polls the chain.
    public let pollInterval: Duration
    public internal(set) var screens: [any ConsoleScreen]
    public internal(set) var current: Int
    public internal(set) var data: ConsoleSnapshot?
    public internal(set) var loadError: ErrorReport?
    public internal(set) var sync = ConsoleSyncState()
    /// Why the last read of the chain details failed (nil when it worked or has not run).
    public internal(set) var detailsError: ErrorReport?
    /// The coarse time screens draw from (see ``ScreenEnvironment/now``).
    public internal(set) var now: Date
    public internal(set) var size = Size(width: 80, height: 24)
    public internal(set) var help: HelpOverlay?
    /// The command palette's text after `:` while it is open.
    public internal(set) var palette: String?
    public internal(set) var status: ConsoleStatus?
    /// A dialog: a write's review, or the question before quitting with a write in flight.
    public internal(set) var dialog: ConsoleDialog?
    /// Writes being reviewed or sent.
    public internal(set) var inFlight: [ConsoleWrite] = []
    /// Our open jobs whose deadline is near (the status line's alert; a new one rings the bell).
    public internal(set) var nearDeadline: [Int64] = []
    public internal(set) var log: [ConsoleLogLine] = []
    /// Markets whose benchmark is running, with when it started.
    public internal(set) var benchmarksRunning: [Int64: Date] = [:]
    /// The onboarding wizard (screen 1); the console probes it from its start.
    public internal(set) var onboarding = OnboardingProgress()
    /// Opened on Onboarding by default: leave for Markets when the first probe finds the operator onboarded.
    public internal(set) var openOnboardingUntilComplete: Bool
    /// Left Onboarding for Markets before the first probe answered, because the cache showed our operator in a
    /// market (a probe through a dead RPC takes its whole timeout); the probe brings the wizard back if it finds
    /// a step to do (an enclave restart's key update) and no key was pressed meanwhile.
    public internal(set) var leftOnboardingFromCache = false

    public var readOnly: Bool { keys.readOnly }

    public init(
        network: ConsoleNetwork, keys: KeyTable, registry: ScreenRegistry = .standard, initialScreen: Int = 0,
        now: Date, bellOnDeadline: Bool = false, pollInterval: Duration = .seconds(4),
        openOnboardingUntilComplete: Bool = false
    ) {
        self.openOnboardingUntilComplete = openOnboardingUntilComplete
        onboarding.probing = true
        self.network = network
        self.keys = keys
        self.registry = registry
        self.bellOnDeadline = bellOnDeadline
        self.pollInterval = pollInterval
        screens = registry.screens.map { $0.init() }
        current = min(max(0, initialScreen), max(0, registry.screens.count - 1))
        self.now = ConsoleCore.coarse(now, granularity: 60)
    }

    /// What screens see.
    public var environment: ScreenEnvironment {
        ScreenEnvironment(
            network: network, data: data, loadError: loadError, now: now, readOnly: readOnly, keys: keys,
            bodySize: ConsoleLayout.bodySize(size), sync: sync, log: log, benchmarksRunning: benchmarksRunning,
            onboarding: onboarding)
    }
}

/// A dialog over the screen.
public struct ConsoleDialog: Sendable {
    public enum Purpose: Sendable, Hashable {
        case review(ConsoleReview)
        case quitWithWriteInFlight
        /// A read-only detail or message: closing it does nothing else.
        case message
    }
    public var purpose: Purpose
    public var modal: Modal
}
