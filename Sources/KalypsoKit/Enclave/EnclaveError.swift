import Basics

extension ErrorCode {
    /// Nothing listens at the enclave's address, or the name does not resolve.
    public static let enclaveUnreachable: ErrorCode = "enclave.unreachable"
    /// The enclave did not answer within the call's deadline.
    public static let enclaveTimeout: ErrorCode = "enclave.timeout"
    /// The enclave closed the connection without an HTTP answer (a crash in its handler, or the network).
    public static let enclaveConnectionDropped: ErrorCode = "enclave.connectionDropped"
    /// The enclave answered with an HTTP error status and (usually) a message.
    public static let enclaveRefused: ErrorCode = "enclave.refused"
    /// The enclave answered 200 with a body that is not what its API returns.
    public static let enclaveMalformedResponse: ErrorCode = "enclave.malformedResponse"
    /// The enclave has no `*Encrypted` endpoint (404/501): only the plain one, which sends the gas key in clear.
    public static let enclaveNoSecureChannel: ErrorCode = "enclave.noSecureChannel"
    /// A private key would go over plain HTTP and the caller did not allow it (`--plain-http`).
    public static let enclavePlainHTTPRefused: ErrorCode = "enclave.plainHTTPRefused"
    /// The enclave's key is not the one expected: it restarted (new key) since the key was read.
    public static let enclaveKeyChanged: ErrorCode = "enclave.keyChanged"
    /// An attestation (verifier answer or on-chain blob) is malformed or does not verify.
    public static let enclaveAttestationInvalid: ErrorCode = "enclave.attestationInvalid"
    /// The attestation is older than the contract accepts.
    public static let enclaveAttestationTooOld: ErrorCode = "enclave.attestationTooOld"
    /// The enclave image (PCRs) is not in the market's family.
    public static let enclaveImageNotInFamily: ErrorCode = "enclave.imageNotInFamily"
    /// The enclave's signature authorising the operator does not recover to the enclave's key.
    public static let enclaveSignatureInvalid: ErrorCode = "enclave.signatureInvalid"
    /// The enclave configuration we were asked to send breaks one of the generator client's rules (spec §5.4.2).
    public static let enclaveConfigInvalid: ErrorCode = "enclave.configInvalid"
}

/// A failure talking to a prover enclave, its attestation server or the attestation verifier.
///
/// `service` names which of the three (with its URL, credentials removed), `endpoint` the path. Messages quote
/// what the enclave said, never what we sent (which may hold the gas key).
public struct EnclaveError: OperatorError, Equatable {
    public let code: ErrorCode
    public let title: String
    public let detail: String
    public let hint: String
    public let isRetryable: Bool
    public let category: ErrorCategory
    /// The HTTP status when the enclave answered, else nil.
    public let status: Int?
    /// The enclave's own message (the envelope's `message`, or its plain-text body), when it answered.
    public let enclaveMessage: String?

    init(
        _ code: ErrorCode, title: String, detail: String, hint: String, retryable: Bool = false,
        category: ErrorCategory, status: Int? = nil, enclaveMessage: String? = nil
    ) {
        self.code = code
        self.title = title
        self.detail = detail
        self.hint = hint
        self.isRetryable = retryable
        self.category = category
        self.status = status
        self.enclaveMessage = enclaveMessage
    }

    static func unreachable(_ where_: String, reason: String) -> EnclaveError {
        EnclaveError(
            .enclaveUnreachable, title: "The enclave cannot be reached", detail: "\(where_): \(reason)",
            hint: "Check that the enclave is running and that the URL and port in the configuration are right.",
            retryable: true, category: .unreachable)
    }

    static func timeout(_ where_: String, seconds: Double) -> EnclaveError {
        EnclaveError(
            .enclaveTimeout, title: "The enclave did not answer in time",
            detail: "\(where_): no answer within \(formatSeconds(seconds))",
            hint: "The enclave may be busy or overloaded; try again, or check it is running.", retryable: true,
            category: .unreachable)
    }

    static func dropped(_ where_: String) -> EnclaveError {
        EnclaveError(
            .enclaveConnectionDropped, title: "The enclave closed the connection without answering",
            detail: "\(where_): the connection was closed before an HTTP answer",
            hint:
                "Either the network dropped it, or the enclave's handler crashed on the request (the generator "
                + "client does that on an input it cannot parse: bad hex, a bad address, an unparsable gas key, "
                + "or a request encrypted to a key it no longer has after a restart). Check the inputs, re-read "
                + "the enclave key, and try once more.",
            retryable: true, category: .unreachable)
    }

    static func malformed(_ where_: String, reason: String) -> EnclaveError {
        EnclaveError(
            .enclaveMalformedResponse, title: "The enclave's answer is not what its API returns",
            detail: "\(where_): \(reason)",
            hint: "Check that the URL points at the right enclave service and port (spec §5.1), then try again.",
            retryable: true, category: .unreachable)
    }

    static func keyChanged(_ where_: String, expected: String, found: String) -> EnclaveError {
        EnclaveError(
            .enclaveKeyChanged, title: "The enclave's key has changed (the enclave restarted)",
            detail: "\(where_): expected enclave \(expected), it is now \(found)",
            hint: "Run `kalypso-console update-key --market ID` to register the new enclave key and set it up again.",
            category: .enclaveRefused)
    }

    static func attestation(_ detail: String, hint: String = attestationHint) -> EnclaveError {
        EnclaveError(
            .enclaveAttestationInvalid, title: "The attestation is not valid", detail: detail, hint: hint,
            category: .refused)
    }

    static let attestationHint =
        "Fetch a fresh attestation from the enclave's attestation server and have the verifier sign it again."

    static func configInvalid(field: String, reason: String) -> EnclaveError {
        EnclaveError(
            .enclaveConfigInvalid, title: "The enclave configuration would be refused",
            detail: "\(field): \(reason)",
            hint: "Fix \(field) in the configuration (or the command's flags) and run the command again.",
            category: .configuration)
    }

    static func formatSeconds(_ s: Double) -> String {
        s == s.rounded() ? "\(Int(s)) s" : "\(Int((s * 1000).rounded())) ms"
    }
}
