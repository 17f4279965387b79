import TerminalKit

/// A table of a screen with the shared table keys (`/` filter, `s` sort, `j/k`, PgUp/PgDn, `g/G`) and
/// rows that keep their identity across refreshes, so a new snapshot never moves the selection to
/// another job or market.
public struct ScreenTable: Sendable {
    public static let scope = "table"
    public static let filterScope = "filter"

    public static let down = "table.down", up = "table.up", pageDown = "table.pageDown", pageUp = "table.pageUp"
    public static let top = "table.top", bottom = "table.bottom", filter = "table.filter", sort = "table.sort"
    public static let reverseSort = "table.reverseSort", clearFilter = "table.clearFilter"
    public static let filterKeep = "filter.keep", filterClear = "filter.clear", filterDeleteBack = "filter.deleteBack"

    public private(set) var table: Table
    /// The identity of each row of `table.rows` (a job id, a market id, a hash).
    public private(set) var ids: [String] = []

    public init(columns: [TableColumn]) {
        table = Table(columns: columns)
    }

    /// The shared table actions (declared once for every screen).
    public static func actions() -> [KeyAction] {
        let t = scope
        let f = filterScope
        return [
            KeyAction(id: filter, description: "Filter", keys: [.character("/")], group: "Table", scope: t),
            KeyAction(id: sort, description: "Sort by next column", keys: [.character("s")], group: "Table", scope: t),
            KeyAction(
                id: reverseSort, description: "Reverse sort", keys: [.character("S")], group: "Table", scope: t,
                inFooter: false),
            KeyAction(
                id: down, description: "Down", keys: [.character("j"), .down], group: "Table", scope: t,
                inFooter: false),
            KeyAction(
                id: up, description: "Up", keys: [.character("k"), .up], group: "Table", scope: t, inFooter: false),
            KeyAction(
                id: pageDown, description: "Page down", keys: [.pageDown], group: "Table", scope: t, inFooter: false),
            KeyAction(id: pageUp, description: "Page up", keys: [.pageUp], group: "Table", scope: t, inFooter: false),
            KeyAction(
                id: top, description: "First row", keys: [.character("g"), .home], group: "Table", scope: t,
                inFooter: false),
            KeyAction(
                id: bottom, description: "Last row", keys: [.character("G"), .end], group: "Table", scope: t,
                inFooter: false),
            KeyAction(
                id: clearFilter, description: "Clear filter", keys: [.escape], group: "Table", scope: t,
                inFooter: false),
            KeyAction(id: filterKeep, description: "Keep filter", keys: [.enter], group: "Filter", scope: f),
            KeyAction(id: filterClear, description: "Clear filter", keys: [.escape], group: "Filter", scope: f),
            KeyAction(
                id: filterDeleteBack, description: "Delete back", keys: [.backspace], group: "Filter", scope: f,
                inFooter: false),
        ]
    }

    /// The scopes of the table's keys now: the filter line's while it is open, else the table's.
    public var keyScopes: [String] { table.isEditingFilter ? [Self.filterScope] : [Self.scope] }

    public var isEditingFilter: Bool { table.isEditingFilter }

    /// The id of the selected row.
    public var selectedID: String? { table.selectedRowIndex.map { ids[$0] } }

    /// Replaces the rows; the selection stays on the row with the same id when it is still shown.
    /// Returns whether anything changed.
    public mutating func setRows(_ rows: [[String]], ids newIDs: [String]) -> Bool {
        guard rows != table.rows || newIDs != ids else { return false }
        let keep = selectedID
        table.setRows(rows)
        ids = newIDs
        if let keep, let row = newIDs.firstIndex(of: keep), let pos = table.view.firstIndex(of: row) {
            table.select(pos)
        }
        return true
    }

    /// Sets how many rows a page has (from the body's height less what the screen draws around the table).
    public mutating func setPageSize(forHeight height: Int) -> Bool {
        let n = max(1, Table.dataRows(forHeight: height))
        guard n != table.pageSize else { return false }
        table.pageSize = n
        return true
    }

    /// Sets one column's width (a screen gives identifiers their whole width when the screen is wide).
    public mutating func setColumnWidth(_ column: Int, _ width: LayoutConstraint) {
        guard table.columns.indices.contains(column), table.columns[column].width != width else { return }
        table.columns[column].width = width
    }

    /// A table action; nil when `actionID` is not one (the screen handles it).
    public mutating func perform(_ actionID: String) -> Bool? {
        switch actionID {
        case Self.down: return table.moveSelection(by: 1)
        case Self.up: return table.moveSelection(by: -1)
        case Self.pageDown: return table.movePage(by: 1)
        case Self.pageUp: return table.movePage(by: -1)
        case Self.top: return table.selectFirst()
        case Self.bottom: return table.selectLast()
        case Self.filter: return table.beginFilter()
        case Self.sort: return table.cycleSort()
        case Self.reverseSort: return table.reverseSort()
        case Self.clearFilter: return table.clearFilter()
        case Self.filterKeep: return table.commitFilter()
        case Self.filterClear: return table.cancelFilter()
        case Self.filterDeleteBack: return table.deleteFilterBackward()
        default: return nil
        }
    }

    /// A character typed into the open filter line.
    public mutating func type(_ key: Key) -> Bool {
        guard case .character(let c) = key else { return false }
        return table.typeInFilter(c)
    }

    public func render(into frame: inout Frame, area: Rect, context: RenderContext) {
        table.render(into: &frame, area: area, context: context)
    }
}
