import Basics
import BigInt
import EthereumKit
import Foundation
import TestSupport
import Testing

@testable import KalypsoKit

/// The detail lines of the error a document produces (one line per invalid value).
private func errorLines(_ json: String, base: KalypsoConfig = KalypsoConfig()) -> [String] {
    do {
        _ = try ConfigParser.parse(json, file: "kalypso-config.json", base: base)
        return []
    } catch {
        return error.issues.map(\.description)
    }
}

@Suite("Config: parsing kalypso-config.json")
struct ConfigParserTests {
    @Test("the repository's sample parses and holds the devnet's addresses")
    func sample() throws {
        let text = try String(contentsOfFile: RepoPaths.path("kalypso-config.json"), encoding: .utf8)
        let c = try ConfigParser.parse(text, file: "kalypso-config.json")
        #expect(c.chainId == 31337)
        #expect(c.generation == .b)
        #expect(c.rpcHttp.map(\.url.absoluteString) == ["http://127.0.0.1:8545"])
        #expect(c.rpcWs?.url.absoluteString == "wss://127.0.0.1:8545")
        #expect(c.logStartBlock == 1)
        #expect(c.readOnly == false)
        #expect(c.operatorAddress == (try Address("0x70997970C51812dc3A010C7d01b50e0d17dc79C8")))
        #expect(c.contracts.generatorRegistry == (try Address("0xa85233C63b9Ee964Add6F2cffe00Fd84eb32338f")))
        #expect(c.contracts.proofMarketplace == (try Address("0x09635F643e140090A9A8Dcd712eD6285858ceBef")))
        // The zero address reads as "not deployed".
        #expect(c.contracts.symbioticStaking == nil)
        #expect(c.contracts.teeVerifierDeployer == nil)
        #expect(c.markets[3]?.teeVerifier == (try Address("0x9d4454B023096f34B160D6B654540c56A1F81688")))
        #expect(c.markets[1]?.teeVerifier == nil)
        #expect(c.markets.count == 4)
        #expect(c.generatorEnclave?.url?.url.absoluteString == "http://127.0.0.1:5000")
        #expect(c.checkInputUrl?.url.host == "not_available")
        // The documentation object is kept, not interpreted.
        #expect(c.extra["$comment"] != nil)
        #expect(ConfigParser.missingRequired(c, file: "kalypso-config.json").isEmpty)
    }

    @Test("the sample documents every key the reader knows")
    func sampleDocumentsEveryKey() throws {
        let text = try String(contentsOfFile: RepoPaths.path("kalypso-config.json"), encoding: .utf8)
        let c = try ConfigParser.parse(text, file: "kalypso-config.json")
        guard case .object(let doc)? = c.extra["$comment"]?.value,
            case .object(let keys)? = doc.first(where: { $0.key == "keys" })?.value.value
        else {
            Issue.record("$comment.keys is not an object")
            return
        }
        let documented = Set(keys.map(\.key))
        // A document that sets every key once: none may land in `extra` (i.e. each is known).
        let known = [
            "networkName", "chainId", "rpcHttp", "rpcWs", "generation", "logStartBlock", "readOnly", "operator",
            "payment_token", "staking_token", "generator_registry", "attestation_verifier", "entity_registry",
            "proof_market_place", "tee_verifier_deployer", "nativeStaking", "symbioticStaking", "stakingManager",
            "markets", "generatorEnclave", "matchingEngineEnclave", "ivsEnclave", "checkInputUrl",
            "attestationVerifierEndPoint", "refresh", "theme", "keyBindings", "fees", "confirmations", "operatorKey",
            "enclaveGasKey",
        ]
        #expect(documented == Set(known))
        let probe = "{" + known.map { "\"\($0)\": null" }.joined(separator: ",") + "}"
        let parsed = errorLines(probe)
        #expect(parsed.count == known.count, "every known key refuses null, so none is treated as unknown")
    }

    @Test("every key with a wrong type: one golden line each, in file order, all in one error")
    func everyKeyWrongType() {
        let json = """
            {
              "networkName": 5,
              "chainId": "31337",
              "rpcHttp": 8545,
              "rpcWs": "http://127.0.0.1:8545",
              "generation": "C",
              "logStartBlock": -1,
              "readOnly": "no",
              "operator": 1,
              "payment_token": true,
              "staking_token": [],
              "generator_registry": {},
              "attestation_verifier": null,
              "entity_registry": "0x12",
              "proof_market_place": "09635F643e140090A9A8Dcd712eD6285858ceBef",
              "tee_verifier_deployer": 0,
              "nativeStaking": "x",
              "symbioticStaking": 1.5,
              "stakingManager": false,
              "markets": [],
              "generatorEnclave": "http://1.2.3.4:5000",
              "matchingEngineEnclave": 1,
              "ivsEnclave": null,
              "checkInputUrl": 3030,
              "attestationVerifierEndPoint": "13.201.207.60:1400",
              "refresh": "4s",
              "theme": 1,
              "keyBindings": "j",
              "fees": 10,
              "confirmations": 1001,
              "operatorKey": "key.json",
              "enclaveGasKey": {}
            }
            """
        let address = "expected an address (0x and 40 hex digits)"
        #expect(
            errorLines(json) == [
                "kalypso-config.json:2: networkName: expected a string, found 5",
                "kalypso-config.json:3: chainId: expected an integer ≥ 1, found \"31337\"",
                "kalypso-config.json:4: rpcHttp: expected an http(s) URL or a list of them, found 8545",
                "kalypso-config.json:5: rpcWs: expected a ws(s) URL, found \"http://127.0.0.1:8545\"",
                "kalypso-config.json:6: generation: expected \"A\" or \"B\", found \"C\"",
                "kalypso-config.json:7: logStartBlock: expected an integer ≥ 0, found -1",
                "kalypso-config.json:8: readOnly: expected true or false, found \"no\"",
                "kalypso-config.json:9: operator: \(address), found 1",
                "kalypso-config.json:10: payment_token: \(address), found true",
                "kalypso-config.json:11: staking_token: \(address), found an array",
                "kalypso-config.json:12: generator_registry: \(address), found an object",
                "kalypso-config.json:13: attestation_verifier: \(address), found null",
                "kalypso-config.json:14: entity_registry: \(address), found \"0x12\"",
                "kalypso-config.json:15: proof_market_place: \(address), found \"09635F643e140090A9A8Dcd712eD6285858ceBef\"",
                "kalypso-config.json:16: tee_verifier_deployer: \(address), found 0",
                "kalypso-config.json:17: nativeStaking: \(address), found \"x\"",
                "kalypso-config.json:18: symbioticStaking: \(address), found 1.5",
                "kalypso-config.json:19: stakingManager: \(address), found false",
                "kalypso-config.json:20: markets: expected an object of market id → { \"teeVerifier\": address }, found an array",
                "kalypso-config.json:21: generatorEnclave: expected an object with url and utilityUrl, found \"http://1.2.3.4:5000\"",
                "kalypso-config.json:22: matchingEngineEnclave: expected an object with url and utilityUrl, found 1",
                "kalypso-config.json:23: ivsEnclave: expected an object with url and utilityUrl, found null",
                "kalypso-config.json:24: checkInputUrl: expected an http(s) URL, found 3030",
                "kalypso-config.json:25: attestationVerifierEndPoint: expected an http(s) URL, found \"13.201.207.60:1400\"",
                "kalypso-config.json:26: refresh: expected an object with chainPoll and screen durations, found \"4s\"",
                "kalypso-config.json:27: theme: expected a string, found 1",
                "kalypso-config.json:28: keyBindings: expected an object of action → key or list of keys, found \"j\"",
                "kalypso-config.json:29: fees: expected an object with maxFeePerGas and maxTotalFee, found 10",
                "kalypso-config.json:30: confirmations: expected an integer from 0 to 1000, found 1001",
                "kalypso-config.json:31: operatorKey: expected an object with one of keystore, keyFile or env (and passwordFile with keystore), found \"key.json\"",
                "kalypso-config.json:32: enclaveGasKey: expected an object with one of keystore, keyFile or env (and passwordFile with keystore), found an object",
            ])
    }

    @Test("nested values: enclave URLs, markets, durations, amounts, key specs, key bindings")
    func nestedWrongValues() {
        let json = """
            {
              "generatorEnclave": { "url": "13.235.50.234:5000", "utilityUrl": "http://13.235.50.234:1500",
                                    "enclavePubkey": "0x1234" },
              "markets": { "one": { "teeVerifier": "0x0" }, "3": { "teeVerifier": "0x9d4454b023096f34b160d6b654540c56a1f81688" },
                           "4": { "teeVerifier": "0x9D4454B023096f34B160D6B654540c56A1F81688" } },
              "refresh": { "chainPoll": "0s", "screen": "fast", "redraw": "1s" },
              "fees": { "maxFeePerGas": "10", "maxTotalFee": "0.0000000000000000001 ETH" },
              "keyBindings": { "quit": ["q", 1] },
              "operatorKey": { "keystore": "op.json", "keyFile": "op.hex" },
              "enclaveGasKey": { "env": "NOT A NAME" }
            }
            """
        #expect(
            errorLines(json) == [
                "kalypso-config.json:2: generatorEnclave.url: expected an http(s) URL, found \"13.235.50.234:5000\"",
                "kalypso-config.json:3: generatorEnclave.enclavePubkey: expected the enclave's public key as 0x and 128 hex digits, found \"0x1234\"",
                "kalypso-config.json:4: markets.one: expected a market id (a decimal integer) as the key, found \"one\"",
                "kalypso-config.json:5: markets.4.teeVerifier: expected an EIP-55 checksummed address (the mixed case does not match; did you mean 0x9d4454B023096f34B160D6B654540c56A1F81688?), found \"0x9D4454B023096f34B160D6B654540c56A1F81688\"",
                "kalypso-config.json:6: refresh.chainPoll: expected a duration such as \"4s\", \"500ms\" or \"1m\", found \"0s\"",
                "kalypso-config.json:6: refresh.screen: expected a duration such as \"4s\", \"500ms\" or \"1m\", found \"fast\"",
                "kalypso-config.json:6: refresh.redraw: expected one of chainPoll, screen, found an unknown key",
                "kalypso-config.json:7: fees.maxFeePerGas: expected an amount with its unit, such as \"10 gwei\" or \"0.02 ETH\", found \"10\"",
                "kalypso-config.json:7: fees.maxTotalFee: expected an amount with its unit, such as \"10 gwei\" or \"0.02 ETH\" (at most 18 digits after the point for ETH), found \"0.0000000000000000001 ETH\"",
                "kalypso-config.json:8: keyBindings.quit[1]: expected a key name, found 1",
                "kalypso-config.json:9: operatorKey: expected an object with one of keystore, keyFile or env (and passwordFile with keystore), found an object",
                "kalypso-config.json:10: enclaveGasKey.env: expected the name of an environment variable, e.g. \"KALYPSO_PRIVATE_KEY\", found \"NOT A NAME\"",
            ])
    }

    @Test("the brief's example, in the error an operator sees: file, line, key path, expected, found")
    func operatorFacingError() throws {
        let json = """
            {
              "generatorEnclave": { "url": "13.235.50.234:5000" }
            }
            """
        do {
            _ = try ConfigParser.parse(json, file: "kalypso-config.json")
            Issue.record("accepted a URL without a scheme")
        } catch {
            #expect(error.code == .configInvalid)
            #expect(error.category == .configuration)
            let report = ErrorReport(error)
            #expect(report.exitCode == 3)
            #expect(
                report.text == """
                    error: kalypso-config.json has an invalid value
                      kalypso-config.json:2: generatorEnclave.url: expected an http(s) URL, found "13.235.50.234:5000"
                      hint: Fix the values above, then run `kalypso-console config check`. Every key is documented in the sample kalypso-config.json of the kalypso-console repository.
                    """)
        }
    }

    @Test("several errors at once: all reported in one error, counted in the title")
    func severalAtOnce() {
        let json = """
            {"chainId": 0, "rpcHttp": ["http://a:1", "ftp://b"], "confirmations": "2", "generation": "b"}
            """
        do {
            _ = try ConfigParser.parse(json, file: "cfg.json")
            Issue.record("accepted invalid values")
        } catch {
            #expect(error.title == "cfg.json has 4 invalid values")
            #expect(
                error.detail == """
                    cfg.json:1: chainId: expected an integer ≥ 1, found 0
                    cfg.json:1: rpcHttp[1]: expected an http(s) URL, found "ftp://b"
                    cfg.json:1: confirmations: expected an integer from 0 to 1000, found "2"
                    cfg.json:1: generation: expected "A" or "B", found "b"
                    """)
        }
    }

    @Test("chainId and logStartBlock fit the enclave's i32 fields (spec §5.4.2)")
    func enclaveLimits() {
        #expect(
            errorLines(#"{"chainId": 2147483648, "logStartBlock": 9999999999}"#) == [
                "kalypso-config.json:1: chainId: expected at most 2147483647 (the enclave's runtime_config.chain_id is an i32, spec §5.4.2), found 2147483648",
                "kalypso-config.json:1: logStartBlock: expected at most 2147483647 (the enclave's runtime_config.start_block is an i32, spec §5.4.2), found 9999999999",
            ])
        #expect(errorLines(#"{"chainId": 2147483647, "logStartBlock": 299180250}"#).isEmpty)
    }

    @Test("a private key pasted into a field is not echoed back")
    func pastedKey() {
        let key = "4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318"
        #expect(
            errorLines("{\"operator\": \"0x\(key)\", \"networkName\": 7}") == [
                "kalypso-config.json:1: operator: expected an address (0x and 40 hex digits), found a 66-character string that looks like a key or hash (not shown)",
                "kalypso-config.json:1: networkName: expected a string, found 7",
            ])
    }

    @Test("RPC URLs with API keys are redacted in errors")
    func redactedRPC() {
        let lines = errorLines(#"{"rpcHttp": "htps://arb-mainnet.g.alchemy.com/v2/AbCdEf0123456789xYz_AbCd"}"#)
        #expect(
            lines == [
                #"kalypso-config.json:1: rpcHttp: expected an http(s) URL, found "htps://arb-mainnet.g.alchemy.com/v2/***""#
            ])
        #expect(!lines.joined().contains("AbCdEf0123456789xYz_AbCd"))
    }

    @Test("unreadable JSON: one error with line and column")
    func syntax() {
        let json = "{\n  \"chainId\": 1,\n}\n"
        do {
            _ = try ConfigParser.parse(json, file: "kalypso-config.json")
            Issue.record("accepted a trailing comma")
        } catch {
            #expect(error.code == .configSyntax)
            #expect(error.title == "kalypso-config.json is not valid JSON")
            #expect(error.detail == "kalypso-config.json:3:1: expected a quoted key, found '}'")
        }
    }

    @Test("typed values: durations, amounts with units, RPC lists, key specs relative to the file")
    func typedValues() throws {
        let json = """
            {
              "rpcHttp": ["https://arb1.arbitrum.io/rpc", "http://user:pw@10.0.0.1:8545/"],
              "refresh": { "chainPoll": "500ms", "screen": "2s" },
              "fees": { "maxFeePerGas": "0.5 gwei", "maxTotalFee": "0.003 ETH" },
              "confirmations": 3,
              "keyBindings": { "quit": "x", "table.down": ["j", "Down"] },
              "operatorKey": { "keystore": "keys/op.json", "passwordFile": "/etc/kalypso/pw" },
              "enclaveGasKey": { "env": "KALYPSO_GAS_PRIVATE_KEY" },
              "commitHash": "abc"
            }
            """
        let c = try ConfigParser.parse(json, file: "x.json", baseDirectory: "/srv/kalypso")
        #expect(c.rpcHttp.map(\.redacted) == ["https://arb1.arbitrum.io/rpc", "http://***@10.0.0.1:8545/"])
        #expect(c.refresh.chainPoll == .milliseconds(500))
        #expect(c.refresh.screen == .seconds(2))
        #expect(c.fees.maxFeePerGas == BigUInt(500_000_000))
        #expect(c.fees.maxTotalFee == BigUInt(3_000_000_000_000_000))
        #expect(c.confirmations == 3)
        #expect(c.keyBindings == ["quit": ["x"], "table.down": ["j", "Down"]])
        #expect(c.operatorKey == .keystore(path: "/srv/kalypso/keys/op.json", passwordFile: "/etc/kalypso/pw"))
        #expect(c.enclaveGasKey == .environment(variable: "KALYPSO_GAS_PRIVATE_KEY"))
        #expect(c.extra["commitHash"]?.value == .string("abc"))
        // Defaults stay where the file says nothing.
        let d = try ConfigParser.parse("{}", file: "x.json")
        #expect(d.refresh.chainPoll == .seconds(4))
        #expect(d.fees.maxFeePerGas == BigUInt(10_000_000_000))
        #expect(d.fees.maxTotalFee == BigUInt(20_000_000_000_000_000))
        #expect(d.confirmations == 1)
        let summary = Dictionary(uniqueKeysWithValues: c.summaryRows.map { ($0.key, $0.value) })
        #expect(summary["rpcHttp[1]"] == "http://***@10.0.0.1:8545/")
        #expect(summary["refresh.chainPoll"] == "500ms")
        #expect(summary["fees.maxTotalFee"] == "0.003 ETH")
    }

    @Test("missing required keys are named, one line each")
    func missingRequired() {
        do {
            _ = try ConfigLoader(
                environment: [:], currentDirectory: "/w", fileSystem: InMemoryFiles(["/w/kalypso-config.json": "{}"])
            ).load(flag: nil, network: nil)
            Issue.record("accepted an empty configuration")
        } catch {
            #expect(
                error.detail == """
                    /w/kalypso-config.json: chainId: expected the chain id (a positive integer), found nothing (the key is missing)
                    /w/kalypso-config.json: rpcHttp: expected an http(s) URL or a list of them, found nothing (the key is missing)
                    /w/kalypso-config.json: proof_market_place: expected an address (0x and 40 hex digits), found nothing (the key is missing)
                    /w/kalypso-config.json: generator_registry: expected an address (0x and 40 hex digits), found nothing (the key is missing)
                    /w/kalypso-config.json: entity_registry: expected an address (0x and 40 hex digits), found nothing (the key is missing)
                    """)
        }
    }
}

/// A file system of named texts (the test double of ``ConfigFileSystem``).
struct InMemoryFiles: ConfigFileSystem {
    let files: [String: String]
    init(_ files: [String: String]) { self.files = files }
    func fileExists(_ path: String) -> Bool { files[path] != nil }
    func readText(_ path: String) throws(ConfigError) -> String {
        guard let t = files[path] else { throw ConfigError.unreadable(path: path, reason: "no such file") }
        return t
    }
}
