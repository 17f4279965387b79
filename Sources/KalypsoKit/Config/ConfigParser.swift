import Basics
import BigInt
import EthereumKit
import Foundation

/// Reads kalypso-config.json into a ``KalypsoConfig``, collecting every invalid value before failing.
public enum ConfigParser {
    /// Parses `text` (the contents of `file`) over `base`: keys present in the file replace the base's
    /// values (a built-in profile, or the defaults), keys absent keep them. `markets` merge by id.
    ///
    /// Relative key file and keystore paths are resolved against `baseDirectory` when given.
    public static func parse(
        _ text: String, file: String, base: KalypsoConfig = KalypsoConfig(), baseDirectory: String? = nil
    ) throws(ConfigError) -> KalypsoConfig {
        let root: JSONNode
        do { root = try JSONDocumentParser.parse(text) } catch { throw .syntax(path: file, error: error) }
        var reader = ConfigReader(file: file, baseDirectory: baseDirectory)
        let config = reader.read(root, over: base)
        guard reader.issues.isEmpty else { throw .invalid(file: file, issues: reader.issues) }
        return config
    }

    /// The keys a configuration needs before it can talk to a chain, each reported as missing.
    public static func missingRequired(_ config: KalypsoConfig, file: String) -> [ConfigIssue] {
        var issues: [ConfigIssue] = []
        func need(_ present: Bool, _ key: String, _ expected: String) {
            if !present {
                issues.append(ConfigIssue(file: file, line: nil, keyPath: key, expected: expected, found: nil))
            }
        }
        need(config.chainId != nil, "chainId", "the chain id (a positive integer)")
        need(!config.rpcHttp.isEmpty, "rpcHttp", ConfigReader.httpURLsExpectation)
        need(config.contracts.proofMarketplace != nil, "proof_market_place", ConfigReader.addressExpectation)
        need(config.contracts.generatorRegistry != nil, "generator_registry", ConfigReader.addressExpectation)
        need(config.contracts.entityRegistry != nil, "entity_registry", ConfigReader.addressExpectation)
        return issues
    }
}

/// The walk over one document: typed getters that record an issue and return nil on a wrong value.
struct ConfigReader {
    let file: String
    let baseDirectory: String?
    var issues: [ConfigIssue] = []

    static let addressExpectation = "an address (0x and 40 hex digits)"
    static let httpURLExpectation = "an http(s) URL"
    static let httpURLsExpectation = "an http(s) URL or a list of them"

    init(file: String, baseDirectory: String?) {
        self.file = file
        self.baseDirectory = baseDirectory
    }

    mutating func issue(_ node: JSONNode, _ path: String, _ expected: String, redact: Bool = false) {
        issues.append(
            ConfigIssue(
                file: file, line: node.line, keyPath: path, expected: expected,
                found: Self.describe(node, redact: redact)))
    }

    /// How a found value is shown: strings quoted (URLs redacted), numbers and literals as written,
    /// containers by kind (their contents can be long).
    static func describe(_ node: JSONNode, redact: Bool) -> String {
        switch node.value {
        case .string(let s):
            if redact { return String(reflecting: Redaction.url(s)) }
            // A key pasted into the wrong field must not be echoed back: long key-like runs are not shown.
            // Forty hex digits are an address (shown, to be compared); a private key has sixty-four.
            let digits = s.hasPrefix("0x") || s.hasPrefix("0X") ? s.dropFirst(2) : Substring(s)
            let addressShaped = digits.count == 40 && digits.allSatisfy(\.isHexDigit)
            if !addressShaped && Redaction.maskKeyLikeRuns(s) != s {
                return "a \(s.count)-character string that looks like a key or hash (not shown)"
            }
            return String(reflecting: s)
        case .number(let n): return n
        case .bool(let b): return b ? "true" : "false"
        case .null: return "null"
        case .object, .array: return node.value.typeName
        }
    }

    // MARK: - The document

    mutating func read(_ root: JSONNode, over base: KalypsoConfig) -> KalypsoConfig {
        var c = base
        guard case .object(let members) = root.value else {
            issue(root, "(top level)", "an object of settings")
            return c
        }
        for m in members {
            let v = m.value
            let k = m.key
            switch k {
            case "networkName": c.networkName = string(v, k) ?? c.networkName
            case "chainId": c.chainId = enclaveInteger(v, k, min: 1, what: "chain_id") ?? c.chainId
            case "rpcHttp": c.rpcHttp = rpcList(v, k) ?? c.rpcHttp
            case "rpcWs": c.rpcWs = url(v, k, schemes: ["ws", "wss"], expected: "a ws(s) URL") ?? c.rpcWs
            case "generation": c.generation = generation(v, k) ?? c.generation
            case "logStartBlock": c.logStartBlock = enclaveInteger(v, k, min: 0, what: "start_block") ?? c.logStartBlock
            case "readOnly": c.readOnly = bool(v, k) ?? c.readOnly
            case "operator": c.operatorAddress = contract(v, k, current: c.operatorAddress)
            case "payment_token": c.contracts.paymentToken = contract(v, k, current: c.contracts.paymentToken)
            case "staking_token": c.contracts.stakingToken = contract(v, k, current: c.contracts.stakingToken)
            case "generator_registry":
                c.contracts.generatorRegistry = contract(v, k, current: c.contracts.generatorRegistry)
            case "attestation_verifier":
                c.contracts.attestationVerifier = contract(v, k, current: c.contracts.attestationVerifier)
            case "entity_registry":
                c.contracts.entityRegistry = contract(v, k, current: c.contracts.entityRegistry)
            case "proof_market_place":
                c.contracts.proofMarketplace = contract(v, k, current: c.contracts.proofMarketplace)
            case "tee_verifier_deployer":
                c.contracts.teeVerifierDeployer = contract(v, k, current: c.contracts.teeVerifierDeployer)
            case "nativeStaking": c.contracts.nativeStaking = contract(v, k, current: c.contracts.nativeStaking)
            case "symbioticStaking":
                c.contracts.symbioticStaking = contract(v, k, current: c.contracts.symbioticStaking)
            case "stakingManager": c.contracts.stakingManager = contract(v, k, current: c.contracts.stakingManager)
            case "markets": markets(v, k, into: &c.markets)
            case "generatorEnclave": c.generatorEnclave = enclave(v, k, current: c.generatorEnclave)
            case "matchingEngineEnclave": c.matchingEngineEnclave = enclave(v, k, current: c.matchingEngineEnclave)
            case "ivsEnclave": c.ivsEnclave = enclave(v, k, current: c.ivsEnclave)
            case "checkInputUrl": c.checkInputUrl = httpURL(v, k) ?? c.checkInputUrl
            case "attestationVerifierEndPoint":
                c.attestationVerifierEndPoint = httpURL(v, k) ?? c.attestationVerifierEndPoint
            case "refresh": refresh(v, k, into: &c.refresh)
            case "theme": c.theme = string(v, k) ?? c.theme
            case "keyBindings": keyBindings(v, k, into: &c.keyBindings)
            case "fees": fees(v, k, into: &c.fees)
            case "confirmations": c.confirmations = integer(v, k, min: 0, max: 1000).map { Int($0) } ?? c.confirmations
            case "operatorKey": c.operatorKey = keySpec(v, k) ?? c.operatorKey
            case "enclaveGasKey": c.enclaveGasKey = keySpec(v, k) ?? c.enclaveGasKey
            default:
                // Unknown keys (the SDK's other scripts add some; `$comment` documents the file) are kept.
                c.extra[k] = v
            }
        }
        return c
    }

    // MARK: - Scalars

    mutating func string(_ v: JSONNode, _ path: String) -> String? {
        guard case .string(let s) = v.value else {
            issue(v, path, "a string")
            return nil
        }
        return s
    }

    mutating func bool(_ v: JSONNode, _ path: String) -> Bool? {
        guard case .bool(let b) = v.value else {
            issue(v, path, "true or false")
            return nil
        }
        return b
    }

    mutating func integer(_ v: JSONNode, _ path: String, min: UInt64, max: UInt64 = UInt64.max) -> UInt64? {
        let expected = max == UInt64.max ? "an integer ≥ \(min)" : "an integer from \(min) to \(max)"
        guard case .number(let text) = v.value, let n = UInt64(text), n >= min, n <= max else {
            issue(v, path, expected)
            return nil
        }
        return n
    }

    /// An integer the enclave's `runtime_config` also receives, where the generator client parses it as
    /// an i32 (spec §5.4.2): a larger value would be accepted here and refused by the enclave later.
    mutating func enclaveInteger(_ v: JSONNode, _ path: String, min: UInt64, what: String) -> UInt64? {
        guard let n = integer(v, path, min: min) else { return nil }
        guard n <= UInt64(Int32.max) else {
            issue(v, path, "at most 2147483647 (the enclave's runtime_config.\(what) is an i32, spec §5.4.2)")
            return nil
        }
        return n
    }

    mutating func generation(_ v: JSONNode, _ path: String) -> Generation? {
        guard case .string(let s) = v.value, let g = Generation(rawValue: s) else {
            issue(v, path, "\"A\" or \"B\"")
            return nil
        }
        return g
    }

    /// An address; the zero address means "none" and yields nil. A wrong value leaves `current`.
    mutating func contract(_ v: JSONNode, _ path: String, current: Address?) -> Address? {
        guard case .string(let s) = v.value else {
            issue(v, path, Self.addressExpectation)
            return current
        }
        if let a = try? Address(s) { return a == .zero ? nil : a }
        // Well-formed hex whose mixed case is not the EIP-55 checksum: most likely a typo, so show the
        // checksummed form of the digits as written for the operator to compare.
        if let lower = try? Address(s.lowercased()) {
            issue(
                v, path,
                "an EIP-55 checksummed address (the mixed case does not match; did you mean \(lower.checksummed)?)")
        } else {
            issue(v, path, Self.addressExpectation)
        }
        return current
    }

    mutating func url(_ v: JSONNode, _ path: String, schemes: Set<String>, expected: String) -> EndpointURL? {
        guard case .string(let s) = v.value, let u = EndpointURL(s, schemes: schemes) else {
            issue(v, path, expected, redact: true)
            return nil
        }
        return u
    }

    mutating func httpURL(_ v: JSONNode, _ path: String) -> EndpointURL? {
        url(v, path, schemes: ["http", "https"], expected: Self.httpURLExpectation)
    }

    mutating func rpcList(_ v: JSONNode, _ path: String) -> [EndpointURL]? {
        switch v.value {
        case .string: return httpURL(v, path).map { [$0] }
        case .array(let items) where !items.isEmpty:
            var out: [EndpointURL] = []
            for (i, item) in items.enumerated() {
                if let u = httpURL(item, "\(path)[\(i)]") { out.append(u) }
            }
            return out.count == items.count ? out : nil
        default:
            issue(v, path, Self.httpURLsExpectation, redact: true)
            return nil
        }
    }

    /// `"2s"`, `"500ms"`, `"1m"`: a whole number and a unit; zero is refused (a busy loop).
    mutating func duration(_ v: JSONNode, _ path: String) -> Duration? {
        let expected = "a duration such as \"4s\", \"500ms\" or \"1m\""
        guard case .string(let s) = v.value else {
            issue(v, path, expected)
            return nil
        }
        let digits = s.prefix { $0.isASCII && $0.isNumber }
        let unit = s.dropFirst(digits.count).trimmingCharacters(in: .whitespaces)
        guard let n = Int64(digits), n > 0, n <= 86_400_000 else {
            issue(v, path, expected)
            return nil
        }
        switch unit {
        case "ms": return .milliseconds(n)
        case "s": return .seconds(n)
        case "m", "min": return .seconds(n * 60)
        case "h": return .seconds(n * 3600)
        default:
            issue(v, path, expected)
            return nil
        }
    }

    /// `"10 gwei"`, `"0.02 ETH"`, `"5000 wei"`: a decimal amount and its unit, as wei.
    mutating func amount(_ v: JSONNode, _ path: String) -> BigUInt? {
        let expected = "an amount with its unit, such as \"10 gwei\" or \"0.02 ETH\""
        guard case .string(let s) = v.value else {
            issue(v, path, expected)
            return nil
        }
        let parts = s.split(separator: " ", omittingEmptySubsequences: true)
        guard parts.count == 2 else {
            issue(v, path, expected)
            return nil
        }
        let decimals: Int
        switch parts[1].lowercased() {
        case "wei": decimals = 0
        case "gwei": decimals = Units.gweiDecimals
        case "eth", "ether": decimals = Units.etherDecimals
        default:
            issue(v, path, expected)
            return nil
        }
        guard let wei = try? Units.parse(String(parts[0]), decimals: decimals) else {
            issue(v, path, expected + " (at most \(decimals) digits after the point for \(parts[1]))")
            return nil
        }
        return wei
    }

    // MARK: - Objects

    mutating func object(_ v: JSONNode, _ path: String, _ expected: String) -> [JSONMember]? {
        guard case .object(let members) = v.value else {
            issue(v, path, expected)
            return nil
        }
        return members
    }

    mutating func markets(_ v: JSONNode, _ path: String, into markets: inout [UInt64: MarketSettings]) {
        guard let members = object(v, path, "an object of market id → { \"teeVerifier\": address }") else { return }
        for m in members {
            let p = "\(path).\(m.key)"
            guard let id = UInt64(m.key), String(id) == m.key else {
                issues.append(
                    ConfigIssue(
                        file: file, line: m.line, keyPath: p, expected: "a market id (a decimal integer) as the key",
                        found: String(reflecting: m.key)))
                continue
            }
            guard let fields = object(m.value, p, "an object such as { \"teeVerifier\": address }") else { continue }
            var settings = markets[id] ?? MarketSettings()
            for f in fields where f.key == "teeVerifier" {
                settings.teeVerifier = contract(f.value, "\(p).teeVerifier", current: settings.teeVerifier)
            }
            markets[id] = settings
        }
    }

    mutating func enclave(_ v: JSONNode, _ path: String, current: EnclaveEndpoints?) -> EnclaveEndpoints? {
        guard let members = object(v, path, "an object with url and utilityUrl") else { return current }
        var e = current ?? EnclaveEndpoints()
        for m in members {
            let p = "\(path).\(m.key)"
            switch m.key {
            case "url": e.url = httpURL(m.value, p) ?? e.url
            case "utilityUrl": e.utilityUrl = httpURL(m.value, p) ?? e.utilityUrl
            case "enclavePubkey":
                let expected = "the enclave's public key as 0x and 128 hex digits"
                if case .string(let s) = m.value.value, s.hasPrefix("0x"), let b = try? Hex.decode(s), b.count == 64 {
                    e.enclavePubkey = b
                } else {
                    issue(m.value, p, expected)
                }
            default: break  // e.g. "apikey", ignored by the SDK too (spec §1)
            }
        }
        return e
    }

    mutating func refresh(_ v: JSONNode, _ path: String, into r: inout RefreshIntervals) {
        guard let members = object(v, path, "an object with chainPoll and screen durations") else { return }
        for m in members {
            let p = "\(path).\(m.key)"
            switch m.key {
            case "chainPoll": r.chainPoll = duration(m.value, p) ?? r.chainPoll
            case "screen": r.screen = duration(m.value, p) ?? r.screen
            default: unknownKey(m, p, known: ["chainPoll", "screen"])
            }
        }
    }

    mutating func fees(_ v: JSONNode, _ path: String, into f: inout FeeCaps) {
        guard let members = object(v, path, "an object with maxFeePerGas and maxTotalFee") else { return }
        for m in members {
            let p = "\(path).\(m.key)"
            switch m.key {
            case "maxFeePerGas": f.maxFeePerGas = amount(m.value, p) ?? f.maxFeePerGas
            case "maxTotalFee": f.maxTotalFee = amount(m.value, p) ?? f.maxTotalFee
            default: unknownKey(m, p, known: ["maxFeePerGas", "maxTotalFee"])
            }
        }
    }

    /// Inside the console's own objects a misspelt key would silently do nothing, so it is an error
    /// (unlike the SDK's top level, where unknown keys belong to other tools).
    mutating func unknownKey(_ m: JSONMember, _ path: String, known: [String]) {
        issues.append(
            ConfigIssue(
                file: file, line: m.line, keyPath: path, expected: "one of " + known.joined(separator: ", "),
                found: "an unknown key"))
    }

    mutating func keyBindings(_ v: JSONNode, _ path: String, into bindings: inout [String: [String]]) {
        guard let members = object(v, path, "an object of action → key or list of keys") else { return }
        for m in members {
            let p = "\(path).\(m.key)"
            let expected = "a key name or a list of key names (e.g. \"j\" or [\"j\", \"Down\"])"
            switch m.value.value {
            case .string(let s) where !s.isEmpty: bindings[m.key] = [s]
            case .array(let items) where !items.isEmpty:
                var keys: [String] = []
                for (i, item) in items.enumerated() {
                    if case .string(let s) = item.value, !s.isEmpty {
                        keys.append(s)
                    } else {
                        issue(item, "\(p)[\(i)]", "a key name")
                    }
                }
                if keys.count == items.count { bindings[m.key] = keys }
            default: issue(m.value, p, expected)
            }
        }
    }

    mutating func keySpec(_ v: JSONNode, _ path: String) -> KeySpec? {
        let expected = "an object with one of keystore, keyFile or env (and passwordFile with keystore)"
        guard let members = object(v, path, expected) else { return nil }
        var keystore: String?
        var keyFile: String?
        var env: String?
        var passwordFile: String?
        for m in members {
            let p = "\(path).\(m.key)"
            switch m.key {
            case "keystore": keystore = string(m.value, p).map(resolve)
            case "keyFile": keyFile = string(m.value, p).map(resolve)
            case "passwordFile": passwordFile = string(m.value, p).map(resolve)
            case "env":
                if case .string(let s) = m.value.value, !s.isEmpty,
                    s.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") })
                {
                    env = s
                } else {
                    issue(m.value, p, "the name of an environment variable, e.g. \"KALYPSO_PRIVATE_KEY\"")
                }
            default: unknownKey(m, p, known: ["keystore", "keyFile", "env", "passwordFile"])
            }
        }
        let chosen = [keystore != nil, keyFile != nil, env != nil].filter { $0 }.count
        guard chosen == 1 else {
            if issues.last?.keyPath.hasPrefix(path + ".") != true {
                issue(v, path, expected)
            }
            return nil
        }
        if passwordFile != nil && keystore == nil {
            issue(v, path + ".passwordFile", "passwordFile only together with keystore")
            return nil
        }
        if let keystore { return .keystore(path: keystore, passwordFile: passwordFile) }
        if let keyFile { return .keyFile(path: keyFile) }
        if let env { return .environment(variable: env) }
        return nil
    }

    func resolve(_ path: String) -> String {
        if path.hasPrefix("~/"), let home = ProcessInfo.processInfo.environment["HOME"] {
            return home + path.dropFirst(1)
        }
        guard let baseDirectory, !path.hasPrefix("/") else { return path }
        return baseDirectory + "/" + path
    }
}
