import Basics
import Foundation
import GRDB

/// The console's SQLite database: one file per network, WAL mode, named migrations.
///
/// A console and a headless command on the same box open the same file; WAL lets one write while the
/// other reads, and the busy timeout makes a second writer wait for the first instead of failing with
/// `database is locked`.
public struct KalypsoDatabase: Sendable {
    /// The pool every reader and writer goes through.
    public let pool: DatabasePool
    /// The file the pool opened.
    public let path: String

    /// How long a writer waits for another process's write transaction before giving up.
    public static let busyTimeout: TimeInterval = 30

    /// Opens (creating if needed) the database at `path` and brings its schema up to date.
    public init(path: String) throws(StoreError) {
        self.path = path
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty {
            do {
                try FileManager.default.createDirectory(
                    atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            } catch {
                throw StoreError(.cannotOpen, path: path, underlying: error)
            }
        }
        var configuration = Configuration()
        configuration.busyMode = .timeout(Self.busyTimeout)
        configuration.prepareDatabase { db in
            // A journal row must survive a power cut once written: FULL syncs the WAL on every commit.
            try db.execute(sql: "PRAGMA synchronous = FULL")
        }
        do {
            pool = try DatabasePool(path: path, configuration: configuration)
        } catch {
            throw StoreError(.cannotOpen, path: path, underlying: error)
        }
        let superseded: Bool
        do {
            superseded = try pool.read { db in try Self.migrator.hasBeenSuperseded(db) }
        } catch {
            throw StoreError(.migrationFailed, path: path, underlying: error)
        }
        // A newer release wrote migrations this build does not know: its tables may mean other things now.
        guard !superseded else {
            throw StoreError(.migrationFailed, path: path, reason: "the file has migrations newer than this build")
        }
        do {
            try Self.migrate(pool)
        } catch {
            throw StoreError(.migrationFailed, path: path, underlying: error)
        }
    }

    /// Brings the schema up to date, waiting for another process that migrates the same file at the same moment.
    ///
    /// Migrating takes the write lock even when nothing is pending, and so waits behind another process's sync:
    /// a current file is only read (what the console's start needs). GRDB reads the applied migrations first,
    /// then runs each pending one in a transaction of its own: of two processes opening a new file at once (a
    /// syncing console and a `monitor`), the second fails on the first migration the other committed meanwhile
    /// (`duplicate column`, `table … already exists`). Nothing of a failed migration stays, so it reads the
    /// applied list again and goes on from there; an error that persists is thrown.
    static func migrate(_ pool: DatabasePool) throws {
        var attempts = 0
        while true {
            if try pool.read({ db in try migrator.hasCompletedMigrations(db) }) { return }
            do {
                try migrator.migrate(pool)
                return
            } catch {
                attempts += 1
                if attempts >= 30 { throw error }
                Thread.sleep(forTimeInterval: 0.1)
            }
        }
    }

    /// The names of the migrations applied to this file, in order.
    public func appliedMigrations() throws(StoreError) -> [String] {
        do {
            return try pool.read { db in try Self.migrator.appliedMigrations(db) }
        } catch {
            throw StoreError(.queryFailed, path: path, underlying: error)
        }
    }

    /// The ordered, named migrations. Never edit a published one: add the next.
    public static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-journal") { db in
            try JournalEntry.createTable(db)
        }
        migrator.registerMigration("v2-chain-cache") { db in
            try CacheSchema.create(db)
        }
        migrator.registerMigration("v3-enclave-settings") { db in
            try EnclaveSettings.createTable(db)
        }
        migrator.registerMigration("v4-cache-l1-block") { db in
            try CacheSchema.addL1Block(db)
        }
        migrator.registerMigration("v5-cache-recent-job-indexes") { db in
            try CacheSchema.addRecentJobIndexes(db)
        }
        migrator.registerMigration("v6-cache-stake-terms") { db in
            try CacheSchema.addStakeTerms(db)
        }
        migrator.registerMigration("v7-cache-event-compact") { db in
            try CacheSchema.compactEvents(db)
        }
        return migrator
    }

    /// Where the database of a network lives unless the operator says otherwise:
    /// `$XDG_STATE_HOME/kalypso-console/<network>/kalypso.sqlite`, else `~/.local/state/…`.
    ///
    /// `network` keys the folder (for example `arbitrum-one-42161`) so that journals and caches of two
    /// networks never mix; characters other than letters, digits, `-`, `_` and `.` become `_`.
    public static func defaultPath(network: String, environment: [String: String]) -> String {
        let base: String
        if let state = environment["XDG_STATE_HOME"], state.hasPrefix("/") {
            base = state
        } else {
            let home = environment["HOME"] ?? NSHomeDirectory()
            base = home + "/.local/state"
        }
        return "\(base)/kalypso-console/\(sanitize(network))/kalypso.sqlite"
    }

    static func sanitize(_ name: String) -> String {
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.")
        let cleaned = String(name.map { allowed.contains($0) ? $0 : "_" })
        // "." and ".." would climb out of the state folder.
        return cleaned.isEmpty || cleaned.allSatisfy({ $0 == "." }) ? "default" : cleaned
    }
}

/// A failure to open, migrate, read or write the database.
public struct StoreError: OperatorError {
    /// What was being done.
    public enum Kind: String, Sendable {
        case cannotOpen, migrationFailed, queryFailed, writeFailed, notFound
    }
    public let kind: Kind
    public let path: String
    /// The underlying error's description; GRDB keeps statement arguments out of it.
    public let reason: String

    public init(_ kind: Kind, path: String, underlying: any Error) {
        self.kind = kind
        self.path = path
        self.reason = String(describing: underlying)
    }

    public init(_ kind: Kind, path: String, reason: String) {
        self.kind = kind
        self.path = path
        self.reason = reason
    }

    public var code: ErrorCode {
        switch kind {
        case .cannotOpen: .storeCannotOpen
        case .migrationFailed: .storeMigrationFailed
        case .queryFailed, .writeFailed: .storeQueryFailed
        case .notFound: .storeNotFound
        }
    }

    public var title: String {
        switch kind {
        case .cannotOpen: "Cannot open the local database"
        case .migrationFailed: "Cannot update the local database's schema"
        case .queryFailed: "Cannot read the local database"
        case .writeFailed: "Cannot write the local database"
        case .notFound: "Not in the local journal"
        }
    }

    public var detail: String { "\(path): \(reason)" }

    public var hint: String {
        switch kind {
        case .cannotOpen:
            "Check that the folder is writable by this user and the disk is not full."
        case .migrationFailed:
            "The file may come from a newer kalypso-console; use that version or move the file aside."
        case .queryFailed, .writeFailed:
            "Another process may hold the database for too long, or the disk is full; try again."
        case .notFound:
            "Run `\(CommandHints.txList)` to see the transactions this machine has sent."
        }
    }

    public var isRetryable: Bool { kind == .queryFailed || kind == .writeFailed }
    public var category: ErrorCategory {
        switch kind {
        case .notFound: .usage
        case .cannotOpen, .migrationFailed: .configuration
        case .queryFailed, .writeFailed: .internal
        }
    }
}

extension ErrorCode {
    public static let storeCannotOpen: ErrorCode = "store.cannotOpen"
    public static let storeMigrationFailed: ErrorCode = "store.migrationFailed"
    public static let storeQueryFailed: ErrorCode = "store.queryFailed"
    public static let storeNotFound: ErrorCode = "store.notFound"
}
