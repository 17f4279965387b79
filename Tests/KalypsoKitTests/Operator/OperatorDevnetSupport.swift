import Basics
import BigInt
import EthereumKit
import Foundation
import KalypsoKit
import KalypsoStore
import TestSupport
import Testing

/// One full devnet per generation (no seeded history: our operator starts unregistered), shared by every
/// operator test; tests snapshot and revert the chain so each starts from the deployment.
enum OperatorDevnets {
    static let a = SharedDevnet { try await DevnetNetwork.start(generation: "A", seed: false) }
    static let b = SharedDevnet { try await DevnetNetwork.start(generation: "B", seed: false) }

    static func network(_ generation: String) async throws -> DevnetNetwork {
        generation == "A" ? try await a.get() : try await b.get()
    }
}

/// What a test needs: the API under test, the real pipeline with the operator's key, and its own reads.
struct OperatorFixture {
    let network: DevnetNetwork
    let config: KalypsoConfig
    let key: PrivateKey
    let api: any OperatorAPI
    let sender: TransactionSender
    let journal: TransactionJournal
    /// The client under the API, to count its round trips.
    let client: JSONRPCClient

    var me: Address { key.address }
    var isA: Bool { network.generation == "A" }
    /// Market ids by kind, from the devnet README ("Gen A deployment" / "Gen B deployment").
    var privateMarket: BigUInt { isA ? 0 : 1 }
    var publicMarket: BigUInt { isA ? 1 : 2 }
    var teeMarket: BigUInt { isA ? 2 : 3 }
    var otherImageMarket: BigUInt { isA ? 3 : 4 }

    /// The fixture over `network`, or over the shared operator devnet of `generation`.
    static func make(_ generation: String, network given: DevnetNetwork? = nil) async throws -> OperatorFixture {
        let network: DevnetNetwork
        if let given { network = given } else { network = try await OperatorDevnets.network(generation) }
        let text = try String(contentsOfFile: network.configPath, encoding: .utf8)
        let config = try ConfigParser.parse(text, file: network.configPath)
        let keyText = try String(contentsOfFile: network.operatorKeyFile, encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let key = try PrivateKey(hex: keyText)
        guard let url = URL(string: network.rpcURL) else { throw DevnetError("bad RPC URL") }
        let errors = try KalypsoErrors.bundled()
        let client = JSONRPCClient(
            urls: [url], options: JSONRPCClientOptions(expectedChainId: network.chainId), revertDecoder: errors)
        let api = try await OperatorAPIFactory.make(
            config: config, operator: key.address, chain: RPCOperatorChain(client: client))
        let journal = TransactionJournal(database: try temporaryDatabase())
        var sender = TransactionSender(
            chain: RPCChainAccess(client: client), journal: journal, chainId: BigUInt(network.chainId),
            policy: FeePolicy(rules: .standard), errors: errors.registry)
        sender.pollInterval = .milliseconds(50)
        // Generous: CI runs several devnet suites at once on two cores, and a devnet node starved of CPU once took
        // longer than 30 s to mine an automined transaction (the fresh-clone run of 2026-12-03 15:35).
        sender.waitTimeout = .seconds(180)
        return OperatorFixture(
            network: network, config: config, key: key, api: api, sender: sender, journal: journal, client: client)
    }

    /// Runs `body` on a chain state that is thrown away afterwards, whatever happens.
    static func clean(_ generation: String, _ body: (OperatorFixture) async throws -> Void) async throws {
        let f = try await make(generation)
        let snapshot = try await f.network.rpc.snapshot()
        do {
            try await body(f)
        } catch {
            try await f.network.rpc.revert(to: snapshot)
            throw error
        }
        try await f.network.rpc.revert(to: snapshot)
    }

    /// Sends through the real pipeline and requires a confirmation.
    func send(_ request: TransactionRequest) async throws {
        let outcome = try await sender.send(request, signer: key) { _ in true }
        guard case .confirmed = outcome else { throw DevnetError("not confirmed: \(outcome)") }
    }

    func send(_ requests: [TransactionRequest]) async throws {
        for r in requests { try await send(r) }
    }

    /// Sends a hand-built call (bypassing the API's checks) and returns the decoded revert's error name.
    func revertName(to: Address, _ signature: String, _ args: [ABIValue]) async throws -> String? {
        let fn = try ABIFunction(signature)
        let request = TransactionRequest(
            from: me, to: to, data: try fn.encodeCall(args),
            description: CallDescription(summary: signature, contract: to.checksummed, function: signature))
        do {
            _ = try await sender.send(request, signer: key) { _ in false }
            return nil
        } catch let e as PipelineError {
            guard case .simulationReverted(let reason, let name) = e.kind else { throw e }
            return name ?? reason
        }
    }

    // MARK: - The test's own reads (hand-encoded eth_call, independent of the API's batch and bundled ABIs)

    func call(_ to: Address, _ signature: String, _ args: [ABIValue], returns: String) async throws -> [ABIValue] {
        let fn = try ABIFunction(signature)
        let data = try fn.encodeCall(args)
        let hex = try await network.rpc.callString(
            "eth_call", [["to": to.checksummed, "data": Hex.encode(data)], "latest"])
        let types = try ABIType(parsing: "(" + returns + ")")
        guard case .tuple(let parts, _) = types else { throw DevnetError("bad return types") }
        return try ABI.decode(parts, from: Hex.decode(hex))
    }

    func uint(_ to: Address, _ signature: String, _ args: [ABIValue]) async throws -> BigUInt {
        try await call(to, signature, args, returns: "uint256")[0].uintValue ?? 0
    }

    func contract(_ role: String) throws -> Address { try Address(network.contract(role)) }

    var registry: Address { config.contracts.generatorRegistry ?? .zero }
    var marketplace: Address { config.contracts.proofMarketplace ?? .zero }
    var keyRegistry: Address { config.contracts.entityRegistry ?? .zero }
    var stakingToken: Address { config.contracts.stakingToken ?? .zero }
    var nativeStaking: Address { config.contracts.nativeStaking ?? .zero }

    /// The latest block's timestamp (seconds).
    func chainTime() async throws -> UInt64 {
        let json = try await network.rpc.callJSON("eth_getBlockByNumber", ["latest", false])
        let object = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any]
        guard let ts = object?["timestamp"] as? String, let v = UInt64(ts.dropFirst(2), radix: 16) else {
            throw DevnetError("no timestamp in \(json.prefix(200))")
        }
        return v
    }

    /// An attestation and enclave signature made by the devnet's reference Python (kalypso_devnet.attestation),
    /// not by our code: `image` "prover" (the markets' image) or "other"; `ageSeconds` before the chain's time.
    func authorization(seed: String, image: String = "prover", ageSeconds: UInt64 = 0) async throws
        -> EnclaveAuthorization
    {
        let ts = (try await chainTime() - ageSeconds) * 1000
        let out = try Python.run(
            script: try Self.referenceScript(),
            arguments: ["auth", RepoPaths.path("devnet"), image, seed, "\(ts)", me.checksummed])
        let object = try JSONSerialization.jsonObject(with: Data(out.utf8)) as? [String: String]
        guard let blob = object?["blob"], let sig = object?["sig"] else { throw DevnetError("bad output \(out)") }
        return EnclaveAuthorization(
            attestationBlob: try Hex.decode(blob), enclaveSignature: try Hex.decode(sig))
    }

    /// `kalypso_devnet.reductions.reduction(current, requested)` → (new total, released).
    func referenceReduction(current: BigUInt, requested: BigUInt) throws -> (BigUInt, BigUInt) {
        let out = try Python.run(
            script: try Self.referenceScript(),
            arguments: ["reduction", RepoPaths.path("devnet"), "\(current)", "\(requested)"])
        let parts = out.split(whereSeparator: \.isWhitespace).compactMap { BigUInt(String($0)) }
        guard parts.count == 2 else { throw DevnetError("bad output \(out)") }
        return (parts[0], parts[1])
    }

    /// Creates a job in `market` (a requester's ask/bid, assigned to our operator by the matching engine),
    /// proven by the gas key when `prove`; returns its id. Driven by the devnet's Python, not our code.
    func job(market: BigUInt, reward: BigUInt, prove: Bool) throws -> BigUInt {
        let out = try Python.run(
            script: try Self.referenceScript(),
            arguments: [
                "job", RepoPaths.path("devnet"), network.generation, RepoPaths.path("."), network.rpcURL,
                marketplace.checksummed, (config.contracts.paymentToken ?? .zero).checksummed, "\(market)", "\(reward)",
                prove ? "prove" : "no",
            ])
        guard let id = BigUInt(out.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw DevnetError("bad job output \(out)")
        }
        return id
    }

    static func referenceScript() throws -> String {
        let path = FileManager.default.temporaryDirectory.path + "/kalypso-operator-reference-\(getpid()).py"
        if !FileManager.default.fileExists(atPath: path) {
            try referencePython.write(toFile: path, atomically: true, encoding: .utf8)
        }
        return path
    }

    static let referencePython = """
        import json, sys
        sys.path.insert(0, sys.argv[2])
        if sys.argv[1] == "auth":
            from kalypso_devnet.attestation import Enclave
            from kalypso_devnet import constants as C
            pcrs = C.PROVER_PCRS if sys.argv[3] == "prover" else C.OTHER_PROVER_PCRS
            enclave = Enclave.generate(pcrs, seed=sys.argv[4].encode())
            blob = enclave.attestation(int(sys.argv[5]))
            sig = enclave.sign_operator(blob, sys.argv[6])
            print(json.dumps({"blob": blob.hex(), "sig": sig.hex(), "address": enclave.address}))
        elif sys.argv[1] == "job":
            # A requester's job in a public market, assigned by the matching engine to our operator, and
            # proven by the gas key when asked: argv gen, repo, rpc, marketplace, payment token, market, reward, prove
            import os
            from kalypso_devnet.rpc import Rpc, Contract, dev_account
            from kalypso_devnet import constants as C
            gen, repo, url, mkt, usdc, market, reward, prove = sys.argv[3], sys.argv[4], sys.argv[5], sys.argv[6], sys.argv[7], int(sys.argv[8]), int(sys.argv[9]), sys.argv[10] == "prove"
            rpc = Rpc(url)
            abi = repo + ("/abi/v1-generator-registry/ProofMarketplace.json" if gen == "A" else "/abi/ProofMarketplace.json")
            pm = Contract(rpc, mkt, json.load(open(abi)), "ProofMarketplace")
            token = Contract(rpc, usdc, json.load(open(repo + "/abi/ERC20.json")), "ERC20")
            req, me, op, gas = dev_account(C.REQUESTER), dev_account(C.MATCHING_ENGINE), dev_account(C.OPERATOR), dev_account(C.GAS_KEY)
            token.transact(req, "approve", pm.address, reward)
            if gen == "A":
                ask = (market, reward, rpc.block_number() + 30, 40, 0, req.address, b'{"n":1}')
                pm.transact(req, "createAsk((uint256,uint256,uint256,uint256,uint256,address,bytes),uint8,bytes,bytes)", ask, 1, b"", b"")
                job = pm.call("askCounter") - 1
                pm.transact(me, "assignTask", job, op.address, b"")
            else:
                bid = (market, reward, rpc.timestamp() + 600, 3600, 0, req.address, b'{"inputs":[1]}')
                pm.transact(req, "createBid", bid, 0, b"", b"", b"")
                job = pm.call("bidCounter") - 1
                pm.transact(me, "assignTask", job, op.address, os.urandom(32))
            if prove:
                pm.transact(gas, "submitProof", job, b"proof of job")
            print(job)
        else:
            from kalypso_devnet.reductions import reduction
            r = reduction(int(sys.argv[3]), int(sys.argv[4]))
            print(r.new_total, r.released)
        """
}

/// Expects `body` to throw an ``OperatorRefusal`` with `code` (exit 5) and returns it.
@discardableResult
func expectRefusal(
    _ code: ErrorCode, sourceLocation: SourceLocation = #_sourceLocation, _ body: () async throws -> Any
) async -> OperatorRefusal? {
    do {
        let value = try await body()
        Issue.record("expected refusal \(code), got \(value)", sourceLocation: sourceLocation)
    } catch let refusal as OperatorRefusal {
        #expect(refusal.code == code, "\(refusal)", sourceLocation: sourceLocation)
        #expect(refusal.category.exitCode == 5, sourceLocation: sourceLocation)
        #expect(!refusal.hint.isEmpty, sourceLocation: sourceLocation)
        return refusal
    } catch {
        Issue.record("expected refusal \(code), got \(error)", sourceLocation: sourceLocation)
    }
    return nil
}

let e18 = BigUInt(10).power(18)
