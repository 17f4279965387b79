import BigInt
import CSecp256k1

/// A secp256k1 private key (an Ethereum account key).
///
/// The 32 bytes live in one heap allocation owned by this object and are wiped with `explicit_bzero`
/// when it is released. Limits of that, which Swift cannot close: copies the caller made before handing
/// the bytes over (the `[UInt8]` or hex `String` passed to `init`, which we cannot reach), temporary
/// copies made by the runtime or swapped to disk, and copies inside libsecp256k1's stack frames.
/// `description`, `debugDescription`, reflection and errors never show the key, only the address.
public final class PrivateKey: @unchecked Sendable, CustomStringConvertible, CustomDebugStringConvertible,
    CustomReflectable
{
    // Immutable after init, so sharing across threads is safe.
    private let storage: UnsafeMutablePointer<UInt8>
    public let publicKey: PublicKey
    public var address: Address { publicKey.address }

    /// From exactly 32 big-endian bytes in 1…n-1.
    public init(bytes: [UInt8]) throws(KeyError) {
        guard bytes.count == 32 else { throw .wrongLength(bytes.count) }
        let storage = UnsafeMutablePointer<UInt8>.allocate(capacity: 32)
        storage.initialize(from: bytes, count: 32)
        let ctx = Secp256k1.context.pointer
        guard secp256k1_ec_seckey_verify(ctx, storage) == 1 else {
            Secp256k1.wipe(UnsafeMutableRawBufferPointer(start: storage, count: 32))
            storage.deallocate()
            throw .outOfRange
        }
        var pubkey = secp256k1_pubkey()
        guard secp256k1_ec_pubkey_create(ctx, &pubkey, storage) == 1
        else {
            Secp256k1.wipe(UnsafeMutableRawBufferPointer(start: storage, count: 32))
            storage.deallocate()
            throw .outOfRange
        }
        self.storage = storage
        self.publicKey = PublicKey(secp: pubkey)
    }

    /// From 64 hex digits, with or without `0x`. Errors name the position, never the digits.
    public convenience init(hex: String) throws(KeyError) {
        var bytes: [UInt8]
        do {
            bytes = try Hex.decode(hex)
        } catch {
            // The length counts bytes of the digits without any prefix; the hex error counts digits.
            if error.code == .hexOddLength { throw .wrongLength((error.digitCount ?? 0) / 2) }
            throw .invalidHex(position: error.position ?? 0)
        }
        defer { Secp256k1.wipe(&bytes) }
        try self.init(bytes: bytes)
    }

    /// A fresh key from the system's cryptographic random source.
    public static func random() -> PrivateKey {
        var rng = SystemRandomNumberGenerator()
        while true {
            var bytes = [UInt8](repeating: 0, count: 32)
            for i in 0..<32 { bytes[i] = rng.next() }
            defer { Secp256k1.wipe(&bytes) }
            do {
                return try PrivateKey(bytes: bytes)
            } catch {
                // The only possible error is outOfRange (32 bytes were given), probability ~2^-128: draw again.
                continue
            }
        }
    }

    deinit {
        Secp256k1.wipe(UnsafeMutableRawBufferPointer(start: storage, count: 32))
        storage.deallocate()
    }

    /// Gives temporary access to the raw key, e.g. to write an encrypted keystore. Do not keep copies.
    package func withUnsafeKeyBytes<R, E: Error>(_ body: (UnsafeRawBufferPointer) throws(E) -> R) throws(E) -> R {
        try body(UnsafeRawBufferPointer(start: storage, count: 32))
    }

    /// Signs a 32-byte digest: RFC 6979 deterministic nonce, low-s (libsecp256k1 always normalises s).
    public func sign(digest: [UInt8]) throws(SignatureError) -> Signature {
        guard digest.count == 32 else { throw .digestLength(digest.count) }
        return signDigest32(digest)
    }

    func signDigest32(_ digest: [UInt8]) -> Signature {
        let ctx = Secp256k1.context.pointer
        var recSig = secp256k1_ecdsa_recoverable_signature()
        // Fails only for an invalid key, which init ruled out, or a nonce failure RFC 6979 cannot produce.
        let ok = secp256k1_ecdsa_sign_recoverable(ctx, &recSig, digest, storage, nil, nil)
        precondition(ok == 1, "secp256k1_ecdsa_sign_recoverable failed for a verified key")
        var compact = [UInt8](repeating: 0, count: 64)
        var recid: Int32 = 0
        _ = secp256k1_ecdsa_recoverable_signature_serialize_compact(ctx, &compact, &recid, &recSig)
        return Signature(uncheckedR: Array(compact[0..<32]), s: Array(compact[32..<64]), yParity: UInt8(recid))
    }

    /// EIP-191 `personal_sign`: signs keccak("\x19Ethereum Signed Message:\n" ‖ len ‖ message).
    public func signPersonalMessage(_ message: [UInt8]) -> Signature {
        signDigest32(EIP191.hash(message: message))
    }

    /// EIP-712: signs the typed data's signing hash.
    public func sign(typedData: EIP712TypedData) throws(EIP712Error) -> Signature {
        signDigest32(try typedData.signingHash())
    }

    public var description: String { "PrivateKey(<redacted>, address \(address.checksummed))" }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: ["address": address], displayStyle: .class) }
}

/// An uncompressed secp256k1 public key.
public struct PublicKey: Hashable, Sendable, CustomStringConvertible {
    /// x ‖ y, 64 bytes (the form Ethereum hashes for addresses and Kalypso stores for enclaves).
    public let raw: [UInt8]

    init(secp pubkey: secp256k1_pubkey) {
        var key = pubkey
        var out = [UInt8](repeating: 0, count: 65)
        var length = 65
        _ = secp256k1_ec_pubkey_serialize(
            Secp256k1.context.pointer, &out, &length, &key, UInt32(SECP256K1_EC_UNCOMPRESSED))
        raw = Array(out[1...])
    }

    /// From 64 bytes (x ‖ y), 65 bytes (0x04 ‖ x ‖ y) or 33 bytes (compressed); checks the point is on the curve.
    public init(bytes: [UInt8]) throws(KeyError) {
        let input: [UInt8]
        switch bytes.count {
        case 64: input = [0x04] + bytes
        case 65, 33: input = bytes
        default: throw .invalidPublicKey(length: bytes.count)
        }
        var pubkey = secp256k1_pubkey()
        guard secp256k1_ec_pubkey_parse(Secp256k1.context.pointer, &pubkey, input, input.count) == 1 else {
            throw .invalidPublicKey(length: bytes.count)
        }
        self.init(secp: pubkey)
    }

    /// 0x04 ‖ x ‖ y.
    public var uncompressed: [UInt8] { [0x04] + raw }

    /// 0x02/0x03 ‖ x.
    public var compressed: [UInt8] { [raw[63] & 1 == 0 ? 0x02 : 0x03] + raw[0..<32] }

    /// keccak256(x ‖ y)[12...].
    public var address: Address { Address(uncheckedBytes: Array(Keccak256.hash(raw)[12...])) }

    public var description: String { Hex.encode(raw) }
}
