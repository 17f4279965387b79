import ArgumentParser
import CSystem
import ConsoleApp
import Foundation
import TerminalKit

/// How an interactive front end draws: colour, glyphs, theme.
struct TerminalAppearance: ParsableArguments {
    @Flag(name: .customLong("no-color"), help: "No colour at all (also when NO_COLOR is set).")
    var noColor = false

    @Flag(help: "ASCII boxes and charts only (automatic when the locale is not UTF-8).")
    var ascii = false

    @Option(help: "Theme name from themes/ (dark, light, high-contrast, monochrome) or a path to a theme file.")
    var theme: String?
}

/// Options every interactive front end takes (the console takes the appearance with ``OperatorOptions``,
/// whose `--read-only` it shares).
struct TerminalOptions: ParsableArguments {
    @OptionGroup var appearance: TerminalAppearance

    @Flag(name: .customLong("read-only"), help: "Remove every action that would sign or send.")
    var readOnly = false

    var session: InteractiveSession { appearance.session }
}

extension TerminalAppearance {
    /// The interactive session these flags ask for.
    var session: InteractiveSession {
        let environment = ProcessInfo.processInfo.environment
        return InteractiveSession(
            programName: "kalypso-console", theme: theme, noColor: noColor, ascii: ascii, environment: environment,
            themeDirectories: Self.themeDirectories(environment: environment))
    }

    /// Folders searched for a theme name: `$KALYPSO_THEMES_DIR`, `./themes`, a `themes/` folder above
    /// the executable (a source checkout), then the installed share folders.
    static func themeDirectories(environment: [String: String]) -> [String] {
        var dirs: [String] = []
        if let d = environment["KALYPSO_THEMES_DIR"], !d.isEmpty { dirs.append(d) }
        dirs += InteractiveSession.localThemeDirectories()
        dirs += ["/usr/local/share/kalypso-console/themes", "/usr/share/kalypso-console/themes"]
        return dirs
    }
}

extension UIDemo: GlobalOptionsCommand {
    static var globalFlags: Set<String> { GlobalFlags.terminalFlags }
    static var globalOptions: Set<String> { GlobalFlags.terminalOptions }
}

struct UIDemo: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ui-demo",
        abstract: "Show the widget gallery (every widget with live data, themes, keys) to check a terminal.")

    @OptionGroup var terminal: TerminalOptions

    @Option(
        name: .customLong("keys"),
        help: "Key remapping as action=key,key;... (e.g. \"table.down=n,Down;quit=x\"; see ? in the demo).")
    var keyOverrides: String?

    @Flag(help: "Run the small engine check (keys, resize, inbox, themes) instead of the widget gallery.")
    var engine = false

    func run() throws {
        var overrides: [String: [String]] = [:]
        for part in (keyOverrides ?? "").split(separator: ";") {
            let kv = part.split(separator: "=", maxSplits: 1)
            guard kv.count == 2 else {
                throw ValidationError("--keys: \"\(part)\" is not action=key,key")
            }
            overrides[String(kv[0])] = kv[1].split(separator: ",").map(String.init)
        }
        let actions = engine ? EngineDemo.actions() : WidgetGallery.actions()
        let ro = terminal.readOnly
        // Check the key table before touching the terminal: a bad binding is an error at start.
        let keys: KeyTable
        do {
            keys = try KeyTable(actions: actions, overrides: overrides, readOnly: ro)
        } catch {
            throw InvalidOptionValue(option: "--keys", command: "kalypso-console ui-demo", underlying: error)
        }
        let code: Int32
        if engine {
            code = try terminal.session.run { _, theme in EngineDemo(keys: keys, themeName: theme.name) }
        } else {
            code = try terminal.session.run { _, _ in WidgetGallery(keys: keys) }
        }
        if code != 0 { throw ExitCode(code) }
    }
}
