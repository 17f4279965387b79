import ArgumentParser
import Basics
import EthereumKit
import Foundation
import KalypsoKit
import Testing

@testable import kalypso_console

/// The operator options every command takes, and `GlobalFlags.reorder` that lets them come before the
/// command name.
@Suite struct OperatorOptionsTests {
    @Test(
        "global options before the command name move after it; after it they stay",
        arguments: [
            (["--config", "F", "markets", "--json"], ["markets", "--config", "F", "--json"]),
            (["--config=F", "--yes", "jobs"], ["jobs", "--config=F", "--yes"]),
            (
                ["--key-file", "k", "--dry-run", "--read-only", "stake", "--refresh"],
                ["stake", "--key-file", "k", "--dry-run", "--read-only", "--refresh"]
            ),
            (["markets", "--config", "F", "--json"], ["markets", "--config", "F", "--json"]),
            // A value that looks like a command name is the option's value, not the command.
            (["--database", "stake", "markets"], ["markets", "--database", "stake"]),
            // Down the subcommand tree: after the last command name.
            (["--json", "compute", "increase", "4"], ["compute", "increase", "--json", "4"]),
            (
                ["compute", "--config", "F", "reduce", "--to", "3"],
                ["compute", "reduce", "--config", "F", "--to", "3"]
            ),
            (["--read-only", "register", "--compute", "1"], ["register", "--read-only", "--compute", "1"]),
            // The onboarding commands, config check and monitor take them too.
            (["--config", "F", "status", "--json"], ["status", "--config", "F", "--json"]),
            (["--yes", "onboard", "--market", "1"], ["onboard", "--yes", "--market", "1"]),
            (["--json", "config", "check"], ["config", "check", "--json"]),
            (
                ["--config", "F", "--read-only", "monitor", "--plain"],
                ["monitor", "--config", "F", "--read-only", "--plain"]
            ),
            // Help needs none of them: the help of the command named (the root's when none is).
            (["--config", "F", "--help"], ["--help"]),
            (["--json", "-h"], ["-h"]),
            (["--config", "F", "help"], ["help"]),
            (["--no-color", "markets", "--help"], ["markets", "--help"]),
            (["--yes", "monitor", "--help"], ["monitor", "--help"]),
            // The terminal flags still go to ui-demo.
            (
                ["--no-color", "--theme", "dark", "ui-demo", "--ascii"],
                ["ui-demo", "--no-color", "--theme", "dark", "--ascii"]
            ),
        ])
    func reorderMovesGlobals(_ input: [String], _ expected: [String]) {
        #expect(GlobalFlags.reorder(input, root: KalypsoConsole.self) == expected)
    }

    @Test(
        "left alone when the command does not take every option given, or there is none",
        arguments: [
            ["--json"],
            ["--no-color", "markets"],
            ["--json", "ui-demo"],
            ["--key-file", "k", "key", "import"],
            ["version"],
            ["markets", "--", "--json"],
        ])
    func reorderLeavesOthersAlone(_ input: [String]) {
        #expect(GlobalFlags.reorder(input, root: KalypsoConsole.self) == input)
    }

    /// Both orders parse to the same options.
    @Test func bothOrdersParseTheSame() throws {
        let before =
            ["--config", "c.json", "--network", "devnet", "--key-file", "k", "--gas-keystore", "g.json"]
            + ["--password-file", "p", "--database", "d.sqlite", "--json", "--yes", "--dry-run", "--read-only"]
        let after = ["markets", "--refresh"]
        let a = try parseMarkets(GlobalFlags.reorder(before + after, root: KalypsoConsole.self))
        let b = try parseMarkets(["markets"] + before + ["--refresh"])
        for o in [a, b] {
            #expect(o.operatorOptions.config == "c.json")
            #expect(o.operatorOptions.network == "devnet")
            #expect(o.operatorOptions.keyFile == "k")
            #expect(o.operatorOptions.keystore == nil)
            #expect(o.operatorOptions.gasKeystore == "g.json")
            #expect(o.operatorOptions.password.passwordFile == "p")
            #expect(o.operatorOptions.database == "d.sqlite")
            #expect(o.operatorOptions.json && o.operatorOptions.yes && o.operatorOptions.dryRun)
            #expect(o.operatorOptions.readOnly && o.refresh)
        }
    }

    private func parseMarkets(_ args: [String]) throws -> CacheOptions {
        let command = try KalypsoConsole.parseAsRoot(args)
        let markets = try #require(command as? MarketsCommand)
        return markets.cacheOptions
    }

    @Test func twoOperatorKeysAreAUsageError() async {
        let outcome = await CommandRunner.run(
            KalypsoConsole.self, arguments: ["markets", "--key-file", "a", "--keystore", "b"])
        #expect(outcome.exitCode == 2)
        #expect(outcome.standardError.hasPrefix("error: give at most one of --key-file and --keystore\n"))
        let gas = await CommandRunner.run(
            KalypsoConsole.self, arguments: ["stake", "--gas-key-file", "a", "--gas-keystore", "b"])
        #expect(gas.exitCode == 2)
        #expect(gas.standardError.hasPrefix("error: give at most one of --gas-key-file and --gas-keystore\n"))
    }

    /// The eth-account documentation's example key and its address (web3.py docs, "Local Private Key").
    static let exampleKey = "4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318"
    static let exampleAddress = "0x2c7536E3605D9C16a7a3D7b1898e529396a65c23"

    @Test(
        "key files: hex with or without 0x, surrounding whitespace ignored",
        arguments: [
            "\(exampleKey)", "0x\(exampleKey)\n", "  \t0x\(exampleKey.uppercased())  \r\n\n", "\n\(exampleKey) ",
        ]
    )
    func keyFileForms(_ text: String) throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("opopts-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("op.hex").path
        #expect(
            FileManager.default.createFile(
                atPath: path, contents: Data(text.utf8), attributes: [.posixPermissions: 0o600]))
        let options = try OperatorOptions.parse(["--key-file", path, "--gas-key-file", path])
        let key = try options.loadOperatorKey(config: KalypsoConfig(), action: "a test")
        #expect(key.address.checksummed == Self.exampleAddress)
        #expect(
            try options.loadGasKey(config: KalypsoConfig(), action: "a test").address.checksummed == Self.exampleAddress
        )
    }

    /// The "run again" line of a waiting step works as printed: the locating options, quoted for the shell.
    @Test func rerunCommandWorksAsPrinted() throws {
        let o = try OperatorOptions.parse(
            ["--config", "my config.json", "--key-file", "k.hex", "--database", "it's.sqlite", "--yes", "--json"])
        #expect(
            rerunCommand(["withdraw"], options: o)
                == "kalypso-console withdraw --config 'my config.json' --key-file k.hex --database 'it'\\''s.sqlite'")
    }

    @Test func readOnlyRefusesToLoadAKeyWithExit2() throws {
        let options = try OperatorOptions.parse(["--key-file", "/nonexistent", "--read-only"])
        #expect(throws: ReadOnlyRefusal.self) {
            try options.loadOperatorKey(config: KalypsoConfig(), action: "staking")
        }
        let report = ErrorReport(ReadOnlyRefusal(action: "staking", byFlag: true))
        #expect(report.exitCode == 2)
        #expect(report.title == "Read-only: staking would sign a transaction")
        var config = KalypsoConfig()
        config.readOnly = true
        let plain = try OperatorOptions.parse(["--key-file", "/nonexistent"])
        #expect(throws: ReadOnlyRefusal.self) { try plain.loadGasKey(config: config, action: "enclave-config") }
    }

    @Test func aMissingKeyFileIsAConfigurationError() throws {
        let options = try OperatorOptions.parse(["--key-file", "/nonexistent/op.hex"])
        do {
            _ = try options.loadOperatorKey(config: KalypsoConfig(), action: "a test")
            Issue.record("a missing key file loaded")
        } catch {
            #expect(ErrorReport(error).exitCode == 3)
            #expect(!ErrorReport(error).text.contains(Self.exampleKey))
        }
    }
}

/// What an operator command prints: the partial-send error and the JSON report.
@Suite struct OperatorReportTests {
    static let approve = CallDescription(
        summary: "Approve 1,000 POND for staking", contract: "ERC20 0x01", function: "approve(address,uint256)")
    static let stake = CallDescription(
        summary: "Stake 1,000 POND", contract: "Registry 0x02", function: "stake(uint256)")

    @Test func aFailureAfterASendSaysExactlyWhatWasSent() {
        let error = PartialSendError(
            done: [SentStep(description: Self.approve, review: nil, result: .confirmed(hash: "0xabc", block: 7))],
            failed: Self.stake, total: 2, PipelineError(.revertedOnChain(hash: "0xdef", block: 8, reason: "X()")))
        let report = ErrorReport(error)
        #expect(report.exitCode == 5)
        #expect(report.title.hasPrefix("Stake 1,000 POND failed after 1 of 2 transactions were sent: "))
        #expect(report.detail.hasPrefix("sent: Approve 1,000 POND for staking — confirmed 0xabc in block 7\n"))
        #expect(report.hint.hasSuffix("Running the same command again sends only what is still missing."))
        // Unreachable stays unreachable (exit 4): a script retries it.
        let down = PartialSendError(
            done: [SentStep(description: Self.approve, review: nil, result: .confirmed(hash: "0xabc", block: 7))],
            failed: Self.stake, total: 2, PipelineError(.stillPending(hash: "0xdef")))
        #expect(ErrorReport(down).exitCode == 4)
    }

    @Test func theJSONReportHasEveryTransactionAndTheWait() throws {
        var report = ActionReport(
            action: "compute reduce",
            steps: [
                SentStep(description: Self.approve, review: nil, result: .confirmed(hash: "0xabc", block: 7)),
                SentStep(description: Self.stake, review: nil, result: .notSimulated(reason: "needs the one before")),
            ], facts: [("Will end with", "4")])
        report.waiting = Waiting(reason: "not due", detail: "block 9", command: "kalypso-console compute reduce --to 4")
        let object = report.object(dryRun: false)
        let text = try TxJSON.text(object)
        let parsed = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        let txs = try #require(parsed["transactions"] as? [[String: Any]])
        #expect(txs.map { $0["status"] as? String } == ["confirmed", "notSimulated"])
        #expect(txs[0]["hash"] as? String == "0xabc" && txs[0]["block"] as? Int == 7)
        #expect(txs[0]["function"] as? String == "approve(address,uint256)")
        #expect((parsed["waiting"] as? [String: String])?["command"] == "kalypso-console compute reduce --to 4")
        #expect((parsed["facts"] as? [String: String])?["Will end with"] == "4")
        #expect(parsed["dryRun"] as? Bool == false)
    }

    /// Help after global options is the help of the command named, exit 0, as without them.
    @Test(arguments: [
        (["--config", "x.json", "--help"], ["--help"]),
        (["--json", "--yes", "-h"], ["--help"]),
        (["--config", "x.json", "status", "--help"], ["status", "--help"]),
        (["--gas-key-file", "g", "monitor", "--help"], ["monitor", "--help"]),
    ])
    func helpAfterGlobalOptions(_ args: [String], _ plain: [String]) async {
        let withGlobals = await CommandRunner.run(
            KalypsoConsole.self, arguments: GlobalFlags.reorder(args, root: KalypsoConsole.self))
        let alone = await CommandRunner.run(KalypsoConsole.self, arguments: plain)
        #expect(withGlobals.exitCode == 0)
        #expect(withGlobals.standardError.isEmpty)
        #expect(withGlobals == alone)
    }

    /// `monitor` takes only what it uses: the key, gas key, password and sending options are unknown there.
    @Test(arguments: [
        ["--yes"], ["--dry-run"], ["--key-file", "k"], ["--keystore", "k"], ["--gas-key-file", "g"],
        ["--gas-keystore", "g"], ["--password-file", "p"],
    ])
    func monitorRefusesOptionsItDoesNotUse(_ option: [String]) async {
        let outcome = await CommandRunner.run(KalypsoConsole.self, arguments: ["monitor"] + option)
        #expect(outcome.exitCode == 2)
        #expect(outcome.standardError.hasPrefix("error: Unknown option '\(option[0])'"), "\(outcome.standardError)")
    }

    /// What it uses parses, before or after its name: the run gets as far as reading the configuration.
    @Test func monitorTakesTheLocationOptionsBeforeOrAfterItsName() async {
        let located = [
            "--config", "/nonexistent/k.json", "--network", "n", "--database", "/nonexistent/d", "--read-only",
        ]
        for args in [
            located + ["monitor", "--json", "--polls", "1"], ["monitor", "--json", "--polls", "1"] + located,
        ] {
            let outcome = await CommandRunner.run(
                KalypsoConsole.self, arguments: GlobalFlags.reorder(args, root: KalypsoConsole.self))
            #expect(outcome.exitCode == 3, "\(args): \(outcome)")
            // --network reached the loader (it is checked before the file): the options parsed.
            #expect(outcome.standardOutput.contains("Unknown network \\\"n\\\""), "\(outcome)")
        }
    }
}
