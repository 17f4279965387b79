import BigInt
import EthereumKit
import KalypsoKit

/// A small in-memory chain for the pipeline's tests: balances and nonces, a mempool with geth's
/// replacement rule, mining on demand or on every send, scripted reverts and a way to lose a
/// transaction from the pool. It decodes and checks every raw transaction it is sent.
actor SimulatedChain: ChainAccess {
    struct Mined {
        var tx: SignedTransaction
        var from: Address
        var block: UInt64
        var status: UInt8
    }

    let id: BigUInt
    var balances: [Address: BigUInt] = [:]
    var minedNonce: [Address: UInt64] = [:]
    var pool: [[UInt8]: (tx: SignedTransaction, from: Address)] = [:]
    var mined: [[UInt8]: Mined] = [:]
    var head: UInt64 = 100
    var automine = true
    var baseFee: BigUInt = 1_000_000_000
    var rewards: [BigUInt] = [2_000_000_000]
    var legacyGasPrice: BigUInt = 3_000_000_000
    var hasBaseFee = true
    /// Calls to these addresses revert with the data.
    var reverting: [Address: [UInt8]] = [:]
    /// Transactions to these addresses are mined with status 0.
    var failingOnChain: Set<Address> = []
    var gasEstimate: BigUInt = 50_000
    var unreachableSends = 0
    private(set) var sent: [[UInt8]] = []
    private(set) var calls = 0

    init(chainId: BigUInt = 31337) { id = chainId }

    func fund(_ address: Address, _ wei: BigUInt) { balances[address] = wei }
    func setAutomine(_ on: Bool) { automine = on }
    func setRevert(_ to: Address, data: [UInt8]) { reverting[to] = data }
    func setFailing(_ to: Address) { failingOnChain.insert(to) }
    func setFees(baseFee: BigUInt, rewards: [BigUInt]) {
        self.baseFee = baseFee
        self.rewards = rewards
    }
    func setNoBaseFee(gasPrice: BigUInt) {
        hasBaseFee = false
        legacyGasPrice = gasPrice
    }
    func failNextSends(_ n: Int) { unreachableSends = n }
    func sentCount() -> Int { sent.count }
    func poolCount() -> Int { pool.count }
    /// Loses every pooled transaction (a node restart, eviction).
    func dropPool() { pool.removeAll() }
    /// Another wallet with the same key used the nonce: the account's nonce advances without any of our hashes.
    func foreignTransaction(from: Address) {
        pool = pool.filter { $0.value.from != from || $0.value.tx.transaction.nonce != (minedNonce[from] ?? 0) }
        minedNonce[from, default: 0] += 1
        head += 1
    }
    func addBlocks(_ n: UInt64) { head += n }

    /// Mines every pooled transaction whose nonce is next, in nonce order, one block for all.
    func mine() {
        head += 1
        var progressed = true
        while progressed {
            progressed = false
            for (hash, entry) in pool where entry.tx.transaction.nonce == (minedNonce[entry.from] ?? 0) {
                include(hash: hash, entry.tx, from: entry.from)
                pool[hash] = nil
                progressed = true
            }
        }
    }

    private func include(hash: [UInt8], _ tx: SignedTransaction, from: Address) {
        let price: BigUInt
        switch tx.transaction {
        case .eip1559(let t): price = min(t.maxFeePerGas, baseFee + t.maxPriorityFeePerGas)
        case .legacy(let t): price = t.gasPrice
        case .accessList(let t): price = t.gasPrice
        }
        let gasUsed = min(tx.transaction.gasLimit, 21_000)
        balances[from, default: 0] -= gasUsed * price + tx.transaction.value
        if let to = tx.transaction.to { balances[to, default: 0] += tx.transaction.value }
        minedNonce[from, default: 0] += 1
        let status: UInt8 = tx.transaction.to.map { failingOnChain.contains($0) } == true ? 0 : 1
        mined[hash] = Mined(tx: tx, from: from, block: head, status: status)
    }

    // MARK: ChainAccess

    func chainId() async throws -> BigUInt { id }
    func blockNumber() async throws -> UInt64 { head }
    func balance(of address: Address, block: BlockTag) async throws -> BigUInt { balances[address] ?? 0 }

    func call(_ request: CallRequest, block: BlockTag) async throws -> [UInt8] {
        calls += 1
        if let to = request.to, let data = reverting[to] {
            throw ChainAccessError(.reverted, message: "execution reverted", revertData: data)
        }
        return []
    }

    func estimateGas(_ request: CallRequest) async throws -> BigUInt {
        if let to = request.to, let data = reverting[to] {
            throw ChainAccessError(.reverted, message: "execution reverted", revertData: data)
        }
        return gasEstimate
    }

    func feeHistory(blockCount: Int, percentiles: [Double]) async throws -> FeeHistory {
        let base: [BigUInt] = Array(repeating: hasBaseFee ? baseFee : 0, count: blockCount + 1)
        let reward = (0..<blockCount).map { i in [rewards.isEmpty ? 0 : rewards[i % rewards.count]] }
        return FeeHistory(oldestBlock: head - UInt64(blockCount) + 1, baseFeePerGas: base, reward: reward)
    }

    func gasPrice() async throws -> BigUInt { legacyGasPrice }

    func transactionCount(of address: Address, block: BlockTag) async throws -> UInt64 {
        let latest = minedNonce[address] ?? 0
        guard block == .pending else { return latest }
        var next = latest
        while pool.values.contains(where: { $0.from == address && $0.tx.transaction.nonce == next }) { next += 1 }
        return next
    }

    func sendRawTransaction(_ raw: [UInt8]) async throws -> [UInt8] {
        if unreachableSends > 0 {
            unreachableSends -= 1
            throw ChainAccessError(.unreachable, message: "connection refused")
        }
        let tx = try SignedTransaction.decode(raw: raw)
        guard tx.transaction.chainId == id else { throw ChainAccessError(.rejected, message: "invalid chain id") }
        let from = try tx.sender()
        let hash = tx.hash
        if mined[hash] != nil || pool[hash] != nil { throw ChainAccessError(.alreadyKnown, message: "already known") }
        let nonce = tx.transaction.nonce
        if nonce < minedNonce[from] ?? 0 { throw ChainAccessError(.nonceTooLow, message: "nonce too low") }
        let cost = tx.transaction.gasLimit * Self.ceiling(tx) + tx.transaction.value
        if cost > balances[from] ?? 0 {
            throw ChainAccessError(.insufficientFunds, message: "insufficient funds for gas * price + value")
        }
        if let (oldHash, old) = pool.first(where: { $0.value.from == from && $0.value.tx.transaction.nonce == nonce }) {
            // geth: both fee fields must rise by at least 10 %.
            let (oldMax, oldTip) = Self.fees(old.tx)
            let (newMax, newTip) = Self.fees(tx)
            guard newMax >= oldMax * 110 / 100, newTip >= oldTip * 110 / 100 else {
                throw ChainAccessError(.replacementUnderpriced, message: "replacement transaction underpriced")
            }
            pool[oldHash] = nil
        }
        sent.append(raw)
        pool[hash] = (tx, from)
        if automine { mine() }
        return hash
    }

    func receipt(hash: [UInt8]) async throws -> TransactionReceipt? {
        guard let m = mined[hash] else { return nil }
        return TransactionReceipt(
            transactionHash: hash, blockNumber: m.block, status: m.status, gasUsed: 21_000,
            effectiveGasPrice: baseFee)
    }

    func transactionIsKnown(hash: [UInt8]) async throws -> Bool { mined[hash] != nil || pool[hash] != nil }

    static func fees(_ tx: SignedTransaction) -> (BigUInt, BigUInt) {
        switch tx.transaction {
        case .eip1559(let t): (t.maxFeePerGas, t.maxPriorityFeePerGas)
        case .legacy(let t): (t.gasPrice, t.gasPrice)
        case .accessList(let t): (t.gasPrice, t.gasPrice)
        }
    }

    static func ceiling(_ tx: SignedTransaction) -> BigUInt { fees(tx).0 }
}
