import BigInt

/// A recoverable ECDSA signature over secp256k1: r, s and the y-parity of R (the recovery id).
public struct Signature: Hashable, Sendable, CustomStringConvertible {
    /// 32 bytes, big-endian.
    public let r: [UInt8]
    /// 32 bytes, big-endian, always ≤ n/2 (EIP-2).
    public let s: [UInt8]
    /// 0 or 1.
    public let yParity: UInt8

    init(uncheckedR r: [UInt8], s: [UInt8], yParity: UInt8) {
        self.r = r
        self.s = s
        self.yParity = yParity
    }

    /// Checks r and s are in 1…n-1, s is low (≤ n/2) and yParity is 0 or 1.
    public init(r: [UInt8], s: [UInt8], yParity: UInt8) throws(SignatureError) {
        guard r.count == 32, s.count == 32 else { throw .wrongLength(r.count + s.count + 1) }
        guard yParity <= 1 else { throw .invalidV(yParity) }
        guard r.contains(where: { $0 != 0 }), Secp256k1.compare(r, Secp256k1.order) < 0 else { throw .rOutOfRange }
        guard s.contains(where: { $0 != 0 }), Secp256k1.compare(s, Secp256k1.order) < 0 else { throw .sOutOfRange }
        guard Secp256k1.compare(s, Secp256k1.halfOrder) <= 0 else { throw .highS }
        self.init(uncheckedR: r, s: s, yParity: yParity)
    }

    /// From integer r and s (as in transactions).
    public init(r: BigUInt, s: BigUInt, yParity: UInt8) throws(SignatureError) {
        guard let rb = r.bigEndianBytes(paddedTo: 32) else { throw .rOutOfRange }
        guard let sb = s.bigEndianBytes(paddedTo: 32) else { throw .sOutOfRange }
        try self.init(r: rb, s: sb, yParity: yParity)
    }

    /// Parses 65 bytes r ‖ s ‖ v with v in {0, 1, 27, 28}.
    public init(serialized bytes: [UInt8]) throws(SignatureError) {
        guard bytes.count == 65 else { throw .wrongLength(bytes.count) }
        let v = bytes[64]
        let parity: UInt8
        switch v {
        case 0, 1: parity = v
        case 27, 28: parity = v - 27
        default: throw .invalidV(v)
        }
        try self.init(r: Array(bytes[0..<32]), s: Array(bytes[32..<64]), yParity: parity)
    }

    /// Parses 130 hex digits (with or without 0x) of r ‖ s ‖ v.
    public init(hex: String) throws(SignatureError) {
        let bytes: [UInt8]
        do { bytes = try Hex.decode(hex) } catch { throw .invalidHex(error) }
        try self.init(serialized: bytes)
    }

    /// 27 + yParity, as `personal_sign` and Solidity's `ecrecover` expect.
    public var v: UInt8 { 27 + yParity }

    /// r ‖ s ‖ v with v = 27/28 (65 bytes).
    public var serialized: [UInt8] { r + s + [v] }

    public var rValue: BigUInt { BigUInt(bigEndianBytes: r) }
    public var sValue: BigUInt { BigUInt(bigEndianBytes: s) }

    /// The address that signed `digest` with this signature.
    public func recoverAddress(digest: [UInt8]) throws(SignatureError) -> Address {
        try Secp256k1.recover(digest: digest, signature: self)
    }

    public var description: String { Hex.encode(serialized) }
}

/// EIP-191 version 0x45 (`personal_sign`) messages.
public enum EIP191 {
    /// keccak256("\x19Ethereum Signed Message:\n" ‖ decimal length ‖ message).
    ///
    /// To sign a 32-byte digest the way ethers' `signMessage(getBytes(digest))` and Solidity's
    /// `toEthSignedMessageHash(bytes32)` do, pass the 32 digest bytes as the message.
    public static func hash(message: [UInt8]) -> [UInt8] {
        var h = Keccak256()
        h.update(Array("\u{19}Ethereum Signed Message:\n\(message.count)".utf8))
        h.update(message)
        return h.finalize()
    }

    /// Who signed `message` with `personal_sign`.
    public static func recoverSigner(message: [UInt8], signature: Signature) throws(SignatureError) -> Address {
        try Secp256k1.recover(digest: hash(message: message), signature: signature)
    }
}
