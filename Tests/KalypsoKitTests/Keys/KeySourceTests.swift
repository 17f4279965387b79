import Basics
import EthereumKit
import Foundation
import Synchronization
import TestSupport
import Testing

@testable import KalypsoKit

/// A scratch directory removed at the end of a test.
final class ScratchDirectory {
    let path: String
    init() throws {
        path = FileManager.default.temporaryDirectory.path + "/kalypso-keys-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }
    deinit { try? FileManager.default.removeItem(atPath: path) }

    /// Writes `text` at `name` with `mode` and returns the path.
    func file(_ name: String, _ text: String, mode: Int) throws -> String {
        let p = path + "/" + name
        try Data(text.utf8).write(to: URL(fileURLWithPath: p))
        try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: p)
        return p
    }
}

private let address = "0x008AeEda4D805471dF9b2A5B0f38A0C3bCBA786b"  // of SpecVectors.privateKey (eth-account)

@Suite("Keys: key sources")
struct KeySourceTests {
    @Test("a key file: hex with or without 0x, whitespace around it ignored")
    func keyFile() throws {
        let dir = try ScratchDirectory()
        for text in [
            SpecVectors.privateKey, "0x" + SpecVectors.privateKey + "\n",
            "  \n0X\(SpecVectors.privateKey.uppercased())\t\r\n",
        ] {
            let p = try dir.file("k\(text.count).hex", text, mode: 0o600)
            #expect(try KeyFileSource(path: p).loadKey().address.checksummed == address)
        }
    }

    @Test(
        "a key file that group or others can read is refused with the chmod 600 hint", arguments: [0o644, 0o640, 0o604])
    func permissions(mode: Int) throws {
        let dir = try ScratchDirectory()
        let p = try dir.file("op.hex", SpecVectors.privateKey, mode: mode)
        do {
            _ = try KeyFileSource(path: p).loadKey()
            Issue.record("a readable key file was accepted")
        } catch {
            #expect(error.code == .keyFilePermissions)
            #expect(error.detail == "\(p) has mode \(String(mode, radix: 8)); group and others must have no access")
            #expect(error.hint == "chmod 600 \(p)")
            #expect(ErrorReport(error).exitCode == 3)
        }
    }

    @Test("bad key files: errors give lengths and positions, never the digits")
    func badKeys() throws {
        let dir = try ScratchDirectory()
        let short = try dir.file("short.hex", String(SpecVectors.privateKey.dropLast(2)), mode: 0o600)
        let bad = try dir.file(
            "bad.hex", String(SpecVectors.privateKey.prefix(10)) + "zz" + String(SpecVectors.privateKey.dropFirst(12)),
            mode: 0o600)
        let zero = try dir.file("zero.hex", String(repeating: "0", count: 64), mode: 0o600)
        func detail(_ p: String) -> String? {
            do {
                _ = try KeyFileSource(path: p).loadKey()
                return nil
            } catch { return error.detail }
        }
        #expect(detail(short) == "\(short): expected 64 hex digits, found 62 characters")
        #expect(detail(bad) == "\(bad): character 11 of the key is not a hex digit")
        #expect(detail(zero) == "\(zero): zero or not below the secp256k1 curve order")
        #expect(detail(dir.path + "/none.hex") == "\(dir.path)/none.hex does not exist")
        for p in [short, bad] {
            let text = ErrorReport(KeySourceError.invalidKey(p, detail(p) ?? "")).text
            #expect(!text.contains(SpecVectors.privateKey.prefix(10)))
        }
    }

    @Test("a keystore with a password file (first line only, mode 600 required)")
    func keystoreWithPasswordFile() async throws {
        let dir = try ScratchDirectory()
        let ks = try dir.file("ks.json", SpecVectors.pbkdf2, mode: 0o644)
        let pw = try dir.file("pw", "testpassword\nsecond line ignored\n", mode: 0o600)
        let source = KeystoreSource(path: ks, password: PasswordFile(path: pw))
        #expect(try await offThePool { try source.loadKey() }.address.checksummed == address)
        #expect(source.label == "keystore \(ks)")
        let loosePw = try dir.file("pw2", "testpassword", mode: 0o644)
        do {
            _ = try KeystoreSource(path: ks, password: PasswordFile(path: loosePw)).loadKey()
            Issue.record("a readable password file was accepted")
        } catch {
            #expect(error.code == .keyFilePermissions)
        }
        do {
            _ = try KeystoreSource(path: ks, password: FixedPassword("nope")).loadKey()
            Issue.record("a wrong password was accepted")
        } catch {
            #expect(error.code == .keystoreWrongPassword)
        }
    }

    @Test("the environment: accepted with a one-line warning; a missing variable is an error")
    func environment() throws {
        let warnings = Mutex<[String]>([])
        let source = EnvironmentKeySource(
            variable: EnvironmentKeySource.operatorVariable,
            environment: ["KALYPSO_PRIVATE_KEY": "0x" + SpecVectors.privateKey],
            warn: { w in warnings.withLock { $0.append(w) } })
        #expect(try source.loadKey().address.checksummed == address)
        let w = warnings.withLock { $0 }
        #expect(w.count == 1)
        #expect(!(w.first ?? "").contains("\n"))
        #expect(
            w.first
                == "warning: the key comes from $KALYPSO_PRIVATE_KEY; other processes of the same user can read a process's environment (a keystore is safer: kalypso-console key import)"
        )
        let missing = EnvironmentKeySource(variable: EnvironmentKeySource.gasVariable, environment: [:], warn: { _ in })
        do {
            _ = try missing.loadKey()
            Issue.record("an unset variable gave a key")
        } catch {
            #expect(error.code == .keyEnvironmentMissing)
            #expect(error.detail == "$KALYPSO_GAS_PRIVATE_KEY is unset or empty")
        }
    }

    @Test("key specs from the config build the matching source")
    func specs() {
        let ks = KeySpec.keystore(path: "/k.json", passwordFile: "/pw").source(
            passwords: FixedPassword("x"), warn: { _ in })
        #expect(ks.label == "keystore /k.json")
        #expect(
            KeySpec.keyFile(path: "/k.hex").source(passwords: FixedPassword("x"), warn: { _ in }).label
                == "key file /k.hex")
        #expect(
            KeySpec.environment(variable: "K").source(passwords: FixedPassword("x"), warn: { _ in }).label
                == "environment variable K")
    }

    @Test("PrivateKey descriptions never show the key")
    func descriptions() throws {
        let key = try InMemoryKeySource(PrivateKey(hex: SpecVectors.privateKey)).loadKey()
        for text in [String(describing: key), String(reflecting: key), "\(key)"] {
            #expect(!text.contains(SpecVectors.privateKey))
            #expect(!text.contains(SpecVectors.privateKey.prefix(16)))
        }
    }
}
