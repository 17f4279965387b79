import BigInt
import KalypsoStore
import TerminalKit

/// Our jobs: the open ones first by what is due next, with deadline countdowns whose word and colour
/// change as they near, then the finished ones (completed, missed and slashed) with what they earned.
public struct JobsScreen: ConsoleScreen {
    public static let name = "jobs"
    public static let title = "Jobs"
    public static let detailScope = "jobs.detail"
    public static let open = "jobs.open", close = "jobs.close"

    public static func actions() -> [KeyAction] {
        [
            KeyAction(id: open, description: "Job detail", keys: [.enter], group: "Jobs", scope: name),
            KeyAction(id: close, description: "Back to the list", keys: [.escape], group: "Job", scope: detailScope),
        ]
    }

    public static var helpScopes: [String] { [name, detailScope] }

    static let columns = [
        TableColumn("Job", width: .fixed(7), alignment: .right, sort: .numeric),
        TableColumn("Market", width: .fixed(6), alignment: .right, sort: .numeric),
        TableColumn("Status", width: .fixed(16)),
        // Wide enough at 80 columns for a block countdown with its time ("in 120 blocks ≈ 4m 0s").
        TableColumn("Deadline", width: .min(21)),
        // What the requester offered; a proof is credited our proof cost (spec §2.6.3): "Earned".
        TableColumn("Offered", width: .min(10), alignment: .right, sort: .numeric),
        TableColumn("Earned", width: .min(10), alignment: .right, sort: .numeric),
    ]

    public private(set) var table = ScreenTable(columns: JobsScreen.columns)
    public private(set) var detail: Int64?
    /// The colour of each row by job id (derived from the time, redrawn only when it changes).
    var rowRoles: [String: Role] = [:]

    public init() {}

    public var keyScopes: [String] {
        if detail != nil { return [Self.detailScope] }
        return table.isEditingFilter ? table.keyScopes : [Self.name] + table.keyScopes
    }

    public var capturesText: Bool { detail == nil && table.isEditingFilter }

    public mutating func perform(_ actionID: String, _ env: ScreenEnvironment) -> ScreenOutcome {
        if let changed = table.perform(actionID) { return .redraw(if: changed) }
        switch actionID {
        case Self.open:
            guard let id = table.selectedID.flatMap(Int64.init) else { return .none }
            detail = id
            return .redraw
        case Self.close:
            detail = nil
            return .redraw
        default:
            return .none
        }
    }

    public mutating func type(_ key: Key, _ env: ScreenEnvironment) -> ScreenOutcome {
        .redraw(if: table.type(key))
    }

    /// Our jobs in the order the screen lists them: open ones by due time, then finished, newest first.
    static func ordered(_ data: ConsoleSnapshot) -> [CachedJob] {
        let open = data.ourJobs.filter { $0.outcome == nil }.sorted { ($0.dueAt, $0.jobId) < ($1.dueAt, $1.jobId) }
        let done = data.ourJobs.filter { $0.outcome != nil }.sorted { $0.jobId > $1.jobId }
        return open + done
    }

    /// What each job earned: the rewards credited to our reward address for it.
    static func earnings(_ data: ConsoleSnapshot) -> [Int64: BigUInt] {
        var out: [Int64: BigUInt] = [:]
        for e in data.rewardHistory where e.kind == .accrued {
            guard let j = e.jobId, let v = BigUInt(e.amount, radix: 10) else { continue }
            out[j, default: 0] += v
        }
        return out
    }

    public mutating func refresh(_ env: ScreenEnvironment) -> Bool {
        let paged = table.setPageSize(forHeight: env.bodySize.height - 2)
        guard let data = env.data else { return paged }
        let jobs = Self.ordered(data)
        let earned = Self.earnings(data)
        var roles: [String: Role] = [:]
        let rows = jobs.map { j -> [String] in
            let v = CachedJobView(j, env)
            if let r = JobWords.role(v) { roles[String(j.jobId)] = r }
            let deadline =
                j.outcome == nil ? v.deadlineWords : "ended, block \(j.outcomeBlock.map(String.init) ?? "?")"
            return [
                String(j.jobId), String(j.marketId), JobWords.status(v), deadline, data.paymentToken.format(j.reward),
                earned[j.jobId].map { data.paymentToken.format($0) } ?? "—",
            ]
        }
        let changedRoles = roles != rowRoles
        rowRoles = roles
        return table.setRows(rows, ids: jobs.map { String($0.jobId) }) || paged || changedRoles
    }

    public func render(into frame: inout Frame, area: Rect, _ env: ScreenEnvironment, context: RenderContext) {
        if ScreenPlaceholder.render(into: &frame, area: area, env, title: Self.title, context: context) { return }
        let open = env.data?.ourJobs.filter { $0.outcome == nil }.count ?? 0
        let info = "\(open) open · \(table.table.countText)"
        let inner = Box(title: "Our jobs", info: info, focused: detail == nil).render(
            into: &frame, area: area, context: context)
        if env.network.operatorAddress == nil {
            TextView("No operator address: set \"operator\" in the config or load a key to see our jobs.", role: .muted)
                .render(into: &frame, area: inner, context: context)
            return
        }
        if table.table.rows.isEmpty {
            TextView(ScreenPlaceholder.emptyReason(env, what: "jobs of ours"), role: .muted).render(
                into: &frame, area: inner, context: context)
        } else {
            table.render(into: &frame, area: inner, context: context)
            colourRows(into: &frame, area: inner, context: context)
        }
        if let id = detail, let data = env.data {
            renderDetail(id, data, env, into: &frame, area: area, context: context)
        }
    }

    /// Colours the rows near or past their deadline (the Status word says the same without colour).
    func colourRows(into frame: inout Frame, area: Rect, context: RenderContext) {
        let t = table.table
        let dataHeight = Table.dataRows(forHeight: area.height)
        guard area.height >= 2, dataHeight > 0 else { return }
        let off = t.currentOffset(visible: dataHeight)
        for line in 0..<dataHeight {
            let pos = off + line
            guard pos < t.view.count, pos != t.selection else { continue }
            guard let role = rowRoles[table.ids[t.view[pos]]] else { continue }
            frame.setStyle(context.style(role), in: Rect(x: area.x, y: area.y + 1 + line, width: area.width, height: 1))
        }
    }

    /// A point in chain time in words: the UTC time of a timestamp, or a block number.
    static func moment(_ value: Int64, _ unit: String) -> String {
        unit == "block" ? "block \(value)" : "\(ConsoleFormat.time(value)) UTC"
    }

    /// A span of chain time: `10m (600 s)` or `480 blocks`.
    static func span(_ value: Int64, _ unit: String) -> String {
        unit == "block" ? "\(value) blocks" : "\(ConsoleFormat.duration(value)) (\(value) s)"
    }

    func renderDetail(
        _ id: Int64, _ data: ConsoleSnapshot, _ env: ScreenEnvironment, into frame: inout Frame, area: Rect,
        context: RenderContext
    ) {
        guard let j = data.ourJobs.first(where: { $0.jobId == id }) else {
            DetailView(title: "Job \(id)", rows: [("Job", "no longer in the cache")]).render(
                into: &frame, area: area, context: context)
            return
        }
        let v = CachedJobView(j, env)
        let rows0: [(String, String)] = [
            ("Status", JobWords.status(v)), ("Market", String(j.marketId)),
            ("Reward offered", data.paymentToken.format(j.reward)),
            ("Earned", Self.earnings(data)[j.jobId].map { data.paymentToken.format($0) } ?? "—"),
            ("Time for proof", Self.span(j.timeForProof, j.deadlineUnit)),
        ]
        var rows = rows0
        if j.deadline > 0 {
            // An ended job is not counting down: "overdue" on a proof made in time reads as a miss.
            var deadline = Self.moment(j.deadline, j.deadlineUnit)
            if j.outcome == nil { deadline += " · \(v.deadlineWords)" }
            // A block deadline's wall time is an estimate from the pace of blocks; say it is one.
            if j.deadlineUnit == "block", let t = ConsoleTime.wallTime(j, data: data, network: env.network) {
                deadline += " · ≈ \(Self.moment(t, "second"))"
            }
            rows.append(("Deadline", deadline))
        }
        rows += [
            ("Expiry", Self.moment(j.expiry, j.deadlineUnit)), ("Requester", ConsoleFormat.address(j.requester)),
            ("Prover", j.prover.map(ConsoleFormat.address) ?? "unassigned"),
            ("Private inputs", j.hasPrivateInputs ? "yes" : "no"),
            ("Created", "block \(j.createdBlock), tx \(j.createdTx)"),
        ]
        if let b = j.assignedBlock { rows.append(("Assigned", "block \(b), tx \(j.assignedTx ?? "?")")) }
        if let b = j.outcomeBlock { rows.append(("Ended", "block \(b), tx \(j.outcomeTx ?? "?")")) }
        let k = env.keyName(Self.close)
        DetailView(title: "Job \(id)", info: k.isEmpty ? "" : "\(k) back", rows: rows).render(
            into: &frame, area: area, context: context)
    }
}
