import Basics
import Foundation

/// The files the configuration reader touches, behind a protocol so tests need no real files.
public protocol ConfigFileSystem: Sendable {
    func fileExists(_ path: String) -> Bool
    /// The file as UTF-8 text; throws a reason phrase when it cannot be read.
    func readText(_ path: String) throws(ConfigError) -> String
}

/// The real file system.
public struct LocalConfigFileSystem: ConfigFileSystem {
    public init() {}
    public func fileExists(_ path: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && !isDirectory.boolValue
    }
    public func readText(_ path: String) throws(ConfigError) -> String {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .unreadable(path: path, reason: "permission denied or not a regular file")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw .unreadable(path: path, reason: "not UTF-8 text")
        }
        return text
    }
}

/// Where the configuration file was found, and why there.
public struct ConfigLocation: Sendable, Equatable, CustomStringConvertible {
    public enum Reason: String, Sendable, Equatable {
        case flag = "--config"
        case environment = "$KALYPSO_CONFIG"
        case workingDirectory = "the working directory"
        case xdg = "the user configuration directory"
    }
    public let path: String
    public let reason: Reason
    public var description: String { "\(path) (from \(reason.rawValue))" }
}

/// A loaded configuration and how it was put together.
public struct LoadedConfig: Sendable, Equatable {
    public var config: KalypsoConfig
    /// The file read, if any (a `--network` profile alone needs none).
    public var location: ConfigLocation?
    /// The built-in profile under the file, if `--network` named one.
    public var profile: String?

    /// One line for the operator: which file and which profile were used.
    public var summary: String {
        switch (location, profile) {
        case (let l?, let p?): return "configuration: \(l), over the built-in network \(p)"
        case (let l?, nil): return "configuration: \(l)"
        case (nil, let p?): return "configuration: the built-in network \(p) (no file)"
        case (nil, nil): return "configuration: defaults"
        }
    }
}

/// Finds, reads and checks kalypso-config.json.
public struct ConfigLoader: Sendable {
    public let environment: [String: String]
    public let currentDirectory: String
    public let fileSystem: any ConfigFileSystem

    public init(
        environment: [String: String] = ProcessInfo.processInfo.environment,
        currentDirectory: String = FileManager.default.currentDirectoryPath,
        fileSystem: any ConfigFileSystem = LocalConfigFileSystem()
    ) {
        self.environment = environment
        self.currentDirectory = currentDirectory
        self.fileSystem = fileSystem
    }

    /// The places searched, in order: `--config PATH`, `$KALYPSO_CONFIG`, `./kalypso-config.json`,
    /// `$XDG_CONFIG_HOME/kalypso-console/kalypso-config.json` (`$HOME/.config` when XDG_CONFIG_HOME is unset).
    /// An explicitly named file that does not exist is an error, not a reason to look further.
    public func locate(flag: String?, allowMissing: Bool = false) throws(ConfigError) -> ConfigLocation? {
        if let flag {
            guard fileSystem.fileExists(flag) else { throw .fileMissing(path: flag, namedBy: "--config") }
            return ConfigLocation(path: flag, reason: .flag)
        }
        if let env = environment["KALYPSO_CONFIG"], !env.isEmpty {
            guard fileSystem.fileExists(env) else { throw .fileMissing(path: env, namedBy: "$KALYPSO_CONFIG") }
            return ConfigLocation(path: env, reason: .environment)
        }
        let local = currentDirectory + "/kalypso-config.json"
        if fileSystem.fileExists(local) { return ConfigLocation(path: local, reason: .workingDirectory) }
        let xdg = xdgPath
        if let xdg, fileSystem.fileExists(xdg) { return ConfigLocation(path: xdg, reason: .xdg) }
        if allowMissing { return nil }
        throw .notFound(searched: [local] + (xdg.map { [$0] } ?? []))
    }

    var xdgPath: String? {
        if let x = environment["XDG_CONFIG_HOME"], !x.isEmpty { return x + "/kalypso-console/kalypso-config.json" }
        if let home = environment["HOME"], !home.isEmpty {
            return home + "/.config/kalypso-console/kalypso-config.json"
        }
        return nil
    }

    /// Finds and reads the configuration over the `network` profile (if any) and checks that everything
    /// needed to reach the chain is there. All invalid and missing values come in one error.
    public func load(flag: String?, network: String?) throws(ConfigError) -> LoadedConfig {
        var base = KalypsoConfig()
        if let network {
            guard let profile = NetworkProfile.named(network) else { throw .unknownNetwork(network) }
            base = try profile.config()
        }
        let location = try locate(flag: flag, allowMissing: network != nil)
        var config = base
        var fileName = network.map { "built-in network \($0)" } ?? "configuration"
        if let location {
            fileName = location.path
            let text = try fileSystem.readText(location.path)
            let dir = (location.path as NSString).deletingLastPathComponent
            config = try ConfigParser.parse(
                text, file: location.path, base: base, baseDirectory: dir.isEmpty ? "." : dir)
        }
        let missing = ConfigParser.missingRequired(config, file: fileName)
        guard missing.isEmpty else { throw .invalid(file: fileName, issues: missing) }
        return LoadedConfig(config: config, location: location, profile: network)
    }
}
