import Basics
import TerminalKit

/// The widget gallery shown by `kalypso-console ui-demo`: every TerminalKit widget with live data.
///
/// All data comes from a seeded generator and advances only on `tick()`, so a given seed and sequence of
/// events always renders the same frames (tests drive it without a clock).
public struct WidgetGallery: TerminalApplication, Sendable {
    /// The gallery's pages, switched with number keys or Tab.
    public enum Page: Int, CaseIterable, Sendable {
        case overview, table, form, dialogs

        var title: String {
            switch self {
            case .overview: return "Overview"
            case .table: return "Table"
            case .form: return "Form"
            case .dialogs: return "Dialogs"
            }
        }
    }

    public internal(set) var page: Page = .overview
    public internal(set) var ticks: Int = 0
    public internal(set) var table: Table
    public internal(set) var form: Form
    /// Keys go to the form while editing (Enter/i starts, Esc stops).
    public internal(set) var isEditingForm = false
    public internal(set) var modal: Modal?
    public internal(set) var help: HelpOverlay?
    public internal(set) var toasts = ToastCenter()
    var random: GalleryRandom
    var throughput: [Double] = []
    var latency: [Double] = []
    var gaugeFraction = 0.35
    var spinner = Spinner(label: "syncing blocks")
    var progressPhase = 0
    var screen = Size(width: 80, height: 24)
    var modalPurpose = ""
    /// The seed the data was generated from (shown in the status line so a screen can be reproduced).
    public let seed: UInt64
    /// The bindings every key goes through (except text typed into an editor).
    public let keys: KeyTable

    public let minimumSize = Size(width: 60, height: 20)
    public let tickInterval: Duration? = .seconds(1)

    /// The gallery with the default key bindings.
    public init(seed: UInt64 = 0x6B61_6C79_7073_6F, rowCount: Int = 10_000) {
        self.init(seed: seed, rowCount: rowCount, keys: WidgetGallery.defaultKeys)
    }

    /// `seed` fixes all generated data; `rowCount` is the size of the table page; `keys` is built from
    /// `WidgetGallery.actions()` (remapped, possibly read-only).
    public init(seed: UInt64 = 0x6B61_6C79_7073_6F, rowCount: Int = 10_000, keys: KeyTable) {
        self.seed = seed
        self.keys = keys
        random = GalleryRandom(seed: seed)
        table = Table(columns: WidgetGallery.columns)
        form = WidgetGallery.makeForm()
        var rows: [[String]] = []
        rows.reserveCapacity(Swift.max(0, rowCount))
        for i in 0..<Swift.max(0, rowCount) { rows.append(WidgetGallery.makeRow(i, &random)) }
        table.setRows(rows)
        var a = 50.0, b = 20.0
        for _ in 0..<240 {
            a = WidgetGallery.walk(a, &random, 0...100)
            b = WidgetGallery.walk(b, &random, 0...60)
            throughput.append(a)
            latency.append(b)
        }
    }

    static let columns = [
        TableColumn("#", width: .fixed(5), alignment: .right, sort: .numeric),
        TableColumn("Market", width: .min(12)),
        TableColumn("Job", width: .min(12), sort: .text),
        TableColumn("Status", width: .fixed(9)),
        TableColumn("Reward", width: .fixed(14), alignment: .right, sort: .numeric),
        TableColumn("Age", width: .fixed(6), alignment: .right, sort: .duration),
    ]

    static let markets = ["zkEVM proofs", "tx-batch", "RISC Zero", "SP1 rollup", "Plonky2 agg", "Groth16 wrap"]
    static let statuses = ["done", "pending", "failed", "proving", "assigned"]

    static func makeRow(_ i: Int, _ r: inout GalleryRandom) -> [String] {
        let market = markets[r.below(markets.count)]
        // The whole identifier: the table cuts it where the column is narrow, the detail view shows it all.
        let job = "0x" + String(r.next() & 0xFFFF_FFFF, radix: 16).leftPadded(8, "0")
        let status = statuses[r.below(statuses.count)]
        // Rewards as exact decimal text (whole part and 4 fraction digits), not floating point.
        // Kalypso pays rewards in the payment token (USDC on the networks the console knows), never in ETH.
        let reward = "\(r.below(20)).\(String(r.below(10_000)).leftPadded(4, "0")) USDC"
        // Ages as operators read them (`8h 55m`, never `535m`).
        let age = HumanDuration.text(Int64(r.below(600)) * 60)
        return [String(i + 1), market, job, status, reward, age]
    }

    static func walk(_ v: Double, _ r: inout GalleryRandom, _ range: ClosedRange<Double>) -> Double {
        let step = (r.unit() - 0.5) * 8
        return Swift.max(range.lowerBound, Swift.min(range.upperBound, v + step))
    }

    static func makeForm() -> Form {
        Form(fields: [
            .text(TextField(id: "name", label: "Operator name", placeholder: "e.g. rack-7", required: true)),
            .text(
                TextField(
                    id: "stake", label: "Stake", placeholder: "0.0",
                    kind: .number(unit: "ETH", minimum: "0.1", maximum: "32", decimals: 18),
                    required: true)),
            .text(
                TextField(
                    id: "timeout", label: "Proof timeout", placeholder: "600",
                    kind: .number(unit: "s", minimum: "30", maximum: "3600", decimals: 0))),
            .text(
                TextField(
                    id: "reward", label: "Reward address", placeholder: "0x…", kind: .rule(.accountAddress),
                    required: true)),
            .choice(ChoiceField(id: "market", label: "Market", options: markets)),
            .toggle(ToggleField(id: "auto", label: "Auto-accept jobs", isOn: true)),
        ])
    }
}

extension String {
    fileprivate func leftPadded(_ n: Int, _ c: Character) -> String {
        count >= n ? self : String(repeating: c, count: n - count) + self
    }
}
