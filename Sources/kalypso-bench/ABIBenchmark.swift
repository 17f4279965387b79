import ArgumentParser
import EthereumKit
import Foundation

/// `kalypso-bench abi`: encode/decode rate of ProverManager.joinMarketplace beside eth-abi 6.0.0.
struct ABIBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "abi",
        abstract:
            "ABI encode/decode of joinMarketplace (704-byte attestation) vs eth-abi (Benchmarks/abi_reference.py).")

    @Option(help: "Seconds per measurement.") var seconds: Double = 2

    @Option(help: "Python of the project venv.") var python = ".venv/bin/python"

    @Option(help: "The eth-abi reference script.") var reference = "Benchmarks/abi_reference.py"

    @Flag(help: "Skip the Python reference.") var swiftOnly = false

    struct Reference: Decodable {
        let encodes_per_s: Double
        let decodes_per_s: Double
        let calldata: String
    }

    func run() throws {
        let join = ABIFunction(
            name: "joinMarketplace",
            inputs: ["_marketId", "_computePerRequestRequired", "_proofGenerationCost", "_proposedTime", "_commission"]
                .map { ABIParameter(name: $0, type: .uint256) }
                + [
                    ABIParameter(name: "_updateMarketDedicatedKey", type: .bool),
                    ABIParameter(name: "_attestationData", type: .bytes),
                    ABIParameter(name: "_enclaveSignature", type: .bytes),
                ])
        let sig: [UInt8] = (0..<64).map { UInt8(($0 * 7 + 1) % 256) } + [0x1c]
        let pubkey: [UInt8] = (0..<64).map { UInt8(($0 * 3 + 5) % 256) }
        let blob = try ABI.encode(
            [.bytes, .bytes, .bytes, .bytes, .bytes, .uint256],
            [
                .bytes(sig), .bytes(pubkey), .bytes([UInt8](repeating: 0xa0, count: 48)),
                .bytes([UInt8](repeating: 0xa1, count: 48)), .bytes((0..<48).map { UInt8($0) }),
                .uint(1_712_471_793_488),
            ])
        let enclaveSig: [UInt8] = (0..<64).map { UInt8(($0 * 11) % 256) } + [0x1b]
        let args: [ABIValue] = [
            .uint(1), .uint(10), .uint(1_000_000_000_000_000_000), .uint(3600), .uint(100_000_000_000_000_000),
            .bool(true),
            .bytes(blob), .bytes(enclaveSig),
        ]
        let calldata = try join.encodeCall(args)
        guard try join.decodeCall(calldata).values == args else { throw ValidationError("decode(encode(x)) != x") }

        var sink = 0
        let encodeRate = try Self.rate(seconds: seconds) { sink &+= try join.encodeCall(args).count }
        let decodeRate = try Self.rate(seconds: seconds) { sink &+= try join.decodeCall(calldata).count }

        print(
            "joinMarketplace(uint256,uint256,uint256,uint256,uint256,bool,bytes,bytes): \(calldata.count) bytes of calldata, \(blob.count)-byte attestation"
        )
        print(String(format: "Swift EthereumKit   encode %12.0f /s   decode %12.0f /s", encodeRate, decodeRate))
        if swiftOnly {
            print("(sink \(sink % 10))")
            return
        }
        let ref = try runReference()
        guard ref.calldata == Hex.encode(calldata) else {
            throw ValidationError("eth-abi produced different calldata:\n\(ref.calldata)\n\(Hex.encode(calldata))")
        }
        print(
            String(
                format: "Python eth-abi 6.0.0 encode %11.0f /s   decode %12.0f /s", ref.encodes_per_s, ref.decodes_per_s
            ))
        print(
            String(
                format: "ratio (Swift/eth-abi) encode %10.1fx   decode %11.1fx   (identical calldata; sink %d)",
                encodeRate / ref.encodes_per_s, decodeRate / ref.decodes_per_s, sink % 10))
    }

    /// Runs `body` in batches until `seconds` have passed; returns calls per second.
    static func rate(seconds: Double, _ body: () throws -> Void) throws -> Double {
        let clock = ContinuousClock()
        let start = clock.now
        var n = 0
        while true {
            for _ in 0..<256 { try body() }
            n += 256
            let elapsed = start.duration(to: clock.now)
            let s = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            if s >= seconds { return Double(n) / s }
        }
    }

    func runReference() throws -> Reference {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [reference, String(seconds)]
        let out = Pipe()
        process.standardOutput = out
        do { try process.run() } catch {
            throw ValidationError(
                "cannot start \(python) \(reference) (run from the repository root after scripts/setup.sh): \(error)")
        }
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw ValidationError("\(reference) exited with status \(process.terminationStatus)")
        }
        do { return try JSONDecoder().decode(Reference.self, from: data) } catch {
            throw ValidationError("\(reference) printed unexpected output: \(String(decoding: data, as: UTF8.self))")
        }
    }
}
