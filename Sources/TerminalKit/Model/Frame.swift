/// One screen cell: a grapheme and its style. A wide (2-column) grapheme occupies its cell and marks
/// the next one as a continuation, which terminals skip when drawing.
public struct Cell: Hashable, Sendable {
    public var character: Character
    public var style: Style
    public var isContinuation: Bool

    public init(_ character: Character = " ", style: Style = .plain, isContinuation: Bool = false) {
        self.character = character
        self.style = style
        self.isContinuation = isContinuation
    }

    public static let blank = Cell()
}

/// A grid of cells: what one screen shows. Drawing is pure; the terminal layer diffs and flushes frames.
public struct Frame: Sendable, Equatable {
    public let size: Size
    public private(set) var cells: [Cell]

    public init(size: Size, fill: Cell = .blank) {
        self.size = Size(width: max(0, size.width), height: max(0, size.height))
        cells = Array(repeating: fill, count: self.size.width * self.size.height)
    }

    public init(width: Int, height: Int) { self.init(size: Size(width: width, height: height)) }

    public var width: Int { size.width }
    public var height: Int { size.height }
    public var bounds: Rect { Rect(size: size) }

    public subscript(x: Int, y: Int) -> Cell {
        get {
            guard x >= 0, y >= 0, x < width, y < height else { return .blank }
            return cells[y * width + x]
        }
        set {
            guard x >= 0, y >= 0, x < width, y < height else { return }
            cells[y * width + x] = newValue
        }
    }

    /// Writes `text` starting at (x, y) on one line, clipped to `clip` (default: the whole frame).
    /// Control characters are shown as `?`. A wide character that would straddle the clip edge is
    /// replaced by a space. Returns the number of columns advanced.
    @discardableResult
    public mutating func write(_ text: String, x: Int, y: Int, style: Style = .plain, clip: Rect? = nil) -> Int {
        let area = (clip ?? bounds).intersection(bounds)
        guard y >= area.y, y < area.maxY else { return DisplayWidth.of(text) }
        var col = x
        for ch in text {
            var c = ch
            var w = DisplayWidth.of(c)
            if w == 0 {
                if ch.unicodeScalars.allSatisfy({ $0.value < 0x20 || ($0.value >= 0x7f && $0.value < 0xa0) }) {
                    c = "?"
                    w = 1
                } else {
                    continue  // stray combining mark with nothing to combine with
                }
            }
            if col >= area.maxX { break }
            if col >= area.x {
                if w == 2 && col + 1 >= area.maxX {
                    self[col, y] = Cell(" ", style: style)
                } else {
                    clearWide(at: col, y: y)
                    self[col, y] = Cell(c, style: style)
                    if w == 2 {
                        clearWide(at: col + 1, y: y)
                        self[col + 1, y] = Cell(" ", style: style, isContinuation: true)
                    }
                }
            }
            col += w
        }
        return col - x
    }

    /// Overwriting half of a wide character blanks the other half, so no stale half is drawn.
    private mutating func clearWide(at x: Int, y: Int) {
        let cell = self[x, y]
        if cell.isContinuation, x > 0 {
            self[x - 1, y] = Cell(" ", style: self[x - 1, y].style)
        } else if x + 1 < width, self[x + 1, y].isContinuation {
            self[x + 1, y] = Cell(" ", style: cell.style)
        }
    }

    /// Fills `rect` (clipped to the frame) with `cell`.
    public mutating func fill(_ rect: Rect, with cell: Cell = .blank) {
        let r = rect.intersection(bounds)
        guard !r.isEmpty else { return }
        for yy in r.y..<r.maxY {
            for xx in r.x..<r.maxX { cells[yy * width + xx] = cell }
        }
    }

    /// Sets the style of every cell in `rect`, keeping characters.
    public mutating func setStyle(_ style: Style, in rect: Rect) {
        let r = rect.intersection(bounds)
        guard !r.isEmpty else { return }
        for yy in r.y..<r.maxY {
            for xx in r.x..<r.maxX { cells[yy * width + xx].style = style }
        }
    }

    /// The characters of row `y`, continuation cells skipped, trailing spaces kept.
    public func row(_ y: Int) -> String {
        guard y >= 0, y < height else { return "" }
        var s = ""
        for x in 0..<width {
            let c = cells[y * width + x]
            if !c.isContinuation { s.append(c.character) }
        }
        return s
    }

    /// The whole frame as text, one line per row, trailing spaces trimmed (for tests and snapshots).
    public func text() -> String {
        (0..<height).map { y in
            var r = row(y)
            while r.last == " " { r.removeLast() }
            return r
        }.joined(separator: "\n")
    }
}
