import BigInt
import KalypsoKit
import Testing

/// Fee arithmetic against values computed by hand from the rules (EIP-1559, geth's 10 % price bump,
/// Arbitrum's ignored tip of spec §6.3).
@Suite struct FeePolicyTests {
    let gwei: BigUInt = 1_000_000_000

    func history(base: [BigUInt], rewards: [BigUInt]) -> FeeHistory {
        FeeHistory(oldestBlock: 1, baseFeePerGas: base, reward: rewards.map { [$0] })
    }

    @Test func standardChainOffersTheMedianTipOnTwiceTheNextBaseFee() {
        let policy = FeePolicy(rules: .standard)
        // rewards 1, 3, 2 gwei → median 2 gwei; next base fee (last entry) 10 gwei → 2 × 10 + 2 = 22 gwei.
        let quote = policy.quote(
            history: history(base: [8 * gwei, 9 * gwei, 9 * gwei, 10 * gwei], rewards: [gwei, 3 * gwei, 2 * gwei]))
        #expect(quote == .eip1559(maxFeePerGas: 22 * gwei, maxPriorityFeePerGas: 2 * gwei))
        #expect(quote.ceilingPerGas == 22 * gwei)
    }

    @Test func emptyBlocksFallBackToOneGweiTip() {
        let policy = FeePolicy(rules: .standard)
        let quote = policy.quote(history: history(base: [7, 7, 7], rewards: [0, 0]))
        #expect(quote == .eip1559(maxFeePerGas: 14 + gwei, maxPriorityFeePerGas: gwei))
    }

    @Test func arbitrumPaysNoTip() {
        #expect(FeeRules.forChain(42161) == .arbitrum)
        #expect(FeeRules.forChain(421614) == .arbitrum)
        #expect(FeeRules.forChain(1) == .standard)
        #expect(FeeRules.forChain(31337) == .standard)
        let policy = FeePolicy(rules: .arbitrum)
        // 0.01 gwei base fee (Arbitrum One's floor) → tip 0, max fee 0.02 gwei.
        let quote = policy.quote(history: history(base: [10_000_000, 10_000_000], rewards: [5 * gwei]))
        #expect(quote == .eip1559(maxFeePerGas: 20_000_000, maxPriorityFeePerGas: 0))
    }

    @Test func aChainWithoutBaseFeeIsRecognised() {
        #expect(!FeePolicy.hasBaseFee(history(base: [0, 0, 0], rewards: [0, 0])))
        #expect(!FeePolicy.hasBaseFee(history(base: [], rewards: [])))
        #expect(FeePolicy.hasBaseFee(history(base: [0, 1], rewards: [0])))
    }

    @Test func gasMarginRoundsUp() {
        let policy = FeePolicy(rules: .standard)
        #expect(policy.gasLimit(forEstimate: 50_000) == 60_000)
        // 21 001 × 1.2 = 25 201.2 → 25 202
        #expect(policy.gasLimit(forEstimate: 21_001) == 25_202)
    }

    @Test func replacementBumpIsAtLeastGethsThreshold() {
        let policy = FeePolicy(rules: .standard)
        #expect(policy.bump(gwei) == 1_100_000_000)
        // geth accepts new ≥ old × 110 / 100 (integer division): 2 200 000 001; ours rounds up to 2 200 000 002.
        #expect(policy.bump(2_000_000_001) == 2_200_000_002)
        #expect(policy.bump(0) == 0)
    }

    @Test func replacementTakesTheHigherOfBumpAndMarket() {
        let policy = FeePolicy(rules: .standard)
        let old = FeeQuote.eip1559(maxFeePerGas: 22 * gwei, maxPriorityFeePerGas: 2 * gwei)
        // market tip 1.5 gwei < bumped 2.2; market max 30 gwei > bumped 24.2.
        let current = FeeQuote.eip1559(maxFeePerGas: 30 * gwei, maxPriorityFeePerGas: 1_500_000_000)
        #expect(
            policy.replacementQuote(old: old, current: current)
                == .eip1559(maxFeePerGas: 30 * gwei, maxPriorityFeePerGas: 2_200_000_000))
        // a quiet market: both fields from the bump.
        let quiet = FeeQuote.eip1559(maxFeePerGas: gwei, maxPriorityFeePerGas: 1)
        #expect(
            policy.replacementQuote(old: old, current: quiet)
                == .eip1559(maxFeePerGas: 24_200_000_000, maxPriorityFeePerGas: 2_200_000_000))
        #expect(
            policy.replacementQuote(old: .legacy(gasPrice: 3 * gwei), current: .legacy(gasPrice: 2 * gwei))
                == .legacy(gasPrice: 3_300_000_000))
    }
}
