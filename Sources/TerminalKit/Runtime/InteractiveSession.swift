import Foundation

/// Everything needed to run a `TerminalApplication` on the real terminal: signal handlers, curses,
/// capabilities, the theme (with fallback and notice) and the loop. Errors are thrown to the program's one
/// error mapping; only the theme fallback notice (a warning, the program goes on) is written here.
public struct InteractiveSession {
    /// The program name used as the prefix of error messages.
    public var programName: String
    /// `--theme`: a theme name from the theme folders or a path; nil for the built-in default.
    public var theme: String?
    /// `--no-color`.
    public var noColor: Bool
    /// `--ascii`.
    public var ascii: Bool
    public var environment: [String: String]
    /// Folders a theme name is looked up in, in order (the program decides where its themes live).
    public var themeDirectories: [String]

    public init(
        programName: String, theme: String? = nil, noColor: Bool = false, ascii: Bool = false,
        environment: [String: String] = ProcessInfo.processInfo.environment, themeDirectories: [String] = []
    ) {
        self.programName = programName
        self.theme = theme
        self.noColor = noColor
        self.ascii = ascii
        self.environment = environment
        self.themeDirectories = themeDirectories
    }

    /// Runs the application made by `makeApp` and returns the process exit code: 0 after a normal
    /// quit, 128+n after termination signal n. Throws `TerminalStartError` when the terminal cannot
    /// start, and whatever `makeApp` or the loop throws. The terminal is restored on every path.
    public func run<App: TerminalApplication>(
        makeApp: (_ capabilities: Capabilities, _ theme: ThemeDefinition) throws -> App
    ) throws -> Int32 {
        let (themeDef, notice) = ThemeFile.loadOrFallback(
            nameOrPath: theme, searchDirectories: Self.existingDirectories(themeDirectories))
        if let notice { writeStandardError("\(programName): \(notice)\n") }
        // Our handlers first: ncurses only installs its own when the disposition is still the default.
        let signals = SignalMonitor()
        signals.install()
        defer { signals.uninstall() }
        let terminal = try CursesTerminal(
            CursesConfiguration(environment: environment, noColor: noColor, ascii: ascii))
        let app: App
        do {
            app = try makeApp(terminal.capabilities, themeDef)
        } catch {
            terminal.shutdown()
            throw error
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
            throw error
        }
    }

    /// The folders of `candidates` that exist, first occurrence of each.
    static func existingDirectories(_ candidates: [String]) -> [String] {
        var seen = Set<String>()
        return candidates.filter { d in
            var isDir: ObjCBool = false
            return seen.insert(d).inserted && FileManager.default.fileExists(atPath: d, isDirectory: &isDir)
                && isDir.boolValue
        }
    }

    /// `themes/` in the working directory and in the folders above the running executable (a source
    /// checkout keeps them beside `.build`), nearest first.
    public static func localThemeDirectories() -> [String] {
        var dirs = [FileManager.default.currentDirectoryPath + "/themes"]
        var url = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<5 {
            dirs.append(url.appendingPathComponent("themes").path)
            url.deleteLastPathComponent()
        }
        return dirs
    }
}

/// Writes to stderr without the C `stderr` global (not importable in Swift 6).
public func writeStandardError(_ s: String) {
    let bytes = Array(s.utf8)
    var off = 0
    while off < bytes.count {
        let n = bytes[off...].withUnsafeBufferPointer { write(2, $0.baseAddress, $0.count) }
        if n <= 0 { break }
        off += n
    }
}
