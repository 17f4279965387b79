/// Lets the terminal flags (`--no-color`, `--ascii`, `--theme X`, `--read-only`) come before the
/// subcommand as global flags (`kalypso-console --no-color ui-demo`): ArgumentParser only parses a
/// subcommand's options after its name, so they are moved there.
enum GlobalFlags {
    static let flags: Set<String> = ["--no-color", "--ascii", "--read-only"]
    static let options: Set<String> = ["--theme"]
    /// Subcommands that take `TerminalOptions`.
    static let interactive: Set<String> = ["ui-demo", "console"]

    static func reorder(_ args: [String]) -> [String] {
        var globals: [String] = []
        var i = 0
        while i < args.count {
            let a = args[i]
            if flags.contains(a) || options.contains(where: { a.hasPrefix($0 + "=") }) {
                globals.append(a)
                i += 1
            } else if options.contains(a), i + 1 < args.count {
                globals += [a, args[i + 1]]
                i += 2
            } else {
                break
            }
        }
        guard !globals.isEmpty, i < args.count, interactive.contains(args[i]) else { return args }
        return [args[i]] + globals + Array(args[(i + 1)...])
    }
}
