import Foundation
import TestSupport
import Testing

@testable import TerminalKit

@Suite struct ThemeTests {
    static let shipped = ["dark", "light", "high-contrast", "monochrome"]

    @Test(arguments: shipped) func shippedThemesParse(name: String) throws {
        let def = try ThemeFile.load(nameOrPath: name, searchDirectories: [RepoPaths.path("themes")])
        #expect(def.name == name)
        // Every role is set by the file itself (no silent reliance on the built-in fallback).
        let text = try String(contentsOfFile: RepoPaths.path("themes/\(name).json"), encoding: .utf8)
        for role in Role.allCases { #expect(text.contains("\"\(role.rawValue)\""), "\(name) lacks \(role)") }
    }

    @Test func darkThemeValuesAndDepthOverride() throws {
        let def = try ThemeFile.load(path: RepoPaths.path("themes/dark.json"))
        #expect(def.styles[.accent] == Style(foreground: .rgb(0x5f, 0xd7, 0xff), attributes: .bold))
        #expect(def.styles[.muted] == Style(foreground: .indexed(245)))
        #expect(def.background == .default)
        let t256 = def.theme(for: Capabilities(colorDepth: .indexed256, unicode: true))
        #expect(t256[.accent].foreground == .indexed(81))
        let t16 = def.theme(for: Capabilities(colorDepth: .ansi16, unicode: true))
        #expect(t16[.selection] == Style(foreground: .ansi(0), background: .ansi(6)))
        let mono = def.theme(for: Capabilities(colorDepth: .monochrome, unicode: true))
        #expect(mono[.selection] == Style(attributes: .reverse))
    }

    @Test func highContrastSetsABackground() throws {
        let def = try ThemeFile.load(path: RepoPaths.path("themes/high-contrast.json"))
        #expect(def.background == .ansi(0))
        let t = def.theme(for: Capabilities(colorDepth: .indexed256, unicode: true))
        var f = Frame(width: 3, height: 1)
        f.write("a", x: 0, y: 0)
        t.applyBackground(to: &f)
        #expect(f[0, 0].style == Style(foreground: .ansi(15), background: .ansi(0)))
        // Monochrome drops the background: transparent again.
        #expect(def.theme(for: Capabilities(colorDepth: .monochrome, unicode: true)).background == .default)
    }

    @Test func colourSyntaxes() throws {
        let def = try ThemeFile.parse(
            """
            {"roles": {"text": {"fg": "#FF8800", "bg": 17}, "muted": {"fg": 3}, "ok": {"fg": "bright-green"},
             "warn": {"fg": "default", "attrs": ["bold", "italic"]}}}
            """, file: "t.json")
        #expect(def.styles[.text] == Style(foreground: .rgb(255, 136, 0), background: .indexed(17)))
        #expect(def.styles[.muted] == Style(foreground: .ansi(3)))
        #expect(def.styles[.ok] == Style(foreground: .ansi(10)))
        #expect(def.styles[.warn] == Style(attributes: [.bold, .italic]))
        #expect(def.name == "t")
        // Roles the file leaves out come from the built-in theme.
        #expect(def.styles[.error] == Theme.builtinDefault.styles[.error])
    }

    struct BrokenCase: Sendable, CustomStringConvertible {
        let text: String
        let line: Int
        let key: String?
        let fragment: String
        var description: String { fragment }
    }

    static let broken: [BrokenCase] = [
        BrokenCase(
            text: "{\n  \"roles\": {\n    \"selction\": {}\n  }\n}", line: 3, key: "roles.selction",
            fragment: "unknown role"),
        BrokenCase(
            text: "{\n  \"roles\": {\n    \"text\": {\"fg\": \"#12345\"}\n  }\n}", line: 3, key: "roles.text.fg",
            fragment: "is not a colour"),
        BrokenCase(
            text: "{\n  \"roles\": {\n    \"text\": {\n      \"bg\": 300\n    }\n  }\n}", line: 4, key: "roles.text.bg",
            fragment: "0-255"),
        BrokenCase(
            text: "{\n  \"roles\": {\n    \"text\": {\"fg\": \"orange\"}\n  }\n}", line: 3, key: "roles.text.fg",
            fragment: "\"orange\" is not a colour"),
        BrokenCase(
            text: "{\n  \"roles\": {\n    \"text\": {\"attrs\": [\"bold\",\n \"blinky\"]}\n  }\n}", line: 4,
            key: "roles.text.attrs", fragment: "unknown attribute"),
        BrokenCase(
            text: "{\n  \"roles\": {\n    \"text\": {\"colour\": \"red\"}\n  }\n}", line: 3, key: "roles.text.colour",
            fragment: "unknown key"),
        BrokenCase(
            text: "{\n  \"name\": \"x\",\n  \"colours\": {}\n}", line: 3, key: "colours", fragment: "unknown key"),
        BrokenCase(
            text: "{\n  \"depths\": {\n    \"88\": {}\n  }\n}", line: 3, key: "depths.88",
            fragment: "unknown colour depth"),
        BrokenCase(
            text: "{\n  \"roles\": {\n    \"text\": {}\n    \"muted\": {}\n  }\n}", line: 4, key: nil,
            fragment: "expected ',' or '}'"),
        BrokenCase(
            text: "{\n  \"roles\": {\n    \"text\": {},\n  }\n}", line: 4, key: nil, fragment: "expected a quoted key"),
        BrokenCase(text: "[1, 2]", line: 1, key: nil, fragment: "must be a JSON object"),
        BrokenCase(text: "{\n\"name\": \"a\",\n\"name\": \"b\"}", line: 3, key: nil, fragment: "appears twice"),
        BrokenCase(
            text: "{\"roles\": {\"text\": \"red\"}}", line: 1, key: "roles.text", fragment: "a style must be an object"),
    ]

    @Test(arguments: broken) func brokenThemeNamesLineAndKey(c: BrokenCase) {
        do {
            _ = try ThemeFile.parse(c.text, file: "themes/bad.json")
            Issue.record("parsed a broken theme")
        } catch {
            #expect(error.file == "themes/bad.json")
            #expect(error.line == c.line, "\(error)")
            #expect(error.key == c.key, "\(error)")
            #expect(error.description.contains(c.fragment), "\(error)")
            #expect(error.description.hasPrefix("themes/bad.json:\(c.line): "))
        }
    }

    @Test func brokenThemeFallsBackToDefaultWithNotice() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("themes-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try "{\n  \"roles\": {\"text\": {\"fg\": \"nope\"}}\n}".write(
            to: dir.appendingPathComponent("broken.json"), atomically: true, encoding: .utf8)
        let (def, notice) = ThemeFile.loadOrFallback(nameOrPath: "broken", searchDirectories: [dir.path])
        #expect(def == .builtin)
        #expect(
            notice
                == "theme error: \(dir.path)/broken.json:2: roles.text.fg: \"nope\" is not a colour; use \"#rrggbb\", a number 0-255, \"default\", or a name such as \"cyan\" or \"bright-black\"; using the default theme"
        )
        let (_, missing) = ThemeFile.loadOrFallback(nameOrPath: "nosuch", searchDirectories: [dir.path])
        #expect(missing?.contains("nosuch.json: no such theme (looked in \(dir.path))") == true)
        let (ok, none) = ThemeFile.loadOrFallback(nameOrPath: nil, searchDirectories: [])
        #expect(ok == .builtin && none == nil)
    }
}
