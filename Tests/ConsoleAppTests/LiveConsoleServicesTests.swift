import EthereumKit
import Foundation
import KalypsoKit
import KalypsoStore
import TerminalKitTesting
import TestSupport
import Testing

@testable import ConsoleApp
@testable import TerminalKit

/// The live services on a cache filled by hand, with an RPC endpoint that accepts connections and never
/// answers: the console's data comes from the cache at once, the chain details say they are loading and
/// give up within their short deadline, and what the cache keeps of them is shown without the chain.
@Suite struct LiveConsoleServicesTests {
    static let operatorHex = "0x70997970c51812dc3a010c7d01b50e0d17dc79c8"
    static let paymentToken = "0xe7f1725e7734ce288f8367e1bb143e90bb3f0512"
    static let stakeToken = "0x5fbdb2315678afecb367f032d93f642f64180aa3"

    /// The repository's devnet config with `rpc` as its only endpoint (and the given changes), parsed.
    static func config(rpc: String, _ change: (inout [String: Any]) -> Void = { _ in }) throws -> KalypsoConfig {
        let source = RepoPaths.path("kalypso-config.json")
        let data = try Data(contentsOf: URL(fileURLWithPath: source))
        guard var json = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw SilentListener.Failure(description: "\(source) is not a JSON object")
        }
        json["rpcHttp"] = rpc
        json["rpcWs"] = nil
        change(&json)
        let text = String(decoding: try JSONSerialization.data(withJSONObject: json), as: UTF8.self)
        return try ConfigParser.parse(text, file: source)
    }

    static func databasePath() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent(
            "console-live-\(getpid())-\(UUID().uuidString.prefix(8))/kalypso.sqlite"
        ).path
    }

    /// Three markets, jobs of ours in each, a stake in the stake token; the last indexed block is `head`.
    static func fill(_ path: String, config: KalypsoConfig, progress: SyncProgress, blocks: [CachedBlock] = [])
        throws
    {
        let cache = ChainCache(database: try KalypsoDatabase(path: path))
        let n = try cache.networkId(for: ChainSync.cacheKey(config: config))
        var w = CacheRangeWrite(
            fromBlock: 1, toBlock: progress.lastBlock, progress: progress, confirmationsWindow: 64)
        w.blocks = blocks
        w.markets = (1...3).map { id in
            CachedMarket(
                marketId: id, verifier: "0x00000000000000000000000000000000000000d1", proverImageId: "0x00",
                ivsImageId: "0x00", creator: operatorHex, metadata: "{\"name\":\"cached market \(id)\"}",
                metadataIsJSON: true, isPrivate: false, slashingPenalty: nil, activationBlock: nil, createdBlock: 2)
        }
        w.jobs = (1...9).map { i in
            let id = Int64(i)
            return CachedJob(
                jobId: id, marketId: 1 + id % 3, state: 3, reward: "2500000", expiry: progress.lastBlock + 500,
                timeForProof: 60, deadline: progress.lastBlock + 100 + id, deadlineUnit: "block",
                requester: stakeToken, prover: operatorHex, hasPrivateInputs: false, outcome: nil, createdBlock: 3,
                createdTx: "0xaa\(i)", assignedBlock: 4, assignedTx: nil, outcomeBlock: nil, outcomeTx: nil,
                refreshedBlock: 4)
        }
        w.stakeBalances = [
            CachedStakeBalance(
                token: stakeToken, prover: operatorHex, total: "1000000000000000000000", locked: "0",
                refreshedBlock: 4)
        ]
        try cache.apply(w, network: n)
    }

    static func progress(last: Int64 = 120, time: Int64, l1: Int64? = nil) -> SyncProgress {
        SyncProgress(
            contract: "proofMarketplace", startBlock: 1, lastBlock: last, lastHash: "0x01", headBlock: last,
            headTime: time, updatedAt: Date().timeIntervalSince1970, headL1Block: l1)
    }

    @Test func firstDataFrameComesFromTheCacheWhileTheRPCNeverAnswers() async throws {
        let silent = try SilentListener()
        defer { silent.close() }
        let config = try Self.config(rpc: silent.url)
        let path = Self.databasePath()
        let now = Int64(Date().timeIntervalSince1970)
        try Self.fill(path, config: config, progress: Self.progress(time: now - 3 * 3_600 - 90))
        let services = try LiveConsoleServices(
            config: config, databasePath: path, key: nil, operatorAddress: try Address(Self.operatorHex))

        // The real application on TerminalKit's loop: the first frame with data needs no chain call.
        let state = ConsoleState(
            network: services.network, keys: try ConsoleKeys.table(readOnly: true),
            initialScreen: try #require(ScreenRegistry.standard.index(named: "markets")), now: Date())
        let terminal = VirtualTerminal(size: Size(width: 120, height: 40))
        let runtime = TerminalRuntime(
            app: ConsoleApplication(state: state, services: services), terminal: terminal, clock: ManualClock())
        defer { runtime.finish() }
        let started = Date()
        // Generous for a loaded machine; without the fix this waited for the RPC's 10 s deadline, then failed.
        let giveUp = started.addingTimeInterval(120)
        while runtime.app.state.data == nil, Date() < giveUp {
            try runtime.step()
            try await Task.sleep(for: .milliseconds(5))
        }
        let data = try #require(runtime.app.state.data)
        try runtime.step()
        let screen = runtime.renderFrame().text()
        #expect(screen.contains("cached market 3"))
        #expect(screen.contains("block 120 · cache 3h"))
        #expect(screen.contains("Reading the payment token's symbol, the stake tokens' symbols, the staking"))
        #expect(data.paymentToken == ConsoleToken(symbol: "base units", decimals: 0))
        #expect(data.insights.stakeTokens[Self.stakeToken]?.symbol == "base units")
        #expect(data.insights.problem?.contains("being read from the chain") == true)
        #expect(data.ourJobs.count == 9)

        // The details' read gives up within its short deadline and says why; the snapshot says it too.
        let readStart = Date()
        await #expect(throws: (any Error).self) { _ = try await services.readChainDetails() }
        #expect(Date().timeIntervalSince(readStart) < 20, "the default RPC deadline is 30 s")
        let after = try await services.loadSnapshot()
        #expect(after.loadingProblem != nil)
        #expect(after.insights.problem?.hasPrefix("reading the staking pool's terms failed:") == true)
        #expect(after.markets.count == 3)
    }

    @Test func chainDetailsTheCacheKeepsNeedNoChain() async throws {
        let silent = try SilentListener()
        defer { silent.close() }
        let config = try Self.config(rpc: silent.url)
        let path = Self.databasePath()
        try Self.fill(path, config: config, progress: Self.progress(time: Int64(Date().timeIntervalSince1970)))
        // Kept by an earlier read: the token directory beside the cache and the staking pool's terms.
        let chainId = try #require(config.chainId)
        try """
        {"\(chainId):\(Self.paymentToken)": {"symbol": "USDC", "decimals": 6},
         "\(chainId):\(Self.stakeToken)": {"symbol": "POND", "decimals": 18}}
        """.write(toFile: path + ".tokens.json", atomically: true, encoding: .utf8)
        let cache = ChainCache(database: try KalypsoDatabase(path: path))
        let n = try cache.networkId(for: ChainSync.cacheKey(config: config))
        try cache.recordStakeTerms(
            CachedStakeTerms(amountToLock: [Self.stakeToken: "5000000000000000000"], withdrawalDuration: "86400"),
            network: n, readAt: 1)

        let services = try LiveConsoleServices(
            config: config, databasePath: path, key: nil, operatorAddress: try Address(Self.operatorHex))
        let data = try await services.loadSnapshot()
        #expect(data.loading.isEmpty)
        #expect(data.paymentToken == ConsoleToken(symbol: "USDC", decimals: 6))
        #expect(data.paymentToken.format(data.ourJobs[0].reward) == "2.5 USDC")
        #expect(data.insights.stakeTokens[Self.stakeToken]?.symbol == "POND")
        #expect(data.insights.amountToLock[Self.stakeToken] == 5_000_000_000_000_000_000)
        #expect(data.insights.withdrawalDuration == .seconds(86_400))
        #expect(data.insights.problem == nil)
        #expect(services.client.roundTrips == 0 && services.detailsClient.roundTrips == 0)
    }

    @Test func generationADeadlinesOnArbitrumCountL1BlocksOfTwelveSeconds() async throws {
        let silent = try SilentListener()
        defer { silent.close() }
        // Arbitrum One's chain id and Generation A: deadlines are L1 block numbers (spec §6.3).
        let config = try Self.config(rpc: silent.url) { json in
            json["chainId"] = 42161
            json["generation"] = "A"
        }
        let path = Self.databasePath()
        let now = Int64(Date().timeIntervalSince1970)
        // L2 block 120 was mined at L1 block 21,000,000.
        try Self.fill(path, config: config, progress: Self.progress(time: now, l1: 21_000_000))
        let services = try LiveConsoleServices(
            config: config, databasePath: path, key: nil, operatorAddress: try Address(Self.operatorHex))
        #expect(services.network.secondsPerBlock == 12)
        var data = try await services.loadSnapshot()
        #expect(data.secondsPerBlock == 12)
        // A job due at L1 block 21,000,010 is 10 L1 blocks (120 s) away, as `jobs` says (DueTime).
        var job = data.ourJobs[0]
        job.deadline = 21_000_010
        data.ourJobs = [job]
        let at = Date(timeIntervalSince1970: TimeInterval(now))
        #expect(ConsoleTime.secondsLeft(job, data: data, network: services.network, now: at) == 120)
        let due = DueTime(progress: try #require(data.progress), secondsPerBlock: 12, chainId: 42161)
        #expect(due.wallTime(job) == now + 120)
    }

    @Test func generationADeadlinesElsewhereUseThePaceOfTheCachedBlocks() async throws {
        let silent = try SilentListener()
        defer { silent.close() }
        let config = try Self.config(rpc: silent.url) { $0["generation"] = "A" }
        let path = Self.databasePath()
        let now = Int64(Date().timeIntervalSince1970)
        // Blocks 100…120, two seconds apart.
        let blocks = (0...10).map { i in
            CachedBlock(number: Int64(100 + 2 * i), hash: "0x0\(i)", timestamp: now - 40 + Int64(4 * i))
        }
        try Self.fill(path, config: config, progress: Self.progress(time: now), blocks: blocks)
        let services = try LiveConsoleServices(
            config: config, databasePath: path, key: nil, operatorAddress: try Address(Self.operatorHex))
        #expect(services.network.secondsPerBlock == 2)
        let data = try await services.loadSnapshot()
        #expect(data.secondsPerBlock == 2)
        // The first job is due at block 120 + 100 + id: 100 + id blocks of 2 s.
        let job = try #require(data.ourJobs.first)
        let at = Date(timeIntervalSince1970: TimeInterval(now))
        #expect(
            ConsoleTime.secondsLeft(job, data: data, network: services.network, now: at) == (job.dueAt - 120) * 2)
    }
}
