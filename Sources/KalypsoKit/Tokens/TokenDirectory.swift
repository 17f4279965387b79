import BigInt
import EthereumKit
import Foundation

/// Token symbols and decimals read once per chain and token and kept in a small JSON file beside the cache
/// (they never change), so the human output of every later command labels amounts without a chain call.
public struct TokenDirectory: Sendable {
    public let path: String
    public let chainId: UInt64

    public init(path: String, chainId: UInt64) {
        self.path = path
        self.chainId = chainId
    }

    /// The file beside a cache database.
    public init(databasePath: String, chainId: UInt64) {
        self.init(path: databasePath + ".tokens.json", chainId: chainId)
    }

    /// What is known of `tokens`; the unknown ones are asked of the chain (when `client` is given) and kept.
    /// A token that does not answer stays unknown: its amounts are shown in base units, said so.
    public func info(for tokens: [Address], client: JSONRPCClient?) async -> [Address: TokenInfo] {
        let found = known(tokens)
        guard let client else { return found }
        let missing = Set(tokens).filter { found[$0] == nil }
        guard let learned = try? await learn(Array(missing), client: client) else { return found }
        return found.merging(learned.tokens) { kept, _ in kept }
    }

    /// What the file already has of `tokens` (no chain call).
    public func known(_ tokens: [Address]) -> [Address: TokenInfo] {
        let stored = load()
        var found: [Address: TokenInfo] = [:]
        for t in Set(tokens) { if let i = stored[key(t)] { found[t] = i } }
        return found
    }

    /// What the chain said of `tokens` (one batch of `symbol()` and `decimals()`).
    public struct Learned: Sendable {
        /// The tokens that answered, now kept in the file.
        public var tokens: [Address: TokenInfo]
        /// The tokens whose answer was an error or not a symbol and decimals.
        public var unanswered: [Address]
    }

    /// Asks the chain for `tokens` and keeps those that answer; the RPC's own failure (unreachable, timed out)
    /// is thrown as it came.
    public func learn(_ tokens: [Address], client: JSONRPCClient) async throws(RPCError) -> Learned {
        let missing = Array(Set(tokens)).sorted { $0.bytes.lexicographicallyPrecedes($1.bytes) }
        guard !missing.isEmpty else { return Learned(tokens: [:], unanswered: []) }
        let symbol = ABI.selector("symbol()")
        let decimals = ABI.selector("decimals()")
        let requests = missing.flatMap {
            [RPCCallRequest(to: $0, data: symbol), RPCCallRequest(to: $0, data: decimals)]
        }
        let answers = try await client.calls(requests)
        var stored = load()
        var learned = Learned(tokens: [:], unanswered: [])
        for (i, token) in missing.enumerated() {
            guard case .success(let s) = answers[2 * i], case .success(let d) = answers[2 * i + 1],
                let info = Self.decode(token, symbol: s, decimals: d)
            else {
                learned.unanswered.append(token)
                continue
            }
            learned.tokens[token] = info
            stored[key(token)] = info
        }
        if !learned.tokens.isEmpty { save(stored) }
        return learned
    }

    static func decode(_ token: Address, symbol: [UInt8], decimals: [UInt8]) -> TokenInfo? {
        guard case .uint(let d)? = try? ABI.decode(ABIType.uint(8), from: decimals), d <= 77 else {
            return nil
        }
        let text: String?
        if case .string(let s)? = try? ABI.decode(ABIType.string, from: symbol) {
            text = s
        } else if symbol.count == 32 {
            // Old tokens (MKR) return bytes32.
            text = String(decoding: symbol.prefix { $0 != 0 }, as: UTF8.self)
        } else {
            text = nil
        }
        guard let clean = text.flatMap(Self.sanitize) else { return nil }
        return TokenInfo(address: token, symbol: clean, decimals: Int(d))
    }

    /// A contract's `symbol()` is any string: keep ASCII letters, digits and `._-`, at most 16 characters, so a
    /// hostile token cannot put control characters or a fake unit on the operator's screen.
    static func sanitize(_ raw: String) -> String? {
        let kept = raw.unicodeScalars.filter {
            ($0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0)))
                || "._-".unicodeScalars.contains($0)
        }
        let text = String(String.UnicodeScalarView(kept.prefix(16)))
        return text.isEmpty ? nil : text
    }

    func key(_ token: Address) -> String { "\(chainId):\(Hex.encode(token.bytes))" }

    /// One token as the file keeps it.
    struct Stored: Codable {
        var symbol: String
        var decimals: Int
    }

    func load() -> [String: TokenInfo] {
        guard let data = FileManager.default.contents(atPath: path),
            let map = try? JSONDecoder().decode([String: Stored].self, from: data)
        else { return [:] }
        var out: [String: TokenInfo] = [:]
        for (k, v) in map {
            guard let hex = k.split(separator: ":").last, let address = try? Address(String(hex)),
                let symbol = Self.sanitize(v.symbol), (0...77).contains(v.decimals)
            else { continue }
            out[k] = TokenInfo(address: address, symbol: symbol, decimals: v.decimals)
        }
        return out
    }

    /// Written by rename, so a reader never sees half a file; a failure only means asking the chain again.
    func save(_ map: [String: TokenInfo]) {
        let stored = map.mapValues { Stored(symbol: $0.symbol, decimals: $0.decimals) }
        guard let data = try? JSONEncoder().encode(stored) else { return }
        let temporary = path + ".\(getpid()).tmp"
        guard FileManager.default.createFile(atPath: temporary, contents: data) else { return }
        if rename(temporary, path) != 0 { unlink(temporary) }
    }
}
