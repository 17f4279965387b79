/// Encodes cell runs as ANSI/ECMA-48 bytes (CUP cursor moves, SGR styles, UTF-8 text).
///
/// The virtual terminal uses it to count what a real terminal would receive for a frame, so tests can
/// assert byte budgets (an idle frame sends nothing, a one-row change sends about one row).
package struct AnsiEncoder {
    package let depth: ColorDepth
    private var current: Style?

    package init(depth: ColorDepth) { self.depth = depth }

    /// The bytes that draw `runs` (styles are expected to be reduced to `depth` already).
    package mutating func encode(_ runs: [CellRun]) -> [UInt8] {
        var out: [UInt8] = []
        for run in runs {
            out += Array("\u{1B}[\(run.y + 1);\(run.x + 1)H".utf8)
            for cell in run.cells where !cell.isContinuation {
                if current != cell.style {
                    out += sgr(cell.style)
                    current = cell.style
                }
                out += Array(String(cell.character).utf8)
            }
        }
        return out
    }

    /// Select Graphic Rendition for `style`, starting from a reset.
    package func sgr(_ style: Style) -> [UInt8] {
        var params = ["0"]
        let a = style.attributes
        if a.contains(.bold) { params.append("1") }
        if a.contains(.dim) { params.append("2") }
        if a.contains(.italic) { params.append("3") }
        if a.contains(.underline) { params.append("4") }
        if a.contains(.blink) { params.append("5") }
        if a.contains(.reverse) { params.append("7") }
        params += colorParams(style.foreground, foreground: true)
        params += colorParams(style.background, foreground: false)
        return Array("\u{1B}[\(params.joined(separator: ";"))m".utf8)
    }

    private func colorParams(_ c: Color, foreground: Bool) -> [String] {
        switch c {
        case .default: return []
        case .ansi(let i):
            let base = foreground ? (i < 8 ? 30 : 82) : (i < 8 ? 40 : 92)
            return ["\(base + Int(i))"]
        case .indexed(let i): return [foreground ? "38" : "48", "5", "\(i)"]
        case .rgb(let r, let g, let b): return [foreground ? "38" : "48", "2", "\(r)", "\(g)", "\(b)"]
        }
    }
}

extension Style {
    /// A short readable form for snapshots: `fg=6 bg=#ff8800 bold reverse`, or `plain`.
    package var shortDescription: String {
        var parts: [String] = []
        func name(_ c: Color) -> String {
            switch c {
            case .default: return "default"
            case .ansi(let i): return "\(i)"
            case .indexed(let i): return "i\(i)"
            case .rgb(let r, let g, let b):
                return "#"
                    + [r, g, b].map {
                        String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16)
                    }.joined()
            }
        }
        if foreground != .default { parts.append("fg=\(name(foreground))") }
        if background != .default { parts.append("bg=\(name(background))") }
        let names: [(Attributes, String)] = [
            (.bold, "bold"), (.dim, "dim"), (.italic, "italic"), (.underline, "underline"), (.blink, "blink"),
            (.reverse, "reverse"),
        ]
        for (a, n) in names where attributes.contains(a) { parts.append(n) }
        return parts.isEmpty ? "plain" : parts.joined(separator: " ")
    }
}
