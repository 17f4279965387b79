import Basics

/// Something the user can do with a key: the single source of bindings, footer hints and help.
public struct KeyAction: Sendable, Hashable {
    /// Stable id used in configuration files ("table.down", "tx.send").
    public var id: String
    /// What it does, as shown in help and footers ("Move down").
    public var description: String
    public var defaultKeys: [Key]
    /// Heading in the help overlay ("Navigation").
    public var group: String
    /// Where the binding applies ("global" or a screen/widget name). A key may mean different things
    /// in different scopes but only one thing within one scope.
    public var scope: String
    /// Signs or changes something on chain: removed entirely in read-only mode.
    public var dangerous: Bool
    /// Shown in the footer (the help overlay shows every action).
    public var inFooter: Bool
    /// A shorter label shared by consecutive actions that the footer shows as one hint: "Scroll down"
    /// (j) and "Scroll up" (k) with the label "Scroll" appear as `j/k Scroll`. Nil: its own hint.
    public var footerLabel: String?

    public init(
        id: String, description: String, keys: [Key], group: String = "General", scope: String = KeyTable.globalScope,
        dangerous: Bool = false, inFooter: Bool = true, footerLabel: String? = nil
    ) {
        self.id = id
        self.description = description
        defaultKeys = keys
        self.group = group
        self.scope = scope
        self.dangerous = dangerous
        self.inFooter = inFooter
        self.footerLabel = footerLabel
    }

    /// An action whose id is a case of the application's own action enum (its raw value is the id).
    public init<ID: RawRepresentable>(
        _ id: ID, description: String, keys: [Key], group: String = "General", scope: String = KeyTable.globalScope,
        dangerous: Bool = false, inFooter: Bool = true, footerLabel: String? = nil
    ) where ID.RawValue == String {
        self.init(
            id: id.rawValue, description: description, keys: keys, group: group, scope: scope, dangerous: dangerous,
            inFooter: inFooter, footerLabel: footerLabel)
    }
}

/// A key table that cannot be used; raised at start, never when a key is pressed.
public struct KeyTableError: OperatorError, Equatable {
    public enum Kind: Sendable, Equatable {
        /// An override names an action the table does not have; `known` lists the ids it has.
        case unknownAction(String, known: [String])
        case unknownKeyName(action: String, name: String)
        case reservedKey(action: String, key: String)
        case undeliverableKey(action: String, key: String, reason: String)
        case conflict(key: String, scope: String, actions: [String])
        case duplicateAction(String)
    }
    public var kind: Kind

    public init(kind: Kind) { self.kind = kind }

    public var code: ErrorCode { .keyBindingsInvalid }
    /// Short on purpose: `title: detail` is the line operators know ("key bindings: j is bound to …").
    public var title: String { "key bindings" }

    public var detail: String {
        switch kind {
        case .unknownAction(let id, let known):
            return "unknown action \"\(id)\"; the actions are: \(known.joined(separator: ", "))"
        case .unknownKeyName(let action, let name):
            return
                "\(action): unknown key name \"\(name)\" (use e.g. j, Down, C-d, M-x, F5, Enter, Esc, Tab, Space, PgDn)"
        case .reservedKey(let action, let key):
            return "\(action): \"\(key)\" cannot carry an action (it needs AltGr on many keyboards); choose another key"
        case .undeliverableKey(let action, let key, let reason):
            return "\(action): \(key) never reaches the program (\(reason)); choose another key"
        case .conflict(let key, let scope, let actions):
            return "\(key) is bound to both \(actions.joined(separator: " and ")) in scope \"\(scope)\""
        case .duplicateAction(let id):
            return "action \"\(id)\" is defined twice"
        }
    }

    public var hint: String {
        switch kind {
        case .unknownAction:
            return "Use one of the action ids listed above, e.g. --keys 'quit=x'."
        case .duplicateAction:
            return "This is a bug in the program's default key table; please report it."
        default:
            return "Give the action another key, e.g. --keys 'quit=x'; the ? help lists the actions and their keys."
        }
    }

    public var category: ErrorCategory {
        if case .duplicateAction = kind { return .internal }
        return .configuration
    }
}

/// Bindings of keys to actions, with remapping, conflict checks and a read-only mode.
public struct KeyTable: Sendable {
    public static let globalScope = "global"

    /// Actions in declaration order (read-only mode leaves dangerous ones out).
    public let actions: [KeyAction]
    private let keysByAction: [String: [Key]]
    private let actionByKey: [String: [Key: String]]
    public let readOnly: Bool

    /// Builds the table.
    /// - Parameters:
    ///   - overrides: action id → key names from the configuration; replaces that action's default keys
    ///     (an empty list unbinds it).
    ///   - readOnly: drop every dangerous action: not bound, not in footer or help.
    /// - Throws: unknown action ids or key names, reserved keys, keys the terminal never delivers
    ///   (C-c, C-z, C-s, C-q, C-h, C-i, C-j, C-m), and two actions on one key in one scope.
    public init(actions: [KeyAction], overrides: [String: [String]] = [:], readOnly: Bool = false) throws(KeyTableError)
    {
        var seen = Set<String>()
        for a in actions {
            if !seen.insert(a.id).inserted { throw KeyTableError(kind: .duplicateAction(a.id)) }
        }
        for id in overrides.keys.sorted() where !seen.contains(id) {
            throw KeyTableError(kind: .unknownAction(id, known: actions.map(\.id)))
        }
        let kept = actions.filter { !(readOnly && $0.dangerous) }
        var keys: [String: [Key]] = [:]
        for a in kept {
            if let names = overrides[a.id] {
                var list: [Key] = []
                for n in names {
                    guard let k = KeyName.parse(n) else {
                        throw KeyTableError(kind: .unknownKeyName(action: a.id, name: n))
                    }
                    if !list.contains(k) { list.append(k) }
                }
                keys[a.id] = list
            } else {
                keys[a.id] = a.defaultKeys
            }
            for k in keys[a.id] ?? [] {
                if !KeyName.isAllowedForActions(k) {
                    throw KeyTableError(kind: .reservedKey(action: a.id, key: k.description))
                }
                if let why = KeyName.whyUndeliverable(k) {
                    throw KeyTableError(kind: .undeliverableKey(action: a.id, key: k.description, reason: why))
                }
            }
        }
        var byKey: [String: [Key: String]] = [:]
        for a in kept {
            for k in keys[a.id] ?? [] {
                if let other = byKey[a.scope]?[k] {
                    throw KeyTableError(kind: .conflict(key: k.description, scope: a.scope, actions: [other, a.id]))
                }
                byKey[a.scope, default: [:]][k] = a.id
            }
        }
        self.actions = kept
        keysByAction = keys
        actionByKey = byKey
        self.readOnly = readOnly
    }

    /// The action a key triggers in `scope`, falling back to the global scope.
    public func action(for key: Key, in scope: String = KeyTable.globalScope) -> KeyAction? {
        let id = actionByKey[scope]?[key] ?? actionByKey[Self.globalScope]?[key]
        return id.flatMap { id in actions.first { $0.id == id } }
    }

    /// The id of the action a key triggers (convenient in `switch`).
    public func actionID(for key: Key, in scope: String = KeyTable.globalScope) -> String? {
        action(for: key, in: scope)?.id
    }

    /// The action a key triggers in `scope` as a case of the application's action enum; nil when the key
    /// is unbound or its id is not a case of `ID` (an action of another screen).
    public func action<ID: RawRepresentable>(
        for key: Key, in scope: String = KeyTable.globalScope, as _: ID.Type = ID.self
    ) -> ID? where ID.RawValue == String {
        actionID(for: key, in: scope).flatMap(ID.init(rawValue:))
    }

    /// The action a key triggers in the first of `scopes` that binds it, falling back to the global
    /// scope: a mode nested in another (a choice field inside form editing) looks in its own scope first.
    public func action<ID: RawRepresentable>(
        for key: Key, inScopes scopes: [String], as _: ID.Type = ID.self
    ) -> ID? where ID.RawValue == String {
        for scope in scopes {
            if let id = actionByKey[scope]?[key] { return ID(rawValue: id) }
        }
        return action(for: key, as: ID.self)
    }

    /// The keys bound to an action (empty when unbound or removed by read-only mode).
    public func keys(for actionID: String) -> [Key] { keysByAction[actionID] ?? [] }

    /// Whether an action exists in this table (false for dangerous actions in read-only mode).
    public func contains(_ actionID: String) -> Bool { keysByAction[actionID] != nil }

    /// Footer hints for a screen: its own actions, then global ones, bound and marked for the footer.
    ///
    /// `globals: false` leaves the global actions out (a mode such as a help overlay or a text editor,
    /// where they do not apply). Consecutive actions with the same `footerLabel` become one hint whose
    /// keys are the first key of each. `firstKeyOnly` names only the first key of every action, so the
    /// footer stays on one line (the `?` help lists them all).
    public func footerHints(scope: String = KeyTable.globalScope, globals: Bool = true, firstKeyOnly: Bool = false)
        -> [KeyHint]
    {
        let scoped = actions.filter { $0.scope == scope && $0.inFooter }
        let global =
            scope == Self.globalScope || !globals
            ? [] : actions.filter { $0.scope == Self.globalScope && $0.inFooter }
        var out: [KeyHint] = []
        var lastLabel: String?
        for a in scoped + global {
            guard var h = hint(a) else { continue }
            if firstKeyOnly { h.keys = Array(h.keys.prefix(1)) }
            if let label = a.footerLabel, label == lastLabel, var merged = out.popLast() {
                merged.keys.append(h.keys[0])
                out.append(merged)
            } else if let label = a.footerLabel {
                out.append(KeyHint(keys: [h.keys[0]], description: label, group: h.group))
            } else {
                out.append(h)
            }
            lastLabel = a.footerLabel
        }
        return out
    }

    /// Every bound action for the `?` overlay, grouped (groups in order of first appearance, actions
    /// in declaration order within a group). `scopes` limits it to the given scopes (nil: all).
    public func helpEntries(scopes: [String]? = nil) -> [KeyHint] {
        let chosen = actions.filter { scopes == nil || scopes?.contains($0.scope) == true }
        var groups: [String] = []
        for a in chosen where !groups.contains(a.group) { groups.append(a.group) }
        return groups.flatMap { g in chosen.filter { $0.group == g }.compactMap(hint) }
    }

    private func hint(_ a: KeyAction) -> KeyHint? {
        let ks = keys(for: a.id)
        guard !ks.isEmpty else { return nil }
        return KeyHint(keys: ks.map(\.description), description: a.description, group: a.group)
    }
}
