import EthereumKit
import Foundation
import KalypsoKit
import TestSupport
import Testing

/// The ABIs compiled into KalypsoKit: complete, current, and decoding every custom error of the spec's tables.
struct BundledABITests {
    @Test func generatedSourceMatchesTheABIFolder() async throws {
        let result = try await offThePool {
            try runProcess([RepoPaths.python, RepoPaths.path("scripts/generate-abi-source.py"), "--check"])
        }
        #expect(result.succeeded, "\(result.output)")
    }

    @Test func everyABIFileIsBundledAndEqualToTheFile() throws {
        let abiDir = URL(fileURLWithPath: RepoPaths.abiDirectory)
        let enumerator = try #require(FileManager.default.enumerator(atPath: abiDir.path))
        let files = enumerator.compactMap { $0 as? String }.filter { $0.hasSuffix(".json") }.sorted()
        let bundled = try KalypsoABIs.load()
        #expect(bundled.map(\.path) == files)
        for b in bundled {
            let onDisk = try ContractABI(contentsOfFile: abiDir.appendingPathComponent(b.path).path)
            #expect(b.abi.functions.map(\.signature) == onDisk.functions.map(\.signature), "\(b.path)")
            #expect(b.abi.errors.map(\.signature) == onDisk.errors.map(\.signature), "\(b.path)")
            #expect(b.abi.events.map(\.signature) == onDisk.events.map(\.signature), "\(b.path)")
        }
        let byName = Dictionary(bundled.map { ($0.path, $0.generation) }, uniquingKeysWith: { a, _ in a })
        #expect(byName["v1-generator-registry/GeneratorRegistry.json"] == "A")
        #expect(byName["ProverManager.json"] == "B")
        #expect(byName["ProofMarketplace.arbitrum-one-delta.json"] == "B")
        #expect(byName["ERC20.json"] == "shared")
    }

    /// Every `| error | `Name(type name, …)` | `0x…` |` row of abi/selectors.md.
    static func selectorTableErrors() throws -> [(signature: String, name: String, types: [String], selector: String)] {
        let text = try String(contentsOfFile: RepoPaths.path("abi/selectors.md"), encoding: .utf8)
        var out: [(String, String, [String], String)] = []
        for line in text.split(separator: "\n") where line.hasPrefix("| error |") {
            let cells = line.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
            let signature = cells[1].trimmingCharacters(in: CharacterSet(charactersIn: "`"))
            let selector = cells[2].trimmingCharacters(in: CharacterSet(charactersIn: "`"))
            guard let open = signature.firstIndex(of: "(") else { continue }
            let name = String(signature[..<open])
            let params = signature[signature.index(after: open)..<signature.index(before: signature.endIndex)]
            let types =
                params.isEmpty
                ? []
                : params.split(separator: ",").map {
                    String($0.trimmingCharacters(in: .whitespaces).split(separator: " ")[0])
                }
            out.append((signature, name, types, selector))
        }
        return out
    }

    @Test func everyErrorOfTheSelectorTablesDecodesByName() throws {
        let errors = try KalypsoErrors.bundled()
        let rows = try Self.selectorTableErrors()
        #expect(rows.count > 300)
        for row in rows {
            // Zero words decode as zero values for static types and as empty bytes/strings for dynamic ones.
            let data = try Hex.decode(row.selector) + [UInt8](repeating: 0, count: 64 * row.types.count)
            let reason = errors.decodeRevert(data)
            guard case .custom(let error, let values) = reason else {
                Issue.record("\(row.signature) \(row.selector) decoded as \(reason)")
                continue
            }
            #expect(error.name == row.name, "\(row.signature)")
            #expect(error.inputs.map(\.type.canonical) == row.types, "\(row.signature)")
            #expect(values.values.count == row.types.count)
        }
    }

    @Test func specSection211SelectorsHaveHints() throws {
        // Spec §2.11's list of the errors operators meet most, with their selectors.
        let listed: [(String, String)] = [
            ("CannotBeZero", "0x1e1d0ab5"), ("GeneratorAlreadyExists", "0x5874f97b"),
            ("AlreadyJoinedMarket", "0xad6d603c"), ("InvalidMarket", "0x9db8d5b1"), ("IncorrectImageId", "0xc465e69d"),
            ("InvalidEnclaveKey", "0xd283335d"), ("EnclaveKeyNotVerified", "0xa135a55d"),
            ("AttestationAutherAttestationTooOld", "0x19605e0a"),
            ("AttestationAutherImageNotWhitelisted", "0x38c4ac16"),
            ("AttestationAutherKeyNotVerified", "0x3dd8ca95"), ("AttestationAutherImageNotInFamily", "0x90cc4b02"),
            ("AttestationVerifierKeyNotVerified", "0x17fb268e"), ("InsufficientStakeToLock", "0xe0631462"),
            ("UnstakeRequestNotInPlace", "0xb28c1c0e"), ("ReductionRequestNotValid", "0x386cf407"),
            ("InvalidProverProposedTime", "0x954f0ec2"), ("OnlyProverCanStake", "0xc390c84c"),
            ("InsufficientStakeAmount", "0xa8ded35f"), ("WithdrawalTimeNotReached", "0xd37c26ec"),
            ("NoRewardToClaim", "0x5aa9184d"),
        ]
        let errors = try KalypsoErrors.bundled()
        for (name, selector) in listed {
            let reason = errors.decodeRevert(try Hex.decode(selector))
            #expect(reason.name == name, "\(selector)")
            #expect(errors.hint(for: reason) != nil, "\(name) has no hint")
        }
    }

    @Test func invalidEnclaveSignatureShowsTheRecoveredSigner() throws {
        // Spec §2.11: InvalidEnclaveSignature(address) 0x2880cb7f; §9.1: the address is the wrong signer.
        let signer = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8"
        let data = try Hex.decode("0x2880cb7f" + String(repeating: "0", count: 24) + signer.dropFirst(2).lowercased())
        let errors = try KalypsoErrors.bundled()
        let reason = errors.decodeRevert(data)
        guard case .custom(let error, let values) = reason else {
            Issue.record("not decoded: \(reason)")
            return
        }
        #expect(error.signature == "InvalidEnclaveSignature(address)")
        #expect(values.values == [.address(try Address(signer))])
        #expect(errors.hint(for: reason)?.contains("recovers to the address shown") == true)
        #expect(errors.files(declaring: error).contains("ProverManager.json"))
        #expect(errors.files(declaring: error).contains("v1-generator-registry/GeneratorRegistry.json"))
    }

    @Test func panicsAndEmptyRevertsGetTheSpecsHints() throws {
        let errors = try KalypsoErrors.bundled()
        #expect(errors.hint(for: .panic(code: 0x32))?.contains("market ids start at 1") == true)
        #expect(errors.hint(for: .empty)?.contains("marketCounter()") == true)
        #expect(errors.hint(for: .panic(code: 0x01)) == nil)
    }
}
