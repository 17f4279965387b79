import Foundation
import GRDB

/// The chain cache's tables: every row is keyed by a `network` row (chain id, generation, contract
/// addresses), so a changed configuration starts a new key and never mixes data with the old one.
///
/// Amounts are decimal strings (the store knows no big-integer type); addresses and hashes are
/// lowercase `0x` hex, except in `cache_event` (BLOBs since `v7-cache-event-compact`: most of a sync's
/// bytes). Times are in the unit the contract uses, named beside them (`deadlineUnit`).
enum CacheSchema {
    /// Migration `v4-cache-l1-block`: Arbitrum's L1 block number beside the sync progress (Gen A due times).
    static func addL1Block(_ db: Database) throws {
        try db.execute(sql: "ALTER TABLE cache_sync_progress ADD COLUMN headL1Block INTEGER")
    }

    /// Migration `v5-cache-recent-job-indexes`: a market's and a prover's most recent jobs (the console's
    /// snapshot) read straight off an index instead of sorting every job of the market or prover: on a cache
    /// of 100,000 jobs that sort took 0.1-0.25 s per market, most of the console's start.
    static func addRecentJobIndexes(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE INDEX cache_job_market_recent ON cache_job(networkId, marketId, jobId);
                CREATE INDEX cache_job_prover_recent ON cache_job(networkId, prover, jobId);
                """)
    }

    /// Migration `v6-cache-stake-terms`: the staking pool's terms as last read from the chain (Generation B
    /// `NativeStaking.amountToLock(token)` and `withdrawalDuration()`), so the console shows them at start
    /// without a chain call and refreshes them in the background.
    static func addStakeTerms(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE cache_stake_lock (
                    networkId INTEGER NOT NULL REFERENCES cache_network(id) ON DELETE CASCADE,
                    token TEXT NOT NULL,
                    amountToLock TEXT NOT NULL,
                    readAt REAL NOT NULL,
                    PRIMARY KEY (networkId, token)
                ) WITHOUT ROWID;
                CREATE TABLE cache_stake_pool (
                    networkId INTEGER PRIMARY KEY REFERENCES cache_network(id) ON DELETE CASCADE,
                    withdrawalDuration TEXT NOT NULL,
                    readAt REAL NOT NULL
                );
                """)
    }

    /// Migration `v7-cache-event-compact`: an indexed log's row at under half its size, since the events of a first
    /// sync are most of what it writes (every byte is written twice in WAL mode: to the WAL, then at the
    /// checkpoint). The transaction hash becomes a 32-byte BLOB and the account a 20-byte BLOB instead of 66- and
    /// 42-character hex; the emitting contract and the event's name one small integer, a row of
    /// `cache_event_kind`; the block hash, which every log of a block repeated, is kept once per block in
    /// `cache_event_block` (two logs of one block with different hashes cannot both be stored: the write refuses
    /// the range, and the indexer re-fetches such a range before, as a reorg during the range). The
    /// `cache_event_job` index goes: no query reads events by job (the monitor and the rollback read them by
    /// block, off the primary key), and it was a second B-tree written per row.
    ///
    /// Existing rows are converted, nothing dropped: hex that is not `0x` + whole bytes stays as it was (a BLOB
    /// column keeps TEXT), and the readers render either (``eventBytesSQL(_:)``). A cache whose rows of one block
    /// disagree on its hash (a reorg an older build missed) keeps the lowest of them.
    static func compactEvents(_ db: Database) throws {
        db.add(function: hexBytes)
        defer { db.remove(function: hexBytes) }
        try db.execute(
            sql: """
                CREATE TABLE cache_event_kind (
                    id INTEGER PRIMARY KEY,
                    contract TEXT NOT NULL,
                    name TEXT NOT NULL,
                    UNIQUE (contract, name)
                );
                CREATE TABLE cache_event_block (
                    networkId INTEGER NOT NULL REFERENCES cache_network(id) ON DELETE CASCADE,
                    number INTEGER NOT NULL,
                    hash BLOB NOT NULL,
                    PRIMARY KEY (networkId, number)
                ) WITHOUT ROWID;
                CREATE TABLE cache_event_compact (
                    networkId INTEGER NOT NULL REFERENCES cache_network(id) ON DELETE CASCADE,
                    blockNumber INTEGER NOT NULL,
                    logIndex INTEGER NOT NULL,
                    txHash BLOB NOT NULL,
                    kind INTEGER NOT NULL,
                    jobId INTEGER,
                    marketId INTEGER,
                    account BLOB,
                    PRIMARY KEY (networkId, blockNumber, logIndex)
                ) WITHOUT ROWID;
                INSERT INTO cache_event_kind (contract, name)
                    SELECT DISTINCT contract, name FROM cache_event ORDER BY contract, name;
                INSERT INTO cache_event_block (networkId, number, hash)
                    SELECT networkId, blockNumber, MIN(kalypso_hex_bytes(blockHash)) FROM cache_event
                    GROUP BY networkId, blockNumber;
                INSERT INTO cache_event_compact (networkId, blockNumber, logIndex, txHash, kind, jobId, marketId,
                    account)
                    SELECT e.networkId, e.blockNumber, e.logIndex, kalypso_hex_bytes(e.txHash), k.id, e.jobId,
                    e.marketId, kalypso_hex_bytes(e.account)
                    FROM cache_event e JOIN cache_event_kind k ON k.contract = e.contract AND k.name = e.name;
                DROP TABLE cache_event;
                ALTER TABLE cache_event_compact RENAME TO cache_event;
                """)
    }

    /// `kalypso_hex_bytes(text)`: the bytes of `0x`-prefixed hex of whole bytes (`''` gives an empty BLOB);
    /// any other value unchanged, so a conversion never loses what it cannot read.
    static let hexBytes = DatabaseFunction("kalypso_hex_bytes", argumentCount: 1, pure: true) { values in
        guard let text = String.fromDatabaseValue(values[0]) else { return values[0] }
        if text.isEmpty { return Data() }
        return HexBytes.decode(text).map { Data($0) } ?? text
    }

    /// SQL for a hash or address column as the lowercase `0x` hex text the rest of the cache uses: a BLOB is
    /// rendered (an empty one as `''`, the "unknown" of the old text rows); TEXT a migration kept is itself.
    static func eventBytesSQL(_ column: String) -> String {
        """
        CASE typeof(\(column)) WHEN 'blob' THEN CASE length(\(column)) WHEN 0 THEN '' \
        ELSE '0x' || lower(hex(\(column))) END ELSE \(column) END
        """
    }

    static func create(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE cache_network (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    key TEXT NOT NULL UNIQUE,
                    chainId INTEGER NOT NULL,
                    generation TEXT NOT NULL,
                    addresses TEXT NOT NULL,
                    createdAt REAL NOT NULL
                );
                CREATE TABLE cache_sync_progress (
                    networkId INTEGER NOT NULL REFERENCES cache_network(id) ON DELETE CASCADE,
                    contract TEXT NOT NULL,
                    startBlock INTEGER NOT NULL,
                    lastBlock INTEGER NOT NULL,
                    lastHash TEXT NOT NULL,
                    headBlock INTEGER NOT NULL,
                    headTime INTEGER NOT NULL,
                    updatedAt REAL NOT NULL,
                    PRIMARY KEY (networkId, contract)
                ) WITHOUT ROWID;
                CREATE TABLE cache_block (
                    networkId INTEGER NOT NULL REFERENCES cache_network(id) ON DELETE CASCADE,
                    number INTEGER NOT NULL,
                    hash TEXT NOT NULL,
                    timestamp INTEGER NOT NULL,
                    PRIMARY KEY (networkId, number)
                ) WITHOUT ROWID;
                CREATE TABLE cache_event (
                    networkId INTEGER NOT NULL REFERENCES cache_network(id) ON DELETE CASCADE,
                    blockNumber INTEGER NOT NULL,
                    logIndex INTEGER NOT NULL,
                    blockHash TEXT NOT NULL,
                    txHash TEXT NOT NULL,
                    contract TEXT NOT NULL,
                    name TEXT NOT NULL,
                    jobId INTEGER,
                    marketId INTEGER,
                    account TEXT,
                    PRIMARY KEY (networkId, blockNumber, logIndex)
                ) WITHOUT ROWID;
                CREATE INDEX cache_event_job ON cache_event(networkId, jobId) WHERE jobId IS NOT NULL;
                CREATE TABLE cache_market (
                    networkId INTEGER NOT NULL REFERENCES cache_network(id) ON DELETE CASCADE,
                    marketId INTEGER NOT NULL,
                    verifier TEXT NOT NULL,
                    proverImageId TEXT NOT NULL,
                    ivsImageId TEXT NOT NULL,
                    creator TEXT NOT NULL,
                    metadata TEXT NOT NULL,
                    metadataIsJSON INTEGER NOT NULL,
                    isPrivate INTEGER NOT NULL,
                    slashingPenalty TEXT,
                    activationBlock INTEGER,
                    createdBlock INTEGER NOT NULL,
                    proverCount INTEGER NOT NULL DEFAULT 0,
                    jobCount INTEGER NOT NULL DEFAULT 0,
                    openJobCount INTEGER NOT NULL DEFAULT 0,
                    PRIMARY KEY (networkId, marketId)
                ) WITHOUT ROWID;
                CREATE TABLE cache_market_prover (
                    networkId INTEGER NOT NULL REFERENCES cache_network(id) ON DELETE CASCADE,
                    marketId INTEGER NOT NULL,
                    prover TEXT NOT NULL,
                    state INTEGER NOT NULL,
                    computePerRequest TEXT NOT NULL,
                    proofGenerationCost TEXT NOT NULL,
                    proposedTime INTEGER NOT NULL,
                    commission TEXT,
                    activeRequests INTEGER NOT NULL,
                    joinedBlock INTEGER NOT NULL,
                    refreshedBlock INTEGER NOT NULL,
                    PRIMARY KEY (networkId, marketId, prover)
                ) WITHOUT ROWID;
                CREATE INDEX cache_market_prover_by_prover ON cache_market_prover(networkId, prover);
                CREATE TABLE cache_job (
                    networkId INTEGER NOT NULL REFERENCES cache_network(id) ON DELETE CASCADE,
                    jobId INTEGER NOT NULL,
                    marketId INTEGER NOT NULL,
                    state INTEGER NOT NULL,
                    reward TEXT NOT NULL,
                    expiry INTEGER NOT NULL,
                    timeForProof INTEGER NOT NULL,
                    deadline INTEGER NOT NULL,
                    deadlineUnit TEXT NOT NULL,
                    dueAt INTEGER NOT NULL,
                    requester TEXT NOT NULL,
                    prover TEXT,
                    hasPrivateInputs INTEGER NOT NULL,
                    outcome TEXT,
                    createdBlock INTEGER NOT NULL,
                    createdTx TEXT NOT NULL,
                    assignedBlock INTEGER,
                    assignedTx TEXT,
                    outcomeBlock INTEGER,
                    outcomeTx TEXT,
                    refreshedBlock INTEGER NOT NULL,
                    PRIMARY KEY (networkId, jobId)
                ) WITHOUT ROWID;
                CREATE INDEX cache_job_open_due ON cache_job(networkId, dueAt) WHERE outcome IS NULL;
                CREATE INDEX cache_job_prover_due ON cache_job(networkId, prover, dueAt);
                CREATE INDEX cache_job_market ON cache_job(networkId, marketId, outcome);
                CREATE INDEX cache_job_stale ON cache_job(networkId) WHERE refreshedBlock < 0;
                CREATE TABLE cache_stake_event (
                    networkId INTEGER NOT NULL REFERENCES cache_network(id) ON DELETE CASCADE,
                    blockNumber INTEGER NOT NULL,
                    logIndex INTEGER NOT NULL,
                    timestamp INTEGER NOT NULL,
                    token TEXT NOT NULL,
                    prover TEXT NOT NULL,
                    account TEXT,
                    kind TEXT NOT NULL,
                    amount TEXT NOT NULL,
                    jobId INTEGER,
                    withdrawalIndex INTEGER,
                    txHash TEXT NOT NULL,
                    PRIMARY KEY (networkId, blockNumber, logIndex)
                ) WITHOUT ROWID;
                CREATE INDEX cache_stake_event_prover ON cache_stake_event(networkId, prover, token, blockNumber);
                CREATE TABLE cache_stake_balance (
                    networkId INTEGER NOT NULL REFERENCES cache_network(id) ON DELETE CASCADE,
                    token TEXT NOT NULL,
                    prover TEXT NOT NULL,
                    total TEXT NOT NULL,
                    locked TEXT NOT NULL,
                    refreshedBlock INTEGER NOT NULL,
                    PRIMARY KEY (networkId, prover, token)
                ) WITHOUT ROWID;
                CREATE TABLE cache_reward_event (
                    networkId INTEGER NOT NULL REFERENCES cache_network(id) ON DELETE CASCADE,
                    blockNumber INTEGER NOT NULL,
                    logIndex INTEGER NOT NULL,
                    timestamp INTEGER NOT NULL,
                    address TEXT NOT NULL,
                    kind TEXT NOT NULL,
                    amount TEXT NOT NULL,
                    jobId INTEGER,
                    txHash TEXT NOT NULL,
                    PRIMARY KEY (networkId, blockNumber, logIndex, kind)
                ) WITHOUT ROWID;
                CREATE INDEX cache_reward_event_time ON cache_reward_event(networkId, address, timestamp);
                CREATE TABLE cache_reward_balance (
                    networkId INTEGER NOT NULL REFERENCES cache_network(id) ON DELETE CASCADE,
                    address TEXT NOT NULL,
                    claimable TEXT NOT NULL,
                    refreshedBlock INTEGER NOT NULL,
                    PRIMARY KEY (networkId, address)
                ) WITHOUT ROWID;
                CREATE TABLE cache_prover (
                    networkId INTEGER NOT NULL REFERENCES cache_network(id) ON DELETE CASCADE,
                    prover TEXT NOT NULL,
                    rewardAddress TEXT NOT NULL,
                    refreshedBlock INTEGER NOT NULL,
                    PRIMARY KEY (networkId, prover)
                ) WITHOUT ROWID;
                CREATE TABLE cache_benchmark_run (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    networkId INTEGER NOT NULL REFERENCES cache_network(id) ON DELETE CASCADE,
                    enclave TEXT NOT NULL,
                    marketId INTEGER,
                    milliseconds INTEGER NOT NULL,
                    at REAL NOT NULL
                );
                CREATE INDEX cache_benchmark_run_enclave ON cache_benchmark_run(networkId, enclave, marketId, at);
                """)
    }
}

/// `0x` hex → bytes for the cache's BLOB columns (the store does not depend on EthereumKit).
enum HexBytes {
    /// The bytes of `0x` (or `0X`) followed by an even number of hex digits in either case; nil otherwise.
    static func decode(_ text: String) -> [UInt8]? {
        let utf8 = Array(text.utf8)
        guard utf8.count >= 2, utf8[0] == 0x30, utf8[1] | 0x20 == 0x78, utf8.count % 2 == 0 else { return nil }
        var out = [UInt8]()
        out.reserveCapacity(utf8.count / 2 - 1)
        var i = 2
        while i < utf8.count {
            guard let high = nibble(utf8[i]), let low = nibble(utf8[i + 1]) else { return nil }
            out.append(high << 4 | low)
            i += 2
        }
        return out
    }

    private static func nibble(_ c: UInt8) -> UInt8? {
        switch c {
        case 0x30...0x39: c - 0x30
        case 0x61...0x66: c - 0x61 + 10
        case 0x41...0x46: c - 0x41 + 10
        default: nil
        }
    }
}
