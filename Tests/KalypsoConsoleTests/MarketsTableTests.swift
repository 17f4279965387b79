import Testing

@testable import kalypso_console

/// `markets` as a newcomer reads it on the Generation A devnet: each market's name from its metadata.
@Suite struct MarketsTableTests {
    @Test func theTableNamesEachMarket() {
        let lines = MarketsCommand.table([
            .init(id: 0, name: "Devnet private market", isPrivate: true, provers: 2, open: 0, jobs: 93, ours: "-"),
            .init(
                id: 1, name: "market 1", isPrivate: false, provers: 3, open: 1, jobs: 157, ours: "state 1, 0 running"),
        ])
        #expect(lines.count == 3)
        #expect(lines[0].hasPrefix("ID   NAME                   KIND     PROVERS"))
        #expect(lines[1] == "0    Devnet private market  private  2        0      93     -")
        #expect(lines[2] == "1    market 1               public   3        1      157    state 1, 0 running")
    }
}
