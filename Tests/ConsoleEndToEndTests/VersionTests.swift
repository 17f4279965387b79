import ConsoleApp
import TestSupport
import Testing

@Suite struct VersionTests {
    @Test func binaryPrintsItsVersion() throws {
        let r = try runProcess([RepoPaths.consoleBinary, "--version"])
        #expect(r.status == 0)
        #expect(r.output.trimmingCharacters(in: .whitespacesAndNewlines) == ConsoleApp.version)
    }
}
