import BigInt
import EthereumKit
import KalypsoKit

/// Opens the node for the `tx` commands. Until the JSON-RPC client lands this says so plainly.
enum ChainConnection {
    static func open(urls: [String]) async throws -> (any ChainAccess, BigUInt) {
        throw TxKeyError(
            title: "This build has no JSON-RPC client yet", detail: "cannot reach \(urls.joined(separator: ", "))",
            hint: "Use a build that includes EthereumKit/RPC.")
    }
}

/// Custom errors used to explain reverts.
enum KnownErrors {
    static func registry() -> ABIErrorRegistry { ABIErrorRegistry() }
}
