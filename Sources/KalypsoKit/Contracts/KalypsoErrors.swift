import BigInt
import EthereumKit

/// Decodes revert data against every Kalypso ABI of both generations and knows what the common errors
/// mean for an operator (spec §2.11, §9). Inject it into `JSONRPCClient` so reverts arrive decoded.
public struct KalypsoErrors: RevertDecoding {
    /// Every custom error of every bundled ABI, by selector.
    public let registry: ABIErrorRegistry
    /// For each error signature, the ABI files that declare it (for `decode-error`).
    private let declaredIn: [String: [String]]

    /// The decoder over the given ABIs.
    public init(abis: [BundledABI]) {
        var registry = ABIErrorRegistry()
        var declaredIn: [String: [String]] = [:]
        for bundled in abis {
            registry.register(bundled.abi)
            for e in bundled.abi.errors where !(declaredIn[e.signature]?.contains(bundled.path) ?? false) {
                declaredIn[e.signature, default: []].append(bundled.path)
            }
        }
        self.registry = registry
        self.declaredIn = declaredIn
    }

    /// The decoder over the ABIs compiled into the binary.
    public static func bundled() throws(ABIJSONError) -> KalypsoErrors {
        KalypsoErrors(abis: try KalypsoABIs.load())
    }

    public func decodeRevert(_ data: [UInt8]) -> ABIRevertReason { registry.decodeRevert(data) }

    /// The ABI files (relative to `abi/`) declaring `error`, in bundle order.
    public func files(declaring error: ABICustomError) -> [String] { declaredIn[error.signature] ?? [] }

    /// What an operator can do about `reason`, where the spec says it (§2.11, §9, §9.1).
    public func hint(for reason: ABIRevertReason) -> String? {
        switch reason {
        case .empty:
            return "No revert data. On Generation A an unknown market id reverts like this (marketData(id) with "
                + "id ≥ marketCounter(), spec §9.1), and so does a function the contract does not have (e.g. the "
                + "other claimProverFeeReward overload, spec §2.10). Check the market id and the contract address."
        case .panic(let code):
            switch code {
            case 0x32:
                return "Index out of bounds. On Generation B, marketData(id) for an unknown market id panics like "
                    + "this (market ids start at 1, spec §9 item 13); on Generation A, getAskState or "
                    + "discardRequest of an unknown ask do (spec §9.1). Check the id."
            case 0x11:
                return "Arithmetic overflow or underflow, e.g. asking to reduce stake by more than the total "
                    + "(spec §9.1). Check the amount against the current value."
            default:
                return nil
            }
        case .custom(let error, _):
            return Self.hints[error.name]
        case .message, .unknown, .malformed:
            return nil
        }
    }

    /// Advice per custom error name, from spec §2.11 and §9.
    static let hints: [String: String] = [
        "CannotBeZero": "An amount, compute or time in the call is zero; give a positive value.",
        "GeneratorAlreadyExists": "This operator is already registered (\"Generator is already registered\"); skip "
            + "registration.",
        "ProverAlreadyExists": "This operator is already registered; skip registration.",
        "InvalidGenerator": "The address is not a registered operator (or not in that market); register first.",
        "InvalidProver": "The address is not a registered operator (or not in that market); register first.",
        "AlreadyJoinedMarket": "The operator is already part of this market.",
        "InvalidMarket": "There is no market with this id; check it against the list of markets.",
        "IncorrectImageId": "The enclave runs an image (PCRs) this market does not accept; deploy the market's "
            + "enclave image.",
        "InvalidEnclaveSignature": "The enclave signature recovers to the address shown, not to the attested "
            + "enclave key (spec §9.1): the enclave signed for another operator address or with an old key. Ask "
            + "the enclave for a fresh signature for this operator.",
        "InvalidEnclaveKey": "The enclave key in the attestation does not match; fetch a fresh attestation from "
            + "the enclave.",
        "EnclaveKeyNotVerified": "The enclave key is not verified, or is already verified: re-verifying a verified "
            + "key reverts (spec §9 item 5), so after a mined join do not retry.",
        "TeeVerifierEnclaveKeyNotVerified": "The TEE verifier has already verified this enclave key (spec §2.7): "
            + "nothing to do until the enclave restarts with a new key.",
        "AttestationAutherAttestationTooOld": "The attestation is older than the accepted window (60000 s, spec §9 "
            + "item 4) compared with the chain's block time; fetch a fresh attestation from the enclave.",
        "AttestationAutherImageNotWhitelisted": "The enclave image is not whitelisted for this market; run the "
            + "market's image.",
        "AttestationAutherKeyNotVerified": "The enclave key was never verified from an attestation; verify it first.",
        "AttestationAutherImageNotInFamily": "The enclave image is whitelisted but not in the family this call "
            + "needs; run the market's image.",
        "AttestationVerifierKeyNotVerified": "The attestation verifier does not know the key that signed the "
            + "attestation; use the network's attestation verifier enclave.",
        "InsufficientStakeToLock": "Not enough free stake to lock for a task; stake more or declare less compute.",
        "UnstakeRequestNotInPlace": "Request the unstake first; the withdrawal is possible only after a request "
            + "and its delay.",
        "ReductionRequestNotValid": "There is no valid reduction request in place (or it is not yet due).",
        "InvalidProverProposedTime": "The proposed time must be between 1 and 86 400 seconds (Generation B).",
        "OnlyProverCanStake": "Only the prover's own address can stake on Generation B's NativeStaking (spec §9 "
            + "item 14); send from the operator key.",
        "InsufficientStakeAmount": "The stake is below the required minimum; stake more.",
        "WithdrawalTimeNotReached": "The withdrawal delay has not passed yet (3600 s on Arbitrum One); try again "
            + "later.",
        "NoRewardToClaim": "There is nothing to claim (\"No claimable amount available\").",
        "ERC20InsufficientAllowance": "Approve the token for the contract first: the allowance is below the amount.",
        "ERC20InsufficientBalance": "The account holds fewer tokens than the amount.",
        "SafeERC20FailedOperation": "A token transfer failed; check the token balance and allowance.",
        "AccessControlUnauthorizedAccount": "The sending account lacks the role shown; this is an admin function.",
        "EnforcedPause": "The contract is paused; wait until it is unpaused.",
        "ExpectedPause": "This works only while the contract is paused.",
        "ReentrancyGuardReentrantCall": "A reentrant call was refused.",
    ]
}
