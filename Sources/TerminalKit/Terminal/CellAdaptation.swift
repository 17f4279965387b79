extension Cell {
    /// This cell as the terminal can show it: colours reduced to the depth, and non-ASCII characters
    /// replaced by `?` when the terminal is not UTF-8 (widgets draw ASCII glyphs then; this only
    /// catches stray text such as names from the network).
    package func adapted(to caps: Capabilities) -> Cell {
        var c = self
        c.style = ColorReduction.reduce(style, to: caps.colorDepth)
        if !caps.unicode {
            // The wide character became one column, so its second column is drawn as a space.
            if isContinuation {
                c.character = " "
                c.isContinuation = false
            } else if !character.isASCII {
                c.character = "?"
            }
        }
        return c
    }
}
