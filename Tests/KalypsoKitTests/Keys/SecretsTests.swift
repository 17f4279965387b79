import Foundation
import TestSupport
import Testing

/// Runs every `key` and `config` command of the real binary with a known key and password, and looks
/// for any piece of either in everything they print and write (the keystores' ciphertext excepted).
@Suite("Keys and config: no secret in any output", .serialized)
struct SecretsTests {
    static let key = "4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318"
    /// eth-account's address for `key`.
    static let address = "0x2c7536E3605D9C16a7a3D7b1898e529396a65c23"
    static let password = "Kalypso-Secret-Passw0rd!"

    /// Every 12-character window of the secrets (a key split over lines or partly masked still shows).
    static var needles: [String] {
        func windows(_ s: String) -> [String] {
            let c = Array(s)
            return (0...(c.count - 12)).map { String(c[$0..<($0 + 12)]) }
        }
        return windows(key) + windows(key.uppercased()) + windows(password)
    }

    static func assertClean(_ text: String, _ what: String) {
        for n in needles where text.contains(n) {
            Issue.record("\(what) contains a piece of a secret: \(n.prefix(4))…")
            return
        }
    }

    /// The keystore's text with the ciphertext value removed (it is the key, encrypted: random-looking hex).
    static func withoutCiphertext(_ keystore: String) -> String {
        guard let r = keystore.range(of: #""ciphertext":"[0-9a-f]+""#, options: .regularExpression) else {
            return keystore
        }
        return keystore.replacingCharacters(in: r, with: "")
    }

    @Test(
        "key new, import, address, export-public, config check: right answers, and no piece of the key or password anywhere"
    )
    func keyCommands() async throws {
        let dir = try ScratchDirectory()
        let keyFile = try dir.file("op.hex", "0x\(Self.key)\n", mode: 0o600)
        let pwFile = try dir.file("pw", Self.password + "\n", mode: 0o600)
        let wrongPw = try dir.file("wrong", "not it\n", mode: 0o600)
        let loose = try dir.file("loose.hex", Self.key, mode: 0o644)
        let bin = RepoPaths.consoleBinary
        var env = ProcessInfo.processInfo.environment
        env["KALYPSO_PRIVATE_KEY"] = nil
        var outputs: [(String, ProcessResult)] = []
        func run(_ args: [String], input: String? = nil, extraEnv: [String: String] = [:]) async throws -> ProcessResult
        {
            let env = env
            let path = dir.path
            let r = try await offThePool {
                try runProcess(
                    [bin] + args, environment: env.merging(extraEnv) { $1 }, input: input, workingDirectory: path)
            }
            outputs.append((args.joined(separator: " "), r))
            return r
        }

        let a = try await run([
            "key", "import", "--key-file", keyFile, "--out", "a.json", "--kdf", "pbkdf2", "--password-file", pwFile,
        ])
        #expect(a.status == 0, "\(a.output)")
        #expect(a.output.contains(Self.address))
        let b = try await run(["key", "import", "--out", "b.json", "--password-file", pwFile], input: Self.key + "\n")
        #expect(b.status == 0, "\(b.output)")
        #expect(b.output.contains(Self.address))
        let c = try await run(["key", "new", "--out", "c.json", "--password-file", pwFile])
        #expect(c.status == 0, "\(c.output)")
        #expect(
            try await run(["key", "address", "--keystore", "a.json", "--password-file", pwFile]).output == Self.address
                + "\n"
        )
        #expect(
            try await run(["key", "address", "--keystore", "b.json", "--password-file", pwFile]).output == Self.address
                + "\n"
        )
        #expect(try await run(["key", "address", "--key-file", keyFile]).output == Self.address + "\n")
        let pub = try await run(["key", "export-public", "--keystore", "b.json", "--password-file", pwFile])
        #expect(pub.status == 0)
        // eth-keys: PrivateKey(key).public_key, uncompressed with the 0x04 prefix.
        #expect(
            pub.output.hasPrefix(
                "publicKey 0x044e3b81af9c2234cad09d679ce6035ed1392347ce64ce405f5dcd36228a25de6e47fd35c4215d1edf53e6f83de344615ce719bdb0fd878f6ed76f06dd277956de\n"
            ))
        #expect(pub.output.contains("address   \(Self.address)"))
        let fromEnv = try await run(
            ["key", "export-public", "--from-env"], extraEnv: ["KALYPSO_PRIVATE_KEY": Self.key])
        #expect(fromEnv.status == 0)
        #expect(fromEnv.output.contains("warning: the key comes from $KALYPSO_PRIVATE_KEY"))
        let wrong = try await run(["key", "address", "--keystore", "a.json", "--password-file", wrongPw])
        #expect(wrong.status == 3)
        #expect(wrong.output.contains("Keystore password is wrong"))
        let refused = try await run(["key", "address", "--key-file", loose])
        #expect(refused.status == 3)
        #expect(refused.output.contains("hint: chmod 600 \(loose)"))
        let exists = try await run([
            "key", "import", "--key-file", keyFile, "--out", "a.json", "--password-file", pwFile,
        ])
        #expect(exists.status == 3)
        #expect(exists.output.contains("exists and is never overwritten"))
        let badStdin = try await run(
            ["key", "import", "--out", "d.json", "--password-file", pwFile], input: Self.key.dropLast(3) + "xyz")
        #expect(badStdin.status == 3)

        // config check with the key sources named in the file and an RPC URL carrying credentials.
        let config = try dir.file(
            "kalypso-config.json",
            """
            {
              "chainId": 31337,
              "rpcHttp": "http://op:\(Self.password)@127.0.0.1:1/v2/\(Self.key)",
              "proof_market_place": "0x09635F643e140090A9A8Dcd712eD6285858ceBef",
              "generator_registry": "0xa85233C63b9Ee964Add6F2cffe00Fd84eb32338f",
              "entity_registry": "0xDc64a140Aa3E981100a9becA4E685f962f0cF6C9",
              "operatorKey": { "keystore": "a.json", "passwordFile": "pw" },
              "enclaveGasKey": { "keyFile": "op.hex" }
            }
            """, mode: 0o600)
        let check = try await run(["config", "check", "--config", config])
        #expect(check.status == 4, "\(check.output)")
        #expect(check.output.contains("operatorKey"))
        let checkJSON = try await run(["config", "check", "--config", config, "--json"])
        #expect(checkJSON.status == 4)
        let badConfig = try dir.file(
            "bad.json", "{\"rpcHttp\": \"ftp://u:\(Self.password)@h/\(Self.key)\"}", mode: 0o600)
        let bad = try await run(["config", "check", "--config", badConfig])
        #expect(bad.status == 3)
        #expect(try await run(["config", "check", "--config", badConfig, "--json"]).status == 3)

        for (what, r) in outputs { Self.assertClean(r.output, what) }
        for name in ["a.json", "b.json", "c.json"] {
            let p = dir.path + "/" + name
            let attrs = try FileManager.default.attributesOfItem(atPath: p)
            #expect((attrs[.posixPermissions] as? Int) == 0o600, "\(name) mode")
            let text = try String(contentsOfFile: p, encoding: .utf8)
            #expect(text.contains("\"ciphertext\""))
            Self.assertClean(Self.withoutCiphertext(text), name)
        }
        #expect(!FileManager.default.fileExists(atPath: dir.path + "/d.json"))
    }

    @Test(
        "operator write commands (key file, keystore, environment, credentials in the RPC URL, read-only, dry run, bad input): no piece of the key or password"
    )
    func operatorCommands() async throws {
        let dir = try ScratchDirectory()
        let keyFile = try dir.file("op.hex", "  0x\(Self.key)\n", mode: 0o600)
        let pwFile = try dir.file("pw", Self.password + "\n", mode: 0o600)
        let bin = RepoPaths.consoleBinary
        var env = ProcessInfo.processInfo.environment
        env["KALYPSO_PRIVATE_KEY"] = nil
        env["KALYPSO_GAS_PRIVATE_KEY"] = nil
        // Port 1 refuses connections: every write stops at the node (exit 4) after loading the key.
        let config = try dir.file(
            "kalypso-config.json",
            """
            {
              "chainId": 31337,
              "rpcHttp": "http://op:\(Self.password)@127.0.0.1:1/v2/\(Self.key)",
              "proof_market_place": "0x09635F643e140090A9A8Dcd712eD6285858ceBef",
              "generator_registry": "0xa85233C63b9Ee964Add6F2cffe00Fd84eb32338f",
              "entity_registry": "0xDc64a140Aa3E981100a9becA4E685f962f0cF6C9",
              "generation": "A"
            }
            """, mode: 0o600)
        var outputs: [(String, ProcessResult)] = []
        func run(_ args: [String], extraEnv: [String: String] = [:]) async throws -> ProcessResult {
            let env = env.merging(extraEnv) { $1 }
            let path = dir.path
            let argv = args.first == "key" ? args : args + ["--config", config]
            let r = try await offThePool {
                try runProcess([bin] + argv, environment: env, workingDirectory: path)
            }
            outputs.append((args.joined(separator: " "), r))
            return r
        }
        let import_ = try await run([
            "key", "import", "--key-file", keyFile, "--out", "op.json", "--kdf", "pbkdf2", "--password-file", pwFile,
        ])
        #expect(import_.status == 0, "\(import_.output)")
        let writes: [[String]] = [
            ["register", "--reward-address", Self.address, "--compute", "10"],
            ["stake", "12.5"],
            [
                "join", "--market", "1", "--compute-per-request", "1", "--proof-cost", "5",
                "--proposed-time", "10blocks",
            ],
            ["compute", "reduce", "--to", "3"], ["unstake", "1"], ["withdraw"], ["claim"], ["deregister"],
            ["set-reward-address", Self.address], ["discard", "7"], ["leave", "--market", "1"],
        ]
        for args in writes {
            let viaFile = try await run(args + ["--key-file", keyFile, "--yes", "--json"])
            #expect(viaFile.status == 4, "\(args): \(viaFile.output)")
            let viaKeystore = try await run(args + ["--keystore", "op.json", "--password-file", pwFile, "--dry-run"])
            #expect(viaKeystore.status == 4, "\(args): \(viaKeystore.output)")
        }
        let viaEnv = try await run(["claim", "--yes"], extraEnv: ["KALYPSO_PRIVATE_KEY": Self.key])
        #expect(viaEnv.status == 4)
        #expect(viaEnv.output.contains("warning: the key comes from $KALYPSO_PRIVATE_KEY"))
        let readOnly = try await run(["claim", "--read-only", "--key-file", keyFile])
        #expect(readOnly.status == 2)
        // A key in the wrong place: the value is never echoed.
        let misplaced = try await run(["set-reward-address", Self.key, "--key-file", keyFile])
        #expect(misplaced.status == 2)
        let badKey = try dir.file("bad.hex", Self.key.dropLast(2) + "zz", mode: 0o600)
        #expect(try await run(["claim", "--key-file", badKey]).status == 3)
        for (what, r) in outputs { Self.assertClean(r.output, what) }
    }
}
