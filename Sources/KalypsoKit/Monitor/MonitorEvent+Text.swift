import Basics
import BigInt
import EthereumKit
import Foundation

extension MonitorEvent {
    /// One line of words for logs and screen readers (no symbols or colour carry meaning), amounts in base
    /// units (said so); ``text(units:)`` says them in the tokens' own units.
    public var text: String { text(units: MonitorUnits()) }

    /// One line of words, amounts in the token's symbol and decimals where `units` knows them.
    public func text(units: MonitorUnits) -> String {
        switch self {
        case .newJob(let j):
            let who = j.prover.map { "assigned to \(Self.checksummed($0))" } ?? "created (not assigned yet)"
            return "new job \(j.jobId) in market \(j.marketId) \(who); offered \(units.reward(j.reward))"
                + (j.dueWallTime.map { "; due \(Self.iso($0))" } ?? "")
        case .deadlineNear(let j, let left):
            let when = left >= 0 ? "due in \(HumanDuration.text(left))" : "overdue by \(HumanDuration.text(-left))"
            return "deadline near: job \(j.jobId) in market \(j.marketId) is \(when)"
                + (j.dueWallTime.map { " (at \(Self.iso($0)))" } ?? "")
        case .proofDone(let j):
            return "proof done: job \(j.jobId) in market \(j.marketId); offered \(units.reward(j.reward))"
        case .missed(let j):
            return
                "deadline missed: job \(j.jobId) in market \(j.marketId) ended without a proof; the prover is slashed"
                + " for it"
        case .slashed(let jobId, let marketId, let token, let amount, let block):
            let job = jobId.map { " for job \($0)" + (marketId.map { " in market \($0)" } ?? "") } ?? ""
            return "slashed\(job): lost \(units.amount(amount, token: token)) at block \(block)"
        case .jobEnded(let j, let outcome):
            let why = outcome == .invalidInputs ? "the inputs were declared invalid" : "it was cancelled"
            return "job ended: job \(j.jobId) in market \(j.marketId): \(why)"
        case .stakeChanged(let token, let from, let to):
            let show = { (s: MonitorStake?) in
                s.map {
                    "total \(units.amount($0.total, token: token)), locked \(units.amount($0.locked, token: token))"
                }
                    ?? "none"
            }
            return "stake change: \(units.name(token)): \(show(from)) -> \(show(to))"
        case .enclaveDown(let why):
            return "enclave down: \(why)"
        case .enclaveUp:
            return "enclave up: the control API answers again"
        }
    }

    /// The EIP-55 form of a cached (lowercase) address; anything else unchanged.
    public static func checksummed(_ hex: String) -> String { (try? Address(hex)).map(\.checksummed) ?? hex }

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
        case .newJob(let j), .proofDone(let j), .missed(let j): o["job"] = job(j)
        case .deadlineNear(let j, let left):
            o["job"] = job(j)
            o["secondsLeft"] = left
        case .jobEnded(let j, let outcome):
            o["job"] = job(j)
            o["outcome"] = outcome.rawValue
        case .slashed(let jobId, let marketId, let token, let amount, let block):
            o["jobId"] = jobId ?? NSNull()
            o["marketId"] = marketId ?? NSNull()
            o["token"] = token
            o["amount"] = amount
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

/// The tokens a monitor's lines name: the payment token (rewards) and any stake token, by lowercase address.
public struct MonitorUnits: Sendable {
    public var payment: String?
    public var tokens: [String: TokenInfo]

    public init(payment: String? = nil, tokens: [String: TokenInfo] = [:]) {
        self.payment = payment
        self.tokens = tokens
    }

    /// `45 USDC`, or `45000000 base units of the payment token`.
    func reward(_ decimal: String) -> String {
        if let payment, tokens[payment] != nil { return amount(decimal, token: payment) }
        return "\(decimal) base units of the payment token"
    }

    /// `1,000 POND`, or `1000000000000000000000 base units of 0x5FbD…` (the whole address).
    public func amount(_ decimal: String, token: String) -> String {
        guard let info = tokens[token], let value = BigUInt(decimal, radix: 10) else {
            return "\(decimal) base units of \(MonitorEvent.checksummed(token))"
        }
        return info.format(value)
    }

    /// `POND (0x5FbD…)` or the address alone.
    public func name(_ token: String) -> String {
        tokens[token].map { "\($0.symbol) (\(MonitorEvent.checksummed(token)))" }
            ?? "token \(MonitorEvent.checksummed(token))"
    }
}
