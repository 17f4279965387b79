import Basics
import Foundation
import KalypsoStore
import TerminalKitTesting
import Testing

@testable import ConsoleApp
@testable import TerminalKit

/// Every screen from fixed states on a frame: empty, loading, populated, error, read-only, ASCII and
/// monochrome, at 80×24 and 200×60. The snapshots are text files beside this file (review them).
@Suite struct ConsoleScreenSnapshotTests {
    typealias F = ConsoleFixtures
    static let suite = "Screens"
    static let unicode = RenderContext(capabilities: Capabilities(colorDepth: .indexed256, unicode: true))
    static let ascii = RenderContext(capabilities: Capabilities(colorDepth: .ansi8, unicode: false))
    static var monochrome: RenderContext {
        let caps = Capabilities(colorDepth: .monochrome, unicode: true)
        return RenderContext(theme: Theme.builtinDefault.adapted(to: caps), capabilities: caps)
    }

    static let failure = ConsoleFailure(
        StoreError(.cannotOpen, path: "/home/op/.local/state/kalypso-console/devnet-31337.sqlite", reason: "disk full"))

    enum Kind: String, CaseIterable {
        case empty, loading, populated, error, readOnly = "read-only"
    }

    static func state(_ kind: Kind, _ size: Size, screen: Int) throws -> ConsoleState {
        switch kind {
        case .empty: return try F.state(size, snapshot: F.empty, screen: screen)
        case .loading: return try F.state(size, screen: screen)
        case .populated: return try F.state(size, snapshot: F.snapshot, screen: screen)
        case .error: return try F.state(size, failure: failure, screen: screen)
        case .readOnly: return try F.state(size, snapshot: F.snapshot, readOnly: true, screen: screen)
        }
    }

    static func check(_ s: ConsoleState, _ size: Size, _ context: RenderContext, _ name: String) throws {
        let frame = s.frame(size: size, context: context)
        if !context.capabilities.unicode {
            #expect(frame.text().unicodeScalars.allSatisfy { $0.isASCII }, "\(name) is not ASCII-only")
        }
        try Snapshot.check(frame.text() + "\n", named: name, suite: suite)
    }

    @Test(arguments: [Size(width: 80, height: 24), Size(width: 200, height: 60)])
    func everyScreenInEveryState(size: Size) throws {
        for (i, screen) in ScreenRegistry.standard.names.enumerated() {
            for kind in Kind.allCases {
                let s = try Self.state(kind, size, screen: i)
                try Self.check(s, size, Self.unicode, "\(screen)-\(kind.rawValue)-\(size.width)x\(size.height)")
            }
        }
    }

    @Test func asciiAndMonochrome() throws {
        let size = Size(width: 80, height: 24)
        for (i, screen) in ScreenRegistry.standard.names.enumerated() {
            let s = try F.state(size, snapshot: F.snapshot, screen: i)
            try Self.check(s, size, Self.ascii, "\(screen)-ascii-80x24")
            // Monochrome: the style runs carry no colour, only attributes, and words carry the meaning.
            let frame = s.frame(size: size, context: Self.monochrome)
            let dump = StyleDump.dump(frame)
            #expect(!dump.contains("fg="), "\(screen) uses a colour in monochrome")
            try Snapshot.check(dump, named: "\(screen)-monochrome-80x24", suite: Self.suite)
        }
    }

    @Test func detailViewsHelpAndPalette() throws {
        let size = Size(width: 200, height: 60)
        var s = try F.state(size, snapshot: F.snapshot)
        _ = F.press(&s, [.enter])
        try Self.check(s, size, Self.unicode, "markets-detail-200x60")
        let detail = s.frame(size: size, context: Self.unicode).text()
        // Identifiers whole where there is room.
        // In EIP-55 form (Hardhat's first contract address, as block explorers print it).
        #expect(detail.contains("0x5FbDB2315678afecb367f032d93F642f64180aa3"))
        #expect(detail.contains(F.hash(40)))
        _ = F.press(&s, [.escape, .character("3"), .character("j"), .enter])
        try Self.check(s, size, Self.unicode, "jobs-detail-200x60")
        _ = F.press(&s, [.escape, .character("?")])
        try Self.check(s, size, Self.unicode, "jobs-help-200x60")
        _ = F.press(&s, [.escape, .character(":")] + F.chars("r"))
        try Self.check(s, Size(width: 80, height: 24), Self.unicode, "palette-80x24")
    }

    @Test func readOnlyHelpAndFooterShowNoWriteAction() throws {
        let size = Size(width: 200, height: 60)
        for i in ScreenRegistry.standard.screens.indices {
            var s = try F.state(size, snapshot: F.snapshot, readOnly: true, screen: i)
            _ = F.press(&s, [.character("?")])
            let help = s.frame(size: size, context: Self.unicode).text()
            _ = F.press(&s, [.escape, .enter])
            let detail = s.frame(size: size, context: Self.unicode).text()
            for words in ["Join this", "Leave this", "Claim our", "Speed up", "Cancel a pending", "J join", "C claim"] {
                #expect(!help.contains(words), "help of screen \(i + 1) offers \(words)")
                #expect(!detail.contains(words), "screen \(i + 1) offers \(words)")
            }
            #expect(help.contains("Quit"))
            #expect(detail.contains("[RO]"))
        }
    }

    @Test func tinyScreensNeverCrash() throws {
        for w in [1, 2, 10, 59, 60] {
            for h in [1, 2, 5, 11, 12] {
                for i in ScreenRegistry.standard.screens.indices {
                    let s = try F.state(Size(width: w, height: h), snapshot: F.snapshot, screen: i)
                    _ = s.frame(size: Size(width: w, height: h), context: Self.unicode)
                }
            }
        }
    }
}
