import Basics
import EthereumKit
import Foundation

extension ErrorCode {
    public static let keyFileMissing: ErrorCode = "key.fileMissing"
    public static let keyFileUnreadable: ErrorCode = "key.fileUnreadable"
    /// A key or password file that group or others can read.
    public static let keyFilePermissions: ErrorCode = "key.filePermissions"
    /// Not 64 hex digits, or zero / not below the curve order.
    public static let keyInvalid: ErrorCode = "key.invalid"
    /// The environment variable named as the key source is unset or empty.
    public static let keyEnvironmentMissing: ErrorCode = "key.environmentMissing"
    /// The keystore's MAC does not match: a wrong password or a damaged file.
    public static let keystoreWrongPassword: ErrorCode = "key.keystoreWrongPassword"
    /// The keystore is not a Web3 Secret Storage v3 document we can read.
    public static let keystoreMalformed: ErrorCode = "key.keystoreMalformed"
    /// A v3 keystore with a cipher, KDF or parameters this program does not support.
    public static let keystoreUnsupported: ErrorCode = "key.keystoreUnsupported"
    /// No password: no terminal to prompt on and no `--password-file`.
    public static let keyPasswordUnavailable: ErrorCode = "key.passwordUnavailable"
    /// The password prompt was cancelled (Ctrl-C, Ctrl-D) or the two entries differ.
    public static let keyPasswordRejected: ErrorCode = "key.passwordRejected"
    /// The output file for a new keystore exists already (never overwritten).
    public static let keyOutputExists: ErrorCode = "key.outputExists"
    /// Writing a keystore failed.
    public static let keyWriteFailed: ErrorCode = "key.writeFailed"
}

/// Why a key could not be loaded or stored. Messages name files, key paths and positions, never key
/// bytes, hex digits of a key, or a password.
public struct KeySourceError: OperatorError, Equatable {
    public let code: ErrorCode
    public let title: String
    public let detail: String
    public let hint: String
    public var category: ErrorCategory { .configuration }

    init(_ code: ErrorCode, _ title: String, _ detail: String, hint: String = "") {
        self.code = code
        self.title = title
        self.detail = detail
        self.hint = hint
    }

    static func fileMissing(_ path: String) -> KeySourceError {
        KeySourceError(.keyFileMissing, "Key file not found", "\(path) does not exist", hint: "Check the path.")
    }

    static func unreadable(_ path: String, errno e: Int32) -> KeySourceError {
        KeySourceError(
            .keyFileUnreadable, "Key file cannot be read", "\(path): \(String(cString: strerror(e)))",
            hint: "Check that the file belongs to you (`ls -l \(path)`).")
    }

    static func permissions(_ path: String, mode: UInt32) -> KeySourceError {
        KeySourceError(
            .keyFilePermissions, "Secret file is readable by other users",
            "\(path) has mode \(String(mode & 0o777, radix: 8)); group and others must have no access",
            hint: "chmod 600 \(path)")
    }

    static func invalidKey(_ source: String, _ why: String) -> KeySourceError {
        KeySourceError(
            .keyInvalid, "Not a private key", "\(source): \(why)",
            hint: "A private key is 64 hex digits, with or without 0x, on one line.")
    }

    static func environmentMissing(_ variable: String) -> KeySourceError {
        KeySourceError(
            .keyEnvironmentMissing, "No key in the environment", "$\(variable) is unset or empty",
            hint: "Export \(variable), or use a keystore (`kalypso-console key import`).")
    }

    static func wrongPassword(_ path: String) -> KeySourceError {
        KeySourceError(
            .keystoreWrongPassword, "Keystore password is wrong",
            "\(path): the MAC does not match (a wrong password, or a damaged keystore)",
            hint: "Try again with the right password; if it is right, the file was changed since it was written.")
    }

    static func malformed(_ path: String, _ keyPath: String, _ expected: String) -> KeySourceError {
        KeySourceError(
            .keystoreMalformed, "Not a readable keystore", "\(path): \(keyPath): expected \(expected)",
            hint: "kalypso-console reads Web3 Secret Storage v3 keystores (geth, eth-account, MetaMask exports).")
    }

    static func damaged(_ path: String, declared: Address) -> KeySourceError {
        KeySourceError(
            .keystoreMalformed, "Keystore is damaged",
            "\(path): the key inside is not the key of its address \(declared.checksummed) (a changed iv or address)",
            hint: "Restore the keystore from a backup; the key in this file cannot be trusted.")
    }

    static func unsupported(_ path: String, _ what: String) -> KeySourceError {
        KeySourceError(
            .keystoreUnsupported, "Unsupported keystore", "\(path): \(what)",
            hint: "Supported: version 3, aes-128-ctr, scrypt or pbkdf2 with hmac-sha256.")
    }

    public static func passwordUnavailable(_ forWhat: String) -> KeySourceError {
        KeySourceError(
            .keyPasswordUnavailable, "No password", "\(forWhat) needs a password, and there is no terminal to ask on",
            hint: "Pass --password-file PATH (a file with mode 600 holding the password on its first line).")
    }

    public static func passwordRejected(_ why: String) -> KeySourceError {
        KeySourceError(.keyPasswordRejected, "No password entered", why)
    }

    static func outputExists(_ path: String) -> KeySourceError {
        KeySourceError(
            .keyOutputExists, "Keystore file exists", "\(path) exists and is never overwritten",
            hint: "Choose another --out path, or move the old file away first.")
    }

    static func writeFailed(_ path: String, errno e: Int32) -> KeySourceError {
        KeySourceError(.keyWriteFailed, "Cannot write the keystore", "\(path): \(String(cString: strerror(e)))")
    }
}
