import Foundation

/// Metadata as an operator writes it: `TEXT` (its UTF-8 bytes) or `@FILE` (the file's bytes).
public enum MetadataInput {
    /// The bytes for `text`; reads the file for `@FILE` (relative paths from the working directory).
    public static func bytes(_ text: String, argument: String) throws(OperatorInputError) -> [UInt8] {
        guard text.hasPrefix("@") else { return Array(text.utf8) }
        let path = String(text.dropFirst())
        guard !path.isEmpty else {
            throw OperatorInputError(
                code: .inputUnreadableFile, argument: argument, title: "No metadata file named",
                detail: "'@' must be followed by a file path", hint: "Write @FILE to read a file, or the text itself.")
        }
        let expanded = (path as NSString).expandingTildeInPath
        var isDirectory: ObjCBool = false
        let exists = FileManager.default.fileExists(atPath: expanded, isDirectory: &isDirectory)
        let reason: String
        if !exists {
            reason = "no such file"
        } else if isDirectory.boolValue {
            reason = "it is a directory"
        } else if let data = FileManager.default.contents(atPath: expanded) {
            return Array(data)
        } else {
            reason = "it cannot be read (permissions?)"
        }
        throw OperatorInputError(
            code: .inputUnreadableFile, argument: argument, title: "Cannot read the metadata file",
            detail: "\(path): \(reason)", hint: "Check the path after '@', or write the metadata as text.")
    }
}
