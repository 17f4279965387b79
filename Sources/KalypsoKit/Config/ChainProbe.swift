import Basics
import EthereumKit

/// What an `eth_call` came back with: the return data, or the revert data (possibly empty).
public enum CallOutcome: Sendable, Equatable {
    case returned([UInt8])
    case reverted([UInt8])
}

/// The few chain reads configuration checks need; the JSON-RPC client satisfies it, tests use a double.
///
/// A failure to reach the node throws (the client's own error, an ``OperatorError``); a revert is not a
/// failure here but an answer (``CallOutcome/reverted(_:)``), because detection reads reverts as "no".
public protocol ChainProbe: Sendable {
    func chainId() async throws -> UInt64
    /// `eth_getCode` at the latest block.
    func code(at address: Address) async throws -> [UInt8]
    /// `eth_call` at the latest block.
    func call(to address: Address, data: [UInt8]) async throws -> CallOutcome
}

extension ErrorCode {
    /// Neither generation's marketplace getter answered at the configured `proof_market_place`.
    public static let configGenerationUnknown: ErrorCode = "config.generationUnknown"
}

/// The generation could not be told from the chain.
public struct GenerationDetectionError: OperatorError, Equatable {
    public let marketplace: Address
    public var code: ErrorCode { .configGenerationUnknown }
    public var title: String { "Cannot tell the contract generation" }
    public var detail: String {
        "proof_market_place \(marketplace.checksummed) answers neither proverManager() (Generation B) "
            + "nor GENERATOR_REGISTRY() (Generation A)"
    }
    public var hint: String {
        "Check proof_market_place and the RPC's chain, or set \"generation\": \"A\" or \"B\" in kalypso-config.json."
    }
    public var category: ErrorCategory { .configuration }
}

/// What detection found and why.
public struct DetectedGeneration: Sendable, Equatable, CustomStringConvertible {
    public let generation: Generation
    /// The getter that answered, e.g. `proverManager() = 0x…`.
    public let evidence: String
    public var description: String { "Generation \(generation) (\(evidence))" }
}

/// Tells Generation A from B on a live chain (spec §9 item 1: "pick by chainId + presence of
/// `proverManager()` on the marketplace").
public enum GenerationDetector {
    /// `proverManager()`: only Generation B's ProofMarketplace has it (abi/selectors.md `0x23f9b902`).
    public static let proverManagerSelector = Array(Keccak256.hash(utf8: "proverManager()").prefix(4))
    /// `GENERATOR_REGISTRY()`: Generation A's ProofMarketplace immutable (abi/selectors.md `0x9751bbd3`).
    public static let generatorRegistrySelector = Array(Keccak256.hash(utf8: "GENERATOR_REGISTRY()").prefix(4))

    public static func detect(marketplace: Address, probe: some ChainProbe) async throws -> DetectedGeneration {
        if let a = try await addressGetter(probe, marketplace, proverManagerSelector) {
            return DetectedGeneration(generation: .b, evidence: "proverManager() = \(a.checksummed)")
        }
        if let a = try await addressGetter(probe, marketplace, generatorRegistrySelector) {
            return DetectedGeneration(generation: .a, evidence: "GENERATOR_REGISTRY() = \(a.checksummed)")
        }
        throw GenerationDetectionError(marketplace: marketplace)
    }

    /// The non-zero address a getter returns, or nil when it reverts or returns something else.
    static func addressGetter(_ probe: some ChainProbe, _ to: Address, _ selector: [UInt8]) async throws -> Address? {
        guard case .returned(let data) = try await probe.call(to: to, data: selector), data.count == 32,
            data[0..<12].allSatisfy({ $0 == 0 }), let a = Address(bytes: Array(data[12...])), a != .zero
        else { return nil }
        return a
    }
}

extension KalypsoConfig {
    /// The generation to use: the configured one, else the one detected on the chain (spec §9 item 1).
    /// `detected` is set when the chain was asked, so callers can say which generation was found.
    public func resolveGeneration(using probe: some ChainProbe) async throws -> (
        generation: Generation, detected: DetectedGeneration?
    ) {
        if let generation { return (generation, nil) }
        guard let pmp = contracts.proofMarketplace else {
            throw ConfigError.invalid(
                file: "configuration",
                issues: [
                    ConfigIssue(
                        file: "configuration", line: nil, keyPath: "proof_market_place",
                        expected: ConfigReader.addressExpectation, found: nil)
                ])
        }
        let found = try await GenerationDetector.detect(marketplace: pmp, probe: probe)
        return (found.generation, found)
    }
}
