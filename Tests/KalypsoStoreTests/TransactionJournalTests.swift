import Foundation
import KalypsoStore
import Testing

@Suite struct TransactionJournalTests {
    let journal: TransactionJournal

    init() throws {
        journal = TransactionJournal(database: try KalypsoDatabase(path: temporaryDatabasePath()))
    }

    @Test func hashesAndAddressesAreMatchedWhateverTheirCase() throws {
        try journal.record(sampleEntry(nonce: 0, hash: "0xABCDEF"))
        #expect(try journal.entry(hash: "0xabcdef")?.nonce == 0)
        #expect(try journal.pending(chainId: 31337, from: "0xabcdef0000000000000000000000000000000001").count == 1)
    }

    @Test func aHashIsRecordedOnce() throws {
        try journal.record(sampleEntry(nonce: 0, hash: "0x01"))
        #expect(throws: StoreError.self) { try journal.record(sampleEntry(nonce: 1, hash: "0x01")) }
    }

    @Test func pendingListsOnlyOpenRowsOfTheAccountByNonce() throws {
        try journal.record(sampleEntry(nonce: 2, hash: "0x02"))
        try journal.record(sampleEntry(nonce: 1, hash: "0x01"))
        try journal.record(sampleEntry(nonce: 0, hash: "0x00"))
        try journal.record(sampleEntry(nonce: 3, hash: "0x03", from: "0x00000000000000000000000000000000000000cc"))
        try journal.update(hash: "0x00") { $0.state = .confirmed }
        try journal.update(hash: "0x01") { $0.state = .sent }
        let pending = try journal.pending(chainId: 31337, from: "0xabcdef0000000000000000000000000000000001")
        #expect(pending.map(\.hash) == ["0x01", "0x02"])
        #expect(try journal.pending(chainId: 31337).count == 3)
        #expect(try journal.pending(chainId: 1).isEmpty)
    }

    @Test func latestNonceIgnoresDroppedRows() throws {
        let from = "0xabcdef0000000000000000000000000000000001"
        #expect(try journal.latestNonce(chainId: 31337, from: from) == nil)
        try journal.record(sampleEntry(nonce: 4, hash: "0x04"))
        try journal.record(sampleEntry(nonce: 5, hash: "0x05"))
        #expect(try journal.latestNonce(chainId: 31337, from: from) == 5)
        try journal.update(hash: "0x05") { $0.state = .dropped }
        #expect(try journal.latestNonce(chainId: 31337, from: from) == 4)
        #expect(try journal.latestNonce(chainId: 42161, from: from) == nil)
    }

    @Test func replacementsAreLinkedBothWays() throws {
        try journal.record(sampleEntry(nonce: 9, hash: "0xold"))
        try journal.recordReplacement(sampleEntry(nonce: 9, hash: "0xnew"), replacing: "0xold")
        try journal.update(hash: "0xold") {
            $0.state = .replaced
            $0.replacedBy = "0xnew"
        }
        let rows = try journal.sameNonce(chainId: 31337, from: "0xabcdef0000000000000000000000000000000001", nonce: 9)
        #expect(rows.map(\.hash) == ["0xold", "0xnew"])
        #expect(rows[0].replacedBy == "0xnew")
        #expect(rows[1].replaces == "0xold")
    }

    @Test func updateOfAnUnknownHashSaysSo() throws {
        #expect(throws: StoreError.self) { try journal.update(hash: "0xnothing") { $0.state = .sent } }
    }

    @Test func recentIsNewestFirstAndLimited() throws {
        for i in 0..<5 { try journal.record(sampleEntry(nonce: Int64(i), hash: "0x1\(i)")) }
        #expect(try journal.recent(limit: 3).map(\.nonce) == [4, 3, 2])
    }

    @Test func aStateOutsideTheListIsRefusedByTheSchema() throws {
        try journal.record(sampleEntry(nonce: 0, hash: "0x00"))
        #expect(throws: (any Error).self) {
            try journal.database.pool.write { try $0.execute(sql: "UPDATE journal SET state = 'lost'") }
        }
    }
}
