import Foundation
import TerminalKit

/// The console's key table: global actions, the modes the core owns (help, palette, dialog) and the
/// shared table keys, plus every registered screen's own actions. One list is the only source of
/// bindings, footer hints and `?` help.
public enum ConsoleKeys {
    public static let global = KeyTable.globalScope
    public static let helpScope = "help"
    public static let paletteScope = "palette"
    public static let dialogScope = "dialog"

    /// Global action ids.
    public static let next = "screen.next", previous = "screen.previous", palette = "palette"
    public static let help = "help", refresh = "refresh", dismiss = "dismiss", quit = "quit"
    /// The id of the action that shows the screen with this number (1-based).
    public static func screen(_ number: Int) -> String { "screen.\(number)" }

    public static let paletteGo = "palette.go", paletteComplete = "palette.complete"
    public static let paletteClose = "palette.close", paletteDeleteBack = "palette.deleteBack"
    public static let dialogPrevious = "dialog.previous", dialogNext = "dialog.next"
    public static let dialogActivate = "dialog.activate", dialogCancel = "dialog.cancel"
    public static let dialogDown = "dialog.down", dialogUp = "dialog.up", dialogPageDown = "dialog.pageDown"
    public static let dialogPageUp = "dialog.pageUp", dialogHelp = "dialog.help"
    public static let helpDown = "help.down", helpUp = "help.up", helpPageDown = "help.pageDown"
    public static let helpPageUp = "help.pageUp", helpClose = "help.close"

    /// Every action of the console with the screens of `registry`.
    public static func actions(registry: ScreenRegistry = .standard) -> [KeyAction] {
        let g = global
        var list: [KeyAction] = []
        // Number keys from the list's order: the screen list decides the numbers, not constants.
        for (i, entry) in registry.screens.enumerated() where i < 9 {
            list.append(
                KeyAction(
                    id: screen(i + 1), description: "\(entry.title) screen",
                    keys: [.character(Character(String(i + 1)))], group: "Screens", scope: g, inFooter: false))
        }
        list += [
            KeyAction(id: next, description: "Next screen", keys: [.tab], group: "Screens", scope: g, inFooter: false),
            KeyAction(
                id: previous, description: "Previous screen", keys: [.backTab], group: "Screens", scope: g,
                inFooter: false),
            KeyAction(
                id: palette, description: "Go to a screen by name", keys: [.character(":")], group: "Screens",
                scope: g),
            KeyAction(id: help, description: "Help", keys: [.character("?")], group: "General", scope: g),
            KeyAction(
                id: refresh, description: "Sync now", keys: [.control("r")], group: "General", scope: g,
                inFooter: false),
            KeyAction(
                id: dismiss, description: "Dismiss the message", keys: [.escape], group: "General", scope: g,
                inFooter: false),
            KeyAction(id: quit, description: "Quit", keys: [.character("q")], group: "General", scope: g),
        ]
        let p = paletteScope
        list += [
            KeyAction(id: paletteGo, description: "Go", keys: [.enter], group: "Palette", scope: p),
            KeyAction(id: paletteComplete, description: "Complete", keys: [.tab], group: "Palette", scope: p),
            KeyAction(id: paletteClose, description: "Close", keys: [.escape], group: "Palette", scope: p),
            KeyAction(
                id: paletteDeleteBack, description: "Delete back", keys: [.backspace], group: "Palette", scope: p,
                inFooter: false),
        ]
        let d = dialogScope
        list += [
            KeyAction(
                id: dialogPrevious, description: "Previous button", keys: [.left, .character("h"), .backTab],
                group: "Dialog", scope: d),
            KeyAction(
                id: dialogNext, description: "Next button", keys: [.right, .character("l"), .tab], group: "Dialog",
                scope: d),
            KeyAction(id: dialogActivate, description: "Choose", keys: [.enter], group: "Dialog", scope: d),
            KeyAction(id: dialogCancel, description: "Close", keys: [.escape], group: "Dialog", scope: d),
            // A long review scrolls; the buttons keep Left/Right and Tab.
            KeyAction(
                id: dialogDown, description: "Scroll the text down", keys: [.character("j"), .down], group: "Dialog",
                scope: d, footerLabel: "Scroll"),
            KeyAction(
                id: dialogUp, description: "Scroll the text up", keys: [.character("k"), .up], group: "Dialog",
                scope: d, footerLabel: "Scroll"),
            KeyAction(
                id: dialogPageDown, description: "Page down", keys: [.pageDown, .character(" ")], group: "Dialog",
                scope: d, inFooter: false),
            KeyAction(
                id: dialogPageUp, description: "Page up", keys: [.pageUp], group: "Dialog", scope: d, inFooter: false),
            KeyAction(
                id: dialogHelp, description: "Keys of the dialog", keys: [.character("?")], group: "Dialog", scope: d,
                footerLabel: "Help"),
        ]
        let h = helpScope
        list += [
            KeyAction(
                id: helpDown, description: "Scroll down", keys: [.character("j"), .down], group: "Help", scope: h,
                footerLabel: "Scroll"),
            KeyAction(
                id: helpUp, description: "Scroll up", keys: [.character("k"), .up], group: "Help", scope: h,
                footerLabel: "Scroll"),
            KeyAction(
                id: helpPageDown, description: "Page down", keys: [.pageDown, .character(" ")], group: "Help",
                scope: h, inFooter: false),
            KeyAction(
                id: helpPageUp, description: "Page up", keys: [.pageUp], group: "Help", scope: h, inFooter: false),
            KeyAction(
                id: helpClose, description: "Close", keys: [.escape, .character("q"), .character("?")],
                group: "Help", scope: h),
        ]
        list += ScreenTable.actions()
        for screen in registry.screens { list += screen.actions() }
        return list
    }

    /// The table with `overrides` ("action" → key names, from `--keys` or the config) and read-only mode.
    public static func table(
        registry: ScreenRegistry = .standard, overrides: [String: [String]] = [:], readOnly: Bool = false
    ) throws(KeyTableError) -> KeyTable {
        try KeyTable(actions: actions(registry: registry), overrides: overrides, readOnly: readOnly)
    }

    /// Parses `--keys "action=key,key;action=key"` into overrides; nil with the bad part on a malformed one.
    public static func parseOverrides(_ text: String) -> Result<[String: [String]], KeyOverrideSyntaxError> {
        var out: [String: [String]] = [:]
        for part in text.split(separator: ";") where !part.trimmingCharacters(in: .whitespaces).isEmpty {
            let kv = part.split(separator: "=", maxSplits: 1)
            guard kv.count == 2, !kv[0].isEmpty else { return .failure(KeyOverrideSyntaxError(part: String(part))) }
            out[String(kv[0]).trimmingCharacters(in: .whitespaces)] = kv[1].split(separator: ",").map {
                String($0).trimmingCharacters(in: .whitespaces)
            }
        }
        return .success(out)
    }
}

/// `--keys` text that is not `action=key,key;…`.
public struct KeyOverrideSyntaxError: Error, Sendable, Equatable {
    public let part: String
}
