/// Anything that can sign 32-byte digests for one address: a `PrivateKey` today, a keystore or
/// hardware wallet later. Code that sends transactions should depend on this, not on `PrivateKey`.
public protocol DigestSigner: Sendable {
    var address: Address { get }
    /// Signs a 32-byte digest with a low-s recoverable signature.
    func sign(digest: [UInt8]) throws(SignatureError) -> Signature
}

extension PrivateKey: DigestSigner {}

extension DigestSigner {
    /// EIP-191 `personal_sign` of `message`.
    public func signPersonalMessage(_ message: [UInt8]) throws(SignatureError) -> Signature {
        try sign(digest: EIP191.hash(message: message))
    }
}

extension UnsignedTransaction {
    /// Signs with any `DigestSigner`.
    public func sign(with signer: some DigestSigner) throws(SignatureError) -> SignedTransaction {
        SignedTransaction(transaction: self, signature: try signer.sign(digest: signingHash))
    }
}
