import ArgumentParser
import CSystem
import Foundation
import TerminalKit

/// Options every interactive front end takes.
struct TerminalOptions: ParsableArguments {
    @Flag(name: .customLong("no-color"), help: "No colour at all (also when NO_COLOR is set).")
    var noColor = false

    @Flag(help: "ASCII boxes and charts only (automatic when the locale is not UTF-8).")
    var ascii = false

    @Option(help: "Theme name from themes/ (dark, light, high-contrast, monochrome) or a path to a theme file.")
    var theme: String?

    @Flag(name: .customLong("read-only"), help: "Remove every action that would sign or send.")
    var readOnly = false
}

/// Writes to stderr without the C `stderr` global (not importable in Swift 6).
func writeStderr(_ s: String) {
    let bytes = Array(s.utf8)
    var off = 0
    while off < bytes.count {
        let n = bytes[off...].withUnsafeBufferPointer { write(2, $0.baseAddress, $0.count) }
        if n <= 0 { break }
        off += n
    }
}

/// Folders searched for `--theme NAME`: $KALYPSO_THEMES_DIR, ./themes, a themes/ folder above the
/// executable (a source checkout), then the installed share folders.
func themeSearchDirectories(environment: [String: String]) -> [String] {
    var dirs: [String] = []
    if let d = environment["KALYPSO_THEMES_DIR"], !d.isEmpty { dirs.append(d) }
    let fm = FileManager.default
    dirs.append(fm.currentDirectoryPath + "/themes")
    var url = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
    for _ in 0..<5 {
        let candidate = url.appendingPathComponent("themes").path
        var isDir: ObjCBool = false
        if fm.fileExists(atPath: candidate, isDirectory: &isDir), isDir.boolValue { dirs.append(candidate) }
        url.deleteLastPathComponent()
    }
    dirs += ["/usr/local/share/kalypso-console/themes", "/usr/share/kalypso-console/themes"]
    var seen = Set<String>()
    return dirs.filter { seen.insert($0).inserted && fm.fileExists(atPath: $0) }
}

/// Runs a terminal application in curses with signals, theme and capabilities set up; returns the
/// process exit code (0, 2 when the terminal cannot start, 128+n after signal n).
func runInteractive<App: TerminalApplication>(
    options: TerminalOptions, makeApp: (Capabilities, ThemeDefinition) throws -> App
) -> Int32 {
    let env = ProcessInfo.processInfo.environment
    let (themeDef, notice) = ThemeFile.loadOrFallback(
        nameOrPath: options.theme, searchDirectories: themeSearchDirectories(environment: env))
    if let notice { writeStderr("kalypso-console: \(notice)\n") }
    // Our handlers first: ncurses only installs its own when the disposition is still the default.
    let signals = SignalMonitor()
    signals.install()
    defer { signals.uninstall() }
    let terminal: CursesTerminal
    do {
        terminal = try CursesTerminal(
            CursesConfiguration(environment: env, noColor: options.noColor, ascii: options.ascii))
    } catch {
        writeStderr("kalypso-console: \(error)\n")
        return 2
    }
    let app: App
    do {
        app = try makeApp(terminal.capabilities, themeDef)
    } catch {
        terminal.shutdown()
        writeStderr("kalypso-console: \(error)\n")
        return 2
    }
    let runtime = TerminalRuntime(
        app: app, terminal: terminal, theme: themeDef.theme(for: terminal.capabilities),
        options: RuntimeOptions(notice: notice), signals: signals)
    do {
        switch try runtime.run() {
        case .quit: return 0
        case .signal(let s): return 128 + s
        }
    } catch {
        terminal.shutdown()
        writeStderr("kalypso-console: \(error)\n")
        return 1
    }
}

struct UIDemo: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ui-demo", abstract: "Show the terminal UI demo (widgets, themes, keys) to check a terminal.")

    @OptionGroup var terminal: TerminalOptions

    @Option(name: .customLong("keys"), help: "Key remapping as action=key,key;... (e.g. \"down=j,Down;quit=x\").")
    var keyOverrides: String?

    func run() throws {
        var overrides: [String: [String]] = [:]
        for part in (keyOverrides ?? "").split(separator: ";") {
            let kv = part.split(separator: "=", maxSplits: 1)
            guard kv.count == 2 else {
                throw ValidationError("--keys: \"\(part)\" is not action=key,key")
            }
            overrides[String(kv[0])] = kv[1].split(separator: ",").map(String.init)
        }
        // Check the key table before touching the terminal: a bad binding is an error at start.
        do {
            _ = try KeyTable(actions: EngineDemo.actions(), overrides: overrides, readOnly: terminal.readOnly)
        } catch {
            writeStderr("kalypso-console: \(error)\n")
            throw ExitCode(2)
        }
        let ro = terminal.readOnly
        let code = runInteractive(options: terminal) { caps, theme in
            let keys = try KeyTable(actions: EngineDemo.actions(), overrides: overrides, readOnly: ro)
            let inbox = Inbox<EngineDemo.Message>()
            // A stand-in background service: posts through the inbox from a detached task.
            Task.detached {
                do {
                    try await Task.sleep(for: .milliseconds(150))
                    inbox.post(.serviceReady("ready"))
                } catch {
                    return  // cancelled: the program is quitting
                }
            }
            return EngineDemo(keys: keys, inbox: inbox, themeName: theme.name, size: Size(width: 0, height: 0))
        }
        if code != 0 { throw ExitCode(code) }
    }
}
