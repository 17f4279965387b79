import EthereumKit
import Foundation
import KalypsoKit
import KalypsoStore
import TestSupport
import Testing

/// `monitor` over a day of devnet time (the scenario's steps with the chain clock moved an hour after each):
/// one monitor syncs the cache, another only reads it; both report every new job, proof and slash of a
/// watched prover that the chain shows (no more, no fewer), the enclave going down and up, keep a metrics
/// file that prometheus_client's parser accepts at every look, and hold their memory flat.
@Suite(.serialized) struct MonitorSoakTests {
    static let devnet = SharedDevnet {
        try await DevnetNetwork.start(generation: "B", seed: true, arguments: ["--rounds", "2"])
    }
    /// Dev account #3, one of the scenario's other provers: it gets jobs, proves most, is slashed for some.
    static let watched = "0x90F79bf6EB2c4f870365E785982E1f101E93b906"

    static func temporary(_ name: String) -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent(
            "ks-monitor-\(getpid())-\(UUID().uuidString.prefix(8))")
        try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir.appendingPathComponent(name).path
    }

    /// VmRSS of a process in KiB.
    static func rss(_ pid: pid_t) -> Int? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix("VmRSS:") {
            return Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "")
        }
        return nil
    }

    struct Families: Decodable {
        struct Family: Decodable {
            let type: String
            let help: String
            let samples: [Sample]
        }
        struct Sample: Decodable {
            let name: String
            let labels: [String: String]
            let value: Double?
            init(from decoder: any Decoder) throws {
                var c = try decoder.unkeyedContainer()
                name = try c.decode(String.self)
                labels = try c.decode([String: String].self)
                value = try c.decodeIfPresent(Double.self)
            }
        }
        let families: [String: Family]

        func value(_ name: String, _ labels: [String: String] = [:]) -> Double? {
            families.values.flatMap(\.samples).first { $0.name == name && $0.labels == labels }?.value
        }
    }

    static func parseMetrics(_ path: String) throws -> Families {
        try Python.json(Families.self, script: "Tests/KalypsoKitTests/Monitor/check_metrics.py", arguments: [path])
    }

    /// The JSON event lines of a monitor's log.
    static func events(_ log: String) throws -> [[String: Any]] {
        try log.split(separator: "\n").filter { $0.hasPrefix("{") }.map {
            guard let o = try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] else {
                throw DevnetError("not an object: \($0)")
            }
            return o
        }
    }

    static func jobIds(_ events: [[String: Any]], kind: String) -> [Int64] {
        events.filter { $0["kind"] as? String == kind }.compactMap {
            (($0["job"] as? [String: Any])?["id"] as? NSNumber)?.int64Value ?? ($0["jobId"] as? NSNumber)?.int64Value
        }
    }

    @Test(.timeLimit(.minutes(20)))
    func aDayOfDevnetTimeIsReportedCompletelyWithFlatMemoryAndValidMetrics() async throws {
        let net = try await Self.devnet.get()
        let database = Self.temporary("kalypso.sqlite")
        let metrics = Self.temporary("kalypso.prom")
        let common = [
            "monitor", "--config", net.configPath, "--database", database, "--prover", Self.watched, "--json",
            "--interval", "0.3", "--deadline-lead", "1800",
        ]
        let syncing = try BackgroundProcess(
            argv: [RepoPaths.consoleBinary] + common + ["--refresh", "--metrics-file", metrics],
            label: "monitor-sync")
        defer { syncing.stop() }
        // Baseline: the monitor's first poll has synced to the idle chain's head.
        let head = Int64(try await net.rpc.blockNumber())
        _ = try await syncing.wait(for: "the first metrics file", timeout: 180, poll: 0.2) {
            FileManager.default.fileExists(atPath: metrics)
                ? (try? Self.parseMetrics(metrics)).flatMap { $0.value("kalypso_cache_block") }
                    .flatMap { Int64($0) >= head ? true : nil } : nil
        }
        let reading = try BackgroundProcess(
            argv: [RepoPaths.consoleBinary] + common + ["--no-enclave"], label: "monitor-read")
        defer { reading.stop() }
        try await Task.sleep(for: .seconds(2))
        let base = Int64(try await net.rpc.blockNumber())
        #expect(base == head, "the chain moved before the driver started")

        let driver = try BackgroundProcess(
            argv: [
                RepoPaths.python, RepoPaths.path("Tests/KalypsoKitTests/Monitor/soak_driver.py"),
                net.runDirectory + "/devnet.json", "24", "3600", "0.4",
            ], label: "soak-driver")
        defer { driver.stop() }
        var samples: [Int] = []
        var looks = 0
        var enclaveToggled = false
        let started = Date()
        while driver.exited == nil {
            if let kb = Self.rss(syncing.pid) { samples.append(kb) }
            if samples.count % 10 == 0 {
                _ = try Self.parseMetrics(metrics)  // throws when the file does not parse: a half-written file
                looks += 1
            }
            if !enclaveToggled && Date().timeIntervalSince(started) > 8 {
                enclaveToggled = true
                let ctl = RepoPaths.path("devnet/ctl")
                let control = net.enclaveURLs["control"] ?? ""
                let down = try runProcess([ctl, "--control", control, "refuse", "generator"])
                #expect(down.succeeded, "\(down.output)")
                // Down until the syncing monitor has said so (a poll can take seconds on a loaded machine: a
                // fixed two-second outage was missed once), then up again.
                _ = try await syncing.wait(for: "the monitor to report the enclave down", timeout: 60, poll: 0.2) {
                    syncing.log.contains("\"enclave_down\"") ? true : nil
                }
                let up = try runProcess([ctl, "--control", control, "resume", "generator"])
                #expect(up.succeeded, "\(up.output)")
            }
            try await Task.sleep(for: .milliseconds(500))
        }
        #expect(driver.exited == 0, "\(driver.log.suffix(3000))")
        let end = Int64(try await net.rpc.blockNumber())
        for p in [syncing, reading] {
            _ = try await p.wait(for: "the monitors catch up", timeout: 120, poll: 0.3) {
                (try? Self.parseMetrics(metrics)).flatMap { $0.value("kalypso_cache_block") }
                    .flatMap { Int64($0) >= end ? true : nil }
            }
        }
        try await Task.sleep(for: .seconds(2))  // one more poll of the reader after the writer's last range
        syncing.stop()
        reading.stop()

        // Truth: a fresh sync of the whole chain.
        let (cache, network, _) = try await SyncDevnet.syncFresh(try SyncDevnet.config(net))
        let me = Self.watched.lowercased()
        let jobs = try cache.jobs(network: network).filter { $0.prover == me }
        let assigned = Set(jobs.filter { ($0.assignedBlock ?? 0) > base }.map(\.jobId))
        let proved = Set(jobs.filter { $0.outcome == .proved && ($0.outcomeBlock ?? 0) > base }.map(\.jobId))
        let missed = Set(jobs.filter { $0.outcome == .notGenerated && ($0.outcomeBlock ?? 0) > base }.map(\.jobId))
        let slashes = try cache.stakeEvents(network: network, prover: me, since: base).filter { $0.kind == .slashed }
        #expect(!assigned.isEmpty && !proved.isEmpty && !slashes.isEmpty, "the day had jobs, proofs and slashes")

        for (label, p) in [("syncing", syncing), ("reading", reading)] {
            let log = p.log
            let events = try Self.events(log)
            #expect(!log.contains("database is locked"), "\(label): \(log.suffix(2000))")
            #expect(Set(Self.jobIds(events, kind: "new_job")) == assigned, "\(label) new jobs")
            #expect(Self.jobIds(events, kind: "new_job").count == assigned.count, "\(label): a job reported twice")
            #expect(Set(Self.jobIds(events, kind: "proof_done")) == proved, "\(label) proofs")
            #expect(Self.jobIds(events, kind: "proof_done").count == proved.count, "\(label): a proof twice")
            #expect(Set(Self.jobIds(events, kind: "deadline_missed")) == missed, "\(label) missed deadlines")
            #expect(Self.jobIds(events, kind: "deadline_missed").count == missed.count, "\(label): a miss twice")
            let slashed = events.filter { $0["kind"] as? String == "slashed" }
            #expect(slashed.count == slashes.count, "\(label) slashes")
            #expect(
                Set(slashed.compactMap { ($0["jobId"] as? NSNumber)?.int64Value }) == Set(slashes.compactMap(\.jobId)))
            #expect(events.contains { $0["kind"] as? String == "stake_change" }, "\(label): stake changed")
            let near = Self.jobIds(events, kind: "deadline_near")
            #expect(near.count == Set(near).count, "\(label): a deadline reported twice")
        }
        let kinds = try Self.events(syncing.log).compactMap { $0["kind"] as? String }
        #expect(kinds.contains("enclave_down") && kinds.contains("enclave_up"), "\(kinds)")

        // The metrics file after the last poll: parses, and its counters equal the events printed.
        let final = try Self.parseMetrics(metrics)
        #expect(looks >= 3)
        for kind in ["new_job", "proof_done", "deadline_missed", "slashed", "enclave_down"] {
            #expect(
                final.value("kalypso_monitor_events_total", ["kind": kind])
                    == Double(kinds.filter { $0 == kind }.count), "\(kind)")
        }
        #expect(final.value("kalypso_enclave_up") == 1)
        #expect(final.families["kalypso_stake_total_base_units"]?.type == "gauge")

        // Memory: after warming up, the last third of the run holds no more than the first third did, plus
        // allocator slack (a leak of per-poll state would grow with the ~200 polls).
        #expect(samples.count >= 30, "\(samples.count) RSS samples")
        let third = samples.count / 3
        let early = samples[third / 2..<third].max() ?? 0
        let late = samples[(2 * third)...].max() ?? 0
        #expect(late <= early + early / 5 + 4_096, "RSS KiB early \(early), late \(late): \(samples)")
    }
}
