import Foundation

/// Locations inside the repository, found from this file's path so tests work from any directory.
public enum RepoPaths {
    /// The repository root (the folder holding Package.swift).
    public static let root: String = {
        var url = URL(fileURLWithPath: #filePath)
        // Tests/TestSupport/Paths.swift → repo root
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }()

    public static func path(_ relative: String) -> String { root + "/" + relative }

    /// The ABI folder copied from the protocol spec (abi/).
    public static var abiDirectory: String { path("abi") }

    /// The project's Python virtual environment, created by scripts/setup.sh.
    public static var python: String { path(".venv/bin/python") }

    /// The build folder that `swift build` / `swift test` used for this test binary.
    public static var buildDirectory: String {
        // The test bundle lives in .build/<triple>/debug/...; the products sit beside it.
        let exe = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var url = exe
        while url.path != "/" {
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("kalypso-console").path) {
                return url.path
            }
            url.deleteLastPathComponent()
        }
        return path(".build/debug")
    }

    /// The built console binary (swift test builds executable targets too).
    public static var consoleBinary: String { buildDirectory + "/kalypso-console" }
}
