import Basics
import TerminalKit

/// What screens draw when there is nothing to show yet: loading, a failed read, an empty cache.
enum ScreenPlaceholder {
    /// Draws a placeholder into `area` and returns true when the screen has no data to draw.
    static func render(
        into frame: inout Frame, area: Rect, _ env: ScreenEnvironment, title: String, context: RenderContext
    ) -> Bool {
        let lines: [String]
        let role: Role
        if env.data == nil, let e = env.loadError {
            lines = [e.title, e.detail, e.hint.isEmpty ? "" : "hint: \(e.hint)"].filter { !$0.isEmpty }
            role = .error
        } else if env.data == nil {
            lines = ["Reading the local cache…"]
            role = .muted
        } else {
            return false
        }
        let inner = Box(title: title).render(into: &frame, area: area, context: context)
        TextView(lines.joined(separator: "\n"), role: role).render(into: &frame, area: inner, context: context)
        return true
    }

    /// The line under an empty table: why it is empty and what fills it.
    static func emptyReason(_ env: ScreenEnvironment, what: String) -> String {
        if let st = env.sync.status, !st.caughtUp {
            return "No \(what) in the cache yet: the sync is at \(Int((st.fraction ?? 0) * 100))%."
        }
        if let e = env.sync.error { return "No \(what) in the cache; the sync fails: \(e.title)." }
        if env.data?.progress == nil { return "No \(what) yet: the first sync is running." }
        return "No \(what) on this network."
    }
}

/// A labelled list of facts in a box (a detail view): values are never cut where the box has room,
/// and long ones wrap instead of being cut.
struct DetailView {
    var title: String
    var info: String = ""
    var rows: [(String, String)]
    /// Lines after the facts (e.g. a market's recent jobs), already formatted.
    var tail: [String] = []
    var tailTitle = ""

    func render(into frame: inout Frame, area: Rect, context: RenderContext) {
        frame.fill(area)
        let inner = Box(title: title, info: info, focused: true).render(into: &frame, area: area, context: context)
        guard !inner.isEmpty else { return }
        let labelWidth = min((rows.map { $0.0.count }.max() ?? 0) + 2, max(1, inner.width / 3))
        var y = inner.y
        for (label, value) in rows where y < inner.maxY {
            _ = frame.write(
                TextFit.truncate(label, to: labelWidth - 1, ellipsis: context.glyphs.ellipsis), x: inner.x, y: y,
                style: context.style(.muted), clip: inner)
            let width = max(1, inner.width - labelWidth)
            for line in TextFit.wrap(context.displayable(value), width: width) where y < inner.maxY {
                _ = frame.write(line, x: inner.x + labelWidth, y: y, style: context.style(.text), clip: inner)
                y += 1
            }
        }
        guard !tail.isEmpty || !tailTitle.isEmpty, y + 1 < inner.maxY else { return }
        y += 1
        _ = frame.write(tailTitle, x: inner.x, y: y, style: context.style(.title), clip: inner)
        y += 1
        for line in tail where y < inner.maxY {
            _ = frame.write(
                TextFit.truncate(context.displayable(line), to: inner.width, ellipsis: context.glyphs.ellipsis),
                x: inner.x, y: y, style: context.style(.text), clip: inner)
            y += 1
        }
    }
}

/// Words for a job's state as operators read them.
enum JobWords {
    /// "completed", "missed (slashed)", "in progress", "due soon", "overdue", "open".
    static func status(_ job: CachedJobView) -> String {
        switch job.job.outcome {
        case .proved?: return "completed"
        case .notGenerated?: return "missed (slashed)"
        case .invalidInputs?: return "invalid inputs"
        case .cancelled?: return "cancelled"
        case nil:
            guard job.job.deadline > 0 else { return "open" }
            guard let left = job.left else { return "in progress" }
            if left.value < 0 { return "overdue" }
            if let s = job.secondsLeft, s <= ConsoleCore.nearDeadlineSeconds { return "due soon" }
            return "in progress"
        }
    }

    /// The colour of a job row: error when overdue or missed, warn when due soon.
    static func role(_ job: CachedJobView) -> Role? {
        switch status(job) {
        case "overdue", "missed (slashed)": return .error
        case "due soon": return .warn
        case "completed": return .ok
        default: return nil
        }
    }
}
