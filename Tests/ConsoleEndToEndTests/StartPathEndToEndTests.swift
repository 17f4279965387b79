import Foundation
import KalypsoKit
import KalypsoStore
import TerminalKitTesting
import TestSupport
import Testing

/// The real binary under tmux on a warm cache with an RPC endpoint that accepts connections and never
/// answers (a node that hangs, a blackholed link): the cached markets are on screen at once, the status line
/// says what is still being read from the chain, and the console quits normally.
@Suite struct StartPathEndToEndTests {
    static let utf8 = ["LANG": "C.UTF-8", "TERM": "xterm-256color"]

    /// The repository's devnet config with `rpc` as its only endpoint, written to `path`.
    static func writeConfig(rpc: String, to path: String) throws -> KalypsoConfig {
        let source = RepoPaths.path("kalypso-config.json")
        guard
            var json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: source)))
                as? [String: Any]
        else { throw SilentListener.Failure(description: "\(source) is not a JSON object") }
        json["rpcHttp"] = rpc
        json["rpcWs"] = nil
        let data = try JSONSerialization.data(withJSONObject: json, options: [.prettyPrinted])
        try data.write(to: URL(fileURLWithPath: path))
        return try ConfigParser.parse(String(decoding: data, as: UTF8.self), file: path)
    }

    @Test func showsTheCachedMarketsWithADeadRPC() throws {
        let silent = try SilentListener()
        defer { silent.close() }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "startpath-e2e-\(getpid())-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let configPath = folder.appendingPathComponent("kalypso-config.json").path
        let database = folder.appendingPathComponent("kalypso.sqlite").path
        let config = try Self.writeConfig(rpc: silent.url, to: configPath)

        // A warm cache: four markets named in their metadata, indexed up to block 777 two hours ago.
        let cache = ChainCache(database: try KalypsoDatabase(path: database))
        let n = try cache.networkId(for: ChainSync.cacheKey(config: config))
        let headTime = Int64(Date().timeIntervalSince1970) - 2 * 3_600 - 90
        var w = CacheRangeWrite(
            fromBlock: 1, toBlock: 777,
            progress: SyncProgress(
                contract: "proofMarketplace", startBlock: 1, lastBlock: 777, lastHash: "0x01", headBlock: 777,
                headTime: headTime, updatedAt: Date().timeIntervalSince1970),
            confirmationsWindow: 64)
        w.markets = (1...4).map { id in
            CachedMarket(
                marketId: id, verifier: "0x00000000000000000000000000000000000000d1", proverImageId: "0x00",
                ivsImageId: "0x00", creator: "0x00000000000000000000000000000000000000b2",
                metadata: "{\"name\":\"offline market \(id)\"}", metadataIsJSON: true, isPrivate: false,
                slashingPenalty: nil, activationBlock: nil, createdBlock: 2)
        }
        try cache.apply(w, network: n)

        let command =
            Tmux.quote(RepoPaths.consoleBinary) + " --config " + Tmux.quote(configPath) + " --database "
            + Tmux.quote(database) + " --read-only"
        let tm = try Tmux(command: command, cols: 120, rows: 40, env: Self.utf8, unset: ["KALYPSO_PRIVATE_KEY"])
        defer { tm.close() }
        // Process start to the cached rows: no chain call stands before them. Without the fix nothing came
        // for as long as the RPC did not answer; the bound is generous for a loaded machine, and far below the
        // RPC's own 30 s deadline.
        let started = Date()
        let screen = try tm.waitFor(text: "offline market 4", timeout: .seconds(20))
        let elapsed = Date().timeIntervalSince(started)
        #expect(elapsed < 20)
        #expect(screen.contains("offline market 1"))
        #expect(screen.contains("block 777 · cache 2h"))
        #expect(screen.contains("[RO]"))
        // The token details cannot come: the status line says what is missing (being read, then failed).
        try tm.waitFor("the chain details' status") { $0.contains("the payment token's symbol, the staking pool") }
        try tm.waitFor("the failed read", timeout: .seconds(30)) { $0.contains("Could not read the payment token") }
        try tm.send("q")
        try tm.waitForExit()
    }
}
