import Basics
import Foundation
import TerminalKitTesting
import Testing

@testable import TerminalKit

/// Every public error of TerminalKit (and the JSON reader it uses for themes) is an operator error:
/// provoked the way an operator meets it, it renders a title and a hint, carries a stable code and a
/// category, and never repeats a secret found elsewhere in the input.
@Suite struct OperatorErrorTests {
    /// Looks like a private key; placed in inputs next to the mistake, never at it.
    static let secret = "0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318"

    static func samples() throws -> [(String, any Error)] {
        var out: [(String, any Error)] = []
        let withSecret = "{\n  \"description\": \"\(secret)\",\n  \"roles\": {\"accent\": {\"fg\": \"#12\"}}\n}\n"
        do {
            _ = try ThemeFile.parse(withSecret, file: "mine.json")
        } catch { out.append(("theme value", error)) }
        do {
            _ = try ThemeFile.parse("{\"note\": \"\(secret)\", }", file: "mine.json")
        } catch { out.append(("theme syntax", error)) }
        do {
            _ = try JSONDocumentParser.parse("{\"key\": \"\(secret)\" \"next\": 1}")
        } catch { out.append(("json syntax", error)) }
        for overrides in [
            ["nope": ["z"]], ["quit": ["Hyper-q"]], ["quit": ["["]], ["quit": ["C-c"]], ["quit": ["x"], "help": ["x"]],
        ] {
            do {
                _ = try KeyTable(
                    actions: [
                        KeyAction(id: "quit", description: "Quit", keys: [.character("q")]),
                        KeyAction(id: "help", description: "Help", keys: [.character("?")]),
                    ], overrides: overrides)
            } catch { out.append(("key table \(overrides)", error)) }
        }
        do {
            _ = try KeyTable(actions: [
                KeyAction(id: "a", description: "A", keys: []), KeyAction(id: "a", description: "A", keys: []),
            ])
        } catch { out.append(("duplicate action", error)) }
        do {
            let pty = try PseudoTerminal(size: Size(width: 20, height: 5))
            defer { pty.close() }
            _ = try CursesTerminal(
                CursesConfiguration(
                    term: "no-such-terminal-\(secret.prefix(8))", output: pty.output, input: pty.input, environment: [:]
                ))
        } catch { out.append(("terminal start", error)) }
        out.append(("pseudo-terminal", PseudoTerminal.OpenError(detail: "openpty failed: No such device")))
        return out
    }

    @Test func everyErrorHasATitleAHintACodeAndNoSecret() throws {
        let samples = try Self.samples()
        #expect(samples.count == 11)
        for (name, error) in samples {
            let e = try #require(error as? any OperatorError, "\(name): \(type(of: error)) is not an OperatorError")
            let report = ErrorReport(e)
            #expect(!report.title.isEmpty, "\(name)")
            #expect(!report.hint.isEmpty, "\(name)")
            #expect(report.code != .unclassified, "\(name)")
            #expect(!report.text.contains(Self.secret.dropFirst(2).prefix(12)), "\(name): \(report.text)")
        }
    }

    @Test func userFilesAreConfigurationErrorsWithTheirPlace() throws {
        let samples = try Self.samples()
        let theme = try #require(samples.first { $0.0 == "theme value" }?.1 as? ThemeError)
        #expect(theme.category == .configuration)
        #expect(theme.code == .themeInvalid)
        #expect(theme.detail == "mine.json:3: roles.accent.fg: \"#12\" is not a colour; " + Self.colourHelp)
        let json = try #require(samples.first { $0.0 == "json syntax" }?.1 as? JSONSyntaxError)
        #expect(json.category == .configuration)
        #expect(ErrorReport(json).exitCode == 3)
        // `{"key": "` is 9 columns, the 66-character value and its quote end at 76, a space, then the
        // stray quote at 78.
        #expect(json.line == 1 && json.column == 78)
        let keys = try #require(
            samples.first { $0.0.hasPrefix("key table") && $0.0.contains("help") }?.1 as? KeyTableError)
        // The one line operators see stays "key bindings: …".
        #expect(keys.description == "key bindings: x is bound to both quit and help in scope \"global\"")
        #expect(keys.category == .configuration)
        let start = try #require(samples.first { $0.0 == "terminal start" }?.1 as? TerminalStartError)
        #expect(start.code == .terminalUnavailable)
        #expect(start.category.exitCode == 2)
    }

    static let colourHelp =
        "use \"#rrggbb\", a number 0-255, \"default\", or a name such as \"cyan\" or \"bright-black\""
}
