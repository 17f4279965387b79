import ArgumentParser
import Basics
import BigInt
import EthereumKit
import Foundation
import KalypsoKit
import KalypsoStore

/// Where the cache is and whether to sync first: shared by `markets`, `jobs` and `stake`, which accept
/// every operator option (``OperatorOptions``) and `--refresh`.
struct CacheOptions: ParsableArguments {
    @OptionGroup var operatorOptions: OperatorOptions

    @Flag(help: "Sync from the chain before reading (from logStartBlock the first time, then from where it stopped).")
    var refresh = false

    var json: Bool { operatorOptions.json }

    /// Opens the cache (syncing first with `--refresh`) and finds the configured network's rows.
    func open() async throws -> CacheView {
        let (loaded, path) = try location()
        guard let view = try await CacheView.open(config: loaded, path: path, refresh: refresh) else {
            throw CacheEmptyError(path: path)
        }
        return view
    }
}

extension CacheOptions {
    /// The configuration and the cache file it uses (`--database`, else the network's default path).
    func location() throws -> (KalypsoConfig, String) { try operatorOptions.location() }
}

extension CacheView {
    /// The cache at `path` with the configured network's rows, synced first when `refresh`; nil when it has
    /// nothing for this network yet (no file, or never synced).
    static func open(config loaded: KalypsoConfig, path: String, refresh: Bool) async throws -> CacheView? {
        // Only a refresh writes; a plain read never takes the write lock (see ChainCache(readerPath:)).
        let cache = refresh ? ChainCache(database: try KalypsoDatabase(path: path)) : try ChainCache(readerPath: path)
        if refresh {
            try await ChainSync.make(config: loaded, cache: cache).run()
        }
        guard let id = try cache.existingNetworkId(for: try ChainSync.cacheKey(config: loaded)),
            let progress = try cache.progress(network: id).first
        else {
            return nil
        }
        return CacheView(cache: cache, network: id, config: loaded, progress: progress)
    }
}

/// An open cache and how fresh it is.
struct CacheView {
    let cache: ChainCache
    let network: Int64
    let config: KalypsoConfig
    let progress: SyncProgress

    /// How old the data is: the last indexed block, its chain time, and seconds since then and since the sync.
    func freshness(now: Date = Date()) -> [String: Any] {
        let t = now.timeIntervalSince1970
        return [
            "block": progress.lastBlock, "blockTime": progress.headTime,
            "ageSeconds": max(0, Int64(t) - progress.headTime), "headAtSync": progress.headBlock,
            "syncedAt": TxJSON.iso(Date(timeIntervalSince1970: progress.updatedAt)),
            "secondsSinceSync": max(0, Int64(t - progress.updatedAt)),
        ]
    }

    var freshnessLine: String {
        let f = freshness()
        let sinceSync = f["secondsSinceSync"] as? Int64 ?? 0
        // The hint only where it helps: right after a --refresh it would read as if nothing had synced.
        let age = f["ageSeconds"] as? Int64 ?? 0
        return "Data as of block \(progress.lastBlock) (\(HumanDuration.text(age)) old; synced "
            + "\(HumanDuration.text(sinceSync)) ago)."
            + (sinceSync > 60 ? " Add --refresh to sync first." : "")
    }

    var operatorAddress: String? { config.operatorAddress.map { Hex.encode($0.bytes) } }
}

/// The cache has nothing for the configured network yet.
struct CacheEmptyError: OperatorError {
    let path: String
    var code: ErrorCode { "cache.empty" }
    var title: String { "The local cache has no data for this network yet" }
    var detail: String { path }
    var hint: String { "Run the same command with --refresh to sync from the chain first." }
    var category: ErrorCategory { .usage }
}

/// Sums decimal amounts exactly.
func sumDecimal(_ values: [String]) -> BigUInt {
    values.reduce(BigUInt(0)) { $0 + (BigUInt($1, radix: 10) ?? 0) }
}

/// Pads a column for the human tables.
func pad(_ text: String, _ width: Int) -> String {
    text.count >= width ? text + " " : text.padding(toLength: width, withPad: " ", startingAt: 0)
}
