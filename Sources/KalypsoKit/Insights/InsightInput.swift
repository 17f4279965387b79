import Basics
import BigInt
import Foundation
import KalypsoStore

/// One number an insight was computed from, with where it came from: the screens list these beside every
/// result so that no figure appears without its inputs.
public struct InsightInput: Sendable, Hashable {
    /// What the number is: "benchmark runs", "asks in the window".
    public var label: String
    /// The value as shown: "3 runs, latest 1.2 s", "12 asks in 2 h".
    public var value: String
    /// Where it came from: "cache: cache_benchmark_run", "chain: marketData(3).slashingPenalty", "assumed".
    public var source: String

    public init(_ label: String, _ value: String, source: String) {
        self.label = label
        self.value = value
        self.source = source
    }
}

/// A result that could not be computed, with the reason in words ("no benchmark for market 3").
public struct NotEnoughData: Error, Sendable, Hashable, CustomStringConvertible {
    public var reason: String
    public init(_ reason: String) { self.reason = reason }
    public var description: String { "not enough data: \(reason)" }
}

/// How many wall-clock seconds one unit of contract time lasts (spec §6.3), and how that was learnt.
public struct ContractTimeScale: Sendable, Hashable {
    /// Seconds per block of `block.number` as the contracts see it; nil on a seconds generation.
    public var secondsPerBlock: Double?
    public var unit: TimeUnit
    /// Where ``secondsPerBlock`` came from.
    public var source: String

    public init(unit: TimeUnit, secondsPerBlock: Double?, source: String) {
        self.unit = unit
        self.secondsPerBlock = secondsPerBlock
        self.source = source
    }

    /// Generation B counts seconds: nothing to learn.
    public static let seconds = ContractTimeScale(
        unit: .seconds, secondsPerBlock: nil, source: "Generation B: block.timestamp, seconds (spec §6.3)")

    /// Generation A counts `block.number`: on Arbitrum that is the L1 block (about 12 s, from the clock's
    /// `l1BlockNumber`); elsewhere the node's own blocks, whose pace is measured from the blocks the cache
    /// remembers (first to last). Nil when neither is known.
    public static func blocks(clock: ChainClock?, recentBlocks: [CachedBlock]) -> ContractTimeScale? {
        if let clock, let s = clock.secondsPerBlock {
            // The contracts' block differs from the node's only on Arbitrum (the L1 block); a devnet's clock
            // with a known pace was labelled "Arbitrum: block.number is the L1 block, 1 s each".
            if clock.contractBlockNumber != clock.nodeBlockNumber {
                return ContractTimeScale(
                    unit: .blocks, secondsPerBlock: Double(s),
                    source: "Arbitrum: block.number is the L1 block, \(s) s each (spec §6.3)")
            }
            return measured(recentBlocks)
                ?? ContractTimeScale(
                    unit: .blocks, secondsPerBlock: Double(s),
                    source: "block.number is this chain's own block, \(s) s each")
        }
        return measured(recentBlocks)
    }

    /// The pace of the blocks the cache remembers, first to last; nil when they cannot tell.
    static func measured(_ recentBlocks: [CachedBlock]) -> ContractTimeScale? {
        let sorted = recentBlocks.sorted { $0.number < $1.number }
        guard let first = sorted.first, let last = sorted.last, last.number > first.number,
            last.timestamp >= first.timestamp
        else { return nil }
        let pace = Double(last.timestamp - first.timestamp) / Double(last.number - first.number)
        guard pace > 0 else { return nil }
        return ContractTimeScale(
            unit: .blocks, secondsPerBlock: pace,
            source: "measured: blocks \(first.number)…\(last.number) in the cache, "
                + "\(Self.format(pace)) s per block")
    }

    /// A contract duration in seconds; nil when blocks have no known pace.
    public func seconds(_ time: ChainTime) -> Double? {
        switch time.unit {
        case .seconds: return Double(time.value)
        case .blocks: return secondsPerBlock.map { Double(time.value) * $0 }
        }
    }

    /// The shortest contract duration in ``unit`` that lasts at least `seconds` (rounded up: a proposed
    /// time must never be shorter than the proof takes).
    public func duration(seconds: Double) -> ChainTime? {
        switch unit {
        case .seconds: return .seconds(BigUInt(max(1, Int64(seconds.rounded(.up)))))
        case .blocks:
            guard let pace = secondsPerBlock, pace > 0 else { return nil }
            return .blocks(BigUInt(max(1, Int64((seconds / pace).rounded(.up)))))
        }
    }

    /// "3600 s (1h)", "480 blocks (≈ 1h 36m)".
    public func display(_ time: ChainTime) -> String {
        guard time.unit == .blocks, let s = seconds(time) else {
            return time.unit == .seconds && time.value >= 60
                ? "\(time) (\(ChainClock.words(seconds: time.value)))" : time.description
        }
        return "\(time) (≈ \(ChainClock.words(seconds: BigUInt(max(0, Int64(s.rounded()))))))"
    }

    static func format(_ value: Double) -> String {
        value == value.rounded() ? String(Int64(value)) : String(format: "%.2f", value)
    }
}

/// "850ms", "1.2s", "3m 5s" (``HumanDuration/milliseconds(_:)``).
public func formatMilliseconds(_ ms: Int64) -> String { HumanDuration.milliseconds(ms) }
