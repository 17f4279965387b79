import BigInt
import EthereumKit
import Foundation
import KalypsoKit
import KalypsoStore
import TestSupport
import Testing

/// The pipeline against the devnet's JSON-RPC node (spec-like rules: nonce checks, replacement of a
/// pending transaction, automine that can be switched off), through the real JSON-RPC client.
@Suite(.serialized) struct TransactionDevnetTests {
    static let node = SharedDevnet { try await DevnetNode.start() }
    let recipient = address("0x000000000000000000000000000000000000dEaD")

    struct Fixture {
        let node: DevnetNode
        let key: PrivateKey
        let keyHex: String
        let database: KalypsoDatabase
        let chain: RPCChainAccess

        var journal: TransactionJournal { TransactionJournal(database: database) }

        func sender(timeout: Duration = .seconds(20), cap: BigUInt? = nil) -> TransactionSender {
            var s = TransactionSender(
                chain: chain, journal: journal, chainId: BigUInt(node.chainId),
                policy: FeePolicy(rules: .standard, feeCap: cap), errors: (try? kalypsoErrors()) ?? ABIErrorRegistry())
            s.pollInterval = .milliseconds(50)
            s.waitTimeout = timeout
            return s
        }

        func nonce(_ tag: String = "latest") async throws -> UInt64 {
            let hex = try await node.rpc.callString("eth_getTransactionCount", [key.address.checksummed, tag])
            return UInt64(hex.dropFirst(2), radix: 16) ?? .max
        }

        func receiptStatus(_ hash: String) async throws -> String? {
            let json = try await node.rpc.callJSON("eth_getTransactionReceipt", [hash])
            guard json != "null" else { return nil }
            let object = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any]
            return object?["status"] as? String
        }
    }

    /// A fresh funded account and journal per test, so tests never share nonces.
    func fixture() async throws -> Fixture {
        let node = try await Self.node.get()
        let key = PrivateKey.random()
        try await node.rpc.fund(key.address.checksummed, wei: "10000000000000000000")
        guard let url = URL(string: node.url) else { throw DevnetError("bad node URL") }
        return Fixture(
            node: node, key: key, keyHex: key.withUnsafeKeyBytes { Hex.encode($0) }, database: try temporaryDatabase(),
            chain: RPCChainAccess(urls: [url], expectedChainId: node.chainId, errors: try kalypsoErrors()))
    }

    func transfer(_ f: Fixture, _ summary: String = "Send 1 wei") -> TransactionRequest {
        TransactionRequest(
            from: f.key.address, to: recipient, value: 1,
            description: CallDescription(summary: summary, contract: "0xdEaD", function: "(transfer)"))
    }

    /// Sends with automine off until the wait ends; returns the pending hash.
    func stuck(_ f: Fixture) async throws -> String {
        do {
            _ = try await f.sender(timeout: .milliseconds(600)).send(transfer(f), signer: f.key) { _ in true }
        } catch let e as PipelineError {
            if case .stillPending(let hash) = e.kind { return hash }
            throw e
        }
        throw DevnetError("the transaction was mined with automine off")
    }

    /// Mines a block once the journal holds `rows` rows (the replacement has been sent).
    func mineWhenJournalHas(_ rows: Int, _ f: Fixture) -> Task<Void, any Error> {
        Task {
            while try f.journal.recent().filter({ $0.state == .sent }).count < rows {
                try await Task.sleep(for: .milliseconds(20))
            }
            try await f.node.rpc.mine()
        }
    }

    @Test func aTransferIsConfirmed() async throws {
        let f = try await fixture()
        let outcome = try await f.sender().send(transfer(f), signer: f.key) { _ in true }
        guard case .confirmed(let hash, _) = outcome else {
            Issue.record("expected confirmed, got \(outcome)")
            return
        }
        #expect(try await f.receiptStatus(hash) == "0x1")
        #expect(try f.journal.entry(hash: hash)?.state == .confirmed)
        #expect(try await f.nonce() == 1)
    }

    @Test func aStuckTransactionIsSpedUp() async throws {
        let f = try await fixture()
        try await f.node.rpc.setAutomine(false)
        defer { Task { try? await f.node.rpc.setAutomine(true) } }
        let original = try await stuck(f)
        let mining = mineWhenJournalHas(2, f)
        let outcome = try await f.sender().replace(hash: original, kind: .speedUp, signer: f.key) { _ in true }
        try await mining.value
        try await f.node.rpc.setAutomine(true)
        guard case .confirmed(let faster, _) = outcome else {
            Issue.record("expected confirmed, got \(outcome)")
            return
        }
        #expect(try await f.receiptStatus(faster) == "0x1")
        #expect(try await f.receiptStatus(original) == nil)
        let old = try #require(try f.journal.entry(hash: original))
        let new = try #require(try f.journal.entry(hash: faster))
        #expect(old.state == .replaced && old.replacedBy == faster)
        #expect(new.nonce == old.nonce && new.toAddress == old.toAddress && new.value == old.value)
        // every fee raised by at least the 10 % nodes require
        let oldMax = try #require(BigUInt(old.maxFeePerGas ?? "", radix: 10))
        let newMax = try #require(BigUInt(new.maxFeePerGas ?? "", radix: 10))
        let oldTip = try #require(BigUInt(old.maxPriorityFeePerGas ?? "", radix: 10))
        let newTip = try #require(BigUInt(new.maxPriorityFeePerGas ?? "", radix: 10))
        #expect(newMax * 100 >= oldMax * 110 && newTip * 100 >= oldTip * 110)
        #expect(try await f.nonce() == 1)
    }

    @Test func aStuckTransactionIsCancelled() async throws {
        let f = try await fixture()
        try await f.node.rpc.setAutomine(false)
        defer { Task { try? await f.node.rpc.setAutomine(true) } }
        let original = try await stuck(f)
        let mining = mineWhenJournalHas(2, f)
        let outcome = try await f.sender().replace(hash: original, kind: .cancel, signer: f.key) { _ in true }
        try await mining.value
        try await f.node.rpc.setAutomine(true)
        guard case .confirmed(let cancel, _) = outcome else {
            Issue.record("expected confirmed, got \(outcome)")
            return
        }
        #expect(try await f.receiptStatus(original) == nil)
        let row = try #require(try f.journal.entry(hash: cancel))
        #expect(row.toAddress == f.key.address.checksummed.lowercased() && row.value == "0" && row.data.isEmpty)
        #expect(try f.journal.entry(hash: original)?.state == .replaced)
    }

    @Test func aDroppedTransactionIsNoticed() async throws {
        let f = try await fixture()
        try await f.node.rpc.setAutomine(false)
        defer { Task { try? await f.node.rpc.setAutomine(true) } }
        let ours = try await stuck(f)
        // Another wallet with the same key uses nonce 0 for something else, at twice the fees.
        let foreign = try EIP1559Transaction(
            chainId: BigUInt(f.node.chainId), nonce: 0, maxPriorityFeePerGas: 5_000_000_000,
            maxFeePerGas: 20_000_000_000, gasLimit: 21_000, to: address("0x000000000000000000000000000000000000bEEF"),
            value: 2, data: [])
        let signed = try await UnsignedTransaction.eip1559(foreign).sign(with: f.key)
        try await f.node.rpc.callJSON("eth_sendRawTransaction", [signed.rawHex])
        try await f.node.rpc.mine()
        try await f.node.rpc.setAutomine(true)
        await #expect(throws: PipelineError(.dropped(hash: ours))) { _ = try await f.sender().watch(hash: ours) }
        #expect(try f.journal.entry(hash: ours)?.state == .dropped)
        // the next send takes nonce 1: nothing reused, nothing skipped
        guard
            case .confirmed(let next, _) = try await f.sender().send(transfer(f), signer: f.key, approve: { _ in true })
        else {
            Issue.record("expected confirmed")
            return
        }
        #expect(try f.journal.entry(hash: next)?.nonce == 1)
    }

    @Test func theFeeCapRefusesAndNothingIsSent() async throws {
        let f = try await fixture()
        await #expect {
            _ = try await f.sender(cap: 1_000).send(transfer(f), signer: f.key) { _ in true }
        } throws: { error in
            guard let e = error as? PipelineError, case .feeCapExceeded(let ceiling, let cap) = e.kind else {
                return false
            }
            return cap == 1_000 && ceiling > cap && e.detail.contains("0.000000000000001 ETH")
        }
        #expect(try f.journal.recent().isEmpty)
        #expect(try await f.nonce("pending") == 0)
    }

    // MARK: - Real processes: kill -9 at named points, two senders at once

    func testSend(_ f: Fixture, pauseAt: String? = nil, marker: String? = nil, label: String) throws
        -> BackgroundProcess
    {
        var argv = [
            RepoPaths.consoleBinary, "tx", "_test-send", "--database", f.database.path, "--rpc", f.node.url, "--to",
            recipient.checksummed, "--value", "1", "--from-env", "--timeout", "60",
        ]
        if let pauseAt, let marker { argv += ["--pause-at", pauseAt, "--marker", marker] }
        return try BackgroundProcess(argv: argv, environment: ["KALYPSO_PRIVATE_KEY": f.keyHex], label: label)
    }

    func killAt(_ point: String, _ f: Fixture) async throws {
        let marker = FileManager.default.temporaryDirectory.appendingPathComponent("mk-\(UUID().uuidString)").path
        let process = try testSend(f, pauseAt: point, marker: marker, label: "tx-\(point)")
        _ = try await process.wait(for: "tx _test-send to reach \(point)", timeout: 60) {
            FileManager.default.fileExists(atPath: marker) ? true : nil
        }
        kill(process.pid, SIGKILL)
        _ = try await process.wait(for: "the killed process to end", timeout: 10) { process.exited }
        #expect(process.exited == 128 + SIGKILL)
    }

    @Test func killedBetweenJournalAndSendIsRecovered() async throws {
        let f = try await fixture()
        try await killAt("after-journal", f)
        let rows = try f.journal.recent()
        #expect(rows.count == 1 && rows.first?.state == .signed && rows.first?.nonce == 0)
        #expect(try await f.nonce("pending") == 0, "nothing may have reached the node")
        // The next start: recovery sends the journaled bytes, then new sends continue at nonce 1.
        let recovered = try await f.sender().recover()
        #expect(recovered.map(\.after) == [.confirmed])
        let hash = try #require(rows.first?.hash)
        #expect(try await f.receiptStatus(hash) == "0x1")
        guard
            case .confirmed(let next, _) = try await f.sender().send(transfer(f), signer: f.key, approve: { _ in true })
        else {
            Issue.record("expected confirmed")
            return
        }
        #expect(try f.journal.entry(hash: next)?.nonce == 1)
        #expect(try await f.nonce() == 2)
    }

    @Test func killedAfterSendIsFoundOnChain() async throws {
        let f = try await fixture()
        try await killAt("after-send", f)
        let rows = try f.journal.recent()
        // The process died before it could record the send; the node has it (automine mined it).
        #expect(rows.count == 1 && rows.first?.state == .signed)
        #expect(try await f.nonce() == 1)
        // The restart is a real process too: _test-send recovers before it sends.
        let restart = try testSend(f, label: "tx-restart")
        let status = try await restart.wait(for: "the restarted process", timeout: 120) { restart.exited }
        #expect(status == 0, "\(restart.log)")
        let after = try f.journal.recent().sorted { $0.nonce < $1.nonce }
        #expect(after.map(\.nonce) == [0, 1])
        #expect(after.map(\.state) == [.confirmed, .confirmed])
        #expect(try await f.nonce() == 2)
    }

    @Test func twoProcessesSendingAtOnceGetDistinctNonces() async throws {
        let f = try await fixture()
        let a = try testSend(f, label: "tx-a")
        let b = try testSend(f, label: "tx-b")
        let sa = try await a.wait(for: "sender a", timeout: 120) { a.exited }
        let sb = try await b.wait(for: "sender b", timeout: 120) { b.exited }
        #expect(sa == 0, "\(a.log)")
        #expect(sb == 0, "\(b.log)")
        let rows = try f.journal.recent()
        #expect(rows.map(\.nonce).sorted() == [0, 1])
        #expect(rows.allSatisfy { $0.state == .confirmed })
        #expect(try await f.nonce() == 2)
    }
}

/// A revert caught in simulation on the full Generation B devnet (look-alike Kalypso contracts that
/// revert with the real custom errors): decoded, and nothing signed, journaled or sent.
@Suite struct TransactionRevertDevnetTests {
    static let network = SharedDevnet { try await DevnetNetwork.start(generation: "B", seed: false) }

    @Test func aRevertInSimulationIsDecodedAndNothingIsSent() async throws {
        let network = try await Self.network.get()
        let key = PrivateKey.random()
        try await network.rpc.fund(key.address.checksummed, wei: "10000000000000000000")
        let proverManager = address(try network.contract("proverManager"))
        let abi = try ContractABI(contentsOfFile: RepoPaths.path("abi/ProverManager.json"))
        // An account that never registered changes its reward address: ProverNotRegistered().
        let data = try abi.function("updateProverRewardAddress").encodeCall([.address(key.address)])
        guard let url = URL(string: network.rpcURL) else { throw DevnetError("bad RPC URL") }
        let database = try temporaryDatabase()
        let journal = TransactionJournal(database: database)
        let sender = TransactionSender(
            chain: RPCChainAccess(urls: [url], expectedChainId: network.chainId, errors: try kalypsoErrors()),
            journal: journal, chainId: BigUInt(network.chainId), policy: FeePolicy(rules: .standard),
            errors: try kalypsoErrors())
        let request = TransactionRequest(
            from: key.address, to: proverManager, data: data,
            description: CallDescription(
                summary: "Update reward address", contract: "ProverManager \(proverManager.short)",
                function: "updateProverRewardAddress(address)"))
        await #expect {
            _ = try await sender.send(request, signer: key) { _ in
                Issue.record("a call that reverts in simulation must never reach the review")
                return false
            }
        } throws: { error in
            guard let e = error as? PipelineError, case .simulationReverted(_, let name) = e.kind else { return false }
            return name == "ProverNotRegistered" && e.category.exitCode == 5
        }
        #expect(try journal.recent().isEmpty)
        let pending = try await network.rpc.callString("eth_getTransactionCount", [key.address.checksummed, "pending"])
        #expect(pending == "0x0")
    }
}
