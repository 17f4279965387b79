/// Ages, time left and lengths of time as operators read them: `45s`, `12m 5s`, `9h 35m`, `2d 3h` (never
/// `535m`). The one style of durations in every command and screen (not `1 h 36 min`).
public enum HumanDuration {
    /// Two units at most, the larger first; a zero second unit is left out (`2h`, not `2h 0m`).
    public static func text(_ seconds: Int64) -> String {
        let s = max(0, seconds)
        switch s {
        case ..<60: return "\(s)s"
        case ..<3600: return pair(s / 60, "m", s % 60, "s")
        case ..<86_400: return pair(s / 3600, "h", (s % 3600) / 60, "m")
        default: return pair(s / 86_400, "d", (s % 86_400) / 3600, "h")
        }
    }

    /// ``text(_:)`` for an amount that may not fit in 64 bits (a contract's duration): whole days beyond.
    public static func text(_ seconds: some BinaryInteger) -> String {
        if let s = Int64(exactly: seconds) { return text(s) }
        return seconds < 0 ? text(Int64(0)) : "\(seconds / 86_400)d"
    }

    /// Like ``text(_:)``, but to the minute once a minute has passed (`12m`, not `12m 5s`): for values shown
    /// on a screen that is redrawn by the minute.
    public static func toTheMinute(_ seconds: Int64) -> String {
        let s = max(0, seconds)
        return (60..<3600).contains(s) ? "\(s / 60)m" : text(s)
    }

    /// Milliseconds (a benchmark): `850ms`, `1.2s`, `45s`, then as ``text(_:)`` to the second (`3m 5s`).
    public static func milliseconds(_ ms: Int64) -> String {
        let ms = max(0, ms)
        if ms < 1000 { return "\(ms)ms" }
        if ms < 59_950 {
            let tenths = (ms + 50) / 100
            return tenths % 10 == 0 ? "\(tenths / 10)s" : "\(tenths / 10).\(tenths % 10)s"
        }
        return text((ms + 500) / 1000)
    }

    static func pair(_ major: Int64, _ majorUnit: String, _ minor: Int64, _ minorUnit: String) -> String {
        minor == 0 ? "\(major)\(majorUnit)" : "\(major)\(majorUnit) \(minor)\(minorUnit)"
    }

    /// Seconds from what ``text(_:)`` writes (`9h 35m`, `45s`, `2d 3h`; any of d/h/m/s, space-separated); nil
    /// for anything else. Tables sort such columns by it.
    public static func seconds(_ text: String) -> Int64? {
        let parts = text.split(separator: " ", omittingEmptySubsequences: false)
        guard !parts.isEmpty else { return nil }
        var total: Int64 = 0
        for part in parts {
            guard let unit = part.last, let value = Int64(part.dropLast()), value >= 0 else { return nil }
            let scale: Int64
            switch unit {
            case "d": scale = 86_400
            case "h": scale = 3600
            case "m": scale = 60
            case "s": scale = 1
            default: return nil
            }
            let (product, overflow) = value.multipliedReportingOverflow(by: scale)
            guard !overflow else { return nil }
            let (sum, overflow2) = total.addingReportingOverflow(product)
            guard !overflow2 else { return nil }
            total = sum
        }
        return total
    }
}
