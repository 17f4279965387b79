import Foundation
import KalypsoStore
import TerminalKit

/// Our transactions from the journal (pending, confirmed, failed with the decoded reason), speed-up and
/// cancel of a stuck one, and the log of what the console did this session.
public struct ActivityScreen: ConsoleScreen {
    public static let name = "activity"
    public static let title = "Activity"
    public static let detailScope = "activity.detail"
    public static let open = "activity.open", close = "activity.close"
    public static let speedUp = "activity.speedUp", cancelTx = "activity.cancelTx"

    public static func actions() -> [KeyAction] {
        [
            KeyAction(id: open, description: "Transaction detail", keys: [.enter], group: "Activity", scope: name),
            KeyAction(
                id: speedUp, description: "Speed up a pending transaction (review first)", keys: [.character("U")],
                group: "Activity", scope: name, dangerous: true),
            KeyAction(
                id: cancelTx, description: "Cancel a pending transaction (review first)", keys: [.character("X")],
                group: "Activity", scope: name, dangerous: true),
            KeyAction(
                id: close, description: "Back to the list", keys: [.escape], group: "Transaction", scope: detailScope),
        ]
    }

    public static var helpScopes: [String] { [name, detailScope] }

    static let columns = [
        TableColumn("Time (UTC)", width: .fixed(16)),
        TableColumn("State", width: .fixed(9)),
        TableColumn("What", width: .min(18)),
        TableColumn("Nonce", width: .fixed(6), alignment: .right, sort: .numeric),
        TableColumn("Hash", width: .min(18)),
        TableColumn("Reason", width: .min(12)),
    ]

    public private(set) var table = ScreenTable(columns: ActivityScreen.columns)
    public private(set) var detail: String?

    public init() {}

    public var keyScopes: [String] {
        if detail != nil { return [Self.detailScope] }
        return table.isEditingFilter ? table.keyScopes : [Self.name] + table.keyScopes
    }

    public var capturesText: Bool { detail == nil && table.isEditingFilter }

    /// The journal's state in the words of the screen.
    static func stateWord(_ s: JournalEntry.State) -> String {
        switch s {
        case .signed, .sent: return "pending"
        case .mined: return "mined"
        case .confirmed: return "confirmed"
        case .failed: return "failed"
        case .replaced: return "replaced"
        case .dropped: return "dropped"
        }
    }

    public mutating func perform(_ actionID: String, _ env: ScreenEnvironment) -> ScreenOutcome {
        if let changed = table.perform(actionID) { return .redraw(if: changed) }
        switch actionID {
        case Self.open:
            guard let h = table.selectedID else { return .none }
            detail = h
            return .redraw
        case Self.close:
            detail = nil
            return .redraw
        case Self.speedUp, Self.cancelTx:
            guard let h = table.selectedID, let e = env.data?.journal.first(where: { $0.hash == h }) else {
                return .none
            }
            guard JournalEntry.State.open.contains(e.state), e.state != .mined else {
                return ScreenOutcome(
                    status: ConsoleStatus("\(e.label): \(Self.stateWord(e.state)), nothing to replace", .info))
            }
            return ScreenOutcome(
                effects: [.review(actionID == Self.speedUp ? .speedUp(hash: h) : .cancelTransaction(hash: h))])
        default:
            return .none
        }
    }

    public mutating func type(_ key: Key, _ env: ScreenEnvironment) -> ScreenOutcome {
        .redraw(if: table.type(key))
    }

    static func time(_ d: Date) -> String { ConsoleFormat.time(Int64(d.timeIntervalSince1970)) }

    public mutating func refresh(_ env: ScreenEnvironment) -> Bool {
        // Hashes whole (66 characters) where the screen has room for them.
        table.setColumnWidth(4, env.bodySize.width >= 160 ? .fixed(66) : .min(18))
        let logHeight = Self.logHeight(env.bodySize.height)
        let paged = table.setPageSize(forHeight: env.bodySize.height - logHeight - 2)
        guard let data = env.data else { return paged }
        let rows = data.journal.map { e in
            [
                Self.time(e.createdAt), Self.stateWord(e.state), e.label, String(e.nonce), e.hash,
                e.failureReason ?? e.lastSendError ?? "",
            ]
        }
        return table.setRows(rows, ids: data.journal.map(\.hash)) || paged
    }

    static func logHeight(_ body: Int) -> Int { body >= 16 ? min(10, body / 3) : 0 }

    public func render(into frame: inout Frame, area: Rect, _ env: ScreenEnvironment, context: RenderContext) {
        if ScreenPlaceholder.render(into: &frame, area: area, env, title: Self.title, context: context) { return }
        let logHeight = Self.logHeight(area.height)
        let parts = Layout.rows(area, [.proportional(1), .fixed(logHeight)])
        let pending = env.data?.journal.filter { JournalEntry.State.open.contains($0.state) }.count ?? 0
        let inner = Box(
            title: "Transactions", info: "\(pending) pending · \(table.table.countText)", focused: detail == nil
        ).render(into: &frame, area: parts[0], context: context)
        if table.table.rows.isEmpty {
            TextView("No transactions in the journal yet.", role: .muted).render(
                into: &frame, area: inner, context: context)
        } else {
            table.render(into: &frame, area: inner, context: context)
        }
        if logHeight > 0 {
            let logInner = Box(title: "Console log").render(into: &frame, area: parts[1], context: context)
            let shown = env.log.suffix(max(0, logInner.height))
            if shown.isEmpty {
                _ = frame.write(
                    "Nothing yet.", x: logInner.x, y: logInner.y, style: context.style(.muted), clip: logInner)
            }
            for (i, line) in shown.enumerated() {
                let text = "\(Self.time(line.at))  \(line.text)"
                _ = frame.write(
                    TextFit.truncate(context.displayable(text), to: logInner.width, ellipsis: context.glyphs.ellipsis),
                    x: logInner.x, y: logInner.y + i, style: context.style(line.severity.role), clip: logInner)
            }
        }
        if let h = detail, let e = env.data?.journal.first(where: { $0.hash == h }) {
            var rows: [(String, String)] = [
                ("What", e.label), ("State", Self.stateWord(e.state)), ("Hash", e.hash),
                ("From", ConsoleFormat.address(e.fromAddress)),
                ("To", e.toAddress.map(ConsoleFormat.address) ?? "(contract creation)"), ("Nonce", String(e.nonce)),
                ("Created (UTC)", Self.time(e.createdAt)),
            ]
            if let b = e.receiptBlock { rows.append(("Mined in block", String(b))) }
            if let r = e.replacedBy { rows.append(("Replaced by", r)) }
            if let r = e.replaces { rows.append(("Replaces", r)) }
            if let f = e.failureReason { rows.append(("Failure", f)) }
            if let f = e.lastSendError { rows.append(("Last send error", f)) }
            let k = env.keyName(Self.close)
            DetailView(title: "Transaction", info: k.isEmpty ? "" : "\(k) back", rows: rows).render(
                into: &frame, area: area, context: context)
        }
    }
}
