import Foundation
import TerminalKitTesting
import TestSupport
import Testing

/// The onboarding wizard of the real console under tmux, driven only by keystrokes, against a devnet of each
/// generation started WITHOUT `--onboard` (our operator starts unregistered) and its enclave simulator. Each
/// test reads the chain back with its own eth_calls and the enclave through the simulator's control API.
@Suite(.serialized) struct OnboardingWizardEndToEndTests {
    static let a = SharedDevnet { try await DevnetNetwork.start(generation: "A", seed: false) }
    static let b = SharedDevnet { try await DevnetNetwork.start(generation: "B", seed: false) }

    /// The market with a TEE verifier (Generation A: 2, B: 3): every step of spec §2.8, verify key included.
    static func market(_ net: DevnetNetwork) -> Int { net.generation == "A" ? 2 : 3 }

    /// Whether our operator is a member of the market (Gen A `generatorInfoPerMarket` 0x9a7fca8e, Gen B
    /// `proverInfoPerMarket` 0xbe51f4ef: the state word is 1).
    static func joined(_ net: DevnetNetwork) async throws -> Bool {
        guard net.generation == "A" else {
            return try await ConsoleDevnetEndToEndTests.memberState(net, market: market(net)) == 1
        }
        let data = "0x9a7fca8e" + word(net.operatorAddress) + word(String(market(net), radix: 16))
        let result = try await net.rpc.callString(
            "eth_call", [["to": try net.contract("generatorRegistry"), "data": data], "latest"])
        return Int(result.dropFirst(2).prefix(64), radix: 16) == 1
    }

    /// Our operator's stake in base units (Gen A `generatorRegistry(address).totalStake` 0x8cfc56d8, Gen B the
    /// staking pool's getter).
    static func staked(_ net: DevnetNetwork) async throws -> Decimal {
        guard net.generation == "A" else {
            return try await ConsoleDevnetEndToEndTests.proverStake(net, token: try net.contract("stakingToken")) ?? 0
        }
        let result = try await net.rpc.callString(
            "eth_call",
            [
                ["to": try net.contract("generatorRegistry"), "data": "0x8cfc56d8" + word(net.operatorAddress)],
                "latest",
            ])
        let total = result.dropFirst(2).dropFirst(64).prefix(64)
        return total.reduce(Decimal(0)) { acc, c in c.hexDigitValue.map { acc * 16 + Decimal($0) } ?? acc }
    }

    /// The devnet's gas key (dev account 2 of the devnet mnemonic), from the devnet's own Python, in a file.
    static func gasKeyFile(_ net: DevnetNetwork) throws -> String {
        let code = """
            import sys; sys.path.insert(0, sys.argv[1])
            from kalypso_devnet.rpc import dev_account
            from kalypso_devnet import constants as C
            print(dev_account(C.GAS_KEY).key.hex())
            """
        let result = try runProcess([RepoPaths.python, "-c", code, RepoPaths.path("devnet")])
        guard result.succeeded else { throw DevnetError("gas key: \(result.output)") }
        let path = net.runDirectory + "/gas.key"
        FileManager.default.createFile(
            atPath: path, contents: Data(result.output.trimmingCharacters(in: .whitespacesAndNewlines).utf8),
            attributes: [.posixPermissions: 0o600])
        return path
    }

    /// The simulator's control API.
    static func simulator(_ net: DevnetNetwork, _ method: String, _ path: String) throws -> [String: Any] {
        let control = try #require(net.enclaveURLs["control"])
        let body = method == "POST" ? ["-H", "Content-Type: application/json", "-d", "{}"] : []
        let result = try runProcess(["curl", "-s", "-X", method] + body + [control + path])
        guard result.succeeded,
            let object = try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any]
        else { throw DevnetError("simulator \(path): \(result.output)") }
        return object
    }

    static func word(_ hex: String) -> String {
        let h = hex.lowercased().replacingOccurrences(of: "0x", with: "")
        return String(repeating: "0", count: max(0, 64 - h.count)) + h
    }

    /// `getVerifiedKey(enclave)` of the market's TEE verifier (0x01d58fa3): non-zero once verified.
    static func verified(_ net: DevnetNetwork, enclave: String) async throws -> Bool {
        let config = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: net.configPath)))
                as? [String: Any])
        let markets = try #require(config["markets"] as? [String: Any])
        let verifier = try #require((markets[String(market(net))] as? [String: Any])?["teeVerifier"] as? String)
        let result = try await net.rpc.callString(
            "eth_call", [["to": verifier, "data": "0x01d58fa3" + word(enclave)], "latest"])
        return result.dropFirst(2).contains { $0 != "0" }
    }

    /// `pub_key(operator, market)` of the entity key registry (0xe1a63130), as hex.
    static func chainKey(_ net: DevnetNetwork) async throws -> String {
        let data = "0xe1a63130" + word(net.operatorAddress) + word(String(market(net), radix: 16))
        return try await net.rpc.callString(
            "eth_call", [["to": try net.contract("entityKeyRegistry"), "data": data], "latest"])
    }

    /// The console without `--screen` (it opens on Onboarding) with the operator's and the gas key's files.
    static func open(_ net: DevnetNetwork, db: String, gas: String) throws -> Tmux {
        let command =
            Tmux.quote(RepoPaths.consoleBinary) + " --config " + Tmux.quote(net.configPath) + " --database "
            + Tmux.quote(db) + " --key-file " + Tmux.quote(net.operatorKeyFile) + " --gas-key-file " + Tmux.quote(gas)
        let tm = try Tmux(
            command: command, cols: 120, rows: 40, env: ConsoleDevnetEndToEndTests.utf8,
            unset: ["KALYPSO_PRIVATE_KEY", "KALYPSO_GAS_PRIVATE_KEY"])
        try tm.waitFor("the onboarding checklist", timeout: .seconds(120)) {
            $0.contains("[1 Onboarding]") && $0.contains("Onboarding: market") && $0.contains("steps done")
        }
        return tm
    }

    /// Whether the checklist line of `step` shows `state`.
    static func stepIs(_ screen: String, _ step: String, _ state: String) -> Bool {
        screen.split(separator: "\n").contains { $0.contains(" \(step) ") && $0.contains(" \(state) ") }
    }

    /// Enter on the next step (its form, if any, taken as suggested), then Send in the review when it signs.
    static func doStep(_ tm: Tmux, _ step: String, form: Bool, signs: Bool, timeout: Duration = .seconds(120))
        throws
    {
        try tm.waitFor("'\(step)' to do", timeout: .seconds(60)) { stepIs($0, step, "to do") }
        try tm.send("Enter")
        if form {
            try tm.waitFor(text: "go on")
            try tm.send("Enter")
        }
        if signs {
            try tm.waitFor(text: "Send", timeout: .seconds(60))
            try tm.send("Right")
            try tm.send("Enter")
        }
        try tm.waitFor("'\(step)' done", timeout: timeout) { stepIs($0, step, "done") }
    }

    @Test(arguments: ["B", "A"])
    func firstTimeOnboardingByKeystrokesQuitMidWayAndResume(generation: String) async throws {
        let net = generation == "A" ? try await Self.a.get() : try await Self.b.get()
        let market = Self.market(net)
        let gas = try Self.gasKeyFile(net)
        let db = FileManager.default.temporaryDirectory.path + "/wizard-e2e-\(UUID().uuidString.prefix(8)).sqlite"
        #expect(try await !Self.joined(net))
        var tm = try Self.open(net, db: db, gas: gas)
        // The market with the TEE verifier, chosen by its id.
        try tm.send("m")
        try tm.waitFor(text: "Onboard into which market?")
        for _ in 0..<4 { try tm.send("BSpace") }
        try tm.type(String(market))
        try tm.send("Enter")
        try tm.waitFor(text: "Onboarding: market \(market)", timeout: .seconds(60))
        try Self.doStep(tm, "register", form: true, signs: true)
        try Self.doStep(tm, "stake", form: true, signs: true)
        try Self.doStep(tm, "configure enclave", form: true, signs: false)
        // Quit half-way; the console opened again resumes from what the chain and the enclave say (the market
        // is the one whose enclave configuration was sent).
        try tm.send("q")
        try tm.waitForExit()
        tm.close()
        tm = try Self.open(net, db: db, gas: gas)
        defer { tm.close() }
        var screen = try tm.waitFor("the market chosen before", timeout: .seconds(60)) {
            Self.stepIs($0, "register", "done") && Self.stepIs($0, "configure enclave", "done")
        }
        #expect(screen.contains("Onboarding: market \(market)"))
        try Self.doStep(tm, "benchmark", form: false, signs: false, timeout: .seconds(300))
        try Self.doStep(tm, "join", form: true, signs: true)
        try Self.doStep(tm, "verify key", form: false, signs: true)
        try Self.doStep(tm, "start programs", form: false, signs: false)
        screen = try tm.waitFor(text: "onboarded", timeout: .seconds(60))
        #expect(screen.contains("nothing left to do"))
        // The chain and the enclave, read by the test itself.
        #expect(try await Self.joined(net))
        #expect(try await Self.staked(net) > 0)
        let state = try Self.simulator(net, "GET", "/_sim/state")
        let programs = state["programs"] as? [String: String] ?? [:]
        #expect(programs["listener"] == "Running" && programs["prover"] == "Running", "\(programs)")
        let enclave = try #require(state["enclave_address"] as? String)
        #expect(try await Self.verified(net, enclave: enclave))

        // (b) The enclave restarts: the screen notices, and one action brings the new key on chain.
        let before = try await Self.chainKey(net)
        _ = try Self.simulator(net, "POST", "/_sim/restart")
        try tm.waitFor("the restart noticed", timeout: .seconds(120)) { $0.contains("The enclave restarted") }
        try tm.send("u")
        try tm.waitFor(text: "Send", timeout: .seconds(60))
        try tm.send("Right")
        try tm.send("Enter")
        screen = try tm.waitFor("onboarded again", timeout: .seconds(180)) {
            $0.contains("onboarded") && !$0.contains("The enclave restarted")
        }
        let after = try await Self.chainKey(net)
        #expect(after != before)
        let restarted = try Self.simulator(net, "GET", "/_sim/state")
        let newEnclave = try #require(restarted["enclave_address"] as? String)
        #expect(newEnclave != enclave)
        #expect(try await Self.verified(net, enclave: newEnclave))
        let programsAfter = restarted["programs"] as? [String: String] ?? [:]
        #expect(programsAfter["listener"] == "Running" && programsAfter["prover"] == "Running", "\(programsAfter)")
        try tm.send("q")
        try tm.waitForExit()
    }
}
