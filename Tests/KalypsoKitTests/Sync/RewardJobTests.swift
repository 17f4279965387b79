import BigInt
import EthereumKit
import Foundation
import KalypsoStore
import Testing

@testable import KalypsoKit

/// Generation B's `ProverFeeRewardAdded(prover, amount)` names no job: the sync credits it to the proof of its
/// transaction (the Jobs screen's "Earned" column), in order when a transaction proves several jobs and pays each,
/// and to no job when the counts disagree or the transaction is unknown.
struct RewardJobTests {
    typealias H = SyncHostileValuesTests
    static let prover = Address(bytes: [UInt8](repeating: 0x42, count: 20)) ?? .zero

    static func inTx(_ log: RPCLog, _ tx: UInt8?, _ index: UInt64) -> RPCLog {
        var l = log
        l.transactionHash = tx.map { [UInt8](repeating: $0, count: 32) }
        l.logIndex = index
        return l
    }

    static func proof(_ id: BigUInt, block: UInt64, tx: UInt8?, index: UInt64) throws -> RPCLog {
        inTx(try H.log("ProofCreated", [.uint(id), .bytes([1])], block: block), tx, index)
    }

    static func reward(_ amount: BigUInt, block: UInt64, tx: UInt8?, index: UInt64) throws -> RPCLog {
        inTx(try H.log("ProverFeeRewardAdded", [.address(prover), .uint(amount)], block: block), tx, index)
    }

    @Test func aRewardIsCreditedToTheProofOfItsTransaction() async throws {
        var chain = H.Chain(head: 20)
        chain.logs = [
            // One proof, its reward after it.
            try Self.proof(7, block: 3, tx: 1, index: 0), try Self.reward(70, block: 3, tx: 1, index: 1),
            // A batch proving two jobs and paying each: in order.
            try Self.reward(80, block: 5, tx: 2, index: 0), try Self.proof(8, block: 5, tx: 2, index: 1),
            try Self.reward(90, block: 5, tx: 2, index: 2), try Self.proof(9, block: 5, tx: 2, index: 3),
            // Two proofs, one reward: which job it pays is not known.
            try Self.proof(10, block: 6, tx: 3, index: 0), try Self.proof(11, block: 6, tx: 3, index: 1),
            try Self.reward(100, block: 6, tx: 3, index: 2),
            // No transaction hash: never paired.
            try Self.proof(12, block: 7, tx: nil, index: 0), try Self.reward(120, block: 7, tx: nil, index: 1),
        ]
        let (cache, network, result) = try await H.sync(chain)
        _ = try result.get()
        let events = try cache.earnings(network: network, address: Hex.encode(Self.prover.bytes))
        let byAmount = Dictionary(uniqueKeysWithValues: events.map { ($0.amount, $0.jobId) })
        #expect(byAmount["70"] == .some(7))
        #expect(byAmount["80"] == .some(8))
        #expect(byAmount["90"] == .some(9))
        #expect(byAmount["100"] == .some(nil))
        #expect(byAmount["120"] == .some(nil))
        #expect(events.count == 5)
    }
}
