import ArgumentParser
import BigInt
import EthereumKit
import Foundation
import KalypsoKit

/// A hidden test hook: sends a plain ETH transfer through the pipeline and can stop dead at a named
/// point, so the crash tests can `kill -9` a real process between journal and send, or after the send.
struct TxTestSend: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "_test-send", abstract: "Test hook: send a transfer through the pipeline.",
        shouldDisplay: false)

    @OptionGroup var journalOptions: JournalOptions
    @OptionGroup var sending: SendingOptions

    @Option(help: "Recipient address.") var to: String
    @Option(help: "Wei to send.") var value: String = "1"
    @Option(name: .customLong("pause-at"), help: "after-journal or after-send: stop there until killed.")
    var pauseAt: String?
    @Option(help: "File written when the pause point is reached.") var marker: String?
    @Flag(name: .customLong("no-recover"), help: "Skip recovery before sending.") var noRecover = false

    func run() async throws {
        let config = try sending.config(journalOptions)
        let settings = try sending.settings(journalOptions, config: config)
        let key = try sending.loadKey(config: config)
        let recipient: Address
        do { recipient = try Address(to) } catch { throw TxUsageError(message: "--to: not an address: \(to)") }
        guard let wei = BigUInt(value, radix: 10) else { throw TxUsageError(message: "--value: not a decimal amount") }
        let pauseAt = self.pauseAt
        let marker = self.marker
        let journalOptions = self.journalOptions
        let noRecover = self.noRecover
        var sender = try await makeSender(settings)
        if !noRecover { _ = try await sender.recover() }
        sender.checkpoint = { point in
            guard point == pauseAt else { return }
            if let marker { FileManager.default.createFile(atPath: marker, contents: Data(point.utf8)) }
            while true { try? await Task.sleep(for: .seconds(3600)) }
        }
        let request = TransactionRequest(
            from: key.address, to: recipient, value: wei,
            description: CallDescription(
                summary: "Test transfer of \(wei) wei", contract: recipient.checksummed,
                function: "(plain transfer)"))
        let outcome = try await sender.send(request, signer: key, approve: { _ in true })
        try report(outcome, journal: sender.journal, json: journalOptions.json)
    }
}
