import Basics

/// How a table column compares values when sorting.
public enum SortMode: Sendable, Hashable {
    /// Case-insensitive text order.
    case text
    /// Decimal numbers compared exactly (leading sign, digits, one decimal point; trailing units ignored).
    case numeric
    /// Ages and time left as `HumanDuration` writes them (`45s`, `9h 35m`, `2d 3h`), by their length in seconds.
    case duration
}

/// One column of a `Table`.
public struct TableColumn: Sendable, Hashable {
    public var title: String
    public var width: LayoutConstraint
    public var alignment: TextAlignment
    public var sort: SortMode?

    /// `sort` nil: the column cannot be sorted by.
    public init(
        _ title: String, width: LayoutConstraint = .proportional(1), alignment: TextAlignment = .left,
        sort: SortMode? = .text
    ) {
        self.title = title
        self.width = width
        self.alignment = alignment
        self.sort = sort
    }
}

/// A scrollable, sortable, filterable table; a value type whose intents (`moveSelection(by:)`,
/// `beginFilter()`, `cycleSort()`, …) are pure state updates. It binds no keys: the application's key
/// table maps keys to actions that call the intents.
///
/// Rows are plain strings per column. Filtering and sorting keep an index list over the rows; only the
/// rows on screen are truncated and padded at render time, so 10,000+ rows stay cheap.
public struct Table: Sendable {
    public var columns: [TableColumn]
    public private(set) var rows: [[String]]
    /// Indices into `rows` of the rows shown, filtered and sorted.
    public private(set) var view: [Int]
    /// Position of the selected row within `view` (nil when `view` is empty).
    public private(set) var selection: Int?
    /// First position of `view` shown (render keeps the selection visible regardless).
    public private(set) var scrollOffset: Int = 0
    public private(set) var sortColumn: Int?
    public private(set) var sortAscending: Bool = true
    public private(set) var filter: String = ""
    /// Whether typed text currently goes to the filter line (after `beginFilter`).
    public private(set) var isEditingFilter: Bool = false
    /// Data rows on screen, set by the owner when its layout changes (`Table.dataRows(forHeight:)`):
    /// paging moves by it and scrolling keeps the selection within it.
    public var pageSize: Int = 10

    private var searchText: [String]

    public init(columns: [TableColumn], rows: [[String]] = []) {
        self.columns = columns
        self.rows = []
        self.view = []
        self.searchText = []
        setRows(rows)
    }

    /// The selected row's cells.
    public var selectedRow: [String]? {
        guard let s = selection, s < view.count else { return nil }
        return rows[view[s]]
    }

    /// Index into `rows` of the selected row.
    public var selectedRowIndex: Int? {
        guard let s = selection, s < view.count else { return nil }
        return view[s]
    }

    /// The count shown under the table: rows shown of all rows, e.g. `12 of 240`.
    public var countText: String { "\(view.count) of \(rows.count)" }

    /// Replaces the rows, keeping filter, sort and (by position) selection.
    public mutating func setRows(_ newRows: [[String]]) {
        rows = newRows
        searchText = newRows.map { $0.joined(separator: "\u{1}").lowercased() }
        rebuildView(keeping: nil)
    }

    /// Sorts by `column` (nil: original order).
    public mutating func sort(by column: Int?, ascending: Bool = true) {
        let keep = selectedRowIndex
        if let c = column, c >= 0, c < columns.count, columns[c].sort != nil {
            sortColumn = c
        } else {
            sortColumn = nil
        }
        sortAscending = ascending
        rebuildView(keeping: keep)
    }

    /// Shows only rows containing `text` (case-insensitive) in any column.
    public mutating func setFilter(_ text: String) {
        let keep = selectedRowIndex
        filter = text
        rebuildView(keeping: keep)
    }

    /// Selects position `index` of the view (clamped).
    public mutating func select(_ index: Int) {
        selection = view.isEmpty ? nil : Swift.max(0, Swift.min(index, view.count - 1))
    }

    private mutating func rebuildView(keeping rowIndex: Int?) {
        var indices: [Int]
        let needle = filter.lowercased()
        if needle.isEmpty {
            indices = Array(rows.indices)
        } else {
            indices = rows.indices.filter { searchText[$0].contains(needle) }
        }
        if let c = sortColumn, c < columns.count, let mode = columns[c].sort {
            let asc = sortAscending
            let rows = self.rows
            let cell = { (i: Int) -> String in c < rows[i].count ? rows[i][c] : "" }
            // Keys are parsed once per row, not once per comparison: sorting 10,000 rows stays fast.
            let order: (Int, Int) -> Int
            switch mode {
            case .text:
                var keys = Array(repeating: "", count: rows.count)
                for i in indices { keys[i] = cell(i).lowercased() }
                order = { a, b in
                    let ka = keys[a], kb = keys[b]
                    return ka < kb ? -1 : (ka > kb ? 1 : 0)
                }
            case .duration:
                var keys = [Int64?](repeating: nil, count: rows.count)
                for i in indices { keys[i] = HumanDuration.seconds(cell(i)) }
                order = { a, b in
                    switch (keys[a], keys[b]) {
                    case (nil, nil): return TableOrder.compare(cell(a), cell(b), .text)
                    case (nil, _): return 1  // non-durations last
                    case (_, nil): return -1
                    case (let x?, let y?): return x < y ? -1 : (x > y ? 1 : 0)
                    }
                }
            case .numeric:
                var keys = [DecimalText?](repeating: nil, count: rows.count)
                for i in indices { keys[i] = DecimalText(cell(i)) }
                order = { a, b in
                    switch (keys[a], keys[b]) {
                    case (nil, nil): return TableOrder.compare(cell(a), cell(b), .text)
                    case (nil, _): return 1  // non-numbers last
                    case (_, nil): return -1
                    case (let x?, let y?): return x.compare(y)
                    }
                }
            }
            indices.sort { a, b in
                let o = order(a, b)
                if o == 0 { return a < b }  // stable
                return asc ? o < 0 : o > 0
            }
        }
        view = indices
        if let r = rowIndex, let pos = view.firstIndex(of: r) {
            selection = pos
        } else if view.isEmpty {
            selection = nil
        } else {
            selection = Swift.min(selection ?? 0, view.count - 1)
        }
        scrollOffset = Swift.min(scrollOffset, Swift.max(0, view.count - 1))
    }

    // MARK: Intents
    //
    // What a key bound in the application's key table asks of the table. Each returns whether the
    // state changed (so the caller knows to redraw).

    /// Moves the selection by `delta` rows (negative: up), clamped to the rows shown.
    @discardableResult
    public mutating func moveSelection(by delta: Int) -> Bool {
        changes { $0.move(by: delta) }
    }

    /// Moves the selection by `pages` screens of `pageSize` rows.
    @discardableResult
    public mutating func movePage(by pages: Int) -> Bool {
        changes { $0.move(by: pages * $0.visibleRows) }
    }

    /// Selects the first row shown.
    @discardableResult
    public mutating func selectFirst() -> Bool {
        changes { $0.move(by: -($0.view.count + 1)) }
    }

    /// Selects the last row shown.
    @discardableResult
    public mutating func selectLast() -> Bool {
        changes { $0.move(by: $0.view.count + 1) }
    }

    /// Opens the filter line: typed text goes to `typeInFilter` until `commitFilter` or `cancelFilter`.
    @discardableResult
    public mutating func beginFilter() -> Bool {
        changes { $0.isEditingFilter = true }
    }

    /// Appends a typed character to the open filter line; false when the line is closed.
    @discardableResult
    public mutating func typeInFilter(_ c: Character) -> Bool {
        guard isEditingFilter else { return false }
        setFilter(filter + String(c))
        return true
    }

    /// Removes the last character of the open filter line; false when the line is closed or empty.
    @discardableResult
    public mutating func deleteFilterBackward() -> Bool {
        guard isEditingFilter, !filter.isEmpty else { return false }
        setFilter(String(filter.dropLast()))
        return true
    }

    /// Closes the filter line and keeps the filter.
    @discardableResult
    public mutating func commitFilter() -> Bool {
        changes { $0.isEditingFilter = false }
    }

    /// Closes the filter line and clears the filter.
    @discardableResult
    public mutating func cancelFilter() -> Bool {
        changes {
            $0.isEditingFilter = false
            $0.setFilter("")
        }
    }

    /// Clears an active filter; false (nothing to do) when there is none.
    @discardableResult
    public mutating func clearFilter() -> Bool {
        guard !filter.isEmpty else { return false }
        setFilter("")
        return true
    }

    /// Sorts by the next sortable column, ascending; after the last one, back to the original order.
    @discardableResult
    public mutating func cycleSort() -> Bool {
        let sortable = columns.indices.filter { columns[$0].sort != nil }
        guard !sortable.isEmpty else { return false }
        let next: Int?
        if let c = sortColumn, let i = sortable.firstIndex(of: c) {
            next = i + 1 < sortable.count ? sortable[i + 1] : nil
        } else {
            next = sortable.first
        }
        return changes { $0.sort(by: next, ascending: true) }
    }

    /// Reverses the order of the current sort; false when the table is not sorted.
    @discardableResult
    public mutating func reverseSort() -> Bool {
        guard sortColumn != nil else { return false }
        return changes { $0.sort(by: $0.sortColumn, ascending: !$0.sortAscending) }
    }

    private mutating func changes(_ body: (inout Table) -> Void) -> Bool {
        let before = (selection, scrollOffset, sortColumn, sortAscending, filter, isEditingFilter)
        body(&self)
        let after = (selection, scrollOffset, sortColumn, sortAscending, filter, isEditingFilter)
        return before != after
    }

    private var visibleRows: Int { Swift.max(1, pageSize) }

    private mutating func move(by delta: Int) {
        guard !view.isEmpty else { return }
        let cur = selection ?? 0
        let next = Swift.max(0, Swift.min(view.count - 1, cur + delta))
        selection = next
        scrollOffset = Table.offset(keeping: next, visible: visibleRows, current: scrollOffset, count: view.count)
    }

    /// The first row to show so that `selected` is visible in `visible` rows, moving as little as possible.
    static func offset(keeping selected: Int, visible: Int, current: Int, count: Int) -> Int {
        guard visible > 0, count > 0 else { return 0 }
        var off = current
        if selected < off { off = selected }
        if selected >= off + visible { off = selected - visible + 1 }
        off = Swift.min(off, Swift.max(0, count - visible))
        return Swift.max(0, off)
    }

    /// Number of data rows that fit in `height` (after header and footer lines).
    public static func dataRows(forHeight height: Int) -> Int {
        height >= 3 ? height - 2 : Swift.max(0, height - 1)
    }

    /// Draws header, visible rows and the filter/count line into `area`.
    ///
    /// The selected row carries a marker glyph as well as the selection style. At very small heights the
    /// footer goes first, then the header.
    public func render(into frame: inout Frame, area: Rect, context: RenderContext) {
        let area = area.intersection(frame.bounds)
        guard !area.isEmpty else { return }
        let g = context.glyphs
        let showFooter = area.height >= 3
        let showHeader = area.height >= 2
        let dataHeight = area.height - (showFooter ? 1 : 0) - (showHeader ? 1 : 0)
        let markerWidth = area.width >= 4 ? 2 : 0
        let widths = Layout.distribute(
            Swift.max(0, area.width - markerWidth), columns.map(\.width), spacing: 1)
        var xs: [Int] = []
        var x = area.x + markerWidth
        for w in widths {
            xs.append(x)
            x += w + (w > 0 ? 1 : 0)
        }
        var y = area.y
        if showHeader {
            let hs = context.style(.header)
            frame.write(String(repeating: " ", count: area.width), x: area.x, y: y, style: hs, clip: area)
            for (i, col) in columns.enumerated() where widths[i] > 0 {
                var title = context.displayable(col.title)
                var w = widths[i]
                var indicator = ""
                if sortColumn == i {
                    indicator = String(sortAscending ? g.arrowUp : g.arrowDown)
                    if w >= 2 { w -= 1 } else { title = "" }
                }
                var text = TextFit.fit(title, width: w, alignment: col.alignment, ellipsis: g.ellipsis)
                if !indicator.isEmpty {
                    text = col.alignment == .right ? indicator + text : text + indicator
                }
                frame.write(text, x: xs[i], y: y, style: hs, clip: area)
            }
            y += 1
        }
        if dataHeight > 0 {
            let off = currentOffset(visible: dataHeight)
            let text = context.style(.text)
            let sel = context.style(.selection)
            if view.isEmpty {
                let msg = filter.isEmpty ? "no rows" : "no rows match"
                frame.write(
                    TextFit.truncate(msg, to: area.width - markerWidth, ellipsis: g.ellipsis),
                    x: area.x + markerWidth, y: y, style: context.style(.muted), clip: area)
            }
            for line in 0..<dataHeight {
                let pos = off + line
                guard pos < view.count else { break }
                let row = rows[view[pos]]
                let isSel = pos == selection
                let style = isSel ? sel : text
                if isSel {
                    frame.write(
                        String(repeating: " ", count: area.width), x: area.x, y: y + line, style: sel, clip: area)
                }
                if markerWidth > 0 {
                    frame.write(
                        isSel ? String(g.arrowRight) + " " : "  ", x: area.x, y: y + line, style: style, clip: area)
                }
                for (i, col) in columns.enumerated() where widths[i] > 0 {
                    let value = i < row.count ? context.displayable(row[i]) : ""
                    let cell = TextFit.fit(value, width: widths[i], alignment: col.alignment, ellipsis: g.ellipsis)
                    frame.write(cell, x: xs[i], y: y + line, style: style, clip: area)
                }
            }
            y += dataHeight
        }
        if showFooter {
            let count = countText
            var left: String
            if isEditingFilter {
                left = "/" + filter + "_"
            } else if !filter.isEmpty {
                left = "filter: " + filter
            } else {
                left = ""
            }
            left = context.displayable(left)
            let countWidth = DisplayWidth.of(count)
            let leftRoom = area.width - countWidth - 1
            if leftRoom > 0, !left.isEmpty {
                // Keep the end of the filter visible while typing.
                let shown = DisplayWidth.of(left) > leftRoom ? tail(left, leftRoom, g.ellipsis) : left
                frame.write(
                    shown, x: area.x, y: y, style: context.style(isEditingFilter ? .inputText : .accent), clip: area)
            }
            if countWidth <= area.width {
                frame.write(count, x: area.maxX - countWidth, y: y, style: context.style(.muted), clip: area)
            }
        }
    }

    /// The scroll offset used for `visible` rows: the stored one, moved so the selection is visible.
    public func currentOffset(visible: Int) -> Int {
        Table.offset(keeping: selection ?? 0, visible: visible, current: scrollOffset, count: view.count)
    }

    private func tail(_ s: String, _ width: Int, _ ellipsis: String) -> String {
        let ew = DisplayWidth.of(ellipsis)
        guard width > ew else { return String(s.suffix(Swift.max(0, width))) }
        var out = ""
        var used = 0
        for ch in s.reversed() {
            let w = DisplayWidth.of(ch)
            if used + w > width - ew { break }
            out = String(ch) + out
            used += w
        }
        return ellipsis + out
    }
}

/// Exact comparisons used for table sorting (no floating point, so long amounts sort correctly).
enum TableOrder {
    /// -1, 0 or 1 as `a` sorts before, with or after `b`.
    static func compare(_ a: String, _ b: String, _ mode: SortMode) -> Int {
        switch mode {
        case .text:
            let la = a.lowercased(), lb = b.lowercased()
            return la < lb ? -1 : (la > lb ? 1 : 0)
        case .numeric:
            switch (DecimalText(a), DecimalText(b)) {
            case (nil, nil): return compare(a, b, .text)
            case (nil, _): return 1  // non-numbers last
            case (_, nil): return -1
            case (let x?, let y?): return x.compare(y)
            }
        case .duration:
            switch (HumanDuration.seconds(a), HumanDuration.seconds(b)) {
            case (nil, nil): return compare(a, b, .text)
            case (nil, _): return 1
            case (_, nil): return -1
            case (let x?, let y?): return x < y ? -1 : (x > y ? 1 : 0)
            }
        }
    }
}
