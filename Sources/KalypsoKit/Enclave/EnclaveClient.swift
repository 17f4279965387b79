import Basics
import BigInt
import EthereumKit
import Foundation

/// Where a prover enclave's three services listen (spec §5.1).
package struct EnclaveServiceURLs: Sendable, Equatable {
    /// The generator client (`generatorEnclave.url`, port 5000).
    package var generator: URL
    /// The attestation server of the enclave key (`generatorEnclave.utilityUrl`, port 1500).
    package var attestation: URL
    /// Marlin's attestation verifier (`attestationVerifierEndPoint`, port 1400).
    package var verifier: URL

    package init(generator: URL, attestation: URL, verifier: URL) {
        self.generator = generator
        self.attestation = attestation
        self.verifier = verifier
    }
}

/// A program's state as `getProgramStatus` reports it (spec §5.4.1, §9.2).
package enum ProgramStatus: Sendable, Equatable {
    case notStarted
    case running
    /// Stopped after running (a crash, or `stopProgram` on some builds).
    case stopped
    /// Another text (older builds answer a supervisorctl line).
    case other(String)
}

/// The public keys `fetchGeneratorPublicKeys` reports for a configured operator.
package struct EnclavePublicKeys: Sendable, Equatable {
    /// The enclave key, from its compressed form.
    package var eciesPublicKey: PublicKey
    /// The address of the enclave key.
    package var enclaveAddress: Address
}

/// A benchmark time and the shape of answer it came in (spec §2.3).
package struct BenchmarkResult: Sendable, Equatable {
    package enum Shape: Sendable, Equatable {
        /// Generator client: `{"message":"Proof generated in <X>ms","data":null}`.
        case generatorClientMessage
        /// Prover executable: `{"data":"…","time_in_ms":<n>}`.
        case proverTimeInMs
        /// Docs' tutorial: `{"benchmarkTime":"<n>"}`.
        case benchmarkTime
    }
    package var milliseconds: UInt64
    package var shape: Shape
}

/// A typed client of a prover enclave: its attestation server (§5.2), Marlin's attestation verifier (§5.3) and
/// the generator client (§5.4), with the secure channel of §5.7.
///
/// Every failure is an ``EnclaveError``: `.enclaveRefused` when the enclave answered and refused (its message
/// quoted), `.unreachable` when it is down, slow or dropped the connection.
package struct EnclaveClient: Sendable {
    package let endpoints: EnclaveServiceURLs
    package let transport: any EnclaveTransport
    /// Deadline of each call except the benchmark.
    package var timeout: Duration
    /// A benchmark generates a whole proof.
    package var benchmarkTimeout: Duration

    package init(
        endpoints: EnclaveServiceURLs, transport: any EnclaveTransport, timeout: Duration = .seconds(15),
        benchmarkTimeout: Duration = .seconds(900)
    ) {
        self.endpoints = endpoints
        self.transport = transport
        self.timeout = timeout
        self.benchmarkTimeout = benchmarkTimeout
    }

    // MARK: Attestation server and verifier

    /// `GET /attestation/raw`: the Nitro attestation document (COSE_Sign1 CBOR) binding the enclave key.
    package func rawAttestation() async throws(EnclaveError) -> [UInt8] {
        let response = try await call(.attestation, "GET", "/attestation/raw")
        guard (200..<300).contains(response.status) else {
            throw refusal(response, .attestation, "GET", "/attestation/raw")
        }
        guard !response.body.isEmpty else {
            throw .malformed(place(.attestation, "GET", "/attestation/raw"), reason: "empty attestation document")
        }
        return response.body
    }

    /// `GET /attestation/hex`: the same document as hex text (decoded here).
    package func hexAttestation() async throws(EnclaveError) -> [UInt8] {
        let response = try await call(.attestation, "GET", "/attestation/hex")
        guard (200..<300).contains(response.status) else {
            throw refusal(response, .attestation, "GET", "/attestation/hex")
        }
        let text = String(decoding: response.body, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard let bytes = try? Hex.decode(text), !bytes.isEmpty else {
            throw .malformed(place(.attestation, "GET", "/attestation/hex"), reason: "the body is not hex")
        }
        return bytes
    }

    /// `POST /verify/hex`: as ``verify(rawAttestation:)`` with the document sent as hex text.
    package func verify(hexAttestation document: [UInt8]) async throws(EnclaveError) -> Attestation {
        let response = try await call(
            .verifier, "POST", "/verify/hex", headers: ["Content-Type": "text/plain"],
            body: Array(Hex.encode(document, prefix: false).utf8))
        guard (200..<300).contains(response.status) else {
            throw refusal(response, .verifier, "POST", "/verify/hex")
        }
        return try Attestation(verifierAnswer: response.body)
    }

    /// `POST /verify/raw`: the verifier checks the document and signs the attestation (spec §5.3).
    package func verify(rawAttestation document: [UInt8]) async throws(EnclaveError) -> Attestation {
        let response = try await call(
            .verifier, "POST", "/verify/raw", headers: ["Content-Type": "application/octet-stream"], body: document)
        guard (200..<300).contains(response.status) else {
            throw refusal(response, .verifier, "POST", "/verify/raw")
        }
        return try Attestation(verifierAnswer: response.body)
    }

    /// A fresh attestation: the enclave's document, signed by the verifier, with its signature checked.
    package func attestation() async throws(EnclaveError) -> Attestation {
        let attestation = try await verify(rawAttestation: try await rawAttestation())
        try attestation.checkSignedBy()
        return attestation
    }

    /// The enclave's current key, from a fresh attestation.
    package func enclaveKey() async throws(EnclaveError) -> PublicKey {
        let attestation = try await attestation()
        do {
            return try PublicKey(bytes: attestation.enclavePublicKey)
        } catch {
            throw .attestation("the attested enclave key is not a secp256k1 point")
        }
    }

    /// Attestation and enclave signature for `joinMarketplace` / `updateEncryptionKey` (spec §2.6), checked
    /// before use: fresh enough for the contract, image in the market's family (when `familyImages` is given),
    /// signed by `verifier` (when given), and the enclave signature recovering to the attested key.
    ///
    /// An enclave that restarts between the attestation and the signature signs with a new key: then the whole
    /// sequence runs once more with a fresh attestation.
    package func joinAuthorization(
        operator operatorAddress: Address, now: Date, familyImages: [[UInt8]]? = nil, verifier: Address? = nil,
        maxAgeSeconds: UInt64 = Attestation.contractMaxAgeSeconds, encrypted: Bool = true
    ) async throws(EnclaveError) -> (attestation: Attestation, blob: [UInt8], signature: Signature) {
        var attempt = 0
        while true {
            attempt += 1
            let attestation = try await attestation()
            try attestation.checkSignedBy(verifier: verifier)
            try attestation.checkFresh(now: now, maxAgeSeconds: maxAgeSeconds)
            if let familyImages { try attestation.checkImage(inFamily: familyImages) }
            let blob = attestation.encoded
            let signature: Signature
            if encrypted {
                let key: PublicKey
                do {
                    key = try PublicKey(bytes: attestation.enclavePublicKey)
                } catch {
                    throw .attestation("the attested enclave key is not a secp256k1 point")
                }
                do {
                    signature = try await signAttestationEncrypted(blob, operator: operatorAddress, enclaveKey: key)
                } catch let error where error.code == .enclaveKeyChanged || error.code == .enclaveConnectionDropped {
                    if attempt < 2 { continue }
                    throw error
                } catch let error where error.status == 404 || error.status == 501 {
                    // No secure channel on this enclave: the plain endpoint carries nothing secret here.
                    signature = try await signAttestation(blob, operator: operatorAddress)
                }
            } else {
                signature = try await signAttestation(blob, operator: operatorAddress)
            }
            do {
                try EnclaveSignature.check(signature, attestation: attestation, blob: blob, operator: operatorAddress)
            } catch {
                if attempt < 2 { continue }
                throw error
            }
            return (attestation, blob, signature)
        }
    }

    // MARK: Generator client

    /// `POST /api/generatorConfigSetupEncrypted` (spec §5.7): the configuration, gas key included, through the
    /// secure channel to `enclaveKey`. With `plainHTTP == .allowed`, an enclave without the encrypted endpoint
    /// (404/501) gets the plain `generatorConfigSetup` instead; without it, that is an error naming `--plain-http`.
    package func configure(
        _ config: EnclaveConfig, enclaveKey: PublicKey, plainHTTP: PlainHTTPPermission = .refused
    ) async throws(EnclaveError) {
        try config.validate()
        let path = "/api/generatorConfigSetupEncrypted"
        let sealed = try SecureChannel.seal(config.jsonBody(), to: enclaveKey)
        let response = try await call(.generator, "POST", path, json: sealed.body)
        if response.status == 404 || response.status == 501 {
            guard plainHTTP == .allowed else {
                throw EnclaveError(
                    .enclaveNoSecureChannel, title: "The enclave has no encrypted configuration endpoint",
                    detail:
                        "\(place(.generator, "POST", path)): HTTP \(response.status); only the plain endpoint, "
                        + "which would send the gas key unencrypted",
                    hint:
                        "Update the enclave image, or pass --plain-http to send the gas key over plain HTTP "
                        + "(only on a network path you trust).",
                    category: .enclaveRefused, status: response.status)
            }
            try await configurePlain(config, plainHTTP: plainHTTP)
            return
        }
        let (_, data) = try envelope(response, .generator, "POST", path)
        _ = try SecureChannel.open(
            data, sealed: sealed, enclave: enclaveKey.address, endpoint: place(.generator, "POST", path))
    }

    /// ``configure(_:enclaveKey:plainHTTP:)`` with the key read from a fresh attestation. A dropped connection
    /// (the enclave cannot decrypt a request sealed for a key it no longer has, spec §5.7) re-reads the key and
    /// retries once.
    package func configure(_ config: EnclaveConfig, plainHTTP: PlainHTTPPermission = .refused)
        async throws(EnclaveError)
    {
        try config.validate()
        let key = try await enclaveKey()
        do {
            try await configure(config, enclaveKey: key, plainHTTP: plainHTTP)
        } catch  where error.code == .enclaveConnectionDropped {
            try await configure(config, enclaveKey: try await enclaveKey(), plainHTTP: plainHTTP)
        }
    }

    /// `POST /api/generatorConfigSetup`: the configuration with the gas key in clear; refused unless allowed.
    package func configurePlain(_ config: EnclaveConfig, plainHTTP: PlainHTTPPermission) async throws(EnclaveError) {
        guard plainHTTP == .allowed else {
            throw EnclaveError(
                .enclavePlainHTTPRefused, title: "The gas key would be sent unencrypted",
                detail: "POST /api/generatorConfigSetup carries the gas key in clear over HTTP",
                hint: "Use the encrypted endpoint, or pass --plain-http if the network path is trusted.",
                category: .usage)
        }
        try config.validate()
        _ = try await generatorCall("POST", "/api/generatorConfigSetup", json: config.jsonBody())
    }

    /// `PUT /api/updateRuntimeConfigEncrypted`, or the plain `updateRuntimeConfig` when the update carries no
    /// key, or when the enclave has no encrypted endpoint and `plainHTTP == .allowed`.
    package func updateRuntimeConfig(
        _ update: RuntimeConfigUpdate, enclaveKey: PublicKey, plainHTTP: PlainHTTPPermission = .refused
    ) async throws(EnclaveError) {
        try update.validate()
        let path = "/api/updateRuntimeConfigEncrypted"
        let sealed = try SecureChannel.seal(update.jsonBody(), to: enclaveKey)
        let response = try await call(.generator, "PUT", path, json: sealed.body)
        if response.status == 404 || response.status == 501 {
            guard update.gasKey == nil || plainHTTP == .allowed else {
                throw EnclaveError(
                    .enclaveNoSecureChannel, title: "The enclave has no encrypted runtime-config endpoint",
                    detail: "\(place(.generator, "PUT", path)): HTTP \(response.status)",
                    hint:
                        "Update the enclave image, or pass --plain-http to send the gas key over plain HTTP "
                        + "(only on a network path you trust).",
                    category: .enclaveRefused, status: response.status)
            }
            _ = try await generatorCall("PUT", "/api/updateRuntimeConfig", json: update.jsonBody())
            return
        }
        let (_, data) = try envelope(response, .generator, "PUT", path)
        _ = try SecureChannel.open(
            data, sealed: sealed, enclave: enclaveKey.address, endpoint: place(.generator, "PUT", path))
    }

    /// `POST /api/signAttestation`: the enclave's signature authorising `operator` (spec §2.6.2).
    package func signAttestation(_ blob: [UInt8], operator operatorAddress: Address) async throws(EnclaveError)
        -> Signature
    {
        let path = "/api/signAttestation"
        let data = try await generatorCall("POST", path, json: signAttestationBody(blob, operatorAddress))
        return try Self.rsv(data, place(.generator, "POST", path))
    }

    /// `POST /api/signAttestationEncrypted`: the same through the secure channel.
    package func signAttestationEncrypted(
        _ blob: [UInt8], operator operatorAddress: Address, enclaveKey: PublicKey
    ) async throws(EnclaveError) -> Signature {
        let path = "/api/signAttestationEncrypted"
        let sealed = try SecureChannel.seal(signAttestationBody(blob, operatorAddress), to: enclaveKey)
        let response = try await call(.generator, "POST", path, json: sealed.body)
        let (_, data) = try envelope(response, .generator, "POST", path)
        let plaintext = try SecureChannel.open(
            data, sealed: sealed, enclave: enclaveKey.address, endpoint: place(.generator, "POST", path))
        return try Self.rsv(
            try Self.parseJSON(plaintext, place(.generator, "POST", path)), place(.generator, "POST", path))
    }

    /// `POST /api/signAddress`: signs keccak256(abi.encode(address)) with EIP-191 (not used by the contracts).
    package func signAddress(_ address: Address) async throws(EnclaveError) -> Signature {
        let path = "/api/signAddress"
        let body = try Self.json(["address": address.checksummed])
        return try Self.rsv(try await generatorCall("POST", path, json: body), place(.generator, "POST", path))
    }

    /// `POST /api/signAddressEncrypted`: ``signAddress(_:)`` through the secure channel.
    package func signAddressEncrypted(_ address: Address, enclaveKey: PublicKey) async throws(EnclaveError) -> Signature
    {
        let path = "/api/signAddressEncrypted"
        let sealed = try SecureChannel.seal(try Self.json(["address": address.checksummed]), to: enclaveKey)
        let response = try await call(.generator, "POST", path, json: sealed.body)
        let (_, data) = try envelope(response, .generator, "POST", path)
        let where_ = place(.generator, "POST", path)
        let plaintext = try SecureChannel.open(data, sealed: sealed, enclave: enclaveKey.address, endpoint: where_)
        return try Self.rsv(try Self.parseJSON(plaintext, where_), where_)
    }

    /// `POST /api/startProgram`; the enclave first checks the gas key balance and the key registered on chain.
    package func startProgram(_ name: String) async throws(EnclaveError) {
        _ = try await generatorCall("POST", "/api/startProgram", json: try Self.json(["program_name": name]))
    }

    /// `POST /api/stopProgram`.
    package func stopProgram(_ name: String) async throws(EnclaveError) {
        _ = try await generatorCall("POST", "/api/stopProgram", json: try Self.json(["program_name": name]))
    }

    /// `POST /api/restartProgram` (validated like start).
    package func restartProgram(_ name: String) async throws(EnclaveError) {
        _ = try await generatorCall("POST", "/api/restartProgram", json: try Self.json(["program_name": name]))
    }

    /// `GET /api/getProgramStatus?program_name=NAME`.
    package func programStatus(_ name: String) async throws(EnclaveError) -> ProgramStatus {
        let path = "/api/getProgramStatus"
        let data = try await generatorCall("GET", path, query: [("program_name", name)])
        guard let text = data as? String else {
            throw .malformed(place(.generator, "GET", path), reason: "data is not the status text")
        }
        switch text {
        case "Program hasn't been started yet.": return .notStarted
        case "Program has been started.": return .running
        case "Program has been stopped.": return .stopped
        default:
            if text.contains("RUNNING") { return .running }
            if text.contains("STOPPED") || text.contains("EXITED") || text.contains("FATAL") { return .stopped }
            return .other(text)
        }
    }

    /// `POST /api/fetchGeneratorPublicKeys` for `operatorAddress`, spelled exactly as in the configuration.
    package func publicKeys(operatorAddress: String) async throws(EnclaveError) -> EnclavePublicKeys {
        let path = "/api/fetchGeneratorPublicKeys"
        let data = try await generatorCall("POST", path, json: try Self.json(["generator_address": operatorAddress]))
        let where_ = place(.generator, "POST", path)
        guard let object = data as? [String: Any], let ecies = object["generator_ecies_public_key"] as? String,
            let address = object["generator_public_key"] as? String
        else { throw .malformed(where_, reason: "data lacks generator_ecies_public_key / generator_public_key") }
        guard let keyBytes = try? Hex.decode(ecies), let key = try? PublicKey(bytes: keyBytes) else {
            throw .malformed(where_, reason: "generator_ecies_public_key is not a secp256k1 key")
        }
        guard let enclaveAddress = try? Address(address) else {
            throw .malformed(where_, reason: "generator_public_key is not an address")
        }
        guard key.address == enclaveAddress else {
            throw .malformed(where_, reason: "the ECIES key's address is not generator_public_key")
        }
        return EnclavePublicKeys(eciesPublicKey: key, enclaveAddress: enclaveAddress)
    }

    /// `PUT /api/updateGeneratorConfig`: the operator's data and market.
    package func updateGeneratorConfig(
        operatorAddress: String, data: String, marketId: BigUInt
    ) async throws(EnclaveError) {
        let body: [String: Any] = [
            "address": operatorAddress, "data": data, "supported_markets": [String(marketId)],
        ]
        _ = try await generatorCall("PUT", "/api/updateGeneratorConfig", json: try Self.json(body))
    }

    /// `GET /api/benchmark?market_id=ID` in any of the three answer shapes of spec §2.3.
    package func benchmark(marketId: BigUInt) async throws(EnclaveError) -> BenchmarkResult {
        let path = "/api/benchmark"
        let response = try await call(
            .generator, "GET", path, query: [("market_id", String(marketId))], timeout: benchmarkTimeout)
        if response.status == 501 {
            throw EnclaveError(
                .enclaveRefused, title: "The enclave's prover has no benchmark",
                detail: "\(place(.generator, "GET", path)): HTTP 501: \(Self.message(of: response))",
                hint: "Choose the proposed time from the market's expected proving time, with a margin.",
                category: .enclaveRefused, status: 501, enclaveMessage: Self.message(of: response))
        }
        guard (200..<300).contains(response.status) else { throw refusal(response, .generator, "GET", path) }
        let where_ = place(.generator, "GET", path)
        guard let object = try Self.parseJSON(response.body, where_) as? [String: Any] else {
            throw .malformed(where_, reason: "the answer is not a JSON object")
        }
        if let ms = object["time_in_ms"] as? NSNumber, let value = UInt64(exactly: ms.doubleValue.rounded()) {
            return BenchmarkResult(milliseconds: value, shape: .proverTimeInMs)
        }
        if let time = object["benchmarkTime"] {
            if let text = time as? String, let value = Self.milliseconds(text) {
                return BenchmarkResult(milliseconds: value, shape: .benchmarkTime)
            }
            if let number = time as? NSNumber, let value = UInt64(exactly: number.doubleValue.rounded()) {
                return BenchmarkResult(milliseconds: value, shape: .benchmarkTime)
            }
        }
        if let message = object["message"] as? String, message.hasPrefix("Proof generated in "),
            message.hasSuffix("ms"),
            let value = Self.milliseconds(String(message.dropFirst("Proof generated in ".count).dropLast(2)))
        {
            return BenchmarkResult(milliseconds: value, shape: .generatorClientMessage)
        }
        throw .malformed(where_, reason: "no benchmark time in the answer (expected one of the shapes of spec §2.3)")
    }

    // MARK: HTTP plumbing

    package enum Service: String, Sendable {
        case generator = "generator client"
        case attestation = "attestation server"
        case verifier = "attestation verifier"
    }

    func base(_ service: Service) -> URL {
        switch service {
        case .generator: return endpoints.generator
        case .attestation: return endpoints.attestation
        case .verifier: return endpoints.verifier
        }
    }

    func place(_ service: Service, _ method: String, _ path: String) -> String {
        "\(service.rawValue) \(method) \(path) (\(Redaction.url(base(service).absoluteString)))"
    }

    func call(
        _ service: Service, _ method: String, _ path: String, query: [(String, String)] = [],
        headers: [String: String] = [:], body: [UInt8] = [], json: [UInt8]? = nil, timeout: Duration? = nil
    ) async throws(EnclaveError) -> EnclaveResponse {
        var components = URLComponents(url: base(service), resolvingAgainstBaseURL: false)
        let basePath = components?.path ?? ""
        components?.path = (basePath.hasSuffix("/") ? String(basePath.dropLast()) : basePath) + path
        if !query.isEmpty { components?.queryItems = query.map { URLQueryItem(name: $0.0, value: $0.1) } }
        guard let url = components?.url else {
            throw .unreachable(place(service, method, path), reason: "the URL is not valid")
        }
        var allHeaders = headers
        var payload = body
        if let json {
            allHeaders["Content-Type"] = "application/json"
            // The SDK sends a random API-Key per request; the generator client does not check it.
            allHeaders["API-Key"] = UUID().uuidString
            payload = json
        }
        let request = EnclaveRequest(
            method: method, url: url, headers: allHeaders, body: payload, timeout: timeout ?? self.timeout)
        do {
            return try await transport.send(request)
        } catch {
            let where_ = place(service, method, path)
            switch error {
            case .unreachable(let reason): throw .unreachable(where_, reason: reason)
            case .timedOut:
                let t = request.timeout.components
                throw .timeout(where_, seconds: Double(t.seconds) + Double(t.attoseconds) / 1e18)
            case .dropped: throw .dropped(where_)
            case .other(let reason): throw .unreachable(where_, reason: reason)
            }
        }
    }

    /// A generator-client call answered with the `{"message","data"}` envelope; returns `data`.
    func generatorCall(
        _ method: String, _ path: String, query: [(String, String)] = [], json: [UInt8]? = nil
    ) async throws(EnclaveError) -> Any? {
        let response = try await call(.generator, method, path, query: query, json: json)
        return try envelope(response, .generator, method, path).data
    }

    func envelope(
        _ response: EnclaveResponse, _ service: Service, _ method: String, _ path: String
    ) throws(EnclaveError) -> (message: String, data: Any?) {
        guard (200..<300).contains(response.status) else { throw refusal(response, service, method, path) }
        let where_ = place(service, method, path)
        guard let object = try Self.parseJSON(response.body, where_) as? [String: Any],
            let message = object["message"] as? String
        else { throw .malformed(where_, reason: "the answer is not the {\"message\",\"data\"} envelope") }
        let data = object["data"]
        return (message, data is NSNull ? nil : data)
    }

    /// The error for an HTTP error status, quoting the enclave (JSON envelope or plain text).
    func refusal(_ response: EnclaveResponse, _ service: Service, _ method: String, _ path: String) -> EnclaveError {
        let message = Self.message(of: response)
        let where_ = place(service, method, path)
        let status = response.status
        var detail = "\(where_): HTTP \(status)"
        if !message.isEmpty { detail += ": \(message)" }
        if status == 404 && message.isEmpty { detail += " (this enclave has no such endpoint)" }
        return EnclaveError(
            .enclaveRefused, title: "The \(service.rawValue) refused the request", detail: detail,
            hint: Self.hint(for: message, status: status), retryable: status >= 500, category: .enclaveRefused,
            status: status, enclaveMessage: message)
    }

    /// The enclave's words: the envelope's message (and its data when that is text, e.g. validation lines), or
    /// the plain-text body. Long runs of hex are masked in case the enclave echoed a key back.
    static func message(of response: EnclaveResponse) -> String {
        var text: String
        if let object = (try? JSONSerialization.jsonObject(with: Data(response.body))) as? [String: Any],
            let message = object["message"] as? String
        {
            text = message
            if let data = object["data"] as? String, !data.isEmpty { text += " (\(data))" }
        } else if let object = (try? JSONSerialization.jsonObject(with: Data(response.body))) as? [String: Any],
            let status = object["status"] as? String
        {
            text = status
        } else {
            text = String(decoding: response.body, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        }
        text = text.replacingOccurrences(of: "\n", with: "; ")
        if text.count > 400 { text = String(text.prefix(400)) + "…" }
        return Redaction.maskKeyLikeRuns(text)
    }

    static func hint(for message: String, status: Int) -> String {
        if message.contains("minimum balance required is 0.05ETH") {
            return "Send at least 0.05 ETH to the gas key on this chain, then run the command again."
        }
        if message.contains("ECIES key not udpated") || message.contains("ECIES key not updated") {
            return "Join the market with the enclave key first (kalypso-console join, or update-key after a restart)."
        }
        if message.contains("Local ECIES pub key does not match") {
            return "The enclave restarted: run `kalypso-console update-key --market ID`."
        }
        if message.contains("is not registered for market") {
            return "Join the market first (kalypso-console join --market ID …)."
        }
        if message.contains("issue in validating") {
            return "The enclave could not check its setup against the chain: make sure it is configured "
                + "(kalypso-console enclave-config --market ID) with a working RPC URL and the right contract addresses."
        }
        if message.contains("No generator found") || message.contains("error reading the config file")
            || message.contains("fetching the generator")
        {
            return "Configure the enclave first: kalypso-console enclave-config --market ID."
        }
        if message.contains("Only one") {
            return "An enclave serves one operator and one market; use another enclave for another market."
        }
        if status >= 500 { return "The enclave failed internally; try again, and check its logs if it persists." }
        return "Read the enclave's message above, fix the input it names, and run the command again."
    }

    static func parseJSON(_ body: [UInt8], _ where_: String) throws(EnclaveError) -> Any {
        do {
            return try JSONSerialization.jsonObject(with: Data(body), options: [.fragmentsAllowed])
        } catch {
            throw .malformed(where_, reason: "the body is not JSON (\(body.count) bytes)")
        }
    }

    static func json(_ object: [String: Any]) throws(EnclaveError) -> [UInt8] {
        do {
            return Array(try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]))
        } catch {
            throw EnclaveError(
                .enclaveMalformedResponse, title: "A request body could not be written", detail: "\(error)",
                hint: "This is a bug; please report it.", category: .internal)
        }
    }

    func signAttestationBody(_ blob: [UInt8], _ operatorAddress: Address) -> [UInt8] {
        // Both values are hex strings: serialisation cannot fail.
        (try? Self.json(["attestation": Hex.encode(blob), "address": operatorAddress.checksummed])) ?? []
    }

    /// `{"r":"0x…","s":"0x…","v":27}` as a signature.
    static func rsv(_ data: Any?, _ where_: String) throws(EnclaveError) -> Signature {
        guard let object = data as? [String: Any], let r = object["r"] as? String, let s = object["s"] as? String,
            let vNumber = object["v"] as? NSNumber
        else { throw .malformed(where_, reason: "data is not a signature {r, s, v}") }
        let v = vNumber.intValue
        guard let rBytes = try? Hex.decode(r), let sBytes = try? Hex.decode(s), rBytes.count <= 32,
            sBytes.count <= 32, [0, 1, 27, 28].contains(v)
        else { throw .malformed(where_, reason: "r, s or v is out of range") }
        let pad = { (b: [UInt8]) in [UInt8](repeating: 0, count: 32 - b.count) + b }
        do {
            return try Signature(r: pad(rBytes), s: pad(sBytes), yParity: UInt8(v >= 27 ? v - 27 : v))
        } catch {
            throw .malformed(where_, reason: "the signature is not valid (\(error))")
        }
    }

    /// A millisecond count written as digits, possibly with a fraction (rounded).
    static func milliseconds(_ text: String) -> UInt64? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if let whole = UInt64(trimmed) { return whole }
        guard let decimal = Decimal(string: trimmed), decimal >= 0,
            trimmed.allSatisfy({ $0.isNumber || $0 == "." })
        else { return nil }
        return UInt64(exactly: NSDecimalNumber(decimal: decimal).doubleValue.rounded())
    }
}
