/// Explains revert data: the client calls it when a node reports a revert, so the error an operator sees
/// names the custom error and its arguments instead of hex.
///
/// EthereumKit knows no contract; whoever builds the client injects the ABIs it knows (KalypsoKit's
/// `KalypsoErrors`, or an ``ABIErrorRegistry`` loaded from files).
public protocol RevertDecoding: Sendable {
    /// What `data` (`selector ‖ arguments`, possibly empty) means.
    func decodeRevert(_ data: [UInt8]) -> ABIRevertReason
    /// Advice for an operator who met `reason`, when the decoder knows the contracts well enough to give it.
    func hint(for reason: ABIRevertReason) -> String?
}

extension RevertDecoding {
    public func hint(for reason: ABIRevertReason) -> String? { nil }
}

extension ABIErrorRegistry: RevertDecoding {}

/// A revert the node reported, decoded.
public struct RPCRevert: Sendable, Hashable {
    /// The raw revert data (`selector ‖ arguments`); empty for geth's plain `execution reverted`.
    public let data: [UInt8]
    /// What the data means, as the injected decoder (or the built-in `Error`/`Panic` rules) read it.
    public let reason: ABIRevertReason
    /// The decoder's advice for this error, if any.
    public let hint: String?
    /// The node's own message (`execution reverted: …`), for the record.
    public let nodeMessage: String

    public init(data: [UInt8], reason: ABIRevertReason, hint: String?, nodeMessage: String) {
        self.data = data
        self.reason = reason
        self.hint = hint
        self.nodeMessage = nodeMessage
    }
}
