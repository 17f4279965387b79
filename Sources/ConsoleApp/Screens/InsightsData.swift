import Basics
import BigInt
import EthereumKit
import Foundation
import KalypsoKit
import KalypsoStore
import TerminalKit

/// What the Stake, Benchmarks and Profitability screens read besides the rest of the snapshot: stake
/// events and the staking pool's terms, benchmark runs, recent asks per market and the blocks that give
/// the pace of the chain.
public struct InsightsData: Sendable, Hashable {
    /// Our prover's stake events, in chain order.
    public var stakeEvents: [CachedStakeEvent]
    /// How to show each stake token (lowercase 0x address → token).
    public var stakeTokens: [String: TokenInfo]
    /// Generation B `NativeStaking.amountToLock(token)`: stake locked per job, per token.
    public var amountToLock: [String: BigUInt]
    /// Generation B `NativeStaking.withdrawalDuration()`, in seconds.
    public var withdrawalDuration: ChainTime?
    /// Every benchmark on this network, oldest first.
    public var benchmarkRuns: [BenchmarkRun]
    /// The blocks the cache remembers (their times give the chain's pace).
    public var recentBlocks: [CachedBlock]
    /// Each market's recent jobs (asks), newest first.
    public var recentAsks: [Int64: [CachedJob]]
    /// Generation A: our unstake waiting for its second step, per stake token (lowercase 0x address), read
    /// from the registry's getters at load (the cache's events do not carry it).
    public var pendingReductions: [String: PendingReduction]
    /// A chain read that failed (the staking terms), in words; the screens show it beside what they have.
    public var problem: String?

    public init(
        stakeEvents: [CachedStakeEvent] = [], stakeTokens: [String: TokenInfo] = [:],
        amountToLock: [String: BigUInt] = [:], withdrawalDuration: ChainTime? = nil,
        benchmarkRuns: [BenchmarkRun] = [], recentBlocks: [CachedBlock] = [], recentAsks: [Int64: [CachedJob]] = [:],
        pendingReductions: [String: PendingReduction] = [:], problem: String? = nil
    ) {
        self.pendingReductions = pendingReductions
        self.stakeEvents = stakeEvents
        self.stakeTokens = stakeTokens
        self.amountToLock = amountToLock
        self.withdrawalDuration = withdrawalDuration
        self.benchmarkRuns = benchmarkRuns
        self.recentBlocks = recentBlocks
        self.recentAsks = recentAsks
        self.problem = problem
    }
}

/// Chain time as the screens compute it from a snapshot.
enum InsightsClock {
    /// The contracts' clock at the cache's head (Generation A's `block.number` is the node's block off
    /// Arbitrum; the network's seconds per block say otherwise).
    static func clock(_ data: ConsoleSnapshot, _ network: ConsoleNetwork) -> ChainClock {
        let head = data.progress
        return ChainClock(
            // On Arbitrum Generation A's `block.number` is the L1 block the progress carries (spec §6.3).
            contractBlockNumber: UInt64(max(0, head?.headL1Block ?? head?.headBlock ?? 0)),
            nodeBlockNumber: UInt64(max(0, head?.headBlock ?? 0)), timestamp: UInt64(max(0, head?.headTime ?? 0)),
            secondsPerBlock: network.secondsPerBlock.map { UInt64(max(0, $0)) })
    }

    /// The market's time unit and pace.
    static func scale(_ data: ConsoleSnapshot, _ network: ConsoleNetwork) -> ContractTimeScale? {
        network.timeUnit == "block"
            ? ContractTimeScale.blocks(
                clock: network.secondsPerBlock == nil ? nil : clock(data, network),
                recentBlocks: data.insights.recentBlocks)
            : .seconds
    }

    static func generation(_ network: ConsoleNetwork) -> Generation { network.generation == "A" ? .a : .b }
}

extension LiveConsoleServices {
    /// How many recent jobs per market the profitability figures read.
    static let recentAskLimit = 500

    /// The insight screens' part of a snapshot, from the cache only (the staking pool's terms are added by
    /// ``ChainDetails``).
    func loadInsights(network n: Int64, markets: [MarketSummary], stake: ConsoleToken?, stakeEvents: [CachedStakeEvent])
        throws -> InsightsData
    {
        var data = InsightsData()
        data.benchmarkRuns = try cache.benchmarkRuns(network: n)
        data.recentBlocks = try cache.recentBlocks(network: n)
        for m in markets {
            data.recentAsks[m.market.marketId] = try cache.jobs(
                network: n, marketId: m.market.marketId, limit: Self.recentAskLimit)
        }
        data.stakeEvents = stakeEvents
        if config.generation == .a, let s = config.contracts.stakingToken, let stake {
            data.stakeTokens[Hex.encode(s.bytes)] = TokenInfo(
                address: s, symbol: stake.symbol, decimals: stake.decimals)
        }
        return data
    }

    /// Generation A's pending unstake: the registry keeps it as a utilisation below 1e18 and the request's
    /// block in a log, which the operator API reads as the headless `unstake`/`withdraw` do (no key
    /// needed: read-only sessions see it too). Read after each sync (never before the first frame) and kept
    /// for the snapshots; a failed read is said on the screen, never taken as none.
    func readPendingUnstake() async {
        guard config.generation == .a, let me = operatorAddress else { return }
        do {
            let api = try GenAOperator(config: config, operator: me, chain: RPCOperatorChain(client: client))
            var found: [String: PendingReduction] = [:]
            for position in try await api.snapshot(markets: []).stakes {
                guard let r = position.pendingReduction else { continue }
                found[Hex.encode(position.token.address.bytes)] = r
            }
            pendingUnstake.withLock { $0 = (found, nil) }
        } catch {
            let problem = "reading a pending unstake from the registry failed: \(ErrorReport(error).title)"
            pendingUnstake.withLock { $0 = ($0?.found ?? [:], problem) }
        }
    }

    /// What the last ``readPendingUnstake()`` found, into the insights (nothing before the first read).
    func addPendingUnstake(to data: inout InsightsData) {
        guard let last = pendingUnstake.withLock({ $0 }) else { return }
        data.pendingReductions = last.found
        if let problem = last.problem { data.problem = problem }
    }

    /// Runs the enclave's benchmark for a market (spec §2.3) and records it in the cache under the
    /// enclave's key address, as onboarding does.
    public func benchmark(marketId: Int64) async throws -> Int64 {
        guard let endpoints = config.generatorEnclave, let control = endpoints.url?.url,
            let utility = endpoints.utilityUrl?.url
        else {
            throw BenchmarkUnavailable(reason: "the configuration has no generatorEnclave url and utilityUrl")
        }
        let verifier = config.attestationVerifierEndPoint?.url ?? utility
        let client = EnclaveClient(
            endpoints: EnclaveServiceURLs(generator: control, attestation: utility, verifier: verifier),
            transport: URLSessionEnclaveTransport())
        let result = try await client.benchmark(marketId: BigUInt(max(0, marketId)))
        let enclave: String
        if let key = endpoints.enclavePubkey, key.count == 64 {
            enclave = Hex.encode(Array(Keccak256.hash(key)[12...]))
        } else {
            let key = try await client.enclaveKey()
            enclave = Hex.encode(key.address.bytes)
        }
        let n = try cache.networkId(for: ChainSync.cacheKey(config: config))
        let ms = Int64(clamping: result.milliseconds)
        try cache.recordBenchmark(
            BenchmarkRun(enclave: enclave, marketId: marketId, milliseconds: ms, at: Date().timeIntervalSince1970),
            network: n)
        return ms
    }
}

/// The console cannot run a benchmark on this configuration.
public struct BenchmarkUnavailable: OperatorError {
    public let reason: String
    public var code: ErrorCode { "console.benchmarkUnavailable" }
    public var title: String { "The benchmark cannot run" }
    public var detail: String { reason }
    public var hint: String { "Set generatorEnclave.url and utilityUrl in kalypso-config.json (spec §1)." }
    public var category: ErrorCategory { .refused }
}

extension FixedConsoleServices {
    /// Fixed data has no enclave.
    public func benchmark(marketId: Int64) async throws -> Int64 {
        throw BenchmarkUnavailable(reason: "fixed test data: there is no enclave to benchmark")
    }
}

/// Lines of text drawn in a box, each with a role; long lines wrap (identifiers are never cut).
struct InsightLines {
    var lines: [(String, Role)]

    func render(into frame: inout Frame, area: Rect, context: RenderContext) {
        var y = area.y
        for (text, role) in lines where y < area.maxY {
            for part in TextFit.wrap(context.displayable(text), width: max(1, area.width)) where y < area.maxY {
                _ = frame.write(part, x: area.x, y: y, style: context.style(role), clip: area)
                y += 1
            }
        }
    }

    /// The inputs of a figure, one per line: "label: value (source)".
    static func inputs(_ inputs: [InsightInput]) -> [(String, Role)] {
        inputs.map { ("\($0.label): \($0.value)  [\($0.source)]", .text) }
    }
}

/// An amount typed on a screen before a write's review (digits and one point, in the token's unit).
struct AmountPrompt: Sendable, Hashable {
    enum Purpose: Sendable, Hashable { case stake, requestWithdrawal }
    var purpose: Purpose
    var token: TokenInfo
    var text = ""

    static let scope = "amount"
    static let confirm = "amount.confirm", cancel = "amount.cancel", deleteBack = "amount.deleteBack"

    static func actions() -> [KeyAction] {
        [
            KeyAction(id: confirm, description: "Review", keys: [.enter], group: "Amount", scope: scope),
            KeyAction(id: cancel, description: "Cancel", keys: [.escape], group: "Amount", scope: scope),
            KeyAction(
                id: deleteBack, description: "Delete back", keys: [.backspace], group: "Amount", scope: scope,
                inFooter: false),
        ]
    }

    var label: String {
        (purpose == .stake ? "Stake" : "Request a withdrawal of") + " how many \(token.symbol)? \(text)"
    }

    mutating func type(_ key: Key) -> Bool {
        guard case .character(let c) = key, c.isASCII, c.isNumber || (c == "." && !text.contains(".")) else {
            return false
        }
        text.append(c)
        return true
    }

    /// The write, or why the text is not an amount.
    func write() -> Result<ConsoleWrite, AmountRefusal> {
        let amount: BigUInt
        do { amount = try Units.parse(text, decimals: token.decimals) } catch {
            return .failure(
                AmountRefusal(status: ConsoleStatus("\"\(text)\" is not an amount of \(token.symbol)", .warn)))
        }
        guard amount > 0 else {
            return .failure(AmountRefusal(status: ConsoleStatus("The amount must be more than 0", .warn)))
        }
        let key = Hex.encode(token.address.bytes)
        let display = token.format(amount)
        switch purpose {
        case .stake: return .success(.stake(token: key, amount: String(amount), display: display))
        case .requestWithdrawal:
            return .success(.requestWithdrawal(token: key, amount: String(amount), display: display))
        }
    }
}

/// Why a typed amount was refused, as the status line says it.
struct AmountRefusal: Error, Sendable, Hashable {
    var status: ConsoleStatus
}

extension LiveConsoleServices {
    /// The Stake screen's writes, built as the headless `stake`, `unstake` and `withdraw` build them.
    func stakeRequests(for write: ConsoleWrite, _ s: OperatorSession) async throws -> [TransactionRequest] {
        switch write {
        case .stake(let token, let amount, _):
            return try await s.api.stake(try Self.units(amount), token: try Address(token))
        case .requestWithdrawal(let token, let amount, _):
            let units = try Self.units(amount)
            let address = try Address(token)
            let snapshot = try await s.api.snapshot(markets: [])
            guard let position = snapshot.stakes.first(where: { $0.token.address == address }) else {
                throw OperatorRefusal(
                    .operatorTokenNotSupported, "No stake in that token",
                    detail: "\(address.checksummed) is not among the staked tokens",
                    hint: "Pick a token the Stake screen lists with stake in it.")
            }
            guard units <= position.staked else {
                throw OperatorRefusal(
                    .operatorInsufficientFreeStake, "Cannot take out more than is staked",
                    detail: "asked \(position.token.format(units)); staked \(position.token.format(position.staked))",
                    hint: "Give at most the staked amount.")
            }
            return [try await s.api.requestStakeReduction(to: position.staked - units, token: address).request]
        case .withdraw:
            return [try await s.api.completeStakeReduction()]
        default:
            return []
        }
    }

    /// Base units as the prompt wrote them (a decimal integer).
    static func units(_ text: String) throws -> BigUInt {
        guard let v = BigUInt(text, radix: 10) else {
            throw OperatorRefusal(
                .operatorInvalidArgument, "Not an amount", detail: "\"\(text)\" is not a whole number of base units",
                hint: "Type the amount again on the Stake screen.")
        }
        return v
    }
}
