import ArgumentParser
import Foundation

/// A span of time on the command line: plain seconds (`15`, `0.3`, what scripts already pass) or a number with a
/// unit — `500ms`, `5s`, `2m`, `1h`.
struct SecondsArgument: ExpressibleByArgument, Sendable, Hashable, CustomStringConvertible {
    let seconds: Double

    init(seconds: Double) { self.seconds = seconds }

    init?(argument: String) {
        let text = argument.trimmingCharacters(in: .whitespaces).lowercased()
        let units: [(String, Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600)]
        let (number, scale) =
            units.first { text.hasSuffix($0.0) }.map { (String(text.dropLast($0.0.count)), $0.1) } ?? (text, 1)
        guard let value = Double(number.trimmingCharacters(in: .whitespaces)), value.isFinite, value >= 0 else {
            return nil
        }
        seconds = value * scale
    }

    var description: String {
        seconds == seconds.rounded() ? "\(Int64(seconds))s" : "\(seconds)s"
    }

    static var defaultCompletionKind: CompletionKind { .default }
}
