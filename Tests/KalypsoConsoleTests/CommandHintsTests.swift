import Basics
import Foundation
import TestSupport
import Testing

/// Every hint the program prints works as printed: the table's commands run from the repository root against a
/// devnet, and every `kalypso-console …` command named anywhere in the sources exists in this build.
@Suite(.serialized) struct CommandHintsTests {
    static let devnet = SharedDevnet { try await DevnetNetwork.start(generation: "B", seed: false) }

    /// A hint as a shell would split it, the program resolved from the repository root.
    static func argv(_ hint: String, replacing placeholders: [String: String] = [:]) -> [String] {
        var words = hint.split(separator: " ").map { placeholders[String($0)] ?? String($0) }
        if words.first == "kalypso-console" { words[0] = RepoPaths.consoleBinary }
        if words.first?.hasPrefix("devnet/") == true { words[0] = RepoPaths.path(words[0]) }
        return words
    }

    static func environment(_ net: DevnetNetwork, state: String) -> [String: String] {
        var env = ProcessInfo.processInfo.environment
        env["KALYPSO_CONFIG"] = net.configPath
        env["XDG_STATE_HOME"] = state
        env["KALYPSO_DEVNET_RUN"] = net.runDirectory
        // An operator who is told to speed up a transaction has a key: the devnet's well-known test key.
        env["KALYPSO_PRIVATE_KEY"] = (try? String(contentsOfFile: net.operatorKeyFile, encoding: .utf8))?
            .trimmingCharacters(in: .whitespacesAndNewlines)
        return env
    }

    @Test(.timeLimit(.minutes(10)))
    func everyTableHintRunsAsPrinted() async throws {
        let net = try await Self.devnet.get()
        let state = FileManager.default.temporaryDirectory.appendingPathComponent("ks-hints-\(UUID().uuidString)")
            .path
        let env = Self.environment(net, state: state)
        let hash = "0x" + String(repeating: "ab", count: 32)
        for hint in CommandHints.all {
            let argv = Self.argv(hint, replacing: ["HASH": hash])
            if hint == CommandHints.monitorPlain {
                // It runs until stopped: it must print its first line and no error.
                let p = try BackgroundProcess(
                    argv: argv + ["--config", net.configPath], workingDirectory: RepoPaths.root,
                    environment: ["XDG_STATE_HOME": state], label: "hint-monitor")
                defer { p.stop() }
                _ = try await p.wait(for: hint, timeout: 120) { p.log.contains(" monitoring ") ? true : nil }
                try await Task.sleep(for: .seconds(1))
                #expect(!p.log.contains("error:"), "\(hint): \(p.log)")
                continue
            }
            let result = try runProcess(argv, environment: env, workingDirectory: RepoPaths.root)
            // A hash the journal does not hold: the command parsed and looked, which is what "works" means here.
            let looked = hint.contains("HASH") && result.output.contains("Not in the local journal")
            #expect(
                result.status == 0 || looked, "\(hint) exited \(result.status):\n\(result.output.suffix(2000))")
            #expect(!result.output.contains("Unknown option") && !result.output.contains("Unexpected argument"))
        }
    }

    @Test func everyCommandNamedInTheSourcesExists() throws {
        let sources = RepoPaths.path("Sources")
        guard let files = FileManager.default.enumerator(atPath: sources) else {
            throw DevnetError("cannot list \(sources)")
        }
        var named = Set<String>()
        let pattern = try Regex(#"kalypso-console ((?:[a-z][a-z-]*)(?: [a-z][a-z-]*)?)"#)
        for case let file as String in files where file.hasSuffix(".swift") {
            let text = try String(contentsOfFile: sources + "/" + file, encoding: .utf8)
            for line in text.split(separator: "\n") where !line.trimmingCharacters(in: .whitespaces).hasPrefix("//") {
                for match in line.matches(of: pattern) {
                    if let words = match.output[1].substring { named.insert(String(words)) }
                }
            }
        }
        #expect(named.contains("tx list"), "the scan found the hints: \(named.sorted())")
        for words in named.sorted() {
            let parts = words.split(separator: " ").map(String.init)
            // "kalypso-console repository", "kalypso-console process": prose, not commands.
            if ["repository", "process", "or", "is", "and", "may"].contains(parts[0]) { continue }
            // The longest prefix that is a command: `tx list` is, `config check` is, `status` must be.
            var ok = false
            for n in stride(from: parts.count, through: 1, by: -1) {
                let r = try runProcess([RepoPaths.consoleBinary] + parts.prefix(n) + ["--help"])
                if r.succeeded {
                    ok = true
                    break
                }
            }
            #expect(ok, "a hint names `kalypso-console \(words)`, which this build does not have")
        }
    }
}
