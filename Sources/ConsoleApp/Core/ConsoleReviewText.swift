import KalypsoKit

/// The text of a write's review dialog from the send path's dry run: every transaction of the write, in
/// order, numbered when there are several, so a stake after its approval or a join with its steps never
/// shows only its first transaction.
public enum ConsoleReviewText {
    /// The pipeline's review of each simulated transaction; a transaction the dry run could not simulate
    /// (it needs the one before it mined) shows its call and why, and is simulated again before signing.
    public static func lines(_ steps: [SentStep]) -> [String] {
        var out: [String] = []
        for (i, step) in steps.enumerated() {
            if i > 0 { out.append("") }
            var lines = step.review?.lines ?? unsimulated(step)
            if steps.count > 1, !lines.isEmpty { lines[0] = "[\(i + 1)/\(steps.count)] " + lines[0] }
            out += lines
        }
        return out
    }

    static func unsimulated(_ step: SentStep) -> [String] {
        let d = step.description
        var lines = [d.summary, "  contract   \(d.contract)", "  function   \(d.function)"]
        lines += d.arguments.map { "    \($0.name) = \($0.value)" }
        if case .notSimulated(let reason) = step.result {
            lines.append("  not simulated yet: \(reason); it is simulated and priced again before it is signed")
        }
        return lines
    }
}
