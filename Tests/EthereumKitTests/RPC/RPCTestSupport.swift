import BigInt
import EthereumKit
import Foundation
import TestSupport
import Testing

/// Small EVM programs for the client tests, written out by hand so no compiler is needed.
enum EVMCode {
    /// Runtime code that ends every call with `opcode` (0xf3 RETURN or 0xfd REVERT) and `payload` as data:
    /// PUSH2 len, PUSH2 15, PUSH1 0, CODECOPY, PUSH2 len, PUSH1 0, <opcode>, then the payload.
    static func ending(with opcode: UInt8, payload: [UInt8]) -> [UInt8] {
        let n = UInt16(payload.count)
        let len: [UInt8] = [UInt8(n >> 8), UInt8(n & 0xff)]
        return [0x61] + len + [0x61, 0x00, 0x0f, 0x60, 0x00, 0x39, 0x61] + len + [0x60, 0x00, opcode] + payload
    }

    static func returning(_ payload: [UInt8]) -> [UInt8] { ending(with: 0xf3, payload: payload) }
    static func reverting(_ payload: [UInt8]) -> [UInt8] { ending(with: 0xfd, payload: payload) }

    /// Runtime code that emits one LOG1 with `topic` and no data, then stops: PUSH32 topic, PUSH1 0,
    /// PUSH1 0, LOG1, STOP.
    static func logging(topic: [UInt8]) -> [UInt8] {
        [0x7f] + topic + [0x60, 0x00, 0x60, 0x00, 0xa1, 0x00]
    }
}

/// Raw hex helpers for expected values read straight from node JSON, independent of the client.
enum RawHex {
    static func uint64(_ s: String) throws -> UInt64 {
        try #require(s.hasPrefix("0x"))
        return try #require(UInt64(s.dropFirst(2), radix: 16))
    }

    static func big(_ s: String) throws -> BigUInt {
        try #require(s.hasPrefix("0x"))
        return try #require(BigUInt(String(s.dropFirst(2)), radix: 16))
    }

    static func bytes(_ s: String) throws -> [UInt8] {
        var out: [UInt8] = []
        var chars = Array(s.dropFirst(2).utf8)
        if chars.count % 2 == 1 { chars.insert(0x30, at: 0) }
        var i = 0
        while i < chars.count {
            out.append(try #require(UInt8(String(decoding: chars[i..<i + 2], as: UTF8.self), radix: 16)))
            i += 2
        }
        return out
    }

    static func object(_ json: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
    }
}

/// A transaction signed by eth-account (the reference library), not by our signer.
struct ReferenceSignedTransaction: Decodable {
    let raw: String
    let hash: String
    let from: String

    /// The eth-account docs' example key (address 0x2c7536E3605D9C16a7a3D7b1898e529396a65c23).
    static let testKey = "0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318"
    static let testAddress = "0x2c7536E3605D9C16a7a3D7b1898e529396a65c23"

    static func sign(
        key: String = testKey, chainId: UInt64 = 31337, nonce: UInt64, to: String, value: String = "1",
        gas: UInt64 = 21000, maxFee: String = "100000000000", maxPriority: String = "1000000000", data: String = "0x"
    ) async throws -> ReferenceSignedTransaction {
        try await offThePool {
            try Python.json(
                ReferenceSignedTransaction.self, script: "Tests/EthereumKitTests/reference/rpc_sign_tx.py",
                arguments: [key, "\(chainId)", "\(nonce)", to, value, "\(gas)", maxFee, maxPriority, data])
        }
    }
}

extension RPCRetryPolicy {
    /// Quick retries for tests (the faults are injected, not real congestion).
    static let fast = RPCRetryPolicy(maxAttempts: 5, initialBackoff: .milliseconds(20), maxBackoff: .milliseconds(200))
}

func makeClient(
    _ urls: [String], chainId: UInt64? = nil, retry: RPCRetryPolicy = .fast, attemptTimeout: Duration = .seconds(10),
    revertDecoder: (any RevertDecoding)? = nil
) throws -> JSONRPCClient {
    let transports: [any RPCTransport] = try urls.map { try #require(HTTPRPCTransport($0)) }
    return JSONRPCClient(
        transports: transports,
        options: JSONRPCClientOptions(expectedChainId: chainId, attemptTimeout: attemptTimeout, retry: retry),
        revertDecoder: revertDecoder)
}

/// Runs `body` and returns the ``RPCError`` it threw (a test failure if it did not throw one).
func rpcError<T>(_ body: () async throws -> T) async -> RPCError? {
    do {
        let value = try await body()
        Issue.record("expected an RPCError, got \(value)")
        return nil
    } catch let error as RPCError {
        return error
    } catch {
        Issue.record("expected an RPCError, got \(error)")
        return nil
    }
}
