import EthereumKit

/// ``ChainProbe`` over the JSON-RPC client: what `config check` and generation detection read.
public struct RPCChainProbe: ChainProbe {
    public let client: JSONRPCClient

    public init(client: JSONRPCClient) { self.client = client }

    /// A client for one endpoint, with short deadlines and two attempts: a probe should say quickly that
    /// an endpoint does not answer. The chain id is checked by the probe itself, so the client does not.
    public init(url: EndpointURL) {
        let options = JSONRPCClientOptions(
            attemptTimeout: .seconds(3), totalTimeout: .seconds(8), retry: RPCRetryPolicy(maxAttempts: 2))
        client = JSONRPCClient(urls: [url.url], options: options, revertDecoder: try? KalypsoErrors.bundled())
    }

    public func chainId() async throws -> UInt64 { try await client.chainId() }

    public func code(at address: Address) async throws -> [UInt8] { try await client.code(at: address) }

    public func call(to address: Address, data: [UInt8]) async throws -> CallOutcome {
        do {
            return .returned(try await client.call(RPCCallRequest(to: address, data: data)))
        } catch {
            // A revert is an answer (a getter the contract does not have); anything else is a failure.
            if error.code == .rpcReverted { return .reverted(error.revert?.data ?? []) }
            throw error
        }
    }
}
