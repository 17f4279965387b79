import Basics
import BigInt
import EthereumKit
import Foundation
import KalypsoStore

/// What every operator write needs, opened once: the configuration, the operator API over the node, the
/// transaction sender over the journal, and the operator's key (nil when read-only).
///
/// The headless commands and the console's screens both open one and send through ``sendPath(mode:confirm:)``,
/// so a write is reviewed, confirmed, simulated, signed, sent, waited for and journaled the same way everywhere.
public struct OperatorSession: Sendable {
    public let config: KalypsoConfig
    public let api: any OperatorAPI
    public let sender: TransactionSender
    /// The operator's key; nil in a read-only session (every send is refused).
    public let key: PrivateKey?
    /// The client under the API and the sender (one connection, one chain id check).
    public let client: JSONRPCClient

    public var operatorAddress: Address { api.operatorAddress }

    /// Connects to the configuration's RPC URLs, checks the chain id, detects the generation when the file
    /// does not give it, and opens the journal in `databasePath`.
    ///
    /// - Parameters:
    ///   - key: the operator's key, or nil with `operatorAddress` for a read-only session.
    ///   - waitTimeout: how long a send waits for its confirmations before it is left pending in the journal.
    public static func open(
        config: KalypsoConfig, key: PrivateKey?, operatorAddress: Address? = nil, databasePath: String,
        waitTimeout: Duration = .seconds(180)
    ) async throws -> OperatorSession {
        guard let me = key?.address ?? operatorAddress else {
            throw SessionError(
                title: "No operator address", detail: "no key loaded and no \"operator\" in the configuration",
                hint: "Give the operator key (--key-file, --keystore) or set \"operator\" in kalypso-config.json.")
        }
        if let key, let configured = config.operatorAddress, configured != key.address {
            throw SessionError(
                title: "The key is not the configured operator's",
                detail: "the key is for \(key.address.checksummed); the configuration's operator is "
                    + configured.checksummed,
                hint: "Use the operator's key, or correct \"operator\" in kalypso-config.json.")
        }
        let urls = config.rpcHttp.map(\.url)
        guard !urls.isEmpty else {
            throw SessionError(
                title: "No RPC URL", detail: "the configuration has no rpcHttp",
                hint: "Set rpcHttp in kalypso-config.json (`kalypso-console config check` tests it).")
        }
        let errors = try KalypsoErrors.bundled()
        let client = JSONRPCClient(
            urls: urls, options: JSONRPCClientOptions(expectedChainId: config.chainId), revertDecoder: errors)
        let chainId = BigUInt(try await client.chainId())
        let api = try await OperatorAPIFactory.make(
            config: config, operator: me, chain: RPCOperatorChain(client: client))
        var policy = FeePolicy(
            rules: FeeRules.forChain(chainId), feeCap: config.fees.maxTotalFee,
            confirmations: UInt64(max(1, config.confirmations)))
        policy.feeCapPerGas = config.fees.maxFeePerGas
        let journal = TransactionJournal(database: try KalypsoDatabase(path: databasePath))
        var sender = TransactionSender(
            chain: RPCChainAccess(client: client), journal: journal, chainId: chainId, policy: policy,
            errors: errors.registry)
        sender.waitTimeout = waitTimeout
        return OperatorSession(config: config, api: api, sender: sender, key: key, client: client)
    }

    /// The one send path for this session's key. Refused (as a configuration error) in a read-only session.
    public func sendPath(mode: OperatorSendPath.Mode, confirm: @escaping TransactionSender.Approval) throws
        -> OperatorSendPath
    {
        guard let key else {
            throw SessionError(
                title: "No key loaded", detail: "this session is read-only", hint: "Load the operator key to send.")
        }
        return OperatorSendPath(sender: sender, signer: key, mode: mode, confirm: confirm)
    }

    /// An ERC-20 token's symbol and decimals (amounts typed in token units need the decimals).
    public func token(_ address: Address) async throws -> TokenInfo {
        let erc20 = try OperatorABIs(generation: api.generation).erc20
        let decimals = try Encoded(erc20, "decimals()", to: address, name: "ERC20")
        let symbol = try Encoded(erc20, "symbol()", to: address, name: "ERC20")
        let outcomes = try await RPCOperatorChain(client: client).read([decimals.read, symbol.read])
        let d = try decimals.decode(outcomes[0])
        let s = try symbol.decode(outcomes[1])
        return TokenInfo(address: address, symbol: s.values.first?.stringValue ?? "tokens", decimals: Int(d.uint(0)))
    }

    /// The TEE verifier a market's enclave key must be verified in: the configuration's
    /// `markets.<id>.teeVerifier`, else the market's verifier when it answers `getVerifiedKey(address)`;
    /// nil when the market needs no key verification (its verifier has no such function).
    public func teeVerifier(market marketId: BigUInt) async throws -> Address? {
        if let id = UInt64(exactly: marketId), let configured = config.markets[id]?.teeVerifier { return configured }
        let verifier = try await api.market(marketId).verifier
        guard verifier != .zero else { return nil }
        let probe = try ABIFunction("getVerifiedKey(address)").encodeCall([.address(operatorAddress)])
        let outcome = try await RPCOperatorChain(client: client).read([ContractRead(to: verifier, data: probe)])[0]
        guard case .returned(let data) = outcome, !data.isEmpty else { return nil }
        return verifier
    }

    /// The payment token (proof costs, rewards), from the configuration.
    public func paymentToken() async throws -> TokenInfo {
        guard let address = config.contracts.paymentToken, address != .zero else {
            throw OperatorConfigError(key: "payment_token")
        }
        return try await token(address)
    }
}

/// A session that cannot be opened as asked (exit 3).
public struct SessionError: OperatorError, Equatable {
    public let title: String
    public let detail: String
    public let hint: String
    public var code: ErrorCode { "operator.session" }
    public var category: ErrorCategory { .configuration }
}
