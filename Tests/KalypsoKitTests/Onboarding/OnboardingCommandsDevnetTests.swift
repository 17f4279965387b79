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

    /// Runs `body` on a fresh chain state (reverted afterwards) and a freshly restarted enclave simulator.
    func fresh(_ generation: String, _ body: (OperatorFixture, Control) async throws -> Void) async throws {
        let network = generation == "A" ? try await Self.a.get() : try await Self.b.get()
        let f = try await OperatorFixture.make(generation, network: network)
        let control = Control(url: try #require(network.enclaveURLs["control"].flatMap(URL.init(string:))))
        let snapshot = try await network.rpc.snapshot()
        do {
            try await control.call("POST", "_sim/clear", [:])
            try await control.call("POST", "_sim/restart")
            try await body(f, control)
        } catch {
            try await network.rpc.revert(to: snapshot)
            throw error
        }
        try await network.rpc.revert(to: snapshot)
    }

    func onboardArguments(_ f: OperatorFixture, gasFile: String) -> [String] {
        [
            "onboard", "--market", "\(f.privateMarket)", "--reward-address", f.me.checksummed, "--compute", "10",
            "--metadata", #"{"name":"onboard"}"#, "--stake", "1000", "--compute-per-request", "2", "--proof-cost",
            "5", "--proposed-time", f.isA ? "480blocks" : "10m", "--gas-key-file", gasFile,
        ]
    }

    /// `onboard` killed (SIGKILL) after each step, and once right after a transaction left, then run again:
    /// it completes and sends exactly the transactions of one uninterrupted run (no step sent twice).
    @Test(arguments: ["A", "B"])
    func onboardKilledAfterEachStepResumesWithoutSendingTwice(generation: String) async throws {
        var reference: UInt64 = 0
        try await fresh(generation) { f, _ in
            let cli = try OperatorCommandsDevnetTests.CLI(f)
            let gasFile = try cli.dir.file("gas.hex", try Self.gasKeyHex() + "\n", mode: 0o600)
            let start = try await nonce(f)
            let (code, o) = try await cli.json(onboardArguments(f, gasFile: gasFile))
            #expect(code == 0 && o["complete"] as? Bool == true, "\(o)")
            reference = try await nonce(f) - start
        }
        #expect(reference >= 4)
        for point in ["register", "stake", "configure enclave", "benchmark", "join", "send-1", "send-2"] {
            try await fresh(generation) { f, control in
                let cli = try OperatorCommandsDevnetTests.CLI(f)
                let gasFile = try cli.dir.file("gas.hex", try Self.gasKeyHex() + "\n", mode: 0o600)
                let start = try await nonce(f)
                let killed = try await cli.run(onboardArguments(f, gasFile: gasFile) + ["--test-kill-after", point])
                #expect(killed.status != 0, "\(point): \(killed.output)")
                let (code, o) = try await cli.json(onboardArguments(f, gasFile: gasFile))
                #expect(code == 0 && o["complete"] as? Bool == true, "after kill at \(point): \(o)")
                #expect(try await nonce(f) - start == reference, "after kill at \(point)")
                let programs = try await control.state()["programs"] as? [String: String] ?? [:]
                #expect(programs["listener"] == "Running" && programs["prover"] == "Running", "\(programs)")
                cli.assertNoSecrets()
            }
        }
    }

    /// The same onboarding one command at a time on the market with a TEE verifier, read by a person (human
    /// output), then `onboard` finds nothing to do; the kept enclave settings (a non-default prover port) are
    /// what `update-key` sends after a restart, and the new key ends verified in the TEE verifier.
    @Test(arguments: ["A", "B"])
    func stepByStepOnTheTeeMarketThenUpdateKeyReusesTheKeptSettings(generation: String) async throws {
        try await fresh(generation) { f, control in
            let cli = try OperatorCommandsDevnetTests.CLI(f)
            let gasFile = try cli.dir.file("gas.hex", try Self.gasKeyHex() + "\n", mode: 0o600)
            let market = f.teeMarket
            let m = "\(market)"
            let verifier = try #require(f.config.markets[UInt64(market)]?.teeVerifier)
            func verified() async throws -> Bool {
                let address = try #require(try await control.state()["enclave_address"] as? String)
                let image = try await f.call(
                    verifier, "getVerifiedKey(address)", [.address(try Address(address))], returns: "bytes32")
                return image[0].bytesValue?.contains { $0 != 0 } ?? false
            }
            let human = try await cli.run(["status", "--market", m], yes: false)
            #expect(human.status == 0, "\(human.output)")
            #expect(
                human.output.contains("not registered") && human.output.contains("Enclave: reachable"),
                "\(human.output)")
            #expect(human.output.contains("[to do] register"), "\(human.output)")

            try await cli.sends(
                ["register", "--reward-address", f.me.checksummed, "--compute", "10", "--metadata", "{}"], count: 1)
            try await cli.sends(["stake", "1000"], count: 2)
            // The enclave's rules are checked before anything is sent: a gas key without 0.05 ETH is refused.
            let poor = try cli.dir.file("poor.hex", String(repeating: "1f", count: 32), mode: 0o600)
            try await cli.fails(["enclave-config", "--market", m, "--gas-key-file", poor], 3, "0.05 ETH")
            #expect(try await control.state()["runtime_config"] is NSNull)
            // A start block past 2^63 is an input error (exit 2), not a trap.
            try await cli.fails(
                [
                    "enclave-config", "--market", m, "--gas-key-file", gasFile, "--start-block",
                    "99999999999999999999",
                ], 2, "--start-block is too large")
            let dry = try await cli.run(["enclave-config", "--market", m, "--gas-key-file", gasFile, "--dry-run"])
            #expect(dry.status == 0 && dry.output.contains("not sent (dry run)"), "\(dry.output)")
            #expect(try await control.state()["runtime_config"] is NSNull)
            let configured = try await cli.run([
                "enclave-config", "--market", m, "--gas-key-file", gasFile, "--prover-port", "4000",
            ])
            #expect(configured.status == 0, "\(configured.output)")
            func port() async throws -> String? {
                let runtime = try await control.state()["runtime_config"] as? [String: Any]
                return ((runtime?["markets"] as? [String: Any])?[m] as? [String: Any])?["port"] as? String
            }
            #expect(try await port() == "4000")
            let (b, bench) = try await cli.json(["benchmark", "--market", m, "--runs", "2"])
            #expect(b == 0 && (bench["facts"] as? [String: Any])?.count == 2, "\(bench)")
            try await cli.sends(
                [
                    "join", "--market", m, "--compute-per-request", "2", "--proof-cost", "5", "--proposed-time",
                    f.isA ? "480blocks" : "10m",
                ],
                count: 1)
            try await cli.sends(["verify-key", "--market", m], count: 1)
            #expect(try await verified())
            let started = try await cli.run(["start"])
            #expect(started.status == 0 && started.output.contains("started listener"), "\(started.output)")

            let before = try await nonce(f)
            let onboard = try await cli.run([
                "onboard", "--market", m, "--reward-address", f.me.checksummed, "--compute", "10", "--metadata", "{}",
                "--stake", "1000", "--compute-per-request", "2", "--proof-cost", "5", "--proposed-time",
                f.isA ? "480blocks" : "10m", "--gas-key-file", gasFile,
            ])
            #expect(
                onboard.status == 0 && onboard.output.contains("Everything is done; nothing sent."), "\(onboard.output)"
            )
            #expect(onboard.output.contains("[done] verify key"), "\(onboard.output)")
            #expect(try await nonce(f) == before)
            // One market per operator on the enclave: another market's checklist does not take this market's
            // configuration for its own, and moving the enclave there says that this market's jobs stop.
            let other = "\(f.privateMarket)"
            let elsewhere = try await cli.run(["status", "--market", other], yes: false)
            #expect(
                elsewhere.output.contains("[blocked] configure enclave: the enclave serves market \(m)"),
                "\(elsewhere.output)")
            let moving = try await cli.run([
                "enclave-config", "--market", other, "--gas-key-file", gasFile, "--dry-run",
            ])
            #expect(moving.output.contains("warning: the enclave served market \(m)"), "\(moving.output)")
            #expect(try await port() == "4000")

            try await control.call("POST", "_sim/restart")
            #expect(try await !verified())
            let oldKey = try await chainKey(f, market)
            let dryUpdate = try await cli.run(["update-key", "--market", m, "--gas-key-file", gasFile, "--dry-run"])
            #expect(dryUpdate.status == 0 && dryUpdate.output.contains("[to do] update key"), "\(dryUpdate.output)")
            #expect(try await chainKey(f, market) == oldKey)
            let updated = try await cli.run(["update-key", "--market", m, "--gas-key-file", gasFile])
            #expect(updated.status == 0, "\(updated.output)")
            let key = try Hex.decode(try #require(try await control.state()["enclave_public_key"] as? String))
            #expect(try await chainKey(f, market) == key)
            #expect(try await verified())
            #expect(try await port() == "4000")
            #expect(try await nonce(f) == before + 2)

            // A malformed answer from the enclave: a clear error, nothing sent.
            try await control.call("POST", "_sim/fault", ["scope": "generator", "mode": "malformed"])
            try await cli.fails(["start"], 4, "not what its API returns")
            try await control.call("POST", "_sim/clear", [:])
            #expect(try await nonce(f) == before + 2)
            cli.assertNoSecrets()
        }
    }

    @Test(arguments: ["A", "B"])
    func onboardTwiceThenRestartAndUpdateKeyThenEnclaveFaults(generation: String) async throws {
        try await fresh(generation) { f, control in try await onboardRestartFaults(f, control) }
    }

    func onboardRestartFaults(_ f: OperatorFixture, _ control: Control) async throws {
        let cli = try OperatorCommandsDevnetTests.CLI(f)
        let gasFile = try cli.dir.file("gas.hex", try Self.gasKeyHex() + "\n", mode: 0o600)
        let ops = OperatorCommandsDevnetTests()
        let market = f.privateMarket
        let onboard = onboardArguments(f, gasFile: gasFile)

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
