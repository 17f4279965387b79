import CSecp256k1
import Crypto
import EthereumKit
import Foundation

/// ECIES on secp256k1 as eciesjs 0.4, Rust `ecies` 0.2 and eciespy 0.4 use it by default (spec §5.7).
///
/// Ciphertext layout: ephemeral public key, uncompressed (65 bytes) ‖ nonce (16) ‖ GCM tag (16) ‖ AES-256-GCM
/// ciphertext, no associated data. The AES key is HKDF-SHA256 over ephemeral public key (65, uncompressed) ‖
/// shared point (65, uncompressed: the whole ECDH point, not only its x-coordinate), no salt, empty info.
package enum ECIES {
    /// Bytes added to a plaintext: 65 + 16 + 16.
    package static let overhead = 65 + nonceLength + 16
    static let nonceLength = 16

    /// Encrypts `plaintext` to `recipient` with a fresh ephemeral key and nonce.
    package static func encrypt(_ plaintext: [UInt8], to recipient: PublicKey) throws(ECIESError) -> [UInt8] {
        var nonce = [UInt8](repeating: 0, count: nonceLength)
        var rng = SystemRandomNumberGenerator()
        for i in nonce.indices { nonce[i] = rng.next() }
        return try encrypt(plaintext, to: recipient, ephemeral: PrivateKey.random(), nonce: nonce)
    }

    /// Encrypts with a given ephemeral key and nonce; only tests pass them, to compare with published vectors.
    package static func encrypt(
        _ plaintext: [UInt8], to recipient: PublicKey, ephemeral: PrivateKey, nonce: [UInt8]
    ) throws(ECIESError) -> [UInt8] {
        guard nonce.count == nonceLength else { throw .init(.badNonce) }
        let ephemeralPublic = ephemeral.publicKey.uncompressed
        let shared = try sharedPoint(secret: ephemeral, point: recipient)
        let key = derive(ephemeralPublic: ephemeralPublic, sharedPoint: shared)
        do {
            let box = try AES.GCM.seal(plaintext, using: key, nonce: AES.GCM.Nonce(data: nonce))
            return ephemeralPublic + nonce + Array(box.tag) + Array(box.ciphertext)
        } catch {
            throw .init(.cipher)
        }
    }

    /// Decrypts a ciphertext addressed to `recipient`'s public key; fails if it was addressed to another key or
    /// altered.
    package static func decrypt(_ ciphertext: [UInt8], with recipient: PrivateKey) throws(ECIESError) -> [UInt8] {
        guard ciphertext.count >= overhead else { throw .init(.tooShort(ciphertext.count)) }
        let ephemeralPublic = Array(ciphertext[0..<65])
        let nonce = Array(ciphertext[65..<(65 + nonceLength)])
        let tag = Array(ciphertext[(65 + nonceLength)..<overhead])
        let body = Array(ciphertext[overhead...])
        let ephemeral: PublicKey
        do {
            ephemeral = try PublicKey(bytes: ephemeralPublic)
        } catch {
            throw .init(.badEphemeralKey)
        }
        let shared = try sharedPoint(secret: recipient, point: ephemeral)
        let key = derive(ephemeralPublic: ephemeral.uncompressed, sharedPoint: shared)
        do {
            let box = try AES.GCM.SealedBox(nonce: AES.GCM.Nonce(data: nonce), ciphertext: body, tag: tag)
            return Array(try AES.GCM.open(box, using: key))
        } catch {
            throw .init(.authentication)
        }
    }

    /// The ECDH point `secret · point`, uncompressed (65 bytes).
    static func sharedPoint(secret: PrivateKey, point: PublicKey) throws(ECIESError) -> [UInt8] {
        var input = point.uncompressed
        var pubkey = secp256k1_pubkey()
        // The static context suffices: parsing, tweaking and serialising need no precomputed signing tables.
        guard let ctx = ks_secp256k1_static_context() else { throw .init(.ecdh) }
        guard secp256k1_ec_pubkey_parse(ctx, &pubkey, &input, input.count) == 1 else {
            throw .init(.badEphemeralKey)
        }
        let ok = secret.withUnsafeKeyBytes { raw -> Int32 in
            guard let base = raw.bindMemory(to: UInt8.self).baseAddress else { return 0 }
            return secp256k1_ec_pubkey_tweak_mul(ctx, &pubkey, base)
        }
        guard ok == 1 else { throw .init(.ecdh) }
        var out = [UInt8](repeating: 0, count: 65)
        var length = 65
        _ = secp256k1_ec_pubkey_serialize(ctx, &out, &length, &pubkey, UInt32(SECP256K1_EC_UNCOMPRESSED))
        return out
    }

    static func derive(ephemeralPublic: [UInt8], sharedPoint: [UInt8]) -> SymmetricKey {
        HKDF<SHA256>.deriveKey(
            inputKeyMaterial: SymmetricKey(data: ephemeralPublic + sharedPoint), info: [UInt8](),
            outputByteCount: 32)
    }
}

/// Why an ECIES message could not be built or opened. Carries no key or plaintext bytes.
package struct ECIESError: Error, Equatable, Sendable, CustomStringConvertible {
    package enum Reason: Equatable, Sendable {
        case tooShort(Int)
        case badEphemeralKey
        case badNonce
        case ecdh
        case cipher
        case authentication
    }
    package let reason: Reason
    init(_ reason: Reason) { self.reason = reason }

    package var description: String {
        switch reason {
        case .tooShort(let n): return "an ECIES message has at least \(ECIES.overhead) bytes, this one \(n)"
        case .badEphemeralKey: return "the ECIES message's ephemeral public key is not a point on secp256k1"
        case .badNonce: return "an ECIES nonce has 16 bytes"
        case .ecdh: return "the ECDH multiplication failed"
        case .cipher: return "AES-256-GCM refused the input"
        case .authentication:
            return "the ECIES message does not open with this key (addressed to another key, or altered)"
        }
    }
}
