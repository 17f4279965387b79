/// Ages and time left as operators read them: `45s`, `12m 5s`, `9h 35m`, `2d 3h` (never `535m`).
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

    static func pair(_ major: Int64, _ majorUnit: String, _ minor: Int64, _ minorUnit: String) -> String {
        minor == 0 ? "\(major)\(majorUnit)" : "\(major)\(majorUnit) \(minor)\(minorUnit)"
    }
}
