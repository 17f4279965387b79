import Basics
import Foundation
import KalypsoKit
import TerminalKit

/// The console's one update function: `(state, action) -> (state, effects)`, pure, no I/O.
public enum ConsoleCore {
    /// How near a deadline must be for the alert (and for the clock to tick by the second).
    public static let nearDeadlineSeconds: Int64 = 600
    /// How long the background sync waits after a failure before trying again (at least).
    public static let retryAfterFailure: Duration = .seconds(10)
    /// The status line while a sync asked for by hand runs.
    static let syncingStatus = ConsoleStatus("Syncing with the chain…", .info)
    /// The widest a review dialog grows (a labelled 66-character hash fits on one line).
    public static let reviewWidth = 100
    /// The status line while a write's review is prepared.
    static func preparing(_ write: ConsoleWrite) -> ConsoleStatus {
        ConsoleStatus("\(write.summary): preparing the review…", .info)
    }
    /// How many lines of the console's own log are kept.
    public static let logCapacity = 500

    /// How long a failed read of the chain details waits before the next try (at least).
    public static let detailsRetry: Duration = .seconds(30)

    /// The chain work that waits for the first snapshot: the background sync, the chain details' read and the
    /// onboarding probe (chain and enclave).
    static func chainStart(_ state: ConsoleState) -> [ConsoleEffect] {
        [.sync(after: .zero), .readDetails(after: .zero), .probeOnboarding(state.onboarding.inputs)]
    }

    /// What the console does first: read the cache, unless the state has its first snapshot already (read
    /// before the terminal opened). Nothing reaches the chain before that first snapshot: then the background
    /// sync and the read of the chain details start (here, or at `.loaded`).
    public static func start(_ state: ConsoleState) -> [ConsoleEffect] {
        state.data == nil && state.loadError == nil ? [.load] : chainStart(state)
    }

    public static func update(_ state: ConsoleState, _ action: ConsoleAction) -> (ConsoleState, [ConsoleEffect]) {
        var s = state
        let effects = s.apply(action)
        return (s, effects)
    }

    /// `date` rounded down to a multiple of `granularity` seconds.
    public static func coarse(_ date: Date, granularity: Int64) -> Date {
        let t = Int64(date.timeIntervalSince1970.rounded(.down))
        let g = max(1, granularity)
        return Date(timeIntervalSince1970: TimeInterval(t - ((t % g) + g) % g))
    }
}

extension ConsoleState {
    mutating func apply(_ action: ConsoleAction) -> [ConsoleEffect] {
        switch action {
        case .resize(let newSize):
            size = newSize
            _ = refreshScreens()
            return [.redraw]
        case .tick(let date):
            return tick(date)
        case .key(let key):
            // The operator is at work on the screen shown: a late probe no longer changes it.
            leftOnboardingFromCache = false
            return handleKey(key)
        case .loaded(.success(let snapshot)):
            let chain = afterFirstLoad()
            let hadError = loadError != nil
            loadError = nil
            guard snapshot != data else { return (hadError ? [.redraw] : []) + chain }
            // Details the cache newly lacks (a first stake in a new token) are read at once.
            let newlyLoading = !snapshot.loading.isEmpty && snapshot.loading != data?.loading && chain.isEmpty
            if data == nil { leaveOnboardingIfTheCacheShowsAMembership(snapshot) }
            data = snapshot
            if let pace = snapshot.secondsPerBlock { network.secondsPerBlock = pace }
            _ = refreshScreens()
            return [.redraw] + checkDeadlines() + chain + (newlyLoading ? [.readDetails(after: .zero)] : [])
        case .loaded(.failure(let failure)):
            let chain = afterFirstLoad()
            let changed = loadError != failure.report
            loadError = failure.report
            if changed { record("Reading the cache failed: \(failure.report.title)", .error) }
            _ = refreshScreens()
            return (changed ? [.redraw] : []) + chain
        case .detailsRead(.success(let changed)):
            if detailsError != nil { record("Chain details read again", .ok) }
            detailsError = nil
            return changed ? [.load] : []
        case .detailsRead(.failure(let failure)):
            if detailsError != failure.report {
                record(
                    "Reading token details from the chain failed: \(failure.report.title). \(failure.report.detail)",
                    .warn)
            }
            detailsError = failure.report
            // The snapshot says why its amounts are still in base units.
            return [.load, .readDetails(after: max(pollInterval, ConsoleCore.detailsRetry))]
        case .synced(.success(let status)):
            let before = sync
            sync.status = status
            sync.error = nil
            sync.running = false
            if before.error != nil { record("Sync works again", .ok) }
            if let last = status.lastIndexed, before.status == nil || status.newEvents > 0 || status.reorgs > 0 {
                // What the sync brought (quiet polls are not news).
                let reorgs = status.reorgs > 0 ? ", \(status.reorgs) reorganisation(s) repaired" : ""
                let events = status.newEvents == 1 ? "1 new event" : "\(status.newEvents) new events"
                record("Synced to block \(last): \(events)\(reorgs)", status.reorgs > 0 ? .warn : .info)
            }
            // The wizard on screen follows the chain and the enclave (an enclave restart shows up by itself).
            let probe = current == registry.index(named: OnboardingScreen.name) ? pollOnboarding() : []
            var redraw = sync != before
            if self.status == ConsoleCore.syncingStatus {
                // The answer to a sync asked for by hand (the header shows where it got).
                self.status = nil
                redraw = true
            }
            return (redraw ? [.redraw] : []) + [.load, .sync(after: pollInterval)] + probe
        case .synced(.failure(let failure)):
            let changed = sync.error != failure.report
            sync.error = failure.report
            sync.running = false
            if changed { record("Sync failed: \(failure.report.title). \(failure.report.detail)", .error) }
            return (changed ? [.redraw] : []) + [.sync(after: max(pollInterval, ConsoleCore.retryAfterFailure))]
        case .reviewed(.success(let review)):
            let buttons =
                review.canSend
                ? [ModalButton("Cancel", kind: .cancel), ModalButton("Send", kind: .destructive)]
                : [ModalButton("Close", kind: .cancel)]
            var modal = Modal(
                title: review.write.summary, message: review.lines.joined(separator: "\n"), buttons: buttons,
                dangerous: true)
            // Wide enough for an address or a hash with its label on one line where the screen has room; a
            // review taller than the screen scrolls (the focus stays on Cancel).
            modal.maxWidth = ConsoleCore.reviewWidth
            dialog = ConsoleDialog(purpose: .review(review), modal: modal)
            // "Preparing the review…" is over: the dialog is the answer.
            if status == ConsoleCore.preparing(review.write) { status = nil }
            return [.redraw]
        case .reviewed(.failure(let failure)):
            let writes = inFlight
            inFlight.removeAll()
            var steps: [ConsoleEffect] = []
            for write in writes { steps += endReviewedStep(write, failure: failure) }
            status = ConsoleStatus("\(failure.report.title): \(failure.report.detail)", .error)
            record("Review failed: \(failure.report.title). \(failure.report.detail)", .error)
            return [.redraw] + steps
        case .sent(let write, .success(let hash)):
            inFlight.removeAll { $0 == write }
            status = ConsoleStatus("\(write.summary): sent \(hash)", .ok)
            record("\(write.summary): sent \(hash)", .ok)
            return [.redraw, .load] + endReviewedStep(write, failure: nil)
        case .sent(let write, .failure(let failure)):
            inFlight.removeAll { $0 == write }
            status = ConsoleStatus("\(write.summary) failed: \(failure.report.title)", .error)
            record("\(write.summary) failed: \(failure.report.title). \(failure.report.detail)", .error)
            return [.redraw, .load] + endReviewedStep(write, failure: failure)
        case .benchmarked(let market, let result):
            benchmarksRunning[market] = nil
            switch result {
            case .success(let ms):
                status = ConsoleStatus("Benchmark of market \(market): \(formatMilliseconds(ms))", .ok)
                record("Benchmark of market \(market): \(ms) ms", .ok)
            case .failure(let failure):
                status = ConsoleStatus("Benchmark of market \(market) failed: \(failure.report.title)", .error)
                record(
                    "Benchmark of market \(market) failed: \(failure.report.title). \(failure.report.detail)", .error)
            }
            _ = refreshScreens()
            return [.redraw, .load]
        case .onboardingProbed, .onboarded:
            return applyOnboarding(action)
        }
    }

    /// The chain work that waits for the first snapshot (the background sync, the chain details); nothing
    /// after it.
    func afterFirstLoad() -> [ConsoleEffect] {
        data == nil && loadError == nil ? ConsoleCore.chainStart(self) : []
    }

    /// Appends to the console's log (the Activity screen shows it).
    mutating func record(_ text: String, _ severity: Severity) {
        log.append(ConsoleLogLine(at: now, text: text, severity: severity))
        if log.count > ConsoleCore.logCapacity { log.removeFirst(log.count - ConsoleCore.logCapacity) }
    }

    /// Moves the coarse clock; screens redraw only when the coarse time changed.
    mutating func tick(_ date: Date) -> [ConsoleEffect] {
        let granularity: Int64 =
            nearDeadline.isEmpty && !hasDeadlineWithin(ConsoleCore.nearDeadlineSeconds + 60, date)
            ? 60 : 1
        let c = ConsoleCore.coarse(date, granularity: granularity)
        guard c != now else { return [] }
        now = c
        _ = refreshScreens()
        return [.redraw] + checkDeadlines()
    }

    func hasDeadlineWithin(_ seconds: Int64, _ date: Date) -> Bool {
        guard let data else { return false }
        return data.ourJobs.contains { job in
            guard job.outcome == nil, job.deadline > 0,
                let left = ConsoleTime.secondsLeft(job, data: data, network: network, now: date)
            else { return false }
            return left <= seconds
        }
    }

    /// Updates the near-deadline list; a job newly in it rings the bell when asked for.
    mutating func checkDeadlines() -> [ConsoleEffect] {
        guard let data else { return [] }
        let near = data.ourJobs.filter { job in
            guard job.outcome == nil, job.deadline > 0,
                let left = ConsoleTime.secondsLeft(job, data: data, network: network, now: now)
            else { return false }
            return left <= ConsoleCore.nearDeadlineSeconds
        }.map(\.jobId)
        let new = near.filter { !nearDeadline.contains($0) }
        nearDeadline = near
        for id in new { record("Job \(id): deadline near", .warn) }
        return !new.isEmpty && bellOnDeadline ? [.bell] : []
    }

    /// Hands every screen the current environment; true when any changed.
    mutating func refreshScreens() -> Bool {
        let env = environment
        var changed = false
        for i in screens.indices where screens[i].refresh(env) { changed = true }
        return changed
    }

    // MARK: Keys

    mutating func handleKey(_ key: Key) -> [ConsoleEffect] {
        // Help first: it may be open over a dialog (the dialog's own keys).
        if help != nil { return helpKey(key) }
        if dialog != nil { return dialogKey(key) }
        if palette != nil { return paletteKey(key) }
        let env = environment
        let screen = screens[current]
        for scope in screen.keyScopes {
            if let a = keys.action(for: key, in: scope), a.scope == scope {
                return screenOutcome(screens[current].perform(a.id, env))
            }
        }
        if screen.capturesText { return screenOutcome(screens[current].type(key, env)) }
        guard let a = keys.action(for: key, in: KeyTable.globalScope), a.scope == KeyTable.globalScope else {
            return []
        }
        return globalAction(a.id)
    }

    mutating func screenOutcome(_ outcome: ScreenOutcome) -> [ConsoleEffect] {
        var effects: [ConsoleEffect] = outcome.redraw ? [.redraw] : []
        if let st = outcome.status {
            status = st
            effects = [.redraw]
        }
        for e in outcome.effects {
            switch e {
            case .review(.onboarding(let request)), .onboard(let request):
                effects += startStep(request)
            case .probeOnboarding(let inputs):
                onboarding.inputs = inputs
                onboarding.probing = false
                effects += probeOnboarding()
            case .showScreen(let name):
                if let index = registry.index(named: name) { effects += show(index) }
            case .review(let write):
                // Read-only binds no write action; this refuses one that came another way all the same.
                guard !readOnly else {
                    status = ConsoleStatus("Read-only: \(write.summary) is not available", .warn)
                    effects.append(.redraw)
                    continue
                }
                inFlight.append(write)
                status = ConsoleCore.preparing(write)
                record("\(write.summary): review requested", .info)
                effects += [.redraw, e]
            case .send:
                // Only the review dialog sends.
                continue
            case .benchmark(let market):
                // One benchmark per market at a time: the enclave runs one proof.
                guard benchmarksRunning[market] == nil else { continue }
                benchmarksRunning[market] = now
                status = ConsoleStatus("Benchmark of market \(market) running (it generates a whole proof)…", .info)
                record("Benchmark of market \(market) started", .info)
                _ = refreshScreens()
                effects += [.redraw, e]
            default:
                effects.append(e)
            }
        }
        return effects
    }

    mutating func globalAction(_ id: String) -> [ConsoleEffect] {
        switch id {
        case ConsoleKeys.quit:
            if !inFlight.isEmpty {
                dialog = ConsoleDialog(
                    purpose: .quitWithWriteInFlight,
                    modal: Modal.confirm(
                        title: "Quit with a write in flight?",
                        message:
                            "\(inFlight.map(\.summary).joined(separator: ", ")) is still under way. A sent transaction stays in the journal and is followed again at the next start.",
                        confirm: "Quit", dangerous: true))
                return [.redraw]
            }
            return [.quit]
        case ConsoleKeys.help:
            let scopes = [KeyTable.globalScope] + registry.screens[current].helpScopes + [ScreenTable.scope]
            help = HelpOverlay(
                hints: keys.helpEntries(scopes: scopes), title: "Keys: \(registry.screens[current].title)")
            return [.redraw]
        case ConsoleKeys.palette:
            palette = ""
            return [.redraw]
        case ConsoleKeys.next:
            return show((current + 1) % screens.count)
        case ConsoleKeys.previous:
            return show((current + screens.count - 1) % screens.count)
        case ConsoleKeys.refresh:
            status = ConsoleCore.syncingStatus
            return [.redraw, .sync(after: .zero)] + pollOnboarding()
        case ConsoleKeys.dismiss:
            guard status != nil else { return [] }
            status = nil
            return [.redraw]
        default:
            if id.hasPrefix("screen."), let n = Int(id.dropFirst("screen.".count)), n >= 1, n <= screens.count {
                return show(n - 1)
            }
            return []
        }
    }

    mutating func show(_ index: Int) -> [ConsoleEffect] {
        guard index != current, screens.indices.contains(index) else { return [] }
        current = index
        return [.redraw]
    }

    mutating func paletteKey(_ key: Key) -> [ConsoleEffect] {
        let text = palette ?? ""
        let scope = ConsoleKeys.paletteScope
        switch keys.action(for: key, in: scope).flatMap({ $0.scope == scope ? $0.id : nil }) {
        case ConsoleKeys.paletteClose?:
            palette = nil
            return [.redraw]
        case ConsoleKeys.paletteDeleteBack?:
            guard !text.isEmpty else { return [] }
            palette = String(text.dropLast())
            return [.redraw]
        case ConsoleKeys.paletteComplete?:
            let options = registry.completions(text)
            guard let first = options.first else { return [] }
            let completion = options.count == 1 ? first : commonPrefix(options)
            guard completion != text else { return [] }
            palette = completion
            return [.redraw]
        case ConsoleKeys.paletteGo?:
            let name = text.trimmingCharacters(in: .whitespaces)
            guard let i = registry.index(named: name) else {
                let options = registry.completions(name)
                status = ConsoleStatus(
                    options.isEmpty
                        ? "No screen named \"\(name)\"; screens: \(registry.names.joined(separator: ", "))"
                        : "\"\(name)\" could be \(options.joined(separator: " or "))", .warn)
                return [.redraw]
            }
            palette = nil
            current = i
            return [.redraw]
        default:
            guard case .character(let c) = key, c.isLetter || c.isNumber || c == "-" else { return [] }
            palette = text + String(c)
            return [.redraw]
        }
    }

    func commonPrefix(_ names: [String]) -> String {
        guard var p = names.first else { return "" }
        for n in names.dropFirst() {
            while !n.hasPrefix(p) { p.removeLast() }
        }
        return p
    }

    mutating func helpKey(_ key: Key) -> [ConsoleEffect] {
        guard var h = help else { return [] }
        let scope = ConsoleKeys.helpScope
        let area = Rect(size: size)
        let context = ConsoleState.layoutContext
        let moved: Bool
        switch keys.action(for: key, in: scope).flatMap({ $0.scope == scope ? $0.id : nil }) {
        case ConsoleKeys.helpClose?:
            help = nil
            return [.redraw]
        case ConsoleKeys.helpDown?: moved = h.scroll(by: 1, screen: area, context: context)
        case ConsoleKeys.helpUp?: moved = h.scroll(by: -1, screen: area, context: context)
        case ConsoleKeys.helpPageDown?: moved = h.scrollPage(by: 1, screen: area, context: context)
        case ConsoleKeys.helpPageUp?: moved = h.scrollPage(by: -1, screen: area, context: context)
        default: return []
        }
        help = h
        return moved ? [.redraw] : []
    }

    /// Scrolls the dialog's text (the focus stays where it was); a redraw only when it moved.
    mutating func scrollDialog(_ d: inout ConsoleDialog, _ move: (inout Modal) -> Bool) -> [ConsoleEffect] {
        let moved = move(&d.modal)
        dialog = d
        return moved ? [.redraw] : []
    }

    mutating func dialogKey(_ key: Key) -> [ConsoleEffect] {
        guard var d = dialog else { return [] }
        let scope = ConsoleKeys.dialogScope
        let area = ConsoleLayout.dialogArea(Rect(size: size))
        let context = ConsoleState.layoutContext
        let outcome: ModalOutcome
        switch keys.action(for: key, in: scope).flatMap({ $0.scope == scope ? $0.id : nil }) {
        case ConsoleKeys.dialogDown?: return scrollDialog(&d) { $0.scroll(by: 1, screen: area, context: context) }
        case ConsoleKeys.dialogUp?: return scrollDialog(&d) { $0.scroll(by: -1, screen: area, context: context) }
        case ConsoleKeys.dialogPageDown?:
            return scrollDialog(&d) { $0.scrollPage(by: 1, screen: area, context: context) }
        case ConsoleKeys.dialogPageUp?:
            return scrollDialog(&d) { $0.scrollPage(by: -1, screen: area, context: context) }
        case ConsoleKeys.dialogHelp?:
            help = HelpOverlay(
                hints: keys.helpEntries(scopes: [ConsoleKeys.dialogScope]), title: "Keys: \(d.modal.title)")
            return [.redraw]
        case ConsoleKeys.dialogPrevious?:
            d.modal.focusPrevious()
            dialog = d
            return [.redraw]
        case ConsoleKeys.dialogNext?:
            d.modal.focusNext()
            dialog = d
            return [.redraw]
        case ConsoleKeys.dialogActivate?: outcome = d.modal.activate()
        case ConsoleKeys.dialogCancel?: outcome = d.modal.cancel()
        default: return []
        }
        dialog = nil
        switch (d.purpose, outcome) {
        case (.review(let review), .activated):
            status = ConsoleStatus("\(review.write.summary): signing and sending…", .info)
            record("\(review.write.summary): sending after review", .info)
            return [.redraw, .send(review)]
        case (.review(let review), .cancelled):
            inFlight.removeAll { $0 == review.write }
            let step = endReviewedStep(review.write, failure: nil)
            status = ConsoleStatus("\(review.write.summary): not sent", .info)
            record("\(review.write.summary): not sent (closed at review)", .info)
            return [.redraw] + step
        case (.quitWithWriteInFlight, .activated):
            return [.quit]
        case (.quitWithWriteInFlight, .cancelled), (.message, _):
            return [.redraw]
        }
    }
}
