import EthereumKit
import Foundation
import Testing

@testable import KalypsoKit
@testable import kalypso_console

/// The lines of `status` as an operator reads them on a Generation A devnet prover (walked by hand).
@Suite struct StatusLinesTests {
    static let usdc = TokenInfo(address: .zero, symbol: "USDC", decimals: 6)

    static func membership() -> MarketMembership {
        MarketMembership(
            marketId: 0, state: .joined, computePerRequest: 4, proofCost: 2_000_000, proposedTime: .blocks(12),
            commission: nil, activeRequests: 0, enclaveKey: [UInt8](repeating: 7, count: 64))
    }

    @Test func theProofCostIsInThePaymentToken() {
        // generatorInfoPerMarket's proofGenerationCost 2000000 of a 6-decimal token: 2 USDC, not "2000000".
        let clock = ChainClock(contractBlockNumber: 100, nodeBlockNumber: 100, timestamp: 0, secondsPerBlock: nil)
        let line = StatusCommand.membershipLine(Self.membership(), clock: clock, payment: Self.usdc)
        #expect(line.contains("proof cost 2 USDC,"), "\(line)")
        #expect(!line.contains("2000000"))
        #expect(line.hasSuffix("key on chain: yes"))
        // Without the token (no joined market needs it) the unit is still said.
        let bare = StatusCommand.membershipLine(Self.membership(), clock: clock, payment: nil)
        #expect(bare.contains("proof cost 2000000 base units,"))
    }

    @Test func anEnclaveRunningNothingSaysNone() {
        let idle: [String: Any] = ["reachable": true, "address": "0xE", "configured": false, "programs": [String]()]
        #expect(
            StatusCommand.enclaveLine(idle)
                == "Enclave: reachable, key address 0xE, configured: no, programs running: none")
        let busy: [String: Any] = [
            "reachable": true, "address": "0xE", "configured": true, "programs": ["listener", "prover"],
        ]
        #expect(StatusCommand.enclaveLine(busy).hasSuffix("configured: yes, programs running: listener, prover"))
        #expect(
            StatusCommand.enclaveLine(["reachable": false, "reason": "timed out"]) == "Enclave: unreachable (timed out)"
        )
    }
}
