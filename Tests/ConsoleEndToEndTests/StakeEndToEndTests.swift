import Foundation
import TerminalKitTesting
import TestSupport
import Testing

/// The Stake screen's write on the suite's devnet (one devnet for the suite): stake through the review
/// with the keys only, and the chain's own getter says the stake grew by exactly that.
extension ConsoleDevnetEndToEndTests {
    /// `NativeStaking.getProverStakeAmount(token, prover)` (spec §3.3 selector 0x189d28c2) with the test's own
    /// eth_call, in base units.
    static func proverStake(_ net: DevnetNetwork, token: String) async throws -> Decimal? {
        func word(_ address: String) -> String {
            let hex = address.lowercased().replacingOccurrences(of: "0x", with: "")
            return String(repeating: "0", count: 64 - hex.count) + hex
        }
        let data = "0x189d28c2" + word(token) + word(net.operatorAddress)
        let result = try await net.rpc.callString(
            "eth_call", [["to": try net.contract("nativeStaking"), "data": data], "latest"])
        let hex = result.hasPrefix("0x") ? String(result.dropFirst(2)) : result
        // Exact for any uint256: hex digits folded into a Decimal (38 significant digits is plenty here).
        return hex.reduce(Decimal(0)) { acc, c in c.hexDigitValue.map { acc * 16 + Decimal($0) } ?? acc }
    }

    @Test func stakesFromTheStakeScreenThroughTheReview() async throws {
        let net = try await Self.devnet.get()
        let pond = try net.contract("stakingToken")
        let before = try #require(try await Self.proverStake(net, token: pond))
        let tm = try Self.start(net, "--key-file " + Tmux.quote(net.operatorKeyFile))
        defer { tm.close() }
        try tm.send("4")
        try tm.waitForAll(["[4 Stake]", "Stake per token", "POND"], timeout: .seconds(60))
        try tm.send("a")
        try tm.waitFor(text: "Stake how many POND?")
        try tm.type("2.5")
        try tm.send("Enter")
        // The review (approval and stake) with the focus on Cancel; then Send.
        var screen = try tm.waitFor(text: "Send", timeout: .seconds(60))
        #expect(screen.contains("Stake 2.5 POND"))
        try tm.send("Right")
        try tm.send("Enter")
        screen = try tm.waitFor(text: "Stake 2.5 POND: sent 0x", timeout: .seconds(120))
        let after = try #require(try await Self.proverStake(net, token: pond))
        #expect(after - before == Decimal(string: "2500000000000000000"))
        try tm.send("q")
        try tm.waitForExit()
    }
}
