import Basics
import BigInt
import EthereumKit
import KalypsoKit
import TestSupport
import Testing

/// The anvil/hardhat dev account 0 (public test key) and its well-known address.
let devKeyHex = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80"
let devAddress = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266"

func address(_ s: String) -> Address {
    do { return try Address(s) } catch { fatalError("bad test address \(s)") }
}

/// The custom errors of both generations' ABIs bundled in `abi/`.
func kalypsoErrors() throws -> ABIErrorRegistry {
    try ABIErrorRegistry(contentsOfFiles: [
        RepoPaths.path("abi/ProverManager.json"), RepoPaths.path("abi/v1-generator-registry/Error.json"),
    ])
}

@Suite struct TransactionMachineTests {
    let gwei: BigUInt = 1_000_000_000
    let contract = address("0x5FbDB2315678afecb367f032d93F642f64180aa3")
    var request: TransactionRequest {
        TransactionRequest(
            from: address(devAddress), to: contract, value: 5, data: [0xde, 0xad, 0xbe, 0xef],
            description: CallDescription(
                summary: "Stake 100 POND", contract: "ProverManager 0x5FbD…0aa3", function: "stake(uint256)",
                arguments: [.init(name: "amount", value: "100 POND")]))
    }
    var history: FeeHistory {
        FeeHistory(oldestBlock: 1, baseFeePerGas: [10 * gwei, 10 * gwei], reward: [[2 * gwei]])
    }

    func machine(cap: BigUInt? = nil, confirmations: UInt64 = 1) throws -> TransactionMachine {
        TransactionMachine(
            request: request, chainId: 31337,
            policy: FeePolicy(rules: .standard, feeCap: cap, confirmations: confirmations),
            errors: try kalypsoErrors())
    }

    /// Drives a machine up to the review and returns it with the review.
    func reviewed(_ m: inout TransactionMachine) throws -> TransactionReview {
        _ = m.handle(.start)
        _ = m.handle(.balance(10 * BigUInt(10).power(18)))
        _ = m.handle(.simulationSucceeded)
        _ = m.handle(.gasEstimated(50_000))
        let actions = m.handle(.feeHistory(history))
        guard case .review(let review) = try #require(actions.first) else {
            Issue.record("expected a review, got \(actions)")
            throw PipelineError(.declined)
        }
        return review
    }

    func signedAfterNonce(_ m: inout TransactionMachine, nonce: UInt64) throws -> SignedTransaction {
        let actions = m.handle(.nonceAssigned(nonce))
        guard case .sign(let unsigned) = try #require(actions.first) else {
            Issue.record("expected sign, got \(actions)")
            throw PipelineError(.declined)
        }
        let signed = unsigned.sign(with: try PrivateKey(hex: devKeyHex))
        let next = m.handle(.signed(signed))
        #expect(next == [.journal(signed, label: "Stake 100 POND", replaces: nil)])
        return signed
    }

    @Test func happyPathGoesThroughEveryStepInOrder() throws {
        var m = try machine(confirmations: 2)
        #expect(m.handle(.start) == [.readBalance(address(devAddress))])
        #expect(m.phase == .checkingBalance)
        let call = CallRequest(from: address(devAddress), to: contract, value: 5, data: [0xde, 0xad, 0xbe, 0xef])
        #expect(m.handle(.balance(BigUInt(10).power(18))) == [.simulate(call)])
        #expect(m.handle(.simulationSucceeded) == [.estimateGas(call)])
        #expect(m.handle(.gasEstimated(50_000)) == [.readFeeHistory(blocks: 10, percentiles: [50])])
        let review = try #require(
            {
                if case .review(let r) = m.handle(.feeHistory(history)).first { return r }
                return nil
            }())
        #expect(m.phase == .awaitingApproval)
        // 50 000 × 1.2 = 60 000 gas; 2 × 10 + 2 = 22 gwei; ceiling 60 000 × 22 gwei = 0.00132 ETH.
        #expect(review.gasLimit == 60_000)
        #expect(review.fees == .eip1559(maxFeePerGas: 22 * gwei, maxPriorityFeePerGas: 2 * gwei))
        #expect(review.feeCeiling == 1_320_000_000_000_000)
        #expect(review.lines.contains("  fee at most 0.00132 ETH (balance 1 ETH)"))
        #expect(review.lines.contains("    amount = 100 POND"))
        #expect(review.lines.contains("  function   stake(uint256)"))
        #expect(m.handle(.approved) == [.assignNonce(address(devAddress))])
        let signed = try signedAfterNonce(&m, nonce: 7)
        guard case .eip1559(let tx) = signed.transaction else {
            Issue.record("expected an EIP-1559 transaction")
            return
        }
        #expect(tx.nonce == 7 && tx.gasLimit == 60_000 && tx.maxFeePerGas == 22 * gwei && tx.chainId == 31337)
        #expect(tx.to == contract && tx.value == 5 && tx.data == [0xde, 0xad, 0xbe, 0xef])
        let hash = Hex.encode(signed.hash)
        // The journal comes first; only its confirmation lets the send go.
        #expect(m.handle(.journaled) == [.send(raw: signed.rawBytes)])
        #expect(m.handle(.sendAccepted) == [.record(hash: hash, .sent), .releaseNonce, .observe(hash: hash, nonce: 7)])
        #expect(
            m.handle(.observed(.init(receipt: nil, isKnown: true, accountNonce: 7, head: 200))) == [
                .observe(hash: hash, nonce: 7)
            ])
        let receipt = TransactionReceipt(
            transactionHash: signed.hash, blockNumber: 201, status: 1, gasUsed: 40_000, effectiveGasPrice: 11 * gwei)
        // mined in 201, head 201: one confirmation of two.
        #expect(
            m.handle(.observed(.init(receipt: receipt, isKnown: true, accountNonce: 8, head: 201))) == [
                .record(hash: hash, .mined(receipt)), .observe(hash: hash, nonce: 7),
            ])
        #expect(
            m.handle(.observed(.init(receipt: receipt, isKnown: true, accountNonce: 8, head: 201))) == [
                .observe(hash: hash, nonce: 7)
            ])
        let outcome = TransactionMachine.Outcome.confirmed(hash: hash, receipt: receipt)
        #expect(
            m.handle(.observed(.init(receipt: receipt, isKnown: true, accountNonce: 8, head: 202))) == [
                .record(hash: hash, .confirmed(receipt)), .finish(outcome),
            ])
        #expect(m.phase == .finished(outcome))
        #expect(m.handle(.sendAccepted).isEmpty)
    }

    @Test func valueAboveBalanceIsRefusedBeforeSimulation() throws {
        var m = try machine()
        _ = m.handle(.start)
        #expect(m.handle(.balance(4)) == [.fail(PipelineError(.insufficientBalance(needed: 5, balance: 4)))])
    }

    @Test func balanceMustCoverValuePlusFeeCeiling() throws {
        var m = try machine()
        _ = m.handle(.start)
        _ = m.handle(.balance(1_000_000))
        _ = m.handle(.simulationSucceeded)
        _ = m.handle(.gasEstimated(50_000))
        let actions = m.handle(.feeHistory(history))
        #expect(
            actions == [
                .fail(PipelineError(.insufficientBalance(needed: 1_320_000_000_000_005, balance: 1_000_000)))
            ])
        #expect(
            ErrorReport(PipelineError(.insufficientBalance(needed: 1_320_000_000_000_005, balance: 1_000_000)))
                .exitCode == 5)
    }

    @Test func aRevertInSimulationIsDecodedAndNothingIsSigned() throws {
        var m = try machine()
        _ = m.handle(.start)
        _ = m.handle(.balance(BigUInt(10).power(18)))
        // InvalidEnclaveSignature(address) = 0x2880cb7f (spec §2.11), with the recovered signer as argument.
        let data = try Hex.decode("0x2880cb7f000000000000000000000000f39fd6e51aad88f6f4ce6ab8827279cfffb92266")
        let actions = m.handle(.simulationReverted(data: data))
        guard case .fail(let error) = try #require(actions.first),
            case .simulationReverted(let reason, let name) = error.kind
        else {
            Issue.record("expected a simulation revert, got \(actions)")
            return
        }
        #expect(name == "InvalidEnclaveSignature")
        #expect(reason.lowercased().contains("0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266"))
        #expect(actions.count == 1)
        #expect(error.category.exitCode == 5)
    }

    @Test func aRevertInTheEstimateIsTreatedLikeOneInTheCall() throws {
        var m = try machine()
        _ = m.handle(.start)
        _ = m.handle(.balance(BigUInt(10).power(18)))
        _ = m.handle(.simulationSucceeded)
        let actions = m.handle(.simulationReverted(data: []))
        guard case .fail(let error) = try #require(actions.first), case .simulationReverted(_, let name) = error.kind
        else {
            Issue.record("expected a simulation revert")
            return
        }
        #expect(name == nil)
        #expect(error.detail.contains("without data"))
    }

    @Test func feeCapRefusesWithTheFigureAndTheCap() throws {
        // ceiling 0.00132 ETH; cap 0.001 ETH.
        var m = try machine(cap: 1_000_000_000_000_000)
        _ = m.handle(.start)
        _ = m.handle(.balance(BigUInt(10).power(18)))
        _ = m.handle(.simulationSucceeded)
        _ = m.handle(.gasEstimated(50_000))
        let actions = m.handle(.feeHistory(history))
        let error = PipelineError(.feeCapExceeded(ceiling: 1_320_000_000_000_000, cap: 1_000_000_000_000_000))
        #expect(actions == [.fail(error)])
        #expect(error.detail.contains("0.00132 ETH") && error.detail.contains("0.001 ETH"))
        #expect(error.category.exitCode == 5)
    }

    @Test func perGasCapRefusesWithBothFiguresInGwei() throws {
        var policy = FeePolicy(rules: .standard)
        policy.feeCapPerGas = 20 * gwei
        var m = TransactionMachine(request: request, chainId: 31337, policy: policy, errors: ABIErrorRegistry())
        _ = m.handle(.start)
        _ = m.handle(.balance(BigUInt(10).power(18)))
        _ = m.handle(.simulationSucceeded)
        _ = m.handle(.gasEstimated(50_000))
        // 2 × 10 + 2 = 22 gwei > 20 gwei
        let error = PipelineError(.feePerGasCapExceeded(perGas: 22 * gwei, cap: 20 * gwei))
        #expect(m.handle(.feeHistory(history)) == [.fail(error)])
        #expect(error.detail.contains("22 gwei") && error.detail.contains("20 gwei"))
    }

    @Test func aChainWithoutBaseFeeGetsALegacyTransaction() throws {
        var m = try machine()
        _ = m.handle(.start)
        _ = m.handle(.balance(BigUInt(10).power(18)))
        _ = m.handle(.simulationSucceeded)
        _ = m.handle(.gasEstimated(21_000))
        #expect(
            m.handle(.feeHistory(FeeHistory(oldestBlock: 1, baseFeePerGas: [0, 0], reward: [[0]]))) == [.readGasPrice])
        guard case .review(let review) = try #require(m.handle(.gasPrice(3 * gwei)).first) else {
            Issue.record("expected a review")
            return
        }
        #expect(review.fees == .legacy(gasPrice: 3 * gwei))
        _ = m.handle(.approved)
        guard case .sign(let unsigned) = try #require(m.handle(.nonceAssigned(0)).first) else {
            Issue.record("expected sign")
            return
        }
        #expect(unsigned.type == 0)
        #expect(unsigned.chainId == 31337)
    }

    @Test func aFixedGasLimitSkipsTheEstimate() throws {
        var req = request
        req.gasLimit = 10_000_000
        var m = TransactionMachine(
            request: req, chainId: 31337, policy: FeePolicy(rules: .standard), errors: ABIErrorRegistry())
        _ = m.handle(.start)
        _ = m.handle(.balance(BigUInt(10).power(20)))
        #expect(m.handle(.simulationSucceeded) == [.readFeeHistory(blocks: 10, percentiles: [50])])
    }

    @Test func declinedAtReviewEndsWithNothingSigned() throws {
        var m = try machine()
        _ = try reviewed(&m)
        #expect(m.handle(.declined) == [.fail(PipelineError(.declined))])
    }

    @Test func sendOutcomes() throws {
        // unreachable: the row stays (with the error noted) for recovery; the lock is released.
        var m = try machine()
        _ = try reviewed(&m)
        _ = m.handle(.approved)
        let signed = try signedAfterNonce(&m, nonce: 3)
        let hash = Hex.encode(signed.hash)
        _ = m.handle(.journaled)
        #expect(
            m.handle(.sendFailed(ChainAccessError(.unreachable, message: "timed out")))
                == [
                    .record(hash: hash, .sendError("timed out")), .releaseNonce,
                    .fail(PipelineError(.sendUnconfirmed(hash: hash, message: "timed out"))),
                ])

        // refused: dropped in the journal, nonce free again.
        var r = try machine()
        _ = try reviewed(&r)
        _ = r.handle(.approved)
        _ = try signedAfterNonce(&r, nonce: 3)
        _ = r.handle(.journaled)
        #expect(
            r.handle(.sendFailed(ChainAccessError(.insufficientFunds, message: "insufficient funds")))
                == [
                    .record(hash: hash, .dropped(reason: "insufficient funds")), .releaseNonce,
                    .fail(PipelineError(.sendRejected(message: "insufficient funds"))),
                ])

        // already known counts as accepted; nonce too low asks the chain what happened.
        var k = try machine()
        _ = try reviewed(&k)
        _ = k.handle(.approved)
        _ = try signedAfterNonce(&k, nonce: 3)
        _ = k.handle(.journaled)
        #expect(
            k.handle(.sendFailed(ChainAccessError(.alreadyKnown, message: "already known"))) == [
                .record(hash: hash, .sent), .releaseNonce, .observe(hash: hash, nonce: 3),
            ])
        var n = try machine()
        _ = try reviewed(&n)
        _ = n.handle(.approved)
        _ = try signedAfterNonce(&n, nonce: 3)
        _ = n.handle(.journaled)
        #expect(
            n.handle(.sendFailed(ChainAccessError(.nonceTooLow, message: "nonce too low"))) == [
                .releaseNonce, .observe(hash: hash, nonce: 3),
            ])
    }

    func watching() throws -> (TransactionMachine, SignedTransaction, String) {
        var m = try machine()
        _ = try reviewed(&m)
        _ = m.handle(.approved)
        let signed = try signedAfterNonce(&m, nonce: 4)
        _ = m.handle(.journaled)
        _ = m.handle(.sendAccepted)
        return (m, signed, Hex.encode(signed.hash))
    }

    @Test func watchingNoticesReplacementDropAndOnChainRevert() throws {
        var (m, _, hash) = try watching()
        let other = TransactionReceipt(
            transactionHash: [1], blockNumber: 300, status: 1, gasUsed: 21_000, effectiveGasPrice: nil)
        let outcome = TransactionMachine.Outcome.replaced(hash: hash, by: "0xbeef")
        #expect(
            m.handle(
                .observed(
                    .init(
                        receipt: nil, sameNonceReceipt: .init(hash: "0xbeef", receipt: other), isKnown: false,
                        accountNonce: 5, head: 300)))
                == [.record(hash: hash, .replaced(by: "0xbeef")), .finish(outcome)])

        var d: TransactionMachine
        (d, _, _) = try watching()
        #expect(
            d.handle(.observed(.init(receipt: nil, isKnown: false, accountNonce: 5, head: 300)))
                == [
                    .record(hash: hash, .dropped(reason: "nonce 4 was used by a transaction not in this journal")),
                    .fail(PipelineError(.dropped(hash: hash))),
                ])

        var f: TransactionMachine
        (f, _, _) = try watching()
        let failed = TransactionReceipt(
            transactionHash: [2], blockNumber: 301, status: 0, gasUsed: 30_000, effectiveGasPrice: nil)
        // status 0: replay the call (with the signed gas limit) on the state before its block to name the cause
        var replay = CallRequest(from: address(devAddress), to: contract, value: 5, data: [0xde, 0xad, 0xbe, 0xef])
        replay.gas = 60_000
        #expect(
            f.handle(.observed(.init(receipt: failed, isKnown: true, accountNonce: 5, head: 301)))
                == [.explainFailure(replay, block: 301)])
        // ReductionRequestNotValid() = 0x386cf407 (spec §2.11)
        let reason = "ReductionRequestNotValid()"
        let actions = f.handle(.failureExplained(revertData: [0x38, 0x6c, 0xf4, 0x07]))
        #expect(
            actions == [
                .record(hash: hash, .failed(failed, reason: reason)),
                .fail(PipelineError(.revertedOnChain(hash: hash, block: 301, reason: reason))),
            ])
    }

    @Test func aTransactionNoNodeKeepsIsRebroadcastThenDropped() throws {
        var (m, signed, hash) = try watching()
        m.maxRebroadcasts = 2
        let lost = TransactionMachine.Event.observed(.init(receipt: nil, isKnown: false, accountNonce: 4, head: 300))
        for _ in 0..<2 {
            #expect(m.handle(lost) == [.send(raw: signed.rawBytes)])
            // already recorded as sent: a second acceptance does not record again
            #expect(m.handle(.sendAccepted) == [.releaseNonce, .observe(hash: hash, nonce: 4)])
        }
        #expect(
            m.handle(lost)
                == [
                    .record(hash: hash, .dropped(reason: "no node kept it after 2 rebroadcasts")),
                    .fail(PipelineError(.dropped(hash: hash))),
                ])
    }

    @Test func theWaitCanEndWithTheTransactionStillPending() throws {
        var (m, _, hash) = try watching()
        #expect(m.handle(.waitEnded) == [.fail(PipelineError(.stillPending(hash: hash)))])
        #expect(PipelineError(.stillPending(hash: hash)).isRetryable)
    }

    @Test func anUnexpectedEventFailsInsteadOfMovingOn() throws {
        var m = try machine()
        let actions = m.handle(.approved)
        guard case .fail = try #require(actions.first) else {
            Issue.record("expected fail")
            return
        }
    }

    @Test func replacementReusesTheNonceWithBumpedFeesAndLinksTheOriginal() throws {
        let cancel = TransactionRequest(
            from: address(devAddress), to: address(devAddress), value: 0, data: [],
            description: CallDescription(summary: "Cancel: x", contract: devAddress, function: "cancel"),
            gasLimit: 21_000)
        var m = TransactionMachine(
            replacing: .init(
                hash: "0xaaaa", nonce: 9, fees: .eip1559(maxFeePerGas: 22 * gwei, maxPriorityFeePerGas: 2 * gwei)),
            request: cancel, chainId: 31337, policy: FeePolicy(rules: .standard), errors: ABIErrorRegistry())
        _ = m.handle(.start)
        // no simulation for a replacement: straight to fees
        #expect(m.handle(.balance(BigUInt(10).power(18))) == [.readFeeHistory(blocks: 10, percentiles: [50])])
        // market 2×1 + 1 = 3 gwei max, 1 gwei tip: the bump (24.2 / 2.2 gwei) wins.
        let quiet = FeeHistory(oldestBlock: 1, baseFeePerGas: [gwei, gwei], reward: [[gwei]])
        guard case .review(let review) = try #require(m.handle(.feeHistory(quiet)).first) else {
            Issue.record("expected review")
            return
        }
        #expect(review.fees == .eip1559(maxFeePerGas: 24_200_000_000, maxPriorityFeePerGas: 2_200_000_000))
        #expect(review.lines.contains("  replaces   0xaaaa (nonce 9)"))
        // approval goes straight to signing with the old nonce: no nonce lock, no new nonce.
        guard case .sign(let unsigned) = try #require(m.handle(.approved).first) else {
            Issue.record("expected sign")
            return
        }
        #expect(unsigned.nonce == 9 && unsigned.gasLimit == 21_000 && unsigned.to == address(devAddress))
        let signed = unsigned.sign(with: try PrivateKey(hex: devKeyHex))
        #expect(m.handle(.signed(signed)) == [.journal(signed, label: "Cancel: x", replaces: "0xaaaa")])
        _ = m.handle(.journaled)
        let hash = Hex.encode(signed.hash)
        _ = m.handle(.sendAccepted)
        let receipt = TransactionReceipt(
            transactionHash: signed.hash, blockNumber: 10, status: 1, gasUsed: 21_000, effectiveGasPrice: nil)
        #expect(
            m.handle(.observed(.init(receipt: receipt, isKnown: true, accountNonce: 10, head: 10)))
                == [
                    .record(hash: "0xaaaa", .replaced(by: hash)), .record(hash: hash, .confirmed(receipt)),
                    .finish(.confirmed(hash: hash, receipt: receipt)),
                ])
    }

    @Test func resumingASignedRowSendsItAndASentRowIsWatched() throws {
        let signed = UnsignedTransaction.eip1559(
            try EIP1559Transaction(
                chainId: 31337, nonce: 2, maxPriorityFeePerGas: 1, maxFeePerGas: 2, gasLimit: 21_000, to: contract,
                value: 0, data: [])
        ).sign(with: try PrivateKey(hex: devKeyHex))
        let (_, sendFirst) = TransactionMachine.resume(
            signed: signed, label: "x", from: address(devAddress), wasSent: false, chainId: 31337,
            policy: FeePolicy(rules: .standard), errors: ABIErrorRegistry())
        #expect(sendFirst == [.send(raw: signed.rawBytes)])
        let (_, watchFirst) = TransactionMachine.resume(
            signed: signed, label: "x", from: address(devAddress), wasSent: true, chainId: 31337,
            policy: FeePolicy(rules: .standard), errors: ABIErrorRegistry())
        #expect(watchFirst == [.observe(hash: Hex.encode(signed.hash), nonce: 2)])
    }
}
