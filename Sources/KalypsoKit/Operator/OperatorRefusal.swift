import Basics

extension ErrorCode {
    public static let operatorAlreadyRegistered: ErrorCode = "operator.alreadyRegistered"
    public static let operatorNotRegistered: ErrorCode = "operator.notRegistered"
    public static let operatorAlreadyJoined: ErrorCode = "operator.alreadyJoined"
    public static let operatorNotJoined: ErrorCode = "operator.notJoined"
    public static let operatorUnknownMarket: ErrorCode = "operator.unknownMarket"
    public static let operatorComputeOverDeclared: ErrorCode = "operator.computeOverDeclared"
    public static let operatorTimeOutOfBounds: ErrorCode = "operator.timeOutOfBounds"
    public static let operatorWrongTimeUnit: ErrorCode = "operator.wrongTimeUnit"
    public static let operatorInvalidArgument: ErrorCode = "operator.invalidArgument"
    public static let operatorInsufficientBalance: ErrorCode = "operator.insufficientBalance"
    public static let operatorInsufficientFreeStake: ErrorCode = "operator.insufficientFreeStake"
    public static let operatorTokenNotSupported: ErrorCode = "operator.tokenNotSupported"
    public static let operatorKeyRequired: ErrorCode = "operator.enclaveKeyRequired"
    public static let operatorKeyNotWanted: ErrorCode = "operator.enclaveKeyNotWanted"
    public static let operatorBadAuthorization: ErrorCode = "operator.badAuthorization"
    public static let operatorImageNotInFamily: ErrorCode = "operator.imageNotInFamily"
    /// The enclave key was verified by the key registry before (a join or an update-key): it cannot be
    /// registered again, for another market or the same one (spec §2.6.3, §9 item 5).
    public static let operatorEnclaveKeyAlreadyVerified: ErrorCode = "operator.enclaveKeyAlreadyVerified"
    public static let operatorAttestationTooOld: ErrorCode = "operator.attestationTooOld"
    public static let operatorReductionPending: ErrorCode = "operator.reductionPending"
    public static let operatorNoReductionPending: ErrorCode = "operator.noReductionPending"
    public static let operatorReductionNotDue: ErrorCode = "operator.reductionNotDue"
    public static let operatorActiveMarkets: ErrorCode = "operator.activeMarkets"
    public static let operatorActiveRequests: ErrorCode = "operator.activeRequests"
    public static let operatorNothingToDo: ErrorCode = "operator.nothingToDo"
    public static let operatorNothingToClaim: ErrorCode = "operator.nothingToClaim"
    public static let operatorNotSupported: ErrorCode = "operator.notSupported"
    public static let operatorUnexpectedAnswer: ErrorCode = "operator.unexpectedAnswer"
}

/// A write the operator API will not build because the contract would revert or the send would be
/// pointless (spec §6.1, §9, §9.1). Always exit code 5, never retryable: the hint says what to change.
public struct OperatorRefusal: OperatorError, Equatable {
    public let code: ErrorCode
    public let title: String
    public let detail: String
    public let hint: String
    public var category: ErrorCategory { .refused }

    public init(_ code: ErrorCode, _ title: String, detail: String, hint: String) {
        self.code = code
        self.title = title
        self.detail = detail
        self.hint = hint
    }
}

/// A contract answered a read with something the ABI cannot decode (a wrong address in the config, or a
/// deployment of the other generation).
public struct OperatorReadError: OperatorError, Equatable {
    public let function: String
    public let contract: String
    public let why: String
    public var code: ErrorCode { .operatorUnexpectedAnswer }
    public var title: String { "A contract read gave an unexpected answer" }
    public var detail: String { "\(function) on \(contract): \(why)" }
    public var hint: String {
        "Check the contract addresses and \"generation\" in kalypso-config.json (`kalypso-console config check`)."
    }
    public var category: ErrorCategory { .configuration }
}
