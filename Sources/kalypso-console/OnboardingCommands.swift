import ArgumentParser
import Basics
import BigInt
import EthereumKit
import Foundation
import KalypsoKit
import KalypsoStore

// The onboarding commands of issue 9: status, enclave-config, benchmark, start, update-key and onboard. Each
// builds an OnboardingGoal, lets the OnboardingRunner read chain + enclave + journal, and executes what the
// OnboardingEngine plans; transactions go through the one send path of OperatorSession.

/// `enclave-config` flags, shared with `update-key` and `onboard`.
struct EnclaveConfigFlags: ParsableArguments {
    @Option(name: .customLong("start-block"), help: "The block the enclave's listener starts from (default: now).")
    var startBlock: String?
    @Option(name: .customLong("prover-port"), help: "The prover's port inside the enclave (default 3000).")
    var proverPort: String?
    @Option(name: .customLong("ivs-url"), help: "The input verification server's URL (default http://not_available).")
    var ivsURL: String?
    @Flag(
        name: .customLong("plain-http"),
        help: "Allow the gas key over plain HTTP when the enclave has no encrypted endpoint (prints a warning).")
    var plainHTTP = false
}

/// What the onboarding commands open once: the shared ``OnboardingSetup`` (session, enclave client, database,
/// the command line's send path) and the options it came from.
struct OnboardingContext {
    let options: OperatorOptions
    let setup: OnboardingSetup

    /// `write`: loads the operator key (refused under --read-only); else only the operator address.
    static func open(options: OperatorOptions, action: String, write: Bool) async throws -> OnboardingContext {
        let config = try options.loadConfig()
        let session: OperatorSession
        if write {
            session = try await options.writeSession(action: action)
        } else {
            session = try await OperatorSession.open(
                config: config, key: nil, operatorAddress: try options.operatorAddress(config: config),
                databasePath: options.databasePath(config: config))
        }
        let readOnly = options.readOnly
        var setup = try OnboardingSetup(
            session: session, databasePath: options.databasePath(config: config),
            sendPath: session.key == nil ? nil : try options.sendPath(session),
            noSendPath: { ReadOnlyRefusal(action: "sending", byFlag: readOnly) },
            gasKey: { try options.loadGasKey(config: config, action: "configuring the enclave") })
        setup.warn = { writeError($0 + "\n") }
        return OnboardingContext(options: options, setup: setup)
    }

    var session: OperatorSession { setup.session }
    var enclave: EnclaveClient { setup.enclave }
    var config: KalypsoConfig { session.config }
    var book: BenchmarkBook { setup.book }

    /// The runner for one market; `flags` nil: the enclave configuration comes only from the store.
    func runner(
        marketId: BigUInt, flags: EnclaveConfigFlags?, benchmarkRuns: Int = 1, killAtSend: Int? = nil
    ) throws -> OnboardingRunner {
        var setup = self.setup
        if let killAtSend, let shared = setup.sendPath {
            // Test hook: SIGKILL right after the Nth transaction left (before its receipt), like `kill -9`.
            var sender = shared.sender
            let counter = SendCounter()
            sender.checkpoint = { point in
                if point == "after-send" && counter.next() == killAtSend { kill(getpid(), SIGKILL) }
            }
            setup.sendPath = OperatorSendPath(
                sender: sender, signer: shared.signer, mode: shared.mode, confirm: shared.confirm)
        }
        let inputs = flags.map {
            EnclaveConfigInputs(
                startBlock: $0.startBlock, proverPort: $0.proverPort, ivsURL: $0.ivsURL, plainHTTP: $0.plainHTTP)
        }
        return try setup.runner(marketId: marketId, inputs: inputs, benchmarkRuns: benchmarkRuns)
    }

    /// The goal of the commands that only look at or act on the enclave side (status, start, update-key).
    func goal(marketId: BigUInt, programs: [String]) async throws -> OnboardingGoal {
        try await setup.goal(marketId: marketId, programs: programs)
    }

    /// `listener`, then the prover program (spec §2.8).
    static let defaultPrograms = OnboardingSetup.defaultPrograms
}

/// Counts the transactions sent (the `--test-kill-after send-N` hook).
final class SendCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    func next() -> Int {
        lock.withLock {
            count += 1; return count
        }
    }
}

// MARK: - Plans for people and scripts

extension OnboardingStepState {
    var word: String {
        switch self {
        case .done: "done"
        case .toDo: "to do"
        case .blocked: "blocked"
        case .waiting: "waiting"
        }
    }
}

/// One step as printed: its probe, and what this run did for it.
struct StepOutcome {
    var step: OnboardingStep
    var did: [String]

    var object: [String: Any] {
        var o: [String: Any] = ["step": step.kind.rawValue, "state": step.state.word, "plan": step.plan]
        if case .blocked(let reason) = step.state { o["reason"] = reason }
        o["did"] = did
        return o
    }
}

func printSteps(_ steps: [StepOutcome]) {
    for s in steps {
        print("  [\(s.step.state.word)] \(s.step.kind.rawValue): \(s.step.plan)")
        for line in s.did { print("      \(line)") }
    }
}

/// Runs every step that is not done, in order, re-reading chain and enclave after each; never executes a step
/// twice in one run (the chain must show it done before the next one). Returns the final plan and what was done.
func runOnboarding(
    runner: OnboardingRunner, goal: OnboardingGoal, only: Set<OnboardingStepKind>? = nil, killAfter: String? = nil
) async throws -> (plan: OnboardingPlan, reading: OnboardingReading, did: [OnboardingStepKind: [String]]) {
    var did: [OnboardingStepKind: [String]] = [:]
    while true {
        let reading = try await runner.read(goal: goal)
        let plan = OnboardingEngine.evaluate(goal: goal, observation: reading.observation)
        guard let next = plan.next, let effect = next.effect, only?.contains(next.kind) ?? true else {
            return (plan, reading, did)
        }
        guard did[next.kind] == nil else {
            throw OnboardingStuck(step: next.kind, plan: next.plan)
        }
        writeError("\(next.kind.rawValue): \(next.plan)\n")
        did[next.kind] = try await runner.execute(effect, goal: goal)
        // Test hook: SIGKILL once this step is done, as `kill -9` between two steps would.
        if killAfter == next.kind.rawValue { kill(getpid(), SIGKILL) }
    }
}

/// A step executed without error still reads as not done: stop instead of sending it again.
struct OnboardingStuck: OperatorError {
    var step: OnboardingStepKind
    var plan: String
    var code: ErrorCode { "onboarding.stepNotDone" }
    var title: String { "Step '\(step.rawValue)' still reads as not done after it was executed" }
    var detail: String { plan }
    var hint: String {
        "Run `kalypso-console status` to see the chain's and the enclave's state; nothing was sent twice."
    }
    var category: ErrorCategory { .refused }
}

/// The outcome of a plan that did not complete: a blocked step's reason (the enclave's own error when it is
/// the cause, exit 4/6), or nil when it completed or only waits (exit 0).
func unfinished(_ plan: OnboardingPlan, reading: OnboardingReading, command: String) -> (any Error)? {
    for step in plan.steps {
        guard case .blocked(let reason) = step.state else { continue }
        if reason.hasPrefix("enclave unreachable"), let error = reading.enclaveError { return error }
        if reason.hasPrefix("waits for step") { continue }
        return OperatorRefusal(
            .operatorNothingToDo, "Step '\(step.kind.rawValue)' is blocked", detail: reason,
            hint: "Fix what the reason says, then run `\(command)` again; the steps done stay done.")
    }
    return nil
}

func parseMarket(_ text: String) throws -> BigUInt { try parseCount(text, argument: "--market") }

// MARK: - Commands

/// `status [--market ID]`.
struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "The operator's state on chain and the enclave's, with each onboarding step's probe.")

    @OptionGroup var options: OperatorOptions
    @Option(help: "The market whose onboarding steps to probe (default: every market joined).") var market: String?
    @Flag(help: "Sync the cache from the chain before reading stake, markets and rewards from it.")
    var refresh = false

    func run() async throws {
        let context = try await OnboardingContext.open(options: options, action: "status", write: false)
        let api = context.session.api
        let live = try await api.snapshot(markets: nil)
        // The onboarding probes are live: they decide what the next command sends.
        let marketIds = try market.map { [try parseMarket($0)] } ?? live.markets.filter(\.isMember).map(\.marketId)
        // Stake, memberships and rewards as the cache has them (see StatusCacheParts), else as read now.
        let cached = try await StatusCacheParts.read(
            config: context.config, path: options.databasePath(config: context.config), refresh: refresh,
            operatorAddress: context.session.operatorAddress)
        let snapshot = cached?.overlay(live) ?? live
        let runner = try context.runner(marketId: marketIds.first ?? 0, flags: nil)
        var markets: [[String: Any]] = []
        var human: [String] = []
        var enclaveObject: [String: Any] = ["reachable": false]
        for id in marketIds {
            let goal = try await context.goal(marketId: id, programs: [])
            let reading = try await runner.read(goal: goal)
            var plan = OnboardingEngine.evaluate(goal: goal, observation: reading.observation)
            // status has no stake or compute goal: those steps say what is there.
            plan.steps = plan.steps.filter { $0.kind != .stake }
            markets.append(["market": String(id), "steps": plan.steps.map { StepOutcome(step: $0, did: []).object }])
            human.append("Market \(id):")
            human += plan.steps.map { "  [\($0.state.word)] \($0.kind.rawValue): \($0.plan)" }
            enclaveObject = enclaveJSON(reading)
        }
        if marketIds.isEmpty {
            let goal = try await context.goal(marketId: api.firstMarketId, programs: [])
            enclaveObject = enclaveJSON(try await runner.read(goal: goal))
        }
        let gasBalance = try? await gasKeyBalance(context)
        if let gasBalance {
            enclaveObject["gasKey"] = ["address": gasBalance.0.checksummed, "wei": String(gasBalance.1)]
        }
        let freshness = try? cacheFreshness(context)
        let record = snapshot.record
        if options.json {
            var o: [String: Any] = [
                "operator": record.address.checksummed, "generation": snapshot.generation.rawValue,
                "registered": record.registered, "rewardAddress": record.rewardAddress?.checksummed ?? NSNull(),
                "declaredCompute": String(record.declaredCompute), "allocatedCompute": String(record.allocatedCompute),
                "metadata": record.metadataText ?? NSNull(),
                "markets": snapshot.markets.filter(\.isMember).map(Self.membershipJSON),
                "stake": snapshot.stakes.map {
                    [
                        "token": $0.token.address.checksummed, "symbol": $0.token.symbol, "staked": String($0.staked),
                        "locked": String($0.locked), "free": String($0.free),
                    ] as [String: Any]
                },
                "rewards": snapshot.rewards.map {
                    ["rewardAddress": $0.rewardAddress.checksummed, "claimable": String($0.claimable)] as [String: Any]
                },
                "enclave": enclaveObject, "onboarding": markets,
            ]
            o["cache"] = freshness.map { ["updatedAt": $0] } ?? NSNull()
            o["data"] = cached?.view.freshness() ?? NSNull()
            o["sources"] = StatusCacheParts.sources(cached: cached != nil, generation: snapshot.generation)
            print(try TxJSON.text(o))
            return
        }
        var lines = [
            "Operator \(record.address.checksummed) (Generation \(snapshot.generation.rawValue))",
            record.registered
                ? "  registered; reward address \(record.rewardAddress?.checksummed ?? "?"), declared compute "
                    + "\(record.declaredCompute), allocated \(record.allocatedCompute)" : "  not registered",
        ]
        for s in snapshot.stakes {
            lines.append(
                "  stake \(s.token.format(s.staked)) (locked \(s.token.format(s.locked)), free \(s.token.format(s.free)))"
            )
        }
        let members = snapshot.markets.filter(\.isMember)
        let payment = members.isEmpty ? nil : try await context.session.paymentToken()
        for m in members {
            lines.append(Self.membershipLine(m, clock: snapshot.clock, payment: payment))
        }
        for r in snapshot.rewards where r.claimable > 0 {
            lines.append("  claimable by \(r.rewardAddress.checksummed): \(r.token.format(r.claimable))")
        }
        lines.append(Self.enclaveLine(enclaveObject))
        if let gasBalance {
            lines.append("  gas key \(gasBalance.0.checksummed): \(Units.format(gasBalance.1, decimals: 18)) ETH")
        }
        lines += human
        if let cached {
            lines.append("Cache: stake, markets and rewards above are the cache's. " + cached.view.freshnessLine)
        } else if let freshness {
            lines.append("Cache: last synced \(Int(Date().timeIntervalSince1970 - freshness)) s ago")
        } else {
            lines.append("Cache: no data for this network yet; stake, markets and rewards were read from the chain.")
        }
        print(lines.joined(separator: "\n"))
    }

    /// One joined market as people read it: the proof cost in the payment token (the contract's base units
    /// read as "2000000" where the operator set 2 USDC).
    static func membershipLine(_ m: MarketMembership, clock: ChainClock, payment: TokenInfo?) -> String {
        "  market \(m.marketId): compute per request \(m.computePerRequest), proof cost "
            + (payment?.format(m.proofCost) ?? "\(m.proofCost) base units")
            + ", proposed time \(clock.display(m.proposedTime)), key on chain: "
            + (m.enclaveKey == nil ? "none" : "yes")
    }

    /// The enclave in one line; "programs running: none" when it runs none (an empty list read as cut off).
    static func enclaveLine(_ enclave: [String: Any]) -> String {
        guard enclave["reachable"] as? Bool == true else {
            return "Enclave: unreachable (\(enclave["reason"] ?? "?"))"
        }
        let programs = (enclave["programs"] as? [String]) ?? []
        return "Enclave: reachable, key address \(enclave["address"] ?? "?"), configured: "
            + "\(enclave["configured"] as? Bool == true ? "yes" : "no"), programs running: "
            + (programs.isEmpty ? "none" : programs.joined(separator: ", "))
    }

    static func membershipJSON(_ m: MarketMembership) -> [String: Any] {
        [
            "market": String(m.marketId), "computePerRequest": String(m.computePerRequest),
            "proofCost": String(m.proofCost), "proposedTime": String(m.proposedTime.value),
            "proposedTimeUnit": m.proposedTime.unit.rawValue, "activeRequests": String(m.activeRequests),
            "enclaveKey": m.enclaveKey.map { Hex.encode($0) } ?? NSNull(),
        ]
    }

    func enclaveJSON(_ reading: OnboardingReading) -> [String: Any] {
        switch reading.observation.enclave {
        case .unreachable(let reason): return ["reachable": false, "reason": reason]
        case .reachable(let state):
            return [
                "reachable": true, "address": reading.enclaveAddress?.checksummed ?? NSNull(),
                "key": state.key.map { Hex.encode($0) } ?? NSNull(), "configured": state.hasConfig,
                "programs": state.runningPrograms.sorted(),
            ]
        }
    }

    /// The gas key's balance when a gas key is given (status never needs one).
    func gasKeyBalance(_ context: OnboardingContext) async throws -> (Address, BigUInt)? {
        guard
            options.gasKeyFile != nil || options.gasKeystore != nil || context.config.enclaveGasKey != nil
                || ProcessInfo.processInfo.environment[EnvironmentKeySource.gasVariable] != nil
        else { return nil }
        let key = try options.loadGasKey(config: context.config, action: "status")
        return (key.address, try await context.session.client.balance(of: key.address))
    }

    /// When the cache was last synced (seconds since 1970), nil when it holds nothing for this network.
    func cacheFreshness(_ context: OnboardingContext) throws -> Double? {
        try context.book.cache.progress(network: context.book.network).map(\.updatedAt).max()
    }
}

/// `enclave-config --market ID [--start-block N] [--prover-port PORT] [--ivs-url URL] [--plain-http]`.
struct EnclaveConfigCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "enclave-config",
        abstract: "Send the enclave its configuration (gas key through the encrypted endpoint).")

    @OptionGroup var options: OperatorOptions
    @Option(help: "The market id.") var market: String
    @OptionGroup var flags: EnclaveConfigFlags

    func run() async throws {
        let marketId = try parseMarket(market)
        let context = try await OnboardingContext.open(options: options, action: "enclave-config", write: true)
        let runner = try context.runner(marketId: marketId, flags: flags)
        if let warning = try await Self.movingWarning(runner, to: marketId) { writeError(warning + "\n") }
        if options.dryRun {
            // Built and checked against the enclave's rules and the gas key's balance; not sent.
            let config = try await runner.enclaveConfig(marketId)
            try ActionReport(
                action: "enclave-config",
                facts: [("Enclave", "configuration checked, not sent (dry run): \(config)")]
            ).print(json: options.json, dryRun: true)
            return
        }
        let line = try await runner.configure(marketId)
        try ActionReport(action: "enclave-config", facts: [("Enclave", line)])
            .print(json: options.json, dryRun: false)
    }
}

extension EnclaveConfigCommand {
    /// The enclave serves one market per operator (spec §5.4.1): configuring it for another market stops the
    /// one it served. Said when this machine configured it last for a market the operator is still in
    /// (`enclave-config --market 1` silently ended market 0's jobs).
    static func movingWarning(_ runner: OnboardingRunner, to marketId: BigUInt) async throws -> String? {
        let snapshot = try await runner.api.snapshot(markets: nil)
        let count = Int(exactly: snapshot.marketCount) ?? 0
        guard let served = try runner.lastConfiguredMarket((0..<min(count, 10_000)).map { BigUInt($0) }),
            served != marketId, snapshot.membership(served)?.isMember == true
        else { return nil }
        return "warning: the enclave served market \(served) (configured from here last) and the operator is still in "
            + "it; its generator client serves one market per operator, so market \(served)'s jobs will be missed "
            + "(and slashed) from now on: leave market \(served), or run another enclave for it"
    }
}

/// `benchmark --market ID [--runs N]`.
struct BenchmarkCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "benchmark", abstract: "Run the enclave's prover benchmark; each run is kept in the local cache.")

    @OptionGroup var options: OperatorOptions
    @Option(help: "The market id.") var market: String
    @Option(help: "How many runs (default 1).") var runs: String = "1"

    func run() async throws {
        let marketId = try parseMarket(market)
        guard let count = Int(exactly: try parseCount(runs, argument: "--runs")), (1...100).contains(count) else {
            throw OperatorInputError(
                code: "input.invalidNumber", argument: "--runs", title: "--runs is out of range",
                detail: "expected 1…100, found \(runs)", hint: "Give a number of runs such as 3.")
        }
        let context = try await OnboardingContext.open(options: options, action: "benchmark", write: false)
        let runner = try context.runner(marketId: marketId, flags: nil, benchmarkRuns: count)
        let lines = try await runner.benchmark(marketId)
        try ActionReport(action: "benchmark", facts: lines.enumerated().map { ("Run \($0.offset + 1)", $0.element) })
            .print(json: options.json, dryRun: false)
    }
}

/// `start [--program NAME]…`.
struct StartCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "start", abstract: "Start the enclave's programs (default: listener, then prover), in order.")

    @OptionGroup var options: OperatorOptions
    @Option(name: .customLong("program"), help: "A program to start; repeatable, started in the order given.")
    var programs: [String] = []

    func run() async throws {
        let context = try await OnboardingContext.open(options: options, action: "start", write: false)
        let runner = try context.runner(marketId: 0, flags: nil)
        let lines = try await runner.start(programs.isEmpty ? OnboardingContext.defaultPrograms : programs)
        try ActionReport(action: "start", facts: lines.map { ("Program", $0) }).print(json: options.json, dryRun: false)
    }
}

/// `update-key --market ID [--program NAME]… [enclave-config flags]`: the §2.9 sequence after a restart.
struct UpdateKeyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "update-key",
        abstract: "After an enclave restart: attestation, signature, updateEncryptionKey, TEE verifier, config, start.")

    @OptionGroup var options: OperatorOptions
    @Option(help: "The market id.") var market: String
    @Option(name: .customLong("program"), help: "A program to start; repeatable, started in the order given.")
    var programs: [String] = []
    @OptionGroup var flags: EnclaveConfigFlags

    func run() async throws {
        let marketId = try parseMarket(market)
        let context = try await OnboardingContext.open(options: options, action: "update-key", write: true)
        let runner = try context.runner(marketId: marketId, flags: flags)
        let goal = try await context.goal(marketId: marketId, programs: programs)
        let before = try await runner.read(goal: goal)
        guard before.observation.membership != nil else {
            throw OperatorRefusal(
                .operatorNotJoined, "The operator is not in market \(marketId)",
                detail: "update-key replaces the key of a joined market",
                hint: "Join first: kalypso-console onboard --market \(marketId) …")
        }
        if options.dryRun {
            let plan = OnboardingEngine.evaluate(goal: goal, observation: before.observation)
            try printReport("update-key", plan: plan, did: [:], dryRun: true, json: options.json)
            return
        }
        let after = try await runOnboarding(
            runner: runner, goal: goal, only: [.updateKey, .configureEnclave, .verifyKey, .startPrograms])
        try report("update-key", after, options: options, command: "kalypso-console update-key --market \(marketId)")
    }
}

/// `onboard …`: every step not done, in order; a second run sends nothing.
struct OnboardCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "onboard",
        abstract:
            "Run every onboarding step that is not done: register, stake, enclave, benchmark, join, verify, start.",
        discussion: "Safe to run again at any point: steps already done are not sent again. --stake tops up TO AMOUNT.")

    @OptionGroup var options: OperatorOptions
    @Option(help: "The market id.") var market: String
    @Option(name: .customLong("reward-address"), help: "The address that receives earnings.") var rewardAddress: String
    @Option(help: "The compute units this machine declares.") var compute: String
    @Option(help: "Metadata: the text itself, or @FILE.") var metadata: String?
    @Option(help: "The stake to hold: token units (100, 12.5) or NNNwei; tops up to it.") var stake: String
    @Option(name: .customLong("compute-per-request"), help: "Compute units each request takes.")
    var computePerRequest: String
    @Option(name: .customLong("proof-cost"), help: "Least reward per proof: payment-token units or NNNwei.")
    var proofCost: String
    @Option(name: .customLong("proposed-time"), help: "Time to deliver a proof: 30s, 10m, 2h or 480blocks.")
    var proposedTime: String
    @Option(help: "Generation B: the fraction of fees kept as commission (0.05 or 5%).") var commission: String?
    @Option(name: .customLong("program"), help: "A program to start; repeatable, started in the order given.")
    var programs: [String] = []
    @OptionGroup var flags: EnclaveConfigFlags
    @Option(
        name: .customLong("test-kill-after"),
        help: .private)
    var testKillAfter: String?

    func run() async throws {
        let marketId = try parseMarket(market)
        let reward = try parseAddress(rewardAddress, argument: "--reward-address")
        let declared = try parseCount(compute, argument: "--compute")
        let bytes = try metadata.map { try MetadataInput.bytes($0, argument: "--metadata") } ?? []
        let stakeAmount = try AmountInput(parsing: stake, argument: "--stake")
        let perRequest = try parseCount(computePerRequest, argument: "--compute-per-request")
        let cost = try AmountInput(parsing: proofCost, argument: "--proof-cost")
        let duration = try DurationInput(parsing: proposedTime, argument: "--proposed-time")
        let fraction = try commission.map { try FractionInput(parsing: $0, argument: "--commission").scaled }
        let context = try await OnboardingContext.open(options: options, action: "onboard", write: true)
        let session = context.session
        let clock = try await session.api.clock()
        let converted = try duration.converted(to: session.api.timeUnit, secondsPerBlock: clock.secondsPerBlock)
        let payment = try await session.paymentToken()
        let snapshot = try await session.api.snapshot(markets: [marketId])
        let stakeToken: TokenInfo
        if let first = snapshot.stakes.first {
            stakeToken = first.token
        } else {
            guard let address = session.config.contracts.stakingToken else {
                throw OnboardingSetup.missingContract("staking_token")
            }
            stakeToken = try await session.token(address)
        }
        var goal = try await context.goal(marketId: marketId, programs: programs)
        goal.rewardAddress = reward
        goal.declaredCompute = declared
        goal.metadata = bytes
        goal.stakeTargets = [
            StakeTarget(token: stakeToken, amount: try stakeAmount.baseUnits(decimals: stakeToken.decimals))
        ]
        goal.join = OnboardingJoinTerms(
            computePerRequest: perRequest, proofCost: try cost.baseUnits(decimals: payment.decimals),
            proposedTime: converted.value, commission: session.api.generation == .b ? (fraction ?? 0) : nil,
            paymentToken: payment)
        let killAtSend = testKillAfter.flatMap { $0.hasPrefix("send-") ? Int($0.dropFirst(5)) : nil }
        let runner = try context.runner(marketId: marketId, flags: flags, killAtSend: killAtSend)
        if options.dryRun {
            let reading = try await runner.read(goal: goal)
            let plan = OnboardingEngine.evaluate(goal: goal, observation: reading.observation)
            try printReport("onboard", plan: plan, did: [:], dryRun: true, json: options.json)
            return
        }
        let after = try await runOnboarding(runner: runner, goal: goal, killAfter: testKillAfter)
        try report("onboard", after, options: options, command: "kalypso-console onboard …")
    }
}

private func report(
    _ action: String,
    _ result: (plan: OnboardingPlan, reading: OnboardingReading, did: [OnboardingStepKind: [String]]),
    options: OperatorOptions, command: String
) throws {
    try printReport(action, plan: result.plan, did: result.did, dryRun: false, json: options.json)
    if let error = unfinished(result.plan, reading: result.reading, command: command) { throw error }
}

private func printReport(
    _ action: String, plan: OnboardingPlan, did: [OnboardingStepKind: [String]], dryRun: Bool, json: Bool = false
) throws {
    let steps = plan.steps.map { StepOutcome(step: $0, did: did[$0.kind] ?? []) }
    if json {
        print(
            try TxJSON.text([
                "action": action, "market": String(plan.marketId), "complete": plan.isComplete, "dryRun": dryRun,
                "sentSomething": !did.isEmpty, "steps": steps.map(\.object),
            ]))
        return
    }
    print("\(action) market \(plan.marketId)\(dryRun ? " (dry run: nothing sent)" : ""):")
    printSteps(steps)
    if plan.isComplete { print(did.isEmpty ? "Everything is done; nothing sent." : "Onboarding complete.") }
}
