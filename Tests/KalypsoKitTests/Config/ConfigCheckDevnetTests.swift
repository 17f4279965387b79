import Foundation
import TestSupport
import Testing

@testable import KalypsoKit

/// `kalypso-console config check` against a real devnet of each generation (the binary, as an operator
/// runs it): the config `devnet/up` wrote passes every probe, and its mistakes give exit 3 or 4.
@Suite("Config: config check against the devnet", .serialized)
struct ConfigCheckDevnetTests {
    static let genA = SharedDevnet { try await DevnetNetwork.start(generation: "A", seed: false) }
    static let genB = SharedDevnet { try await DevnetNetwork.start(generation: "B", seed: false) }

    struct Probe: Decodable {
        let name: String
        let status: String
        let detail: String
    }
    struct Generation: Decodable {
        let detected: String
        let evidence: String
    }
    struct Report: Decodable {
        let ok: Bool
        let exitCode: Int
        let probes: [Probe]
        let generation: Generation?
        let configuration: [String: String]
    }

    func check(_ configPath: String, json: Bool = true) async throws -> ProcessResult {
        try await offThePool {
            try runProcess(
                [RepoPaths.consoleBinary, "config", "check", "--config", configPath] + (json ? ["--json"] : []),
                environment: ProcessInfo.processInfo.environment.filter { $0.key != "KALYPSO_CONFIG" })
        }
    }

    func report(_ r: ProcessResult) throws -> Report {
        try JSONDecoder().decode(Report.self, from: Data(r.output.utf8))
    }

    /// The devnet's config with `edit` applied to its JSON object, written next to it.
    func edited(_ network: DevnetNetwork, _ name: String, _ edit: (inout [String: Any]) -> Void) throws -> String {
        let data = try Data(contentsOf: URL(fileURLWithPath: network.configPath))
        var object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        edit(&object)
        let path = network.runDirectory + "/" + name
        try JSONSerialization.data(withJSONObject: object).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test("the config devnet/up writes passes every probe, for both generations", arguments: ["A", "B"])
    func passes(generation: String) async throws {
        let network = try await (generation == "A" ? Self.genA : Self.genB).get()
        let r = try await check(network.configPath)
        #expect(r.status == 0, "\(r.output)")
        let rep = try report(r)
        #expect(rep.ok)
        #expect(rep.generation?.detected == generation)
        #expect(rep.probes.contains { $0.name.hasPrefix("code at proof_market_place") && $0.status == "passed" })
        #expect(rep.probes.contains { $0.name.hasPrefix("generatorEnclave.url") && $0.status == "passed" })
        #expect(rep.probes.filter { $0.status == "failed" }.isEmpty)
        #expect(rep.configuration["chainId"] == "31337")
        // The text form: one line per probe, ✓ for each.
        let text = try await check(network.configPath, json: false)
        #expect(text.status == 0)
        #expect(text.output.contains("✓ generation: Generation \(generation)"))
    }

    @Test("generation missing: detected from the chain and said so")
    func detected() async throws {
        let network = try await Self.genA.get()
        let path = try edited(network, "no-generation.json") { $0["generation"] = nil }
        let r = try await check(path, json: false)
        #expect(r.status == 0, "\(r.output)")
        #expect(r.output.contains("✓ generation: detected Generation A (GeneratorRegistry) (GENERATOR_REGISTRY() = "))
        #expect(
            r.output.contains("generation  (detect from the chain)") || r.output.contains("(detect from the chain)"))
    }

    @Test("a wrong generation, a wrong chain id and an address without code: exit 3, each named")
    func configurationMistakes() async throws {
        let network = try await Self.genB.get()
        let path = try edited(network, "wrong.json") {
            $0["generation"] = "A"
            $0["chainId"] = 1
            $0["stakingManager"] = "0x000000000000000000000000000000000000dEaD"
        }
        let r = try await check(path)
        #expect(r.status == 3, "\(r.output)")
        let failed = try report(r).probes.filter { $0.status == "failed" }.map { "\($0.name): \($0.detail)" }
        #expect(
            failed.contains {
                $0.hasPrefix("rpcHttp[0]") && $0.hasSuffix("answers, but chain id is 31337, not the configured 1")
            })
        // With the only RPC on another chain than configured, contracts are not probed on it.
        #expect(try report(r).probes.contains { $0.name == "contracts and generation" && $0.status == "skipped" })
        let path2 = try edited(network, "wrong2.json") {
            $0["generation"] = "A"
            $0["stakingManager"] = "0x000000000000000000000000000000000000dEaD"
        }
        let r2 = try await check(path2)
        #expect(r2.status == 3, "\(r2.output)")
        let failed2 = try report(r2).probes.filter { $0.status == "failed" }.map { "\($0.name): \($0.detail)" }
        #expect(
            failed2.contains(
                "code at stakingManager 0x000000000000000000000000000000000000dEaD: no contract at this address on this chain"
            ))
        #expect(
            failed2.contains {
                $0.hasPrefix("generation: configured A but the chain runs Generation B (ProverManager)")
            })
    }

    @Test("an RPC and an enclave that do not answer: exit 4, credentials never shown")
    func unreachable() async throws {
        let network = try await Self.genB.get()
        let path = try edited(network, "down.json") {
            $0["rpcHttp"] = "http://operator:s3cretPassw0rd@127.0.0.1:1/v2/AbCdEf0123456789xYz_AbCd"
            $0["generatorEnclave"] = ["url": "http://127.0.0.1:2", "utilityUrl": "http://127.0.0.1:3"]
        }
        let r = try await check(path)
        #expect(r.status == 4, "\(r.output)")
        #expect(!r.output.contains("s3cretPassw0rd"))
        #expect(!r.output.contains("AbCdEf0123456789xYz_AbCd"))
        let rep = try report(r)
        #expect(rep.probes.first?.name == "rpcHttp[0] http://***@127.0.0.1:1/v2/***")
        #expect(rep.probes.first?.status == "failed")
        #expect(rep.probes.contains { $0.name == "generatorEnclave.url http://127.0.0.1:2" && $0.status == "failed" })
    }

    @Test("an invalid file: exit 3 with every invalid value, as JSON too")
    func invalidFile() async throws {
        let network = try await Self.genB.get()
        let path = try edited(network, "invalid.json") {
            $0["chainId"] = "31337"
            $0["generatorEnclave"] = ["url": "13.235.50.234:5000"]
        }
        let text = try await check(path, json: false)
        #expect(text.status == 3)
        #expect(text.output.contains("has 2 invalid values"))
        #expect(text.output.contains("generatorEnclave.url: expected an http(s) URL, found \"13.235.50.234:5000\""))
        let json = try await check(path)
        #expect(json.status == 3)
        struct Failure: Decodable {
            struct Issue: Decodable {
                let keyPath: String
                let found: String?
            }
            let ok: Bool
            let issues: [Issue]
        }
        let f = try JSONDecoder().decode(Failure.self, from: Data(json.output.utf8))
        #expect(!f.ok)
        #expect(Set(f.issues.map(\.keyPath)) == ["chainId", "generatorEnclave.url"])
    }
}
