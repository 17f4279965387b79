import Basics
import BigInt
import EthereumKit
import Foundation
import Testing

@testable import KalypsoKit

/// The client's error mapping, config rules and the plain-HTTP permission, with the scripted transport.
@Suite struct EnclaveClientUnitTests {
    static let endpoints = EnclaveServiceURLs(
        generator: url("http://10.0.0.1:5000"), attestation: url("http://10.0.0.1:1500"),
        verifier: url("http://user:secret@10.0.0.9:1400"))
    static func url(_ text: String) -> URL { URL(string: text) ?? URL(fileURLWithPath: "/not-a-url") }
    static let gasKeyHex = "5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a"

    func config(ws: String = "wss://rpc.example/ws", port: String = "3000", startBlock: Int64 = 1) throws
        -> EnclaveConfig
    {
        EnclaveConfig(
            operatorAddress: try Address("0x70997970C51812dc3A010C7d01b50e0d17dc79C8"), marketId: 3, wsURL: ws,
            httpURL: "https://rpc.example", gasKey: try PrivateKey(hex: Self.gasKeyHex), startBlock: startBlock,
            chainId: 421614, paymentToken: .zero, stakingToken: .zero, attestationVerifier: .zero,
            entityRegistry: .zero, proofMarketplace: .zero, generatorRegistry: .zero, proverPort: port)
    }

    func json(_ status: Int, _ object: Any) throws -> EnclaveResponse {
        EnclaveResponse(
            status: status, headers: ["Content-Type": "application/json"],
            body: Array(try JSONSerialization.data(withJSONObject: object, options: [.fragmentsAllowed])))
    }

    @Test func encryptedEndpointMissingNamesThePlainHTTPFlag() async throws {
        let transport = ScriptedEnclaveTransport { _ in EnclaveResponse(status: 404, body: []) }
        let client = EnclaveClient(endpoints: Self.endpoints, transport: transport)
        let error = try await #require(throws: EnclaveError.self) {
            try await client.configure(try config(), enclaveKey: PrivateKey.random().publicKey)
        }
        #expect(error.code == .enclaveNoSecureChannel && error.category == .enclaveRefused)
        #expect(error.hint.contains("--plain-http"))
        // Only the encrypted request went out, and the gas key is not readable in it.
        let requests = transport.requests
        #expect(requests.map(\.url.path) == ["/api/generatorConfigSetupEncrypted"])
        #expect(!String(decoding: requests[0].body, as: UTF8.self).contains(Self.gasKeyHex))
    }

    @Test func plainFallbackOnlyWithPermission() async throws {
        let transport = ScriptedEnclaveTransport { request in
            request.url.path.hasSuffix("Encrypted")
                ? EnclaveResponse(status: 501, body: [])
                : EnclaveResponse(status: 200, body: Array(#"{"message":"Config done","data":null}"#.utf8))
        }
        let client = EnclaveClient(endpoints: Self.endpoints, transport: transport)
        try await client.configure(try config(), enclaveKey: PrivateKey.random().publicKey, plainHTTP: .allowed)
        let requests = transport.requests
        #expect(requests.map(\.url.path) == ["/api/generatorConfigSetupEncrypted", "/api/generatorConfigSetup"])
        let plain = try #require(try JSONSerialization.jsonObject(with: Data(requests[1].body)) as? [String: Any])
        let runtime = try #require(plain["runtime_config"] as? [String: Any])
        #expect(runtime["private_key"] as? String == Self.gasKeyHex)
        #expect(
            runtime["markets"] as? [String: [String: String]] == [
                "3": ["port": "3000", "ivs_url": "http://not_available"]
            ])
        #expect(requests[1].headers["Content-Type"] == "application/json")
        // Printing or dumping a request never shows the body (here the gas key).
        var dumped = ""
        dump(requests[1], to: &dumped)
        for text in [String(describing: requests[1]), String(reflecting: requests[1]), dumped] {
            #expect(!text.contains(Self.gasKeyHex) && text.contains("/api/generatorConfigSetup"))
        }
    }

    @Test func configRulesOfTheGeneratorClient() throws {
        try config().validate()
        let ws = try #require(throws: EnclaveError.self) { try config(ws: "ws://127.0.0.1:8546").validate() }
        #expect(ws.code == .enclaveConfigInvalid && ws.detail.hasPrefix("ws_url:") && ws.category == .configuration)
        #expect(throws: EnclaveError.self) { try config(port: "30x0").validate() }
        #expect(throws: EnclaveError.self) { try config(startBlock: 0).validate() }
        #expect(throws: EnclaveError.self) { try config(startBlock: Int64(Int32.max) + 1).validate() }
        // An API key in the URL is not repeated in the error.
        let keyed = try #require(throws: EnclaveError.self) {
            try config(ws: "https://arb-sepolia.example/v2/abcdef0123456789abcdef").validate()
        }
        #expect(!keyed.detail.contains("abcdef0123456789abcdef"))
        #expect(!String(describing: try config()).contains(Self.gasKeyHex))
    }

    @Test func gasBalanceMinimumIsFivePercentOfAnEther() throws {
        let gas = try PrivateKey(hex: Self.gasKeyHex).address
        try EnclaveConfig.checkGasBalance(BigUInt(50_000_000_000_000_000), gasKeyAddress: gas)
        let error = try #require(throws: EnclaveError.self) {
            try EnclaveConfig.checkGasBalance(BigUInt(49_999_999_999_999_999), gasKeyAddress: gas)
        }
        #expect(error.hint.contains(gas.checksummed))
    }

    @Test func signAttestationFallsBackToPlainWithoutSecureChannel() async throws {
        // An enclave with only the plain endpoint: joinAuthorization still works (nothing secret is sent).
        let enclave = PrivateKey.random()
        let verifier = PrivateKey.random()
        var attestation = Attestation(
            signature: [], enclavePublicKey: enclave.publicKey.raw, pcr0: [UInt8](repeating: 1, count: 48),
            pcr1: [UInt8](repeating: 2, count: 48), pcr2: [UInt8](repeating: 3, count: 48),
            timestampMs: UInt64(Date().timeIntervalSince1970 * 1000))
        attestation.signature = try verifier.sign(digest: attestation.verifierDigest).serialized
        let answer: [String: Any] = [
            "signature": Hex.encode(attestation.signature, prefix: false),
            "secp256k1_public": Hex.encode(attestation.enclavePublicKey, prefix: false),
            "pcr0": Hex.encode(attestation.pcr0, prefix: false), "pcr1": Hex.encode(attestation.pcr1, prefix: false),
            "pcr2": Hex.encode(attestation.pcr2, prefix: false), "timestamp": attestation.timestampMs,
            "verifier_secp256k1_public": Hex.encode(verifier.publicKey.raw, prefix: false),
        ]
        let verifierBody = try JSONSerialization.data(withJSONObject: answer)
        let operatorAddress = try Address("0x70997970C51812dc3A010C7d01b50e0d17dc79C8")
        let signed = try await enclave.signPersonalMessage(
            EnclaveSignature.digest(attestation: attestation.encoded, operator: operatorAddress))
        let signBody = try JSONSerialization.data(withJSONObject: [
            "message": "Attestation signed",
            "data": ["r": Hex.encode(signed.r), "s": Hex.encode(signed.s), "v": Int(signed.v)],
        ])
        let transport = ScriptedEnclaveTransport { request in
            switch request.url.path {
            case "/attestation/raw": return EnclaveResponse(status: 200, body: [0xd2, 0x84])
            case "/verify/raw": return EnclaveResponse(status: 200, body: Array(verifierBody))
            case "/api/signAttestation": return EnclaveResponse(status: 200, body: Array(signBody))
            default: return EnclaveResponse(status: 404, body: [])
            }
        }
        let client = EnclaveClient(endpoints: Self.endpoints, transport: transport)
        let result = try await client.joinAuthorization(
            operator: operatorAddress, now: Date(), familyImages: [attestation.imageId], verifier: verifier.address)
        #expect(result.signature == signed && result.blob == attestation.encoded)
        #expect(
            transport.requests.map(\.url.path) == [
                "/attestation/raw", "/verify/raw", "/api/signAttestationEncrypted", "/api/signAttestation",
            ])
    }

    @Test func plainTextAndEnvelopeRefusalsQuoteTheEnclave() async throws {
        let transport = ScriptedEnclaveTransport { request in
            if request.url.path == "/api/startProgram" {
                return EnclaveResponse(
                    status: 400, headers: ["Content-Type": "text/plain"],
                    body: Array("Json deserialize error: missing field `program_name`".utf8))
            }
            return EnclaveResponse(
                status: 400,
                body: Array(#"{"message":"Invalid payload","data":"ws_url: wss url is required"}"#.utf8))
        }
        let client = EnclaveClient(endpoints: Self.endpoints, transport: transport)
        let plain = try await #require(throws: EnclaveError.self) { try await client.startProgram("listener") }
        #expect(plain.enclaveMessage == "Json deserialize error: missing field `program_name`")
        #expect(plain.category == .enclaveRefused && !plain.isRetryable)
        #expect(ErrorReport(plain).exitCode == 6)
        let envelope = try await #require(throws: EnclaveError.self) { try await client.stopProgram("listener") }
        #expect(envelope.enclaveMessage == "Invalid payload (ws_url: wss url is required)")
    }

    @Test func transportFailuresMapToUnreachableWithoutURLCredentials() async throws {
        for (failure, code) in [
            (EnclaveTransportFailure.unreachable("connection refused"), ErrorCode.enclaveUnreachable),
            (.timedOut, .enclaveTimeout), (.dropped, .enclaveConnectionDropped),
        ] {
            let client = EnclaveClient(
                endpoints: Self.endpoints,
                transport: ScriptedEnclaveTransport { _ throws(EnclaveTransportFailure) in throw failure })
            let error = try await #require(throws: EnclaveError.self) {
                _ = try await client.verify(rawAttestation: [1, 2, 3])
            }
            #expect(error.code == code && error.category == .unreachable && error.isRetryable)
            #expect(ErrorReport(error).exitCode == 4)
            #expect(error.detail.contains("attestation verifier POST /verify/raw"))
            #expect(!error.detail.contains("secret"))
        }
    }

    @Test func benchmarkTimesInEachShape() async throws {
        let answers: [(Any, BenchmarkResult)] = [
            (
                ["message": "Proof generated in 12300ms", "data": NSNull()],
                .init(milliseconds: 12300, shape: .generatorClientMessage)
            ),
            (["data": "ok", "time_in_ms": 812], .init(milliseconds: 812, shape: .proverTimeInMs)),
            (["benchmarkTime": "12300"], .init(milliseconds: 12300, shape: .benchmarkTime)),
        ]
        for (body, expected) in answers {
            let response = try json(200, body)
            let client = EnclaveClient(endpoints: Self.endpoints, transport: ScriptedEnclaveTransport { _ in response })
            #expect(try await client.benchmark(marketId: 1) == expected)
        }
        let odd = try json(200, ["message": "done"])
        let client = EnclaveClient(endpoints: Self.endpoints, transport: ScriptedEnclaveTransport { _ in odd })
        let error = try await #require(throws: EnclaveError.self) { _ = try await client.benchmark(marketId: 1) }
        #expect(error.code == .enclaveMalformedResponse)
    }

    @Test func benchmarkQueryCarriesTheMarket() async throws {
        let response = try json(200, ["benchmarkTime": "5"])
        let transport = ScriptedEnclaveTransport { _ in response }
        let client = EnclaveClient(endpoints: Self.endpoints, transport: transport, benchmarkTimeout: .seconds(120))
        _ = try await client.benchmark(marketId: 42)
        let request = try #require(transport.requests.first)
        #expect(request.url.absoluteString == "http://10.0.0.1:5000/api/benchmark?market_id=42")
        #expect(request.method == "GET" && request.timeout == .seconds(120))
    }

    @Test func secureChannelResponseSignedByAnotherKeyIsAKeyChange() throws {
        let enclave = PrivateKey.random()
        let impostor = PrivateKey.random()
        let sealed = try SecureChannel.seal(Array("{}".utf8), to: enclave.publicKey)
        let response = try ECIES.encrypt(Array("{}".utf8), to: sealed.responseKey.publicKey)
        let salt = [UInt8](repeating: 9, count: 64)
        let signature = impostor.signPersonalMessage(SecureChannel.responseDigest(response: response, salt: salt))
        let data: [String: Any] = [
            "response": response.map(Int.init), "salt": salt.map(Int.init),
            "signature": signature.serialized.map(Int.init),
        ]
        let error = try #require(throws: EnclaveError.self) {
            _ = try SecureChannel.open(data, sealed: sealed, enclave: enclave.address, endpoint: "test")
        }
        #expect(error.code == .enclaveKeyChanged)
        // Signed by the enclave it opens.
        let good = enclave.signPersonalMessage(SecureChannel.responseDigest(response: response, salt: salt))
        var goodData = data
        goodData["signature"] = good.serialized.map(Int.init)
        #expect(
            try SecureChannel.open(goodData, sealed: sealed, enclave: enclave.address, endpoint: "test")
                == Array("{}".utf8))
    }

    @Test(arguments: [
        ("Runtime private_key doesn't have enough balance, minimum balance required is 0.05ETH", "0.05 ETH"),
        ("ECIES key not udpated in the registry for generator : 0xabc", "join"),
        ("Local ECIES pub key does not match the the ecies pub key in registry for generator : 0xabc", "update-key"),
        ("Generator 0xabc is not registered for market 1. Please register and try again", "join --market"),
        ("No generator found for market ID :9 ", "enclave-config"),
        ("Only one market is supported for every generator", "another enclave"),
    ])
    func hintsForTheGeneratorClientsMessages(message: String, expected: String) {
        #expect(EnclaveClient.hint(for: message, status: 400).contains(expected))
    }
}
