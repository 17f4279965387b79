import BigInt
import EthereumKit
import Foundation

/// The on-chain attestation blob of spec §2.6.1: what the attestation verifier signed about an enclave key.
///
/// `abi.encode(bytes signature, bytes enclavePubKey, bytes PCR0, bytes PCR1, bytes PCR2, uint256 timestampMs)`,
/// 704 bytes for a 65-byte signature, 64-byte key and 48-byte PCRs. Build it from the verifier's answer
/// (``init(verifierAnswer:)``), check it (``checkSignedBy(_:)``, ``checkFresh(now:maxAgeSeconds:margin:)``,
/// ``checkImage(inFamily:)``) and send ``encoded``.
package struct Attestation: Sendable, Equatable {
    /// The verifier's EIP-712 signature r ‖ s ‖ v (v = 27/28).
    package var signature: [UInt8]
    /// The enclave's secp256k1 key, x ‖ y (64 bytes, no 0x04).
    package var enclavePublicKey: [UInt8]
    package var pcr0: [UInt8]
    package var pcr1: [UInt8]
    package var pcr2: [UInt8]
    /// When the enclave made the attestation, in milliseconds since 1970.
    package var timestampMs: UInt64

    package static let abiTypes: [ABIType] = [.bytes, .bytes, .bytes, .bytes, .bytes, .uint256]
    /// keccak256("EIP712Domain(string name,string version)", "marlin.oyster.AttestationVerifier", "1") (spec §2.6.1).
    package static let domainSeparator = Hex.bytes("0de834feb03c214f785e75b2828ffeceb322312d4487e2fb9640ca5fc32542c7")
    /// keccak256("Attestation(bytes enclavePubKey,bytes PCR0,bytes PCR1,bytes PCR2,uint256 timestampInMilliseconds)").
    package static let typeHash = Hex.bytes("6889df476ca38f3f4b417c17eb496682eb401b4f41a2259741a78acc481ea805")
    /// `HELPER.ACCEPTABLE_ATTESTATION_DELAY`: 60000 **seconds** on both generations (spec §9 item 4, §9.1).
    package static let contractMaxAgeSeconds: UInt64 = 60000

    package init(
        signature: [UInt8], enclavePublicKey: [UInt8], pcr0: [UInt8], pcr1: [UInt8], pcr2: [UInt8],
        timestampMs: UInt64
    ) {
        self.signature = signature
        self.enclavePublicKey = enclavePublicKey
        self.pcr0 = pcr0
        self.pcr1 = pcr1
        self.pcr2 = pcr2
        self.timestampMs = timestampMs
    }

    /// From the attestation verifier's `/verify/raw` JSON (spec §5.3): hex without 0x, timestamp in ms.
    package init(verifierAnswer body: [UInt8]) throws(EnclaveError) {
        struct Answer: Decodable {
            var signature: String
            var secp256k1_public: String
            var pcr0: String
            var pcr1: String
            var pcr2: String
            var timestamp: UInt64
        }
        let answer: Answer
        do {
            answer = try JSONDecoder().decode(Answer.self, from: Data(body))
        } catch {
            throw .malformed(
                "attestation verifier POST /verify/raw", reason: "the answer is not the verifier's JSON (\(error))")
        }
        func field(_ name: String, _ text: String, length: Int?) throws(EnclaveError) -> [UInt8] {
            guard let bytes = try? Hex.decode(text), length.map({ $0 == bytes.count }) ?? true else {
                throw .attestation(
                    "the verifier's \(name) is not \(length.map { "\($0) bytes of " } ?? "")hex (\(text.count) characters)"
                )
            }
            return bytes
        }
        self.init(
            signature: try field("signature", answer.signature, length: 65),
            enclavePublicKey: try field("secp256k1_public", answer.secp256k1_public, length: 64),
            pcr0: try field("pcr0", answer.pcr0, length: nil), pcr1: try field("pcr1", answer.pcr1, length: nil),
            pcr2: try field("pcr2", answer.pcr2, length: nil), timestampMs: answer.timestamp)
    }

    /// Reads an attestation blob back (e.g. one kept from an earlier join).
    package init(encoded blob: [UInt8]) throws(EnclaveError) {
        let values: [ABIValue]
        do {
            values = try ABI.decode(Self.abiTypes, from: blob)
        } catch {
            throw .attestation("the blob is not abi.encode(bytes,bytes,bytes,bytes,bytes,uint256): \(error)")
        }
        guard values.count == 6, let sig = values[0].bytesValue, let key = values[1].bytesValue,
            let p0 = values[2].bytesValue, let p1 = values[3].bytesValue, let p2 = values[4].bytesValue,
            let ts = values[5].uintValue, ts.bitWidth <= 64
        else { throw .attestation("the blob's fields have the wrong types or the timestamp is out of range") }
        guard key.count == 64 else { throw .attestation("the enclave key in the blob has \(key.count) bytes, not 64") }
        self.init(signature: sig, enclavePublicKey: key, pcr0: p0, pcr1: p1, pcr2: p2, timestampMs: UInt64(ts))
    }

    /// The bytes for `joinMarketplace`, `updateEncryptionKey` and `verifyKey`.
    package var encoded: [UInt8] {
        // Encoding bytes and a uint256 cannot fail.
        (try? ABI.encode(
            Self.abiTypes,
            [
                .bytes(signature), .bytes(enclavePublicKey), .bytes(pcr0), .bytes(pcr1), .bytes(pcr2),
                .uint(BigUInt(timestampMs)),
            ])) ?? []
    }

    /// `keccak256(PCR0 ‖ PCR1 ‖ PCR2)`, the enclave image id the registries whitelist (spec §2.6.1 item 6).
    package var imageId: [UInt8] { Keccak256.hash(pcr0 + pcr1 + pcr2) }

    /// The address of the enclave key: keccak256(x ‖ y)[12...].
    package var enclaveAddress: Address { Address(uncheckedKeccakOf: enclavePublicKey) }

    /// The EIP-712 digest the verifier signed and `AttestationVerifier._verify` recomputes (spec §2.6.1 item 4).
    package var verifierDigest: [UInt8] {
        let structHash = Keccak256.hash(
            Self.typeHash + Keccak256.hash(enclavePublicKey) + Keccak256.hash(pcr0) + Keccak256.hash(pcr1)
                + Keccak256.hash(pcr2) + (BigUInt(timestampMs).bigEndianBytes(paddedTo: 32) ?? []))
        return EIP712.digest(domainSeparator: Self.domainSeparator, structHash: structHash)
    }

    /// Who signed the attestation (the verifier enclave's address, which the chain must know).
    package func verifierSigner() throws(EnclaveError) -> Address {
        do {
            return try Secp256k1.recover(digest: verifierDigest, signature: Signature(serialized: signature))
        } catch {
            throw .attestation("the verifier's signature does not recover to a key (\(signature.count) bytes)")
        }
    }

    /// Checks the attestation is for `expectedKey` (the key the enclave reports now) and that its signature
    /// recovers to `verifier` when given (the verifier key the chain trusts).
    package func checkSignedBy(
        enclaveKey expectedKey: [UInt8]? = nil, verifier: Address? = nil
    ) throws(EnclaveError) {
        if let expectedKey, expectedKey != enclavePublicKey {
            throw .keyChanged(
                "attestation", expected: Address(uncheckedKeccakOf: expectedKey).checksummed,
                found: enclaveAddress.checksummed)
        }
        let signer = try verifierSigner()
        if let verifier, signer != verifier {
            throw .attestation(
                "signed by \(signer.checksummed), not by the attestation verifier \(verifier.checksummed)",
                hint: "Use the attestation verifier the market's registry trusts (attestationVerifierEndPoint).")
        }
    }

    /// Checks the contract will still take the attestation: `timestampMs/1000 > now − maxAge` with `margin`
    /// seconds to spare for the transaction to be mined. Timestamps in the future pass, as on chain (spec §9.1).
    package func checkFresh(
        now: Date, maxAgeSeconds: UInt64 = Attestation.contractMaxAgeSeconds, margin: UInt64 = 600
    ) throws(EnclaveError) {
        let nowSeconds = UInt64(max(0, now.timeIntervalSince1970.rounded(.down)))
        let madeAt = timestampMs / 1000
        guard madeAt < nowSeconds else { return }
        let age = nowSeconds - madeAt
        guard age + margin < maxAgeSeconds else {
            throw EnclaveError(
                .enclaveAttestationTooOld, title: "The attestation is too old for the contract",
                detail:
                    "made \(age) s ago; the registry accepts at most \(maxAgeSeconds) s (keeping \(margin) s for mining)",
                hint: "Fetch a fresh attestation from the enclave right before sending the transaction.",
                category: .refused)
        }
    }

    /// Checks the image is one of `familyImages` (the image ids whitelisted in the market's family, as
    /// `EntityKeyRegistry.isImageInFamily` would answer) — else the join reverts `IncorrectImageId()`.
    package func checkImage(inFamily familyImages: [[UInt8]]) throws(EnclaveError) {
        guard familyImages.contains(imageId) else {
            throw EnclaveError(
                .enclaveImageNotInFamily, title: "The enclave runs an image this market does not accept",
                detail:
                    "image id \(Hex.encode(imageId)) is not among the market's \(familyImages.count) image(s)",
                hint: "Deploy the market's enclave image (the .eif from the Kalypso portal) and try again.",
                category: .refused)
        }
    }

    /// `keccak256(abi.encode(string tag, uint256 marketId))`: Gen A families use "gen", Gen B "prov" (spec §2.6.1).
    package static func familyId(tag: String, marketId: BigUInt) -> [UInt8] {
        Keccak256.hash((try? ABI.encode([.string, .uint256], [.string(tag), .uint(marketId)])) ?? [])
    }
}

/// The enclave's signature authorising an operator address (spec §2.6.2).
package enum EnclaveSignature {
    /// `keccak256(abi.encode(bytes attestationData, address operator))`, which the enclave personal_signs.
    package static func digest(attestation: [UInt8], operator operatorAddress: Address) -> [UInt8] {
        Keccak256.hash((try? ABI.encode([.bytes, .address], [.bytes(attestation), .address(operatorAddress)])) ?? [])
    }

    /// Checks `signature` is the enclave key's EIP-191 signature over ``digest(attestation:operator:)``, as
    /// `HELPER.VERIFY_ENCLAVE_SIGNATURE` will (else `InvalidEnclaveSignature(address)`).
    package static func check(
        _ signature: Signature, attestation: Attestation, blob: [UInt8], operator operatorAddress: Address
    ) throws(EnclaveError) {
        let signer: Address
        do {
            signer = try EIP191.recoverSigner(
                message: digest(attestation: blob, operator: operatorAddress), signature: signature)
        } catch {
            throw invalid("it does not recover to any key")
        }
        guard signer == attestation.enclaveAddress else {
            throw invalid(
                "it recovers to \(signer.checksummed), not to the attested enclave \(attestation.enclaveAddress.checksummed)"
            )
        }
    }

    static func invalid(_ why: String) -> EnclaveError {
        EnclaveError(
            .enclaveSignatureInvalid, title: "The enclave's signature does not authorise this operator",
            detail: "signAttestation: \(why)",
            hint:
                "The enclave may have restarted between the attestation and the signature: fetch a fresh attestation and sign again.",
            category: .refused)
    }
}

extension Address {
    /// The address of a 64-byte public key.
    init(uncheckedKeccakOf publicKey: [UInt8]) {
        // A 20-byte slice always makes an address; `.zero` is unreachable.
        self = Address(bytes: Array(Keccak256.hash(publicKey)[12...])) ?? .zero
    }
}

extension Hex {
    /// Decodes a hex literal written in our own source; an invalid literal is a programming error.
    static func bytes(_ literal: String) -> [UInt8] {
        guard let bytes = try? Hex.decode(literal) else { preconditionFailure("invalid hex literal \(literal)") }
        return bytes
    }
}
