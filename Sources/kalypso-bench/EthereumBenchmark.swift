import ArgumentParser
import BigInt
import EthereumKit
import Foundation

/// `kalypso-bench ethereum`: Keccak-256 throughput, sign+recover and type-2 signing rates beside the
/// Python reference (Benchmarks/core_reference.py, eth-hash / eth-account 0.14) run in the same process tree.
struct EthereumBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ethereum",
        abstract: "Keccak-256 MB/s, signatures/s and type-2 transaction signing/s, with the Python reference.")

    @Option(help: "Seconds per measurement.")
    var seconds: Double = 1.0

    @Option(help: "Repository root (holds .venv and Benchmarks/); default: found from the current directory.")
    var repo: String?

    @Flag(help: "Skip the Python reference.")
    var noPython = false

    mutating func run() throws {
        #if DEBUG
            print("warning: debug build; figures are only meaningful with `swift build -c release`")
        #endif
        let budget = seconds
        let mib = 1 << 20
        let big = (0..<mib).map { UInt8(truncatingIfNeeded: $0 * 7 + 3) }
        let small = Array(big[0..<64])
        var sink: UInt8 = 0

        let keccakMB =
            Self.rate(seconds: budget, work: Double(mib)) {
                sink ^= Keccak256.hash(big)[0]
            } / 1e6
        let keccakSmall = Self.rate(seconds: budget, work: 1) { sink ^= Keccak256.hash(small)[0] }

        let key = try PrivateKey(hex: "0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318")
        let digests = (0..<1024).map { Keccak256.hash(withUnsafeBytes(of: UInt32($0).bigEndian) { Array($0) }) }
        var i = 0
        var failures = 0
        let signRecover = Self.rate(seconds: budget, work: 1) {
            let d = digests[i % 1024]
            i += 1
            do {
                let sig = try key.sign(digest: d)
                if try Secp256k1.recover(digest: d, signature: sig) != key.address { failures += 1 }
            } catch {
                failures += 1
            }
        }

        let to = try Address("0x4743a2c7a96C9FBED8b7eAD980aD01822F9711Db")
        let data = [UInt8]((0..<768).map { UInt8(truncatingIfNeeded: $0) })
        var nonce: UInt64 = 0
        let type2 = Self.rate(seconds: budget, work: 1) {
            nonce += 1
            do {
                let tx = try EIP1559Transaction(
                    chainId: 42161, nonce: nonce, maxPriorityFeePerGas: 0, maxFeePerGas: 100_000_000,
                    gasLimit: 500_000, to: to, value: 0, data: data)
                sink ^= tx.sign(with: key).rawBytes[0]
            } catch {
                failures += 1  // a nonce of 2^64-1 cannot come from this counter
            }
        }
        guard failures == 0 else { throw ValidationError("sign/recover mismatched \(failures) times") }

        var python: [String: Double]? = nil
        var pythonNote = "skipped (--no-python)"
        if !noPython {
            do {
                python = try Self.runPython(repo: try repo ?? Self.findRepo(), seconds: budget)
            } catch {
                pythonNote = "not run: \(error)"
            }
        }

        print("kalypso-bench ethereum (\(budget) CPU-s per figure, sink \(sink))")
        print(Self.row("measure", "swift", "python", "ratio"))
        func line(_ name: String, _ swift: Double, _ key: String, unit: String) {
            let p = python?[key]
            let ratio = p.map { String(format: "%.1fx", swift / $0) } ?? "-"
            print(Self.row(name, Self.fmt(swift, unit), p.map { Self.fmt($0, unit) } ?? "-", ratio))
        }
        line("keccak256 1 MiB", keccakMB, "keccak_mb_per_s", unit: "MB/s")
        line("keccak256 64 B", keccakSmall, "keccak_64b_per_s", unit: "hash/s")
        line("sign + recover", signRecover, "sign_recover_per_s", unit: "op/s")
        line("type-2 tx sign", type2, "type2_sign_per_s", unit: "tx/s")
        if let p = python?["keccak_pycryptodome_mb_per_s"] {
            print("(python keccak: eth-hash backend; pycryptodome directly: \(Self.fmt(p, "MB/s")))")
        }
        if python == nil { print("python reference: \(pythonNote)") }
    }

    /// Work per CPU second of this process: the best of five slices of `seconds / 5` each.
    ///
    /// CPU time rather than wall time, and the best slice rather than the mean, because the machine is
    /// shared: neighbours only ever slow a slice down (cache and SMT contention). The Python reference
    /// measures the same way.
    static func rate(seconds: Double, work: Double, _ body: () -> Void) -> Double {
        body()  // warm up
        var best = 0.0
        for _ in 0..<5 {
            // Reading the process CPU clock is a system call (~0.3 µs), so read it once per batch.
            let start = cpuSeconds()
            var count = 0
            var batch = 1
            var elapsed = 0.0
            repeat {
                for _ in 0..<batch { body() }
                count += batch
                elapsed = cpuSeconds() - start
                if elapsed < seconds / 250 { batch *= 2 }
            } while elapsed < seconds / 5
            best = max(best, Double(count) * work / elapsed)
        }
        return best
    }

    static func cpuSeconds() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
    }

    static func fmt(_ v: Double, _ unit: String) -> String {
        v >= 1000 ? String(format: "%.0f %@", v, unit) : String(format: "%.1f %@", v, unit)
    }

    static func row(_ a: String, _ b: String, _ c: String, _ d: String) -> String {
        func pad(_ s: String, _ n: Int) -> String { s.count >= n ? s : s + String(repeating: " ", count: n - s.count) }
        return pad(a, 18) + pad(b, 18) + pad(c, 18) + d
    }

    /// The folder holding Package.swift and Benchmarks/, searched upwards from the current directory.
    static func findRepo() throws -> String {
        var url = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        while url.path != "/" {
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("Benchmarks/core_reference.py").path) {
                return url.path
            }
            url.deleteLastPathComponent()
        }
        throw ValidationError(
            "cannot find the repository (Benchmarks/core_reference.py); run from the repo or pass --repo")
    }

    static func runPython(repo: String, seconds: Double) throws -> [String: Double] {
        let python = repo + "/.venv/bin/python"
        guard FileManager.default.isExecutableFile(atPath: python) else {
            throw ValidationError("no venv at \(python); run scripts/setup.sh")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [repo + "/Benchmarks/core_reference.py", String(seconds)]
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw ValidationError("core_reference.py exited with status \(process.terminationStatus)")
        }
        guard let json = try JSONSerialization.jsonObject(with: data) as? [String: Double] else {
            throw ValidationError("core_reference.py printed no JSON object of numbers")
        }
        return json
    }
}
