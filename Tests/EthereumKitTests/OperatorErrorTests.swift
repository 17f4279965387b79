import Basics
import BigInt
import EthereumKit
import Foundation
import TestSupport
import Testing

/// Every public error of EthereumKit, built from inputs that carry a known secret, renders with a title,
/// a detail and a hint, has a stable code, and never repeats the secret.
@Suite struct OperatorErrorTests {
    /// A test private key (never funded) and its bytes; errors are provoked with inputs built from it.
    static let secretHex = "8da4ef21b864d2cc526dbdb2a120bd2874c36c9d0a1fb7f8c63d7f7a8b41de8f"
    static var secretBytes: [UInt8] { hex(secretHex) }
    static var secretDecimal: String { String(BigUInt(secretHex, radix: 16) ?? 0) }
    static let password = "correct horse battery staple"

    /// Pieces of the secret that must not appear: every 12-character run of its hex (any case) and
    /// decimal forms, and the password.
    static var forbidden: [String] {
        func runs(_ s: String) -> [String] {
            let chars = Array(s)
            return stride(from: 0, through: chars.count - 12, by: 1).map { String(chars[$0..<$0 + 12]) }
        }
        return runs(secretHex) + runs(secretDecimal) + [password]
    }

    /// Runs `body`, which must throw, and returns the error.
    static func error(_ body: () throws -> Void) -> (any Error)? {
        do {
            try body()
            return nil
        } catch {
            return error
        }
    }

    /// One error of each public type, each from an input that contains the secret where it can.
    static func samples() throws -> [(String, (any Error)?)] {
        let s = secretHex
        let key = try PrivateKey(hex: "0x" + String(repeating: "11", count: 32))
        let emptyABI = try ContractABI(json: Data("[]".utf8))
        let typed = EIP712TypedData(
            types: ["T": [EIP712Field("a", "uint8"), EIP712Field("b", "bytes4"), EIP712Field("c", "address")]],
            primaryType: "T", domain: ["name": .string("x")],
            message: ["a": .string(secretDecimal), "b": .string("0x" + s), "c": .string("0x" + s)])
        return [
            ("hex, odd length", error { _ = try Hex.decode(s + "a") }),
            ("hex, bad digit", error { _ = try Hex.decode(s + "zz") }),
            ("quantity, too large", error { _ = try Quantity.parse("0x" + s, maxBits: 64) }),
            ("quantity, bad digit", error { _ = try Quantity.parse("0x" + s + "g") }),
            ("quantity, leading zero", error { _ = try Quantity.parse("0x00" + s, strict: true) }),
            ("address, a key in its place", error { _ = try Address("0x" + s) }),
            ("address, no prefix", error { _ = try Address(s) }),
            ("address, two prefixes", error { _ = try Address("0x0x" + String(s.prefix(38))) }),
            ("address, bad checksum", error { _ = try Address("0x" + String(s.prefix(39)).uppercased() + "a") }),
            ("amount", error { _ = try Units.parse(password, decimals: 18) }),
            ("amount, too precise", error { _ = try Units.parse("0." + secretDecimal, decimals: 18) }),
            ("private key, bad digit", error { _ = try PrivateKey(hex: s + "zz") }),
            ("private key, short", error { _ = try PrivateKey(hex: String(s.dropLast(2))) }),
            ("private key, out of range", error { _ = try PrivateKey(hex: String(repeating: "ff", count: 32)) }),
            ("public key", error { _ = try PublicKey(bytes: secretBytes) }),
            ("signature, length", error { _ = try Signature(hex: s) }),
            ("signature, hex", error { _ = try Signature(hex: s + "zz") }),
            ("signature, digest", error { _ = try key.sign(digest: Array(secretBytes.prefix(31))) }),
            ("rlp", error { _ = try RLP.decode([0xb8, 0x40] + secretBytes.prefix(40)) }),
            ("rlp value", error { _ = try RLPItem.bytes(secretBytes).uintValue(maxBytes: 8) }),
            ("raw transaction", error { _ = try SignedTransaction.decode(raw: [0xf8, 0x40] + secretBytes) }),
            ("raw transaction, hex", error { _ = try SignedTransaction.decode(rawHex: s + "zz") }),
            (
                "transaction, nonce",
                error { _ = try LegacyTransaction(nonce: .max, gasPrice: 1, gasLimit: 1, to: nil, chainId: 1) }
            ),
            ("abi encode, range", error { _ = try ABI.encode(.uint(8), .uint(BigUInt(s, radix: 16) ?? 0)) }),
            ("abi encode, width", error { _ = try ABI.encode(.fixedBytes(31), .fixedBytes(secretBytes)) }),
            ("abi encode, kind", error { _ = try ABI.encode(.bytes32, .bytes(secretBytes)) }),
            ("abi decode", error { _ = try ABI.decode([.bool], from: secretBytes) }),
            ("abi decode, address", error { _ = try ABI.decode([.address], from: secretBytes) }),
            ("abi value text, bytes", error { _ = try ABIValue(parsing: "0x" + s + "zz", as: .bytes32) }),
            ("abi value text, range", error { _ = try ABIValue(parsing: secretDecimal, as: .uint(8)) }),
            ("abi value text, bool", error { _ = try ABIValue(parsing: password, as: .bool) }),
            ("abi value text, address", error { _ = try ABIValue(parsing: "0x" + s, as: .address) }),
            ("abi type text", error { _ = try ABIType(parsing: "uint7[" + s + "]") }),
            ("abi json", error { _ = try ContractABI(json: Data(password.utf8)) }),
            ("abi json file", error { _ = try ContractABI(contentsOfFile: "/nonexistent/abi.json") }),
            ("abi lookup", error { _ = try emptyABI.function("transfer") }),
            ("eip-712", error { _ = try typed.signingHash() }),
            ("abi json value", error { _ = try ABIValue(jsonText: "\"0x" + s + "zz\"", as: .bytes32) }),
            ("abi json value, range", error { _ = try ABIValue(jsonText: secretDecimal, as: .uint(8)) }),
            ("eip-712 json", error { _ = try EIP712TypedData(jsonText: "{\"x\": \"" + s + "\"") }),
            (
                "rpc, node error with credentials in the endpoint and the message",
                RPCError(
                    code: .rpcNodeError, method: "eth_call", endpoint: "https://rpc.example.org/v2/" + s,
                    message: "upstream https://operator:" + s + "@rpc.example.org/ failed", rpcCode: -32000)
            ),
            ("rpc transport", RPCTransportFailure(.cannotConnect, "Connection refused (URLError -1004)")),
            (
                "eip-712, bytes",
                error { _ = try EIP712.hashStruct("T", value: ["b": .string("0x" + s)], types: typed.types) }
            ),
        ]
    }

    @Test func everyErrorHasTitleHintAndNoSecret() throws {
        for (name, maybe) in try Self.samples() {
            let error = try #require(maybe, "\(name): no error was thrown")
            let operatorError = try #require(
                error as? any OperatorError, "\(name): \(type(of: error)) is not an OperatorError")
            let report = ErrorReport(error)
            if ProcessInfo.processInfo.environment["PRINT_ERRORS"] != nil { print("[\(name)]\n\(report.text)") }
            #expect(!report.title.isEmpty, "\(name)")
            #expect(!report.detail.isEmpty, "\(name)")
            #expect(!report.hint.isEmpty, "\(name)")
            #expect(report.code != .unclassified, "\(name)")
            #expect(!operatorError.code.rawValue.isEmpty, "\(name)")
            let rendered = (report.text + "\n" + operatorError.description + "\n" + String(reflecting: error))
                .lowercased()
            for piece in Self.forbidden {
                #expect(!rendered.contains(piece.lowercased()), "\(name) shows part of the secret: \(report.text)")
            }
        }
    }

    /// The samples cover every public error type declared in Sources/EthereumKit (found by reading the
    /// source, so a new error type without a sample fails here).
    @Test func samplesCoverEveryPublicErrorType() throws {
        let covered = Set(try Self.samples().compactMap { $0.1.map { String(reflecting: type(of: $0)) } })
        let declared = try Self.declaredErrorTypes()
        #expect(declared.count >= 15)
        for name in declared {
            #expect(covered.contains("EthereumKit." + name), "no sample of \(name)")
        }
    }

    /// `public struct|enum|class X: … Error …` in every EthereumKit source file, nested names qualified.
    static func declaredErrorTypes() throws -> [String] {
        let root = RepoPaths.path("Sources/EthereumKit")
        guard let files = FileManager.default.enumerator(atPath: root) else { return [] }
        var names: [String] = []
        let topLevel = try Regex(#"^public (?:struct|enum|final class|class) (\w+)"#)
        let declaration = try Regex(#"^(\s*)public (?:struct|enum|final class|class) (\w+)\s*:\s*([^{]*)"#)
        for case let file as String in files where file.hasSuffix(".swift") {
            var outer: String? = nil
            for line in try String(contentsOfFile: root + "/" + file, encoding: .utf8).split(separator: "\n") {
                if let top = line.firstMatch(of: topLevel) { outer = String(top.output[1].substring ?? "") }
                guard let m = line.firstMatch(of: declaration) else { continue }
                let indent = m.output[1].substring ?? ""
                let name = String(m.output[2].substring ?? "")
                let conformances = (m.output[3].substring ?? "").split(separator: ",").map {
                    $0.trimmingCharacters(in: .whitespaces)
                }
                guard conformances.contains("Error") || conformances.contains("OperatorError") else { continue }
                names.append(indent.isEmpty ? name : "\(outer ?? "?").\(name)")
            }
        }
        return names.sorted()
    }

    /// Codes match with `~=` on any error, as GRDB's ResultCode does.
    @Test func codesMatchInSwitch() {
        let error: any Error = Address.ParseError.wrongLength(digits: 3)
        switch error {
        case ErrorCode.addressMissingPrefix: Issue.record("matched the wrong code")
        case ErrorCode.addressWrongLength: break
        default: Issue.record("no code matched")
        }
        #expect(ErrorCode.addressWrongLength.rawValue == "address.wrongLength")
    }
}
