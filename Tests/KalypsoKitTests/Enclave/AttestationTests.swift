import BigInt
import EthereumKit
import Foundation
import TestSupport
import Testing

@testable import KalypsoKit

/// The attestation blob (spec §2.6.1) and the enclave signature (§2.6.2) against the devnet's Python code
/// (kalypso_devnet.attestation on eth-abi / eth-keys), byte for byte, and the checks made before use.
@Suite struct AttestationTests {
    struct Reference: Decodable {
        var verifier_answer: [String: AnyJSON]
        var blob: String
        var image_id: String
        var enclave_address: String
        var enclave_signature: String
        var operator_digest: String
        var verifier_address: String
        var family_gen_0: String
        var family_prov_1: String
    }

    /// Any JSON value, re-encoded as it came (the verifier answer is passed back to our parser as bytes).
    enum AnyJSON: Decodable, Encodable {
        case string(String)
        case number(UInt64)
        init(from decoder: any Decoder) throws {
            let c = try decoder.singleValueContainer()
            if let n = try? c.decode(UInt64.self) {
                self = .number(n)
            } else {
                self = .string(try c.decode(String.self))
            }
        }
        func encode(to encoder: any Encoder) throws {
            var c = encoder.singleValueContainer()
            switch self {
            case .string(let s): try c.encode(s)
            case .number(let n): try c.encode(n)
            }
        }
    }

    static let operatorAddress = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8"
    static let timestampMs: UInt64 = 1_700_000_000_000

    func reference(seed: String = "swift-attestation") throws -> Reference {
        try Python.json(
            Reference.self, script: "Tests/PythonReference/enclave_reference.py",
            arguments: [seed, String(Self.timestampMs), Self.operatorAddress])
    }

    func attestation(_ ref: Reference) throws -> Attestation {
        try Attestation(verifierAnswer: Array(try JSONEncoder().encode(ref.verifier_answer)))
    }

    @Test func blobMatchesPythonByteForByteAndHas704Bytes() throws {
        let ref = try reference()
        let att = try attestation(ref)
        #expect(att.encoded.count == 704)
        #expect(Hex.encode(att.encoded, prefix: false) == ref.blob)
        // The layout of spec §2.6.1: offsets c0, 140, 1a0, 200, 260, then the timestamp.
        let words = stride(from: 0, to: 6 * 32, by: 32).map { BigUInt(Data(att.encoded[$0..<($0 + 32)])) }
        #expect(words == [0xc0, 0x140, 0x1a0, 0x200, 0x260, BigUInt(Self.timestampMs)])
        #expect(try Attestation(encoded: att.encoded) == att)
    }

    @Test func imageIdEnclaveAddressAndVerifierSignerMatchPython() throws {
        let ref = try reference()
        let att = try attestation(ref)
        #expect(Hex.encode(att.imageId, prefix: false) == ref.image_id)
        #expect(att.enclaveAddress.checksummed == ref.enclave_address)
        #expect(try att.verifierSigner().checksummed == ref.verifier_address)
        try att.checkSignedBy(verifier: try Address(ref.verifier_address))
        #expect(throws: EnclaveError.self) { try att.checkSignedBy(verifier: try Address(Self.operatorAddress)) }
    }

    @Test func enclaveSignatureDigestAndRecoveryMatchPython() throws {
        let ref = try reference()
        let att = try attestation(ref)
        let operatorAddress = try Address(Self.operatorAddress)
        #expect(
            Hex.encode(EnclaveSignature.digest(attestation: att.encoded, operator: operatorAddress), prefix: false)
                == ref.operator_digest)
        let signature = try Signature(hex: ref.enclave_signature)
        try EnclaveSignature.check(signature, attestation: att, blob: att.encoded, operator: operatorAddress)
        // Bound to the operator: another address fails, naming the wrong signer it recovered.
        let other = try Address("0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC")
        let error = try #require(throws: EnclaveError.self) {
            try EnclaveSignature.check(signature, attestation: att, blob: att.encoded, operator: other)
        }
        #expect(error.code == .enclaveSignatureInvalid)
        // Another enclave's attestation (a restart) does not match this signature.
        let restarted = try attestation(try reference(seed: "after-restart"))
        #expect(throws: EnclaveError.self) {
            try EnclaveSignature.check(signature, attestation: restarted, blob: att.encoded, operator: operatorAddress)
        }
    }

    @Test func familyIdsMatchSpecConstants() throws {
        // Spec §2.6.1 item 6 and §10.
        #expect(
            Hex.encode(Attestation.familyId(tag: "gen", marketId: 0), prefix: false)
                == "9e6b31bcea1a6a5696216c9400a807c5809bb993c58c3bb6927215bf03b2f273")
        #expect(
            Hex.encode(Attestation.familyId(tag: "gen", marketId: 1), prefix: false)
                == "47d55e03d521c29c24de48703b238525b3d3c2106250ce95df766894db179bf6")
        #expect(
            Hex.encode(Attestation.familyId(tag: "prov", marketId: 1), prefix: false)
                == "75fbe3104ca2b20b0756e645936d71bb8389c2d5e4e6e4540e5af9169721fe79")
        #expect(
            Hex.encode(Attestation.familyId(tag: "prov", marketId: 3), prefix: false)
                == "57193de87dc8068dda877b7dce0f354598fd31989b8a7c7f73f2b7a56a7e26d5")
        let ref = try reference()
        #expect(Hex.encode(Attestation.familyId(tag: "gen", marketId: 0), prefix: false) == ref.family_gen_0)
    }

    @Test func eip712ConstantsMatchTheirDefinitions() {
        let domain = Keccak256.hash(
            Keccak256.hash(utf8: "EIP712Domain(string name,string version)")
                + Keccak256.hash(utf8: "marlin.oyster.AttestationVerifier") + Keccak256.hash(utf8: "1"))
        #expect(Attestation.domainSeparator == domain)
        #expect(
            Attestation.typeHash
                == Keccak256.hash(
                    utf8:
                        "Attestation(bytes enclavePubKey,bytes PCR0,bytes PCR1,bytes PCR2,uint256 timestampInMilliseconds)"
                ))
    }

    @Test func freshnessFollowsTheContractsSeconds() throws {
        let att = try attestation(try reference())
        let made = Double(Self.timestampMs) / 1000
        // Spec §9.1: 59990 s old passes on the real contract, 60060 s fails; we keep a margin for mining.
        try att.checkFresh(now: Date(timeIntervalSince1970: made + 59_990), margin: 0)
        #expect(throws: EnclaveError.self) {
            try att.checkFresh(now: Date(timeIntervalSince1970: made + 60_060), margin: 0)
        }
        #expect(throws: EnclaveError.self) { try att.checkFresh(now: Date(timeIntervalSince1970: made + 59_990)) }
        try att.checkFresh(now: Date(timeIntervalSince1970: made + 3600))
        // From the future (clock skew) passes, as on chain.
        try att.checkFresh(now: Date(timeIntervalSince1970: made - 3600))
        let error = try #require(throws: EnclaveError.self) {
            try att.checkFresh(now: Date(timeIntervalSince1970: made + 70_000))
        }
        #expect(error.code == .enclaveAttestationTooOld && error.category == .refused)
    }

    @Test func imageMustBeInTheFamily() throws {
        let att = try attestation(try reference())
        try att.checkImage(inFamily: [Array(repeating: 1, count: 32), att.imageId])
        let error = try #require(throws: EnclaveError.self) {
            try att.checkImage(inFamily: [Array(repeating: 1, count: 32)])
        }
        #expect(error.code == .enclaveImageNotInFamily)
    }

    @Test func malformedVerifierAnswersAreRefused() throws {
        #expect(throws: EnclaveError.self) { try Attestation(verifierAnswer: Array("not json".utf8)) }
        var answer = try reference().verifier_answer
        answer["secp256k1_public"] = .string("04" + String(repeating: "ab", count: 64))
        let error = try #require(throws: EnclaveError.self) {
            try Attestation(verifierAnswer: Array(try JSONEncoder().encode(answer)))
        }
        #expect(error.code == .enclaveAttestationInvalid)
    }
}
