import Basics
import Foundation
import TerminalKit

/// What a screen sees besides its own state: the session's facts, the data, the time, the keys.
public struct ScreenEnvironment: Sendable {
    public var network: ConsoleNetwork
    /// The latest snapshot (nil until the first load finished).
    public var data: ConsoleSnapshot?
    /// Why the last load failed (the screens keep showing the previous data beside it).
    public var loadError: ErrorReport?
    /// A load is running and nothing was loaded yet.
    public var isLoading: Bool { data == nil && loadError == nil }
    /// The time screens compute ages and countdowns from; coarse (whole minutes unless a deadline is
    /// minutes away) so a screen changes only when what it shows changes.
    public var now: Date
    public var readOnly: Bool
    /// The bindings: a screen names keys in its texts from here, never hard-coded.
    public var keys: KeyTable
    /// The size of the screen's body area (for page sizes).
    public var bodySize: Size
    /// The background sync's progress.
    public var sync: ConsoleSyncState
    /// What the console did this session, oldest first.
    public var log: [ConsoleLogLine]
    /// Markets whose benchmark is running, with when it started.
    public var benchmarksRunning: [Int64: Date]
    /// The onboarding wizard's inputs, probe and running step.
    public var onboarding: OnboardingProgress

    public init(
        network: ConsoleNetwork, data: ConsoleSnapshot?, loadError: ErrorReport?, now: Date, readOnly: Bool,
        keys: KeyTable, bodySize: Size, sync: ConsoleSyncState = ConsoleSyncState(), log: [ConsoleLogLine] = [],
        benchmarksRunning: [Int64: Date] = [:], onboarding: OnboardingProgress = OnboardingProgress()
    ) {
        self.onboarding = onboarding
        self.benchmarksRunning = benchmarksRunning
        self.sync = sync
        self.log = log
        self.network = network
        self.data = data
        self.loadError = loadError
        self.now = now
        self.readOnly = readOnly
        self.keys = keys
        self.bodySize = bodySize
    }

    /// The first key bound to an action as the user sees it ("" when unbound, e.g. read-only).
    public func keyName(_ actionID: String) -> String { keys.keys(for: actionID).first?.description ?? "" }
}

/// What a screen asks for after handling a key or new data.
public struct ScreenOutcome: Sendable, Equatable {
    /// The screen's state changed: draw a new frame.
    public var redraw: Bool
    /// Work for the core to start (a write's review, a refresh).
    public var effects: [ConsoleEffect]
    /// A message for the status line.
    public var status: ConsoleStatus?

    public init(redraw: Bool = false, effects: [ConsoleEffect] = [], status: ConsoleStatus? = nil) {
        self.redraw = redraw
        self.effects = effects
        self.status = status
    }

    public static let none = ScreenOutcome()
    public static let redraw = ScreenOutcome(redraw: true)
    public static func redraw(if changed: Bool) -> ScreenOutcome { ScreenOutcome(redraw: changed) }
}

/// One screen of the console (Markets, Jobs, …): its own view state, its keys, its drawing.
///
/// Screens are values; the core owns them and hands them keys as action ids, typed text while they
/// capture it, and every new snapshot. They never start work themselves: they return effects.
/// Add a screen by writing a type and putting it in ``ScreenRegistry/standard``.
public protocol ConsoleScreen: Sendable {
    /// The `:name` of the screen (lowercase, one word) and the key-table scope of its own actions.
    static var name: String { get }
    /// The title in the screen bar and help.
    static var title: String { get }
    /// The title where the screen bar is short of room (80 columns with eight screens): a few letters an
    /// operator still reads as the screen. The current screen keeps its whole title.
    static var shortTitle: String { get }
    /// The screen's key actions (scopes `name` or `name.something`); ids are `name.action`. Actions
    /// that sign are `dangerous: true`, so read-only mode removes them from keys, footer and help.
    static func actions() -> [KeyAction]
    /// The scopes `?` help lists for the screen (besides the global one).
    static var helpScopes: [String] { get }

    /// A screen with nothing loaded.
    init()

    /// The scopes whose keys act now, innermost first (a detail view's, then the screen's, then "table").
    var keyScopes: [String] { get }
    /// True while typed characters are text (a filter line): keys bound in none of `keyScopes` go to
    /// ``type(_:_:)`` and never to global actions.
    var capturesText: Bool { get }

    /// One of the screen's actions (an id from ``actions()`` or a shared table action).
    mutating func perform(_ actionID: String, _ env: ScreenEnvironment) -> ScreenOutcome
    /// A key typed while ``capturesText``.
    mutating func type(_ key: Key, _ env: ScreenEnvironment) -> ScreenOutcome
    /// New data, a new time or a new size: rebuild what is derived from them. Returns whether anything
    /// the screen shows changed.
    mutating func refresh(_ env: ScreenEnvironment) -> Bool
    /// Draws the screen's body (between the header and the status line).
    func render(into frame: inout Frame, area: Rect, _ env: ScreenEnvironment, context: RenderContext)
}

extension ConsoleScreen {
    public static var helpScopes: [String] { [name] }
    /// Short titles stay whole; longer ones keep their first seven letters ("Onboarding" → "Onboard").
    public static var shortTitle: String { title.count <= 8 ? title : String(title.prefix(7)) }
    public var capturesText: Bool { false }
    public mutating func type(_ key: Key, _ env: ScreenEnvironment) -> ScreenOutcome { .none }
}

/// The screens of the console in the order of their number keys: one list, so adding a screen (or
/// putting the onboarding wizard first) is one line here, and numbers, `:name` completion, the screen
/// bar and help follow.
public struct ScreenRegistry: Sendable {
    public let screens: [any ConsoleScreen.Type]

    public init(_ screens: [any ConsoleScreen.Type]) {
        self.screens = screens
    }

    /// The console's screens.
    public static let standard = ScreenRegistry([
        OnboardingScreen.self, MarketsScreen.self, JobsScreen.self, StakeScreen.self, BenchmarksScreen.self,
        RewardsScreen.self, ProfitabilityScreen.self, ActivityScreen.self,
    ])

    public var names: [String] { screens.map { $0.name } }

    /// The index of a screen by exact name or title (the screen bar says "Onboarding", its name is
    /// `onboard`: `--screen onboarding` was refused), or by the unique screen whose name starts with `prefix`.
    public func index(named prefix: String) -> Int? {
        let p = prefix.lowercased()
        if let i = names.firstIndex(of: p) { return i }
        if let i = screens.firstIndex(where: { $0.title.lowercased() == p }) { return i }
        let matches = names.indices.filter { names[$0].hasPrefix(p) }
        return matches.count == 1 ? matches[0] : nil
    }

    /// Names starting with `prefix`, in registry order (the palette's completion).
    public func completions(_ prefix: String) -> [String] {
        let p = prefix.lowercased()
        return names.filter { $0.hasPrefix(p) }
    }
}
