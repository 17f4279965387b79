/// Anything that can sign 32-byte digests for one address: a `PrivateKey` today, an unlocked keystore,
/// a hardware wallet or a remote signer later. Code that sends transactions depends on this, not on
/// `PrivateKey`.
///
/// `sign` is `async throws` with any error so that a signer which must unlock a keystore, ask a
/// device or call a service can wait, and report its own failures (a wrong password, a device that
/// is not connected, a timeout) as the `OperatorError` it is, not squeezed into `SignatureError`.
public protocol DigestSigner: Sendable {
    var address: Address { get }
    /// Signs a 32-byte digest with a low-s recoverable signature.
    func sign(digest: [UInt8]) async throws -> Signature
}

extension PrivateKey: DigestSigner {}

extension DigestSigner {
    /// Signs `digest` and checks that the signature recovers to `address`, so a signer that answers for
    /// another account (a wrong device or keystore) is caught before anything is sent.
    public func signVerified(digest: [UInt8]) async throws -> Signature {
        let signature = try await sign(digest: digest)
        guard try signature.recoverAddress(digest: digest) == address else { throw SignatureError.signerMismatch }
        return signature
    }

    /// EIP-191 `personal_sign` of `message`.
    public func signPersonalMessage(_ message: [UInt8]) async throws -> Signature {
        try await signVerified(digest: EIP191.hash(message: message))
    }

    /// EIP-712: signs the typed data's signing hash.
    public func sign(typedData: EIP712TypedData) async throws -> Signature {
        try await signVerified(digest: try typedData.signingHash())
    }
}

extension UnsignedTransaction {
    /// Signs with any `DigestSigner`; the signature is checked to recover to the signer's address.
    public func sign(with signer: some DigestSigner) async throws -> SignedTransaction {
        SignedTransaction(transaction: self, signature: try await signer.signVerified(digest: signingHash))
    }
}
