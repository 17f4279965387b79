import GRDB

/// The chain cache's tables: every row is keyed by a `network` row (chain id, generation, contract
/// addresses), so a changed configuration starts a new key and never mixes data with the old one.
///
/// Amounts are decimal strings (the store knows no big-integer type); addresses and hashes are
/// lowercase `0x` hex. Times are in the unit the contract uses, named beside them (`deadlineUnit`).
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
