import ArgumentParser
import EthereumKit
import Foundation
import KalypsoKit

/// `kalypso-console decode-error HEX`: names a revert (custom error, `Error(string)`, `Panic`) from its
/// data, against every Kalypso ABI of both generations, like `cast decode-error`.
struct DecodeError: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "decode-error",
        abstract: "Decode revert data (0x + selector + arguments) against every known Kalypso ABI.",
        discussion: """
            Prints the error's name, its arguments with their types, and what to do about it where known.
            Exit status: 0 decoded, 1 unknown selector (or arguments that do not decode), 2 malformed hex.
            """)

    @Argument(help: "The revert data as hex, e.g. 0x2880cb7f000000000000000000000000… (the 0x is optional).")
    var data: String

    @Flag(help: "Print one JSON object instead of text.")
    var json = false

    func run() throws {
        // A malformed argument is a usage error (exit 2) reported by the one error mapping, as text or,
        // with --json, as the JSON error object.
        let bytes = try Hex.decode(data.trimmingCharacters(in: .whitespacesAndNewlines))
        let errors = try KalypsoErrors.bundled()
        let decoded = DecodedRevert(bytes, errors: errors)
        if json {
            print(decoded.json.jsonText)
        } else {
            print(decoded.text, terminator: "")
        }
        if !decoded.isDecoded { throw ExitCode(1) }
    }
}

/// A revert explained for people and scripts.
struct DecodedRevert {
    struct Argument {
        var name: String
        var type: String
        var value: String
    }

    var selector: String?
    var name: String?
    var signature: String?
    var arguments: [Argument] = []
    var summary: String
    var hint: String?
    var declaredIn: [String] = []
    var isDecoded: Bool

    init(_ data: [UInt8], errors: KalypsoErrors) {
        selector = data.count >= 4 ? Hex.encode(data.prefix(4)) : nil
        let reason = errors.decodeRevert(data)
        summary = reason.description
        hint = errors.hint(for: reason)
        switch reason {
        case .empty:
            isDecoded = true
        case .message(let text):
            name = "Error"
            signature = "Error(string)"
            arguments = [Argument(name: "message", type: "string", value: text)]
            isDecoded = true
        case .panic(let code):
            name = "Panic"
            signature = "Panic(uint256)"
            arguments = [
                Argument(
                    name: "code", type: "uint256",
                    value: "0x" + String(code, radix: 16) + " (" + ABIRevertReason.panicMeaning(code) + ")")
            ]
            isDecoded = true
        case .custom(let error, let values):
            name = error.name
            signature = error.signature
            arguments = zip(error.inputs, values.values).map { parameter, value in
                Argument(
                    name: parameter.name, type: parameter.type.canonical, value: value.formatted(as: parameter.type))
            }
            declaredIn = errors.files(declaring: error)
            isDecoded = true
        case .unknown:
            hint =
                "No Kalypso ABI of either generation declares this selector; it may come from another contract "
                + "(a token, a verifier) or a newer contract build."
            isDecoded = false
        case .malformed:
            isDecoded = false
        }
    }

    var text: String {
        var out = ""
        if let signature, let selector {
            out += "\(signature)  selector \(selector)\n"
        } else {
            out += summary + "\n"
        }
        let width = arguments.map { $0.name.count }.max() ?? 0
        for a in arguments {
            let pad = String(repeating: " ", count: width - a.name.count)
            out += "  \(a.name.isEmpty ? "_" : a.name)\(pad)  \(a.type)  \(a.value)\n"
        }
        if !declaredIn.isEmpty {
            out += "declared in: " + declaredIn.map { "abi/" + $0 }.joined(separator: ", ") + "\n"
        }
        if let hint { out += "hint: \(hint)\n" }
        return out
    }

    var json: RPCValue {
        var o: [String: RPCValue] = ["decoded": .bool(isDecoded), "summary": .string(summary)]
        if let selector { o["selector"] = .string(selector) }
        if let name { o["name"] = .string(name) }
        if let signature { o["signature"] = .string(signature) }
        o["arguments"] = .array(
            arguments.map { .object(["name": .string($0.name), "type": .string($0.type), "value": .string($0.value)]) })
        if let hint { o["hint"] = .string(hint) }
        if !declaredIn.isEmpty { o["declaredIn"] = .array(declaredIn.map { .string("abi/" + $0) }) }
        return .object(o)
    }
}
