import Testing

@testable import TerminalKit

@Suite struct CapabilityDetectionTests {
    @Test func colourLadderFromTerminfo() {
        #expect(Capabilities.detectColorDepth(TerminalProbe(colors: 16_777_216, directColor: true)) == .trueColor)
        #expect(Capabilities.detectColorDepth(TerminalProbe(colors: 256)) == .indexed256)
        #expect(Capabilities.detectColorDepth(TerminalProbe(colors: 88)) == .ansi16)
        #expect(Capabilities.detectColorDepth(TerminalProbe(colors: 16)) == .ansi16)
        #expect(Capabilities.detectColorDepth(TerminalProbe(colors: 8)) == .ansi8)
        #expect(Capabilities.detectColorDepth(TerminalProbe(colors: -1)) == .monochrome)
        #expect(Capabilities.detectColorDepth(TerminalProbe(colors: 0)) == .monochrome)
    }

    @Test func colortermAloneDoesNotPromiseTruecolorThroughA256ColourEntry() {
        let p = TerminalProbe(colors: 256, environment: ["COLORTERM": "truecolor"])
        #expect(Capabilities.detectColorDepth(p) == .indexed256)
    }

    @Test func noColorEnvironmentAndFlag() {
        #expect(
            Capabilities.detectColorDepth(TerminalProbe(colors: 256, environment: ["NO_COLOR": "1"])) == .monochrome)
        // no-color.org: an empty NO_COLOR does not count.
        #expect(Capabilities.detectColorDepth(TerminalProbe(colors: 256, environment: ["NO_COLOR": ""])) == .indexed256)
        #expect(Capabilities.detectColorDepth(TerminalProbe(colors: 256, noColorFlag: true)) == .monochrome)
    }

    @Test func unicodeFromCodesetOrLocaleVariables() {
        #expect(Capabilities.detectUnicode(TerminalProbe(colors: 8, codeset: "UTF-8")))
        #expect(!Capabilities.detectUnicode(TerminalProbe(colors: 8, codeset: "ANSI_X3.4-1968")))
        #expect(!Capabilities.detectUnicode(TerminalProbe(colors: 8, codeset: "UTF-8", asciiFlag: true)))
        #expect(Capabilities.detectUnicode(TerminalProbe(colors: 8, environment: ["LANG": "en_US.UTF-8"])))
        #expect(Capabilities.detectUnicode(TerminalProbe(colors: 8, environment: ["LANG": "C.utf8"])))
        #expect(!Capabilities.detectUnicode(TerminalProbe(colors: 8, environment: ["LANG": "C"])))
        // LC_ALL wins over LANG.
        #expect(
            !Capabilities.detectUnicode(TerminalProbe(colors: 8, environment: ["LC_ALL": "C", "LANG": "en_US.UTF-8"])))
        #expect(!Capabilities.detectUnicode(TerminalProbe(colors: 8, environment: [:])))
    }

    @Test func linuxConsoleHasNoBraille() {
        let linux = Capabilities.detect(TerminalProbe(colors: 8, codeset: "UTF-8", term: "linux"))
        #expect(linux.unicode && !linux.braille)
        #expect(!linux.glyphs.braille && linux.glyphs.blocks && linux.glyphs.horizontal == "─")
        let xterm = Capabilities.detect(TerminalProbe(colors: 256, codeset: "UTF-8", term: "xterm-256color"))
        #expect(xterm.braille && xterm.glyphs.braille)
        #expect(!Capabilities.detect(TerminalProbe(colors: 256, codeset: "C", term: "xterm")).glyphs.braille)
    }
}
