/// The screen shown while the terminal is smaller than the application needs.
enum TooSmallView {
    /// Draws "needs W×H, have w×h" centred, shortened to fit; never traps, even at 1×1 or 0×0.
    static func render(into frame: inout Frame, needs: Size, context: RenderContext) {
        let have = frame.size
        let times = context.capabilities.unicode ? "×" : "x"
        let candidates = [
            "Terminal too small: needs \(needs.width)\(times)\(needs.height), have \(have.width)\(times)\(have.height)",
            "needs \(needs.width)\(times)\(needs.height), have \(have.width)\(times)\(have.height)",
            "need \(needs.width)\(times)\(needs.height)",
            "\(needs.width)\(times)\(needs.height)",
            "!",
        ]
        let style = context.theme[.warn]
        guard frame.width > 0, frame.height > 0 else { return }
        let line = candidates.first { DisplayWidth.of($0) <= frame.width } ?? "!"
        let hint = "enlarge the window to continue"
        let y = max(0, frame.height / 2 - (frame.height > 2 ? 1 : 0))
        frame.write(line, x: max(0, (frame.width - DisplayWidth.of(line)) / 2), y: y, style: style)
        if frame.height > 2, DisplayWidth.of(hint) <= frame.width {
            frame.write(hint, x: (frame.width - DisplayWidth.of(hint)) / 2, y: y + 1, style: context.theme[.muted])
        }
    }
}
