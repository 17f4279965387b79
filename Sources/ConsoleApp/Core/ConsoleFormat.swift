import Basics
import EthereumKit
import Foundation
import KalypsoKit
import KalypsoStore

/// How the console words times and identifiers. Operators read these as facts: exact, unit-bearing.
public enum ConsoleFormat {
    /// An age or a duration in two units at most: `45s`, `12m`, `9h 35m`, `3d 4h`.
    public static func duration(_ seconds: Int64) -> String { HumanDuration.toTheMinute(seconds) }

    /// A duration to the second when it is under `precise` seconds (a deadline minutes away), else in
    /// minutes: `4m 12s`, `9h 35m`.
    public static func countdown(_ seconds: Int64, precise: Int64 = ConsoleCore.nearDeadlineSeconds) -> String {
        let s = max(0, seconds)
        if s < precise && s >= 60 { return "\(s / 60)m \(s % 60)s" }
        return duration(s)
    }

    /// An address as the cache keeps it (lowercase) in its EIP-55 form, whole; text that is not an
    /// address stays as it is.
    public static func address(_ text: String) -> String {
        (try? Address(text))?.checksummed ?? text
    }

    /// The UTC wall time of a chain timestamp, to the minute: `2026-12-03 08:19`.
    ///
    /// Computed (the proleptic Gregorian calendar, H. Hinnant's `civil_from_days`) rather than with a
    /// `DateFormatter`: making one costs ICU about a millisecond, and the screens format every row of a
    /// history at each refresh (the Rewards screen's 1,000 rows took most of the console's start).
    public static func time(_ seconds: Int64) -> String {
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let inDay = seconds - days * 86_400
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let shiftedMonth = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * shiftedMonth + 2) / 5 + 1
        let month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        func two(_ v: Int64) -> String { v < 10 ? "0\(v)" : "\(v)" }
        let y = String(year)
        let paddedYear = year >= 0 && y.count < 4 ? String(repeating: "0", count: 4 - y.count) + y : y
        return "\(paddedYear)-\(two(month))-\(two(day)) \(two(inDay / 3_600)):\(two(inDay % 3_600 / 60))"
    }

    /// The market's name from its metadata, else "market N".
    public static func marketName(_ market: CachedMarket) -> String {
        MarketMetadata.name(market.metadata) ?? "market \(market.marketId)"
    }
}

/// Chain time for countdowns: deadlines are in blocks (Generation A) or seconds (Generation B).
public enum ConsoleTime {
    /// The chain's time now, estimated from the last indexed block's time plus the wall time since the
    /// sync read it (a devnet's clock may run apart from the wall clock).
    public static func chainNow(data: ConsoleSnapshot, now: Date) -> Int64? {
        guard let p = data.progress, p.headTime > 0 else { return nil }
        let since = max(0, Int64(now.timeIntervalSince1970 - p.updatedAt))
        return p.headTime + since
    }

    /// What is left before a job's deadline (or expiry when unassigned), in its own unit. Block deadlines
    /// count from the cache's head block, on Arbitrum from its L1 block (Generation A's `block.number`,
    /// spec §6.3).
    public static func left(_ job: CachedJob, data: ConsoleSnapshot, now: Date) -> (value: Int64, unit: String)? {
        if job.deadlineUnit == "block" {
            guard let p = data.progress, p.headBlock > 0 else { return nil }
            return (job.dueAt - (p.headL1Block ?? p.headBlock), "block")
        }
        guard let t = chainNow(data: data, now: now) else { return nil }
        return (job.dueAt - t, "second")
    }

    /// Seconds per block of the deadline clock: the network's when it is set, Ethereum's 12 s on Arbitrum
    /// (its blocks carry the L1 number the contracts count), else the pace of the blocks the cache
    /// remembers; nil when none is known.
    public static func secondsPerBlock(data: ConsoleSnapshot, network: ConsoleNetwork) -> Double? {
        if let s = network.secondsPerBlock { return Double(s) }
        if data.progress?.headL1Block != nil { return DueTime.l1SecondsPerBlock }
        return ContractTimeScale.blocks(clock: nil, recentBlocks: data.insights.recentBlocks)?.secondsPerBlock
    }

    /// Seconds before the deadline; for block deadlines only when the pace of blocks is known.
    public static func secondsLeft(_ job: CachedJob, data: ConsoleSnapshot, network: ConsoleNetwork, now: Date)
        -> Int64?
    {
        guard let l = left(job, data: data, now: now) else { return nil }
        if l.unit == "second" { return l.value }
        return secondsPerBlock(data: data, network: network).map { Int64((Double(l.value) * $0).rounded()) }
    }

    /// The UTC wall time of a job's deadline: its timestamp, or for a block deadline the cache's head time
    /// plus the blocks left at the known pace (an estimate); nil when it cannot be told.
    public static func wallTime(_ job: CachedJob, data: ConsoleSnapshot, network: ConsoleNetwork) -> Int64? {
        if job.deadlineUnit != "block" { return job.dueAt }
        guard let p = data.progress, p.headTime > 0, let pace = secondsPerBlock(data: data, network: network),
            let l = left(job, data: data, now: Date(timeIntervalSince1970: p.updatedAt))
        else { return nil }
        return p.headTime + Int64((Double(l.value) * pace).rounded())
    }

    /// "in 9h 35m", "in 4m 12s", "overdue 3m", "in 42 blocks ≈ 8m 24s" — the deadline in words; block
    /// counts say their wall time where the pace of blocks is known.
    public static func words(_ job: CachedJob, data: ConsoleSnapshot, network: ConsoleNetwork, now: Date) -> String {
        guard let l = left(job, data: data, now: now) else { return "unknown" }
        if l.unit == "block" {
            let n = abs(l.value)
            let blocks = "\(n) block\(n == 1 ? "" : "s")"
            let time = secondsLeft(job, data: data, network: network, now: now).map {
                " ≈ \(ConsoleFormat.countdown(abs($0)))"
            }
            return l.value >= 0 ? "in \(blocks)\(time ?? "")" : "overdue \(blocks)\(time ?? "")"
        }
        return l.value >= 0 ? "in \(ConsoleFormat.countdown(l.value))" : "overdue \(ConsoleFormat.duration(-l.value))"
    }
}
