import BigInt
import EthereumKit
import Foundation
import TestSupport
import Testing

@testable import KalypsoKit

/// The enclave client against the enclave simulator as a separate process over HTTP: every endpoint, the
/// secure channel (the simulator's ECIES is eciespy), each fault it can inject, and a restart mid-sequence.
@Suite(.serialized) struct EnclaveClientSimulatorTests {
    // Anvil dev accounts #1 (the operator) and #2 (the gas key): public test keys the devnet node funds.
    static let operatorAddress = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8"
    static let gasKeyHex = "0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a"
    // devnet/kalypso_devnet/constants.py VERIFIER_PRIVATE_KEY: the simulated attestation verifier.
    static let verifierKeyHex = "0xdf57089febbacf7ba0bc227dafbffa9fc08a93fdc68e1e42411a14efcf23656e"

    func client(_ sim: EnclaveSimulator, timeout: Duration = .seconds(10)) -> EnclaveClient {
        EnclaveClient(endpoints: sim.endpoints, transport: URLSessionEnclaveTransport(), timeout: timeout)
    }

    func config(rpc: String, market: BigUInt = 1, ws: String = "wss://127.0.0.1:1/ws") throws -> EnclaveConfig {
        let filler = { (b: UInt8) in Address(bytes: [UInt8](repeating: b, count: 20)) ?? .zero }
        return EnclaveConfig(
            operatorAddress: try Address(Self.operatorAddress), data: "swift test", marketId: market, wsURL: ws,
            httpURL: rpc, gasKey: try PrivateKey(hex: Self.gasKeyHex), startBlock: 1, chainId: 31337,
            paymentToken: filler(0x11), stakingToken: filler(0x22), attestationVerifier: filler(0x33),
            entityRegistry: filler(0x44), proofMarketplace: filler(0x55), generatorRegistry: filler(0x66))
    }

    func enclaveKeyHex(_ sim: EnclaveSimulator) async throws -> String {
        try #require(try await sim.state()["enclave_public_key"] as? String)
    }

    // MARK: attestation, verifier, signatures

    @Test func joinAuthorizationThroughTheSecureChannelAndPlain() async throws {
        let sim = try EnclaveSimulator()
        let client = client(sim)
        let verifier = try PrivateKey(hex: Self.verifierKeyHex).address
        let operatorAddress = try Address(Self.operatorAddress)
        for encrypted in [true, false] {
            let (attestation, blob, signature) = try await client.joinAuthorization(
                operator: operatorAddress, now: Date(), verifier: verifier, encrypted: encrypted)
            #expect(blob.count == 704)
            #expect(Hex.encode(attestation.enclavePublicKey) == (try await enclaveKeyHex(sim)))
            // Independent of our check: the enclave's address from the simulator's own state.
            let simAddress = try #require(try await sim.state()["enclave_address"] as? String)
            let signer = try EIP191.recoverSigner(
                message: EnclaveSignature.digest(attestation: blob, operator: operatorAddress), signature: signature)
            #expect(signer.checksummed == simAddress)
        }
    }

    @Test func imageOutsideTheFamilyIsRefusedBeforeSigning() async throws {
        let sim = try EnclaveSimulator()
        let error = try await #require(throws: EnclaveError.self) {
            _ = try await client(sim).joinAuthorization(
                operator: try Address(Self.operatorAddress), now: Date(),
                familyImages: [[UInt8](repeating: 7, count: 32)])
        }
        #expect(error.code == .enclaveImageNotInFamily)
    }

    @Test func staleAttestationIsRefused() async throws {
        let sim = try EnclaveSimulator()
        let error = try await #require(throws: EnclaveError.self) {
            _ = try await client(sim).joinAuthorization(
                operator: try Address(Self.operatorAddress), now: Date().addingTimeInterval(60_000))
        }
        #expect(error.code == .enclaveAttestationTooOld)
    }

    @Test func verifierRefusesAForgedDocumentInPlainText() async throws {
        let sim = try EnclaveSimulator()
        let error = try await #require(throws: EnclaveError.self) {
            _ = try await client(sim).verify(rawAttestation: Array("not a COSE document".utf8))
        }
        #expect(error.code == .enclaveRefused && error.status == 401 && error.category == .enclaveRefused)
        #expect(error.enclaveMessage?.hasPrefix("attestation verification failed") == true)
    }

    @Test func hexAttestationAndHexVerifier() async throws {
        let sim = try EnclaveSimulator()
        let client = client(sim)
        let fromHex = try await client.verify(hexAttestation: try await client.hexAttestation())
        let fromRaw = try await client.verify(rawAttestation: try await client.rawAttestation())
        #expect(fromHex.enclavePublicKey == fromRaw.enclavePublicKey && fromHex.imageId == fromRaw.imageId)
        #expect(Hex.encode(fromHex.enclavePublicKey) == (try await enclaveKeyHex(sim)))
        let error = try await #require(throws: EnclaveError.self) {
            _ = try await client.verify(hexAttestation: Array("forged".utf8))
        }
        #expect(error.status == 401)
    }

    @Test func signAddressRecoversToTheEnclave() async throws {
        let sim = try EnclaveSimulator()
        let address = try Address(Self.operatorAddress)
        let signature = try await client(sim).signAddress(address)
        let digest = Keccak256.hash(try ABI.encode([.address], [.address(address)]))
        let signer = try EIP191.recoverSigner(message: digest, signature: signature)
        #expect(signer.checksummed == (try #require(try await sim.state()["enclave_address"] as? String)))
    }

    // MARK: configuration, programs, public keys, benchmark

    @Test func configureThroughTheSecureChannelThenEveryGeneratorEndpoint() async throws {
        let node = try await DevnetNode.start()
        defer { node.stop() }
        let sim = try EnclaveSimulator()
        let client = client(sim)
        let config = try config(rpc: node.url)

        // Before any configuration.
        let early = try await #require(throws: EnclaveError.self) { _ = try await client.benchmark(marketId: 1) }
        #expect(early.status == 500 && early.hint.contains("enclave-config"))

        let key = try await client.enclaveKey()
        try await client.configure(config, enclaveKey: key)
        let state = try await sim.state()
        let runtime = try #require(state["runtime_config"] as? [String: Any])
        #expect(runtime["gas_key_address"] as? String == (try PrivateKey(hex: Self.gasKeyHex)).address.checksummed)
        #expect(runtime["ws_url"] as? String == "wss://127.0.0.1:1/ws")
        let generators = try #require(state["generator_config"] as? [[String: Any]])
        #expect(generators.first?["supported_markets"] as? [String] == ["1"])

        // Public keys: the same key as the attestation's; another address is a 404 with the enclave's words.
        let keys = try await client.publicKeys(operatorAddress: config.operatorAddress)
        #expect(keys.eciesPublicKey == key && keys.enclaveAddress == key.address)
        let unknown = try await #require(throws: EnclaveError.self) {
            _ = try await client.publicKeys(operatorAddress: Self.operatorAddress.lowercased())
        }
        #expect(unknown.status == 404 && unknown.enclaveMessage == "No generator found for the provided address")

        // Benchmark, shape A by default.
        let result = try await client.benchmark(marketId: 1)
        #expect(result == BenchmarkResult(milliseconds: 12300, shape: .generatorClientMessage))
        let otherMarket = try await #require(throws: EnclaveError.self) { _ = try await client.benchmark(marketId: 9) }
        #expect(otherMarket.status == 400 && otherMarket.enclaveMessage == "No generator found for market ID :9 ")

        // Programs: start runs the enclave's chain checks, which cannot read registries at these (empty)
        // addresses: the real client's 500.
        let refused = try await #require(throws: EnclaveError.self) { try await client.startProgram("listener") }
        #expect(refused.category == .enclaveRefused && refused.status == 500 && refused.isRetryable)
        #expect(refused.enclaveMessage == "There was an issue in validating")
        #expect(refused.hint.contains("contract addresses"))
        #expect(try await client.programStatus("listener") == .notStarted)
        try await sim.control("POST", "_sim/program", ["program_name": "listener", "state": "Running"])
        #expect(try await client.programStatus("listener") == .running)
        try await client.stopProgram("listener")
        #expect(try await client.programStatus("listener") == .notStarted)
        try await sim.control("POST", "_sim/program", ["program_name": "prover", "state": "Exited"])
        #expect(try await client.programStatus("prover") == .stopped)
        let unknownProgram = try await #require(throws: EnclaveError.self) { try await client.stopProgram("nope") }
        #expect(unknownProgram.status == 500 && unknownProgram.isRetryable)

        // updateGeneratorConfig.
        try await client.updateGeneratorConfig(operatorAddress: config.operatorAddress, data: "new", marketId: 1)
        let updated = try #require(try await sim.state()["generator_config"] as? [[String: Any]])
        #expect(updated.first?["data"] as? String == "new")

        // Runtime config: a new gas key through the secure channel, a start block without one.
        let anvil3 = try PrivateKey(hex: "0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6")
        try await client.updateRuntimeConfig(RuntimeConfigUpdate(gasKey: anvil3, startBlock: 9), enclaveKey: key)
        let runtime2 = try #require(try await sim.state()["runtime_config"] as? [String: Any])
        #expect(runtime2["gas_key_address"] as? String == anvil3.address.checksummed)
        #expect(runtime2["start_block"] as? Int == 9)
        let badWs = try await #require(throws: EnclaveError.self) {
            try await client.updateRuntimeConfig(RuntimeConfigUpdate(wsURL: "ws://x"), enclaveKey: key)
        }
        #expect(badWs.code == .enclaveConfigInvalid)

        // signAddress through the secure channel.
        let addressSignature = try await client.signAddressEncrypted(try Address(Self.operatorAddress), enclaveKey: key)
        let addressDigest = Keccak256.hash(try ABI.encode([.address], [.address(try Address(Self.operatorAddress))]))
        #expect(try EIP191.recoverSigner(message: addressDigest, signature: addressSignature) == key.address)

        // restartProgram validates like start.
        let restart = try await #require(throws: EnclaveError.self) { try await client.restartProgram("listener") }
        #expect(restart.status == 500)

        // The plain endpoint only with permission.
        let plainRefused = try await #require(throws: EnclaveError.self) {
            try await client.configurePlain(config, plainHTTP: .refused)
        }
        #expect(plainRefused.code == .enclavePlainHTTPRefused && plainRefused.hint.contains("--plain-http"))
        try await client.configurePlain(config, plainHTTP: .allowed)
    }

    @Test func configureRetriesOnceAfterADroppedConnection() async throws {
        let node = try await DevnetNode.start()
        defer { node.stop() }
        let sim = try EnclaveSimulator()
        try await sim.fault("/api/generatorConfigSetupEncrypted", mode: "drop", count: 1)
        try await client(sim).configure(try config(rpc: node.url))
        let runtime = try #require(try await sim.state()["runtime_config"] as? [String: Any])
        #expect(runtime["http_url"] as? String == node.url)
        // Twice in a row is reported, with the hint that it may be our input.
        try await sim.fault("/api/generatorConfigSetupEncrypted", mode: "drop", count: 2)
        let error = try await #require(throws: EnclaveError.self) {
            try await client(sim).configure(try config(rpc: node.url))
        }
        #expect(error.code == .enclaveConnectionDropped)
    }

    @Test func lowGasBalanceIsTheEnclavesRefusal() async throws {
        let node = try await DevnetNode.start()
        defer { node.stop() }
        let sim = try EnclaveSimulator()
        var config = try config(rpc: node.url)
        config.gasKey = PrivateKey.random()  // holds nothing
        let error = try await #require(throws: EnclaveError.self) {
            try await client(sim).configure(config, enclaveKey: try await client(sim).enclaveKey())
        }
        #expect(error.status == 400 && error.category == .enclaveRefused)
        #expect(error.hint.contains("0.05 ETH"))
        #expect(!error.detail.contains(config.gasKey.withUnsafeKeyBytes { Hex.encode(Array($0), prefix: false) }))
    }

    @Test(arguments: [
        ("A", BenchmarkResult.Shape.generatorClientMessage), ("B", .proverTimeInMs), ("C", .benchmarkTime),
    ])
    func benchmarkShapes(shape: String, expected: BenchmarkResult.Shape) async throws {
        let sim = try EnclaveSimulator(extraArguments: ["--benchmark-shape", shape, "--benchmark-ms", "4321"])
        // The benchmark needs a stored config, which the simulator keeps only after its gas-key balance check.
        let node = try await DevnetNode.start()
        defer { node.stop() }
        let client = client(sim)
        try await client.configure(try config(rpc: node.url), enclaveKey: try await client.enclaveKey())
        #expect(try await client.benchmark(marketId: 1) == BenchmarkResult(milliseconds: 4321, shape: expected))
    }

    @Test func benchmarkNotImplemented() async throws {
        let node = try await DevnetNode.start()
        defer { node.stop() }
        let sim = try EnclaveSimulator(extraArguments: ["--benchmark-shape", "501"])
        let client = client(sim)
        try await client.configure(try config(rpc: node.url), enclaveKey: try await client.enclaveKey())
        let error = try await #require(throws: EnclaveError.self) { _ = try await client.benchmark(marketId: 1) }
        #expect(error.status == 501 && error.enclaveMessage == "Benchmarking API is not implemented")
    }

    // MARK: faults

    @Test func serviceDownIsUnreachable() async throws {
        let sim = try EnclaveSimulator()
        try await sim.control("POST", "_sim/refuse", ["service": "generator", "refused": true])
        let error = try await #require(throws: EnclaveError.self) { try await client(sim).stopProgram("listener") }
        #expect(error.code == .enclaveUnreachable && error.category == .unreachable && error.isRetryable)
        #expect(error.detail.contains("generator client POST /api/stopProgram"))
    }

    @Test func slowEnclaveHitsOurDeadline() async throws {
        let sim = try EnclaveSimulator()
        // The simulator would answer after a minute: a timeout well before that can only be our deadline.
        try await sim.fault("/api/getProgramStatus", latencyMs: 60_000)
        let started = ContinuousClock.now
        let error = try await #require(throws: EnclaveError.self) {
            _ = try await client(sim, timeout: .milliseconds(400)).programStatus("listener")
        }
        let elapsed = ContinuousClock.now - started
        #expect(error.code == .enclaveTimeout && error.category == .unreachable)
        // Not at once (URLSession truncates a 0.4 s timeout to 0 and fails immediately) and not the
        // simulator's answer; no upper bound tighter than that, since a loaded test pool resumes late.
        #expect(elapsed >= .milliseconds(400) && elapsed < .seconds(50))
    }

    @Test func http500WithMessageIsARetryableRefusal() async throws {
        let sim = try EnclaveSimulator()
        try await sim.fault("generator", mode: "http500", count: 1)
        let error = try await #require(throws: EnclaveError.self) {
            _ = try await client(sim).programStatus("listener")
        }
        #expect(error.code == .enclaveRefused && error.status == 500 && error.isRetryable)
        #expect(error.enclaveMessage == "Simulated internal error (enclave simulator fault)")
        // The fault was for one request only.
        #expect(try await client(sim).programStatus("listener") == .notStarted)
    }

    @Test func malformedJSONIsReported() async throws {
        let sim = try EnclaveSimulator()
        try await sim.fault("*", mode: "malformed")
        let error = try await #require(throws: EnclaveError.self) {
            _ = try await client(sim).programStatus("listener")
        }
        #expect(error.code == .enclaveMalformedResponse && error.category == .unreachable)
        // The verifier's JSON cut short (a truncated attestation document is a 401 instead: see above).
        try await sim.clear()
        try await sim.fault("/verify/raw", mode: "malformed")
        let verifier = try await #require(throws: EnclaveError.self) { _ = try await client(sim).attestation() }
        #expect(verifier.code == .enclaveMalformedResponse)
    }

    @Test func droppedConnectionSaysItMayBeAnInputError() async throws {
        let sim = try EnclaveSimulator()
        try await sim.fault("/api/signAddress", mode: "drop")
        let error = try await #require(throws: EnclaveError.self) {
            _ = try await client(sim).signAddress(try Address(Self.operatorAddress))
        }
        #expect(error.code == .enclaveConnectionDropped && error.category == .unreachable)
        #expect(error.hint.contains("crashed on the request") && error.hint.contains("Check the inputs"))
    }

    @Test func restartMidSequence() async throws {
        let node = try await DevnetNode.start()
        defer { node.stop() }
        let sim = try EnclaveSimulator()
        let client = client(sim)
        let operatorAddress = try Address(Self.operatorAddress)
        let oldKey = try await client.enclaveKey()
        let attestation = try await client.attestation()
        try await sim.restart()
        let newKey = try await client.enclaveKey()
        #expect(newKey != oldKey)

        // A request sealed for the old key: the real server's handler panics, the connection drops.
        let sealedForOld = try await #require(throws: EnclaveError.self) {
            _ = try await client.signAttestationEncrypted(
                attestation.encoded, operator: operatorAddress, enclaveKey: oldKey)
        }
        #expect(sealedForOld.code == .enclaveConnectionDropped)
        let configForOld = try await #require(throws: EnclaveError.self) {
            try await client.configure(try config(rpc: node.url), enclaveKey: oldKey)
        }
        #expect(configForOld.code == .enclaveConnectionDropped)

        // The old attestation signed by the new key: our check catches it before any transaction.
        let signature = try await client.signAttestation(attestation.encoded, operator: operatorAddress)
        let mismatch = try #require(throws: EnclaveError.self) {
            try EnclaveSignature.check(
                signature, attestation: attestation, blob: attestation.encoded, operator: operatorAddress)
        }
        #expect(mismatch.code == .enclaveSignatureInvalid)

        // The checked old attestation against the enclave's current key says the key changed.
        let changed = try #require(throws: EnclaveError.self) {
            try attestation.checkSignedBy(enclaveKey: newKey.raw)
        }
        #expect(changed.code == .enclaveKeyChanged && changed.hint.contains("update-key"))

        // A fresh sequence works with the new key.
        let fresh = try await client.joinAuthorization(operator: operatorAddress, now: Date())
        #expect(fresh.attestation.enclavePublicKey == newKey.raw)
        try await client.configure(try config(rpc: node.url), enclaveKey: newKey)
    }
}
