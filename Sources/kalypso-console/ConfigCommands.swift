import ArgumentParser
import Basics
import Foundation
import KalypsoKit

/// `kalypso-console config …`: the configuration file and what it points at.
struct ConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config", abstract: "Check kalypso-config.json and the network, contracts and enclave it names.",
        subcommands: [ConfigCheck.self])
}

struct ConfigCheck: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Print the resolved configuration and probe the RPC, the contracts and the enclave.",
        discussion: """
            The configuration is read from --config PATH, else $KALYPSO_CONFIG, else ./kalypso-config.json, else
            $XDG_CONFIG_HOME/kalypso-console/kalypso-config.json ($HOME/.config when unset), over the built-in
            --network profile if one is named. Secrets and URL credentials are never printed.
            Exit status: 0 when every probe passed, 3 for a configuration mistake (an invalid value, a wrong chain id,
            an address without code, a wrong generation), 4 when the RPC or an enclave does not answer.
            """)

    @Option(help: "The configuration file (else $KALYPSO_CONFIG, ./kalypso-config.json, the XDG location).")
    var config: String?

    @Option(help: "A built-in public deployment under the file: arbitrum-one, arbitrum-sepolia-a, arbitrum-sepolia-b.")
    var network: String?

    @Flag(help: "One JSON document on standard output, for scripts.")
    var json = false

    @Flag(help: "ok/FAIL/skip instead of ✓/✗/–.")
    var ascii = false

    func run() async throws {
        let loaded: LoadedConfig
        do {
            loaded = try ConfigLoader().load(flag: config, network: network)
        } catch {
            if json {
                printJSON(Self.errorDocument(error))
            } else {
                writeError(ErrorReport(error).text + "\n")
            }
            throw ExitCode(error.category.exitCode)
        }
        let checker = ConfigChecker(
            config: loaded.config, chain: { url in RPCChainProbe(url: url) }, endpoints: URLSessionEndpointProbe(),
            environment: ProcessInfo.processInfo.environment, warn: { writeError($0 + "\n") })
        let report = await checker.run()
        if json {
            printJSON(Self.document(loaded, report))
        } else {
            print(Self.text(loaded, report, ascii: ascii))
        }
        if report.exitCode != 0 { throw ExitCode(report.exitCode) }
    }

    static func text(_ loaded: LoadedConfig, _ report: ConfigCheckReport, ascii: Bool) -> String {
        var lines = [loaded.summary]
        let rows = loaded.config.summaryRows
        let width = rows.map(\.key.count).max() ?? 0
        for (k, v) in rows { lines.append("  " + k.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + v) }
        lines.append("")
        lines += report.results.map { $0.line(ascii: ascii) }
        let failed = report.results.filter { $0.status == .failed }.count
        lines.append(
            failed == 0
                ? "all \(report.results.count) probes passed"
                : "\(failed) of \(report.results.count) probes failed")
        return lines.joined(separator: "\n")
    }

    static func document(_ loaded: LoadedConfig, _ report: ConfigCheckReport) -> [String: Any] {
        var configuration: [String: String] = [:]
        for (k, v) in loaded.config.summaryRows { configuration[k] = v }
        var doc: [String: Any] = [
            "ok": report.passed,
            "exitCode": Int(report.exitCode),
            "source": loaded.summary,
            "configuration": configuration,
            "probes": report.results.map { r -> [String: Any] in
                var p: [String: Any] = ["name": r.name, "status": r.status.rawValue, "detail": r.detail]
                if let c = r.category { p["category"] = c.rawValue }
                return p
            },
        ]
        if let path = loaded.location?.path { doc["file"] = path }
        if let profile = loaded.profile { doc["network"] = profile }
        if let d = report.detected {
            doc["generation"] = ["detected": d.generation.rawValue, "evidence": d.evidence]
        }
        return doc
    }

    static func errorDocument(_ error: ConfigError) -> [String: Any] {
        let report = ErrorReport(error)
        var fields: [String: Any] = [:]
        for (k, v) in report.jsonFields { fields[k] = v }
        return [
            "ok": false, "exitCode": Int(report.exitCode), "error": fields,
            "issues": error.issues.map { i -> [String: Any] in
                var d: [String: Any] = ["file": i.file, "keyPath": i.keyPath, "expected": i.expected]
                if let l = i.line { d["line"] = l }
                if let f = i.found { d["found"] = f }
                return d
            },
        ]
    }
}

/// Prints a JSON document with sorted keys (stable for scripts and tests).
func printJSON(_ object: [String: Any]) {
    guard
        let data = try? JSONSerialization.data(
            withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
    else {
        // Only strings, numbers, booleans, arrays and dictionaries go in: serialisation cannot fail.
        writeError("internal error: a JSON document could not be serialised\n")
        return
    }
    print(String(decoding: data, as: UTF8.self))
}
