/// Horizontal alignment of text inside a cell range.
public enum TextAlignment: Sendable, Hashable {
    case left, right, center
}

/// Width-aware truncation, padding and wrapping of strings (display columns, not characters).
public enum TextFit {
    /// Cuts `text` to at most `width` columns, ending with `ellipsis` when something was cut.
    /// Never splits a wide character; a wide character that does not fit is dropped.
    public static func truncate(_ text: String, to width: Int, ellipsis: String) -> String {
        guard width > 0 else { return "" }
        if DisplayWidth.of(text) <= width { return text }
        let ellipsisWidth = DisplayWidth.of(ellipsis)
        // Too narrow even for the ellipsis: show the start of the text without one.
        let budget = ellipsisWidth < width ? width - ellipsisWidth : width
        var out = ""
        var used = 0
        for ch in text {
            let w = DisplayWidth.of(ch)
            if used + w > budget { break }
            out.append(ch)
            used += w
        }
        return ellipsisWidth < width ? out + ellipsis : out
    }

    /// Truncates then pads `text` with spaces to exactly `width` columns.
    public static func fit(_ text: String, width: Int, alignment: TextAlignment = .left, ellipsis: String) -> String {
        guard width > 0 else { return "" }
        let cut = truncate(text, to: width, ellipsis: ellipsis)
        let gap = width - DisplayWidth.of(cut)
        guard gap > 0 else { return cut }
        switch alignment {
        case .left: return cut + String(repeating: " ", count: gap)
        case .right: return String(repeating: " ", count: gap) + cut
        case .center:
            let left = gap / 2
            return String(repeating: " ", count: left) + cut + String(repeating: " ", count: gap - left)
        }
    }

    /// Word-wraps `text` to lines of at most `width` columns. Explicit newlines are kept; words longer
    /// than a line are broken; runs of spaces between words collapse to one at line breaks.
    public static func wrap(_ text: String, width: Int) -> [String] {
        guard width > 0 else { return [] }
        var lines: [String] = []
        for paragraph in text.split(separator: "\n", omittingEmptySubsequences: false) {
            var line = ""
            var lineWidth = 0
            let words = paragraph.split(separator: " ", omittingEmptySubsequences: true)
            if words.isEmpty {
                lines.append("")
                continue
            }
            for wordSub in words {
                var word = String(wordSub)
                var wordWidth = DisplayWidth.of(word)
                let needed = lineWidth == 0 ? wordWidth : lineWidth + 1 + wordWidth
                if needed <= width {
                    if lineWidth > 0 {
                        line += " "
                        lineWidth += 1
                    }
                    line += word
                    lineWidth += wordWidth
                    continue
                }
                if lineWidth > 0 {
                    lines.append(line)
                    line = ""
                    lineWidth = 0
                }
                // Break words that cannot fit on a line of their own.
                while wordWidth > width {
                    var head = ""
                    var headWidth = 0
                    var rest = Substring(word)
                    while let ch = rest.first {
                        let w = DisplayWidth.of(ch)
                        if headWidth + w > width { break }
                        head.append(ch)
                        headWidth += w
                        rest = rest.dropFirst()
                    }
                    if head.isEmpty {
                        // A wide character on a 1-column line: it can never fit, skip it.
                        rest = rest.dropFirst()
                    } else {
                        lines.append(head)
                    }
                    word = String(rest)
                    wordWidth = DisplayWidth.of(word)
                }
                line = word
                lineWidth = wordWidth
            }
            lines.append(line)
        }
        return lines
    }

    /// Replaces characters ASCII terminals cannot show: arrows by words, anything else non-ASCII by `?`.
    public static func asciiSafe(_ text: String) -> String {
        var out = ""
        for ch in text {
            if ch.isASCII {
                out.append(ch)
                continue
            }
            switch ch {
            case "↑": out += "Up"
            case "↓": out += "Down"
            case "←": out += "Left"
            case "→": out += "Right"
            case "…": out += "~"
            case "›", "▸": out += ">"
            case "•", "·": out += "*"
            case "≈": out += "~"
            case "—", "–", "−": out += "-"
            case "×": out += "x"
            case "▏", "│": out += "|"
            default: out += "?"
            }
        }
        return out
    }
}

extension RenderContext {
    /// `text` as this terminal can show it (ASCII-only terminals get `TextFit.asciiSafe`).
    public func displayable(_ text: String) -> String {
        capabilities.unicode ? text : TextFit.asciiSafe(text)
    }

    /// The style of `role` in the current theme.
    public func style(_ role: Role) -> Style { theme[role] }
}
