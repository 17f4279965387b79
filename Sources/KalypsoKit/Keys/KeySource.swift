import EthereumKit
import Foundation

/// Where a signing key comes from: a key file, an encrypted keystore, an environment variable.
///
/// The loaded ``PrivateKey`` is an EthereumKit `DigestSigner`; callers that only sign should keep it
/// as `any DigestSigner`. Key material read on the way is wiped before `loadKey` returns.
public protocol KeySource: Sendable {
    /// What the source is, for messages (`keystore ./op.json`); never the key.
    var label: String { get }
    func loadKey() throws(KeySourceError) -> PrivateKey
}

/// Parses a hex private key from bytes: surrounding whitespace ignored, `0x` optional. Errors give
/// lengths and positions only.
func parseHexKey(_ input: [UInt8], source: String) throws(KeySourceError) -> PrivateKey {
    var start = 0
    var end = input.count
    func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D }
    while start < end, isSpace(input[start]) { start += 1 }
    while end > start, isSpace(input[end - 1]) { end -= 1 }
    if end - start >= 2, input[start] == 0x30, input[start + 1] == 0x78 || input[start + 1] == 0x58 { start += 2 }
    guard end - start == 64 else {
        throw .invalidKey(source, "expected 64 hex digits, found \(end - start) characters")
    }
    var bytes = [UInt8](repeating: 0, count: 32)
    defer { wipeSecret(&bytes) }
    func nibble(_ c: UInt8) -> UInt8? {
        switch c {
        case 0x30...0x39: return c - 0x30
        case 0x61...0x66: return c - 0x61 + 10
        case 0x41...0x46: return c - 0x41 + 10
        default: return nil
        }
    }
    for i in 0..<32 {
        guard let hi = nibble(input[start + 2 * i]) else {
            throw .invalidKey(source, "character \(2 * i + 1) of the key is not a hex digit")
        }
        guard let lo = nibble(input[start + 2 * i + 1]) else {
            throw .invalidKey(source, "character \(2 * i + 2) of the key is not a hex digit")
        }
        bytes[i] = hi << 4 | lo
    }
    do { return try PrivateKey(bytes: bytes) } catch {
        throw .invalidKey(source, "zero or not below the secp256k1 curve order")
    }
}

/// A file holding the key as hex. Refused when group or others can read it.
public struct KeyFileSource: KeySource {
    public let path: String
    public init(path: String) { self.path = path }
    public var label: String { "key file \(path)" }

    public func loadKey() throws(KeySourceError) -> PrivateKey {
        var bytes = try SecretFile.read(path)
        defer { wipeSecret(&bytes) }
        return try parseHexKey(bytes, source: path)
    }
}

/// An encrypted Web3 Secret Storage v3 keystore and where its password comes from.
public struct KeystoreSource: KeySource {
    public let path: String
    public let password: any PasswordSource
    public init(path: String, password: any PasswordSource) {
        self.path = path
        self.password = password
    }
    public var label: String { "keystore \(path)" }

    public func loadKey() throws(KeySourceError) -> PrivateKey {
        // A keystore is encrypted, so world-readable ones are common (geth writes 600, copies often are
        // not); the password is what protects it.
        var bytes = try SecretFile.read(path, checkPermissions: false)
        let json = String(decoding: bytes, as: UTF8.self)
        wipeSecret(&bytes)
        var pw = try password.password(for: label, confirm: false)
        defer { wipeSecret(&pw) }
        return try Web3Keystore.decrypt(json, password: pw, path: path)
    }
}

/// An environment variable holding the key as hex (`KALYPSO_PRIVATE_KEY`, `KALYPSO_GAS_PRIVATE_KEY`).
///
/// Accepted with a warning: another process of the same user can read a process's environment
/// (`/proc/PID/environ`), and the `String` the environment hands over cannot be wiped.
public struct EnvironmentKeySource: KeySource {
    public static let operatorVariable = "KALYPSO_PRIVATE_KEY"
    public static let gasVariable = "KALYPSO_GAS_PRIVATE_KEY"

    public let variable: String
    let environment: [String: String]
    let warn: @Sendable (String) -> Void

    public init(
        variable: String, environment: [String: String] = ProcessInfo.processInfo.environment,
        warn: @escaping @Sendable (String) -> Void
    ) {
        self.variable = variable
        self.environment = environment
        self.warn = warn
    }
    public var label: String { "environment variable \(variable)" }

    /// The one-line warning printed when the key is taken from the environment.
    public var warning: String {
        "warning: the key comes from $\(variable); other processes of the same user can read a process's "
            + "environment (a keystore is safer: kalypso-console key import)"
    }

    public func loadKey() throws(KeySourceError) -> PrivateKey {
        guard let value = environment[variable], !value.isEmpty else { throw .environmentMissing(variable) }
        warn(warning)
        var bytes = Array(value.utf8)
        defer { wipeSecret(&bytes) }
        return try parseHexKey(bytes, source: "$\(variable)")
    }
}

/// A key held in memory: the test double, and the source for a key that was just generated.
public struct InMemoryKeySource: KeySource {
    let key: PrivateKey
    public init(_ key: PrivateKey) { self.key = key }
    public var label: String { "key in memory (\(key.address.checksummed))" }
    public func loadKey() throws(KeySourceError) -> PrivateKey { key }
}

extension KeySpec {
    /// The source this config entry describes; `interactive` passwords come from the terminal when the
    /// spec names no password file.
    public func source(
        passwords: any PasswordSource, environment: [String: String] = ProcessInfo.processInfo.environment,
        warn: @escaping @Sendable (String) -> Void
    ) -> any KeySource {
        switch self {
        case .keystore(let path, let passwordFile):
            return KeystoreSource(path: path, password: passwordFile.map { PasswordFile(path: $0) } ?? passwords)
        case .keyFile(let path): return KeyFileSource(path: path)
        case .environment(let variable):
            return EnvironmentKeySource(variable: variable, environment: environment, warn: warn)
        }
    }
}
