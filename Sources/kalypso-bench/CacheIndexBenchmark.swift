import ArgumentParser
import Dispatch
import EthereumKit
import Foundation
import KalypsoKit
import KalypsoStore

/// `kalypso-bench cache-index`: client CPU seconds to index N events into SQLite, beside a Python baseline
/// (eth_getLogs + eth-abi + sqlite3, Benchmarks/cache_index_reference.py) reading the same node.
struct CacheIndexBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cache-index",
        abstract: "CPU seconds to index N TaskCreated logs from a devnet node into SQLite, vs Python.")

    @Option(help: "Events to emit and index.") var events = 100_000
    @Option(help: "Python of the project venv.") var python = ".venv/bin/python"
    @Option(help: "The helper and baseline script.") var reference = "Benchmarks/cache_index_reference.py"
    @Option(help: "A running devnet node (default: start one).") var rpc: String?

    struct Prepared: Decodable {
        let address: String
        let fromBlock: UInt64
        let toBlock: UInt64
    }

    struct Baseline: Decodable {
        let cpuSeconds: Double
        let events: Int
    }

    func run() throws {
        var node: Process?
        let url: String
        if let rpc {
            url = rpc
        } else {
            let (process, started) = try Self.startNode(python: python)
            node = process
            url = started
        }
        defer { node?.terminate() }
        print("node \(url); emitting \(events) events (node time, not measured)…")
        let prepared = try JSONDecoder().decode(
            Prepared.self, from: Data(try Self.capture([python, reference, "prepare", url, String(events)]).utf8))

        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("kalypso-bench-index-\(getpid())").path
        try? FileManager.default.removeItem(atPath: dir)
        let ours = try Self.measureSwift(url: url, prepared: prepared, path: dir + "/swift.sqlite")
        let baseline = try JSONDecoder().decode(
            Baseline.self,
            from: Data(
                try Self.capture([
                    python, reference, "index", url, prepared.address, String(prepared.fromBlock),
                    String(prepared.toBlock), dir + "/python.sqlite",
                ]).utf8))
        guard ours.events == events, baseline.events == events else {
            throw ValidationError("indexed \(ours.events) (swift) and \(baseline.events) (python), expected \(events)")
        }
        print("client CPU (user + sys) to index \(events) events:")
        print(String(format: "  swift  %6.2f s", ours.cpu))
        print(String(format: "  python %6.2f s", baseline.cpuSeconds))
        print(String(format: "  ratio  %6.3f (swift / python; goal ≤ 0.1)", ours.cpu / baseline.cpuSeconds))
    }

    static func cpuSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6 + Double(usage.ru_stime.tv_sec)
            + Double(usage.ru_stime.tv_usec) / 1e6
    }

    /// One-shot sync of the emitter's logs, events only (the work the baseline does).
    static func measureSwift(url: String, prepared: Prepared, path: String) throws -> (cpu: Double, events: Int) {
        guard let endpoint = URL(string: url) else { throw ValidationError("bad URL \(url)") }
        let emitter = try Address(prepared.address)
        let contracts = try SyncContracts(
            generation: .b, addresses: [.proofMarketplace: emitter, .registry: Address.zero])
        let cache = ChainCache(database: try KalypsoDatabase(path: path))
        var options = SyncOptions()
        options.readGetters = false
        options.initialRange = 10_000
        let sync = try ChainSync(
            // A 10,000-block window of this emitter holds tens of thousands of logs: the devnet node (Python) takes
            // many seconds to answer it on a loaded machine, which is node time, not the client's.
            chain: RPCSyncChain(
                client: JSONRPCClient(
                    urls: [endpoint],
                    options: JSONRPCClientOptions(attemptTimeout: .seconds(600), totalTimeout: .seconds(1_800)))),
            cache: cache, contracts: contracts,
            chainId: 31337, startBlock: prepared.fromBlock, operatorAddress: nil, options: options)
        let box = ResultBox()
        let done = DispatchSemaphore(value: 0)
        let start = cpuSeconds()
        Task {
            do { box.set(.success(try await sync.run().logsIndexed)) } catch { box.set(.failure(error)) }
            done.signal()
        }
        done.wait()
        let cpu = cpuSeconds() - start
        return (cpu, try box.get())
    }

    static func startNode(python: String) throws -> (Process, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = ["-m", "kalypso_devnet.node", "--port", "0"]
        process.currentDirectoryURL = URL(fileURLWithPath: "devnet")
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        var line = Data()
        while !line.contains(0x0a) {
            let chunk = pipe.fileHandleForReading.availableData
            if chunk.isEmpty { throw ValidationError("the devnet node exited before it listened") }
            line += chunk
        }
        let text = String(decoding: line, as: UTF8.self)
        guard let range = text.range(of: #"http://[0-9.:]+"#, options: .regularExpression) else {
            throw ValidationError("unexpected node banner: \(text)")
        }
        return (process, String(text[range]))
    }

    static func capture(_ argv: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: argv[0])
        process.arguments = Array(argv.dropFirst())
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw ValidationError("\(argv[1...3]) failed") }
        return String(decoding: data, as: UTF8.self)
    }
}

/// Carries the sync's result out of its task to the waiting command.
final class ResultBox: @unchecked Sendable {
    private let lock = NSLock()
    private var result: Result<Int, any Error>?
    func set(_ value: Result<Int, any Error>) { lock.withLock { result = value } }
    func get() throws -> Int {
        guard let result = lock.withLock({ result }) else { throw ValidationError("the sync did not finish") }
        return try result.get()
    }
}
