import ArgumentParser
import Basics
import EthereumKit
import Foundation
import KalypsoKit

/// `kalypso-console key …`: create, import and inspect operator keys (Web3 Secret Storage v3 keystores).
struct KeyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "key",
        abstract: "Create, import and inspect keys (encrypted keystores that geth and eth-account also read).",
        subcommands: [KeyNew.self, KeyImport.self, KeyAddress.self, KeyExportPublic.self])
}

/// Options shared by the commands that need a password.
struct PasswordOptions: ParsableArguments {
    @Option(
        name: .customLong("password-file"),
        help: "Read the keystore password from the first line of this file (mode 600) instead of a prompt.")
    var passwordFile: String?

    /// The password source: the file, else the terminal; no terminal and no file is an error at use.
    var source: any PasswordSource {
        if let passwordFile { return PasswordFile(path: passwordFile) }
        return TerminalPasswordPrompt()
    }
}

/// Where a command takes an existing key from.
struct KeySourceOptions: ParsableArguments {
    @Option(help: "An encrypted keystore (Web3 Secret Storage v3).")
    var keystore: String?

    @Option(name: .customLong("key-file"), help: "A file holding the key as hex (mode 600).")
    var keyFile: String?

    @Flag(
        name: .customLong("from-env"), help: "Take the key from $KALYPSO_PRIVATE_KEY (visible to your other processes)."
    )
    var fromEnvironment = false

    @OptionGroup var password: PasswordOptions

    func validate() throws {
        let n = [keystore != nil, keyFile != nil, fromEnvironment].filter { $0 }.count
        guard n == 1 else {
            throw ValidationError("give exactly one of --keystore PATH, --key-file PATH or --from-env")
        }
    }

    var source: any KeySource {
        if let keystore { return KeystoreSource(path: keystore, password: password.source) }
        if let keyFile { return KeyFileSource(path: keyFile) }
        return EnvironmentKeySource(
            variable: EnvironmentKeySource.operatorVariable, warn: { writeError($0 + "\n") })
    }
}

/// Writes to stderr (warnings and progress; stdout carries only the result, for scripts).
func writeError(_ text: String) {
    FileHandle.standardError.write(Data(text.utf8))
}

/// Runs `body`, and renders any error the one way (ErrorReport) with its exit code.
func reportingErrors(_ body: () throws -> Void) throws {
    do {
        try body()
    } catch let e as ExitCode {
        throw e
    } catch {
        let report = ErrorReport(error)
        writeError(report.text + "\n")
        throw ExitCode(report.exitCode)
    }
}

struct KeyNew: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "new", abstract: "Generate a key and write it as an encrypted keystore (mode 600).",
        discussion: "Prints the new address on standard output. The key itself is never shown.")

    @Option(
        help: "Where to write the keystore (default ./keystore-<address>.json); an existing file is never replaced.")
    var out: String?

    @Option(help: "Key derivation: scrypt (geth's default) or pbkdf2.")
    var kdf: KeystoreKDF = .scrypt

    @OptionGroup var password: PasswordOptions

    func run() throws {
        try reportingErrors {
            let key = PrivateKey.random()
            try writeKeystore(key, out: out, kdf: kdf, password: password)
        }
    }
}

extension KeystoreKDF: ExpressibleByArgument {}

/// Asks for a new password (twice on a terminal), writes the keystore, prints the address.
func writeKeystore(_ key: PrivateKey, out: String?, kdf: KeystoreKDF, password: PasswordOptions) throws {
    let path = out ?? "keystore-\(Hex.encode(key.address.bytes, prefix: false)).json"
    if password.passwordFile == nil && !TerminalPasswordPrompt.isAvailable {
        throw KeySourceError.passwordUnavailable("a new keystore")
    }
    var pw = try password.source.password(for: "the new keystore \(path)", confirm: true)
    defer { wipeSecret(&pw) }
    guard !pw.isEmpty else { throw KeySourceError.passwordRejected("the password file is empty") }
    try Web3Keystore.write(key, password: pw, parameters: .standard(kdf), to: path)
    print(key.address.checksummed)
    writeError("keystore written to \(path) (mode 600, \(kdf.rawValue))\n")
}

struct KeyImport: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import", abstract: "Encrypt an existing hex key into a keystore (mode 600).",
        discussion: """
            The key comes from --key-file, or from standard input (typed without echo on a terminal, or piped).
            Prints the address on standard output.
            """)

    @Option(name: .customLong("key-file"), help: "A file holding the key as hex (mode 600).")
    var keyFile: String?

    @Option(help: "Where to write the keystore (default ./keystore-<address>.json).")
    var out: String?

    @Option(help: "Key derivation: scrypt (geth's default) or pbkdf2.")
    var kdf: KeystoreKDF = .scrypt

    @OptionGroup var password: PasswordOptions

    func run() throws {
        try reportingErrors {
            let source: any KeySource = keyFile.map { KeyFileSource(path: $0) } ?? StandardInputKeySource()
            let key = try source.loadKey()
            try writeKeystore(key, out: out, kdf: kdf, password: password)
        }
    }
}

struct KeyAddress: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "address",
        abstract: "Print the address of a keystore or key file (the keystore is decrypted to be sure).")

    @OptionGroup var key: KeySourceOptions

    func run() throws {
        try reportingErrors {
            print(try key.source.loadKey().address.checksummed)
        }
    }
}

struct KeyExportPublic: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export-public",
        abstract: "Print the uncompressed public key and the address (never the private key).")

    @OptionGroup var key: KeySourceOptions

    func run() throws {
        try reportingErrors {
            let k = try key.source.loadKey()
            print("publicKey \(Hex.encode(k.publicKey.uncompressed))")
            print("address   \(k.address.checksummed)")
        }
    }
}
