import BigInt
import EthereumKit
import TestSupport
import Testing

@Suite struct TransactionTests {
    static let eip155Key = "0x" + String(repeating: "46", count: 32)

    static func eip155Example() throws -> LegacyTransaction {
        try LegacyTransaction(
            nonce: 9, gasPrice: BigUInt(20_000_000_000), gasLimit: 21000,
            to: try Address("0x3535353535353535353535353535353535353535"), value: BigUInt(10).power(18), data: [],
            chainId: 1)
    }

    /// The example transaction of EIP-155, every intermediate value as the EIP prints it.
    @Test func eip155Example() throws {
        let tx = try Self.eip155Example()
        #expect(
            tx.signingPayload.hexString
                == "0xec098504a817c800825208943535353535353535353535353535353535353535880de0b6b3a764000080018080")
        #expect(tx.signingHash.hexString == "0xdaf5a779ae972f972197303d7b574746c7ef83eadac0f2791ad23db92e4c8e53")
        let key = try PrivateKey(hex: Self.eip155Key)
        let signed = tx.sign(with: key)
        #expect(signed.v == 37)
        #expect(
            signed.signature.rValue
                == BigUInt("18515461264373351373200002665853028612451056578545711640558177340181847433846"))
        #expect(
            signed.signature.sValue
                == BigUInt("46948507304638947509940763649030358759909902576025900602547168820602576006531"))
        let raw =
            "0xf86c098504a817c800825208943535353535353535353535353535353535353535880de0b6b3a76400008025a028ef61340bd939bc2195fe537567866003e1a15d3c71ff63e1590620aa636276a067cbe9d8997f761aecb703304b3800ccf555c9f3dc64214b297fb1966a3b6d83"
        #expect(signed.rawHex == raw)
        let decoded = try SignedTransaction.decode(rawHex: raw)
        #expect(decoded == signed)
        #expect(try decoded.sender() == key.address)
        #expect(decoded.transaction.chainId == 1)
    }

    @Test func contractCreationAndTypedRoundTrip() throws {
        let key = try PrivateKey(hex: Self.eip155Key)
        let create = try EIP1559Transaction(
            chainId: 421_614, nonce: 0, maxPriorityFeePerGas: 0, maxFeePerGas: BigUInt(100_000_000),
            gasLimit: 3_000_000,
            to: nil, data: [0x60, 0x80, 0x60, 0x40],
            accessList: [AccessListEntry(address: key.address, storageKeys: [[UInt8](repeating: 1, count: 32)])])
        let signed = create.sign(with: key)
        #expect(signed.rawBytes.first == 0x02)
        let back = try SignedTransaction.decode(raw: signed.rawBytes)
        #expect(back == signed)
        #expect(back.transaction.to == nil)
        #expect(try back.sender() == key.address)
        #expect(back.hash == Keccak256.hash(signed.rawBytes))
        let type1 = try AccessListTransaction(
            chainId: 1, nonce: 3, gasPrice: 7, gasLimit: 21000, to: key.address, value: 1)
        let s1 = type1.sign(with: key)
        #expect(try SignedTransaction.decode(raw: s1.rawBytes) == s1)
        let preEIP155 = try LegacyTransaction(nonce: 0, gasPrice: 1, gasLimit: 1, to: key.address, chainId: nil)
        let s0 = preEIP155.sign(with: key)
        #expect(s0.v == 27 || s0.v == 28)
        #expect(try SignedTransaction.decode(raw: s0.rawBytes) == s0)
    }

    struct Case: Decodable {
        struct Entry: Decodable { let address: String; let storageKeys: [String] }
        let type: Int
        let key: String
        let fields: [String: String]
        let to: String?
        let data: String
        let accessList: [Entry]?
        let signingHash, raw, hash, v, r, s, sender: String
    }

    static func build(_ c: Case) throws -> UnsignedTransaction {
        func u(_ name: String) throws -> BigUInt {
            let text = try #require(c.fields[name])
            return try #require(BigUInt(text))
        }
        let to = try c.to.map { try Address($0) }
        let nonceText = try #require(c.fields["nonce"])
        let nonce = try #require(UInt64(nonceText))
        let access = try (c.accessList ?? []).map {
            AccessListEntry(address: try Address($0.address), storageKeys: $0.storageKeys.map { hex($0) })
        }
        switch c.type {
        case 0:
            return .legacy(
                try LegacyTransaction(
                    nonce: nonce, gasPrice: try u("gasPrice"), gasLimit: try u("gas"), to: to, value: try u("value"),
                    data: hex(c.data), chainId: c.fields["chainId"] == nil ? nil : try u("chainId")))
        case 1:
            return .accessList(
                try AccessListTransaction(
                    chainId: try u("chainId"), nonce: nonce, gasPrice: try u("gasPrice"), gasLimit: try u("gas"),
                    to: to,
                    value: try u("value"), data: hex(c.data), accessList: access))
        default:
            return .eip1559(
                try EIP1559Transaction(
                    chainId: try u("chainId"), nonce: nonce, maxPriorityFeePerGas: try u("maxPriorityFeePerGas"),
                    maxFeePerGas: try u("maxFeePerGas"), gasLimit: try u("gas"), to: to, value: try u("value"),
                    data: hex(c.data), accessList: access))
        }
    }

    /// 300 legacy, 300 type-2 and 100 type-1 transactions signed by eth-account 0.14 with random keys and
    /// fields (values up to 2^256-1, chain ids up to 2^256-1, contract creations, access lists): we match the
    /// signing hash, raw bytes, hash and v/r/s exactly, decode eth-account's raw bytes back to the same
    /// transaction and recover the same sender.
    @Test func randomTransactionsAgainstEthAccount() throws {
        let cases = try Python.json(
            [Case].self, script: "Tests/EthereumKitTests/reference/core_tx.py", arguments: ["5", "300", "300", "100"])
        #expect(cases.filter { $0.type == 0 }.count == 300)
        #expect(cases.filter { $0.type == 2 }.count == 300)
        #expect(cases.filter { $0.type == 1 }.count == 100)
        #expect(cases.contains { $0.to == nil && $0.type == 2 })
        var refusedNonces = 0
        for c in cases {
            // eth-account signs a nonce of 2^64-1; EIP-2681 (and geth) refuse it, so do we, both ways.
            if c.fields["nonce"] == String(UInt64.max) {
                #expect(throws: TransactionError.nonceTooLarge) { try Self.build(c) }
                #expect(throws: TransactionDecodingError.nonceTooLarge) { try SignedTransaction.decode(rawHex: c.raw) }
                refusedNonces += 1
                continue
            }
            let tx = try Self.build(c)
            let key = try PrivateKey(hex: c.key)
            #expect(tx.signingHash.hexString == c.signingHash)
            let signed = tx.sign(with: key)
            #expect(signed.rawHex == c.raw)
            #expect(signed.hash.hexString == c.hash)
            #expect(signed.v == BigUInt(c.v))
            #expect(signed.signature.rValue == BigUInt(c.r))
            #expect(signed.signature.sValue == BigUInt(c.s))
            let decoded = try SignedTransaction.decode(rawHex: c.raw)
            #expect(decoded == signed)
            #expect(try decoded.sender().checksummed == c.sender)
        }
        #expect(refusedNonces > 0, "the reference cases include the edge nonce 2^64-1")
    }

    /// EIP-2681: a transaction with nonce 2^64-1 or more cannot be built; 2^64-2 can.
    @Test func nonceLimitWhenBuilding() throws {
        let to = try Address("0x3535353535353535353535353535353535353535")
        #expect(throws: TransactionError.nonceTooLarge) {
            try LegacyTransaction(nonce: .max, gasPrice: 1, gasLimit: 21000, to: to, chainId: 1)
        }
        #expect(throws: TransactionError.nonceTooLarge) {
            try AccessListTransaction(chainId: 1, nonce: .max, gasPrice: 1, gasLimit: 21000, to: to)
        }
        #expect(throws: TransactionError.nonceTooLarge) {
            try EIP1559Transaction(
                chainId: 1, nonce: .max, maxPriorityFeePerGas: 0, maxFeePerGas: 1, gasLimit: 21000, to: to)
        }
        let highest = try EIP1559Transaction(
            chainId: 1, nonce: .max - 1, maxPriorityFeePerGas: 0, maxFeePerGas: 1, gasLimit: 21000, to: to)
        #expect(highest.nonce == 18_446_744_073_709_551_614)
    }

    @Test func malformedTransactionsAreRejected() throws {
        let key = try PrivateKey(hex: Self.eip155Key)
        let legacy = try Self.eip155Example().sign(with: key)
        let type2 = try EIP1559Transaction(
            chainId: 1, nonce: 1, maxPriorityFeePerGas: 1, maxFeePerGas: 2, gasLimit: 21000, to: key.address
        ).sign(with: key)
        func reject(_ raw: [UInt8], _ expected: TransactionDecodingError) {
            #expect(throws: expected, "\(raw.hexString)") { try SignedTransaction.decode(raw: raw) }
        }
        reject([], .empty)
        reject([0x03] + type2.rawBytes.dropFirst(), .unsupportedType(3))
        reject([0x7f, 0xc0], .unsupportedType(0x7f))
        reject([0x80], .notATransaction(firstByte: 0x80))
        reject(legacy.rawBytes + [0], .rlp(RLPError(position: 110, reason: .trailingBytes(count: 1))))
        reject(type2.rawBytes + [0], .rlp(RLPError(position: type2.rawBytes.count, reason: .trailingBytes(count: 1))))
        reject([0x02, 0x80], .notAList)
        reject([0x02] + RLP.encode(.list([.bytes([1])])), .wrongFieldCount(type: 2, expected: 12, found: 1))
        reject(RLP.encode(.list([])), .wrongFieldCount(type: 0, expected: 9, found: 0))
        // Re-encode the EIP-155 example with one field changed.
        let fields = try RLP.decode(legacy.rawBytes).listValue()
        func with(_ i: Int, _ item: RLPItem) -> [UInt8] {
            var f = fields
            f[i] = item
            return RLP.encode(.list(f))
        }
        reject(with(0, .bytes([0x00, 0x09])), .invalidField("nonce", .integerHasLeadingZero))
        reject(
            with(0, .bytes([UInt8](repeating: 1, count: 9))),
            .invalidField("nonce", .integerTooLarge(bytes: 9, maxBytes: 8)))
        // EIP-2681: 2^64-1 fits the field but is refused, as geth's ErrNonceMax; 2^64 does not fit at all.
        reject(with(0, .uint(UInt64.max)), .nonceTooLarge)
        reject(
            with(0, .bytes([1] + [UInt8](repeating: 0, count: 8))),
            .invalidField("nonce", .integerTooLarge(bytes: 9, maxBytes: 8)))
        #expect(try SignedTransaction.decode(raw: with(0, .uint(UInt64.max - 1))).transaction.nonce == UInt64.max - 1)
        reject(with(1, .bytes([0x00])), .invalidField("gasPrice", .integerHasLeadingZero))
        reject(
            with(4, .bytes([UInt8](repeating: 1, count: 33))),
            .invalidField("value", .integerTooLarge(bytes: 33, maxBytes: 32)))
        reject(with(2, .list([])), .invalidField("gasLimit", .expectedBytes))
        reject(with(3, .bytes([0x35, 0x35])), .invalidAddress(field: "to", length: 2))
        reject(with(6, .uint(30 as UInt)), .invalidV("30"))
        reject(with(6, .uint(0 as UInt)), .invalidV("0"))
        reject(with(7, .bytes([])), .invalidSignature(.rOutOfRange))
        let n = BigUInt("fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141", radix: 16) ?? 0
        reject(with(8, .uint(n - legacy.signature.sValue)), .invalidSignature(.highS))
        let t2 = try RLP.decode(type2.rawBytes.dropFirst()).listValue()
        func with2(_ i: Int, _ item: RLPItem) -> [UInt8] {
            var f = t2
            f[i] = item
            return [0x02] + RLP.encode(.list(f))
        }
        reject(with2(9, .uint(2 as UInt)), .invalidV("2"))
        reject(with2(9, .bytes([0x00])), .invalidField("yParity", .integerHasLeadingZero))
        reject(with2(8, .bytes([])), .invalidField("accessList", .expectedList))
        reject(with2(8, .list([.list([.bytes([1])])])), .invalidAccessListEntry(index: 0, fieldCount: 1))
        reject(
            with2(8, .list([.list([.bytes([1]), .list([])])])),
            .invalidAddress(field: "accessList[0].address", length: 1))
        reject(
            with2(8, .list([.list([.bytes(key.address.bytes), .list([.bytes([1, 2])])])])),
            .invalidStorageKey(entry: 0, key: 0, length: 2))
        #expect(throws: TransactionDecodingError.self) { try SignedTransaction.decode(rawHex: "0xf8zz") }
        #expect(
            TransactionDecodingError.invalidField("nonce", .integerHasLeadingZero).description
                == "Not a valid raw transaction: field nonce: non-canonical integer: it has a leading zero byte")
    }

    /// Every truncation and every single-bit flip of valid raw transactions is handled without a crash:
    /// truncations always fail, and a flipped transaction that still decodes re-encodes to the same bytes.
    @Test func allTruncationsAndBitFlips() throws {
        let key = try PrivateKey(hex: Self.eip155Key)
        let raws: [[UInt8]] = [
            try Self.eip155Example().sign(with: key).rawBytes,
            try EIP1559Transaction(
                chainId: 42161, nonce: 7, maxPriorityFeePerGas: 0, maxFeePerGas: 100, gasLimit: 500_000,
                to: key.address,
                value: 5, data: Array(0..<40),
                accessList: [AccessListEntry(address: key.address, storageKeys: [[UInt8](repeating: 9, count: 32)])]
            ).sign(with: key).rawBytes,
        ]
        var survived = 0
        for raw in raws {
            for cut in 0..<raw.count {
                #expect(throws: TransactionDecodingError.self) { try SignedTransaction.decode(raw: Array(raw[..<cut])) }
            }
            for i in 0..<raw.count {
                for bit in 0..<8 {
                    var flipped = raw
                    flipped[i] ^= 1 << bit
                    if let tx = try? SignedTransaction.decode(raw: flipped) {
                        #expect(tx.rawBytes == flipped)
                        survived += 1
                    }
                }
            }
        }
        #expect(survived > 0)  // flips inside data/values still form valid transactions
    }
}
