import Testing

@testable import TerminalKit

/// Expected values come from xterm's 256colres.pl palette (cube levels 0,95,135,175,215,255 and grey
/// ramp 8+10n) and XTerm-col.ad for the 16 ANSI colours, as listed in the xterm-256color chart.
@Suite struct ColorReductionTests {
    struct Case: Sendable {
        let rgb: (UInt8, UInt8, UInt8)
        let index: UInt8
    }

    static let paletteEntries: [(UInt8, UInt8, UInt8, UInt8)] = [
        (16, 0, 0, 0), (21, 0, 0, 255), (46, 0, 255, 0), (196, 255, 0, 0), (208, 255, 135, 0), (231, 255, 255, 255),
        (67, 95, 135, 175), (81, 95, 215, 255), (232, 8, 8, 8), (244, 128, 128, 128), (255, 238, 238, 238),
        (1, 205, 0, 0), (12, 92, 92, 255),
    ]

    @Test func paletteMatchesXterm() {
        for (i, r, g, b) in Self.paletteEntries {
            let c = ColorReduction.rgb(ofIndexed: i)
            #expect(c.0 == r && c.1 == g && c.2 == b, "entry \(i)")
        }
    }

    @Test func exactPaletteColoursMapToThemselves() {
        for (i, r, g, b) in Self.paletteEntries where i >= 16 {
            #expect(ColorReduction.nearest256(r, g, b) == i, "rgb \(r),\(g),\(b)")
        }
    }

    @Test func nearest256PicksCubeOrGrey() {
        #expect(ColorReduction.nearest256(0xff, 0x88, 0x00) == 208)  // orange
        #expect(ColorReduction.nearest256(0x80, 0x80, 0x80) == 244)  // exact grey 128
        #expect(ColorReduction.nearest256(0x30, 0x30, 0x30) == 236)  // grey 48
        #expect(ColorReduction.nearest256(0x5f, 0xd7, 0xfe) == 81)
        #expect(ColorReduction.nearest256(0xfe, 0xfe, 0xfe) == 231)  // white cube corner beats grey 238
    }

    @Test func nearest16UsesXtermAnsiColours() {
        #expect(ColorReduction.nearest16(255, 0, 0) == 9)
        #expect(ColorReduction.nearest16(200, 0, 0) == 1)
        #expect(ColorReduction.nearest16(0, 0, 0) == 0)
        #expect(ColorReduction.nearest16(130, 130, 130) == 8)
        #expect(ColorReduction.nearest16(255, 135, 0) == 3)  // orange is closest to xterm's dark yellow cdcd00
    }

    @Test func colourLadder() {
        let orange = Color.rgb(255, 135, 0)
        #expect(ColorReduction.reduce(orange, to: .trueColor) == orange)
        #expect(ColorReduction.reduce(orange, to: .indexed256) == .indexed(208))
        #expect(ColorReduction.reduce(orange, to: .ansi16) == .ansi(3))
        #expect(ColorReduction.reduce(orange, to: .ansi8) == .ansi(3))
        #expect(ColorReduction.reduce(orange, to: .monochrome) == .default)
        #expect(ColorReduction.reduce(.indexed(196), to: .ansi16) == .ansi(9))
        #expect(ColorReduction.reduce(.indexed(196), to: .ansi8) == .ansi(1))
        #expect(ColorReduction.reduce(.indexed(4), to: .ansi16) == .ansi(4))
        #expect(ColorReduction.reduce(.default, to: .ansi8) == .default)
    }

    @Test func brightColoursOnEightColourTerminalsBecomeBold() {
        let s = ColorReduction.reduce(Style(foreground: .ansi(9)), to: .ansi8)
        #expect(s == Style(foreground: .ansi(1), attributes: .bold))
        // Bright black would become invisible black: dimmed white instead.
        let grey = ColorReduction.reduce(Style(foreground: .ansi(8)), to: .ansi8)
        #expect(grey == Style(foreground: .ansi(7), attributes: .dim))
        let bg = ColorReduction.reduce(Style(background: .ansi(12)), to: .ansi8)
        #expect(bg == Style(background: .ansi(4)))
    }

    @Test func monochromeKeepsHighlightsVisibleWithReverse() {
        let sel = ColorReduction.reduce(Style(foreground: .ansi(0), background: .ansi(6)), to: .monochrome)
        #expect(sel == Style(attributes: .reverse))
        let fgOnly = ColorReduction.reduce(Style(foreground: .ansi(1), attributes: .bold), to: .monochrome)
        #expect(fgOnly == Style(attributes: .bold))
    }

    @Test func monochromeThemeCarriesMeaningInAttributes() {
        let t = Theme.builtinDefault.adapted(to: Capabilities(colorDepth: .monochrome, unicode: true))
        #expect(t[.selection] == Style(attributes: .reverse))
        #expect(t[.accent] == Style(attributes: .bold))
        #expect(t[.title] == Style(attributes: .bold))
        #expect(t[.error] == Style(attributes: .bold))
        #expect(t[.muted] == Style(attributes: .dim))
        for role in Role.allCases {
            #expect(t[role].foreground == .default && t[role].background == .default, "\(role)")
        }
    }

    @Test func asciiTerminalGetsNoNonAsciiCharacters() {
        let caps = Capabilities(colorDepth: .ansi16, unicode: false)
        #expect(Cell("─").adapted(to: caps).character == "?")
        #expect(Cell("a").adapted(to: caps).character == "a")
        let cont = Cell(" ", isContinuation: true).adapted(to: caps)
        #expect(!cont.isContinuation)
    }
}
