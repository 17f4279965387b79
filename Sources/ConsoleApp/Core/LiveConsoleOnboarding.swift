import Basics
import BigInt
import EthereumKit
import Foundation
import KalypsoKit
import KalypsoStore
import Synchronization

/// What the command line gives the console's onboarding wizard besides the operator key.
public struct ConsoleOnboardingHooks: Sendable {
    /// The enclave's gas key when the wizard's form names no file (`--gas-key-file`, the configuration,
    /// `$KALYPSO_GAS_PRIVATE_KEY`); nil: only a file typed in the form.
    public var gasKey: (@Sendable () throws -> PrivateKey)?
    /// The `--gas-key-file` path, shown as the form's default.
    public var gasKeyFile: String?
    /// Market facts read once (they do not change): whether public, the slashing penalty.
    var markets: [BigUInt: MarketInfo] = [:]

    public init(gasKey: (@Sendable () throws -> PrivateKey)? = nil, gasKeyFile: String? = nil) {
        self.gasKey = gasKey
        self.gasKeyFile = gasKeyFile
    }
}

/// One probe of the wizard: the runner, the goal the inputs resolve to, the engine's plan and what the
/// screen shows beside it.
struct OnboardingProbe {
    var setup: OnboardingSetup
    var runner: OnboardingRunner
    var goal: OnboardingGoal
    var view: ConsoleOnboarding

    /// The step the operator asked for, if it is the one to do now; else why not.
    func effect(for step: OnboardingStepKind) throws -> OnboardingEffect {
        guard let found = view.plan.step(step), found.state == .toDo, let effect = found.effect else {
            let state = view.plan.step(step).map { OnboardingScreen.line($0, ascii: true) }
            throw OnboardingStepRefusal(
                step: step, state: state.map { "\($0.state): \($0.detail)" } ?? "not a step of this market")
        }
        return effect
    }
}

/// A step asked for that the chain and the enclave no longer show as to do (done meanwhile, or blocked).
public struct OnboardingStepRefusal: OperatorError {
    public let step: OnboardingStepKind
    public let state: String
    public var code: ErrorCode { "console.onboardingStepNotToDo" }
    public var title: String { "Step '\(step.rawValue)' is not the one to do now" }
    public var detail: String { state }
    public var hint: String { "The checklist shows each step's state as read just now; do the next step shown." }
    public var category: ErrorCategory { .refused }
}

extension LiveConsoleServices {
    /// The session of the wizard: the write session with a key, else one that only reads.
    func onboardingSession() async throws -> OperatorSession {
        if key != nil { return try await writeSession() }
        guard let operatorAddress else { throw ConsoleWriteRefusal.readOnly }
        return try await OperatorSession.open(
            config: config, key: nil, operatorAddress: operatorAddress, databasePath: databasePath)
    }

    func onboardingSetup(_ inputs: OnboardingInputs, sendPath: OperatorSendPath? = nil) async throws
        -> OnboardingSetup
    {
        let session = try await onboardingSession()
        let hooks = onboardingHooks.withLock { $0 }
        let file = inputs.gasKeyFile.trimmingCharacters(in: .whitespaces)
        return try OnboardingSetup(
            session: session, databasePath: databasePath, sendPath: sendPath,
            noSendPath: { ConsoleWriteRefusal.readOnly },
            gasKey: {
                if !file.isEmpty { return try KeyFileSource(path: file).loadKey() }
                guard let gasKey = hooks.gasKey else {
                    throw OptionsError(
                        title: "No gas key for the enclave",
                        detail: "the enclave form names no gas key file, and the console was started without one",
                        hint: "Type the gas key file's path in the enclave form, or start the console with "
                            + "--gas-key-file PATH.")
                }
                return try gasKey()
            })
    }

    func marketInfo(_ id: BigUInt, _ api: any OperatorAPI) async throws -> MarketInfo {
        if let known = onboardingHooks.withLock({ $0.markets[id] }) { return known }
        let info = try await api.market(id)
        onboardingHooks.withLock { $0.markets[id] = info }
        return info
    }

    /// Reads chain, enclave, TEE verifier and journal for the wizard's inputs; every input left empty is
    /// resolved to its suggestion first.
    func onboardingProbe(_ inputs: OnboardingInputs, sendPath: OperatorSendPath? = nil) async throws
        -> OnboardingProbe
    {
        let setup = try await onboardingSetup(inputs, sendPath: sendPath)
        let session = setup.session
        let api = session.api
        let snapshot = try await api.snapshot(markets: nil)
        guard !snapshot.markets.isEmpty else {
            throw OnboardingStepRefusal(step: .join, state: "the registry lists no market yet")
        }
        var choices: [OnboardingMarketChoice] = []
        for m in snapshot.markets {
            guard let id = Int64(exactly: m.marketId) else { continue }
            let info = try await marketInfo(m.marketId, api)
            choices.append(OnboardingMarketChoice(id: id, isPublic: info.isPublic, joined: m.isMember))
        }
        let marketId: BigUInt
        if let chosen = inputs.marketId {
            guard choices.contains(where: { $0.id == chosen }) else {
                throw OperatorInputError(
                    code: "input.unknownMarket", argument: "Market", title: "No market \(chosen)",
                    detail: "the markets are \(choices.map { String($0.id) }.joined(separator: ", "))",
                    hint: "Choose one of the markets listed.")
            }
            marketId = BigUInt(chosen)
        } else if let joined = choices.first(where: { $0.joined }) {
            marketId = BigUInt(joined.id)
        } else {
            // The market whose enclave configuration was sent last (an onboarding under way), else the first.
            var latest: (id: Int64, at: Double)?
            for choice in choices {
                guard let stored = try setup.storedSettings(marketId: BigUInt(choice.id)) else { continue }
                if stored.updatedAt > latest?.at ?? -1 { latest = (choice.id, stored.updatedAt) }
            }
            marketId = BigUInt(latest?.id ?? choices[0].id)
        }
        let info = try await marketInfo(marketId, api)
        let membership = snapshot.membership(marketId).flatMap { $0.isMember ? $0 : nil }
        var resolved = inputs
        resolved.marketId = Int64(exactly: marketId)
        var notes: [OnboardingInputs.Field: String] = [:]
        var warnings: [String] = []
        func pick(_ field: OnboardingInputs.Field, _ suggestion: String, note: String? = nil) -> String {
            let typed = inputs[field].trimmingCharacters(in: .whitespaces)
            if !typed.isEmpty { return typed }
            resolved[field] = suggestion
            if let note { notes[field] = note }
            return suggestion
        }
        let record = snapshot.record
        let reward = pick(
            .rewardAddress,
            (record.registered ? record.rewardAddress : nil)?.checksummed
                ?? session.operatorAddress.checksummed,
            note: record.registered ? "as registered" : "the operator's own address")
        let jobsText = pick(.parallelJobs, "1")
        let jobs = BigUInt(try CountInput.parse(jobsText, argument: "Parallel jobs"))
        let perRequest = try CountInput.parse(
            pick(.computePerRequest, membership.map { String($0.computePerRequest) } ?? "1"),
            argument: "Compute per request")
        let declared = try CountInput.parse(
            pick(
                .declaredCompute, record.registered ? String(record.declaredCompute) : String(perRequest * jobs),
                note: record.registered ? "as registered" : "compute per request × parallel jobs"),
            argument: "Declared compute")
        // The registry refuses empty metadata (CannotBeZero): a name is suggested.
        let metadata = try MetadataInput.bytes(
            pick(
                .metadata,
                record.registered ? (record.metadataText ?? "") : #"{"name":"operator \#(reward.prefix(10))"}"#,
                note: "JSON or text, or @FILE"),
            argument: "Metadata")
        // The stake: the lock per job (Gen A the market's slashing penalty, Gen B the pool's amountToLock)
        // times the parallel jobs, or what is staked already when that is more.
        let stakeToken: TokenInfo
        if let first = snapshot.stakes.first {
            stakeToken = first.token
        } else {
            guard let address = config.contracts.stakingToken else {
                throw OnboardingSetup.missingContract("staking_token")
            }
            stakeToken = try await session.token(address)
        }
        let staked = snapshot.stakes.filter { $0.token.address == stakeToken.address }.reduce(BigUInt(0)) {
            $0 + $1.staked
        }
        let position = snapshot.stakes.first(where: { $0.token.address == stakeToken.address })
        let perJob = api.generation == .a ? info.slashingPenalty : position?.lockedPerTask
        var suggestedStake = perJob.map { $0 * jobs } ?? 0
        var stakeNote =
            perJob.map { "lock \(stakeToken.format($0)) per job × \(jobs) parallel job\(jobs == 1 ? "" : "s")" }
            ?? "the lock per job is not known: type the stake"
        if staked > suggestedStake {
            suggestedStake = staked
            stakeNote = "already staked"
        }
        let stakeText = pick(
            .stake, suggestedStake > 0 ? Units.format(suggestedStake, decimals: stakeToken.decimals) : "",
            note: stakeNote)
        guard !stakeText.isEmpty else {
            throw OperatorInputError(
                code: "input.missing", argument: "Stake", title: "The stake is not known",
                detail: stakeNote, hint: "Type the stake to hold in the stake form.")
        }
        let stake = try AmountInput(parsing: stakeText, argument: "Stake").baseUnits(decimals: stakeToken.decimals)
        let payment = try await session.paymentToken()
        // The market's recent asks: the least reward as the proof cost, their time for the warning.
        let n = try cache.networkId(for: ChainSync.cacheKey(config: config))
        let recent = try cache.jobs(network: n, marketId: Int64(exactly: marketId) ?? -1, limit: marketJobsLimit)
        let least = recent.compactMap { BigUInt($0.reward, radix: 10) }.min()
        let cost = try AmountInput(
            parsing: pick(
                .proofCost,
                membership.map { Units.format($0.proofCost, decimals: payment.decimals) }
                    ?? least.map { Units.format($0, decimals: payment.decimals) } ?? "0",
                note: membership != nil
                    ? "as joined" : least != nil ? "the least reward of the market's recent asks" : "any reward"),
            argument: "Proof cost"
        ).baseUnits(decimals: payment.decimals)
        let commission: BigUInt? =
            api.generation == .b
            ? try FractionInput(parsing: pick(.commission, "0"), argument: "Commission").scaled : nil
        let stored = try setup.storedSettings(marketId: marketId)
        let startBlock = pick(.startBlock, stored.map { String($0.startBlock) } ?? "", note: "the current block")
        let port = pick(.proverPort, stored?.proverPort ?? "3000")
        let ivs = pick(.ivsURL, stored?.ivsURL ?? "http://not_available")
        _ = pick(.gasKeyFile, onboardingHooks.withLock { $0.gasKeyFile } ?? "")
        let enclaveInputs = EnclaveConfigInputs(
            startBlock: startBlock.isEmpty ? nil : startBlock, proverPort: port, ivsURL: ivs)
        var goal = try await setup.goal(marketId: marketId, programs: [])
        goal.rewardAddress = try Address(reward)
        goal.declaredCompute = declared
        goal.metadata = metadata
        goal.stakeTargets = [StakeTarget(token: stakeToken, amount: stake)]
        let runner = try setup.runner(marketId: marketId, inputs: enclaveInputs)
        let reading = try await runner.read(goal: goal)
        // The proposed time: as joined, else from the latest benchmark with a margin (known once the enclave
        // answered), with a warning when the market's asks give less time.
        let unit: TimeUnit = api.timeUnit
        let scale: ContractTimeScale?
        if unit == .seconds {
            scale = .seconds
        } else {
            scale = .blocks(clock: snapshot.clock, recentBlocks: try cache.recentBlocks(network: n))
        }
        let asks = recent.filter { $0.timeForProof > 0 }.map { ChainTime(BigUInt($0.timeForProof), unit) }
        var suggestion: ProposedTimeSuggestion?
        if let enclave = reading.enclaveAddress, let scale {
            let runs = try setup.book.runs(enclave: enclave, marketId: marketId)
            suggestion = try? BenchmarkInsights.suggestProposedTime(runs: runs, scale: scale, askTimes: asks).get()
        }
        func text(_ t: ChainTime) -> String { t.unit == .blocks ? "\(t.value)blocks" : "\(t.value)s" }
        let timeText = pick(
            .proposedTime,
            membership.map { text($0.proposedTime) } ?? suggestion.map { text($0.proposed) }
                ?? (unit == .blocks ? "480blocks" : "10m"),
            note: membership != nil
                ? "as joined"
                : suggestion.map { "benchmark \(formatMilliseconds($0.basisMilliseconds)) + \($0.marginPercent) %" }
                    ?? "run the benchmark first: the suggestion follows from it")
        let duration = try DurationInput(parsing: timeText, argument: "Proposed time")
        let proposed = try duration.converted(to: unit, secondsPerBlock: snapshot.clock.secondsPerBlock).value
        if membership == nil, let suggestion {
            if let w = suggestion.warning { warnings.append("Proposed time \(suggestion.display): \(w)") }
            if proposed.unit == suggestion.proposed.unit, proposed.value < suggestion.proposed.value {
                warnings.append(
                    "The proposed time \(timeText) is shorter than the benchmark supports (\(suggestion.display)): "
                        + "proofs may miss their deadline and be slashed")
            }
        }
        goal.join = OnboardingJoinTerms(
            computePerRequest: perRequest, proofCost: cost, proposedTime: proposed, commission: commission,
            paymentToken: payment)
        let plan = OnboardingEngine.evaluate(goal: goal, observation: reading.observation)
        let view = ConsoleOnboarding(
            plan: plan, marketName: Self.marketName(info.metadata),
            probeProblem: reading.enclaveError.map { "enclave: \($0.title): \($0.detail)" }, resolved: resolved,
            notes: notes, warnings: warnings, stakeSymbol: stakeToken.symbol, paymentSymbol: payment.symbol,
            markets: choices)
        return OnboardingProbe(setup: setup, runner: runner, goal: goal, view: view)
    }

    /// The name in a market's metadata (``MarketMetadata/name(_:)``); nil when there is none.
    static func marketName(_ metadata: [UInt8]) -> String? {
        String(bytes: metadata, encoding: .utf8).flatMap { MarketMetadata.name($0) }
    }

    public func probeOnboarding(_ inputs: OnboardingInputs) async throws -> ConsoleOnboarding {
        try await onboardingProbe(inputs).view
    }

    public func runOnboardingStep(_ request: OnboardingStepRequest) async throws -> [String] {
        guard !request.sends else { throw ConsoleWriteRefusal.notReviewed }
        let probe = try await onboardingProbe(request.inputs)
        return try await probe.runner.execute(try probe.effect(for: request.step), goal: probe.goal)
    }

    /// The transactions of a step that signs, built for its review (attestation included where needed).
    func onboardingTransactions(_ request: OnboardingStepRequest) async throws -> [TransactionRequest] {
        let probe = try await onboardingProbe(request.inputs)
        let requests = try await probe.runner.transactions(try probe.effect(for: request.step), goal: probe.goal)
        guard !requests.isEmpty else { throw OnboardingStepRefusal(step: request.step, state: "nothing to sign") }
        return requests
    }

    /// Sends a reviewed step's transactions through the send path (each one still the call that was
    /// reviewed), then what the step does on the enclave (the update-key sequence's configuration and start).
    func sendOnboarding(_ request: OnboardingStepRequest, batch: [TransactionRequest], _ s: OperatorSession)
        async throws -> String
    {
        let path = try s.sendPath(mode: .send, confirm: Self.sameAsReviewed(batch))
        let probe = try await onboardingProbe(request.inputs, sendPath: path)
        let lines = try await probe.runner.execute(
            try probe.effect(for: request.step), goal: probe.goal, prepared: batch)
        return lines.joined(separator: "; ")
    }

    /// The send path's approval of a transaction: only one of the reviewed batch is signed.
    static func sameAsReviewed(_ batch: [TransactionRequest]) -> TransactionSender.Approval {
        { again in
            batch.contains { again.to == $0.to && again.value == $0.value && again.description == $0.description }
        }
    }
}
