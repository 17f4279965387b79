import Basics
import EthereumKit
import Foundation
import TestSupport
import Testing

@testable import KalypsoKit

/// The Web3 Secret Storage definition's test vectors (ethereum.org "Web3 secret storage definition",
/// "Test vectors"; the pbkdf2 one is also in eth-keyfile's README): password "testpassword".
enum SpecVectors {
    static let privateKey = "7a28b5ba57c53603b0b07b56bba752f7784bf506fa95edc395f5cf6c7514fe9d"
    static let password = "testpassword"
    static let pbkdf2 = """
        {
            "crypto" : {
                "cipher" : "aes-128-ctr",
                "cipherparams" : { "iv" : "6087dab2f9fdbbfaddc31a909735c1e6" },
                "ciphertext" : "5318b4d5bcd28de64ee5559e671353e16f075ecae9f99c7a79a38af5f869aa46",
                "kdf" : "pbkdf2",
                "kdfparams" : {
                    "c" : 262144,
                    "dklen" : 32,
                    "prf" : "hmac-sha256",
                    "salt" : "ae3cd4e7013836a3df6bd7241b12db061dbe2c6785853cce422d148a624ce0bd"
                },
                "mac" : "517ead924a9d0dc3124507e3393d175ce3ff7c1e96529c6c555ce9e51205e9b2"
            },
            "id" : "3198bc9c-6672-5ab3-d995-4942343ae5b6",
            "version" : 3
        }
        """
    static let scrypt = """
        {
            "crypto" : {
                "cipher" : "aes-128-ctr",
                "cipherparams" : { "iv" : "83dbcc02d8ccb40e466191a123791e0e" },
                "ciphertext" : "d172bf743a674da9cdad04534d56926ef8358534d458fffccd4e6ad2fbde479c",
                "kdf" : "scrypt",
                "kdfparams" : {
                    "dklen" : 32,
                    "n" : 262144,
                    "p" : 8,
                    "r" : 1,
                    "salt" : "ab0c7876052600dd703518d6fc3fe8984592145b591fc8fb5c6d43190334ba19"
                },
                "mac" : "2103ac29920d71da29f15d75b4a16dbe95cfd7ff8faea1056c33131d846e3097"
            },
            "id" : "3198bc9c-6672-5ab3-d995-4942343ae5b6",
            "version" : 3
        }
        """
}

/// Cheap parameters so round trips run in milliseconds; the format is the same.
private func fast(_ kdf: KeystoreKDF) -> KeystoreParameters {
    KeystoreParameters(kdf: kdf, scryptN: 1024, scryptR: 8, scryptP: 1, pbkdf2Iterations: 1000)
}

private func keyHex(_ key: PrivateKey) -> String { key.withUnsafeKeyBytes { Hex.encode($0, prefix: false) } }

private struct Decrypted: Decodable, Sendable {
    let key: String
    let address: String
}

@Suite("Keys: Web3 Secret Storage v3")
struct KeystoreTests {
    @Test("the spec's pbkdf2 vector decrypts to the published key")
    func pbkdf2Vector() throws {
        let key = try Web3Keystore.decrypt(SpecVectors.pbkdf2, password: Array("testpassword".utf8), path: "v.json")
        #expect(keyHex(key) == SpecVectors.privateKey)
    }

    @Test("the spec's scrypt vector decrypts to the published key")
    func scryptVector() async throws {
        // 2^18 × 8 rounds of our own scrypt: off the cooperative pool (see offThePool).
        let key = try await offThePool {
            try Web3Keystore.decrypt(SpecVectors.scrypt, password: Array("testpassword".utf8), path: "v.json")
        }
        #expect(keyHex(key) == SpecVectors.privateKey)
    }

    /// The spec's scrypt vector costs 2^18 × 8 rounds of our own scrypt (BoringSSL refuses r = 1 at that N),
    /// so the wrong-password case of scrypt uses a cheap keystore of the same format.
    static let wrongPasswordCases: [String] = {
        let key = try? PrivateKey(hex: SpecVectors.privateKey)
        let scrypt = key.flatMap {
            try? Web3Keystore.encrypt($0, password: Array("testpassword".utf8), parameters: fast(.scrypt))
        }
        return [SpecVectors.pbkdf2, scrypt ?? "not encrypted"]
    }()

    @Test("a wrong password is refused with the MAC error", arguments: wrongPasswordCases)
    func wrongPassword(vector: String) {
        do {
            _ = try Web3Keystore.decrypt(vector, password: Array("testpasswore".utf8), path: "v.json")
            Issue.record("a wrong password was accepted")
        } catch {
            #expect(error.code == .keystoreWrongPassword)
            #expect(error.detail == "v.json: the MAC does not match (a wrong password, or a damaged keystore)")
        }
    }

    @Test("a corrupted MAC or ciphertext is refused; nothing is decrypted")
    func corrupted() throws {
        let key = try PrivateKey(hex: SpecVectors.privateKey)
        let json = try Web3Keystore.encrypt(key, password: Array("pw".utf8), parameters: fast(.pbkdf2))
        let mac = try #require(json.range(of: "\"mac\":\""))
        var badMac = json
        let i = mac.upperBound
        badMac.replaceSubrange(i...i, with: json[i] == "0" ? "1" : "0")
        let ct = try #require(json.range(of: "\"ciphertext\":\""))
        var badCipher = json
        let j = ct.upperBound
        badCipher.replaceSubrange(j...j, with: json[j] == "0" ? "1" : "0")
        for doc in [badMac, badCipher] {
            do {
                _ = try Web3Keystore.decrypt(doc, password: Array("pw".utf8), path: "k.json")
                Issue.record("a damaged keystore was accepted")
            } catch {
                #expect(error.code == .keystoreWrongPassword)
            }
        }
        #expect(
            try keyHex(Web3Keystore.decrypt(json, password: Array("pw".utf8), path: "k.json")) == SpecVectors.privateKey
        )
    }

    @Test("a changed iv (not covered by the MAC) is caught by the declared address")
    func changedIV() throws {
        let key = try PrivateKey(hex: SpecVectors.privateKey)
        let json = try Web3Keystore.encrypt(
            key, password: Array("pw".utf8), parameters: fast(.pbkdf2), iv: [UInt8](repeating: 0, count: 16))
        let damaged = json.replacingOccurrences(of: "\"iv\":\"00000000", with: "\"iv\":\"00000001")
        #expect(damaged != json)
        do {
            _ = try Web3Keystore.decrypt(damaged, password: Array("pw".utf8), path: "k.json")
            Issue.record("a keystore with a changed iv gave a key")
        } catch {
            #expect(error.title == "Keystore is damaged")
            #expect(
                error.detail
                    == "k.json: the key inside is not the key of its address 0x008AeEda4D805471dF9b2A5B0f38A0C3bCBA786b (a changed iv or address)"
            )
        }
    }

    @Test("bad JSON and wrong shapes name the key path; unsupported ciphers say so")
    func malformed() {
        func error(_ doc: String) -> KeySourceError? {
            do {
                _ = try Web3Keystore.decrypt(doc, password: [], path: "k.json")
                return nil
            } catch { return error }
        }
        #expect(
            error("{\"version\": 3,")?.detail
                == "k.json: line 1: expected JSON (expected a quoted key, found the end of the file)")
        #expect(error("{\"version\": 3}")?.detail == "k.json: crypto: expected an object")
        #expect(error("{\"version\": 1}")?.detail == "k.json: version 1 (only version 3 is supported)")
        let noSalt = SpecVectors.pbkdf2.replacingOccurrences(
            of: "\"salt\" : \"ae3cd4e7013836a3df6bd7241b12db061dbe2c6785853cce422d148a624ce0bd\"", with: "\"x\": 1")
        #expect(error(noSalt)?.detail == "k.json: crypto.kdfparams.salt: expected a value (the key is missing)")
        #expect(error(noSalt)?.code == .keystoreMalformed)
        let cbc = SpecVectors.pbkdf2.replacingOccurrences(of: "aes-128-ctr", with: "aes-128-cbc")
        #expect(error(cbc)?.code == .keystoreUnsupported)
        #expect(error(cbc)?.detail == "k.json: cipher aes-128-cbc")
        let huge = SpecVectors.scrypt.replacingOccurrences(of: "\"n\" : 262144", with: "\"n\" : 1073741824")
        #expect(error(huge)?.detail == "k.json: scrypt n=1073741824 r=1 p=8 needs more than 2 GiB of memory")
    }

    @Test("our keystores open in eth-account", arguments: KeystoreKDF.allCases)
    func oursOpenInEthAccount(kdf: KeystoreKDF) async throws {
        let key = PrivateKey.random()
        let password = "pässword \(kdf.rawValue) \"quoted\""
        let json = try Web3Keystore.encrypt(key, password: Array(password.utf8), parameters: fast(kdf))
        let request = try String(
            decoding: JSONSerialization.data(
                withJSONObject: ["keystore": JSONSerialization.jsonObject(with: Data(json.utf8)), "password": password]
            ),
            as: UTF8.self)
        let out = try await offThePool {
            try Python.json(
                Decrypted.self, script: "Tests/KalypsoKitTests/reference/eth_account_keystore.py",
                arguments: ["decrypt"], input: request)
        }
        #expect(out.key == keyHex(key))
        #expect(out.address == key.address.checksummed)
        // The file names its address the way eth-account does (lower-case hex, no 0x).
        #expect(json.contains("\"address\":\"\(Hex.encode(key.address.bytes, prefix: false))\""))
    }

    @Test("eth-account's keystores open in ours", arguments: KeystoreKDF.allCases)
    func ethAccountOpensInOurs(kdf: KeystoreKDF) async throws {
        let key = PrivateKey.random()
        let password = "correct horse \(kdf.rawValue)"
        let request = try String(
            decoding: JSONSerialization.data(withJSONObject: [
                "key": "0x" + keyHex(key), "password": password, "kdf": kdf.rawValue,
                "iterations": kdf == .scrypt ? 1024 : 1000,
            ]), as: UTF8.self)
        let keystore = try await offThePool {
            try Python.run(
                script: "Tests/KalypsoKitTests/reference/eth_account_keystore.py", arguments: ["encrypt"],
                input: request)
        }
        let opened = try Web3Keystore.decrypt(keystore, password: Array(password.utf8), path: "eth-account.json")
        #expect(opened.address == key.address)
        #expect(keyHex(opened) == keyHex(key))
        do {
            _ = try Web3Keystore.decrypt(keystore, password: Array("wrong".utf8), path: "eth-account.json")
            Issue.record("eth-account keystore opened with a wrong password")
        } catch {
            #expect(error.code == .keystoreWrongPassword)
        }
    }

    @Test("fixed salt and iv give the spec vector's ciphertext and MAC back (pbkdf2)")
    func encryptMatchesVector() throws {
        let key = try PrivateKey(hex: SpecVectors.privateKey)
        let params = KeystoreParameters(kdf: .pbkdf2, scryptN: 2, scryptR: 1, scryptP: 1, pbkdf2Iterations: 262144)
        let json = try Web3Keystore.encrypt(
            key, password: Array("testpassword".utf8), parameters: params,
            salt: try Hex.decode("ae3cd4e7013836a3df6bd7241b12db061dbe2c6785853cce422d148a624ce0bd"),
            iv: try Hex.decode("6087dab2f9fdbbfaddc31a909735c1e6"))
        #expect(json.contains("\"ciphertext\":\"5318b4d5bcd28de64ee5559e671353e16f075ecae9f99c7a79a38af5f869aa46\""))
        #expect(json.contains("\"mac\":\"517ead924a9d0dc3124507e3393d175ce3ff7c1e96529c6c555ce9e51205e9b2\""))
    }
}
