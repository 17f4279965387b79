import Basics
import BigInt
import EthereumKit
import Foundation
import KalypsoStore

/// The enclave configuration's inputs as an operator gives them (the `enclave-config` flags, the console's
/// form); nil or empty: the last successful configuration of this network and market, else the defaults.
package struct EnclaveConfigInputs: Sendable, Hashable {
    package var startBlock: String?
    package var proverPort: String?
    package var ivsURL: String?
    /// Allow the gas key over plain HTTP when the enclave has no encrypted endpoint.
    package var plainHTTP: Bool

    package init(startBlock: String? = nil, proverPort: String? = nil, ivsURL: String? = nil, plainHTTP: Bool = false) {
        self.startBlock = startBlock
        self.proverPort = proverPort
        self.ivsURL = ivsURL
        self.plainHTTP = plainHTTP
    }
}

/// What builds an ``OnboardingRunner``, shared by the headless onboarding commands and the console: the
/// operator session, the configured enclave, the database (enclave settings, benchmarks) and the one send path.
package struct OnboardingSetup: Sendable {
    package let session: OperatorSession
    package let enclave: EnclaveClient
    package let database: KalypsoDatabase
    /// The cache's key of this network (the enclave settings are kept under it).
    package let networkKey: String
    package let book: BenchmarkBook
    /// The send path of the steps' transactions; nil without a key (read-only): a step that sends throws
    /// ``noSendPath``.
    package var sendPath: OperatorSendPath?
    package var noSendPath: @Sendable () -> any Error
    /// The enclave's gas key (asked for only when a configuration is built).
    package var gasKey: @Sendable () throws -> PrivateKey
    /// Where a warning for the operator goes (the plain-HTTP one).
    package var warn: @Sendable (String) -> Void = { _ in }

    package init(
        session: OperatorSession, databasePath: String, sendPath: OperatorSendPath?,
        noSendPath: @escaping @Sendable () -> any Error, gasKey: @escaping @Sendable () throws -> PrivateKey
    ) throws {
        guard let enclave = EnclaveClient.configured(session.config) else {
            throw OptionsError(
                title: "No enclave configured",
                detail: "generatorEnclave.url and generatorEnclave.utilityUrl are missing",
                hint: "Set generatorEnclave in kalypso-config.json (`kalypso-console config check` lists it).")
        }
        let database = try KalypsoDatabase(path: databasePath)
        let key = try ChainSync.cacheKey(config: session.config)
        let cache = ChainCache(database: database)
        self.session = session
        self.enclave = enclave
        self.database = database
        self.networkKey = key.text
        self.book = BenchmarkBook(cache: cache, network: try cache.networkId(for: key))
        self.sendPath = sendPath
        self.noSendPath = noSendPath
        self.gasKey = gasKey
    }

    package var config: KalypsoConfig { session.config }

    /// The runner for one market; `inputs` nil: the enclave configuration comes only from the store.
    package func runner(marketId: BigUInt, inputs: EnclaveConfigInputs?, benchmarkRuns: Int = 1) throws
        -> OnboardingRunner
    {
        let session = self.session
        let sendPath = self.sendPath
        let noSendPath = self.noSendPath
        let gasKey = self.gasKey
        let settingsStore = EnclaveSettingsStore(database: database)
        let networkKey = self.networkKey
        let stored = try settingsStore.settings(network: networkKey, marketId: String(marketId))
        var runner = OnboardingRunner(
            api: session.api, enclave: enclave, chain: RPCOperatorChain(client: session.client),
            journal: session.sender.journal, chainId: Int64(clamping: session.sender.chainId),
            requiredConfirmations: max(1, session.config.confirmations), benchmarks: book,
            send: { requests in
                guard let sendPath else { throw noSendPath() }
                return try await sendPath.run(requests).map { "\($0.description.summary): \($0.outcomeText)" }
            },
            enclaveConfig: { market in
                try await Self.enclaveConfig(
                    session: session, gasKey: try gasKey(), market: market, stored: stored, inputs: inputs)
            })
        runner.configured = { config in
            try settingsStore.save(
                EnclaveSettings(
                    network: networkKey, marketId: String(config.marketId), operatorAddress: config.operatorAddress,
                    startBlock: config.startBlock, proverPort: config.proverPort, ivsURL: config.ivsURL,
                    updatedAt: Date().timeIntervalSince1970))
        }
        let me = session.operatorAddress
        runner.lastConfiguredMarket = { ids in
            var last: (id: BigUInt, at: Double)?
            for id in ids {
                guard let s = try settingsStore.settings(network: networkKey, marketId: String(id)),
                    s.operatorAddress.lowercased() == me.checksummed.lowercased()
                else { continue }
                if s.updatedAt > last?.at ?? -.infinity { last = (id, s.updatedAt) }
            }
            return last?.id
        }
        if inputs?.plainHTTP == true {
            warn("warning: " + PlainHTTPPermission.warning)
            runner.plainHTTP = .allowed
        }
        runner.benchmarkRuns = benchmarkRuns
        if session.key != nil {
            let sender = session.sender
            runner.recover = { _ = try await sender.recover(account: me) }
        }
        return runner
    }

    /// The enclave settings last sent for `marketId` on this network (no secrets), nil when none.
    package func storedSettings(marketId: BigUInt) throws -> EnclaveSettings? {
        try EnclaveSettingsStore(database: database).settings(network: networkKey, marketId: String(marketId))
    }

    /// The enclave configuration: inputs, else the last successful one of this network and market, else
    /// defaults; checked against the generator client's rules and the gas key's 0.05 ETH before anything is sent.
    package static func enclaveConfig(
        session: OperatorSession, gasKey: PrivateKey, market: BigUInt, stored: EnclaveSettings?,
        inputs: EnclaveConfigInputs?
    ) async throws -> EnclaveConfig {
        let config = session.config
        guard let ws = config.rpcWs?.url.absoluteString else {
            throw OptionsError(
                title: "No WebSocket RPC URL for the enclave", detail: "the configuration has no rpcWs",
                hint: "Set rpcWs in kalypso-config.json to a wss:// URL of the chain (spec §5.4.2).")
        }
        guard let http = config.rpcHttp.first?.url.absoluteString, let chainId = config.chainId else {
            throw OptionsError(
                title: "No RPC URL or chain id for the enclave", detail: "rpcHttp or chainId is missing",
                hint: "Set rpcHttp and chainId in kalypso-config.json.")
        }
        func required(_ address: Address?, _ key: String) throws -> Address {
            guard let address, address != .zero else { throw missingContract(key) }
            return address
        }
        let c = config.contracts
        var startBlock: Int64
        if let text = inputs?.startBlock {
            // A block past what the enclave's signed 64-bit field holds is an input error, not a trap.
            guard let block = Int64(exactly: try CountInput.parse(text, argument: "--start-block")) else {
                throw OperatorInputError(
                    code: "input.invalidNumber", argument: "--start-block", title: "--start-block is too large",
                    detail: "a block number must be below 2^63; got \(text.count) digits",
                    hint: "Give the block to start listening from, e.g. the current block.")
            }
            startBlock = block
        } else if let stored {
            startBlock = stored.startBlock
        } else {
            startBlock = Int64(clamping: try await session.client.blockNumber())
        }
        startBlock = max(startBlock, 1)
        let enclaveConfig = EnclaveConfig(
            operatorAddress: session.operatorAddress, marketId: market, wsURL: ws, httpURL: http, gasKey: gasKey,
            startBlock: startBlock, chainId: Int64(clamping: chainId),
            paymentToken: try required(c.paymentToken, "payment_token"),
            stakingToken: try required(c.stakingToken ?? c.paymentToken, "staking_token"),
            attestationVerifier: try required(c.attestationVerifier, "attestation_verifier"),
            entityRegistry: try required(c.entityRegistry, "entity_registry"),
            proofMarketplace: try required(c.proofMarketplace, "proof_market_place"),
            generatorRegistry: try required(c.generatorRegistry, "generator_registry"),
            proverPort: inputs?.proverPort ?? stored?.proverPort ?? "3000",
            ivsURL: inputs?.ivsURL ?? stored?.ivsURL ?? "http://not_available")
        try enclaveConfig.validate()
        try EnclaveConfig.checkGasBalance(
            try await session.client.balance(of: gasKey.address), gasKeyAddress: gasKey.address)
        return enclaveConfig
    }

    /// A contract address the enclave configuration needs is missing from the configuration (exit 3).
    package static func missingContract(_ key: String) -> OptionsError {
        OptionsError(
            title: "kalypso-config.json lacks a contract address", detail: "\(key) is missing or zero",
            hint: "Add \"\(key)\" to kalypso-config.json (`kalypso-console config check` lists it).")
    }

    /// The goal of one market with nothing to reach but the enclave side (status, start, update-key); callers
    /// fill in the chain side (reward address, compute, stake, terms).
    package func goal(marketId: BigUInt, programs: [String]) async throws -> OnboardingGoal {
        let info = try await session.api.market(marketId)
        let verification: KeyVerification =
            info.isPublic
            ? .notNeeded
            : try await session.teeVerifier(market: marketId).map { .needed(verifier: $0) }
                ?? .notNeeded
        return OnboardingGoal(
            marketId: marketId, rewardAddress: session.operatorAddress, declaredCompute: 0, stakeTargets: [],
            join: OnboardingJoinTerms(computePerRequest: 0, proofCost: 0, proposedTime: .blocks(0)),
            programs: programs.isEmpty ? Self.defaultPrograms : programs, keyVerification: verification,
            publicMarket: info.isPublic)
    }

    /// `listener`, then the prover program (spec §2.8).
    package static let defaultPrograms = ["listener", "prover"]
}

extension EnclaveClient {
    /// The configuration's generator enclave; nil when the configuration names none.
    package static func configured(_ config: KalypsoConfig) -> EnclaveClient? {
        guard let generator = config.generatorEnclave?.url?.url,
            let attestation = config.generatorEnclave?.utilityUrl?.url
        else { return nil }
        let verifier = config.attestationVerifierEndPoint?.url ?? attestation
        return EnclaveClient(
            endpoints: EnclaveServiceURLs(generator: generator, attestation: attestation, verifier: verifier),
            transport: URLSessionEnclaveTransport())
    }
}
