import Basics
import Foundation

extension MonitorEvent {
    /// One line of words for logs and screen readers (no symbols or colour carry meaning); amounts stay in
    /// the token's base units, said so.
    public var text: String {
        switch self {
        case .newJob(let j):
            let who = j.prover == nil ? "created (not assigned yet)" : "assigned to \(j.prover ?? "")"
            return "new job \(j.jobId) in market \(j.marketId) \(who); reward \(j.reward) base units"
                + (j.dueWallTime.map { "; due \(Self.iso($0))" } ?? "")
        case .deadlineNear(let j, let left):
            let when = left >= 0 ? "due in \(HumanDuration.text(left))" : "overdue by \(HumanDuration.text(-left))"
            return "deadline near: job \(j.jobId) in market \(j.marketId) is \(when)"
                + (j.dueWallTime.map { " (at \(Self.iso($0)))" } ?? "")
        case .proofDone(let j):
            return "proof done: job \(j.jobId) in market \(j.marketId); reward \(j.reward) base units"
        case .slashed(let jobId, let marketId, let token, let amount, let block):
            var line = "slashed"
            if let jobId { line += ": job \(jobId)" + (marketId.map { " in market \($0)" } ?? "") }
            if let amount, let token {
                line += "; \(amount) base units of token \(token)"
            } else {
                line += "; no proof before the deadline (the contract logs no slash amount)"
            }
            return line + " at block \(block)"
        case .jobEnded(let j, let outcome):
            let why = outcome == .invalidInputs ? "the inputs were declared invalid" : "it was cancelled"
            return "job ended: job \(j.jobId) in market \(j.marketId): \(why)"
        case .stakeChanged(let token, let from, let to):
            let show = { (s: MonitorStake?) in s.map { "total \($0.total), locked \($0.locked)" } ?? "none" }
            return "stake change: token \(token): \(show(from)) -> \(show(to)) (base units)"
        case .enclaveDown(let why):
            return "enclave down: \(why)"
        case .enclaveUp:
            return "enclave up: the control API answers again"
        }
    }

    /// The event's fields for `monitor --json` (one object per line).
    public var fields: [String: Any] {
        var o: [String: Any] = ["kind": kind, "text": text]
        let job = { (j: MonitorJob) -> [String: Any] in
            var d: [String: Any] = ["id": j.jobId, "marketId": j.marketId, "reward": j.reward]
            d["prover"] = j.prover ?? NSNull()
            d["due"] = j.dueWallTime.map { Self.iso($0) } ?? NSNull()
            return d
        }
        switch self {
        case .newJob(let j), .proofDone(let j): o["job"] = job(j)
        case .deadlineNear(let j, let left):
            o["job"] = job(j)
            o["secondsLeft"] = left
        case .jobEnded(let j, let outcome):
            o["job"] = job(j)
            o["outcome"] = outcome.rawValue
        case .slashed(let jobId, let marketId, let token, let amount, let block):
            o["jobId"] = jobId ?? NSNull()
            o["marketId"] = marketId ?? NSNull()
            o["token"] = token ?? NSNull()
            o["amount"] = amount ?? NSNull()
            o["block"] = block
        case .stakeChanged(let token, let from, let to):
            o["token"] = token
            o["from"] = from.map { ["total": $0.total, "locked": $0.locked] } ?? NSNull()
            o["to"] = to.map { ["total": $0.total, "locked": $0.locked] } ?? NSNull()
        case .enclaveDown(let why): o["reason"] = why
        case .enclaveUp: break
        }
        return o
    }

    /// `2026-12-03T08:40:00Z`.
    public static func iso(_ seconds: Int64) -> String {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime]
        return f.string(from: Date(timeIntervalSince1970: Double(seconds)))
    }
}
