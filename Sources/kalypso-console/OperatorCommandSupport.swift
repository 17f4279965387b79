import ArgumentParser
import Basics
import BigInt
import EthereumKit
import Foundation
import KalypsoKit

extension OperatorOptions {
    /// Opens the session a write needs: refused at once under `--read-only` (exit 2, nothing loaded), then
    /// the configuration, the operator key and the journal.
    func writeSession(action: String) async throws -> OperatorSession {
        if readOnly { throw ReadOnlyRefusal(action: action, byFlag: true) }
        let loaded = try loadConfig()
        let key = try loadOperatorKey(config: loaded, action: action)
        return try await OperatorSession.open(config: loaded, key: key, databasePath: databasePath(config: loaded))
    }

    /// The send path with this command line's mode (`--dry-run`) and confirmation (`--yes` or a prompt).
    func sendPath(_ session: OperatorSession) throws -> OperatorSendPath {
        // With --json --yes nothing is asked: the review is in the JSON result instead of on stderr.
        try session.sendPath(
            mode: dryRun ? .dryRun : .send, confirm: headlessApproval(yes: yes, showReview: !(json && yes) && !dryRun))
    }
}

extension OperatorOptions {
    /// The shape of the one-transaction write commands: opens the write session (refused under
    /// `--read-only`), has `build` ask the operator API for the reviewed request (a pre-flight refusal is
    /// exit 5), sends it through the one send path and prints the report. Arguments are parsed before, so a
    /// bad one is exit 2 with nothing loaded.
    func sendOne(_ action: String, build: (OperatorSession) async throws -> TransactionRequest) async throws {
        try await sendOne(action) { session in (try await build(session), facts: []) }
    }

    /// ``sendOne(_:build:)`` for a request that comes with facts for the report (label → value).
    func sendOne(
        _ action: String, build: (OperatorSession) async throws -> (TransactionRequest, facts: [(String, String)])
    ) async throws {
        let session = try await writeSession(action: action)
        let (request, facts) = try await build(session)
        try await sendAndReport([request], action: action, facts: facts, session: session, options: self)
    }
}

/// The headless confirmation: prints the review on stderr (stdout carries the result), then asks on the
/// terminal unless `yes`; without a terminal and without `--yes` nothing is sent.
func headlessApproval(yes: Bool, showReview: Bool = true) -> TransactionSender.Approval {
    { review in
        if showReview { writeError(review.lines.joined(separator: "\n") + "\n") }
        if yes { return true }
        guard isatty(0) == 1 else {
            writeError("not a terminal and no --yes: nothing sent\n")
            return false
        }
        writeError("Sign and send? [y/N] ")
        let answer = readLine()?.trimmingCharacters(in: .whitespaces).lowercased()
        return answer == "y" || answer == "yes"
    }
}

/// A two-step operation whose next step is not due yet, or an action that must wait for the chain
/// (running requests): the command exits 0 and says when to run again and what.
struct Waiting: Sendable {
    var reason: String
    var detail: String
    /// The command to run again, exactly as typed.
    var command: String
}

/// What an operator command did, printed once: the human lines, or one JSON object for `--json`.
struct ActionReport {
    var action: String
    var steps: [SentStep] = []
    /// Facts for people and scripts (a reduction's real amounts, the converted time): label → value.
    var facts: [(String, String)] = []
    var waiting: Waiting?

    func print(json: Bool, dryRun: Bool) throws {
        if json {
            Swift.print(try TxJSON.text(object(dryRun: dryRun)))
            return
        }
        var lines: [String] = []
        for (label, value) in facts { lines.append("\(label): \(value)") }
        for step in steps {
            lines.append("\(step.description.summary): \(step.outcomeText)")
            if dryRun, let review = step.review { lines += review.lines.map { "  " + $0 } }
        }
        if steps.isEmpty && waiting == nil && !dryRun { lines.append("Nothing to send.") }
        if let waiting {
            lines.append("Waiting: \(waiting.reason)")
            if !waiting.detail.isEmpty { lines.append("  \(waiting.detail)") }
            lines.append("  Run again then: \(waiting.command)")
        }
        Swift.print(lines.joined(separator: "\n"))
    }

    func object(dryRun: Bool) -> [String: Any] {
        var o: [String: Any] = [
            "action": action, "dryRun": dryRun, "transactions": steps.map(Self.object),
            "facts": Dictionary(facts, uniquingKeysWith: { _, last in last }),
        ]
        if let waiting {
            o["waiting"] = ["reason": waiting.reason, "detail": waiting.detail, "command": waiting.command]
        } else {
            o["waiting"] = NSNull()
        }
        return o
    }

    static func object(_ step: SentStep) -> [String: Any] {
        var o: [String: Any] = [
            "summary": step.description.summary, "contract": step.description.contract,
            "function": step.description.function,
            "arguments": step.description.arguments.map { ["name": $0.name, "value": $0.value] },
        ]
        switch step.result {
        case .confirmed(let hash, let block):
            o["status"] = "confirmed"
            o["hash"] = hash
            o["block"] = block
        case .replaced(let hash, let by):
            o["status"] = "replaced"
            o["hash"] = hash
            o["replacedBy"] = by
        case .simulated: o["status"] = "simulated"
        case .notSimulated(let reason):
            o["status"] = "notSimulated"
            o["reason"] = reason
        }
        if let review = step.review {
            o["gasLimit"] = String(review.gasLimit)
            o["maxFeeWei"] = String(review.feeCeiling)
            o["review"] = review.lines
        }
        return o
    }
}

/// Runs an action's transactions through the one send path and prints the report.
func sendAndReport(
    _ requests: [TransactionRequest], action: String, facts: [(String, String)] = [], waiting: Waiting? = nil,
    session: OperatorSession, options: OperatorOptions
) async throws {
    let steps = try await options.sendPath(session).run(requests)
    try ActionReport(action: action, steps: steps, facts: facts, waiting: waiting)
        .print(json: options.json, dryRun: options.dryRun)
}

/// Parses an address argument (exit 2 naming the argument).
func parseAddress(_ text: String, argument: String) throws -> Address {
    do { return try Address(text) } catch {
        throw OperatorInputError(
            code: "input.invalidAddress", argument: argument, title: "\(argument) is not an address",
            // Never the value itself: a private key pasted in the wrong place must not reach the screen.
            detail: "expected 0x and 40 hex digits; got \(text.count) characters",
            hint: "Give a 20-byte address such as 0x2c7536E3605D9C16a7a3D7b1898e529396a65c23.")
    }
}

/// Parses a non-negative integer argument (exit 2 naming the argument).
func parseCount(_ text: String, argument: String) throws -> BigUInt {
    try CountInput.parse(text, argument: argument)
}

/// The command line to run again, exactly as it works: with the options that locate the configuration,
/// the key and the database (paths only; `--yes` is the operator's choice to make again).
func rerunCommand(_ words: [String], options: OperatorOptions) -> String {
    var parts = ["kalypso-console"] + words
    let located: [(String, String?)] = [
        ("--config", options.config), ("--network", options.network), ("--key-file", options.keyFile),
        ("--keystore", options.keystore), ("--password-file", options.password.passwordFile),
        ("--database", options.database),
    ]
    for case (let flag, let value?) in located { parts += [flag, shellQuoted(value)] }
    return parts.joined(separator: " ")
}

/// `text` as one shell word: unchanged when it is plain, else in single quotes.
func shellQuoted(_ text: String) -> String {
    let plain =
        !text.isEmpty && text.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "-_./:@%+=,".contains($0)) }
    return plain ? text : "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
}
