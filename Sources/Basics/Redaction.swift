/// Removes credentials from URLs before they reach a screen, a log, an error or the cache.
///
/// RPC providers put API keys in the userinfo (`https://user:key@host`), in the query
/// (`?apikey=…`) or as a path segment (`/v2/<key>`, `/v3/<key>`): all three are masked.
public enum Redaction {
    /// The placeholder shown instead of a secret.
    public static let mask = "***"

    /// The URL with userinfo, query values and key-like path segments replaced by ``mask``.
    /// Text that is not a URL is returned with only key-like runs masked.
    public static func url(_ text: String) -> String {
        guard let colon = text.firstIndex(of: ":"), text[colon...].hasPrefix("://") else {
            return maskKeyLikeRuns(text)
        }
        let scheme = text[..<colon]
        var rest = text[text.index(colon, offsetBy: 3)...]
        var fragment = ""
        if let hash = rest.firstIndex(of: "#") {
            fragment = "#" + mask
            rest = rest[..<hash]
        }
        var query = ""
        if let q = rest.firstIndex(of: "?") {
            let pairs = rest[rest.index(after: q)...].split(separator: "&", omittingEmptySubsequences: false)
            query =
                "?"
                + pairs.map { pair in
                    if let eq = pair.firstIndex(of: "=") { return "\(pair[..<eq])=\(mask)" }
                    return mask
                }.joined(separator: "&")
            rest = rest[..<q]
        }
        let slash = rest.firstIndex(of: "/") ?? rest.endIndex
        var authority = rest[..<slash]
        let path = rest[slash...]
        var userinfo = ""
        if let at = authority.lastIndex(of: "@") {
            userinfo = mask + "@"
            authority = authority[authority.index(after: at)...]
        }
        let maskedPath = path.split(separator: "/", omittingEmptySubsequences: false)
            .map { looksLikeKey($0) ? mask : String($0) }
            .joined(separator: "/")
        return "\(scheme)://\(userinfo)\(authority)\(maskedPath)\(query)\(fragment)"
    }

    /// Masks every run of 20 or more characters of `[A-Za-z0-9_-]` that mixes letters and digits
    /// (API keys, JWTs' parts, hex secrets), leaving words and short numbers alone.
    public static func maskKeyLikeRuns(_ text: String) -> String {
        var out = ""
        var run = ""
        func flush() {
            out += looksLikeKey(Substring(run)) ? mask : run
            run = ""
        }
        for ch in text {
            if ch.isASCII && (ch.isLetter || ch.isNumber || ch == "_" || ch == "-") {
                run.append(ch)
            } else {
                flush()
                out.append(ch)
            }
        }
        flush()
        return out
    }

    static func looksLikeKey(_ s: Substring) -> Bool {
        guard s.count >= 20 else { return false }
        var letters = false
        var digits = false
        for ch in s {
            guard ch.isASCII, ch.isLetter || ch.isNumber || ch == "_" || ch == "-" else { return false }
            if ch.isLetter { letters = true } else if ch.isNumber { digits = true }
        }
        return letters && digits
    }
}
