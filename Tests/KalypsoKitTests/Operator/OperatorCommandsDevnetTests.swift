import Basics
import BigInt
import EthereumKit
import Foundation
import KalypsoKit
import KalypsoStore
import TestSupport
import Testing

/// The headless operator commands as an operator runs them: the real binary against the devnet of each
/// generation (one devnet per generation for this suite), its exit codes and output read back, and the
/// chain checked after each command with the test's own eth_calls.
/// The two generations run side by side: each has its own devnet and scratch folder.
@Suite struct OperatorCommandsDevnetTests {
    static let a = SharedDevnet { try await DevnetNetwork.start(generation: "A", seed: false) }
    static let b = SharedDevnet { try await DevnetNetwork.start(generation: "B", seed: false) }

    /// Runs the binary with the devnet's config and operator key, a scratch database, and `--yes`.
    final class CLI: @unchecked Sendable {
        let f: OperatorFixture
        let dir: ScratchDirectory
        let keyFile: String
        let keyHex: String
        var outputs: [(String, String)] = []

        init(_ f: OperatorFixture) throws {
            self.f = f
            dir = try ScratchDirectory()
            keyHex = try String(contentsOfFile: f.network.operatorKeyFile, encoding: .utf8)
                .trimmingCharacters(in: .whitespacesAndNewlines)
            // With 0x and surrounding whitespace: the key file forms an operator writes.
            keyFile = try dir.file(
                "op.hex", "  0x\(keyHex.hasPrefix("0x") ? String(keyHex.dropFirst(2)) : keyHex)\n", mode: 0o600)
        }

        /// `args` + the locating options, after the command name or (`before`) before it.
        func run(_ args: [String], before: Bool = false, yes: Bool = true) async throws -> ProcessResult {
            let globals =
                ["--config", f.network.configPath, "--key-file", keyFile, "--database", dir.path + "/k.sqlite"]
                + (yes ? ["--yes"] : [])
            let argv = before ? globals + args : args + globals
            var env = ProcessInfo.processInfo.environment
            env["KALYPSO_PRIVATE_KEY"] = nil
            env["KALYPSO_GAS_PRIVATE_KEY"] = nil
            let bin = RepoPaths.consoleBinary
            let path = dir.path
            let environment = env
            let result = try await offThePool {
                try runProcess([bin] + argv, environment: environment, workingDirectory: path)
            }
            outputs.append((args.joined(separator: " "), result.output))
            return result
        }

        /// Runs with `--json` and parses the one JSON object it prints.
        func json(_ args: [String], before: Bool = false) async throws -> (Int32, [String: Any]) {
            let r = try await run(args + ["--json"], before: before)
            guard let start = r.output.firstIndex(of: "{"),
                let object = try? JSONSerialization.jsonObject(with: Data(r.output[start...].utf8)) as? [String: Any]
            else {
                Issue.record("no JSON object in the output of \(args): \(r.output)")
                return (r.status, [:])
            }
            return (r.status, object)
        }

        /// Expects exit 0 and every transaction confirmed; returns the transactions.
        @discardableResult
        func sends(_ args: [String], count: Int, sourceLocation: SourceLocation = #_sourceLocation) async throws
            -> [[String: Any]]
        {
            let (status, o) = try await json(args)
            #expect(status == 0, "\(args): \(o)", sourceLocation: sourceLocation)
            let txs = o["transactions"] as? [[String: Any]] ?? []
            #expect(txs.count == count, "\(args): \(o)", sourceLocation: sourceLocation)
            #expect(txs.allSatisfy { $0["status"] as? String == "confirmed" }, "\(o)", sourceLocation: sourceLocation)
            return txs
        }

        /// Expects exit `code` and `text` in the output (a pre-flight refusal is 5).
        func fails(
            _ args: [String], _ code: Int32, _ text: String, sourceLocation: SourceLocation = #_sourceLocation
        ) async throws {
            let r = try await run(args)
            #expect(r.status == code, "\(args): \(r.output)", sourceLocation: sourceLocation)
            #expect(r.output.contains(text), "\(args): \(r.output)", sourceLocation: sourceLocation)
        }

        /// No piece of the operator key in anything the commands printed.
        func assertNoSecrets() {
            let key = Array(keyHex.hasPrefix("0x") ? String(keyHex.dropFirst(2)) : keyHex)
            let windows = (0...(key.count - 12)).map { String(key[$0..<($0 + 12)]) }
            for (what, text) in outputs {
                for w in windows where text.lowercased().contains(w.lowercased()) {
                    Issue.record("output of \(what) contains a piece of the key: \(w.prefix(4))…")
                    break
                }
            }
        }
    }

    func fixture(_ generation: String) async throws -> OperatorFixture {
        let network = generation == "A" ? try await Self.a.get() : try await Self.b.get()
        return try await OperatorFixture.make(generation, network: network)
    }

    func declared(_ f: OperatorFixture) async throws -> BigUInt {
        if f.isA {
            let g = try await f.call(
                f.registry, "generatorRegistry(address)", [.address(f.me)],
                returns: "address,uint256,uint256,uint256,uint256,uint256,uint256,uint256,uint256,bytes")
            return g[6].uintValue ?? 0
        }
        let p = try await f.call(
            f.registry, "proverRegistry(address)", [.address(f.me)],
            returns: "address,uint256,uint256,uint256,uint256,uint256,bytes")
        return p[4].uintValue ?? 0
    }

    func rewardAddress(_ f: OperatorFixture) async throws -> Address? {
        if f.isA {
            let g = try await f.call(
                f.registry, "generatorRegistry(address)", [.address(f.me)],
                returns: "address,uint256,uint256,uint256,uint256,uint256,uint256,uint256,uint256,bytes")
            return g[0].addressValue
        }
        let p = try await f.call(
            f.registry, "proverRegistry(address)", [.address(f.me)],
            returns: "address,uint256,uint256,uint256,uint256,uint256,bytes")
        return p[0].addressValue
    }

    func staked(_ f: OperatorFixture) async throws -> BigUInt {
        if f.isA {
            let g = try await f.call(
                f.registry, "generatorRegistry(address)", [.address(f.me)],
                returns: "address,uint256,uint256,uint256,uint256,uint256,uint256,uint256,uint256,bytes")
            return g[1].uintValue ?? 0
        }
        let tokens = try await f.call(f.nativeStaking, "getStakeTokenList()", [], returns: "address[]")
        let pond = try #require(tokens[0].elements?.first?.addressValue)
        return try await f.uint(
            f.nativeStaking, "getProverStakeAmount(address,address)", [.address(pond), .address(f.me)])
    }

    func memberState(_ f: OperatorFixture, _ market: BigUInt) async throws -> BigUInt {
        let returns = f.isA ? "uint8,uint256,uint256,uint256,uint256" : "uint8,uint256,uint256,uint256,uint256,uint256"
        let fn = f.isA ? "generatorInfoPerMarket(address,uint256)" : "proverInfoPerMarket(address,uint256)"
        return try await f.call(f.registry, fn, [.address(f.me), .uint(market)], returns: returns)[0].uintValue ?? 0
    }

    @Test(arguments: ["A", "B"])
    func anOperatorsWholeLifeFromTheCommandLine(generation: String) async throws {
        let f = try await fixture(generation)
        let cli = try CLI(f)
        let me = f.me.checksummed

        // Read-only refuses every write with exit 2 before loading anything.
        try await cli.fails(["register", "--reward-address", me, "--compute", "11", "--read-only"], 2, "Read-only")
        // Pre-flight refusals (exit 5) before registering.
        try await cli.fails(["deregister"], 5, "The operator is not registered")
        // Bad input is a usage error naming the argument.
        try await cli.fails(["register", "--reward-address", "0x12", "--compute", "11"], 2, "--reward-address")
        try await cli.fails(["stake", "12.5.3"], 2, "AMOUNT")

        // register, with the global options before the command name.
        let (status, reg) = try await cli.json(
            ["register", "--reward-address", me, "--compute", "11", "--metadata", #"{"name":"cli"}"#], before: true)
        #expect(status == 0, "\(reg)")
        #expect(try await declared(f) == 11)
        try await cli.fails(["register", "--reward-address", me, "--compute", "11"], 5, "already registered")

        // stake: a dry run simulates the approval and sends nothing; then approval + stake.
        let (dryStatus, dry) = try await cli.json(["stake", "1000", "--dry-run"])
        #expect(dryStatus == 0, "\(dry)")
        let dryTxs = dry["transactions"] as? [[String: Any]] ?? []
        #expect(dryTxs.map { $0["status"] as? String } == ["simulated", "notSimulated"], "\(dry)")
        #expect(try await staked(f) == 0)
        let stakeTxs = try await cli.sends(["stake", "1000"], count: 2)
        #expect(stakeTxs.first?["function"] as? String == "approve(address,uint256)")
        #expect(try await staked(f) == 1000 * e18)
        // The allowance was used up: approval again, for exactly the amount.
        try await cli.sends(["stake", "5000000wei"], count: 2)
        #expect(try await staked(f) == 1000 * e18 + 5_000_000)
        if !f.isA {
            // Generation B: another supported token with --token; a token NativeStaking does not take is refused.
            let weth = try f.contract("stakeToken2")
            try await cli.sends(["stake", "0.5", "--token", weth.checksummed], count: 2)
            let wethStaked = try await f.uint(
                f.nativeStaking, "getProverStakeAmount(address,address)", [.address(weth), .address(f.me)])
            #expect(wethStaked == e18 / 2)
            let usdc = try #require(f.config.contracts.paymentToken)
            try await cli.fails(["stake", "1", "--token", usdc.checksummed], 5, "does not take this token")
        }

        // More pre-flight refusals, each with its message (exit 5), nothing sent.
        try await cli.fails(["compute", "increase", "0"], 5, "changes nothing")
        try await cli.fails(["withdraw"], 5, f.isA ? "No stake reduction is pending" : "No stake withdrawal is pending")
        try await cli.fails(["unstake", "999999"], 5, "Cannot take out more than is staked")
        try await cli.fails(
            [
                "join", "--market", "99", "--compute-per-request", "1", "--proof-cost", "5", "--proposed-time",
                f.isA ? "10blocks" : "1m",
            ],
            5, "There is no market 99")
        try await cli.fails(["set-reward-address", Address.zero.checksummed], 5, "reward address is zero")

        // join the public market (no enclave key) and, with the enclave simulator's key, the private one.
        // The devnet's jobs give 40 blocks / 3600 s to prove: the public market's time must fit.
        let publicTime = f.isA ? "10blocks" : "1m"
        let time = f.isA ? "480blocks" : "10m"
        let outOfBounds = f.isA ? "18446744073709551616blocks" : "9999h"
        try await cli.fails(
            [
                "join", "--market", "\(f.publicMarket)", "--compute-per-request", "1", "--proof-cost", "5",
                "--proposed-time", outOfBounds,
            ], 5, "outside the market's bounds")
        if !f.isA {
            // The latest benchmark in the cache bounds the proposed time from below (twice the benchmark).
            let cache = ChainCache(database: try KalypsoDatabase(path: cli.dir.path + "/k.sqlite"))
            let network = try cache.networkId(for: try ChainSync.cacheKey(config: f.config))
            // Kept under the enclave key's lowercase address, as `benchmark` records it.
            let enclave = try #require(f.network.enclaveURLs["enclaveAddress"]).lowercased()
            let market = Int64(f.publicMarket)
            try cache.recordBenchmark(
                BenchmarkRun(enclave: enclave, marketId: market, milliseconds: 40_000, at: 1), network: network)
            try await cli.fails(
                [
                    "join", "--market", "\(f.publicMarket)", "--compute-per-request", "1", "--proof-cost", "5",
                    "--proposed-time", publicTime,
                ], 5, "shorter than the benchmark allows")
            try cache.recordBenchmark(
                BenchmarkRun(enclave: enclave, marketId: market, milliseconds: 20_000, at: 2), network: network)
        }
        try await cli.sends(
            [
                "join", "--market", "\(f.publicMarket)", "--compute-per-request", "1", "--proof-cost", "5",
                "--proposed-time", publicTime, "--commission", "10%",
            ], count: 1)
        #expect(try await memberState(f, f.publicMarket) == 1)
        try await cli.fails(
            [
                "join", "--market", "\(f.publicMarket)", "--compute-per-request", "1", "--proof-cost", "5",
                "--proposed-time", time,
            ], 5, "already in market")
        try await cli.sends(
            [
                "join", "--market", "\(f.privateMarket)", "--compute-per-request", "2", "--proof-cost", "5",
                "--proposed-time", time,
            ], count: 1)
        #expect(try await memberState(f, f.privateMarket) == 1)
        let key = try await f.call(
            f.keyRegistry, "pub_key(address,uint256)", [.address(f.me), .uint(f.privateMarket)], returns: "bytes")
        #expect(key[0].bytesValue?.count == 64)
        // verify-key: the TEE market's verifier (config markets.<id>.teeVerifier); a plain verifier needs none.
        try await cli.sends(["verify-key", "--market", "\(f.teeMarket)"], count: 1)
        try await cli.fails(["verify-key", "--market", "\(f.publicMarket)"], 5, "needs no key verification")
        // The enclave key, verified by the key registry when it joined the private market, cannot join another
        // market (the contract would revert EnclaveKeyNotVerified()): refused before anything is signed.
        let refusal = try await cli.run([
            "join", "--market", "\(f.teeMarket)", "--compute-per-request", "1", "--proof-cost", "5",
            "--proposed-time", time,
        ])
        #expect(refusal.status == 5, "\(refusal.output)")
        #expect(
            refusal.output.contains(
                "error: The enclave's key is already registered and cannot join market \(f.teeMarket)"),
            "\(refusal.output)")
        #expect(refusal.output.contains("EnclaveKeyNotVerified()"), "\(refusal.output)")
        #expect(refusal.output.contains("hint: One enclave key serves one market"), "\(refusal.output)")
        #expect(
            !refusal.output.contains("Join market \(f.teeMarket)"),
            "nothing was reviewed for sending: \(refusal.output)")
        #expect(try await memberState(f, f.teeMarket) == 0)

        // Without --yes and without a terminal to ask on, nothing is sent.
        let unasked = try await cli.run(["compute", "increase", "4"], yes: false)
        #expect(unasked.status == 5, "\(unasked.output)")
        #expect(unasked.output.contains("not a terminal and no --yes: nothing sent"))
        #expect(unasked.output.contains("Increase declared compute by 4 to 15"), "the review is shown first")
        #expect(try await declared(f) == 11)

        // compute: increase, then reduce in two steps over the waiting period.
        try await cli.sends(["compute", "increase", "4"], count: 1)
        #expect(try await declared(f) == 15)
        let (r1, step1) = try await cli.json(["compute", "reduce", "--to", "9"])
        #expect(r1 == 0, "\(step1)")
        #expect((step1["waiting"] as? [String: Any])?["command"] as? String == nil ? false : true, "\(step1)")
        let (r2, early) = try await cli.json(["compute", "reduce", "--to", "9"])
        #expect(r2 == 0, "a step not yet due exits 0: \(early)")
        #expect((early["transactions"] as? [Any])?.isEmpty == true)
        #expect(early["waiting"] is [String: Any], "\(early)")
        if f.isA { try await f.network.rpc.mine() } else { try await f.network.rpc.increaseTime(101) }
        try await f.network.rpc.mine()
        try await cli.sends(["compute", "reduce", "--to", "9"], count: 1)
        let (expected, _) = try f.referenceReduction(current: 15, requested: 6)
        #expect(try await declared(f) == expected)

        // unstake, withdraw (waiting first on B: 3600 s).
        let before = try await staked(f)
        let (u, unstake) = try await cli.json(["unstake", "100"])
        #expect(u == 0, "\(unstake)")
        if !f.isA {
            let (w, waiting) = try await cli.json(["withdraw"])
            #expect(w == 0 && waiting["waiting"] is [String: Any], "\(waiting)")
            try await f.network.rpc.increaseTime(3601)
        }
        try await f.network.rpc.mine()
        try await cli.sends(["withdraw"], count: 1)
        let after = try await staked(f)
        #expect(before - after >= 100 * e18, "\(before) → \(after)")

        // set-reward-address and set-metadata (Generation B only).
        let newReward = try Address("0x00000000000000000000000000000000000000aa")
        try await cli.sends(["set-reward-address", newReward.checksummed], count: 1)
        #expect(try await rewardAddress(f) == newReward)
        try await cli.sends(["set-reward-address", me], count: 1)
        if f.isA {
            try await cli.fails(["set-metadata", "x"], 5, "Generation")
        } else {
            try await cli.sends(["set-metadata", #"{"name":"cli 2"}"#], count: 1)
            let p = try await f.call(
                f.registry, "proverRegistry(address)", [.address(f.me)],
                returns: "address,uint256,uint256,uint256,uint256,uint256,bytes")
            #expect(p[6].bytesValue == Array(#"{"name":"cli 2"}"#.utf8))
        }

        // claim the reward of a proven job.
        _ = try f.job(market: f.publicMarket, reward: 50 * BigUInt(10).power(6), prove: true)
        try await cli.sends(["claim"], count: 1)
        try await cli.fails(["claim"], 5, "Nothing to claim")

        // leave while a job runs: the exit is requested and the command waits (exit 0, says what to run).
        let job = try f.job(market: f.publicMarket, reward: 50 * BigUInt(10).power(6), prove: false)
        let (l, leaving) = try await cli.json(["leave", "--market", "\(f.publicMarket)"])
        #expect(l == 0, "\(leaving)")
        #expect((leaving["transactions"] as? [Any])?.count == 1, "\(leaving)")
        let waitingLeave = leaving["waiting"] as? [String: Any]
        #expect((waitingLeave?["command"] as? String)?.hasPrefix("kalypso-console leave --market") == true)
        #expect(try await memberState(f, f.publicMarket) != 0)
        // discard the running job, then leave for good.
        try await cli.sends(["discard", "\(job)"], count: 1)
        try await cli.fails(["discard", "\(job)"], 5, "not assigned")
        try await cli.sends(["leave", "--market", "\(f.publicMarket)"], count: 1)
        #expect(try await memberState(f, f.publicMarket) == 0)
        // With nothing running, the exit request leaves at once (both generations).
        try await cli.sends(["leave", "--market", "\(f.privateMarket)"], count: 1)
        #expect(try await memberState(f, f.privateMarket) == 0)
        try await cli.fails(["leave", "--market", "\(f.privateMarket)"], 5, "not in market")
        try await cli.sends(["deregister"], count: 1)
        #expect(try await declared(f) == 0)

        cli.assertNoSecrets()
    }
}
