import ArgumentParser
import Basics
import BigInt
import EthereumKit
import Foundation
import KalypsoKit
import KalypsoStore

// The operator's write commands of issue 9: each parses its arguments (exit 2 on a bad one), opens the
// session (refused under --read-only), asks the operator API for the reviewed transactions (a pre-flight
// refusal is exit 5) and sends them through the one send path.

/// `register --reward-address ADDR --compute N [--metadata TEXT|@FILE]`.
struct RegisterCommand: AsyncParsableCommand, OperatorOptionsCommand {
    static let configuration = CommandConfiguration(
        commandName: "register", abstract: "Register as a prover: reward address, declared compute, metadata.")

    @OptionGroup var options: OperatorOptions
    @Option(name: .customLong("reward-address"), help: "The address that receives earnings.")
    var rewardAddress: String
    @Option(help: "The compute units this machine declares.") var compute: String
    @Option(help: "Metadata: the text itself, or @FILE to read it from a file.") var metadata: String?

    func run() async throws {
        let reward = try parseAddress(rewardAddress, argument: "--reward-address")
        let declared = try parseCount(compute, argument: "--compute")
        let bytes = try metadata.map { try MetadataInput.bytes($0, argument: "--metadata") } ?? []
        try await options.sendOne("register") {
            try await $0.api.register(rewardAddress: reward, declaredCompute: declared, metadata: bytes)
        }
    }
}

/// `join --market ID --compute-per-request N --proof-cost AMOUNT --proposed-time DURATION [--commission F]`.
struct JoinCommand: AsyncParsableCommand, OperatorOptionsCommand {
    static let configuration = CommandConfiguration(
        commandName: "join",
        abstract: "Join a market (private markets: with the enclave's key and attestation).",
        discussion: """
            DURATION is 30s, 10m, 2h or 480blocks; it is converted to the contract generation's unit \
            (Generation A: blocks, B: seconds) and refused when outside the market's bounds.
            """)

    @OptionGroup var options: OperatorOptions
    @Option(help: "The market id.") var market: String
    @Option(name: .customLong("compute-per-request"), help: "Compute units each request takes.")
    var computePerRequest: String
    @Option(name: .customLong("proof-cost"), help: "Least reward per proof: payment-token units (12.5) or NNNwei.")
    var proofCost: String
    @Option(name: .customLong("proposed-time"), help: "Time to deliver a proof: 30s, 10m, 2h or 480blocks.")
    var proposedTime: String
    @Option(help: "Generation B: the fraction of fees kept as commission (0.05 or 5%); default 0.")
    var commission: String?

    func run() async throws {
        let marketId = try parseCount(market, argument: "--market")
        let perRequest = try parseCount(computePerRequest, argument: "--compute-per-request")
        let cost = try AmountInput(parsing: proofCost, argument: "--proof-cost")
        let duration = try DurationInput(parsing: proposedTime, argument: "--proposed-time")
        let fraction = try commission.map { try FractionInput(parsing: $0, argument: "--commission").scaled } ?? 0
        try await options.sendOne("join") { session in
            try await Self.request(
                session: session, marketId: marketId, perRequest: perRequest, cost: cost, duration: duration,
                fraction: fraction)
        }
    }

    /// The join request with its facts (the proposed time as converted): the enclave's authorization for a
    /// private market, the benchmark margin checked.
    static func request(
        session: OperatorSession, marketId: BigUInt, perRequest: BigUInt, cost: AmountInput,
        duration: DurationInput, fraction: BigUInt
    ) async throws -> (TransactionRequest, facts: [(String, String)]) {
        let api = session.api
        let clock = try await api.clock()
        let converted = try duration.converted(to: api.timeUnit, secondsPerBlock: clock.secondsPerBlock)
        let payment = try await session.paymentToken()
        let costUnits = try cost.baseUnits(decimals: payment.decimals)
        let info = try await api.market(marketId)
        var authorization: EnclaveAuthorization?
        var attested: Address?
        if !info.isPublic {
            (authorization, attested) = try await enclaveAuthorization(session: session, clock: clock)
        }
        if let benchmark = try await latestBenchmark(session: session, market: marketId, attested: attested) {
            try BenchmarkMargin.check(
                proposed: converted.value, benchmark: benchmark, marketId: marketId, clock: clock)
        }
        let request = try await api.join(
            JoinParameters(
                marketId: marketId, computePerRequest: perRequest, proofCost: costUnits,
                proposedTime: converted.value, commission: fraction, authorization: authorization))
        var facts = [("Proposed time", clock.display(converted.value))]
        if let note = converted.roundingNote { facts.append(("Note", note)) }
        return (request, facts)
    }
}

/// `verify-key --market ID`: registers the enclave key in the market's TEE verifier (spec §2.7).
struct VerifyKeyCommand: AsyncParsableCommand, OperatorOptionsCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify-key", abstract: "Verify the enclave's key in the market's TEE verifier.")

    @OptionGroup var options: OperatorOptions
    @Option(help: "The market id.") var market: String

    func run() async throws {
        let marketId = try parseCount(market, argument: "--market")
        try await options.sendOne("verify-key") { session in
            try await Self.request(session: session, marketId: marketId)
        }
    }

    /// The TEE verifier's `verifyKey` request with the verifier's address as a fact; refused when the market
    /// needs no key verification.
    static func request(session: OperatorSession, marketId: BigUInt) async throws -> (
        TransactionRequest, facts: [(String, String)]
    ) {
        guard let verifier = try await session.teeVerifier(market: marketId) else {
            throw OperatorRefusal(
                .operatorNothingToDo, "Market \(marketId) needs no key verification",
                detail: "its verifier does not answer getVerifiedKey(address) and the configuration names no "
                    + "markets.\(marketId).teeVerifier",
                hint: "Nothing to do; join the market directly.")
        }
        let clock = try await session.api.clock()
        let authorization = try await enclaveAuthorization(session: session, clock: clock).authorization
        let request = try await session.api.verifyKey(teeVerifier: verifier, authorization: authorization)
        return (request, [("TEE verifier", verifier.checksummed)])
    }
}

/// The configured generator enclave's client; nil when the configuration names none.
func enclaveClient(_ config: KalypsoConfig) -> EnclaveClient? { EnclaveClient.configured(config) }

/// The enclave's attestation and signature for this operator, from the configured generator enclave, and
/// the address of the attested enclave key.
func enclaveAuthorization(session: OperatorSession, clock: ChainClock) async throws -> (
    authorization: EnclaveAuthorization, enclave: Address
) {
    guard let client = enclaveClient(session.config) else {
        throw OptionsError(
            title: "No enclave configured",
            detail: "a market with an enclave needs generatorEnclave.url and generatorEnclave.utilityUrl",
            hint: "Set generatorEnclave in kalypso-config.json (`kalypso-console config check` lists it).")
    }
    let result = try await client.joinAuthorization(
        operator: session.operatorAddress, now: Date(timeIntervalSince1970: TimeInterval(clock.timestamp)))
    let key = try PublicKey(bytes: result.attestation.enclavePublicKey)
    return (EnclaveAuthorization(attestationBlob: result.blob, signature: result.signature), key.address)
}

/// The latest benchmark of the configured enclave for `marketId` (`benchmark` keeps them under the enclave
/// key's address): the key from the configuration's `enclavePubkey`, the attestation just fetched, or the
/// enclave itself. Nil when no enclave is configured or none was recorded; an enclave that cannot be asked is
/// said on stderr and the check skipped (a public market needs no enclave to join).
func latestBenchmark(session: OperatorSession, market marketId: BigUInt, attested: Address?)
    async throws -> BenchmarkRun?
{
    let address: Address
    if let key = session.config.generatorEnclave?.enclavePubkey, key.count == 64,
        let configured = Address(bytes: Array(Keccak256.hash(key)[12...]))
    {
        address = configured
    } else if let attested {
        address = attested
    } else if let client = enclaveClient(session.config) {
        do { address = try await client.enclaveKey().address } catch {
            writeError("warning: the proposed time is not checked against a benchmark: \(ErrorReport(error).title)\n")
            return nil
        }
    } else {
        return nil
    }
    return try session.latestBenchmark(market: marketId, enclave: address)
}

/// `leave --market ID`: requests the exit, then leaves once no request of the market is running.
struct LeaveCommand: AsyncParsableCommand, OperatorOptionsCommand {
    static let configuration = CommandConfiguration(
        commandName: "leave",
        abstract: "Leave a market: request the exit (no new tasks), then leave once running requests finish.")

    @OptionGroup var options: OperatorOptions
    @Option(help: "The market id.") var market: String

    func run() async throws {
        let marketId = try parseCount(market, argument: "--market")
        let session = try await options.writeSession(action: "leave")
        let api = session.api
        let snapshot = try await api.snapshot(markets: [marketId])
        let path = try options.sendPath(session)
        var steps: [SentStep] = []
        if snapshot.membership(marketId)?.state == .joined {
            steps += try await path.run([try await api.requestExit(marketId: marketId)])
        }
        let waiting = Waiting(
            reason: "requests of market \(marketId) are still running", detail: "",
            command: rerunCommand(["leave", "--market", "\(marketId)"], options: options))
        if options.dryRun && !steps.isEmpty {
            // The exit is not requested in a dry run, so leaving cannot be simulated yet.
            try ActionReport(action: "leave", steps: steps).print(json: options.json, dryRun: true)
            return
        }
        let membership = try await api.snapshot(markets: [marketId]).membership(marketId)
        if !steps.isEmpty, membership?.isMember != true {
            // Generation B: with no request running, the exit request leaves the market at once.
            try ActionReport(action: "leave", steps: steps).print(json: options.json, dryRun: options.dryRun)
            return
        }
        let running = membership?.activeRequests ?? 0
        if running > 0 {
            var report = ActionReport(action: "leave", steps: steps)
            report.waiting = waiting
            report.waiting?.detail = "\(running) active request(s); no new ones are assigned"
            try report.print(json: options.json, dryRun: options.dryRun)
            return
        }
        do {
            steps += try await path.run([try await api.leave(marketId: marketId)])
        } catch  where !steps.isEmpty {
            // The exit request is on chain: say so, with why leaving failed.
            let leaving = CallDescription(
                summary: "Leave market \(marketId)", contract: "", function: "leaveMarketplace(uint256)")
            throw PartialSendError(done: steps, failed: leaving, total: 2, error)
        }
        try ActionReport(action: "leave", steps: steps).print(json: options.json, dryRun: options.dryRun)
    }
}

/// `compute increase N` and `compute reduce --to N`.
struct ComputeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compute", abstract: "Change the declared compute.",
        subcommands: [ComputeIncrease.self, ComputeReduce.self])
}

struct ComputeIncrease: AsyncParsableCommand, OperatorOptionsCommand {
    static let configuration = CommandConfiguration(
        commandName: "increase", abstract: "Declare N more compute units.")

    @OptionGroup var options: OperatorOptions
    @Argument(help: "Compute units to add.") var amount: String

    func run() async throws {
        let n = try parseCount(amount, argument: "N")
        try await options.sendOne("compute increase") { try await $0.api.increaseCompute(by: n) }
    }
}

struct ComputeReduce: AsyncParsableCommand, OperatorOptionsCommand {
    static let configuration = CommandConfiguration(
        commandName: "reduce",
        abstract: "Reduce the declared compute to N in two steps: the request now, the reduction when due.",
        discussion: "Run the same command again when the first step says the second is due.")

    @OptionGroup var options: OperatorOptions
    @Option(help: "The declared compute to end with.") var to: String

    func run() async throws {
        let target = try parseCount(to, argument: "--to")
        let session = try await options.writeSession(action: "compute reduce")
        let again = rerunCommand(["compute", "reduce", "--to", "\(target)"], options: options)
        try await twoStep(
            action: "compute reduce", session: session, options: options, again: again,
            pending: { $0.record.pendingComputeReduction },
            request: { try await session.api.requestComputeReduction(to: target) },
            complete: { try await session.api.completeComputeReduction() })
    }
}

/// `unstake AMOUNT [--token ADDR]`: step one of a stake reduction; `withdraw` is step two.
struct UnstakeCommand: AsyncParsableCommand, OperatorOptionsCommand {
    static let configuration = CommandConfiguration(
        commandName: "unstake",
        abstract: "Request to take AMOUNT of stake out (token units or NNNwei); `withdraw` completes it when due.")

    @OptionGroup var options: OperatorOptions
    @Argument(help: "How much to take out: token units (100, 12.5) or base units (123wei).") var amount: String
    @Option(help: "The staked token (default: the staking token).") var token: String?

    func run() async throws {
        let input = try AmountInput(parsing: amount, argument: "AMOUNT")
        let tokenAddress = try token.map { try parseAddress($0, argument: "--token") }
        let session = try await options.writeSession(action: "unstake")
        let snapshot = try await session.api.snapshot(markets: [])
        guard let position = snapshot.stakes.first(where: { tokenAddress == nil || $0.token.address == tokenAddress })
        else {
            throw OperatorRefusal(
                .operatorTokenNotSupported, "No stake in that token",
                detail: "\(tokenAddress?.checksummed ?? "the staking token") is not among the staked tokens",
                hint: "Check --token against `kalypso-console stake`.")
        }
        let units = try input.baseUnits(decimals: position.token.decimals)
        guard units <= position.staked else {
            throw OperatorRefusal(
                .operatorInsufficientFreeStake, "Cannot take out more than is staked",
                detail: "asked \(position.token.format(units)); staked \(position.token.format(position.staked))",
                hint: "Give at most the staked amount.")
        }
        let plan = try await session.api.requestStakeReduction(to: position.staked - units, token: tokenAddress)
        try await sendPlan(
            plan, action: "unstake", token: position.token, session: session, options: options,
            again: rerunCommand(["withdraw"], options: options))
    }
}

/// `withdraw`: step two of `unstake`, refused with the time to wait while not due.
struct WithdrawCommand: AsyncParsableCommand, OperatorOptionsCommand {
    static let configuration = CommandConfiguration(
        commandName: "withdraw", abstract: "Withdraw the stake an earlier `unstake` requested, once due.")

    @OptionGroup var options: OperatorOptions

    func run() async throws {
        do {
            try await options.sendOne("withdraw") { try await $0.api.completeStakeReduction() }
        } catch let refusal as OperatorRefusal where refusal.code == .operatorReductionNotDue {
            try waitingReport(
                "withdraw", refusal, again: rerunCommand(["withdraw"], options: options), options: options)
        }
    }
}

/// Prints a waiting step (exit 0) from the adapter's not-due refusal.
func waitingReport(_ action: String, _ refusal: OperatorRefusal, again: String, options: OperatorOptions) throws {
    let report = ActionReport(
        action: action, waiting: Waiting(reason: refusal.title, detail: refusal.detail, command: again))
    try report.print(json: options.json, dryRun: options.dryRun)
}

/// Step one of a reduction, sent, with what the chain will really do and when step two is due.
func sendPlan(
    _ plan: ReductionPlan, action: String, token: TokenInfo?, session: OperatorSession, options: OperatorOptions,
    again: String
) async throws {
    let clock = try await session.api.clock()
    func amount(_ v: BigUInt) -> String { token?.format(v) ?? "\(v)" }
    let facts = [
        ("Now", amount(plan.current)), ("Asked to end with", amount(plan.target)),
        ("Amount sent", amount(plan.amountSent)), ("Will end with", amount(plan.newTotal)),
        ("Released by step two", amount(plan.releases)), ("Step two possible after", clock.display(plan.wait)),
    ]
    let steps = try await options.sendPath(session).run([plan.request])
    var report = ActionReport(action: action, steps: steps, facts: facts)
    if !options.dryRun {
        report.waiting = Waiting(
            reason: "step two is possible after \(clock.display(plan.wait))", detail: "", command: again)
    }
    try report.print(json: options.json, dryRun: options.dryRun)
}

/// A two-step reduction run by one command: step two when step one is pending (waiting while not due),
/// else step one.
func twoStep(
    action: String, session: OperatorSession, options: OperatorOptions, again: String,
    pending: (OperatorSnapshot) -> PendingReduction?, request: () async throws -> ReductionPlan,
    complete: () async throws -> TransactionRequest
) async throws {
    let snapshot = try await session.api.snapshot(markets: [])
    if pending(snapshot) != nil {
        do {
            try await sendAndReport([try await complete()], action: action, session: session, options: options)
        } catch let refusal as OperatorRefusal where refusal.code == .operatorReductionNotDue {
            try waitingReport(action, refusal, again: again, options: options)
        }
        return
    }
    try await sendPlan(
        try await request(), action: action, token: nil, session: session, options: options, again: again)
}

/// `claim`: what the reward address can claim.
struct ClaimCommand: AsyncParsableCommand, OperatorOptionsCommand {
    static let configuration = CommandConfiguration(
        commandName: "claim", abstract: "Claim the rewards owed to the operator's reward address.")

    @OptionGroup var options: OperatorOptions

    func run() async throws {
        try await options.sendOne("claim") { try await $0.api.claimRewards(rewardAddress: nil) }
    }
}

/// `set-reward-address ADDR`.
struct SetRewardAddressCommand: AsyncParsableCommand, OperatorOptionsCommand {
    static let configuration = CommandConfiguration(
        commandName: "set-reward-address", abstract: "Change the address that receives earnings.")

    @OptionGroup var options: OperatorOptions
    @Argument(help: "The new reward address.") var address: String

    func run() async throws {
        let new = try parseAddress(address, argument: "ADDR")
        try await options.sendOne("set-reward-address") { try await $0.api.changeRewardAddress(new) }
    }
}

/// `set-metadata TEXT` (Generation B).
struct SetMetadataCommand: AsyncParsableCommand, OperatorOptionsCommand {
    static let configuration = CommandConfiguration(
        commandName: "set-metadata", abstract: "Replace the prover's metadata (Generation B; TEXT or @FILE).")

    @OptionGroup var options: OperatorOptions
    @Argument(help: "The metadata, or @FILE to read it from a file.") var text: String

    func run() async throws {
        let bytes = try MetadataInput.bytes(text, argument: "TEXT")
        try await options.sendOne("set-metadata") { try await $0.api.updateMetadata(bytes) }
    }
}

/// `discard JOB`: give up an assigned job and accept the slash.
struct DiscardCommand: AsyncParsableCommand, OperatorOptionsCommand {
    static let configuration = CommandConfiguration(
        commandName: "discard", abstract: "Give up a job assigned to you (its stake lock is slashed).")

    @OptionGroup var options: OperatorOptions
    @Argument(help: "The job (ask) id.") var job: String

    func run() async throws {
        let id = try parseCount(job, argument: "JOB")
        try await options.sendOne("discard") { try await $0.api.discard(jobId: id) }
    }
}

/// `deregister`.
struct DeregisterCommand: AsyncParsableCommand, OperatorOptionsCommand {
    static let configuration = CommandConfiguration(
        commandName: "deregister", abstract: "Deregister the prover (after leaving every market).")

    @OptionGroup var options: OperatorOptions

    func run() async throws {
        try await options.sendOne("deregister") { try await $0.api.deregister() }
    }
}
