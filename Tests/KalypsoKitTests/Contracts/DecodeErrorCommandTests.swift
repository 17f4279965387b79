import Foundation
import TestSupport
import Testing

/// `kalypso-console decode-error`, run as the built binary.
struct DecodeErrorCommandTests {
    func run(_ args: [String]) async throws -> ProcessResult {
        try await offThePool { try runProcess([RepoPaths.consoleBinary, "decode-error"] + args) }
    }

    @Test func customErrorWithArgumentsAndHint() async throws {
        let signer = "70997970c51812dc3a010c7d01b50e0d17dc79c8"
        let r = try await run(["0x2880cb7f" + String(repeating: "0", count: 24) + signer])
        #expect(r.status == 0)
        #expect(r.output.contains("InvalidEnclaveSignature(address)  selector 0x2880cb7f"))
        #expect(r.output.contains("invalidSignerAddress  address  0x70997970C51812dc3A010C7d01b50e0d17dc79C8"))
        #expect(r.output.contains("hint: The enclave signature recovers to the address shown"))
        #expect(r.output.contains("abi/ProverManager.json"))
    }

    @Test func jsonOutput() async throws {
        let r = try await run(["--json", "5aa9184d"])  // NoRewardToClaim, without 0x
        #expect(r.status == 0)
        let o = try #require(try JSONSerialization.jsonObject(with: Data(r.output.utf8)) as? [String: Any])
        #expect(o["decoded"] as? Bool == true)
        #expect(o["name"] as? String == "NoRewardToClaim")
        #expect(o["selector"] as? String == "0x5aa9184d")
        #expect((o["hint"] as? String)?.isEmpty == false)
    }

    @Test func errorStringAndPanic() async throws {
        let message = try await run([
            "0x08c379a0" + "0000000000000000000000000000000000000000000000000000000000000020"
                + "000000000000000000000000000000000000000000000000000000000000001a"
                + "4e6f7420656e6f7567682045746865722070726f76696465642e000000000000"
        ])
        #expect(message.status == 0)
        #expect(message.output.contains("message  string  Not enough Ether provided."))
        let panic = try await run(["0x4e487b71" + String(repeating: "0", count: 62) + "32"])
        #expect(panic.status == 0)
        #expect(panic.output.contains("0x32 (array index out of bounds)"))
        #expect(panic.output.contains("hint:"))
    }

    /// The deployed TEE verifier's revert for an already verified key, absent from the SDK ABI (abi/deployed/);
    /// the data is eth-abi 6.0.0's encoding of three 48-byte PCRs.
    @Test func teeVerifierAlreadyVerified() async throws {
        let data =
            "0xda7977ba00000000000000000000000000000000000000000000000000000000000000600000000000000000000000"
            + "0000000000000000000000000000000000000000c0000000000000000000000000000000000000000000000000000000"
            + "000000012000000000000000000000000000000000000000000000000000000000000000300101010101010101010101"
            + "010101010101010101010101010101010101010101010101010101010101010101010101010000000000000000000000"
            + "000000000000000000000000000000000000000000000000000000000000000000000000300202020202020202020202"
            + "020202020202020202020202020202020202020202020202020202020202020202020202020000000000000000000000"
            + "000000000000000000000000000000000000000000000000000000000000000000000000300303030303030303030303"
            + "030303030303030303030303030303030303030303030303030303030303030303030303030000000000000000000000"
            + "0000000000"
        let r = try await run([data])
        #expect(r.status == 0)
        #expect(r.output.contains("TeeVerifierEnclaveKeyNotVerified(bytes,bytes,bytes)  selector 0xda7977ba"))
        #expect(r.output.contains("0x" + String(repeating: "02", count: 48)))
        #expect(r.output.contains("hint: The TEE verifier has already verified this enclave key"))
        #expect(r.output.contains("abi/deployed/TeeVerifierWrapper.errors.json"))
    }

    @Test func unknownSelectorExitsOne() async throws {
        let r = try await run(["0xdeadbeef"])
        #expect(r.status == 1)
        #expect(r.output.contains("unknown custom error 0xdeadbeef"))
        let j = try await run(["--json", "0xdeadbeef"])
        #expect(j.status == 1)
        #expect(j.output.contains(#""decoded":false"#))
    }

    @Test func malformedHexExitsTwo() async throws {
        let r = try await run(["0x2880cb7"])
        #expect(r.status == 2)
        #expect(r.output.contains("odd number of digits"))
        #expect(try await run(["0xnothex!"]).status == 2)
    }
}
