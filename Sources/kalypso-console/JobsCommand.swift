import ArgumentParser
import Foundation
import KalypsoKit
import KalypsoStore

/// `jobs`: the open jobs due soonest (ours with `--mine`), from the cache.
struct JobsCommand: AsyncParsableCommand, OperatorOptionsCommand {
    static let configuration = CommandConfiguration(
        commandName: "jobs", abstract: "List open jobs, the ones due soonest first.")

    @OptionGroup var cacheOptions: CacheOptions

    @Flag(help: "Only jobs assigned to the configured operator.")
    var mine = false

    @Option(help: "At most this many jobs.")
    var limit = 50

    func run() async throws {
        let view = try await cacheOptions.open()
        let prover = mine ? view.operatorAddress : nil
        if mine && prover == nil {
            throw TxUsageError(message: "--mine needs an operator address in the configuration")
        }
        // On Arbitrum the progress carries the L1 block number that Gen A deadlines count in (spec §6.3).
        // Off Arbitrum at the pace of the cache's recent blocks (no wall time when it cannot tell).
        let due = DueTime(
            progress: view.progress, recentBlocks: try view.cache.recentBlocks(network: view.network),
            chainId: Int64(clamping: view.config.chainId ?? 0))
        // Open as the contracts would say at the cached block: an ask past its expiry unassigned is expired.
        let jobs = try view.cache.jobsDueSoonest(
            network: view.network, prover: prover, limit: max(0, limit), openAt: due.clock)
        if cacheOptions.json {
            let rows: [[String: Any]] = jobs.map { j in
                var o: [String: Any] = [
                    "id": j.jobId, "marketId": j.marketId, "reward": j.reward, "expiry": j.expiry,
                    "deadline": j.deadline, "timeUnit": j.deadlineUnit, "dueAt": j.dueAt, "requester": j.requester,
                    "createdBlock": j.createdBlock, "createdTx": j.createdTx,
                ]
                // The state getBidState/getAskState would answer at the cached block (stored state otherwise).
                let state = JobState.of(j, at: due.clock)
                o["state"] = state?.rawValue ?? j.state
                o["stateName"] = state?.name ?? NSNull()
                o["prover"] = j.prover ?? NSNull()
                o["dueWallTime"] =
                    due.wallTime(j).map { TxJSON.iso(Date(timeIntervalSince1970: Double($0))) } ?? NSNull()
                o["assignedBlock"] = j.assignedBlock ?? NSNull()
                o["assignedTx"] = j.assignedTx ?? NSNull()
                return o
            }
            print(try TxJSON.text(["data": view.freshness(), "jobs": rows]))
            return
        }
        print(view.freshnessLine)
        guard !jobs.isEmpty else {
            print("No open jobs.")
            return
        }
        let tokens = await view.tokenInfo([view.paymentToken].compactMap { $0 })
        let now = max(Int64(Date().timeIntervalSince1970), view.progress.headTime)
        let rows = jobs.map { j in
            let when =
                due.wallTime(j).map { "\(MonitorEvent.iso($0)) (\(HumanFormat.relative($0 - now)))" }
                ?? "\(j.dueAt) \(j.deadlineUnit)s"
            return [
                String(j.jobId), String(j.marketId), when,
                HumanFormat.amount(j.reward, token: view.paymentToken, tokens: tokens),
                j.prover.map(HumanFormat.address) ?? "unassigned",
            ]
        }
        printTable(["ID", "MARKET", "DUE", "REWARD", "PROVER"], rows)
    }
}
