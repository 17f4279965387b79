import ArgumentParser

/// A command that accepts some global options before its name: which flags (no value) and options (one
/// value) ``GlobalFlags/reorder(_:root:)`` may move after it.
protocol GlobalOptionsCommand {
    static var globalFlags: Set<String> { get }
    static var globalOptions: Set<String> { get }
}

/// A command that takes ``OperatorOptions``: all of them work before and after its name.
protocol OperatorOptionsCommand: GlobalOptionsCommand {}

extension OperatorOptionsCommand {
    static var globalFlags: Set<String> { OperatorOptions.flagNames }
    static var globalOptions: Set<String> { OperatorOptions.optionNames }
}

// The onboarding commands take ``OperatorOptions`` too (declared in OnboardingCommands.swift): without these,
// `kalypso-console --config F status --json` was refused as console arguments.
extension StatusCommand: OperatorOptionsCommand {}
extension EnclaveConfigCommand: OperatorOptionsCommand {}
extension BenchmarkCommand: OperatorOptionsCommand {}
extension StartCommand: OperatorOptionsCommand {}
extension UpdateKeyCommand: OperatorOptionsCommand {}
extension OnboardCommand: OperatorOptionsCommand {}

/// `config check` takes the location options and `--json` of its own.
extension ConfigCheck: GlobalOptionsCommand {
    static let globalFlags: Set<String> = ["--json"]
    static let globalOptions: Set<String> = ["--config", "--network"]
}

/// Lets global options come before the subcommand (`kalypso-console --config F status --json` is
/// `kalypso-console status --config F --json`; `kalypso-console --no-color ui-demo`): ArgumentParser only
/// parses a subcommand's options after its name, so they are moved there.
enum GlobalFlags {
    /// The terminal flags of ``TerminalOptions`` (`ui-demo`).
    static let terminalFlags: Set<String> = ["--no-color", "--ascii", "--read-only"]
    static let terminalOptions: Set<String> = ["--theme"]

    /// Walks `args` down the subcommand tree of `root`, collecting the global options met on the way (before
    /// the first subcommand name, between group names), and puts them right after the last command name.
    /// Unchanged when nothing was collected or the command reached does not accept every option collected
    /// (the parser then reports the unknown option as usual) — except when help is asked for (`--help`, `-h`,
    /// `help`): help needs none of them, so they are left out and the help of the command named is shown
    /// (`kalypso-console --config F --help` is `kalypso-console --help`, not the default command's help).
    static func reorder(_ args: [String], root: any ParsableCommand.Type = KalypsoConsole.self) -> [String] {
        let (flags, options) = allGlobalNames(root)
        var globals: [(name: String, tokens: [String])] = []
        var names: [String] = []
        var command = root
        var i = 0
        scan: while i < args.count {
            let a = args[i]
            if flags.contains(a) || options.contains(where: { a.hasPrefix($0 + "=") }) {
                globals.append((optionName(a), [a]))
                i += 1
            } else if options.contains(a), i + 1 < args.count {
                globals.append((a, [a, args[i + 1]]))
                i += 2
            } else if let sub = command.configuration.subcommands.first(where: { name(of: $0) == a }) {
                names.append(a)
                command = sub
                i += 1
            } else {
                break scan
            }
        }
        guard !globals.isEmpty else { return args }
        let rest = Array(args[i...])
        let accepted =
            (command as? any GlobalOptionsCommand.Type).map { accepting in
                globals.allSatisfy {
                    accepting.globalFlags.contains($0.name) || accepting.globalOptions.contains($0.name)
                }
            } ?? false
        if accepted { return names + globals.flatMap(\.tokens) + rest }
        return asksForHelp(rest) ? names + rest : args
    }

    /// Whether the arguments after the command names ask for help: `help` first, or `--help`/`-h` before a `--`.
    private static func asksForHelp(_ rest: [String]) -> Bool {
        rest.first == "help" || rest.prefix { $0 != "--" }.contains { $0 == "--help" || $0 == "-h" }
    }

    /// `--config=F` → `--config`.
    private static func optionName(_ arg: String) -> String {
        arg.split(separator: "=", maxSplits: 1).first.map(String.init) ?? arg
    }

    private static func name(of command: any ParsableCommand.Type) -> String {
        command.configuration.commandName ?? String(describing: command).lowercased()
    }

    /// Every global flag and option some command of the tree accepts.
    private static func allGlobalNames(_ root: any ParsableCommand.Type) -> (Set<String>, Set<String>) {
        var flags: Set<String> = []
        var options: Set<String> = []
        func visit(_ command: any ParsableCommand.Type) {
            if let g = command as? any GlobalOptionsCommand.Type {
                flags.formUnion(g.globalFlags)
                options.formUnion(g.globalOptions)
            }
            command.configuration.subcommands.forEach(visit)
        }
        visit(root)
        return (flags, options)
    }
}
