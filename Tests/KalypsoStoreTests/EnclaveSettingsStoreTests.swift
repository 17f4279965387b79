import Foundation
import GRDB
import KalypsoStore
import Testing

@Suite struct EnclaveSettingsStoreTests {
    static func settings(_ market: String, port: String, at: Double) -> EnclaveSettings {
        EnclaveSettings(
            network: "31337|A|marketplace=0xaa", marketId: market,
            operatorAddress: "0x00000000000000000000000000000000000000Bb", startBlock: 12, proverPort: port,
            ivsURL: "http://ivs:3030", updatedAt: at)
    }

    @Test func keepsTheLastConfigurationPerNetworkAndMarketAcrossReopens() throws {
        let path = temporaryDatabasePath()
        do {
            let store = EnclaveSettingsStore(database: try KalypsoDatabase(path: path))
            #expect(try store.settings(network: "31337|A|marketplace=0xaa", marketId: "1") == nil)
            try store.save(Self.settings("1", port: "3000", at: 1))
            try store.save(Self.settings("2", port: "4000", at: 2))
            try store.save(Self.settings("1", port: "3001", at: 3))
        }
        let store = EnclaveSettingsStore(database: try KalypsoDatabase(path: path))
        #expect(
            try store.settings(network: "31337|A|marketplace=0xaa", marketId: "1")
                == Self.settings("1", port: "3001", at: 3))
        #expect(try store.settings(network: "31337|A|marketplace=0xaa", marketId: "2")?.proverPort == "4000")
        #expect(try store.settings(network: "1|B|marketplace=0xaa", marketId: "1") == nil)
    }

    @Test func theTableHasNoColumnForAKeyOrAnRPCURL() throws {
        let db = try KalypsoDatabase(path: temporaryDatabasePath())
        let columns = try db.pool.read { try $0.columns(in: "enclave_settings").map { $0.name.lowercased() } }
        #expect(
            Set(columns) == [
                "network", "marketid", "operatoraddress", "startblock", "proverport", "ivsurl", "updatedat",
            ])
    }
}
