import Basics
import EthereumKit
import Testing

@testable import KalypsoKit

private let minimal = """
    {
      "chainId": 31337,
      "rpcHttp": "http://127.0.0.1:8545",
      "proof_market_place": "0x09635F643e140090A9A8Dcd712eD6285858ceBef",
      "generator_registry": "0xa85233C63b9Ee964Add6F2cffe00Fd84eb32338f",
      "entity_registry": "0xDc64a140Aa3E981100a9becA4E685f962f0cF6C9"
    }
    """

@Suite("Config: where the file is found, profiles")
struct ConfigLoaderTests {
    @Test("search order: --config, then $KALYPSO_CONFIG, then ./kalypso-config.json, then XDG")
    func searchOrder() throws {
        let all = InMemoryFiles([
            "/flag.json": minimal, "/env.json": minimal, "/w/kalypso-config.json": minimal,
            "/xdg/kalypso-console/kalypso-config.json": minimal,
            "/home/op/.config/kalypso-console/kalypso-config.json": minimal,
        ])
        let env = ["KALYPSO_CONFIG": "/env.json", "XDG_CONFIG_HOME": "/xdg", "HOME": "/home/op"]
        func loader(_ e: [String: String], _ fs: InMemoryFiles = all) -> ConfigLoader {
            ConfigLoader(environment: e, currentDirectory: "/w", fileSystem: fs)
        }
        #expect(try loader(env).locate(flag: "/flag.json") == ConfigLocation(path: "/flag.json", reason: .flag))
        #expect(try loader(env).locate(flag: nil) == ConfigLocation(path: "/env.json", reason: .environment))
        var noEnv = env
        noEnv["KALYPSO_CONFIG"] = nil
        #expect(
            try loader(noEnv).locate(flag: nil)
                == ConfigLocation(path: "/w/kalypso-config.json", reason: .workingDirectory))
        let noLocal = InMemoryFiles(all.files.filter { $0.key != "/w/kalypso-config.json" })
        #expect(
            try loader(noEnv, noLocal).locate(flag: nil)
                == ConfigLocation(path: "/xdg/kalypso-console/kalypso-config.json", reason: .xdg))
        var noXDG = noEnv
        noXDG["XDG_CONFIG_HOME"] = nil
        #expect(
            try loader(noXDG, noLocal).locate(flag: nil)
                == ConfigLocation(path: "/home/op/.config/kalypso-console/kalypso-config.json", reason: .xdg))
        let loaded = try loader(noXDG, noLocal).load(flag: nil, network: nil)
        #expect(
            loaded.summary
                == "configuration: /home/op/.config/kalypso-console/kalypso-config.json (from the user configuration directory)"
        )
    }

    @Test("a named file that does not exist is an error, not a reason to look further")
    func missingFile() {
        let fs = InMemoryFiles(["/w/kalypso-config.json": minimal])
        let l = ConfigLoader(environment: ["KALYPSO_CONFIG": "/nope.json"], currentDirectory: "/w", fileSystem: fs)
        do {
            _ = try l.load(flag: "/missing.json", network: nil)
            Issue.record("a missing --config file was accepted")
        } catch {
            #expect(error.code == .configFileMissing)
            #expect(error.detail == "/missing.json (named by --config) does not exist")
        }
        do {
            _ = try l.load(flag: nil, network: nil)
            Issue.record("a missing $KALYPSO_CONFIG file was accepted")
        } catch {
            #expect(error.detail == "/nope.json (named by $KALYPSO_CONFIG) does not exist")
            #expect(ErrorReport(error).exitCode == 3)
        }
        do {
            _ = try ConfigLoader(environment: ["HOME": "/h"], currentDirectory: "/w", fileSystem: InMemoryFiles([:]))
                .load(flag: nil, network: nil)
            Issue.record("no file at all was accepted")
        } catch {
            #expect(error.code == .configNotFound)
            #expect(
                error.detail
                    == "looked for /w/kalypso-config.json, /h/.config/kalypso-console/kalypso-config.json")
        }
    }

    @Test("a profile override: the file's values win, the rest comes from the profile")
    func profileOverride() throws {
        let file = """
            {
              "rpcHttp": ["https://arb1.arbitrum.io/rpc", "https://arb-mainnet.g.alchemy.com/v2/AbCdEf0123456789xYz_AbCd"],
              "operator": "0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
              "logStartBlock": 300000000,
              "generatorEnclave": { "url": "http://13.235.50.234:5000", "utilityUrl": "http://13.235.50.234:1500" }
            }
            """
        let l = ConfigLoader(
            environment: [:], currentDirectory: "/w", fileSystem: InMemoryFiles(["/w/kalypso-config.json": file]))
        let loaded = try l.load(flag: nil, network: "arbitrum-one")
        let c = loaded.config
        #expect(loaded.profile == "arbitrum-one")
        #expect(c.chainId == 42161)
        #expect(c.generation == .b)
        #expect(c.logStartBlock == 300_000_000)  // overridden
        #expect(c.contracts.proofMarketplace == (try Address("0xE68A7457c0fd11CcBe96126Bf69B27a9064636a2")))
        #expect(c.contracts.paymentToken == (try Address("0xaf88d065e77c8cC2239327C5EDb3A432268e5831")))
        #expect(c.rpcHttp.count == 2)
        #expect(c.generatorEnclave?.utilityUrl?.url.port == 1500)
        #expect(
            loaded.summary
                == "configuration: /w/kalypso-config.json (from the working directory), over the built-in network arbitrum-one"
        )
        // A profile alone lacks only the RPC URL.
        let alone = ConfigLoader(environment: [:], currentDirectory: "/w", fileSystem: InMemoryFiles([:]))
        do {
            _ = try alone.load(flag: nil, network: "arbitrum-sepolia-b")
            Issue.record("a profile without rpcHttp was accepted")
        } catch {
            #expect(
                error.detail
                    == "built-in network arbitrum-sepolia-b: rpcHttp: expected an http(s) URL or a list of them, found nothing (the key is missing)"
            )
        }
        do {
            _ = try alone.load(flag: nil, network: "arbitrum-two")
            Issue.record("an unknown network was accepted")
        } catch {
            #expect(error.code == .configUnknownNetwork)
            #expect(error.detail == "built-in networks: arbitrum-one, arbitrum-sepolia-a, arbitrum-sepolia-b")
        }
    }

    @Test("built-in profiles carry spec §4's addresses, chain ids, generations and start blocks")
    func profiles() throws {
        let one = try NetworkProfile.arbitrumOne.config()
        #expect(one.chainId == 42161 && one.generation == .b && one.logStartBlock == 299_180_250)
        #expect(one.contracts.generatorRegistry?.checksummed == "0xEcF45b1272D3B0ed2eB2A3c85b1E4bBa8a3611D6")
        #expect(one.contracts.nativeStaking?.checksummed == "0xd96418F0507F992E2a33942e54FA832ba3d2287e")
        let a = try NetworkProfile.arbitrumSepoliaA.config()
        #expect(a.chainId == 421614 && a.generation == .a && a.logStartBlock == 79_372_296)
        #expect(a.contracts.generatorRegistry?.checksummed == "0x5ce3e1010028C4F5687356D721e3e2B6DcEA7C25")
        #expect(a.markets[0]?.teeVerifier?.checksummed == "0x358Da0390cc7C81017030d6C06BA2eFA09FC2AdB")
        let b = try NetworkProfile.arbitrumSepoliaB.config()
        #expect(b.chainId == 421614 && b.generation == .b && b.logStartBlock == 113_435_500)
        #expect(b.contracts.proofMarketplace?.checksummed == "0xC05d689B341d84900f0d0CE36f35aDAbfB57F68d")
        for p in NetworkProfile.all {
            let c = try p.config()
            // Each profile lacks exactly the operator's own choice: the RPC URL.
            #expect(ConfigParser.missingRequired(c, file: p.name).map(\.keyPath) == ["rpcHttp"])
            // Every address in the profile text survives as written (its EIP-55 checksum is right).
            for (key, address) in c.contracts.all {
                #expect(p.json.contains("\"\(key)\": \"\(address.checksummed)\""), "\(p.name) \(key)")
            }
        }
    }
}
