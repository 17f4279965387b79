import Basics
import BigInt
import EthereumKit
import Foundation
import KalypsoKit
import Testing

/// A chain double that answers `eth_call` by selector (what a deployment with or without a function does).
struct SelectorChain: OperatorChainReader {
    /// Selector (4 bytes hex, no 0x) → the outcome.
    let answers: [String: CallOutcome]

    func read(_ calls: [ContractRead]) async throws -> [CallOutcome] {
        calls.map { answers[Hex.encode($0.data.prefix(4), prefix: false)] ?? .reverted([]) }
    }
    func latestBlock() async throws -> RPCBlock { throw DoubleError() }
    func block(number: UInt64) async throws -> RPCBlock { throw DoubleError() }
    func logs(address: Address, topics: [[[UInt8]]?], fromBlock: UInt64) async throws -> [RPCLog] { [] }
    struct DoubleError: Error {}
}

/// Which `claimProverFeeReward` a Generation B deployment has, told by `eth_call` (spec §2.10): revert data
/// `0x5aa9184d` (NoRewardToClaim) or a success means it exists; an empty revert means it does not.
@Suite struct ClaimVariantTests {
    let reward = Address(bytes: [UInt8](repeating: 0, count: 18) + [0xbe, 0xef]) ?? .zero
    /// Selectors from spec §2.10 (not computed by our code).
    let byAddress = "ab483c68"
    let byCaller = "7587de01"
    let noReward = CallOutcome.reverted([0x5a, 0xa9, 0x18, 0x4d])

    func api(_ answers: [String: CallOutcome]) throws -> GenBOperator {
        var config = KalypsoConfig()
        config.generation = .b
        config.contracts.generatorRegistry = try Address("0x0000000000000000000000000000000000000001")
        config.contracts.proofMarketplace = try Address("0x0000000000000000000000000000000000000002")
        config.contracts.entityRegistry = try Address("0x0000000000000000000000000000000000000003")
        config.contracts.nativeStaking = try Address("0x0000000000000000000000000000000000000004")
        config.contracts.paymentToken = try Address("0x0000000000000000000000000000000000000005")
        return try GenBOperator(config: config, operator: reward, chain: SelectorChain(answers: answers))
    }

    @Test func arbitrumOneBuildHasTheAddressForm() async throws {
        #expect(try await api([byAddress: noReward]).claimVariant(rewardAddress: reward) == .forRewardAddress)
    }

    @Test func sdkBuildHasOnlyTheCallerForm() async throws {
        #expect(try await api([byCaller: noReward]).claimVariant(rewardAddress: reward) == .callerIsRewardAddress)
        // With something to claim the call succeeds: the function exists too.
        #expect(try await api([byCaller: .returned([])]).claimVariant(rewardAddress: reward) == .callerIsRewardAddress)
    }

    @Test func neitherFormIsNil() async throws {
        #expect(try await api([:]).claimVariant(rewardAddress: reward) == nil)
    }
}
