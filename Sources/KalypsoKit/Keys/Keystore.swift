import Basics
import Crypto
import EthereumKit
import Foundation
import _CryptoExtras

/// The key derivation function of a keystore.
public enum KeystoreKDF: String, Sendable, CaseIterable {
    case scrypt
    case pbkdf2
}

/// Cost parameters for writing a keystore.
public struct KeystoreParameters: Sendable, Equatable {
    public var kdf: KeystoreKDF
    /// scrypt N (a power of two), r and p.
    public var scryptN: Int
    public var scryptR: Int
    public var scryptP: Int
    /// PBKDF2-HMAC-SHA256 iterations.
    public var pbkdf2Iterations: Int

    /// geth's "standard" scrypt cost (N = 2^18, r = 8, p = 1; 256 MiB, about a second) and, for pbkdf2,
    /// OWASP's 600 000 iterations of HMAC-SHA256.
    public static func standard(_ kdf: KeystoreKDF) -> KeystoreParameters {
        KeystoreParameters(kdf: kdf, scryptN: 1 << 18, scryptR: 8, scryptP: 1, pbkdf2Iterations: 600_000)
    }

    public init(kdf: KeystoreKDF, scryptN: Int, scryptR: Int, scryptP: Int, pbkdf2Iterations: Int) {
        self.kdf = kdf
        self.scryptN = scryptN
        self.scryptR = scryptR
        self.scryptP = scryptP
        self.pbkdf2Iterations = pbkdf2Iterations
    }
}

/// Web3 Secret Storage v3 (the keystore of geth, eth-account and most wallets): the private key
/// encrypted with AES-128-CTR under a key derived from the password by scrypt or PBKDF2, and a MAC of
/// keccak256(derivedKey[16..<32] ‖ ciphertext) that tells a wrong password from a right one.
public enum Web3Keystore {
    /// Memory ceiling for scrypt parameters read from a file (128·N·r·p bytes), against a hostile file.
    static let maxScryptMemory = 2 << 30

    /// Encrypts `key` under `password` and returns the keystore JSON (one line, keys sorted).
    /// `salt` (32 bytes), `iv` (16 bytes) and `id` are random unless given (tests pass them).
    public static func encrypt(
        _ key: PrivateKey, password: [UInt8], parameters: KeystoreParameters, salt: [UInt8]? = nil,
        iv: [UInt8]? = nil, id: UUID = UUID()
    ) throws(KeySourceError) -> String {
        var rng = SystemRandomNumberGenerator()
        let salt = salt ?? (0..<32).map { _ in UInt8.random(in: 0...255, using: &rng) }
        let iv = iv ?? (0..<16).map { _ in UInt8.random(in: 0...255, using: &rng) }
        let kdfParams: String
        switch parameters.kdf {
        case .scrypt:
            kdfParams =
                "{\"dklen\":32,\"n\":\(parameters.scryptN),\"p\":\(parameters.scryptP),\"r\":\(parameters.scryptR),\"salt\":\"\(Hex.encode(salt, prefix: false))\"}"
        case .pbkdf2:
            kdfParams =
                "{\"c\":\(parameters.pbkdf2Iterations),\"dklen\":32,\"prf\":\"hmac-sha256\",\"salt\":\"\(Hex.encode(salt, prefix: false))\"}"
        }
        var derived = try derive(
            password: password, kdf: parameters.kdf, salt: salt, dklen: 32, n: parameters.scryptN,
            r: parameters.scryptR, p: parameters.scryptP, c: parameters.pbkdf2Iterations, path: "new keystore")
        defer { wipeSecret(&derived) }
        let ciphertext: [UInt8]
        do {
            ciphertext = try key.withUnsafeKeyBytes { raw throws -> [UInt8] in
                try aesCTR(Array(raw), key: Array(derived[0..<16]), iv: iv)
            }
        } catch {
            throw KeySourceError(.keyWriteFailed, "Cannot encrypt the key", "AES-128-CTR failed: \(error)")
        }
        let mac = Keccak256.hash(Array(derived[16..<32]) + ciphertext)
        let address = Hex.encode(key.address.bytes, prefix: false)
        return
            "{\"address\":\"\(address)\",\"crypto\":{\"cipher\":\"aes-128-ctr\",\"cipherparams\":{\"iv\":\"\(Hex.encode(iv, prefix: false))\"},"
            + "\"ciphertext\":\"\(Hex.encode(ciphertext, prefix: false))\",\"kdf\":\"\(parameters.kdf.rawValue)\",\"kdfparams\":\(kdfParams),"
            + "\"mac\":\"\(Hex.encode(mac, prefix: false))\"},\"id\":\"\(id.uuidString.lowercased())\",\"version\":3}"
    }

    /// Decrypts a keystore. `path` only names the file in errors.
    public static func decrypt(_ json: String, password: [UInt8], path: String) throws(KeySourceError) -> PrivateKey {
        let root: JSONNode
        do { root = try JSONDocumentParser.parse(json) } catch {
            throw .malformed(path, "line \(error.line)", "JSON (\(error.message))")
        }
        let doc = Fields(root, path: path, prefix: "")
        let version = try doc.integer("version")
        guard version == 3 else { throw .unsupported(path, "version \(version) (only version 3 is supported)") }
        let crypto = try doc.object("crypto", alternative: "Crypto")
        let cipher = try crypto.string("cipher")
        guard cipher == "aes-128-ctr" else { throw .unsupported(path, "cipher \(cipher)") }
        let iv = try crypto.object("cipherparams").hex("iv")
        guard iv.count == 16 else { throw .malformed(path, "crypto.cipherparams.iv", "16 bytes of hex") }
        let ciphertext = try crypto.hex("ciphertext")
        guard ciphertext.count == 32 else { throw .malformed(path, "crypto.ciphertext", "32 bytes of hex") }
        let mac = try crypto.hex("mac")
        guard mac.count == 32 else { throw .malformed(path, "crypto.mac", "32 bytes of hex") }
        let kdfName = try crypto.string("kdf")
        guard let kdf = KeystoreKDF(rawValue: kdfName) else { throw .unsupported(path, "kdf \(kdfName)") }
        let params = try crypto.object("kdfparams")
        let salt = try params.hex("salt")
        guard !salt.isEmpty else { throw .malformed(path, "crypto.kdfparams.salt", "a non-empty hex salt") }
        let dklen = try params.integer("dklen")
        guard (32...64).contains(dklen) else { throw .unsupported(path, "dklen \(dklen) (32 to 64 supported)") }
        var n = 0
        var r = 0
        var p = 0
        var c = 0
        switch kdf {
        case .scrypt:
            n = try params.integer("n")
            r = try params.integer("r")
            p = try params.integer("p")
            // Bounded one by one first, so the products below cannot overflow.
            guard n > 1, n & (n - 1) == 0, n <= 1 << 30, r > 0, r <= 1 << 16, p > 0, p <= 1 << 16 else {
                throw .unsupported(path, "scrypt n=\(n) r=\(r) p=\(p) (n must be a power of two above 1)")
            }
            guard 128 * r * n <= maxScryptMemory, 128 * r * p <= maxScryptMemory
            else { throw .unsupported(path, "scrypt n=\(n) r=\(r) p=\(p) needs more than 2 GiB of memory") }
        case .pbkdf2:
            let prf = try params.string("prf")
            guard prf == "hmac-sha256" else { throw .unsupported(path, "pbkdf2 prf \(prf)") }
            c = try params.integer("c")
            guard c > 0 else { throw .malformed(path, "crypto.kdfparams.c", "a positive iteration count") }
            // Ten times eth-account's default; more would only stall the console (a hostile file).
            guard c <= 10_000_000 else { throw .unsupported(path, "pbkdf2 c=\(c) (at most 10000000 iterations)") }
        }
        var derived = try derive(
            password: password, kdf: kdf, salt: salt, dklen: dklen, n: n, r: r, p: p, c: c, path: path)
        defer { wipeSecret(&derived) }
        let expected = Keccak256.hash(Array(derived[16..<32]) + ciphertext)
        guard constantTimeEqual(expected, mac) else { throw .wrongPassword(path) }
        var plain: [UInt8]
        do { plain = try aesCTR(ciphertext, key: Array(derived[0..<16]), iv: iv) } catch {
            throw .unsupported(path, "AES-128-CTR failed: \(error)")
        }
        defer { wipeSecret(&plain) }
        let key: PrivateKey
        do { key = try PrivateKey(bytes: plain) } catch {
            throw .invalidKey(path, "the decrypted key is not a valid secp256k1 key")
        }
        // The MAC does not cover the IV: a damaged IV decrypts to another key with a valid MAC. The
        // address the file declares catches that (as geth checks it).
        if let declared = declaredAddress(json), declared != key.address {
            throw .damaged(path, declared: declared)
        }
        return key
    }

    static func derive(
        password: [UInt8], kdf: KeystoreKDF, salt: [UInt8], dklen: Int, n: Int, r: Int, p: Int, c: Int,
        path: String
    ) throws(KeySourceError) -> [UInt8] {
        do {
            let key: SymmetricKey
            switch kdf {
            case .scrypt where Scrypt.beyondRFCLimit(n: n, r: r):
                return try Scrypt.derive(password: password, salt: salt, n: n, r: r, p: p, dklen: dklen)
            case .scrypt:
                key = try KDF.Scrypt.deriveKey(
                    from: password, salt: salt, outputByteCount: dklen, rounds: n, blockSize: r, parallelism: p)
            case .pbkdf2:
                // Files from other tools may use fewer rounds than swift-crypto's checked minimum.
                key = try KDF.Insecure.PBKDF2.deriveKey(
                    from: password, salt: salt, using: .sha256, outputByteCount: dklen, unsafeUncheckedRounds: c)
            }
            return key.withUnsafeBytes { Array($0) }
        } catch {
            throw .unsupported(path, "\(kdf.rawValue) key derivation failed (\(error))")
        }
    }

    static func aesCTR(_ input: [UInt8], key: [UInt8], iv: [UInt8]) throws -> [UInt8] {
        var k = key
        defer { wipeSecret(&k) }
        var out = try AES._CTR.encrypt(input, using: SymmetricKey(data: k), nonce: AES._CTR.Nonce(nonceBytes: iv))
        defer { out.withUnsafeMutableBytes { wipeSecret($0) } }
        return Array(out)
    }

    static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        var diff: UInt8 = 0
        for i in 0..<a.count { diff |= a[i] ^ b[i] }
        return diff == 0
    }

    /// Typed access to one object of the keystore, with errors naming the key path.
    struct Fields {
        let members: [JSONMember]
        let path: String
        let prefix: String

        init(_ node: JSONNode, path: String, prefix: String) {
            if case .object(let m) = node.value { members = m } else { members = [] }
            self.path = path
            self.prefix = prefix
        }

        func node(_ key: String) throws(KeySourceError) -> JSONNode {
            guard let m = members.first(where: { $0.key == key }) else {
                throw .malformed(path, prefix + key, "a value (the key is missing)")
            }
            return m.value
        }

        func object(_ key: String, alternative: String? = nil) throws(KeySourceError) -> Fields {
            let found = members.first { $0.key == key || $0.key == alternative }
            guard let found, case .object = found.value.value else {
                throw .malformed(path, prefix + key, "an object")
            }
            return Fields(found.value, path: path, prefix: prefix + key + ".")
        }

        func string(_ key: String) throws(KeySourceError) -> String {
            guard case .string(let s) = try node(key).value else { throw .malformed(path, prefix + key, "a string") }
            return s
        }

        func integer(_ key: String) throws(KeySourceError) -> Int {
            guard case .number(let s) = try node(key).value, let n = Int(s) else {
                throw .malformed(path, prefix + key, "an integer")
            }
            return n
        }

        func hex(_ key: String) throws(KeySourceError) -> [UInt8] {
            let s = try string(key)
            guard let b = try? Hex.decode(s) else { throw .malformed(path, prefix + key, "hex digits") }
            return b
        }
    }
}

extension Web3Keystore {
    /// Encrypts `key` and writes a new keystore file at `path` with mode 600; never replaces a file.
    public static func write(
        _ key: PrivateKey, password: [UInt8], parameters: KeystoreParameters, to path: String
    ) throws(KeySourceError) {
        let json = try encrypt(key, password: password, parameters: parameters)
        try SecretFile.create(path, bytes: Array((json + "\n").utf8))
    }
}

/// A private key typed or piped on standard input (`key import` without `--key-file`).
///
/// On a terminal the key is read without echo, like a password; from a pipe, everything up to the end
/// of input is read and surrounding whitespace ignored.
public struct StandardInputKeySource: KeySource {
    public init() {}
    public var label: String { "standard input" }

    public func loadKey() throws(KeySourceError) -> PrivateKey {
        var bytes: [UInt8]
        if isatty(0) == 1 {
            bytes = try TerminalPasswordPrompt().password(
                for: "the private key to import (hex, not shown)", confirm: false)
        } else {
            bytes = [UInt8](repeating: 0, count: 4096)
            var used = 0
            while used < bytes.count {
                let n = bytes.withUnsafeMutableBytes { read(0, $0.baseAddress.map { $0 + used }, $0.count - used) }
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { break }
                used += n
            }
            for i in used..<bytes.count { bytes[i] = 0x20 }  // padding reads as whitespace
        }
        defer { wipeSecret(&bytes) }
        return try parseHexKey(bytes, source: label)
    }
}

extension Web3Keystore {
    /// The `address` a keystore declares about itself, without decrypting (unauthenticated: only the
    /// MAC check of ``decrypt(_:password:path:)`` proves the key inside belongs to it).
    public static func declaredAddress(_ json: String) -> Address? {
        guard let root = try? JSONDocumentParser.parse(json), case .object(let members) = root.value,
            case .string(let s)? = members.first(where: { $0.key == "address" })?.value.value
        else { return nil }
        return try? Address(s.hasPrefix("0x") ? s : "0x" + s)
    }
}
