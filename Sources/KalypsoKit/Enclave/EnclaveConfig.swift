import Basics
import BigInt
import EthereumKit
import Foundation

/// The body of `generatorConfigSetup` (spec §2.4, §5.4.2): one operator, one market, the listener's runtime
/// settings and the gas key the listener pays `submitProof` with.
///
/// The gas key leaves this process only inside the secure channel, or over plain HTTP when the caller passed
/// ``PlainHTTPPermission/allowed`` (the `--plain-http` flag). `description` never shows it.
package struct EnclaveConfig: Sendable, CustomStringConvertible {
    /// The operator, spelled as `fetchGeneratorPublicKeys` must later be asked (it compares strings exactly).
    package var operatorAddress: String
    /// Free text the generator client stores beside the operator.
    package var data: String
    package var marketId: BigUInt
    package var wsURL: String
    package var httpURL: String
    package var gasKey: PrivateKey
    package var startBlock: Int64
    package var chainId: Int64
    package var paymentToken: Address
    package var stakingToken: Address
    package var attestationVerifier: Address
    package var entityRegistry: Address
    package var proofMarketplace: Address
    /// Gen A: GeneratorRegistry; Gen B: ProverManager.
    package var generatorRegistry: Address
    /// The prover executable's port inside the enclave, as the generator client wants it: a decimal string.
    package var proverPort: String
    package var ivsURL: String

    package init(
        operatorAddress: Address, data: String = "", marketId: BigUInt, wsURL: String, httpURL: String,
        gasKey: PrivateKey, startBlock: Int64, chainId: Int64, paymentToken: Address, stakingToken: Address,
        attestationVerifier: Address, entityRegistry: Address, proofMarketplace: Address,
        generatorRegistry: Address, proverPort: String = "3000", ivsURL: String = "http://not_available"
    ) {
        self.operatorAddress = operatorAddress.checksummed
        self.data = data
        self.marketId = marketId
        self.wsURL = wsURL
        self.httpURL = httpURL
        self.gasKey = gasKey
        self.startBlock = startBlock
        self.chainId = chainId
        self.paymentToken = paymentToken
        self.stakingToken = stakingToken
        self.attestationVerifier = attestationVerifier
        self.entityRegistry = entityRegistry
        self.proofMarketplace = proofMarketplace
        self.generatorRegistry = generatorRegistry
        self.proverPort = proverPort
        self.ivsURL = ivsURL
    }

    /// The 0.05 ETH the generator client requires on the gas key (`kalypso.rs`, literal 50000000000000000).
    package static let minimumGasBalanceWei = BigUInt(50_000_000_000_000_000)

    /// Checks the rules the generator client applies (spec §5.4.2, §9.2) so that a refusal names our field
    /// instead of arriving as the enclave's message (or a dropped connection).
    package func validate() throws(EnclaveError) {
        guard wsURL.contains("wss") else {
            throw .configInvalid(
                field: "ws_url",
                reason:
                    "the generator client requires a WebSocket URL containing \"wss\" (even where only HTTP is used); "
                    + "got \(Redaction.url(wsURL))")
        }
        guard httpURL.contains("http") else {
            throw .configInvalid(field: "http_url", reason: "must be an http(s) URL; got \(Redaction.url(httpURL))")
        }
        guard (1...Int64(Int32.max)).contains(startBlock) else {
            throw .configInvalid(field: "start_block", reason: "must be between 1 and \(Int32.max); got \(startBlock)")
        }
        guard (1...Int64(Int32.max)).contains(chainId) else {
            throw .configInvalid(field: "chain_id", reason: "must be between 1 and \(Int32.max); got \(chainId)")
        }
        guard let port = Int(proverPort), (1...65535).contains(port), String(port) == proverPort else {
            throw .configInvalid(field: "prover port", reason: "must be a port number 1…65535; got \"\(proverPort)\"")
        }
        guard !ivsURL.isEmpty else { throw .configInvalid(field: "ivs_url", reason: "must not be empty") }
    }

    /// Checks the gas key's balance (read by the caller from the chain) against the enclave's minimum.
    package static func checkGasBalance(_ wei: BigUInt, gasKeyAddress: Address) throws(EnclaveError) {
        guard wei >= minimumGasBalanceWei else {
            throw EnclaveError(
                .enclaveConfigInvalid, title: "The gas key holds less than the enclave requires",
                detail:
                    "gas key \(gasKeyAddress.checksummed) holds \(wei) wei; the generator client requires at least "
                    + "\(minimumGasBalanceWei) wei (0.05 ETH)",
                hint:
                    "Send at least 0.05 ETH to \(gasKeyAddress.checksummed) on this chain, then run the command again.",
                category: .configuration)
        }
    }

    /// The JSON body of `generatorConfigSetup`; holds the gas key in clear, so it only goes to the secure channel
    /// or, with permission, to the plain endpoint.
    func jsonBody() -> [UInt8] {
        let market = String(marketId)
        let gasKeyHex = gasKey.withUnsafeKeyBytes { Hex.encode(Array($0), prefix: false) }
        let body: [String: Any] = [
            "generator_config": [
                ["address": operatorAddress, "data": data, "supported_markets": [market]] as [String: Any]
            ],
            "runtime_config": [
                "ws_url": wsURL, "http_url": httpURL, "private_key": gasKeyHex,
                "start_block": startBlock, "chain_id": chainId,
                "payment_token": paymentToken.checksummed, "staking_token": stakingToken.checksummed,
                "attestation_verifier": attestationVerifier.checksummed,
                "entity_registry": entityRegistry.checksummed,
                "proof_market_place": proofMarketplace.checksummed,
                "generator_registry": generatorRegistry.checksummed,
                "markets": [market: ["port": proverPort, "ivs_url": ivsURL]],
            ] as [String: Any],
        ]
        // Only strings, integers, arrays and dictionaries: serialisation cannot fail.
        let data = (try? JSONSerialization.data(withJSONObject: body, options: [.sortedKeys])) ?? Data()
        return Array(data)
    }

    package var description: String {
        "EnclaveConfig(operator \(operatorAddress), market \(marketId), gas key \(gasKey.address.checksummed))"
    }
}

/// A change to the enclave's runtime configuration (`updateRuntimeConfig`, spec §5.4.1): only the fields given
/// are sent. With a new gas key it goes through the secure channel like ``EnclaveConfig``.
package struct RuntimeConfigUpdate: Sendable {
    package var wsURL: String?
    package var httpURL: String?
    package var gasKey: PrivateKey?
    package var startBlock: Int64?
    package var chainId: Int64?

    package init(
        wsURL: String? = nil, httpURL: String? = nil, gasKey: PrivateKey? = nil, startBlock: Int64? = nil,
        chainId: Int64? = nil
    ) {
        self.wsURL = wsURL
        self.httpURL = httpURL
        self.gasKey = gasKey
        self.startBlock = startBlock
        self.chainId = chainId
    }

    /// The generator client's rules for the fields present.
    package func validate() throws(EnclaveError) {
        if let wsURL, !wsURL.contains("wss") {
            throw .configInvalid(
                field: "ws_url", reason: "the generator client requires \"wss\" in it; got \(Redaction.url(wsURL))")
        }
        if let httpURL, !httpURL.contains("http") {
            throw .configInvalid(field: "http_url", reason: "must be an http(s) URL; got \(Redaction.url(httpURL))")
        }
        if let startBlock, !(1...Int64(Int32.max)).contains(startBlock) {
            throw .configInvalid(field: "start_block", reason: "must be between 1 and \(Int32.max); got \(startBlock)")
        }
        if let chainId, !(1...Int64(Int32.max)).contains(chainId) {
            throw .configInvalid(field: "chain_id", reason: "must be between 1 and \(Int32.max); got \(chainId)")
        }
    }

    func jsonBody() -> [UInt8] {
        var body: [String: Any] = [:]
        if let wsURL { body["ws_url"] = wsURL }
        if let httpURL { body["http_url"] = httpURL }
        if let gasKey { body["private_key"] = gasKey.withUnsafeKeyBytes { Hex.encode(Array($0), prefix: false) } }
        if let startBlock { body["start_block"] = startBlock }
        if let chainId { body["chain_id"] = chainId }
        let data = (try? JSONSerialization.data(withJSONObject: body, options: [.sortedKeys])) ?? Data()
        return Array(data)
    }
}

/// Whether a private key may travel over plain HTTP (the `--plain-http` flag). Without it, an enclave that has
/// no encrypted endpoint is refused with an error that names the flag.
package enum PlainHTTPPermission: Sendable, Equatable {
    case refused
    case allowed

    /// What the command prints when the flag is given.
    package static let warning =
        "--plain-http: the gas key is sent to the enclave unencrypted over HTTP; anyone on the path can read it."
}
