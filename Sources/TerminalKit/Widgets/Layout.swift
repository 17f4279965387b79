/// How much of a row or column one part of a layout takes.
public enum LayoutConstraint: Sendable, Hashable {
    /// Exactly this many cells (less only when the whole area is too small).
    case fixed(Int)
    /// A share of the space left after fixed and minimum parts, by weight.
    case proportional(Int)
    /// At least this many cells; grows with weight 1 like `.proportional(1)`.
    case min(Int)
}

/// Direction a layout splits an area in.
public enum Axis: Sendable, Hashable {
    /// Parts side by side (columns).
    case horizontal
    /// Parts stacked (rows).
    case vertical
}

/// Splits rectangles into rows and columns.
public enum Layout {
    /// Splits `rect` along `axis` into one rectangle per constraint, `spacing` cells apart.
    ///
    /// Fixed and minimum sizes are served first, in order; when the area is too small for them, earlier
    /// parts win and later parts shrink to zero, so a cramped screen loses its last panes rather than
    /// squeezing every pane into uselessness.
    public static func split(
        _ rect: Rect, _ axis: Axis, _ constraints: [LayoutConstraint], spacing: Int = 0
    ) -> [Rect] {
        let sizes = distribute(
            axis == .horizontal ? rect.width : rect.height, constraints, spacing: max(0, spacing))
        var out: [Rect] = []
        var pos = axis == .horizontal ? rect.x : rect.y
        for size in sizes {
            switch axis {
            case .horizontal: out.append(Rect(x: pos, y: rect.y, width: size, height: rect.height))
            case .vertical: out.append(Rect(x: rect.x, y: pos, width: rect.width, height: size))
            }
            pos += size + (size > 0 ? spacing : 0)
        }
        return out
    }

    /// Rows of `rect` (top to bottom).
    public static func rows(_ rect: Rect, _ constraints: [LayoutConstraint], spacing: Int = 0) -> [Rect] {
        split(rect, .vertical, constraints, spacing: spacing)
    }

    /// Columns of `rect` (left to right).
    public static func columns(_ rect: Rect, _ constraints: [LayoutConstraint], spacing: Int = 0) -> [Rect] {
        split(rect, .horizontal, constraints, spacing: spacing)
    }

    /// Sizes along one axis for `constraints` in `length` cells.
    public static func distribute(_ length: Int, _ constraints: [LayoutConstraint], spacing: Int = 0) -> [Int] {
        guard !constraints.isEmpty else { return [] }
        var remaining = max(0, length - spacing * (constraints.count - 1))
        var sizes = Array(repeating: 0, count: constraints.count)
        // Pass 1: fixed and minimum sizes, first come first served.
        for (i, c) in constraints.enumerated() {
            let want: Int
            switch c {
            case .fixed(let n), .min(let n): want = max(0, n)
            case .proportional: want = 0
            }
            let got = Swift.min(want, remaining)
            sizes[i] = got
            remaining -= got
        }
        // Pass 2: the rest by weight, remainders to the earliest parts.
        let weights = constraints.map { c -> Int in
            switch c {
            case .fixed: return 0
            case .proportional(let w): return max(0, w)
            case .min: return 1
            }
        }
        let total = weights.reduce(0, +)
        guard total > 0, remaining > 0 else { return sizes }
        var given = 0
        for i in sizes.indices where weights[i] > 0 {
            let share = remaining * weights[i] / total
            sizes[i] += share
            given += share
        }
        var left = remaining - given
        for i in sizes.indices where weights[i] > 0 && left > 0 {
            sizes[i] += 1
            left -= 1
        }
        return sizes
    }
}
