import Basics
import BigInt
import EthereumKit
import Foundation

/// The Kalypso contract generation a network runs (spec §0.2).
public enum Generation: String, Sendable, Equatable, CaseIterable, CustomStringConvertible {
    /// GeneratorRegistry era: stake inside the registry, time in blocks, first market id 0.
    case a = "A"
    /// ProverManager + staking pools era: time in seconds, first market id 1.
    case b = "B"

    public var description: String {
        switch self {
        case .a: return "A (GeneratorRegistry)"
        case .b: return "B (ProverManager)"
        }
    }
}

/// A validated http(s) or ws(s) URL. Its text may carry an API key, so it is only ever shown through
/// ``redacted`` (`description` is redacted too).
public struct EndpointURL: Sendable, Equatable, Hashable, CustomStringConvertible {
    public let url: URL
    public init?(_ text: String, schemes: Set<String>) {
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), schemes.contains(scheme),
            let host = url.host, !host.isEmpty
        else { return nil }
        self.url = url
    }
    /// The URL with credentials, query values and key-like path segments masked.
    public var redacted: String { Redaction.url(url.absoluteString) }
    public var description: String { redacted }
}

/// The SDK's `Enclave` object (spec §1): the control API and the attestation server of one enclave.
public struct EnclaveEndpoints: Sendable, Equatable {
    /// Control API (generator client, port 5000).
    public var url: EndpointURL?
    /// Attestation server (port 1500).
    public var utilityUrl: EndpointURL?
    /// The enclave's cached 64-byte secp256k1 public key (x ‖ y), when the file gives one.
    public var enclavePubkey: [UInt8]?
    public init(url: EndpointURL? = nil, utilityUrl: EndpointURL? = nil, enclavePubkey: [UInt8]? = nil) {
        self.url = url
        self.utilityUrl = utilityUrl
        self.enclavePubkey = enclavePubkey
    }
}

/// Contract addresses of one deployment. The zero address in a file means "not deployed" and reads as nil.
public struct ContractAddresses: Sendable, Equatable {
    public var paymentToken: Address?
    public var stakingToken: Address?
    /// Generation A: GeneratorRegistry; Generation B: ProverManager (the SDK kept the key name).
    public var generatorRegistry: Address?
    public var attestationVerifier: Address?
    public var entityRegistry: Address?
    public var proofMarketplace: Address?
    public var teeVerifierDeployer: Address?
    public var nativeStaking: Address?
    public var symbioticStaking: Address?
    public var stakingManager: Address?
    public init() {}

    /// Every configured contract with its config key, in the file's usual order.
    public var all: [(key: String, address: Address)] {
        let pairs: [(String, Address?)] = [
            ("payment_token", paymentToken), ("staking_token", stakingToken),
            ("generator_registry", generatorRegistry), ("attestation_verifier", attestationVerifier),
            ("entity_registry", entityRegistry), ("proof_market_place", proofMarketplace),
            ("tee_verifier_deployer", teeVerifierDeployer), ("nativeStaking", nativeStaking),
            ("symbioticStaking", symbioticStaking), ("stakingManager", stakingManager),
        ]
        return pairs.compactMap { k, a in a.map { (k, $0) } }
    }
}

/// Per-market settings (`markets.<id>`).
public struct MarketSettings: Sendable, Equatable {
    /// The market's TEE verifier wrapper, where the enclave key is verified (spec §2.7); nil if none.
    public var teeVerifier: Address?
    public init(teeVerifier: Address? = nil) { self.teeVerifier = teeVerifier }
}

/// How often the console refreshes.
public struct RefreshIntervals: Sendable, Equatable {
    /// How often chain state (block, balances, jobs) is polled.
    public var chainPoll: Duration = .seconds(4)
    /// How often the screen is redrawn when nothing else changes (clocks, countdowns).
    public var screen: Duration = .seconds(1)
    public init() {}
}

/// Fee ceilings above which the transaction pipeline refuses to send.
public struct FeeCaps: Sendable, Equatable {
    /// Highest `maxFeePerGas` the console will sign, in wei.
    public var maxFeePerGas: BigUInt = Units.pow10(9) * 10
    /// Highest total fee of one transaction (gas limit × max fee per gas), in wei.
    public var maxTotalFee: BigUInt = Units.pow10(16) * 2
    public init() {}
}

/// Where a signing key comes from (the key itself never appears in the config).
public enum KeySpec: Sendable, Equatable {
    /// An encrypted Web3 Secret Storage v3 keystore; the password from a file or a prompt.
    case keystore(path: String, passwordFile: String?)
    /// A file holding the key as hex (mode 600).
    case keyFile(path: String)
    /// An environment variable holding the key as hex.
    case environment(variable: String)
}

/// kalypso-config.json, typed: the SDK's `KalspsoConfig` (spec §1), the console's keys the devnet writes,
/// and the console's own settings. Unknown keys are kept in ``extra`` and otherwise ignored, as the SDK does.
public struct KalypsoConfig: Sendable, Equatable {
    public var networkName: String?
    public var chainId: UInt64?
    /// JSON-RPC HTTP endpoints in failover order (`rpcHttp` may be one URL or a list).
    public var rpcHttp: [EndpointURL] = []
    public var rpcWs: EndpointURL?
    /// Nil when the file does not say; `config check` then detects it from the chain (spec §9 item 1).
    public var generation: Generation?
    /// First block the log scanner reads (the deployment block).
    public var logStartBlock: UInt64?
    /// Never load a key, never sign (`--read-only` wins over false).
    public var readOnly = false
    /// The operator (prover) address, for read-only use and to check the loaded key against.
    public var operatorAddress: Address?
    public var contracts = ContractAddresses()
    /// Market id (decimal, as in the file) → settings.
    public var markets: [UInt64: MarketSettings] = [:]
    public var generatorEnclave: EnclaveEndpoints?
    public var matchingEngineEnclave: EnclaveEndpoints?
    public var ivsEnclave: EnclaveEndpoints?
    /// IVS check-input URL, forwarded to the enclave as `ivs_url` (`http://not_available` when none).
    public var checkInputUrl: EndpointURL?
    /// Off-chain attestation verifier (port 1400, spec §5.3).
    public var attestationVerifierEndPoint: EndpointURL?
    public var refresh = RefreshIntervals()
    /// Theme name (dark, light, high-contrast, monochrome) or a path to a theme file.
    public var theme: String?
    /// Action name → keys, as `--keys` takes them; checked against the key table at start.
    public var keyBindings: [String: [String]] = [:]
    public var fees = FeeCaps()
    /// Confirmations to wait for after a transaction is mined.
    public var confirmations = 1
    public var operatorKey: KeySpec?
    public var enclaveGasKey: KeySpec?
    /// Keys this reader does not know, kept as written (other SDK scripts use them).
    public var extra: [String: JSONNode] = [:]

    public init() {}
}

extension Units {
    /// 10^n as a BigUInt (for default amounts written as powers of ten).
    static func pow10(_ n: Int) -> BigUInt { BigUInt(10).power(n) }
}
