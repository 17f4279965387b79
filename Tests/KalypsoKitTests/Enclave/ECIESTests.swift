import EthereumKit
import Foundation
import TestSupport
import Testing

@testable import KalypsoKit

/// Our ECIES against PyPI eciespy 0.4.7 (the reference of spec §5.7), both ways, and eciespy's published vector.
@Suite struct ECIESTests {
    static let script = "Tests/PythonReference/ecies_reference.py"

    func key(_ byte: UInt8) throws -> PrivateKey {
        try PrivateKey(bytes: [UInt8](repeating: 0, count: 31) + [byte])
    }

    @Test func derivedKeyMatchesEciespyPublishedVector() throws {
        // eciespy tests/utils/test_elliptic.py: encapsulate(sk = 2, pk = 3·G) with the default (uncompressed)
        // configuration is 6f982d63…0f82.
        let ephemeral = try key(2)
        let peer = try key(3).publicKey
        let shared = try ECIES.sharedPoint(secret: ephemeral, point: peer)
        let aesKey = ECIES.derive(ephemeralPublic: ephemeral.publicKey.uncompressed, sharedPoint: shared)
        let bytes = aesKey.withUnsafeBytes { Array($0) }
        #expect(Hex.encode(bytes, prefix: false) == "6f982d63e8590c9d9b5b4c1959ff80315d772edd8f60287c9361d548d5200f82")
    }

    @Test func decryptsTheRustCratesPublishedCiphertext() throws {
        // Rust `ecies` (ecies/rs) test_known_encrypted, default features (16-byte nonce, uncompressed keys): the
        // scheme the real enclave's server side uses.
        let secret = try PrivateKey(hex: "e520872701d9ec44dbac2eab85512ad14ad0c42e01de56d7b528abd8524fcb47")
        let ciphertext = try Hex.decode(
            "047be1885aeb48d4d4db0c992996725d3264784fef88c5b60782f8d0f940c213227fc3f904f846d5ec3d0fba6653754501"
                + "e8ebadc421aa3892a20fef33cff0206047058a4cfb4efbeae96b2d019b4ab2edce33328748a0d008a69c8f5816b72d45"
                + "bd9b5a41bb6ea0127ab23057ec6fcd")
        #expect(try ECIES.decrypt(ciphertext, with: secret) == Array("hello world🌍".utf8))
    }

    @Test func sharedPointIsSymmetric() throws {
        let a = PrivateKey.random()
        let b = PrivateKey.random()
        let ab = try ECIES.sharedPoint(secret: a, point: b.publicKey)
        #expect(ab == (try ECIES.sharedPoint(secret: b, point: a.publicKey)))
        #expect(ab.count == 65 && ab[0] == 0x04)
    }

    @Test(arguments: [0, 1, 15, 16, 17, 1000])
    func eciespyEncryptsWeDecrypt(length: Int) throws {
        let recipient = PrivateKey.random()
        let plaintext = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
        let out = try Python.run(
            script: Self.script,
            arguments: [
                "encrypt", Hex.encode(recipient.publicKey.uncompressed, prefix: false),
                Hex.encode(plaintext, prefix: false),
            ])
        let ciphertext = try Hex.decode(out.trimmingCharacters(in: .whitespacesAndNewlines))
        #expect(ciphertext.count == plaintext.count + 97)
        #expect(try ECIES.decrypt(ciphertext, with: recipient) == plaintext)
        // Another key must not open it.
        #expect(throws: ECIESError.self) { try ECIES.decrypt(ciphertext, with: PrivateKey.random()) }
    }

    @Test(arguments: [0, 1, 33, 4096])
    func weEncryptEciespyDecrypts(length: Int) throws {
        let recipient = PrivateKey.random()
        let plaintext = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 13 &+ 7) }
        let ciphertext = try ECIES.encrypt(plaintext, to: recipient.publicKey)
        #expect(ciphertext.count == plaintext.count + 97)
        #expect(ciphertext[0] == 0x04)
        let secretHex = recipient.withUnsafeKeyBytes { Hex.encode(Array($0), prefix: false) }
        let out = try Python.run(
            script: Self.script, arguments: ["decrypt", secretHex, Hex.encode(ciphertext, prefix: false)])
        #expect(out.trimmingCharacters(in: .whitespacesAndNewlines) == Hex.encode(plaintext, prefix: false))
    }

    @Test func fixedEphemeralAndNonceGiveTheLayoutOfSpec57() throws {
        let recipient = try key(3)
        let ephemeral = try key(2)
        let nonce = [UInt8](repeating: 0xaa, count: 16)
        let ciphertext = try ECIES.encrypt(
            Array("hello".utf8), to: recipient.publicKey, ephemeral: ephemeral, nonce: nonce)
        #expect(Array(ciphertext[0..<65]) == ephemeral.publicKey.uncompressed)
        #expect(Array(ciphertext[65..<81]) == nonce)
        #expect(ciphertext.count == 65 + 16 + 16 + 5)
        // eciespy decrypts it too, so the tag sits where it expects.
        let out = try Python.run(
            script: Self.script,
            arguments: ["decrypt", String(repeating: "0", count: 63) + "3", Hex.encode(ciphertext, prefix: false)])
        #expect(out.trimmingCharacters(in: .whitespacesAndNewlines) == Hex.encode(Array("hello".utf8), prefix: false))
    }

    @Test func tamperedOrShortCiphertextIsRefused() throws {
        let recipient = PrivateKey.random()
        var ciphertext = try ECIES.encrypt(Array("gas key".utf8), to: recipient.publicKey)
        ciphertext[ciphertext.count - 1] ^= 1
        #expect(throws: ECIESError(.authentication)) { try ECIES.decrypt(ciphertext, with: recipient) }
        #expect(throws: ECIESError(.tooShort(96))) { try ECIES.decrypt(Array(ciphertext[0..<96]), with: recipient) }
        var badPoint = ciphertext
        badPoint[1] ^= 0xff
        #expect(throws: ECIESError.self) { try ECIES.decrypt(badPoint, with: recipient) }
    }
}
