import Basics
import BigInt
import EthereumKit
import Foundation
import KalypsoKit
import TestSupport
import Testing

/// The onboarding commands as an operator runs them: the real binary against the devnet of each generation
/// (one devnet per generation for this suite) and its enclave simulator; chain state read back with the test's
/// own eth_calls, the enclave's through the simulator's control API.
@Suite(.serialized) struct OnboardingCommandsDevnetTests {
    static let a = SharedDevnet { try await DevnetNetwork.start(generation: "A", seed: false) }
    static let b = SharedDevnet { try await DevnetNetwork.start(generation: "B", seed: false) }

    /// The simulator's control API (`/_sim/...`).
    struct Control {
        let url: URL

        @discardableResult
        func call(_ method: String, _ path: String, _ body: [String: Any] = [:]) async throws -> [String: Any] {
            let response = try await URLSessionEnclaveTransport().send(
                EnclaveRequest(
                    method: method, url: url.appendingPathComponent(path),
                    headers: ["Content-Type": "application/json"],
                    body: Array(try JSONSerialization.data(withJSONObject: body)), timeout: .seconds(10)))
            guard response.status == 200,
                let object = try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any]
            else { throw DevnetError("control \(path): HTTP \(response.status)") }
            return object
        }

        func state() async throws -> [String: Any] { try await call("GET", "_sim/state") }
    }

    /// The devnet's gas key (dev account 2 of the devnet mnemonic), derived by the devnet's own Python.
    static func gasKeyHex() throws -> String {
        let code = """
            import sys; sys.path.insert(0, sys.argv[1])
            from kalypso_devnet.rpc import dev_account
            from kalypso_devnet import constants as C
            print(dev_account(C.GAS_KEY).key.hex())
            """
        let result = try runProcess([RepoPaths.python, "-c", code, RepoPaths.path("devnet")])
        guard result.succeeded else { throw DevnetError("gas key: \(result.output)") }
        return result.output.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    func nonce(_ f: OperatorFixture) async throws -> UInt64 {
        let hex = try await f.network.rpc.callString("eth_getTransactionCount", [f.me.checksummed, "latest"])
        return UInt64(hex.dropFirst(2), radix: 16) ?? 0
    }

    func chainKey(_ f: OperatorFixture, _ market: BigUInt) async throws -> [UInt8] {
        try await f.call(f.keyRegistry, "pub_key(address,uint256)", [.address(f.me), .uint(market)], returns: "bytes")[
            0
        ].bytesValue ?? []
    }

    func steps(_ o: [String: Any]) -> [String: String] {
        var states: [String: String] = [:]
        for step in o["steps"] as? [[String: Any]] ?? [] {
            if let name = step["step"] as? String { states[name] = step["state"] as? String }
        }
        return states
    }

    @Test(arguments: ["A", "B"])
    func onboardTwiceThenRestartAndUpdateKeyThenEnclaveFaults(generation: String) async throws {
        let network = generation == "A" ? try await Self.a.get() : try await Self.b.get()
        let f = try await OperatorFixture.make(generation, network: network)
        let cli = try OperatorCommandsDevnetTests.CLI(f)
        let gasFile = try cli.dir.file("gas.hex", try Self.gasKeyHex() + "\n", mode: 0o600)
        let control = Control(url: try #require(network.enclaveURLs["control"].flatMap(URL.init(string:))))
        let ops = OperatorCommandsDevnetTests()
        let market = f.privateMarket
        let onboard = [
            "onboard", "--market", "\(market)", "--reward-address", f.me.checksummed, "--compute", "10",
            "--metadata", #"{"name":"onboard"}"#, "--stake", "1000", "--compute-per-request", "2", "--proof-cost", "5",
            "--proposed-time",
            f.isA ? "480blocks" : "10m", "--gas-key-file", gasFile,
        ]

        // Before: nothing done, status says so.
        let (s0, before) = try await cli.json(["status", "--market", "\(market)"])
        #expect(s0 == 0, "\(before)")
        #expect(before["registered"] as? Bool == false)

        // onboard: every step, in order.
        let (c1, first) = try await cli.json(onboard)
        #expect(c1 == 0, "\(first)")
        #expect(first["complete"] as? Bool == true, "\(first)")
        #expect(try await ops.declared(f) == 10)
        #expect(try await ops.memberState(f, market) == 1)
        let sim = try await control.state()
        let enclaveKey = try Hex.decode(try #require(sim["enclave_public_key"] as? String))
        #expect(try await chainKey(f, market) == enclaveKey)
        let programs = sim["programs"] as? [String: String] ?? [:]
        #expect(programs["listener"] == "Running" && programs["prover"] == "Running", "\(programs)")

        // A second run sends nothing.
        let nonceAfterFirst = try await nonce(f)
        let (c2, second) = try await cli.json(onboard)
        #expect(c2 == 0, "\(second)")
        #expect(second["sentSomething"] as? Bool == false, "\(second)")
        #expect(try await nonce(f) == nonceAfterFirst)

        // Enclave restart: status plans update-key; update-key puts the new key on chain and restarts.
        try await control.call("POST", "_sim/restart")
        let (s1, afterRestart) = try await cli.json(["status", "--market", "\(market)"])
        #expect(s1 == 0)
        let probes = (afterRestart["onboarding"] as? [[String: Any]])?.first ?? [:]
        #expect(steps(probes)["update key"] == "to do", "\(probes)")
        let (c3, updated) = try await cli.json([
            "update-key", "--market", "\(market)", "--gas-key-file", gasFile,
        ])
        #expect(c3 == 0, "\(updated)")
        let newKey = try Hex.decode(try #require(try await control.state()["enclave_public_key"] as? String))
        #expect(newKey != enclaveKey)
        #expect(try await chainKey(f, market) == newKey)
        #expect(try await nonce(f) == nonceAfterFirst + 1)
        let running = try await control.state()["programs"] as? [String: String] ?? [:]
        #expect(running["listener"] == "Running" && running["prover"] == "Running", "\(running)")
        // The kept settings were reused (no flags given): the same config as the first onboard.
        let nonceAfterUpdate = try await nonce(f)
        let (c4, again) = try await cli.json(onboard)
        #expect(c4 == 0 && again["sentSomething"] as? Bool == false, "\(again)")
        #expect(try await nonce(f) == nonceAfterUpdate)

        // Enclave faults: clear errors, exit 4 (down) and 6 (refused), nothing sent.
        try await control.call("POST", "_sim/refuse", ["service": "generator", "refused": true])
        try await cli.fails(
            ["enclave-config", "--market", "\(market)", "--gas-key-file", gasFile], 4, "cannot be reached")
        try await control.call("POST", "_sim/clear", [:])
        try await control.call("POST", "_sim/fault", ["scope": "generator", "mode": "http500"])
        try await cli.fails(["enclave-config", "--market", "\(market)", "--gas-key-file", gasFile], 6, "error:")
        try await control.call("POST", "_sim/clear", [:])
        #expect(try await nonce(f) == nonceAfterUpdate)
        cli.assertNoSecrets()
    }
}
