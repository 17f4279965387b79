import BigInt
import KalypsoStore
import TerminalKit

/// What can be claimed per reward address (ours marked), the history of rewards credited and claimed,
/// and claiming through the review.
public struct RewardsScreen: ConsoleScreen {
    public static let name = "rewards"
    public static let title = "Rewards"
    public static let claim = "rewards.claim"

    public static func actions() -> [KeyAction] {
        [
            KeyAction(
                id: claim, description: "Claim our rewards (review first)", keys: [.character("C")],
                group: "Rewards", scope: name, dangerous: true)
        ]
    }

    static let columns = [
        TableColumn("Time (UTC)", width: .fixed(16)),
        TableColumn("Kind", width: .fixed(8)),
        TableColumn("Amount", width: .min(16), alignment: .right, sort: .numeric),
        TableColumn("Job", width: .fixed(8), alignment: .right, sort: .numeric),
        TableColumn("Transaction", width: .min(20)),
    ]

    public private(set) var table = ScreenTable(columns: RewardsScreen.columns)

    public init() {}

    public var keyScopes: [String] { table.isEditingFilter ? table.keyScopes : [Self.name] + table.keyScopes }
    public var capturesText: Bool { table.isEditingFilter }

    public mutating func perform(_ actionID: String, _ env: ScreenEnvironment) -> ScreenOutcome {
        if let changed = table.perform(actionID) { return .redraw(if: changed) }
        guard actionID == Self.claim else { return .none }
        guard let data = env.data, let address = data.rewardAddress else {
            return ScreenOutcome(status: ConsoleStatus("No reward address known for our operator yet", .warn))
        }
        let claimable = data.rewardBalances.first { $0.address.lowercased() == address.lowercased() }?.claimable ?? "0"
        if BigUInt(claimable, radix: 10) ?? 0 == 0 {
            return ScreenOutcome(status: ConsoleStatus("Nothing to claim for \(ConsoleFormat.address(address))", .info))
        }
        return ScreenOutcome(effects: [.review(.claimRewards(rewardAddress: ConsoleFormat.address(address)))])
    }

    public mutating func type(_ key: Key, _ env: ScreenEnvironment) -> ScreenOutcome {
        .redraw(if: table.type(key))
    }

    /// Lines of the claimable box: ours first, marked, then the others.
    static func balanceLines(_ data: ConsoleSnapshot) -> [(String, Bool)] {
        let ours = data.rewardAddress?.lowercased()
        let sorted = data.rewardBalances.sorted {
            ($0.address.lowercased() == ours ? 0 : 1, $0.address) < (
                $1.address.lowercased() == ours ? 0 : 1, $1.address
            )
        }
        var lines = sorted.map { b -> (String, Bool) in
            let mine = b.address.lowercased() == ours
            return (
                "\(ConsoleFormat.address(b.address))  \(data.paymentToken.format(b.claimable))\(mine ? "  (ours)" : "")",
                mine
            )
        }
        if let ours, !data.rewardBalances.contains(where: { $0.address.lowercased() == ours }) {
            lines.insert(("\(ConsoleFormat.address(ours))  \(data.paymentToken.format("0"))  (ours)", true), at: 0)
        }
        return lines
    }

    public mutating func refresh(_ env: ScreenEnvironment) -> Bool {
        // Hashes whole (66 characters) where the screen has room for them.
        table.setColumnWidth(4, env.bodySize.width >= 120 ? .fixed(66) : .min(20))
        let boxHeight = env.data.map { Self.balanceLines($0).count } ?? 0
        let paged = table.setPageSize(forHeight: env.bodySize.height - min(6, boxHeight + 2) - 2)
        guard let data = env.data else { return paged }
        let events = data.rewardHistory.reversed()
        let rows = events.map { e in
            [
                ConsoleFormat.time(e.timestamp), e.kind.rawValue, data.paymentToken.format(e.amount),
                e.jobId.map(String.init) ?? "—", e.txHash,
            ]
        }
        let ids = events.map { "\($0.blockNumber):\($0.logIndex)" }
        return table.setRows(rows, ids: ids) || paged
    }

    public func render(into frame: inout Frame, area: Rect, _ env: ScreenEnvironment, context: RenderContext) {
        if ScreenPlaceholder.render(into: &frame, area: area, env, title: Self.title, context: context) { return }
        guard let data = env.data else { return }
        let lines = Self.balanceLines(data)
        let parts = Layout.rows(area, [.fixed(min(6, max(1, lines.count) + 2)), .proportional(1)])
        let k = env.keyName(Self.claim)
        let top = Box(title: "Claimable", info: k.isEmpty ? "" : "\(k) claim").render(
            into: &frame, area: parts[0], context: context)
        if lines.isEmpty {
            TextView(
                data.rewardAddress == nil
                    ? "No reward address known: our operator is not registered, or the cache has not read it yet."
                    : "Nothing claimable.", role: .muted
            ).render(into: &frame, area: top, context: context)
        } else {
            for (i, line) in lines.enumerated() where i < top.height {
                _ = frame.write(
                    TextFit.truncate(line.0, to: top.width, ellipsis: context.glyphs.ellipsis), x: top.x, y: top.y + i,
                    style: context.style(line.1 ? .accent : .text), clip: top)
            }
        }
        let inner = Box(title: "History", info: table.table.countText, focused: true).render(
            into: &frame, area: parts[1], context: context)
        if table.table.rows.isEmpty {
            TextView("No rewards credited or claimed yet.", role: .muted).render(
                into: &frame, area: inner, context: context)
        } else {
            table.render(into: &frame, area: inner, context: context)
        }
    }
}
