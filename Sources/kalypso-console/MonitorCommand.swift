import ArgumentParser
import Basics
import EthereumKit
import Foundation
import KalypsoKit
import KalypsoStore

/// `monitor`: polls the chain cache and reports what changed, as lines (`--plain`), JSON lines (`--json`)
/// and a Prometheus text file (`--metrics-file`), for days, holding only open jobs and the last poll.
struct MonitorCommand: AsyncParsableCommand, GlobalOptionsCommand {
    static let globalFlags: Set<String> = ["--json", "--read-only"]
    static let globalOptions: Set<String> = ["--config", "--network", "--database"]

    static let configuration = CommandConfiguration(
        commandName: "monitor",
        abstract: "Watch jobs, deadlines, proofs, slashes, stake and the enclave; print events and keep metrics.",
        discussion: """
            Reads the local chain cache each --interval. With --refresh it syncs the cache from the chain first \
            (one process may do that); without it, it reads a cache another process (the console, or another \
            monitor --refresh) keeps current. Events: new job, deadline near, proof done, deadline missed, slashed, job ended, \
            stake change, enclave down/up. With neither --plain, --json (one object per line) nor --metrics-file, --plain \
            is implied. It loads no key and sends nothing, so it takes none of the key or sending options.
            """)

    @OptionGroup var options: MonitorOptions

    @Flag(help: "Print one line per event, with a UTC timestamp (for logs and screen readers).")
    var plain = false

    @Option(help: "Keep a Prometheus text-format file current here (written atomically by rename).")
    var metricsFile: String?

    @Option(help: "Time between polls: seconds (15, 0.3) or with a unit (500ms, 5s, 2m).")
    var interval = SecondsArgument(seconds: 15)

    @Option(help: "Report a deadline this long before it is due: seconds (600) or with a unit (10m, 1h).")
    var deadlineLead = SecondsArgument(seconds: 600)

    @Option(help: "The prover to watch (default: the configured operator; none: every job).")
    var prover: String?

    @Flag(help: "Do not check whether the configured enclave answers.")
    var noEnclave = false

    /// Test knob: stop after this many polls.
    @Option(help: .hidden) var polls: Int?

    func validate() throws {
        guard interval.seconds >= 0.05 else {
            throw ValidationError("--interval must be at least 50ms (got \(interval))")
        }
        if let polls, polls < 1 { throw ValidationError("--polls must be at least 1") }
    }

    func run() async throws {
        let (config, path) = try options.location()
        let cache: ChainCache
        let sync: ChainSync?
        if options.refresh {
            cache = ChainCache(database: try KalypsoDatabase(path: path))
            sync = try ChainSync.make(config: config, cache: cache)
        } else {
            cache = try ChainCache(readerPath: path)
            sync = nil
        }
        let watched: String?
        if let prover {
            do {
                watched = Hex.encode(try Address(prover).bytes)
            } catch {
                throw InvalidOptionValue(option: "--prover", command: "kalypso-console monitor", underlying: error)
            }
        } else {
            watched = config.operatorAddress.map { Hex.encode($0.bytes) }
        }
        let probe = noEnclave ? nil : config.generatorEnclave?.url.map { EnclaveProbe(url: $0.url) }
        let metrics = metricsFile.map { MonitorMetrics(path: $0) }
        let printLines = plain || options.json == false && metricsFile == nil
        let out = MonitorOutput(json: options.json, lines: printLines)
        out.note(
            "monitoring "
                + (watched.flatMap { try? Address($0) }.map { "prover \($0.checksummed)" }
                    ?? "every job (no operator configured)")
                + (sync == nil ? "; reading the cache only (add --refresh to sync it here)" : "; syncing the cache")
                + (probe == nil ? "" : "; enclave checked each poll"))
        var previous: MonitorSnapshot?
        var units = MonitorUnits(payment: config.contracts.paymentToken.map { Hex.encode($0.bytes) })
        var network: Int64?
        var count = 0
        while true {
            count += 1
            do {
                if let sync { try await sync.run() }
                if network == nil {
                    network = try cache.existingNetworkId(for: try ChainSync.cacheKey(config: config))
                }
                let reach = await probe?.check()
                let wall = Int64(Date().timeIntervalSince1970)
                if let network,
                    let snapshot = try MonitorReader(
                        cache: cache, network: network, prover: watched, chainId: Int64(config.chainId ?? 0)
                    ).read(previous: previous, now: wall, enclave: reach)
                {
                    let events = MonitorEvents.diff(
                        from: previous, to: snapshot, deadlineLead: Int64(deadlineLead.seconds.rounded()))
                    if !events.isEmpty {
                        units = await Self.units(config: config, path: path, stake: snapshot.stake.keys, known: units)
                    }
                    for e in events { out.event(e, at: wall, units: units) }
                    metrics?.record(snapshot, events: events, wallNow: wall)
                    previous = snapshot
                } else if count == 1 {
                    out.error(CacheEmptyError(path: path))
                }
            } catch {
                metrics?.failedPoll()
                if !Self.isBusy(error) { out.error(error) }
            }
            try metrics?.write()
            if let polls, count >= polls { return }
            try await Task.sleep(for: .milliseconds(Int64(interval.seconds * 1000)))
        }
    }

    /// The symbols and decimals of the payment token and the stake tokens: from the file beside the cache, the
    /// chain asked only for a token not seen before.
    static func units(
        config: KalypsoConfig, path: String, stake: Dictionary<String, MonitorStake>.Keys, known: MonitorUnits
    ) async -> MonitorUnits {
        let wanted = Set(stake).union([known.payment].compactMap { $0 })
        guard !wanted.isSubset(of: known.tokens.keys), let chainId = config.chainId else { return known }
        let client =
            config.rpcHttp.isEmpty
            ? nil
            : JSONRPCClient(urls: config.rpcHttp.map(\.url), options: JSONRPCClientOptions(expectedChainId: chainId))
        let found = await TokenDirectory(databasePath: path, chainId: chainId).info(
            for: wanted.compactMap { try? Address($0) }, client: client)
        var units = known
        for (a, i) in found { units.tokens[Hex.encode(a.bytes)] = i }
        return units
    }

    /// Another process held the write lock past the busy timeout: the next poll tries again, and the
    /// operator is not told about a lock they cannot act on.
    static func isBusy(_ error: any Error) -> Bool {
        guard let e = error as? StoreError else { return false }
        return e.reason.contains("database is locked") || e.reason.contains("SQLITE_BUSY")
    }
}

/// The options `monitor` uses: where the configuration and the cache are, `--json`, `--refresh`, and
/// `--read-only` (accepted so a read-only teammate's command lines work; the monitor never loads a key).
struct MonitorOptions: ParsableArguments, ConfigLocation {
    @Option(help: OperatorOptions.configHelp) var config: String?

    @Option(help: OperatorOptions.networkHelp) var network: String?

    @Option(help: OperatorOptions.databaseHelp) var database: String?

    @Flag(help: "Print one JSON object per event, one per line.")
    var json = false

    @Flag(
        help: "Sync the cache from the chain each poll (from logStartBlock the first time, then from where it stopped)."
    )
    var refresh = false

    @Flag(
        name: .customLong("read-only"),
        help: "Accepted for the same command lines as the console: the monitor never loads a key.")
    var readOnly = false
}

/// Where the monitor's lines go: stdout unbuffered (a log pipe sees each event as it happens).
struct MonitorOutput {
    let json: Bool
    let lines: Bool

    func event(_ e: MonitorEvent, at wall: Int64, units: MonitorUnits) {
        if json {
            var o = e.fields
            o["time"] = MonitorEvent.iso(wall)
            o["text"] = e.text(units: units)
            write(Self.compact(o))
        } else if lines {
            write("\(MonitorEvent.iso(wall)) \(e.text(units: units))")
        }
    }

    func note(_ text: String) {
        if lines && !json { write("\(MonitorEvent.iso(Int64(Date().timeIntervalSince1970))) \(text)") }
    }

    /// A poll that failed: the same words as any command's error, on stderr, and the monitor goes on.
    func error(_ error: any Error) {
        let report = ErrorReport(error)
        let stamp = MonitorEvent.iso(Int64(Date().timeIntervalSince1970))
        FileHandle.standardError.write(Data((stamp + " " + report.text + "\n").utf8))
    }

    func write(_ line: String) { FileHandle.standardOutput.write(Data((line + "\n").utf8)) }

    static func compact(_ o: [String: Any]) -> String {
        guard let data = try? JSONSerialization.data(withJSONObject: o, options: [.sortedKeys]) else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }
}
