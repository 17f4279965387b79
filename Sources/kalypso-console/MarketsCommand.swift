import ArgumentParser
import ConsoleApp
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
        let lines = rows.map { r in
            MarketLine(
                id: r.market.marketId, name: ConsoleFormat.marketName(r.market), isPrivate: r.market.isPrivate,
                provers: r.market.proverCount, open: r.market.openJobCount, jobs: r.market.jobCount,
                ours: r.ours?.stateWords ?? "-")
        }
        for line in Self.table(lines) { print(line) }
    }

    /// One market as the table prints it.
    struct MarketLine {
        var id: Int64
        /// The metadata's zkAppName (spec §3.1), else "market N", as the console's Markets screen names it.
        var name: String
        var isPrivate: Bool
        var provers: Int64
        var open: Int64
        var jobs: Int64
        var ours: String
    }

    /// The table with a NAME column as wide as the longest name (a newcomer saw only ids and kinds).
    static func table(_ lines: [MarketLine]) -> [String] {
        let nameWidth = max(6, (lines.map(\.name.count).max() ?? 0) + 2)
        let header =
            pad("ID", 5) + pad("NAME", nameWidth) + pad("KIND", 9) + pad("PROVERS", 9) + pad("OPEN", 7)
            + pad("JOBS", 7) + "OURS"
        return [header]
            + lines.map { l in
                pad(String(l.id), 5) + pad(l.name, nameWidth) + pad(l.isPrivate ? "private" : "public", 9)
                    + pad(String(l.provers), 9) + pad(String(l.open), 7) + pad(String(l.jobs), 7) + l.ours
            }
    }
}
