import BigInt
import EthereumKit
import Foundation
import KalypsoKit
import KalypsoStore
import TestSupport
import Testing

/// `kalypso-console tx …` as an operator or a script runs it: the real binary, its output and exit code.
@Suite(.serialized) struct TxCommandTests {
    /// Its own node: the pipeline's devnet suite switches automine off and on, and suites run in parallel.
    static let node = SharedDevnet { try await DevnetNode.start() }
    let console = RepoPaths.consoleBinary
    let recipient = address("0x000000000000000000000000000000000000dEaD")

    func journalWithRows() throws -> (TransactionJournal, [SignedTransaction]) {
        let journal = TransactionJournal(database: try temporaryDatabase())
        let key = try PrivateKey(hex: devKeyHex)
        var out: [SignedTransaction] = []
        for n in 0..<2 {
            let tx = try UnsignedTransaction.eip1559(
                EIP1559Transaction(
                    chainId: 31337, nonce: UInt64(n), maxPriorityFeePerGas: 1_000_000_000, maxFeePerGas: 3_000_000_000,
                    gasLimit: 21_000, to: recipient, value: 7, data: [])
            ).sign(with: key)
            try journal.record(
                JournalEntry(
                    chainId: 31337, fromAddress: devAddress, nonce: Int64(n), toAddress: recipient.checksummed,
                    value: "7", data: Data(), gasLimit: "21000", txType: 2, gasPrice: nil, maxFeePerGas: "3000000000",
                    maxPriorityFeePerGas: "1000000000", rawTransaction: Data(tx.rawBytes), hash: Hex.encode(tx.hash),
                    label: "row \(n)"))
            out.append(tx)
        }
        try journal.update(hash: Hex.encode(out[0].hash)) { $0.state = .confirmed }
        return (journal, out)
    }

    func json(_ text: String) throws -> [String: Any] {
        let object = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]
        return try #require(object, "not a JSON object: \(text)")
    }

    @Test func listAndShowPrintTheJournalAsJSON() throws {
        let (journal, txs) = try journalWithRows()
        let list = try runProcess([console, "tx", "list", "--database", journal.database.path, "--json"])
        #expect(list.status == 0, "\(list.output)")
        let rows = try #require(try json(list.output)["transactions"] as? [[String: Any]])
        #expect(rows.compactMap { $0["hash"] as? String } == txs.reversed().map { Hex.encode($0.hash) })
        #expect(rows.compactMap { $0["state"] as? String } == ["signed", "confirmed"])
        let pending = try runProcess([
            console, "tx", "list", "--pending", "--database", journal.database.path, "--json",
        ])
        #expect((try json(pending.output)["transactions"] as? [[String: Any]])?.count == 1)

        let hash = Hex.encode(txs[1].hash)
        let show = try runProcess([
            console, "tx", "show", hash.uppercased().replacingOccurrences(of: "0X", with: "0x"), "--database",
            journal.database.path, "--json",
        ])
        #expect(show.status == 0, "\(show.output)")
        let row = try json(show.output)
        #expect(row["hash"] as? String == hash)
        #expect(row["nonce"] as? Int == 1 && row["value"] as? String == "7" && row["label"] as? String == "row 1")
        #expect(row["maxFeePerGas"] as? String == "3000000000")

        let text = try runProcess([console, "tx", "show", hash, "--database", journal.database.path])
        #expect(text.output.contains("max fee         3 gwei/gas"))
        #expect(text.output.contains("state           signed"))
    }

    @Test func unknownHashIsAUsageError() throws {
        let (journal, _) = try journalWithRows()
        let r = try runProcess([console, "tx", "show", "0x1234", "--database", journal.database.path, "--json"])
        #expect(r.status == 2)
        #expect(try json(r.output)["error"] != nil)
    }

    @Test func noKeyIsAConfigurationError() throws {
        let (journal, txs) = try journalWithRows()
        var env = ProcessInfo.processInfo.environment
        env["KALYPSO_PRIVATE_KEY"] = nil
        let r = try runProcess(
            [
                console, "tx", "speed-up", Hex.encode(txs[1].hash), "--database", journal.database.path, "--rpc",
                "http://127.0.0.1:9",
            ],
            environment: env)
        #expect(r.status == 3, "\(r.output)")
        #expect(r.output.contains("No key to sign with"))
    }

    @Test func anUnreachableNodeExitsWith4() throws {
        let (journal, txs) = try journalWithRows()
        var env = ProcessInfo.processInfo.environment
        env["KALYPSO_PRIVATE_KEY"] = devKeyHex
        // Port 9 (discard) is closed on the test machine: connection refused.
        let r = try runProcess(
            [
                console, "tx", "cancel", Hex.encode(txs[1].hash), "--database", journal.database.path, "--rpc",
                "http://127.0.0.1:9", "--yes",
            ],
            environment: env)
        #expect(r.status == 4, "\(r.output)")
        #expect(!r.output.contains(String(devKeyHex.dropFirst(2).prefix(12))), "the key must never be printed")
    }

    @Test func speedUpAndFeeCapOnTheDevnet() async throws {
        let node = try await Self.node.get()
        let key = PrivateKey.random()
        let keyHex = key.withUnsafeKeyBytes { Hex.encode($0) }
        try await node.rpc.fund(key.address.checksummed, wei: "10000000000000000000")
        guard let url = URL(string: node.url) else { throw DevnetError("bad node URL") }
        let database = try temporaryDatabase()
        let journal = TransactionJournal(database: database)
        try await node.rpc.setAutomine(false)
        defer { Task { try? await node.rpc.setAutomine(true) } }
        var sender = TransactionSender(
            chain: RPCChainAccess(urls: [url], errors: ABIErrorRegistry()), journal: journal, chainId: 31337,
            policy: FeePolicy(rules: .standard))
        sender.pollInterval = .milliseconds(50)
        sender.waitTimeout = .milliseconds(500)
        var stuck = ""
        do {
            _ = try await sender.send(
                TransactionRequest(
                    from: key.address, to: recipient, value: 1,
                    description: CallDescription(summary: "stuck", contract: "", function: "")),
                signer: key, approve: { _ in true })
        } catch let e as PipelineError {
            guard case .stillPending(let h) = e.kind else { throw e }
            stuck = h
        }
        var env = ProcessInfo.processInfo.environment
        env["KALYPSO_PRIVATE_KEY"] = keyHex
        let common = ["--database", database.path, "--rpc", node.url, "--from-env", "--yes"]

        // A cap below the replacement's fee: refused with both figures, exit 5, nothing new sent.
        let capped = try runProcess(
            [console, "tx", "speed-up", stuck, "--fee-cap", "0.000001"] + common, environment: env)
        #expect(capped.status == 5, "\(capped.output)")
        #expect(capped.output.contains("above the cap of 0.000001 ETH"))
        #expect(try journal.recent().count == 1)

        // Without --yes and without a terminal to ask on: the review is printed, nothing is signed (exit 5).
        let unasked = try runProcess(
            [console, "tx", "cancel", stuck, "--database", database.path, "--rpc", node.url, "--from-env"],
            environment: env)
        #expect(unasked.status == 5, "\(unasked.output)")
        #expect(unasked.output.contains("Cancel: stuck") && unasked.output.contains("fee at most"))
        #expect(unasked.output.contains("replaces   \(stuck)"))
        #expect(try journal.recent().count == 1)

        let process = try BackgroundProcess(
            argv: [console, "tx", "speed-up", stuck, "--json"] + common, environment: env, label: "tx-speed-up")
        _ = try await process.wait(for: "the replacement to be sent", timeout: 60) {
            (try journal.recent().count == 2) ? true : nil
        }
        // the row is journaled before the send: wait until the node has it, then mine
        let replacement = try #require(try journal.recent().first?.hash)
        _ = try await process.wait(for: "the node to know the replacement", timeout: 30) { () -> Bool? in
            (try journal.entry(hash: replacement)?.state == .sent) ? true : nil
        }
        try await node.rpc.mine()
        let status = try await process.wait(for: "tx speed-up", timeout: 60) { process.exited }
        #expect(status == 0, "\(process.log)")
        #expect(process.log.contains("\"state\" : \"confirmed\""))
        #expect(try journal.entry(hash: stuck)?.state == .replaced)
        #expect(try journal.entry(hash: replacement)?.replaces == stuck)
        #expect(!process.log.contains(String(keyHex.dropFirst(2).prefix(12))))
    }
}
