import Basics
import BigInt
import EthereumKit
import Foundation
import KalypsoStore

/// What a runner read for one market: the engine's observation and what the commands show beside it.
package struct OnboardingReading: Sendable {
    package var observation: OnboardingObservation
    package var snapshot: OperatorSnapshot
    /// The enclave's address (of its current key), nil when it could not be read.
    package var enclaveAddress: Address?
    /// Why the enclave could not be read: what a command throws when a step is blocked on it (exit 4 or 6).
    package var enclaveError: EnclaveError?
}

/// The benchmark table of the local cache for one network (spec §2.3 results kept per enclave and market).
package struct BenchmarkBook: Sendable {
    package let cache: ChainCache
    package let network: Int64

    package init(cache: ChainCache, network: Int64) {
        self.cache = cache
        self.network = network
    }

    package func runs(enclave: Address, marketId: BigUInt) throws -> [BenchmarkRun] {
        try cache.benchmarkHistory(
            network: network, enclave: enclave.checksummed.lowercased(), marketId: Int64(exactly: marketId))
    }

    package func record(enclave: Address, marketId: BigUInt, milliseconds: UInt64) throws {
        try cache.recordBenchmark(
            BenchmarkRun(
                enclave: enclave.checksummed.lowercased(), marketId: Int64(exactly: marketId),
                milliseconds: Int64(clamping: milliseconds), at: Date().timeIntervalSince1970),
            network: network)
    }
}

/// The I/O around ``OnboardingEngine``: gathers an ``OnboardingObservation`` from the chain (operator API
/// snapshot, TEE verifier), the enclave (attestation, generator client) and the journal, and executes the effect
/// of a step: transactions through the one send path (``send``), enclave calls through ``enclave``.
package struct OnboardingRunner: Sendable {
    package let api: any OperatorAPI
    package let enclave: EnclaveClient
    /// `eth_call`s for the TEE verifier's `getVerifiedKey`.
    package let chain: any OperatorChainReader
    /// Open journal rows make their step wait instead of being sent again.
    package let journal: TransactionJournal?
    package let chainId: Int64
    package let requiredConfirmations: Int
    package let benchmarks: BenchmarkBook?
    /// Sends one step's transactions, in order, through the shared send path; returns one line per transaction.
    package var send: @Sendable ([TransactionRequest]) async throws -> [String]
    /// The enclave configuration for a market (gas key included), checked against the enclave's rules (spec
    /// §5.4.2, the 0.05 ETH gas key balance) before it is returned.
    package var enclaveConfig: @Sendable (BigUInt) async throws -> EnclaveConfig
    /// Called after the enclave accepted a configuration (keeps it, without the gas key, for `update-key`).
    package var configured: @Sendable (EnclaveConfig) throws -> Void = { _ in }
    package var plainHTTP: PlainHTTPPermission = .refused
    package var benchmarkRuns = 1
    /// Brings the journal up to the chain before reading it (a row left `sent` by a killed run is looked up, a
    /// `signed` one sent again): the write commands pass ``TransactionSender/recover(account:unsentOnly:)``.
    package var recover: @Sendable () async throws -> Void = {}
    /// Of these markets, the one this machine last configured the enclave for (``EnclaveState/configuredMarket``).
    package var lastConfiguredMarket: @Sendable ([BigUInt]) throws -> BigUInt? = { _ in nil }

    package init(
        api: any OperatorAPI, enclave: EnclaveClient, chain: any OperatorChainReader, journal: TransactionJournal?,
        chainId: Int64, requiredConfirmations: Int, benchmarks: BenchmarkBook?,
        send: @escaping @Sendable ([TransactionRequest]) async throws -> [String],
        enclaveConfig: @escaping @Sendable (BigUInt) async throws -> EnclaveConfig
    ) {
        self.api = api
        self.enclave = enclave
        self.chain = chain
        self.journal = journal
        self.chainId = chainId
        self.requiredConfirmations = requiredConfirmations
        self.benchmarks = benchmarks
        self.send = send
        self.enclaveConfig = enclaveConfig
    }

    // MARK: - Observing

    /// Reads chain, enclave and journal for `goal`'s market. The enclave being down is an observation (its
    /// steps are blocked), not an error; the chain being down is.
    package func read(goal: OnboardingGoal) async throws -> OnboardingReading {
        try await recover()
        let snapshot = try await api.snapshot(markets: [goal.marketId])
        var enclaveError: EnclaveError?
        var address: Address?
        let observed: EnclaveObservation
        let count = Int(exactly: snapshot.marketCount) ?? 0
        let configured = try lastConfiguredMarket((0..<min(count, 10_000)).map { BigUInt($0) })
        do {
            var state = try await enclaveState(goal: goal)
            if state.state.hasConfig { state.state.configuredMarket = configured }
            address = state.address
            observed = .reachable(state.state)
        } catch {
            enclaveError = error
            observed = .unreachable(reason: error.title + ": " + error.detail)
        }
        var verified: [UInt8]?
        if case .needed(let verifier) = goal.keyVerification, let address {
            verified = try await verifiedImage(verifier: verifier, enclave: address)
        }
        return OnboardingReading(
            observation: OnboardingObservation(
                snapshot: snapshot, marketId: goal.marketId, enclave: observed, teeVerifiedKey: verified,
                pendingTransactions: try pendingTransactions()),
            snapshot: snapshot, enclaveAddress: address, enclaveError: enclaveError)
    }

    private func enclaveState(goal: OnboardingGoal) async throws(EnclaveError) -> (
        state: EnclaveState, address: Address
    ) {
        let key = try await enclave.enclaveKey()
        var hasConfig = true
        do {
            _ = try await enclave.publicKeys(operatorAddress: api.operatorAddress.checksummed)
        } catch  where error.code == .enclaveRefused && (error.status == 404 || error.status == 500) {
            // 500 "issue while fetching": no configuration; 404: configured for another operator address.
            hasConfig = false
        }
        var running: Set<String> = []
        if hasConfig {
            for program in goal.programs where try await enclave.programStatus(program) == .running {
                running.insert(program)
            }
        }
        var known = false
        if let benchmarks, let runs = try? benchmarks.runs(enclave: key.address, marketId: goal.marketId) {
            known = !runs.isEmpty
        }
        return (
            EnclaveState(
                key: Array(key.uncompressed.dropFirst()), hasConfig: hasConfig, runningPrograms: running,
                benchmarkKnown: known),
            key.address
        )
    }

    /// `getVerifiedKey(enclave)` of the TEE verifier: the verified image id, zeros when the key is not verified.
    private func verifiedImage(verifier: Address, enclave: Address) async throws -> [UInt8]? {
        let data = try ABIFunction("getVerifiedKey(address)").encodeCall([.address(enclave)])
        guard case .returned(let answer) = try await chain.read([ContractRead(to: verifier, data: data)])[0],
            answer.count >= 32
        else { return nil }
        return Array(answer.prefix(32))
    }

    /// The journal's open rows from the operator that belong to an onboarding step, told by their selector.
    private func pendingTransactions() throws -> [PendingOnboardingTransaction] {
        guard let journal else { return [] }
        let from = api.operatorAddress.checksummed
        let rows = try journal.pending(chainId: chainId, from: from)
        return rows.compactMap { row in
            guard row.data.count >= 4, let step = Self.steps[Array(row.data.prefix(4))] else { return nil }
            return PendingOnboardingTransaction(
                step: step, hash: row.hash, confirmations: row.state == .mined ? 0 : nil,
                requiredConfirmations: requiredConfirmations)
        }
    }

    /// The selectors each onboarding step sends, on either generation.
    static let steps: [[UInt8]: OnboardingStepKind] = {
        let table: [(String, OnboardingStepKind)] = [
            ("register(address,uint256,uint256,bytes)", .register), ("register(address,uint256,bytes)", .register),
            ("approve(address,uint256)", .stake), ("stake(address,uint256)", .stake),
            ("stake(address,address,uint256)", .stake),
            ("joinMarketplace(uint256,uint256,uint256,uint256,bool,bytes,bytes)", .join),
            ("joinMarketplace(uint256,uint256,uint256,uint256,uint256,bool,bytes,bytes)", .join),
            ("verifyKey(bytes)", .verifyKey), ("updateEncryptionKey(uint256,bytes,bytes)", .updateKey),
        ]
        var steps: [[UInt8]: OnboardingStepKind] = [:]
        for (signature, step) in table { steps[ABI.selector(signature)] = step }
        return steps
    }()

    // MARK: - Executing

    /// The transactions a step sends, built (with a fresh attestation and enclave signature where the step needs
    /// them) but not sent: what a review shows before ``execute(_:goal:prepared:)`` sends exactly these. Empty
    /// for the steps that only talk to the enclave; for the update-key sequence, its key update and TEE
    /// verification (both under one attestation).
    package func transactions(_ effect: OnboardingEffect, goal: OnboardingGoal) async throws -> [TransactionRequest] {
        switch effect {
        case .register(let reward, let compute, let metadata):
            return [try await api.register(rewardAddress: reward, declaredCompute: compute, metadata: metadata)]
        case .stake(let targets):
            var requests: [TransactionRequest] = []
            for target in targets { requests += try await api.stake(target.amount, token: target.token.address) }
            return requests
        case .join(let marketId, let terms):
            let authorization = goal.publicMarket ? nil : try await authorization()
            return [
                try await api.join(
                    JoinParameters(
                        marketId: marketId, computePerRequest: terms.computePerRequest, proofCost: terms.proofCost,
                        proposedTime: terms.proposedTime, commission: terms.commission ?? 0,
                        authorization: authorization))
            ]
        case .verifyKey(_, let verifier):
            return [try await api.verifyKey(teeVerifier: verifier, authorization: authorization())]
        case .updateKey(let action):
            var requests: [TransactionRequest] = []
            var auth: EnclaveAuthorization?
            for part in action.parts {
                switch part {
                case .updateEncryptionKey(let marketId):
                    let authorization = try await authorizationOnce(&auth)
                    requests.append(try await api.updateEnclaveKey(marketId: marketId, authorization: authorization))
                case .verifyKey(let verifier):
                    let authorization = try await authorizationOnce(&auth)
                    requests.append(try await api.verifyKey(teeVerifier: verifier, authorization: authorization))
                case .attestation, .enclaveSignature, .configureEnclave, .startPrograms:
                    continue
                }
            }
            return requests
        case .configureEnclave, .benchmark, .startPrograms:
            return []
        }
    }

    /// Executes one step's effect; returns what was done, one line each. `prepared`: the step's transactions
    /// as ``transactions(_:goal:)`` built them for a review, sent instead of building them again.
    package func execute(_ effect: OnboardingEffect, goal: OnboardingGoal, prepared: [TransactionRequest]? = nil)
        async throws -> [String]
    {
        switch effect {
        case .register, .stake, .join, .verifyKey:
            return try await send(try await requests(effect, goal: goal, prepared: prepared))
        case .configureEnclave(let marketId):
            return [try await configure(marketId)]
        case .benchmark(let marketId):
            return try await benchmark(marketId)
        case .startPrograms(let programs):
            return try await start(programs)
        case .updateKey(let action):
            // The §2.9 parts in order: the transactions (one attestation and signature for both), then the
            // enclave's configuration and programs.
            let requests = try await requests(effect, goal: goal, prepared: prepared)
            var lines = requests.isEmpty ? [] : try await send(requests)
            for part in action.parts {
                switch part {
                case .configureEnclave: lines.append(try await configure(action.marketId))
                case .startPrograms(let programs): lines += try await start(programs)
                case .attestation, .enclaveSignature, .updateEncryptionKey, .verifyKey: continue
                }
            }
            return lines
        }
    }

    /// Sends the configuration (through the secure channel unless `--plain-http` allowed the plain endpoint).
    package func configure(_ marketId: BigUInt) async throws -> String {
        let config = try await enclaveConfig(marketId)
        try await enclave.configure(config, plainHTTP: plainHTTP)
        try configured(config)
        return "enclave configured for operator \(config.operatorAddress), market \(marketId)"
    }

    /// Runs the enclave's benchmark ``benchmarkRuns`` times and records each run in the cache.
    package func benchmark(_ marketId: BigUInt) async throws -> [String] {
        let address = try await enclave.enclaveKey().address
        var lines: [String] = []
        for run in 1...max(1, benchmarkRuns) {
            let result = try await enclave.benchmark(marketId: marketId)
            try benchmarks?.record(enclave: address, marketId: marketId, milliseconds: result.milliseconds)
            lines.append("benchmark run \(run): \(result.milliseconds) ms")
        }
        return lines
    }

    /// Starts `programs` in order; one already running is left as it is.
    package func start(_ programs: [String]) async throws -> [String] {
        var lines: [String] = []
        for program in programs {
            if try await enclave.programStatus(program) == .running {
                lines.append("\(program) already running")
                continue
            }
            try await enclave.startProgram(program)
            lines.append("started \(program)")
        }
        return lines
    }

    /// A fresh attestation and the enclave's signature authorising this operator, checked against the chain's
    /// clock (spec §2.6).
    package func authorization() async throws -> EnclaveAuthorization {
        let clock = try await api.clock()
        let result = try await enclave.joinAuthorization(
            operator: api.operatorAddress, now: Date(timeIntervalSince1970: TimeInterval(clock.timestamp)))
        return EnclaveAuthorization(attestationBlob: result.blob, signature: result.signature)
    }

    private func requests(_ effect: OnboardingEffect, goal: OnboardingGoal, prepared: [TransactionRequest]?)
        async throws -> [TransactionRequest]
    {
        if let prepared { return prepared }
        return try await transactions(effect, goal: goal)
    }

    private func authorizationOnce(_ auth: inout EnclaveAuthorization?) async throws -> EnclaveAuthorization {
        if let auth { return auth }
        let fresh = try await authorization()
        auth = fresh
        return fresh
    }
}
