/// Colour reduction along the ladder truecolor → 256 → 16 → 8 → monochrome, using xterm's palette.
enum ColorReduction {
    /// xterm's default RGB values of the 16 ANSI colours (XTerm-col.ad / 256colres.pl).
    static let ansiPalette: [(UInt8, UInt8, UInt8)] = [
        (0, 0, 0), (205, 0, 0), (0, 205, 0), (205, 205, 0), (0, 0, 238), (205, 0, 205), (0, 205, 205), (229, 229, 229),
        (127, 127, 127), (255, 0, 0), (0, 255, 0), (255, 255, 0), (92, 92, 255), (255, 0, 255), (0, 255, 255),
        (255, 255, 255),
    ]
    /// The six levels of each axis of xterm's 6×6×6 colour cube (entries 16–231).
    static let cubeLevels: [Int] = [0, 95, 135, 175, 215, 255]

    /// The RGB value of entry `index` of the xterm 256-colour palette.
    static func rgb(ofIndexed index: UInt8) -> (UInt8, UInt8, UInt8) {
        let i = Int(index)
        if i < 16 { return ansiPalette[i] }
        if i < 232 {
            let c = i - 16
            return (UInt8(cubeLevels[c / 36]), UInt8(cubeLevels[(c / 6) % 6]), UInt8(cubeLevels[c % 6]))
        }
        let g = UInt8(8 + 10 * (i - 232))
        return (g, g, g)
    }

    private static func distance(_ a: (UInt8, UInt8, UInt8), _ b: (Int, Int, Int)) -> Int {
        let dr = Int(a.0) - b.0, dg = Int(a.1) - b.1, db = Int(a.2) - b.2
        return dr * dr + dg * dg + db * db
    }

    private static func nearestLevel(_ v: UInt8) -> Int {
        // Midpoints between the cube levels 0,95,135,175,215,255.
        let v = Int(v)
        if v < 48 { return 0 }
        if v < 115 { return 1 }
        return min(5, (v - 35) / 40)
    }

    /// The nearest entry of the 256-colour palette (cube 16–231 or grey ramp 232–255), as tmux and
    /// xterm's own tools pick it: the nearest cube colour unless the nearest grey is closer.
    static func nearest256(_ r: UInt8, _ g: UInt8, _ b: UInt8) -> UInt8 {
        let qr = nearestLevel(r), qg = nearestLevel(g), qb = nearestLevel(b)
        let cube = (cubeLevels[qr], cubeLevels[qg], cubeLevels[qb])
        let cubeIndex = 16 + 36 * qr + 6 * qg + qb
        if cube.0 == Int(r) && cube.1 == Int(g) && cube.2 == Int(b) { return UInt8(cubeIndex) }
        let avg = (Int(r) + Int(g) + Int(b)) / 3
        let greyIndex = avg > 238 ? 23 : max(0, (avg - 3) / 10)
        let grey = 8 + 10 * greyIndex
        let dCube = distance((r, g, b), cube)
        let dGrey = distance((r, g, b), (grey, grey, grey))
        return dGrey < dCube ? UInt8(232 + greyIndex) : UInt8(cubeIndex)
    }

    /// The nearest of the 16 ANSI colours to an RGB value.
    static func nearest16(_ r: UInt8, _ g: UInt8, _ b: UInt8) -> UInt8 {
        var best = 0, bestD = Int.max
        for (i, c) in ansiPalette.enumerated() {
            let d = distance((r, g, b), (Int(c.0), Int(c.1), Int(c.2)))
            if d < bestD { bestD = d; best = i }
        }
        return UInt8(best)
    }

    /// `color` as the terminal at `depth` can show it (monochrome gives `.default`).
    static func reduce(_ color: Color, to depth: ColorDepth) -> Color {
        switch (color, depth) {
        case (.default, _), (_, .trueColor): return color
        case (_, .monochrome): return .default
        case (.rgb(let r, let g, let b), .indexed256): return .indexed(nearest256(r, g, b))
        case (.rgb(let r, let g, let b), _): return reduce(.ansi(nearest16(r, g, b)), to: depth)
        case (.indexed(let i), .indexed256): return .indexed(i)
        case (.indexed(let i), _):
            if i < 16 { return reduce(.ansi(i), to: depth) }
            let c = rgb(ofIndexed: i)
            return reduce(.ansi(nearest16(c.0, c.1, c.2)), to: depth)
        case (.ansi(let i), .ansi8): return .ansi(i & 7)
        case (.ansi(let i), _): return .ansi(i & 15)
        }
    }

    /// A cell style as the terminal at `depth` can show it. Bright foregrounds on 8-colour terminals
    /// become bold (most such terminals, like the Linux console, draw bold as bright), except bright
    /// black, which would turn invisible black and becomes dimmed white. In monochrome a coloured
    /// background becomes reverse video so highlighted areas stay visible.
    static func reduce(_ style: Style, to depth: ColorDepth) -> Style {
        var out = style
        switch depth {
        case .trueColor, .indexed256, .ansi16:
            out.foreground = reduce(style.foreground, to: depth)
            out.background = reduce(style.background, to: depth)
        case .ansi8:
            let fg16 = reduce(style.foreground, to: .ansi16)
            if case .ansi(let i) = fg16, i >= 8 {
                if i == 8 {
                    out.foreground = .ansi(7)
                    out.attributes.insert(.dim)
                } else {
                    out.foreground = .ansi(i - 8)
                    out.attributes.insert(.bold)
                }
            } else {
                out.foreground = fg16
            }
            out.background = reduce(style.background, to: .ansi8)
        case .monochrome:
            out.foreground = .default
            out.background = .default
            if style.background != .default { out.attributes.formSymmetricDifference(.reverse) }
        }
        return out
    }
}
