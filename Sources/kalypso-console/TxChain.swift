import Basics
import BigInt
import EthereumKit
import Foundation
import KalypsoKit

/// Opens the node for the `tx` commands: the JSON-RPC client over the URLs, in failover order.
enum ChainConnection {
    static func open(urls: [String]) async throws -> (any ChainAccess, BigUInt) {
        var parsed: [URL] = []
        for text in urls {
            guard let url = URL(string: text), let scheme = url.scheme, ["http", "https"].contains(scheme) else {
                throw TxKeyError(
                    title: "Not an RPC URL", detail: "expected an http(s) URL, found \(Redaction.url(text))",
                    hint: "Pass --rpc http://HOST:PORT.")
            }
            parsed.append(url)
        }
        let chain = RPCChainAccess(urls: parsed, errors: try KalypsoErrors.bundled())
        return (chain, try await chain.chainId())
    }
}

/// Custom errors used to explain reverts: every Kalypso ABI of both generations, compiled in.
enum KnownErrors {
    static func registry() throws -> ABIErrorRegistry { try KalypsoErrors.bundled().registry }
}
