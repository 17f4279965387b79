import Basics
import EthereumKit
import Foundation

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Asks whether an HTTP endpoint answers at all (an enclave's control API, attestation server, verifier).
public protocol EndpointProbe: Sendable {
    /// GETs `url` and returns the HTTP status; throws when nothing answers.
    func httpStatus(_ url: URL) async throws -> Int
}

/// ``EndpointProbe`` over URLSession. Whole-second timeout: URLSession truncates fractions (PLATFORM-NOTES §5).
public struct URLSessionEndpointProbe: EndpointProbe {
    public let timeoutSeconds: Int
    public init(timeoutSeconds: Int = 3) { self.timeoutSeconds = max(1, timeoutSeconds) }

    public func httpStatus(_ url: URL) async throws -> Int {
        var request = URLRequest(url: url)
        request.timeoutInterval = TimeInterval(timeoutSeconds)
        let config = URLSessionConfiguration.ephemeral
        config.timeoutIntervalForRequest = TimeInterval(timeoutSeconds)
        let session = URLSession(configuration: config)
        defer { session.finishTasksAndInvalidate() }
        let (_, response) = try await session.cancellableData(for: request)
        guard let http = response as? HTTPURLResponse else { return 0 }
        return http.statusCode
    }
}

/// The outcome of one probe of `config check`.
public struct ProbeResult: Sendable, Equatable {
    public enum Status: String, Sendable, Equatable {
        case passed, failed, skipped
    }
    /// What was probed, e.g. `rpcHttp[0] http://127.0.0.1:8545` or `code at proof_market_place`.
    public var name: String
    public var status: Status
    /// Why it passed or failed, in words (URLs redacted).
    public var detail: String
    /// For a failure: configuration (exit 3) or unreachable (exit 4).
    public var category: ErrorCategory?

    public static func pass(_ name: String, _ detail: String) -> ProbeResult {
        ProbeResult(name: name, status: .passed, detail: detail, category: nil)
    }
    public static func fail(_ name: String, _ detail: String, _ category: ErrorCategory) -> ProbeResult {
        ProbeResult(name: name, status: .failed, detail: detail, category: category)
    }
    public static func skip(_ name: String, _ detail: String) -> ProbeResult {
        ProbeResult(name: name, status: .skipped, detail: detail, category: nil)
    }

    /// `✓ name: detail` (or ✗, –), or the ASCII `ok`/`FAIL`/`skip` forms.
    public func line(ascii: Bool = false) -> String {
        let mark: String
        switch status {
        case .passed: mark = ascii ? "ok  " : "✓"
        case .failed: mark = ascii ? "FAIL" : "✗"
        case .skipped: mark = ascii ? "skip" : "–"
        }
        return "\(mark) \(name): \(detail)"
    }
}

/// All probes of one `config check` run.
public struct ConfigCheckReport: Sendable, Equatable {
    public var results: [ProbeResult]
    /// The generation the chain runs, when it could be told.
    public var detected: DetectedGeneration?

    public var passed: Bool { !results.contains { $0.status == .failed } }

    /// 0 when every probe passed; 3 when any failure is a configuration mistake (a wrong chain id,
    /// an address without code, a wrong generation); else 4 (the RPC or an enclave did not answer).
    public var exitCode: Int32 {
        let failures = results.filter { $0.status == .failed }
        if failures.isEmpty { return 0 }
        if failures.contains(where: { $0.category == .configuration }) { return ErrorCategory.configuration.exitCode }
        return ErrorCategory.unreachable.exitCode
    }
}

/// Probes a configuration against the world: each RPC answers with the configured chain id, each
/// contract has code, the generation matches, each enclave endpoint answers.
public struct ConfigChecker: Sendable {
    public let config: KalypsoConfig
    /// A chain reader for one RPC URL.
    public let chain: @Sendable (EndpointURL) -> any ChainProbe
    public let endpoints: any EndpointProbe
    /// The environment key sources read (`KALYPSO_PRIVATE_KEY`, …).
    public let environment: [String: String]
    /// Where the environment-key warning goes.
    public let warn: @Sendable (String) -> Void

    public init(
        config: KalypsoConfig, chain: @escaping @Sendable (EndpointURL) -> any ChainProbe,
        endpoints: any EndpointProbe, environment: [String: String] = [:],
        warn: @escaping @Sendable (String) -> Void = { _ in }
    ) {
        self.config = config
        self.chain = chain
        self.endpoints = endpoints
        self.environment = environment
        self.warn = warn
    }

    public func run() async -> ConfigCheckReport {
        var results: [ProbeResult] = []
        var live: (any ChainProbe)?
        for (i, url) in config.rpcHttp.enumerated() {
            let name = "rpcHttp[\(i)] \(url.redacted)"
            let probe = chain(url)
            do {
                let id = try await probe.chainId()
                if let want = config.chainId, want != id {
                    results.append(
                        .fail(name, "answers, but chain id is \(id), not the configured \(want)", .configuration))
                } else {
                    results.append(
                        .pass(name, "answers, chain id \(id)" + (config.chainId == nil ? "" : " as configured")))
                    if live == nil { live = probe }
                }
            } catch {
                results.append(.fail(name, Self.reason(error, url: url), .unreachable))
            }
        }
        var detected: DetectedGeneration?
        if let live {
            results += await codeProbes(live)
            let (result, found) = await generationProbe(live)
            results.append(result)
            detected = found
        } else {
            results.append(.skip("contracts and generation", "no RPC answered with the configured chain"))
        }
        results += await endpointProbes()
        results += keyProbes()
        return ConfigCheckReport(results: results, detected: detected)
    }

    /// Each configured key source is there and readable, and the operator key belongs to `operator`.
    /// A keystore is not decrypted (no password is asked); its declared address is compared instead.
    func keyProbes() -> [ProbeResult] {
        var out: [ProbeResult] = []
        for (key, spec) in [("operatorKey", config.operatorKey), ("enclaveGasKey", config.enclaveGasKey)] {
            guard let spec else { continue }
            let name = "\(key) \(KalypsoConfig.describe(spec))"
            if config.readOnly {
                out.append(.skip(name, "read-only: no key is loaded"))
                continue
            }
            let address: Address
            var how = ""
            do {
                switch spec {
                case .keystore(let path, let passwordFile):
                    var bytes = try SecretFile.read(path, checkPermissions: false)
                    let json = String(decoding: bytes, as: UTF8.self)
                    wipeSecret(&bytes)
                    guard let declared = Web3Keystore.declaredAddress(json) else {
                        out.append(.fail(name, "not a Web3 Secret Storage v3 keystore with an address", .configuration))
                        continue
                    }
                    if let passwordFile {
                        var pw = try SecretFile.read(passwordFile)
                        wipeSecret(&pw)
                    }
                    address = declared
                    how = " (declared by the keystore; decrypted only when signing)"
                case .keyFile(let path):
                    address = try KeyFileSource(path: path).loadKey().address
                case .environment(let variable):
                    address = try EnvironmentKeySource(variable: variable, environment: environment, warn: warn)
                        .loadKey().address
                }
            } catch {
                out.append(.fail(name, error.title + ": " + error.detail, .configuration))
                continue
            }
            if key == "operatorKey", let op = config.operatorAddress, op != address {
                out.append(
                    .fail(
                        name, "the key is for \(address.checksummed), but operator is \(op.checksummed)",
                        .configuration))
            } else {
                out.append(.pass(name, "address \(address.checksummed)\(how)"))
            }
        }
        return out
    }

    func codeProbes(_ probe: any ChainProbe) async -> [ProbeResult] {
        var contracts = config.contracts.all
        for (id, m) in config.markets.sorted(by: { $0.key < $1.key }) {
            if let t = m.teeVerifier { contracts.append(("markets.\(id).teeVerifier", t)) }
        }
        var out: [ProbeResult] = []
        for (key, address) in contracts {
            let name = "code at \(key) \(address.checksummed)"
            do {
                let code = try await probe.code(at: address)
                out.append(
                    code.isEmpty
                        ? .fail(name, "no contract at this address on this chain", .configuration)
                        : .pass(name, "\(code.count) bytes of code"))
            } catch {
                out.append(.fail(name, Self.reason(error, url: nil), .unreachable))
            }
        }
        return out
    }

    func generationProbe(_ probe: any ChainProbe) async -> (ProbeResult, DetectedGeneration?) {
        let name = "generation"
        guard let pmp = config.contracts.proofMarketplace else {
            return (.skip(name, "no proof_market_place configured"), nil)
        }
        do {
            let found = try await GenerationDetector.detect(marketplace: pmp, probe: probe)
            switch config.generation {
            case nil:
                return (.pass(name, "detected \(found) (not set in the configuration)"), found)
            case let want? where want == found.generation:
                return (.pass(name, "\(found), as configured"), found)
            case let want?:
                return (
                    .fail(name, "configured \(want.rawValue) but the chain runs \(found)", .configuration), found
                )
            }
        } catch let e as GenerationDetectionError {
            return (.fail(name, e.detail, .configuration), nil)
        } catch {
            return (.fail(name, Self.reason(error, url: nil), .unreachable), nil)
        }
    }

    func endpointProbes() async -> [ProbeResult] {
        var targets: [(String, EndpointURL)] = []
        func add(_ key: String, _ e: EnclaveEndpoints?) {
            if let u = e?.url { targets.append(("\(key).url", u)) }
            if let u = e?.utilityUrl { targets.append(("\(key).utilityUrl", u)) }
        }
        add("generatorEnclave", config.generatorEnclave)
        add("matchingEngineEnclave", config.matchingEngineEnclave)
        add("ivsEnclave", config.ivsEnclave)
        if let u = config.attestationVerifierEndPoint { targets.append(("attestationVerifierEndPoint", u)) }
        if let u = config.checkInputUrl { targets.append(("checkInputUrl", u)) }
        var out: [ProbeResult] = []
        for (key, url) in targets {
            let name = "\(key) \(url.redacted)"
            // The SDK's placeholder for "no IVS" (spec §5.4.2): nothing is meant to answer there.
            if url.url.host == "not_available" {
                out.append(.skip(name, "placeholder, not probed"))
                continue
            }
            do {
                let status = try await endpoints.httpStatus(url.url)
                out.append(.pass(name, "answers (HTTP \(status))"))
            } catch {
                out.append(.fail(name, Self.reason(error, url: url), .unreachable))
            }
        }
        return out
    }

    /// An error in one line for a probe, with the URL (and anything key-like) masked.
    static func reason(_ error: any Error, url: EndpointURL?) -> String {
        let report = ErrorReport(error)
        var text: String
        if error is any OperatorError {
            text = report.detail.isEmpty ? report.title : "\(report.title): \(report.detail)"
        } else if let u = error as? URLError {
            text = "no answer (\(u.localizedDescription))"
        } else {
            text = String(describing: error)
        }
        if let url { text = text.replacingOccurrences(of: url.url.absoluteString, with: url.redacted) }
        // Any other URL in the message (a failover target, a redirect) loses its credentials too.
        let words = text.replacingOccurrences(of: "\n", with: " ").split(
            separator: " ", omittingEmptySubsequences: false)
        return words.map { $0.contains("://") ? Redaction.url(String($0)) : Redaction.maskKeyLikeRuns(String($0)) }
            .joined(separator: " ")
    }
}
