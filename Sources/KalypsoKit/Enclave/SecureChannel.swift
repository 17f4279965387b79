import EthereumKit
import Foundation

/// The secure channel ("SCH") of the generator client's `*Encrypted` endpoints (spec §5.7).
///
/// The request is ECIES-encrypted to the enclave key and signed by a one-time response key `k`; the enclave
/// answers ECIES-encrypted to `K = k·G` and signs `(response, salt)` with its own key. The signature covers only
/// `(request, K)` — no time or path — so a captured request can be replayed: the channel gives the gas key
/// confidentiality, not freshness.
package enum SecureChannel {
    /// A sealed request: the JSON body to POST and the key that opens the answer.
    package struct Sealed: Sendable {
        package let body: [UInt8]
        package let responseKey: PrivateKey
    }

    /// Seals `payload` (the plain endpoint's JSON body) for the enclave whose key is `enclaveKey`.
    package static func seal(_ payload: [UInt8], to enclaveKey: PublicKey) throws(EnclaveError) -> Sealed {
        let request: [UInt8]
        do {
            request = try ECIES.encrypt(payload, to: enclaveKey)
        } catch {
            throw EnclaveError(
                .enclaveNoSecureChannel, title: "The request could not be encrypted for the enclave",
                detail: "\(error)", hint: "Re-read the enclave key (it comes from the attestation) and try again.",
                category: .internal)
        }
        let responseKey = PrivateKey.random()
        let responseKeyBytes = responseKey.publicKey.uncompressed
        let signature = responseKey.signPersonalMessage(requestDigest(request: request, responseKey: responseKeyBytes))
        let body =
            "{\"request\":\(jsonArray(request)),\"response_key\":\(jsonArray(responseKeyBytes)),"
            + "\"signature\":\(jsonArray(signature.serialized))}"
        return Sealed(body: Array(body.utf8), responseKey: responseKey)
    }

    /// `keccak256(abi.encode(bytes request, bytes responseKey))`, which the response key personal_signs.
    package static func requestDigest(request: [UInt8], responseKey: [UInt8]) -> [UInt8] {
        Keccak256.hash((try? ABI.encode([.bytes, .bytes], [.bytes(request), .bytes(responseKey)])) ?? [])
    }

    /// `keccak256(abi.encode(bytes response, bytes salt))`, which the enclave key personal_signs.
    package static func responseDigest(response: [UInt8], salt: [UInt8]) -> [UInt8] {
        Keccak256.hash((try? ABI.encode([.bytes, .bytes], [.bytes(response), .bytes(salt)])) ?? [])
    }

    /// Opens the envelope's `data` (`{"response","salt","signature"}`): checks the enclave signed it, decrypts
    /// it with the response key and returns the plaintext JSON bytes.
    package static func open(
        _ data: Any?, sealed: Sealed, enclave: Address, endpoint: String
    ) throws(EnclaveError) -> [UInt8] {
        guard let object = data as? [String: Any], let response = byteArray(object["response"]),
            let salt = byteArray(object["salt"]), let signatureBytes = byteArray(object["signature"])
        else {
            throw .malformed(endpoint, reason: "data is not a secure-channel response {response, salt, signature}")
        }
        let signer: Address
        do {
            let signature = try Signature(serialized: signatureBytes)
            signer = try EIP191.recoverSigner(
                message: responseDigest(response: response, salt: salt), signature: signature)
        } catch {
            throw .malformed(
                endpoint, reason: "the response signature (\(signatureBytes.count) bytes) does not recover")
        }
        guard signer == enclave else {
            throw .keyChanged(endpoint, expected: enclave.checksummed, found: signer.checksummed)
        }
        do {
            return try ECIES.decrypt(response, with: sealed.responseKey)
        } catch {
            throw .malformed(endpoint, reason: "the response does not decrypt with our response key: \(error)")
        }
    }

    static func jsonArray(_ bytes: [UInt8]) -> String {
        "[" + bytes.map(String.init).joined(separator: ",") + "]"
    }

    /// A JSON array of numbers 0…255 as bytes (JSONSerialization gives NSNumbers).
    static func byteArray(_ value: Any?) -> [UInt8]? {
        guard let array = value as? [Any] else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(array.count)
        for element in array {
            guard let number = element as? NSNumber, let byte = UInt8(exactly: number.doubleValue) else { return nil }
            out.append(byte)
        }
        return out
    }
}
