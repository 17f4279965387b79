import Foundation

/// Text snapshots kept beside the tests (`__Snapshots__/<Suite>/<name>.txt`).
///
/// A missing snapshot is a failure, so a test can never pass by recording itself in CI. To (re)record
/// on purpose, run the tests with `SNAPSHOT_RECORD=1` and review the files before committing them.
public enum Snapshot {
    public struct Mismatch: Error, CustomStringConvertible {
        public let description: String
    }

    /// Compares `actual` with the stored snapshot; throws a readable diff on mismatch.
    public static func check(
        _ actual: String, named name: String, suite: String, filePath: String = #filePath
    ) throws {
        let dir = URL(fileURLWithPath: filePath).deletingLastPathComponent()
            .appendingPathComponent("__Snapshots__").appendingPathComponent(suite)
        let file = dir.appendingPathComponent(name + ".txt")
        let record = ProcessInfo.processInfo.environment["SNAPSHOT_RECORD"] == "1"
        if record {
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            try actual.write(to: file, atomically: true, encoding: .utf8)
            return
        }
        guard let expected = try? String(contentsOf: file, encoding: .utf8) else {
            throw Mismatch(
                description: "no snapshot \(file.path); record it with SNAPSHOT_RECORD=1 and review it")
        }
        guard expected == actual else {
            throw Mismatch(description: "snapshot \(suite)/\(name) differs:\n" + diff(expected, actual))
        }
    }

    static func diff(_ expected: String, _ actual: String) -> String {
        let e = expected.split(separator: "\n", omittingEmptySubsequences: false)
        let a = actual.split(separator: "\n", omittingEmptySubsequences: false)
        var out: [String] = []
        for i in 0..<max(e.count, a.count) {
            let l = i < e.count ? String(e[i]) : "<none>"
            let r = i < a.count ? String(a[i]) : "<none>"
            if l != r { out.append("line \(i + 1):\n  expected: |\(l)|\n  actual:   |\(r)|") }
        }
        return out.joined(separator: "\n")
    }
}
