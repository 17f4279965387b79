/// A decimal number parsed from the start of a string, kept as digit strings for exact comparison.
struct DecimalText: Sendable, Hashable {
    var negative: Bool
    var integer: String  // no leading zeros ("" means 0)
    var fraction: String  // no trailing zeros

    /// Parses `[-]digits[.digits]` at the start of `text` (after spaces, thousands separators `,`/`_`
    /// skipped); nil when there is no digit.
    init?(_ text: String) {
        var chars = Substring(text.drop(while: { $0 == " " }))
        negative = false
        if chars.first == "-" {
            negative = true
            chars = chars.dropFirst()
        }
        var int = "", frac = ""
        var seenPoint = false, seenDigit = false
        for ch in chars {
            if ch.isASCII, ch.isNumber {
                seenDigit = true
                if seenPoint { frac.append(ch) } else { int.append(ch) }
            } else if ch == ".", !seenPoint {
                seenPoint = true
            } else if (ch == "," || ch == "_"), !seenPoint {
                continue
            } else {
                break
            }
        }
        guard seenDigit else { return nil }
        integer = String(int.drop(while: { $0 == "0" }))
        while frac.last == "0" { frac.removeLast() }
        fraction = frac
        if integer.isEmpty, fraction.isEmpty { negative = false }
    }

    /// -1, 0 or 1.
    func compare(_ o: DecimalText) -> Int {
        if negative != o.negative { return negative ? -1 : 1 }
        let mag = magnitudeCompare(o)
        return negative ? -mag : mag
    }

    private func magnitudeCompare(_ o: DecimalText) -> Int {
        if integer.count != o.integer.count { return integer.count < o.integer.count ? -1 : 1 }
        if integer != o.integer { return integer < o.integer ? -1 : 1 }
        let n = Swift.max(fraction.count, o.fraction.count)
        let a = fraction.padding(n), b = o.fraction.padding(n)
        return a == b ? 0 : (a < b ? -1 : 1)
    }
}

extension String {
    fileprivate func padding(_ n: Int) -> String {
        count >= n ? self : self + String(repeating: "0", count: n - count)
    }
}
