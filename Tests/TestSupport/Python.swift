import Foundation

public struct PythonError: Error, CustomStringConvertible {
    public let description: String
}

/// Runs a Python script from the project's venv (never the system Python: the reference libraries
/// are pinned there). A missing venv is an error with the command that creates it, not a skip.
public enum Python {
    public static func run(script: String, arguments: [String] = [], input: String? = nil) throws -> String {
        guard FileManager.default.isExecutableFile(atPath: RepoPaths.python) else {
            throw PythonError(
                description: "no Python venv at \(RepoPaths.python): run scripts/setup.sh first")
        }
        let scriptPath = script.hasPrefix("/") ? script : RepoPaths.path(script)
        let result = try runProcess([RepoPaths.python, scriptPath] + arguments, input: input)
        guard result.succeeded else {
            throw PythonError(description: "\(script) exited \(result.status):\n\(result.output)")
        }
        return result.output
    }

    /// Runs a script that prints one JSON document and decodes it.
    public static func json<T: Decodable>(
        _ type: T.Type, script: String, arguments: [String] = [], input: String? = nil
    ) throws -> T {
        let out = try run(script: script, arguments: arguments, input: input)
        do {
            return try JSONDecoder().decode(T.self, from: Data(out.utf8))
        } catch {
            throw PythonError(
                description: "\(script) printed output that is not the expected JSON: \(error)\n\(out.prefix(2000))")
        }
    }
}
