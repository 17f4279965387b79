import Foundation
import GRDB

/// The enclave configuration of the last successful `enclave-config` or `onboard` for one network and market,
/// without the gas key and without the RPC URLs (both come from the key and the config each time): what
/// `update-key` sends again after an enclave restart unless flags override it.
public struct EnclaveSettings: Sendable, Hashable {
    /// ``CacheNetworkKey/text`` of the network.
    public var network: String
    /// Decimal market id.
    public var marketId: String
    /// The operator address as the enclave was configured with it.
    public var operatorAddress: String
    public var startBlock: Int64
    /// The prover's port inside the enclave (decimal text, as the generator client takes it).
    public var proverPort: String
    public var ivsURL: String
    /// Seconds since 1970.
    public var updatedAt: Double

    public init(
        network: String, marketId: String, operatorAddress: String, startBlock: Int64, proverPort: String,
        ivsURL: String, updatedAt: Double
    ) {
        self.network = network
        self.marketId = marketId
        self.operatorAddress = operatorAddress
        self.startBlock = startBlock
        self.proverPort = proverPort
        self.ivsURL = ivsURL
        self.updatedAt = updatedAt
    }

    static func createTable(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE enclave_settings (
                    network TEXT NOT NULL,
                    marketId TEXT NOT NULL,
                    operatorAddress TEXT NOT NULL,
                    startBlock INTEGER NOT NULL,
                    proverPort TEXT NOT NULL,
                    ivsURL TEXT NOT NULL,
                    updatedAt DOUBLE NOT NULL,
                    PRIMARY KEY (network, marketId)
                )
                """)
    }
}

/// Reads and writes ``EnclaveSettings`` in the console's database.
public struct EnclaveSettingsStore: Sendable {
    public let database: KalypsoDatabase

    public init(database: KalypsoDatabase) { self.database = database }

    /// Keeps `settings` as the last successful configuration of its network and market (replacing the older one).
    public func save(_ settings: EnclaveSettings) throws(StoreError) {
        do {
            try database.pool.write { db in
                try db.execute(
                    sql: """
                        INSERT OR REPLACE INTO enclave_settings
                            (network, marketId, operatorAddress, startBlock, proverPort, ivsURL, updatedAt)
                        VALUES (?, ?, ?, ?, ?, ?, ?)
                        """,
                    arguments: [
                        settings.network, settings.marketId, settings.operatorAddress, settings.startBlock,
                        settings.proverPort, settings.ivsURL, settings.updatedAt,
                    ])
            }
        } catch {
            throw StoreError(.writeFailed, path: database.path, underlying: error)
        }
    }

    /// The last successful configuration of `marketId` on `network`, nil when there is none.
    public func settings(network: String, marketId: String) throws(StoreError) -> EnclaveSettings? {
        do {
            return try database.pool.read { db in
                guard
                    let row = try Row.fetchOne(
                        db, sql: "SELECT * FROM enclave_settings WHERE network = ? AND marketId = ?",
                        arguments: [network, marketId])
                else { return nil }
                return EnclaveSettings(
                    network: row["network"], marketId: row["marketId"], operatorAddress: row["operatorAddress"],
                    startBlock: row["startBlock"], proverPort: row["proverPort"], ivsURL: row["ivsURL"],
                    updatedAt: row["updatedAt"])
            }
        } catch {
            throw StoreError(.queryFailed, path: database.path, underlying: error)
        }
    }
}
