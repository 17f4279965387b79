import Basics
import EthereumKit
import Foundation
import Testing

@testable import KalypsoKit

/// A chain of fixed answers (the test double of ``ChainProbe``).
struct FakeChain: ChainProbe {
    struct Down: OperatorError {
        var code: ErrorCode { "test.down" }
        var title: String { "Connection refused" }
        var detail: String { "http://user:hunter2hunter2hunter2hunter2@10.0.0.1:8545/ did not answer" }
        var hint: String { "" }
        var category: ErrorCategory { .unreachable }
    }
    var id: UInt64 = 31337
    var codes: [Address: Int] = [:]
    /// Return data by (address, selector hex); anything else reverts with empty data.
    var calls: [String: [UInt8]] = [:]
    var reachable = true

    func chainId() async throws -> UInt64 {
        guard reachable else { throw Down() }
        return id
    }
    func code(at address: Address) async throws -> [UInt8] {
        [UInt8](repeating: 0x60, count: codes[address] ?? 0)
    }
    func call(to address: Address, data: [UInt8]) async throws -> CallOutcome {
        if let r = calls[address.checksummed + Hex.encode(data)] { return .returned(r) }
        return .reverted([])
    }
}

/// Endpoints that answer with a status, or not at all.
struct FakeEndpoints: EndpointProbe {
    var answering: [String: Int]
    struct Refused: Error, CustomStringConvertible { var description: String { "connection refused" } }
    func httpStatus(_ url: URL) async throws -> Int {
        guard let s = answering[url.absoluteString] else { throw Refused() }
        return s
    }
}

private let pmp = (try? Address("0x09635F643e140090A9A8Dcd712eD6285858ceBef")) ?? .zero
private let manager = (try? Address("0xa85233C63b9Ee964Add6F2cffe00Fd84eb32338f")) ?? .zero
private let registry = (try? Address("0xDc64a140Aa3E981100a9becA4E685f962f0cF6C9")) ?? .zero

private func word(_ a: Address) -> [UInt8] { [UInt8](repeating: 0, count: 12) + a.bytes }

private func config(generation: Generation?) throws -> KalypsoConfig {
    try ConfigParser.parse(
        """
        {
          "chainId": 31337,
          "rpcHttp": ["http://127.0.0.1:8545", "https://rpc.example/v2/AbCdEf0123456789xYz_AbCd"],
          \(generation.map { "\"generation\": \"\($0.rawValue)\"," } ?? "")
          "proof_market_place": "0x09635F643e140090A9A8Dcd712eD6285858ceBef",
          "generator_registry": "0xa85233C63b9Ee964Add6F2cffe00Fd84eb32338f",
          "entity_registry": "0xDc64a140Aa3E981100a9becA4E685f962f0cF6C9",
          "generatorEnclave": { "url": "http://127.0.0.1:5000", "utilityUrl": "http://127.0.0.1:1500" },
          "checkInputUrl": "http://not_available"
        }
        """, file: "k.json")
}

@Suite("Config: generation detection and config check probes")
struct ConfigCheckTests {
    @Test("selectors match abi/selectors.md")
    func selectors() {
        #expect(Hex.encode(GenerationDetector.proverManagerSelector) == "0x23f9b902")
        #expect(Hex.encode(GenerationDetector.generatorRegistrySelector) == "0x9751bbd3")
    }

    @Test("B when proverManager() answers, A when only GENERATOR_REGISTRY() does, an error when neither")
    func detection() async throws {
        var b = FakeChain()
        b.calls[pmp.checksummed + "0x23f9b902"] = word(manager)
        let foundB = try await GenerationDetector.detect(marketplace: pmp, probe: b)
        #expect(foundB.generation == .b)
        #expect(foundB.description == "Generation B (ProverManager) (proverManager() = \(manager.checksummed))")
        var a = FakeChain()
        a.calls[pmp.checksummed + "0x9751bbd3"] = word(registry)
        #expect(try await GenerationDetector.detect(marketplace: pmp, probe: a).generation == .a)
        do {
            _ = try await GenerationDetector.detect(marketplace: pmp, probe: FakeChain())
            Issue.record("detected a generation on an empty chain")
        } catch let e as GenerationDetectionError {
            #expect(e.code == .configGenerationUnknown)
            #expect(ErrorReport(e).exitCode == 3)
        }
    }

    @Test("all probes pass: one line each, exit 0, generation detected when not configured")
    func allPass() async throws {
        var chain = FakeChain()
        chain.codes = [pmp: 100, manager: 200, registry: 300]
        chain.calls[pmp.checksummed + "0x23f9b902"] = word(manager)
        let checker = ConfigChecker(
            config: try config(generation: nil), chain: { [chain] _ in chain },
            endpoints: FakeEndpoints(answering: ["http://127.0.0.1:5000": 404, "http://127.0.0.1:1500": 200]))
        let report = await checker.run()
        #expect(
            report.results.map { $0.line() } == [
                "✓ rpcHttp[0] http://127.0.0.1:8545: answers, chain id 31337 as configured",
                "✓ rpcHttp[1] https://rpc.example/v2/***: answers, chain id 31337 as configured",
                "✓ code at generator_registry 0xa85233C63b9Ee964Add6F2cffe00Fd84eb32338f: 200 bytes of code",
                "✓ code at entity_registry 0xDc64a140Aa3E981100a9becA4E685f962f0cF6C9: 300 bytes of code",
                "✓ code at proof_market_place 0x09635F643e140090A9A8Dcd712eD6285858ceBef: 100 bytes of code",
                "✓ generation: detected Generation B (ProverManager) (proverManager() = 0xa85233C63b9Ee964Add6F2cffe00Fd84eb32338f) (not set in the configuration)",
                "✓ generatorEnclave.url http://127.0.0.1:5000: answers (HTTP 404)",
                "✓ generatorEnclave.utilityUrl http://127.0.0.1:1500: answers (HTTP 200)",
                "– checkInputUrl http://not_available: placeholder, not probed",
            ])
        #expect(report.exitCode == 0)
        #expect(report.detected?.generation == .b)
    }

    @Test("a wrong chain, missing code and a wrong generation are configuration failures (exit 3)")
    func configurationFailures() async throws {
        var chain = FakeChain()
        chain.codes = [pmp: 100]
        chain.calls[pmp.checksummed + "0x9751bbd3"] = word(manager)
        var wrongChain = chain
        wrongChain.id = 1
        let checker = ConfigChecker(
            config: try config(generation: .b),
            chain: { [chain, wrongChain] in $0.url.host == "127.0.0.1" ? wrongChain : chain },
            endpoints: FakeEndpoints(answering: ["http://127.0.0.1:5000": 200, "http://127.0.0.1:1500": 200]))
        let report = await checker.run()
        let failed = report.results.filter { $0.status == .failed }.map { $0.line(ascii: true) }
        #expect(
            failed == [
                "FAIL rpcHttp[0] http://127.0.0.1:8545: answers, but chain id is 1, not the configured 31337",
                "FAIL code at generator_registry 0xa85233C63b9Ee964Add6F2cffe00Fd84eb32338f: no contract at this address on this chain",
                "FAIL code at entity_registry 0xDc64a140Aa3E981100a9becA4E685f962f0cF6C9: no contract at this address on this chain",
                "FAIL generation: configured B but the chain runs Generation A (GeneratorRegistry) (GENERATOR_REGISTRY() = 0xa85233C63b9Ee964Add6F2cffe00Fd84eb32338f)",
            ])
        #expect(report.exitCode == 3)
    }

    @Test("an unreachable RPC and enclave: exit 4, chain probes skipped, credentials masked")
    func unreachable() async throws {
        var chain = FakeChain()
        chain.reachable = false
        let checker = ConfigChecker(
            config: try config(generation: .b), chain: { [chain] _ in chain }, endpoints: FakeEndpoints(answering: [:]))
        let report = await checker.run()
        let lines = report.results.map { $0.line() }
        #expect(
            lines.first
                == "✗ rpcHttp[0] http://127.0.0.1:8545: Connection refused: http://***@10.0.0.1:8545/ did not answer")
        #expect(lines.contains("– contracts and generation: no RPC answered with the configured chain"))
        #expect(lines.contains("✗ generatorEnclave.url http://127.0.0.1:5000: connection refused"))
        #expect(!lines.joined().contains("hunter2"))
        #expect(!lines.joined().contains("AbCdEf0123456789xYz_AbCd"))
        #expect(report.exitCode == 4)
    }
}

@Suite("Config: resolving the generation")
struct ResolveGenerationTests {
    @Test("configured wins without asking; missing is detected and reported")
    func resolve() async throws {
        var chain = FakeChain()
        chain.calls[pmp.checksummed + "0x9751bbd3"] = word(registry)
        let configured = try await config(generation: .b).resolveGeneration(using: chain)
        #expect(configured.generation == .b && configured.detected == nil)
        let detected = try await config(generation: nil).resolveGeneration(using: chain)
        #expect(detected.generation == .a)
        #expect(detected.detected?.evidence == "GENERATOR_REGISTRY() = \(registry.checksummed)")
    }
}

@Suite("Config: config check probes the key sources")
struct KeyProbeTests {
    func check(_ extra: String) async throws -> [String] {
        let c = try ConfigParser.parse(
            """
            {
              "chainId": 31337, "rpcHttp": "http://127.0.0.1:8545",
              "proof_market_place": "0x09635F643e140090A9A8Dcd712eD6285858ceBef",
              "generator_registry": "0xa85233C63b9Ee964Add6F2cffe00Fd84eb32338f",
              "entity_registry": "0xDc64a140Aa3E981100a9becA4E685f962f0cF6C9",
              \(extra)
            }
            """, file: "k.json")
        var chain = FakeChain()
        chain.reachable = false
        let checker = ConfigChecker(
            config: c, chain: { [chain] _ in chain }, endpoints: FakeEndpoints(answering: [:]),
            environment: ["KALYPSO_GAS_PRIVATE_KEY": SpecVectors.privateKey])
        return await checker.run().results.filter { $0.name.contains("Key ") }.map { $0.line(ascii: true) }
    }

    @Test("present keys pass with their address; a key for another account than operator fails")
    func keys() async throws {
        let dir = try ScratchDirectory()
        let keyFile = try dir.file("op.hex", SpecVectors.privateKey, mode: 0o600)
        let keystore = try dir.file("ks.json", SpecVectors.pbkdf2, mode: 0o644)
        let loose = try dir.file("loose.hex", SpecVectors.privateKey, mode: 0o644)
        let vectorAddress = "0x008AeEda4D805471dF9b2A5B0f38A0C3bCBA786b"
        // The spec's pbkdf2 vector declares no address: eth-account's files do.
        #expect(
            try await check(
                "\"operator\": \"\(vectorAddress)\", \"operatorKey\": {\"keyFile\": \"\(keyFile)\"}, \"enclaveGasKey\": {\"env\": \"KALYPSO_GAS_PRIVATE_KEY\"}"
            ) == [
                "ok   operatorKey key file \(keyFile): address \(vectorAddress)",
                "ok   enclaveGasKey environment variable KALYPSO_GAS_PRIVATE_KEY: address \(vectorAddress)",
            ])
        #expect(
            try await check(
                "\"operator\": \"0x70997970C51812dc3A010C7d01b50e0d17dc79C8\", \"operatorKey\": {\"keyFile\": \"\(keyFile)\"}"
            ) == [
                "FAIL operatorKey key file \(keyFile): the key is for \(vectorAddress), but operator is 0x70997970C51812dc3A010C7d01b50e0d17dc79C8"
            ])
        #expect(
            try await check("\"operatorKey\": {\"keyFile\": \"\(loose)\"}") == [
                "FAIL operatorKey key file \(loose): Secret file is readable by other users: \(loose) has mode 644; group and others must have no access"
            ])
        #expect(
            try await check("\"operatorKey\": {\"keystore\": \"\(keystore)\"}") == [
                "FAIL operatorKey keystore \(keystore): not a Web3 Secret Storage v3 keystore with an address"
            ])
        #expect(
            try await check("\"readOnly\": true, \"operatorKey\": {\"keystore\": \"\(keystore)\"}") == [
                "skip operatorKey keystore \(keystore): read-only: no key is loaded"
            ])
        let key = try PrivateKey(hex: SpecVectors.privateKey)
        let ours = try dir.file(
            "ours.json",
            try Web3Keystore.encrypt(
                key, password: Array("pw".utf8),
                parameters: KeystoreParameters(kdf: .pbkdf2, scryptN: 2, scryptR: 1, scryptP: 1, pbkdf2Iterations: 10)),
            mode: 0o600)
        #expect(
            try await check("\"operator\": \"\(vectorAddress)\", \"operatorKey\": {\"keystore\": \"\(ours)\"}") == [
                "ok   operatorKey keystore \(ours): address \(vectorAddress) (declared by the keystore; decrypted only when signing)"
            ])
    }
}
