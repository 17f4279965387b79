import ConsoleApp
import Foundation
import Testing
import TerminalKit

@Suite struct GalleryPreview {
    @Test func preview() {
        for (w, h, u) in [(120, 40, true), (80, 24, false)] {
            var g = WidgetGallery()
            _ = g.handle(.resize(Size(width: w, height: h)))
            for p in ["1", "2", "3", "4"] {
                _ = g.handle(.key(.character(Character(p))))
                var f = Frame(width: w, height: h)
                g.render(into: &f, context: RenderContext(capabilities: Capabilities(colorDepth: .ansi16, unicode: u)))
                try? (f.text() + "\n").write(toFile: "/tmp/tw-preview-\(w)-\(p).txt", atomically: true, encoding: .utf8)
            }
        }
    }
}
