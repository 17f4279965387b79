import Foundation
import GRDB
import KalypsoStore
import TestSupport
import Testing

func temporaryDatabasePath(_ name: String = #function) -> String {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent(
        "kalypso-store-\(getpid())-\(UUID().uuidString)")
    return dir.appendingPathComponent("kalypso.sqlite").path
}

func sampleEntry(nonce: Int64, hash: String, from: String = "0xAbCdEf0000000000000000000000000000000001")
    -> JournalEntry
{
    JournalEntry(
        chainId: 31337, fromAddress: from, nonce: nonce, toAddress: "0x00000000000000000000000000000000000000AA",
        value: "1000000000000000000", data: Data([0xa9, 0x05, 0x9c, 0xbb]), gasLimit: "21000", txType: 2,
        gasPrice: nil, maxFeePerGas: "2000000000", maxPriorityFeePerGas: "1000000000",
        rawTransaction: Data([0x02, 0xf8]), hash: hash, label: "test transfer \(nonce)")
}

@Suite struct KalypsoDatabaseTests {
    @Test func migratesAnEmptyFile() throws {
        let path = temporaryDatabasePath()
        #expect(!FileManager.default.fileExists(atPath: path))
        let db = try KalypsoDatabase(path: path)
        #expect(
            try db.appliedMigrations() == [
                "v1-journal", "v2-chain-cache", "v3-enclave-settings", "v4-cache-l1-block",
                "v5-cache-recent-job-indexes", "v6-cache-stake-terms", "v7-cache-event-compact",
            ])
        let mode = try db.pool.read { try String.fetchOne($0, sql: "PRAGMA journal_mode") }
        #expect(mode == "wal")
        let columns = try db.pool.read { db in try db.columns(in: "journal").map(\.name) }
        for name in ["chainId", "fromAddress", "nonce", "rawTransaction", "hash", "label", "state", "replacedBy"] {
            #expect(columns.contains(name), "journal lacks column \(name)")
        }
    }

    @Test func reopensAnExistingFileWithoutLosingRows() throws {
        let path = temporaryDatabasePath()
        do {
            let db = try KalypsoDatabase(path: path)
            try TransactionJournal(database: db).record(sampleEntry(nonce: 7, hash: "0x01"))
        }
        let again = try KalypsoDatabase(path: path)
        #expect(
            try again.appliedMigrations() == [
                "v1-journal", "v2-chain-cache", "v3-enclave-settings", "v4-cache-l1-block",
                "v5-cache-recent-job-indexes", "v6-cache-stake-terms", "v7-cache-event-compact",
            ])
        let row = try TransactionJournal(database: again).entry(hash: "0x01")
        #expect(row?.nonce == 7)
        #expect(row?.label == "test transfer 7")
        #expect(row?.state == .signed)
    }

    @Test func migratesAnExistingSQLiteFileMadeElsewhere() throws {
        // A file some other tool created (here Python's sqlite3): our migrations add their tables beside its own.
        let path = temporaryDatabasePath()
        try FileManager.default.createDirectory(
            atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        let script = FileManager.default.temporaryDirectory.appendingPathComponent("mk-\(UUID().uuidString).py").path
        try """
        import sqlite3, sys
        c = sqlite3.connect(sys.argv[1]); c.execute("create table notes(x text)"); c.execute("insert into notes values('kept')"); c.commit()
        """.write(toFile: script, atomically: true, encoding: .utf8)
        _ = try Python.run(script: script, arguments: [path])
        let db = try KalypsoDatabase(path: path)
        #expect(
            try db.appliedMigrations() == [
                "v1-journal", "v2-chain-cache", "v3-enclave-settings", "v4-cache-l1-block",
                "v5-cache-recent-job-indexes", "v6-cache-stake-terms", "v7-cache-event-compact",
            ])
        #expect(try db.pool.read { try String.fetchOne($0, sql: "SELECT x FROM notes") } == "kept")
    }

    @Test func refusesAFileFromTheFuture() throws {
        // A newer release's migration this build does not know: opening must fail loudly, not half-work.
        let path = temporaryDatabasePath()
        do {
            let db = try KalypsoDatabase(path: path)
            try db.pool.write { try $0.execute(sql: "INSERT INTO grdb_migrations VALUES ('v9-future')") }
        }
        #expect(throws: StoreError.self) { try KalypsoDatabase(path: path) }
    }

    @Test func defaultPathFollowsXDGAndKeepsNetworksApart() {
        #expect(
            KalypsoDatabase.defaultPath(network: "arbitrum-one", environment: ["XDG_STATE_HOME": "/s", "HOME": "/h"])
                == "/s/kalypso-console/arbitrum-one/kalypso.sqlite")
        #expect(
            KalypsoDatabase.defaultPath(network: "devnet-31337", environment: ["HOME": "/h"])
                == "/h/.local/state/kalypso-console/devnet-31337/kalypso.sqlite")
        // XDG says a relative XDG_STATE_HOME is invalid and must be ignored.
        #expect(
            KalypsoDatabase.defaultPath(network: "x", environment: ["XDG_STATE_HOME": "rel", "HOME": "/h"])
                == "/h/.local/state/kalypso-console/x/kalypso.sqlite")
        #expect(
            KalypsoDatabase.defaultPath(network: "../../etc", environment: ["HOME": "/h"])
                == "/h/.local/state/kalypso-console/.._.._etc/kalypso.sqlite")
        #expect(
            KalypsoDatabase.defaultPath(network: "..", environment: ["HOME": "/h"])
                == "/h/.local/state/kalypso-console/default/kalypso.sqlite")
    }

    @Test func twoProcessesWriteAtOnce() async throws {
        let path = temporaryDatabasePath()
        let db = try KalypsoDatabase(path: path)
        let journal = TransactionJournal(database: db)
        let rows = 150
        // The other process: Python's sqlite3 with its own connection, one short transaction per row,
        // holding each write lock a little so the two writers really contend.
        let script = FileManager.default.temporaryDirectory.appendingPathComponent("w-\(UUID().uuidString).py").path
        try """
        import sqlite3, sys, time
        c = sqlite3.connect(sys.argv[1], timeout=30, isolation_level=None)
        for i in range(int(sys.argv[2])):
            c.execute("BEGIN IMMEDIATE")
            c.execute("insert into journal(chainId, fromAddress, nonce, value, data, gasLimit, txType, rawTransaction, hash, label, state, createdAt, updatedAt) values (31337, '0xbb', ?, '0', x'', '21000', 2, x'02', ?, 'py', 'signed', '2026-01-01 00:00:00.000', '2026-01-01 00:00:00.000')", (i, "0xpy%d" % i))
            time.sleep(0.002)
            c.execute("COMMIT")
        print("ok")
        """.write(toFile: script, atomically: true, encoding: .utf8)
        let other = Task.detached { try Python.run(script: script, arguments: [path, String(rows)]) }
        for i in 0..<rows {
            try journal.record(sampleEntry(nonce: Int64(i), hash: "0xsw\(i)"))
        }
        let output = try await other.value
        #expect(output.contains("ok"))
        let count = try await db.pool.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM journal") }
        #expect(count == 2 * rows)
        #expect(try journal.latestNonce(chainId: 31337, from: "0xbb") == Int64(rows - 1))
    }

    /// Connections opening one new file at the same moment (a console and a `monitor` started together) all get a
    /// migrated file: the ones that lose the race to a migration wait for it instead of failing on it.
    @Test func openersRacingOnANewFileAllMigrateIt() async throws {
        for round in 0..<8 {
            let path = temporaryDatabasePath("race-\(round)")
            let results = await withTaskGroup(of: String?.self) { group in
                for _ in 0..<4 {
                    group.addTask {
                        do {
                            let db = try KalypsoDatabase(path: path)
                            return try db.appliedMigrations() == KalypsoDatabase.migrator.migrations
                                ? nil : "not every migration applied"
                        } catch {
                            return String(describing: error)
                        }
                    }
                }
                var out: [String?] = []
                for await r in group { out.append(r) }
                return out
            }
            #expect(results.compactMap { $0 }.isEmpty, "round \(round): \(results.compactMap { $0 })")
        }
    }
}
