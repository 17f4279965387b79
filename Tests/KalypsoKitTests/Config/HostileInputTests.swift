import Basics
import EthereumKit
import Foundation
import TestSupport
import Testing

@testable import KalypsoKit

/// Truncations and byte flips of real documents: every one is either read or refused with the typed
/// error, never a trap (a crash here would be a crash at start for an operator with a damaged file).
@Suite("Config and keys: hostile input")
struct HostileInputTests {
    @Test("every truncation and 2000 byte flips of the sample config")
    func config() throws {
        let text = try String(contentsOfFile: RepoPaths.path("kalypso-config.json"), encoding: .utf8)
        let bytes = Array(text.utf8)
        var refused = 0
        func attempt(_ b: [UInt8]) {
            do {
                _ = try ConfigParser.parse(String(decoding: b, as: UTF8.self), file: "f.json")
            } catch {
                #expect(error.category == .configuration)
                #expect(!error.detail.isEmpty)
                refused += 1
            }
        }
        for cut in stride(from: 0, to: bytes.count, by: 7) { attempt(Array(bytes[0..<cut])) }
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<2000 {
            var b = bytes
            let i = Int.random(in: 0..<b.count, using: &rng)
            b[i] = UInt8.random(in: 0...255, using: &rng)
            attempt(b)
        }
        // Truncations are all refused; the count shows the loop ran over real failures.
        #expect(refused >= bytes.count / 7)
    }

    @Test("every truncation and 300 byte flips of a keystore: refused, or the same key")
    func keystore() throws {
        let key = try PrivateKey(hex: SpecVectors.privateKey)
        let params = KeystoreParameters(kdf: .pbkdf2, scryptN: 2, scryptR: 1, scryptP: 1, pbkdf2Iterations: 2)
        let json = try Web3Keystore.encrypt(key, password: Array("pw".utf8), parameters: params)
        let bytes = Array(json.utf8)
        var opened = 0
        func attempt(_ b: [UInt8]) {
            do {
                let k = try Web3Keystore.decrypt(
                    String(decoding: b, as: UTF8.self), password: Array("pw".utf8), path: "k")
                // A flip that leaves the keystore readable (in the id, a hex digit's case) must still
                // give the same key: the MAC covers the ciphertext, the declared address the iv.
                #expect(k.address == key.address)
                opened += 1
            } catch {
                #expect(error.category == .configuration)
            }
        }
        for cut in 0..<bytes.count { attempt(Array(bytes[0..<cut])) }
        #expect(opened == 0)
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<300 {
            var b = bytes
            let i = Int.random(in: 0..<b.count, using: &rng)
            b[i] = UInt8.random(in: 0...255, using: &rng)
            attempt(b)
        }
        for hostile in [
            #"{"version":3,"crypto":{"cipher":"aes-128-ctr","cipherparams":{"iv":"00000000000000000000000000000000"},"ciphertext":"0000000000000000000000000000000000000000000000000000000000000000","kdf":"scrypt","kdfparams":{"dklen":32,"n":4611686018427387904,"r":4611686018427387904,"p":4611686018427387904,"salt":"00"},"mac":"0000000000000000000000000000000000000000000000000000000000000000"}}"#,
            #"{"version":3,"crypto":{"cipher":"aes-128-ctr","cipherparams":{"iv":"00000000000000000000000000000000"},"ciphertext":"0000000000000000000000000000000000000000000000000000000000000000","kdf":"pbkdf2","kdfparams":{"dklen":32,"c":99999999999,"prf":"hmac-sha256","salt":"00"},"mac":"0000000000000000000000000000000000000000000000000000000000000000"}}"#,
        ] {
            do {
                _ = try Web3Keystore.decrypt(hostile, password: [], path: "h")
                Issue.record("a hostile keystore was opened")
            } catch {
                #expect(error.code == .keystoreUnsupported)
            }
        }
    }
}
