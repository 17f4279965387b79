import BigInt
import EthereumKit
import TestSupport
import Testing

@Suite struct SigningTests {
    // PLATFORM-NOTES key, checked there against eth-account: address and signature of keccak("hello").
    static let notesKey = "0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318"

    @Test func keyToAddress() throws {
        let key = try PrivateKey(hex: Self.notesKey)
        #expect(key.address.checksummed == "0x2c7536E3605D9C16a7a3D7b1898e529396a65c23")
        #expect(key.publicKey.raw.count == 64)
        #expect(key.publicKey.uncompressed.hexString.hasPrefix("0x044e3b81af"))
        #expect(key.publicKey.uncompressed.hexString.hasSuffix("277956de"))
        #expect(try PublicKey(bytes: key.publicKey.uncompressed) == key.publicKey)
        #expect(try PublicKey(bytes: key.publicKey.raw) == key.publicKey)
        #expect(try PublicKey(bytes: key.publicKey.compressed) == key.publicKey)
        // The EIP-155 example key 0x46…46.
        let k46 = try PrivateKey(bytes: [UInt8](repeating: 0x46, count: 32))
        #expect(k46.address.checksummed == "0x9d8A62f656a8d1615C1294fd71e9CFb3E4855A4F")
    }

    @Test func signHelloLikeEthAccount() throws {
        let key = try PrivateKey(hex: Self.notesKey)
        let digest = Keccak256.hash(utf8: "hello")
        let sig = try key.sign(digest: digest)
        #expect(sig.r.hexString.hasPrefix("0xbc81bfc0"))
        #expect(sig.r.hexString.hasSuffix("e215e633"))
        #expect(sig.s.hexString.hasPrefix("0x76cc1bfb"))
        #expect(sig.serialized.hexString.hasSuffix("b9b2f7b11c"))
        #expect(sig.yParity == 1 && sig.v == 28)
        #expect(try sig.recoverAddress(digest: digest) == key.address)
        #expect(try Secp256k1.recover(digest: digest, signature: sig) == key.address)
    }

    @Test func keyIsNeverShown() throws {
        let key = try PrivateKey(hex: Self.notesKey)
        let secret = "4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318"
        let shown = [
            key.description, key.debugDescription, String(describing: key), String(reflecting: key),
            "\(key)", "\([key])", "\(Optional(key) as Any)",
        ]
        var dumped = ""
        dump(key, to: &dumped)
        for text in shown + [dumped] {
            #expect(!text.lowercased().contains(secret))
            #expect(!text.lowercased().contains("4c0883a6"))
        }
        #expect(key.description == "PrivateKey(<redacted>, address 0x2c7536E3605D9C16a7a3D7b1898e529396a65c23)")
        #expect(Mirror(reflecting: key).children.map(\.label) == ["address"])
        let raw = key.withUnsafeKeyBytes { Array($0) }
        #expect(raw.hexString == Self.notesKey)
    }

    @Test func invalidKeysAreRejectedWithoutEchoingThem() {
        #expect(throws: KeyError.wrongLength(31)) { try PrivateKey(bytes: [UInt8](repeating: 1, count: 31)) }
        #expect(throws: KeyError.outOfRange) { try PrivateKey(bytes: [UInt8](repeating: 0, count: 32)) }
        let n = "fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141"
        #expect(throws: KeyError.outOfRange) { try PrivateKey(hex: n) }
        #expect(throws: KeyError.outOfRange) { try PrivateKey(hex: String(repeating: "f", count: 64)) }
        #expect(throws: Never.self) {
            _ = try PrivateKey(hex: "fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364140")
        }
        do {
            _ = try PrivateKey(hex: "0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f36231z")
            Issue.record("accepted a non-hex key")
        } catch {
            #expect(error == .invalidHex(position: 63))
            #expect(!error.description.contains("4c0883"))
            #expect(!error.description.contains("z"))
        }
        #expect(throws: KeyError.invalidPublicKey(length: 64)) {
            try PublicKey(bytes: [UInt8](repeating: 7, count: 64))
        }
        #expect(throws: KeyError.invalidPublicKey(length: 10)) {
            try PublicKey(bytes: [UInt8](repeating: 7, count: 10))
        }
    }

    @Test func randomKeysSignAndRecover() throws {
        for _ in 0..<20 {
            let key = PrivateKey.random()
            let digest = Keccak256.hash(Array(key.address.bytes))
            let sig = try key.sign(digest: digest)
            #expect(try sig.recoverAddress(digest: digest) == key.address)
            #expect(Secp256k1Helpers.isLowS(sig))
        }
        #expect(throws: SignatureError.digestLength(31)) {
            try PrivateKey.random().sign(digest: [UInt8](repeating: 0, count: 31))
        }
    }

    /// The shared libsecp256k1 context is used from many tasks at once (keys and signatures are Sendable).
    @Test func concurrentSigningOnTheSharedContext() async throws {
        let key = try PrivateKey(hex: Self.notesKey)
        let expected = try key.sign(digest: Keccak256.hash(utf8: "hello"))
        let mismatches = await withTaskGroup(of: Int.self) { group in
            for t in 0..<8 {
                group.addTask {
                    var bad = 0
                    for i in 0..<50 {
                        let digest = Keccak256.hash(utf8: "task \(t) message \(i)")
                        let sig = key.signPersonalMessage(digest)
                        if (try? EIP191.recoverSigner(message: digest, signature: sig)) != key.address { bad += 1 }
                        if (try? key.sign(digest: Keccak256.hash(utf8: "hello"))) != expected { bad += 1 }
                    }
                    return bad
                }
            }
            return await group.reduce(0, +)
        }
        #expect(mismatches == 0)
    }

    @Test func signatureParsing() throws {
        let key = try PrivateKey(hex: Self.notesKey)
        let digest = Keccak256.hash(utf8: "hello")
        let sig = try key.sign(digest: digest)
        var bytes = sig.serialized
        #expect(try Signature(serialized: bytes) == sig)
        bytes[64] = sig.yParity
        #expect(try Signature(serialized: bytes) == sig)
        #expect(try Signature(hex: sig.serialized.hexString) == sig)
        for badV: UInt8 in [2, 26, 29, 35, 37, 255] {
            bytes[64] = badV
            #expect(throws: SignatureError.invalidV(badV)) {
                try Signature(serialized: bytes)
            }
        }
        #expect(throws: SignatureError.wrongLength(64)) { try Signature(serialized: Array(sig.serialized.prefix(64))) }
        #expect(throws: SignatureError.wrongLength(66)) { try Signature(serialized: sig.serialized + [0]) }
        // The high-s twin (n - s, flipped parity) is valid ECDSA but rejected (EIP-2).
        let n = BigUInt("fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141", radix: 16) ?? 0
        let highS = (n - sig.sValue).bigEndianBytes(paddedTo: 32) ?? []
        #expect(throws: SignatureError.highS) { try Signature(serialized: sig.r + highS + [27]) }
        #expect(throws: SignatureError.rOutOfRange) {
            try Signature(serialized: [UInt8](repeating: 0, count: 32) + sig.s + [27])
        }
        #expect(throws: SignatureError.sOutOfRange) {
            try Signature(serialized: sig.r + [UInt8](repeating: 0, count: 32) + [27])
        }
        #expect(throws: SignatureError.rOutOfRange) { try Signature(serialized: n.bigEndianBytes + sig.s + [27]) }
        #expect(throws: SignatureError.self) { try Signature(hex: "0xzz") }
    }

    /// The Kalypso enclave signature (spec §2.6.2): personal_sign over keccak(abi.encode(bytes att, address op)),
    /// recovered like `HELPER.VERIFY_ENCLAVE_SIGNATURE`. abi.encode is assembled by hand per the spec's layout.
    @Test func enclaveSignatureIntegration() throws {
        let enclave = try PrivateKey(hex: "0x" + String(repeating: "ab", count: 32))
        let op = try Address("0x2c7536E3605D9C16a7a3D7b1898e529396a65c23")
        let attestation = (0..<704).map { UInt8(truncatingIfNeeded: $0 * 13) }
        func word(_ v: Int) -> [UInt8] { BigUInt(v).bigEndianBytes(paddedTo: 32) ?? [] }
        let encoded = word(0x40) + [UInt8](repeating: 0, count: 12) + op.bytes + word(attestation.count) + attestation
        #expect(encoded.count == 32 * 3 + 704)
        let digest = Keccak256.hash(encoded)
        let sig = enclave.signPersonalMessage(digest)
        let prefixed = Keccak256.hash(Array("\u{19}Ethereum Signed Message:\n32".utf8) + digest)
        #expect(EIP191.hash(message: digest) == prefixed)
        let recovered = try Secp256k1.recover(digest: prefixed, signature: sig)
        // The contract compares with address(keccak(enclavePubKey64)).
        let fromPubkey = try #require(Address(bytes: Array(Keccak256.hash(enclave.publicKey.raw)[12...])))
        #expect(recovered == fromPubkey)
        #expect(try EIP191.recoverSigner(message: digest, signature: sig) == enclave.address)
        // Signed for a different operator: recovers someone else.
        let other = [UInt8](repeating: 0, count: 12) + [UInt8](repeating: 0x11, count: 20)
        let wrongDigest = Keccak256.hash(word(0x40) + other + word(attestation.count) + attestation)
        #expect(try EIP191.recoverSigner(message: wrongDigest, signature: sig) != enclave.address)
    }

    static let attestationTypes: [String: [EIP712Field]] = [
        "EIP712Domain": [EIP712Field("name", "string"), EIP712Field("version", "string")],
        "Attestation": [
            EIP712Field("enclavePubKey", "bytes"), EIP712Field("PCR0", "bytes"), EIP712Field("PCR1", "bytes"),
            EIP712Field("PCR2", "bytes"), EIP712Field("timestampInMilliseconds", "uint256"),
        ],
    ]

    /// Spec §2.6.1 item 4: Marlin's AttestationVerifier domain separator and Attestation typehash.
    @Test func attestationEIP712() throws {
        let types: [String: [EIP712Field]] = [
            "EIP712Domain": [EIP712Field("name", "string"), EIP712Field("version", "string")],
            "Attestation": [
                EIP712Field("enclavePubKey", "bytes"), EIP712Field("PCR0", "bytes"), EIP712Field("PCR1", "bytes"),
                EIP712Field("PCR2", "bytes"), EIP712Field("timestampInMilliseconds", "uint256"),
            ],
        ]
        let key = try PrivateKey(hex: Self.notesKey)
        let pcr = { (b: UInt8) in [UInt8](repeating: b, count: 48) }
        let data = EIP712TypedData(
            types: types, primaryType: "Attestation",
            domain: ["name": .string("marlin.oyster.AttestationVerifier"), "version": .string("1")],
            message: [
                "enclavePubKey": .bytes(key.publicKey.raw), "PCR0": .bytes(pcr(0)), "PCR1": .bytes(pcr(1)),
                "PCR2": .bytes(pcr(2)), "timestampInMilliseconds": .uint(1_712_471_793_488),
            ])
        #expect(
            try data.domainSeparator().hexString == "0x0de834feb03c214f785e75b2828ffeceb322312d4487e2fb9640ca5fc32542c7"
        )
        #expect(
            try EIP712.typeHash("Attestation", types: types).hexString
                == "0x6889df476ca38f3f4b417c17eb496682eb401b4f41a2259741a78acc481ea805")
        // Without an explicit EIP712Domain type, the same domain type is derived.
        var derived = data
        derived.types["EIP712Domain"] = nil
        #expect(try derived.domainSeparator() == data.domainSeparator())
        // The contract's formula, written out.
        func word(_ v: BigUInt) -> [UInt8] { v.bigEndianBytes(paddedTo: 32) ?? [] }
        let structHash = Keccak256.hash(
            try EIP712.typeHash("Attestation", types: types) + Keccak256.hash(key.publicKey.raw)
                + Keccak256.hash(pcr(0)) + Keccak256.hash(pcr(1)) + Keccak256.hash(pcr(2)) + word(1_712_471_793_488))
        #expect(try data.structHash() == structHash)
        let sig = try key.sign(typedData: data)
        #expect(try data.recoverSigner(signature: sig) == key.address)
    }

    @Test func eip712Errors() {
        let types: [String: [EIP712Field]] = ["T": [EIP712Field("a", "uint8"), EIP712Field("b", "bytes4")]]
        func check(_ message: [String: EIP712Value], _ path: String, _ reasonPrefix: String) {
            let data = EIP712TypedData(types: types, primaryType: "T", domain: ["name": .string("x")], message: message)
            do {
                _ = try data.signingHash()
                Issue.record("accepted \(message)")
            } catch {
                #expect(error.path == path)
                #expect(error.reason.hasPrefix(reasonPrefix), "\(error.reason)")
            }
        }
        check(["a": .uint(256), "b": .bytes([1, 2, 3, 4])], "message.a", "the number does not fit uint8")
        check(["a": .string("-1"), "b": .bytes([1, 2, 3, 4])], "message.a", "the number does not fit uint8")
        check(["a": .string("12x"), "b": .bytes([1, 2, 3, 4])], "message.a", "not an integer")
        check(["a": .uint(1), "b": .bytes([1, 2, 3])], "message.b", "bytes4 needs exactly 4 bytes, found 3")
        check(["a": .uint(1)], "message.b", "missing value")
        check(["a": .uint(1), "b": .bytes([1, 2, 3, 4]), "c": .bool(true)], "message.c", "not a field of T")
        check(["a": .bool(true), "b": .bytes([1, 2, 3, 4])], "message.a", "expected an integer")
    }

    struct Reference: Decodable {
        struct Message: Decodable { let key, message, hash, signature, address: String }
        struct Hash: Decodable { let key, digest, signature, address: String }
        struct Field: Decodable { let name, type: String }
        struct Typed: Decodable {
            let key: String
            let types: [String: [Field]]
            let primaryType: String
            let domain: JSONValue
            let message: JSONValue
            let domainSeparator, structHash, digest, signature, address: String
        }
        struct Attestation: Decodable {
            let verifierKey, enclavePubKey, pcr0, pcr1, pcr2, timestamp, digest, signature, verifierAddress: String
        }
        let eip191: [Message]
        let hashes: [Hash]
        let eip712: [Typed]
        let attestations: [Attestation]
    }

    /// Random messages, digests and typed data signed by eth-account 0.14; we reproduce hashes and
    /// signatures byte for byte (RFC 6979 makes them deterministic) and recover the signer.
    @Test func randomCasesAgainstEthAccount() throws {
        let ref = try Python.json(
            Reference.self, script: "Tests/EthereumKitTests/reference/core_sign.py", arguments: ["11", "200", "120"])
        #expect(ref.eip191.count == 200 && ref.hashes.count == 200 && ref.eip712.count == 120)
        for c in ref.eip191 {
            let key = try PrivateKey(hex: c.key)
            #expect(key.address.checksummed == c.address)
            let message = hex(c.message)
            #expect(EIP191.hash(message: message).hexString == c.hash)
            let sig = key.signPersonalMessage(message)
            #expect(sig.serialized.hexString == c.signature)
            #expect(try EIP191.recoverSigner(message: message, signature: Signature(hex: c.signature)) == key.address)
        }
        for c in ref.hashes {
            let key = try PrivateKey(hex: c.key)
            let sig = try key.sign(digest: hex(c.digest))
            #expect(sig.serialized.hexString == c.signature)
            #expect(
                try Secp256k1.recover(digest: hex(c.digest), signature: Signature(hex: c.signature)).checksummed
                    == c.address)
        }
        for c in ref.eip712 {
            let key = try PrivateKey(hex: c.key)
            let data = EIP712TypedData(
                types: c.types.mapValues { $0.map { EIP712Field($0.name, $0.type) } }, primaryType: c.primaryType,
                domain: c.domain.eip712Object, message: c.message.eip712Object)
            #expect(try data.domainSeparator().hexString == c.domainSeparator)
            #expect(try data.structHash().hexString == c.structHash, "\(c.types) \(c.message)")
            #expect(try data.signingHash().hexString == c.digest)
            #expect(try key.sign(typedData: data).serialized.hexString == c.signature)
            #expect(try data.recoverSigner(signature: Signature(hex: c.signature)).checksummed == c.address)
        }
        #expect(ref.attestations.count == 20)
        for c in ref.attestations {
            let data = EIP712TypedData(
                types: Self.attestationTypes, primaryType: "Attestation",
                domain: ["name": .string("marlin.oyster.AttestationVerifier"), "version": .string("1")],
                message: [
                    "enclavePubKey": .bytes(hex(c.enclavePubKey)), "PCR0": .bytes(hex(c.pcr0)),
                    "PCR1": .bytes(hex(c.pcr1)), "PCR2": .bytes(hex(c.pcr2)),
                    "timestampInMilliseconds": .uint(try #require(BigUInt(c.timestamp))),
                ])
            #expect(try data.signingHash().hexString == c.digest)
            let verifier = try PrivateKey(hex: c.verifierKey)
            #expect(try verifier.sign(typedData: data).serialized.hexString == c.signature)
            #expect(try data.recoverSigner(signature: Signature(hex: c.signature)).checksummed == c.verifierAddress)
        }
    }
}

enum Secp256k1Helpers {
    static let halfOrder = BigUInt("7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a0", radix: 16) ?? 0
    static func isLowS(_ s: Signature) -> Bool { s.sValue <= halfOrder && s.sValue > 0 }
}

/// A signer that is not a `PrivateKey` (as a keystore or hardware wallet would be).
struct WrappedSigner: DigestSigner {
    let key: PrivateKey
    var address: Address { key.address }
    func sign(digest: [UInt8]) async throws -> Signature {
        await Task.yield()  // a real device or service answers later
        return try key.sign(digest: digest)
    }
}

/// A signer that fails with its own error, as a locked keystore or an unplugged device would.
struct FailingSigner: DigestSigner {
    struct DeviceError: Error, Equatable {}
    let address: Address
    func sign(digest: [UInt8]) async throws -> Signature { throw DeviceError() }
}

/// A signer that answers with another key's signature (the wrong device or keystore).
struct ImpostorSigner: DigestSigner {
    let address: Address
    let key: PrivateKey
    func sign(digest: [UInt8]) async throws -> Signature { try key.sign(digest: digest) }
}

@Suite struct DigestSignerTests {
    @Test func genericSignerMatchesPrivateKey() async throws {
        let key = try PrivateKey(hex: SigningTests.notesKey)
        let signer = WrappedSigner(key: key)
        let message = Array("kalypso".utf8)
        #expect(try await signer.signPersonalMessage(message) == key.signPersonalMessage(message))
        let tx = UnsignedTransaction.eip1559(
            try EIP1559Transaction(
                chainId: 42161, nonce: 1, maxPriorityFeePerGas: 0, maxFeePerGas: 10, gasLimit: 21000, to: key.address))
        #expect(try await tx.sign(with: signer) == tx.sign(with: key))
        await #expect(throws: SignatureError.digestLength(3)) { try await signer.sign(digest: [1, 2, 3]) }
    }

    /// The seam passes a signer's own failure through unchanged (not squeezed into SignatureError).
    @Test func signerFailuresPassThrough() async throws {
        let key = try PrivateKey(hex: SigningTests.notesKey)
        let tx = UnsignedTransaction.eip1559(
            try EIP1559Transaction(
                chainId: 1, nonce: 0, maxPriorityFeePerGas: 0, maxFeePerGas: 1, gasLimit: 21000, to: key.address))
        await #expect(throws: FailingSigner.DeviceError()) {
            try await tx.sign(with: FailingSigner(address: key.address))
        }
    }

    /// A signature from another key than the signer's address is refused before it can be sent.
    @Test func signatureOfAnotherKeyIsRefused() async throws {
        let key = try PrivateKey(hex: SigningTests.notesKey)
        let other = PrivateKey.random()
        let tx = UnsignedTransaction.eip1559(
            try EIP1559Transaction(
                chainId: 1, nonce: 0, maxPriorityFeePerGas: 0, maxFeePerGas: 1, gasLimit: 21000, to: key.address))
        await #expect(throws: SignatureError.signerMismatch) {
            try await tx.sign(with: ImpostorSigner(address: key.address, key: other))
        }
        await #expect(throws: SignatureError.signerMismatch) {
            try await ImpostorSigner(address: key.address, key: other).signPersonalMessage([1, 2, 3])
        }
    }
}
