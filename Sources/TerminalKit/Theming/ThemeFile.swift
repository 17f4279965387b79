import Basics

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A theme file that cannot be used, with the file, line and key at fault.
public struct ThemeError: OperatorError, Equatable {
    public var file: String
    public var line: Int?
    /// Where in the document: `roles.selection.bg`.
    public var key: String?
    public var message: String

    public var description: String {
        var s = file
        if let line { s += ":\(line)" }
        s += ": "
        if let key { s += "\(key): " }
        return s + message
    }

    public var code: ErrorCode { .themeInvalid }
    public var title: String { "Theme cannot be used" }
    /// Where (file, line, key) and what is wrong, as `description`.
    public var detail: String { description }
    public var hint: String {
        "Fix the theme file (its format is in themes/README.md) or pick another theme with --theme; the built-in theme is used meanwhile."
    }
    public var category: ErrorCategory { .configuration }
}

extension ErrorCode {
    /// A theme file that is missing, not JSON, or holds an unknown role, colour or attribute.
    public static let themeInvalid: ErrorCode = "terminal.theme.invalid"
    /// Key bindings (defaults or remapping) that cannot be used.
    public static let keyBindingsInvalid: ErrorCode = "terminal.keyBindings.invalid"
    /// The terminal cannot run the interactive console (not a terminal, unknown or unusable TERM).
    public static let terminalUnavailable: ErrorCode = "terminal.unavailable"
    /// No pseudo-terminal could be opened (tests and benchmarks run curses on one).
    public static let pseudoTerminalUnavailable: ErrorCode = "terminal.pseudoTerminal.unavailable"
}

/// Reads theme files (JSON, format in themes/README.md).
package enum ThemeFile {
    static let depthNames: [String: ColorDepth] = [
        "truecolor": .trueColor, "256": .indexed256, "16": .ansi16, "8": .ansi8, "monochrome": .monochrome,
    ]
    static let colorNames: [String: UInt8] = [
        "black": 0, "red": 1, "green": 2, "yellow": 3, "blue": 4, "magenta": 5, "cyan": 6, "white": 7,
        "bright-black": 8, "grey": 8, "gray": 8, "bright-red": 9, "bright-green": 10, "bright-yellow": 11,
        "bright-blue": 12, "bright-magenta": 13, "bright-cyan": 14, "bright-white": 15,
    ]
    static let attributeNames: [String: Attributes] = [
        "bold": .bold, "dim": .dim, "italic": .italic, "underline": .underline, "reverse": .reverse, "blink": .blink,
    ]
    static let colorHelp =
        "use \"#rrggbb\", a number 0-255, \"default\", or a name such as \"cyan\" or \"bright-black\""

    /// Parses a theme document. `file` is only used in error messages.
    package static func parse(_ text: String, file: String) throws(ThemeError) -> ThemeDefinition {
        let root: JSONNode
        do {
            root = try JSONDocumentParser.parse(text)
        } catch {
            throw ThemeError(
                file: file, line: error.line, key: nil,
                message: "not valid JSON: column \(error.column): \(error.message)")
        }
        guard case .object(let members) = root.value else {
            throw ThemeError(
                file: file, line: root.line, key: nil,
                message: "a theme must be a JSON object, found \(root.value.typeName)")
        }
        var def = ThemeDefinition(name: baseName(file), styles: Theme.builtinDefault.styles)
        for m in members {
            switch m.key {
            case "name":
                guard case .string(let s) = m.value.value, !s.isEmpty else {
                    throw ThemeError(file: file, line: m.line, key: "name", message: "must be a non-empty string")
                }
                def.name = s
            case "description", "$comment": break
            case "background":
                def.background = try color(m.value, file: file, key: "background")
            case "roles":
                for (role, style) in try roles(m.value, file: file, key: "roles") {
                    def.styles[role] = style
                }
            case "depths":
                guard case .object(let depths) = m.value.value else {
                    throw ThemeError(
                        file: file, line: m.line, key: "depths", message: "must be an object keyed by colour depth")
                }
                for d in depths {
                    guard let depth = depthNames[d.key] else {
                        throw ThemeError(
                            file: file, line: d.line, key: "depths.\(d.key)",
                            message:
                                "unknown colour depth; use one of \(depthNames.keys.sorted().joined(separator: ", "))")
                    }
                    def.overrides[depth] = try roles(d.value, file: file, key: "depths.\(d.key)")
                }
            default:
                throw ThemeError(
                    file: file, line: m.line, key: m.key,
                    message: "unknown key; a theme has name, description, background, roles and depths")
            }
        }
        return def
    }

    /// Reads and parses the theme file at `path`.
    package static func load(path: String) throws(ThemeError) -> ThemeDefinition {
        guard let text = readText(path) else {
            throw ThemeError(
                file: path, line: nil, key: nil, message: "cannot read the file (\(String(cString: strerror(errno))))")
        }
        return try parse(text, file: path)
    }

    /// Finds a theme by name (`dark` → `<dir>/dark.json` in the first directory that has it) or by
    /// path (anything containing `/` or ending in `.json`).
    package static func load(nameOrPath: String, searchDirectories: [String]) throws(ThemeError) -> ThemeDefinition {
        if nameOrPath.contains("/") || nameOrPath.hasSuffix(".json") { return try load(path: nameOrPath) }
        guard nameOrPath.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }) else {
            throw ThemeError(
                file: nameOrPath, line: nil, key: nil, message: "not a theme name (letters, digits, - and _ only)")
        }
        for dir in searchDirectories {
            let p = dir + "/" + nameOrPath + ".json"
            if access(p, R_OK) == 0 { return try load(path: p) }
        }
        if nameOrPath == ThemeDefinition.builtin.name { return .builtin }
        let looked =
            searchDirectories.isEmpty
            ? "no theme folder found" : "looked in " + searchDirectories.joined(separator: ", ")
        throw ThemeError(file: nameOrPath + ".json", line: nil, key: nil, message: "no such theme (\(looked))")
    }

    /// Loads a theme, or falls back to the built-in default with a notice saying why.
    package static func loadOrFallback(nameOrPath: String?, searchDirectories: [String]) -> (
        ThemeDefinition, notice: String?
    ) {
        guard let nameOrPath else { return (.builtin, nil) }
        do {
            return (try load(nameOrPath: nameOrPath, searchDirectories: searchDirectories), nil)
        } catch {
            return (.builtin, "theme error: \(error.description); using the default theme")
        }
    }

    // MARK: pieces

    static func roles(_ node: JSONNode, file: String, key: String) throws(ThemeError) -> [Role: Style] {
        guard case .object(let members) = node.value else {
            throw ThemeError(
                file: file, line: node.line, key: key,
                message: "must be an object mapping role names to styles, found \(node.value.typeName)")
        }
        var out: [Role: Style] = [:]
        for m in members {
            guard let role = Role(rawValue: m.key) else {
                throw ThemeError(
                    file: file, line: m.line, key: "\(key).\(m.key)",
                    message: "unknown role; roles are \(Role.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            out[role] = try style(m.value, file: file, key: "\(key).\(m.key)")
        }
        return out
    }

    static func style(_ node: JSONNode, file: String, key: String) throws(ThemeError) -> Style {
        guard case .object(let members) = node.value else {
            throw ThemeError(
                file: file, line: node.line, key: key,
                message: "a style must be an object with fg, bg and attrs, found \(node.value.typeName)")
        }
        var st = Style()
        for m in members {
            switch m.key {
            case "fg": st.foreground = try color(m.value, file: file, key: "\(key).fg")
            case "bg": st.background = try color(m.value, file: file, key: "\(key).bg")
            case "attrs":
                guard case .array(let items) = m.value.value else {
                    throw ThemeError(
                        file: file, line: m.line, key: "\(key).attrs", message: "must be a list such as [\"bold\"]")
                }
                for item in items {
                    guard case .string(let s) = item.value, let a = attributeNames[s] else {
                        throw ThemeError(
                            file: file, line: item.line, key: "\(key).attrs",
                            message: "unknown attribute; use \(attributeNames.keys.sorted().joined(separator: ", "))")
                    }
                    st.attributes.insert(a)
                }
            default:
                throw ThemeError(
                    file: file, line: m.line, key: "\(key).\(m.key)",
                    message: "unknown key; a style has fg, bg and attrs")
            }
        }
        return st
    }

    static func color(_ node: JSONNode, file: String, key: String) throws(ThemeError) -> Color {
        switch node.value {
        case .number(let n):
            guard let v = Int(n), (0...255).contains(v) else {
                throw ThemeError(file: file, line: node.line, key: key, message: "\(n) is not a colour number 0-255")
            }
            return v < 16 ? .ansi(UInt8(v)) : .indexed(UInt8(v))
        case .string(let s):
            if s == "default" { return .default }
            if let n = colorNames[s.lowercased()] { return .ansi(n) }
            if s.hasPrefix("#"), s.count == 7, s.dropFirst().allSatisfy(\.isHexDigit),
                let v = UInt32(s.dropFirst(), radix: 16)
            {
                return .rgb(UInt8(v >> 16), UInt8((v >> 8) & 0xFF), UInt8(v & 0xFF))
            }
            throw ThemeError(file: file, line: node.line, key: key, message: "\"\(s)\" is not a colour; \(colorHelp)")
        default:
            throw ThemeError(
                file: file, line: node.line, key: key, message: "\(node.value.typeName) is not a colour; \(colorHelp)")
        }
    }

    static func baseName(_ path: String) -> String {
        var name = path.split(separator: "/").last.map(String.init) ?? path
        if name.hasSuffix(".json") { name.removeLast(5) }
        return name
    }

    static func readText(_ path: String) -> String? {
        guard let f = fopen(path, "rb") else { return nil }
        defer { fclose(f) }
        var data: [UInt8] = []
        var buf = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = fread(&buf, 1, buf.count, f)
            if n > 0 { data += buf[0..<n] }
            if n < buf.count { break }
            if data.count > 4 << 20 { return nil }
        }
        if ferror(f) != 0 { return nil }
        return String(decoding: data, as: UTF8.self)
    }
}
