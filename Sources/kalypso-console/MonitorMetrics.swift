import Basics
import Foundation
import KalypsoKit
import Prometheus

/// The `monitor --metrics-file` gauges and counters on swift-prometheus's registry, and the atomic write
/// node_exporter's textfile collector needs (it must never read a half-written file).
final class MonitorMetrics {
    let registry = PrometheusCollectorRegistry()
    let path: String
    private let polls: Counter
    private let pollErrors: Counter
    private let lastPoll: Gauge
    private let block: Gauge
    private let blockTime: Gauge
    private let cacheAge: Gauge
    private let openJobs: Gauge
    private var nextDue: Gauge?
    private var enclaveUp: Gauge?
    private var events: [String: Counter] = [:]
    private var stakeGauges: [String: (total: Gauge, locked: Gauge)] = [:]
    private var claimableGauges: [String: Gauge] = [:]

    /// swift-prometheus splits a name into parts; ours are whole (`kalypso_stake_total_base_units`).
    static func descriptor(_ name: String, _ help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(metricName: name, unitName: "", helpText: help)
    }

    init(path: String) {
        self.path = path
        polls = registry.makeCounter(
            descriptor: Self.descriptor("kalypso_monitor_polls_total", "Polls of the chain cache."))
        pollErrors = registry.makeCounter(
            descriptor: Self.descriptor(
                "kalypso_monitor_poll_errors_total", "Polls that failed (the error is on stderr)."))
        lastPoll = registry.makeGauge(
            descriptor: Self.descriptor(
                "kalypso_monitor_last_poll_timestamp_seconds", "Wall time of the last successful poll."))
        block = registry.makeGauge(
            descriptor: Self.descriptor("kalypso_cache_block", "The last block indexed into the cache."))
        blockTime = registry.makeGauge(
            descriptor: Self.descriptor(
                "kalypso_cache_block_timestamp_seconds", "Chain time of the last indexed block."))
        cacheAge = registry.makeGauge(
            descriptor: Self.descriptor(
                "kalypso_cache_age_seconds", "Seconds between the last indexed block's time and the poll."))
        openJobs = registry.makeGauge(
            descriptor: Self.descriptor(
                "kalypso_jobs_open", "Open jobs assigned to the watched prover (all provers when none)."))
        for kind in MonitorEvent.kinds {
            events[kind] = registry.makeCounter(
                descriptor: Self.descriptor("kalypso_monitor_events_total", "Events the monitor reported, by kind."),
                labels: [("kind", kind)])
        }
    }

    func failedPoll() { pollErrors.increment() }

    /// Sets every gauge from a snapshot and counts its events.
    func record(_ snapshot: MonitorSnapshot, events found: [MonitorEvent], wallNow: Int64) {
        polls.increment()
        lastPoll.set(Double(wallNow))
        block.set(Double(snapshot.block))
        blockTime.set(Double(snapshot.blockTime))
        cacheAge.set(Double(max(0, wallNow - snapshot.blockTime)))
        let open = snapshot.openAssigned
        openJobs.set(Double(open.count))
        let soonest = open.compactMap(\.dueWallTime).min()
        if let soonest {
            let g =
                nextDue
                ?? registry.makeGauge(
                    descriptor: Self.descriptor(
                        "kalypso_job_next_due_seconds",
                        "Seconds until the soonest proof deadline of an open assigned job (negative: overdue)."))
            nextDue = g
            g.set(Double(soonest - snapshot.now))
        } else if let g = nextDue {
            registry.unregisterGauge(g)
            nextDue = nil
        }
        if let reach = snapshot.enclave {
            let g =
                enclaveUp
                ?? registry.makeGauge(
                    descriptor: Self.descriptor(
                        "kalypso_enclave_up", "1 when the enclave's control API answered the last poll."))
            enclaveUp = g
            g.set(reach.isUp ? 1.0 : 0.0)
        }
        for e in found { events[e.kind]?.increment() }
        for (token, s) in snapshot.stake {
            let pair =
                stakeGauges[token]
                ?? (
                    registry.makeGauge(
                        descriptor: Self.descriptor(
                            "kalypso_stake_total_base_units",
                            "The watched prover's stake per token, in the token's base units."),
                        labels: [("token", token)]),
                    registry.makeGauge(
                        descriptor: Self.descriptor(
                            "kalypso_stake_locked_base_units",
                            "Stake locked by active jobs per token, in the token's base units."),
                        labels: [("token", token)])
                )
            stakeGauges[token] = pair
            pair.total.set(Double(s.total) ?? .nan)
            pair.locked.set(Double(s.locked) ?? .nan)
        }
        for (address, amount) in snapshot.claimable {
            let g =
                claimableGauges[address]
                ?? registry.makeGauge(
                    descriptor: Self.descriptor(
                        "kalypso_rewards_claimable_base_units",
                        "Rewards claimable by the reward address, in the payment token's base units."),
                    labels: [("address", address)])
            claimableGauges[address] = g
            g.set(Double(amount) ?? .nan)
        }
    }

    /// Writes the text format to a hidden file beside `path` and renames it over `path`.
    func write() throws {
        let url = URL(fileURLWithPath: path)
        let temporary = url.deletingLastPathComponent()
            .appendingPathComponent(".\(url.lastPathComponent).\(getpid()).tmp")
        do {
            try Data(registry.emitToBuffer()).write(to: temporary)
            guard rename(temporary.path, url.path) == 0 else {
                throw MetricsFileError(path: path, reason: String(cString: strerror(errno)))
            }
        } catch let e as MetricsFileError {
            try? FileManager.default.removeItem(at: temporary)
            throw e
        } catch {
            throw MetricsFileError(path: path, reason: error.localizedDescription)
        }
    }
}

/// The metrics file cannot be written.
struct MetricsFileError: OperatorError {
    let path: String
    let reason: String
    var code: ErrorCode { "monitor.metricsFile" }
    var title: String { "Cannot write the metrics file" }
    var detail: String { "\(path): \(reason)" }
    var hint: String {
        "Check that the folder exists and is writable (node_exporter's --collector.textfile.directory)."
    }
    var category: ErrorCategory { .configuration }
}
