import Foundation

/// What a market's free-form metadata says about it.
public enum MarketMetadata {
    /// The market's name: of JSON metadata its `zkAppName` (the SDK's convention, spec §3) or a `name`/`title`;
    /// else the text itself when it is short printable text that is not JSON or hex; else nil.
    public static func name(_ metadata: String) -> String? {
        let t = metadata.trimmingCharacters(in: .whitespacesAndNewlines)
        if t.hasPrefix("{") {
            guard let object = try? JSONSerialization.jsonObject(with: Data(t.utf8)) as? [String: Any] else {
                return nil
            }
            for key in ["zkAppName", "name", "title", "Name"] {
                if let n = (object[key] as? String)?.trimmingCharacters(in: .whitespacesAndNewlines), !n.isEmpty,
                    printable(n)
                {
                    return n.count <= 60 ? n : String(n.prefix(59)) + "…"
                }
            }
            return nil
        }
        guard !t.isEmpty, !t.hasPrefix("0x"), t.count <= 40, printable(t) else { return nil }
        return t
    }

    /// Letters of any script, or printable ASCII: no control characters reach a terminal from a chain.
    private static func printable(_ text: String) -> Bool {
        text.unicodeScalars.allSatisfy {
            $0.properties.isAlphabetic || $0.isASCII && $0.value >= 0x20 && $0.value < 0x7f
        }
    }
}
