import Basics
import Foundation

extension ErrorCode {
    /// No connection to the node could be opened (refused, unknown host, TLS).
    public static let rpcUnreachable: ErrorCode = "rpc.unreachable"
    /// The node did not answer before the deadline.
    public static let rpcTimeout: ErrorCode = "rpc.timeout"
    /// The endpoint answered with an HTTP error status (5xx, 4xx other than 429).
    public static let rpcHTTPStatus: ErrorCode = "rpc.httpStatus"
    /// HTTP 429 or JSON-RPC -32005 "limit exceeded": the provider throttles us.
    public static let rpcRateLimited: ErrorCode = "rpc.rateLimited"
    /// The answer is not the JSON-RPC the request asked for (bad JSON, wrong shape, bad hex).
    public static let rpcMalformedResponse: ErrorCode = "rpc.malformedResponse"
    /// A write (`eth_sendRawTransaction`) may or may not have reached the node.
    public static let rpcUnknownOutcome: ErrorCode = "rpc.unknownOutcome"
    /// The endpoint serves another chain than the configured one.
    public static let rpcChainIdMismatch: ErrorCode = "rpc.chainIdMismatch"
    /// The call or transaction reverts; the decoded reason is attached.
    public static let rpcReverted: ErrorCode = "rpc.reverted"
    /// `nonce too low`: the nonce is already used.
    public static let rpcNonceTooLow: ErrorCode = "rpc.nonceTooLow"
    /// `nonce too high`: a gap before this nonce.
    public static let rpcNonceTooHigh: ErrorCode = "rpc.nonceTooHigh"
    /// `replacement transaction underpriced`.
    public static let rpcReplacementUnderpriced: ErrorCode = "rpc.replacementUnderpriced"
    /// `insufficient funds for gas * price + value`.
    public static let rpcInsufficientFunds: ErrorCode = "rpc.insufficientFunds"
    /// `intrinsic gas too low`.
    public static let rpcIntrinsicGasTooLow: ErrorCode = "rpc.intrinsicGasTooLow"
    /// `transaction underpriced` / max fee below the base fee.
    public static let rpcFeeTooLow: ErrorCode = "rpc.feeTooLow"
    /// `already known`: the node already has this very transaction.
    public static let rpcAlreadyKnown: ErrorCode = "rpc.alreadyKnown"
    /// The node does not offer the method (-32601).
    public static let rpcMethodNotFound: ErrorCode = "rpc.methodNotFound"
    /// `eth_getLogs` refused: block range too wide or too many results (shrink the range).
    public static let rpcLogQueryTooLarge: ErrorCode = "rpc.logQueryTooLarge"
    /// The node refused our parameters (-32602): a bug on our side.
    public static let rpcInvalidParams: ErrorCode = "rpc.invalidParams"
    /// Any other error the node reported.
    public static let rpcNodeError: ErrorCode = "rpc.nodeError"
    /// The caller cancelled the request.
    public static let rpcCancelled: ErrorCode = "rpc.cancelled"
}

/// An error of a JSON-RPC call, in an operator's words: what failed, at which endpoint, why, and
/// whether trying again can help. Match on ``code`` (`ErrorCode.rpcNonceTooLow`, …).
///
/// Endpoint names and node messages are redacted (`Redaction.url`): an RPC URL with an API key never
/// appears in any message.
public struct RPCError: OperatorError, Equatable {
    public let code: ErrorCode
    /// The JSON-RPC method that failed (`eth_call`; `batch` for a whole batch).
    public let method: String
    /// The endpoint, redacted.
    public let endpoint: String
    /// The JSON-RPC error code when the node answered with one.
    public let rpcCode: Int?
    /// The node's message or the transport's reason, redacted.
    public let message: String
    /// The HTTP status when the failure was an HTTP one.
    public let httpStatus: Int?
    /// How long the server asked us to wait (`Retry-After`).
    public let retryAfter: Duration?
    /// The decoded revert, for ``ErrorCode/rpcReverted``.
    public let revert: RPCRevert?
    /// Extra words for the detail (chain ids of a mismatch, the transaction hash of an unknown outcome).
    public let context: String?

    public init(
        code: ErrorCode, method: String, endpoint: String, message: String, rpcCode: Int? = nil,
        httpStatus: Int? = nil, retryAfter: Duration? = nil, revert: RPCRevert? = nil, context: String? = nil
    ) {
        self.code = code
        self.method = method
        self.endpoint = Redaction.url(endpoint)
        self.message = Self.redactURLs(message)
        self.rpcCode = rpcCode
        self.httpStatus = httpStatus
        self.retryAfter = retryAfter
        self.revert = revert
        self.context = context.map(Self.redactURLs)
    }

    public var category: ErrorCategory {
        switch code {
        case .rpcUnreachable, .rpcTimeout, .rpcHTTPStatus, .rpcRateLimited, .rpcMalformedResponse,
            .rpcUnknownOutcome, .rpcNodeError:
            return .unreachable
        case .rpcChainIdMismatch, .rpcMethodNotFound: return .configuration
        case .rpcInvalidParams, .rpcCancelled: return .internal
        default: return .refused
        }
    }

    public var isRetryable: Bool {
        switch code {
        case .rpcUnreachable, .rpcTimeout, .rpcRateLimited, .rpcMalformedResponse: return true
        case .rpcHTTPStatus: return (httpStatus ?? 0) >= 500
        // -32603 "internal error" and -32000 "header not found"-style answers pass on a healthy node.
        case .rpcNodeError: return rpcCode == -32603 || rpcCode == -32000
        default: return false
        }
    }

    public var title: String {
        switch code {
        case .rpcUnreachable: return "Cannot reach the Ethereum node"
        case .rpcTimeout: return "The Ethereum node did not answer in time"
        case .rpcHTTPStatus: return "The Ethereum node answered with an HTTP error"
        case .rpcRateLimited: return "The RPC provider is rate-limiting requests"
        case .rpcMalformedResponse: return "The Ethereum node sent an answer that cannot be read"
        case .rpcUnknownOutcome: return "Unknown whether the transaction reached the node"
        case .rpcChainIdMismatch: return "The RPC endpoint serves a different chain"
        case .rpcReverted:
            return method == "eth_call" || method == "eth_estimateGas"
                ? "The contract would refuse this call" : "The contract refused the transaction"
        case .rpcNonceTooLow: return "Nonce already used"
        case .rpcNonceTooHigh: return "Nonce too high: an earlier transaction is missing"
        case .rpcReplacementUnderpriced: return "Replacement transaction fee too low"
        case .rpcInsufficientFunds: return "Not enough ETH for gas and value"
        case .rpcIntrinsicGasTooLow: return "Gas limit below the transaction's minimum"
        case .rpcFeeTooLow: return "Transaction fee below what the node accepts"
        case .rpcAlreadyKnown: return "The node already has this transaction"
        case .rpcMethodNotFound: return "The node does not support \(method)"
        case .rpcLogQueryTooLarge: return "The node refused the log query as too large"
        case .rpcInvalidParams: return "The node rejected the request's parameters"
        case .rpcCancelled: return "Request cancelled"
        default: return "The Ethereum node reported an error"
        }
    }

    public var detail: String {
        var parts: [String] = []
        if let revert {
            parts.append("\(method) at \(endpoint) reverted: \(revert.reason)")
        } else {
            var what = "\(method) at \(endpoint)"
            if let httpStatus { what += ": HTTP \(httpStatus)" }
            if let rpcCode { what += ": error \(rpcCode)" }
            if !message.isEmpty { what += ": \(message)" }
            parts.append(what)
        }
        if let retryAfter { parts.append("the server asked to wait \(Self.format(retryAfter))") }
        if let context { parts.append(context) }
        return parts.joined(separator: "; ")
    }

    public var hint: String {
        switch code {
        case .rpcUnreachable:
            return "Check that the node at \(endpoint) is running and reachable from this machine (firewall, "
                + "VPN, URL), or configure a second RPC URL for failover."
        case .rpcTimeout:
            return "The node or the network is slow. Try again; if it keeps happening, configure a faster or "
                + "second RPC URL."
        case .rpcHTTPStatus:
            return (httpStatus ?? 0) >= 500
                ? "The provider has a problem on its side; try again shortly or configure a second RPC URL."
                : "Check the RPC URL (path and API key) in the configuration."
        case .rpcRateLimited:
            return "Wait a moment, lower the refresh rate, or use a plan or provider with a higher request limit "
                + "(or a second RPC URL)."
        case .rpcMalformedResponse:
            return "Something between us and the node (a proxy, a captive portal) or the node itself sent a "
                + "broken answer; check the RPC URL points at a JSON-RPC endpoint."
        case .rpcUnknownOutcome:
            return "Do not send it again blindly: look the transaction up by its hash (it may be pending or "
                + "mined) and only re-send the same signed transaction if the node does not know it."
        case .rpcChainIdMismatch:
            return "Point the RPC URL at the configured network, or fix chainId in the configuration."
        case .rpcReverted:
            if let hint = revert?.hint { return hint }
            if case .empty? = revert?.reason {
                return "The contract gave no reason. Check that the address is the right contract for this "
                    + "network and generation, and that the function exists there."
            }
            return "Nothing was sent. Fix what the error names and try again."
        case .rpcNonceTooLow:
            return "Another transaction from this account already used this nonce (another console, a wallet, "
                + "or an earlier send that went through). Check the account's recent transactions before "
                + "sending again."
        case .rpcNonceTooHigh:
            return "An earlier nonce of this account was never mined; send or cancel that transaction first."
        case .rpcReplacementUnderpriced:
            return "A pending transaction with the same nonce pays as much or more. Raise both the max fee and "
                + "the priority fee by at least 10% to replace it, or wait for it to be mined."
        case .rpcInsufficientFunds:
            return "The account needs ETH for gas limit × max fee + value. Add ETH to it or lower the fee cap."
        case .rpcIntrinsicGasTooLow:
            return "The gas limit is below the minimum for this transaction's data; estimate gas instead of "
                + "setting the limit by hand."
        case .rpcFeeTooLow:
            return "The max fee is below the current base fee or the node's minimum; estimate fees again."
        case .rpcAlreadyKnown:
            return "Nothing to do: wait for the transaction to be mined."
        case .rpcMethodNotFound:
            return "Use a full Ethereum JSON-RPC node or provider that offers \(method)."
        case .rpcLogQueryTooLarge:
            return "Query a smaller block range."
        case .rpcInvalidParams:
            return "This is a bug in kalypso-console or an incompatible node; please report it with this message."
        case .rpcCancelled:
            return ""
        default:
            return "Try again; if it persists, check the node's logs or use another RPC URL."
        }
    }

    /// Masks credentials in any URL inside a node's or transport's message, leaving hashes and
    /// addresses readable (they are not secrets and an operator needs them).
    static func redactURLs(_ text: String) -> String {
        guard text.contains("://") else { return text }
        var out = ""
        var rest = Substring(text)
        while let range = rest.range(of: #"[A-Za-z][A-Za-z0-9+.-]*://[^\s"'<>]+"#, options: .regularExpression) {
            out += rest[..<range.lowerBound]
            out += Redaction.url(String(rest[range]))
            rest = rest[range.upperBound...]
        }
        return out + rest
    }

    static func format(_ d: Duration) -> String {
        let ms = Int64(d.seconds * 1000)
        return ms % 1000 == 0 ? "\(ms / 1000) s" : String(format: "%.1f s", Double(ms) / 1000)
    }
}

extension RPCError {
    /// The error for a JSON-RPC error object: node messages mapped to what an operator understands.
    ///
    /// Messages differ across geth, Nethermind, Erigon, Arbitrum's nitro and hosted providers; the
    /// substrings matched here are the ones those clients emit (geth `core/txpool` and `core` errors).
    static func fromNode(
        method: String, endpoint: String, code: Int, message: String, data: RPCValue?,
        decoder: (any RevertDecoding)?
    ) -> RPCError {
        let lower = message.lowercased()
        func make(_ errorCode: ErrorCode) -> RPCError {
            RPCError(code: errorCode, method: method, endpoint: endpoint, message: message, rpcCode: code)
        }
        if let (revertData, words) = revertData(code: code, message: message, data: data) {
            let reason: ABIRevertReason
            if revertData.isEmpty, let words {
                reason = .message(words)
            } else {
                reason = decoder?.decodeRevert(revertData) ?? ABIErrorRegistry().decodeRevert(revertData)
            }
            let revert = RPCRevert(
                data: revertData, reason: reason, hint: decoder?.hint(for: reason), nodeMessage: message)
            return RPCError(
                code: .rpcReverted, method: method, endpoint: endpoint, message: message, rpcCode: code,
                revert: revert)
        }
        if lower.contains("nonce too low") || lower.contains("nonce has already been used")
            || lower.contains("oldnonce")
        {
            return make(.rpcNonceTooLow)
        }
        if lower.contains("nonce too high") || lower.contains("nonce gap") { return make(.rpcNonceTooHigh) }
        if lower.contains("replacement transaction underpriced") || lower.contains("replacement fee too low")
            || lower.contains("replacement underpriced")
        {
            return make(.rpcReplacementUnderpriced)
        }
        if lower.contains("insufficient funds") { return make(.rpcInsufficientFunds) }
        if lower.contains("intrinsic gas too low") || lower.contains("gas too low") {
            return make(.rpcIntrinsicGasTooLow)
        }
        if lower.contains("already known") || lower.contains("known transaction")
            || lower.contains("alreadyknown")
        {
            return make(.rpcAlreadyKnown)
        }
        if lower.contains("transaction underpriced") || lower.contains("less than block base fee")
            || lower.contains("fee cap less than") || lower.contains("max fee per gas less than")
        {
            return make(.rpcFeeTooLow)
        }
        if lower.contains("query returned more than") || lower.contains("exceeds max block range")
            || lower.contains("block range") || lower.contains("too many results")
            || lower.contains("response size") || lower.contains("range too large")
            || lower.contains("log response size exceeded")
        {
            return make(.rpcLogQueryTooLarge)
        }
        if code == -32005 || code == 429 || lower.contains("rate limit") || lower.contains("too many requests")
            || lower.contains("exceeded") && lower.contains("capacity")
        {
            return make(.rpcRateLimited)
        }
        if code == -32601 || lower.contains("method not found") || lower.contains("does not exist/is not available") {
            return make(.rpcMethodNotFound)
        }
        if code == -32602 { return make(.rpcInvalidParams) }
        return make(.rpcNodeError)
    }

    /// The revert data in an error object when the error is a revert, and the node's reason in words when
    /// it gave no data but a message (`execution reverted: not owner`).
    ///
    /// geth: `{"code": 3, "message": "execution reverted: …", "data": "0x…"}`, and without data
    /// `{"code": -32000, "message": "execution reverted"}`. Some providers nest it as `data.data`
    /// (Hardhat, Ganache) or put the hex under `data.result`.
    static func revertData(code: Int, message: String, data: RPCValue?) -> ([UInt8], String?)? {
        func hex(_ v: RPCValue?) -> [UInt8]? {
            guard case .string(let s)? = v, s.hasPrefix("0x") || s.hasPrefix("0X") else { return nil }
            // A data field that is not hex is no revert data; the message alone then decides.
            return try? Hex.decode(s, requirePrefix: true)
        }
        let lower = message.lowercased()
        guard code == 3 || lower.contains("revert") else { return nil }
        if let bytes = hex(data) ?? hex(data?["data"]) ?? hex(data?["result"]) { return (bytes, nil) }
        if case .object(let members)? = data {
            // Ganache keyed the revert by transaction hash: {"0x…": {"return": "0x…"}}.
            for value in members.values { if let bytes = hex(value["return"]) { return (bytes, nil) } }
        }
        if let reason = message.range(of: "execution reverted: ", options: .caseInsensitive) {
            let words = String(message[reason.upperBound...])
            return ([], words.isEmpty ? nil : words)
        }
        return ([], nil)
    }
}
