import ArgumentParser
import Foundation
import KalypsoKit
import KalypsoStore

/// `markets`: every market with its prover and job counts and our operator's membership, from the cache.
struct MarketsCommand: AsyncParsableCommand, OperatorOptionsCommand {
    static let configuration = CommandConfiguration(
        commandName: "markets", abstract: "List markets, their provers and open jobs, and whether we have joined.")

    @OptionGroup var cacheOptions: CacheOptions

    func run() async throws {
        let view = try await cacheOptions.open()
        // Open as the contracts would say at the cached block: an ask past its expiry unassigned is not counted.
        let clock = DueTime(
            progress: view.progress, secondsPerBlock: 1, chainId: Int64(clamping: view.config.chainId ?? 0)
        ).clock
        let rows = try view.cache.marketsWithStatus(
            network: view.network, operator: view.operatorAddress, openAt: clock)
        if cacheOptions.json {
            let markets: [[String: Any]] = rows.map { r in
                let m = r.market
                var o: [String: Any] = [
                    "id": m.marketId, "verifier": m.verifier, "proverImageId": m.proverImageId,
                    "ivsImageId": m.ivsImageId, "creator": m.creator, "metadata": m.metadata,
                    "metadataIsJSON": m.metadataIsJSON, "private": m.isPrivate, "provers": m.proverCount,
                    "jobs": m.jobCount, "openJobs": m.openJobCount, "createdBlock": m.createdBlock,
                ]
                o["name"] = MarketMetadata.name(m.metadata) ?? NSNull()
                o["slashingPenalty"] = m.slashingPenalty ?? NSNull()
                o["activationBlock"] = m.activationBlock ?? NSNull()
                if let ours = r.ours {
                    o["ours"] =
                        [
                            "state": ours.state, "stateName": ours.stateWords,
                            "proofGenerationCost": ours.proofGenerationCost,
                            "proposedTime": ours.proposedTime, "activeRequests": ours.activeRequests,
                            "commission": ours.commission ?? NSNull(),
                        ] as [String: Any]
                } else {
                    o["ours"] = NSNull()
                }
                return o
            }
            print(try TxJSON.text(["data": view.freshness(), "markets": markets]))
            return
        }
        print(view.freshnessLine)
        let names = rows.map { MarketMetadata.name($0.market.metadata) ?? "-" }
        let nameWidth = min(30, max(6, (names.map(\.count).max() ?? 0) + 2))
        print(
            pad("ID", 5) + pad("NAME", nameWidth) + pad("KIND", 9) + pad("PROVERS", 9) + pad("OPEN", 7) + pad("JOBS", 7)
                + "OURS")
        for (r, name) in zip(rows, names) {
            let ours = r.ours?.stateWords ?? "-"
            print(
                pad(String(r.market.marketId), 5) + pad(String(name.prefix(nameWidth - 2)), nameWidth)
                    + pad(r.market.isPrivate ? "private" : "public", 9)
                    + pad(String(r.market.proverCount), 9) + pad(String(r.market.openJobCount), 7)
                    + pad(String(r.market.jobCount), 7) + ours)
        }
    }
}
