import Basics
import EthereumKit
import Foundation
import TestSupport
import Testing

@testable import KalypsoKit

/// Truncations and byte flips of real documents: every one is either read or refused with the typed
/// error, never a trap (a crash here would be a crash at start for an operator with a damaged file).
///
/// The loops take seconds in a debug build, so they run off the cooperative pool (see `offThePool`) and
/// return what went wrong for the test to check.
@Suite("Config and keys: hostile input")
struct HostileInputTests {
    @Test("every seventh truncation and 2000 byte flips of the sample config")
    func config() async throws {
        let text = try String(contentsOfFile: RepoPaths.path("kalypso-config.json"), encoding: .utf8)
        let (problems, refused, truncations) = try await offThePool { () -> ([String], Int, Int) in
            let bytes = Array(text.utf8)
            var problems: [String] = []
            var refused = 0
            func attempt(_ b: [UInt8]) {
                do {
                    _ = try ConfigParser.parse(String(decoding: b, as: UTF8.self), file: "f.json")
                } catch {
                    if error.category != .configuration || error.detail.isEmpty {
                        problems.append("\(error.code): \(error.detail)")
                    }
                    refused += 1
                }
            }
            let cuts = Array(stride(from: 0, to: bytes.count, by: 7))
            for cut in cuts { attempt(Array(bytes[0..<cut])) }
            var rng = SystemRandomNumberGenerator()
            for _ in 0..<2000 {
                var b = bytes
                let i = Int.random(in: 0..<b.count, using: &rng)
                b[i] = UInt8.random(in: 0...255, using: &rng)
                attempt(b)
            }
            return (problems, refused, cuts.count)
        }
        #expect(problems.isEmpty)
        // Every truncation is refused; the count shows the loop ran over real failures.
        #expect(refused >= truncations)
    }

    @Test("every truncation and 300 byte flips of a keystore: refused, or the same key")
    func keystore() async throws {
        let (problems, openedTruncated) = try await offThePool { () -> ([String], Int) in
            let key = try PrivateKey(hex: SpecVectors.privateKey)
            let params = KeystoreParameters(kdf: .pbkdf2, scryptN: 2, scryptR: 1, scryptP: 1, pbkdf2Iterations: 2)
            let json = try Web3Keystore.encrypt(key, password: Array("pw".utf8), parameters: params)
            let bytes = Array(json.utf8)
            var problems: [String] = []
            var opened = 0
            func attempt(_ b: [UInt8]) {
                do {
                    let k = try Web3Keystore.decrypt(
                        String(decoding: b, as: UTF8.self), password: Array("pw".utf8), path: "k")
                    // A flip that leaves the keystore readable (in the id, a hex digit's case) must still
                    // give the same key: the MAC covers the ciphertext, the declared address the iv.
                    if k.address != key.address { problems.append("opened as \(k.address)") }
                    opened += 1
                } catch {
                    if error.category != .configuration { problems.append("\(error.code)") }
                }
            }
            for cut in 0..<bytes.count { attempt(Array(bytes[0..<cut])) }
            let openedTruncated = opened
            var rng = SystemRandomNumberGenerator()
            for _ in 0..<300 {
                var b = bytes
                let i = Int.random(in: 0..<b.count, using: &rng)
                b[i] = UInt8.random(in: 0...255, using: &rng)
                attempt(b)
            }
            return (problems, openedTruncated)
        }
        #expect(problems.isEmpty)
        #expect(openedTruncated == 0)
    }

    @Test("parameters that would overflow or stall are refused before any work")
    func hostileParameters() {
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
