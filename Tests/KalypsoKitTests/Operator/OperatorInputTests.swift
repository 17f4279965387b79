import Basics
import BigInt
import Foundation
import KalypsoKit
import Testing

/// Command-line values of the operator commands (issue 9, headless commands): amounts, durations,
/// fractions and metadata, with hostile input refused as usage errors that name the argument.
@Suite struct OperatorInputTests {
    /// The error `body` throws, checked to be a usage error (exit 2) that names `argument`.
    func refusal(_ argument: String, _ body: () throws -> Void) -> OperatorInputError? {
        do {
            try body()
            Issue.record("\(argument): expected a refusal")
            return nil
        } catch let error as OperatorInputError {
            #expect(error.category == .usage)
            #expect(error.category.exitCode == 2)
            #expect(error.detail.hasPrefix("\(argument): "))
            return error
        } catch {
            Issue.record("unexpected error \(error)")
            return nil
        }
    }

    // MARK: amounts

    @Test func tokenUnitsUseTheTokensDecimals() throws {
        #expect(try AmountInput(parsing: "100", argument: "AMOUNT").baseUnits(decimals: 18) == BigUInt(10).power(20))
        #expect(try AmountInput(parsing: "12.5", argument: "AMOUNT").baseUnits(decimals: 6) == 12_500_000)
        #expect(try AmountInput(parsing: " 1,000.25 ", argument: "AMOUNT").baseUnits(decimals: 2) == 100_025)
        #expect(try AmountInput(parsing: "0.000001", argument: "AMOUNT").baseUnits(decimals: 6) == 1)
    }

    @Test func baseUnitsAreTakenAsWritten() throws {
        let amount = try AmountInput(parsing: "123wei", argument: "AMOUNT")
        #expect(amount.form == .baseUnits(123))
        #expect(try amount.baseUnits(decimals: 18) == 123)
        #expect(try amount.baseUnits(decimals: 0) == 123)
        let max = "115792089237316195423570985008687907853269984665640564039457584007913129639935"
        #expect(
            try AmountInput(parsing: max + "wei", argument: "AMOUNT").baseUnits(decimals: 18) == (BigUInt(1) << 256) - 1
        )
    }

    @Test func moreFractionDigitsThanTheTokenHasAreRefused() throws {
        let amount = try AmountInput(parsing: "12.5001", argument: "--stake")
        let error = refusal("--stake") { _ = try amount.baseUnits(decimals: 3) }
        #expect(error?.code == .amountTooPrecise)
        #expect(error?.detail == "--stake: it has 4 digits after the decimal point; this unit allows at most 3")
        #expect(try amount.baseUnits(decimals: 4) == 125_001)
        #expect(
            refusal("--stake") { _ = try AmountInput(parsing: "1.5", argument: "--stake").baseUnits(decimals: 0) }?.code
                == .amountTooPrecise)
    }

    @Test func hostileAmountsAreRefusedWithWhatAndWhere() {
        let cases: [(String, ErrorCode)] = [
            ("", .amountEmpty), ("   ", .amountEmpty), ("-5", .amountNegative), ("-5wei", .amountNegative),
            ("1e18", .amountInvalidCharacter), ("+5", .amountInvalidCharacter), ("0x10", .amountInvalidCharacter),
            ("1.2.3", .amountInvalidCharacter), ("12 5", .amountInvalidCharacter), ("NaN", .amountInvalidCharacter),
            ("1.5wei", .inputBaseUnitsFraction), ("wei", .amountEmpty), ("5WEI", .amountInvalidCharacter),
            ("5 eth", .amountInvalidCharacter), (".", .amountNoDigits), ("1,00", .amountMisplacedSeparator),
            ("١٢", .amountInvalidCharacter), ("5\u{0}", .amountInvalidCharacter),
        ]
        for (text, code) in cases {
            let error = refusal("AMOUNT") { _ = try AmountInput(parsing: text, argument: "AMOUNT") }
            #expect(error?.code == code, "\(String(reflecting: text))")
        }
        #expect(
            refusal("AMOUNT") { _ = try AmountInput(parsing: "1e18", argument: "AMOUNT") }?.detail
                == "AMOUNT: the character \"e\" at position 2 is not a digit or the decimal point")
    }

    @Test func amountsBeyondUint256AreRefused() throws {
        let tooBig = "115792089237316195423570985008687907853269984665640564039457584007913129639936"
        #expect(
            refusal("AMOUNT") { _ = try AmountInput(parsing: tooBig + "wei", argument: "AMOUNT") }?.code
                == .inputAmountOverflow)
        // Fine as text; too large once scaled by the token's decimals.
        let amount = try AmountInput(parsing: String(repeating: "9", count: 70), argument: "AMOUNT")
        #expect(refusal("AMOUNT") { _ = try amount.baseUnits(decimals: 18) }?.code == .inputAmountOverflow)
        #expect(
            refusal("AMOUNT") {
                _ = try AmountInput(parsing: String(repeating: "9", count: 10_000) + "wei", argument: "AMOUNT")
            }?.code == .inputAmountOverflow)
    }

    // MARK: durations

    @Test func durationsCarryTheirUnit() throws {
        #expect(try DurationInput(parsing: "30s", argument: "--proposed-time").value == .seconds(30))
        #expect(try DurationInput(parsing: "10m", argument: "--proposed-time").value == .seconds(600))
        #expect(try DurationInput(parsing: "2h", argument: "--proposed-time").value == .seconds(7200))
        #expect(try DurationInput(parsing: "480blocks", argument: "--proposed-time").value == .blocks(480))
        #expect(try DurationInput(parsing: "1block", argument: "--proposed-time").value == .blocks(1))
        #expect(try DurationInput(parsing: " 45s ", argument: "--proposed-time").value == .seconds(45))
    }

    @Test func durationsConvertToTheGenerationsUnitAndSayWhenRounded() throws {
        let exact = try DurationInput(parsing: "10m", argument: "--proposed-time")
            .converted(to: .blocks, secondsPerBlock: 12)
        #expect(exact.value == .blocks(50))
        #expect(exact.roundingNote == nil)

        let rounded = try DurationInput(parsing: "610s", argument: "--proposed-time")
            .converted(to: .blocks, secondsPerBlock: 12)
        #expect(rounded.value == .blocks(51))
        #expect(rounded.roundingNote == "610 s is not a whole number of 12 s blocks: rounded up to 51 blocks (612 s)")

        let blocks = try DurationInput(parsing: "480blocks", argument: "--proposed-time")
        let inSeconds = try blocks.converted(to: .seconds, secondsPerBlock: 12)
        #expect(inSeconds.value == .seconds(5760))
        #expect(inSeconds.roundingNote == nil)
        #expect(try blocks.converted(to: .blocks, secondsPerBlock: nil).value == .blocks(480))
        #expect(
            try DurationInput(parsing: "30s", argument: "T").converted(to: .seconds, secondsPerBlock: nil).value
                == .seconds(30))
    }

    @Test func aConversionWithoutABlockTimeIsRefused() throws {
        let duration = try DurationInput(parsing: "2h", argument: "--proposed-time")
        let error = refusal("--proposed-time") { _ = try duration.converted(to: .blocks, secondsPerBlock: nil) }
        #expect(error?.code == .inputUnconvertibleDuration)
        #expect(error?.hint == "Write the duration in blocks (480blocks).")
        #expect(refusal("--proposed-time") { _ = try duration.converted(to: .blocks, secondsPerBlock: 0) } != nil)
    }

    @Test func hostileDurationsAreRefused() {
        let cases: [(String, String)] = [
            ("", "the duration is empty"),
            ("480", "it has no unit; blocks and seconds differ between contract generations"),
            ("5d", "it does not end in a unit (s, m, h or blocks)"),
            ("s", "it has no number before the unit"),
            ("-5s", "a duration cannot be negative"),
            ("1.5h", "the character at position 2 is not a digit"),
            ("0s", "a duration must be longer than zero"),
            ("0blocks", "a duration must be longer than zero"),
            ("1 0s", "the character at position 2 is not a digit"),
            ("10 m", "the character at position 3 is not a digit"),
            (String(repeating: "9", count: 80) + "h", "it is larger than a contract value can hold (2^256 − 1)"),
            ("٣s", "the character at position 1 is not a digit"),
        ]
        for (text, detail) in cases {
            let error = refusal("--proposed-time") { _ = try DurationInput(parsing: text, argument: "--proposed-time") }
            #expect(error?.code == .inputInvalidDuration, "\(String(reflecting: text))")
            #expect(error?.detail == "--proposed-time: \(detail)", "\(String(reflecting: text))")
        }
    }

    // MARK: fractions

    @Test func fractionsAndPercentagesScaleBy1e18() throws {
        let e16 = BigUInt(10).power(16)
        #expect(try FractionInput(parsing: "0.05", argument: "--commission").scaled == 5 * e16)
        #expect(try FractionInput(parsing: "5%", argument: "--commission").scaled == 5 * e16)
        #expect(try FractionInput(parsing: "0.5%", argument: "--commission").scaled == e16 / 2)
        #expect(try FractionInput(parsing: "100%", argument: "--commission").scaled == FractionInput.one)
        #expect(try FractionInput(parsing: "1", argument: "--commission").scaled == FractionInput.one)
        #expect(try FractionInput(parsing: "0", argument: "--commission").scaled == 0)
        #expect(try FractionInput(parsing: "0.000000000000000001", argument: "--commission").scaled == 1)
    }

    @Test func hostileFractionsAreRefused() {
        let cases: [(String, ErrorCode)] = [
            ("1.01", .inputFractionAboveOne), ("101%", .inputFractionAboveOne), ("100.0001%", .inputFractionAboveOne),
            ("-0.1", .amountNegative), ("-5%", .amountNegative), ("", .amountEmpty), ("%", .amountEmpty),
            ("5%%", .amountInvalidCharacter), ("0.0000000000000000001", .amountTooPrecise),
            ("0.00000000000000001%", .amountTooPrecise), ("1/2", .amountInvalidCharacter),
            ("5e-2", .amountInvalidCharacter),
        ]
        for (text, code) in cases {
            let error = refusal("--commission") { _ = try FractionInput(parsing: text, argument: "--commission") }
            #expect(error?.code == code, "\(String(reflecting: text))")
        }
    }

    // MARK: metadata

    @Test func metadataIsTextOrAFilesBytes() throws {
        #expect(try MetadataInput.bytes("{\"name\":\"op\"}", argument: "--metadata") == Array("{\"name\":\"op\"}".utf8))
        #expect(try MetadataInput.bytes("", argument: "--metadata") == [])
        #expect(try MetadataInput.bytes("é", argument: "--metadata") == [0xC3, 0xA9])
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("kalypso-metadata-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("meta.bin")
        let content: [UInt8] = [0, 1, 0xFF, 0x40]
        try Data(content).write(to: file)
        #expect(try MetadataInput.bytes("@" + file.path, argument: "--metadata") == content)
    }

    @Test func anUnreadableMetadataFileIsNamed() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("kalypso-metadata-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let missing = directory.appendingPathComponent("missing.json").path
        let error = refusal("--metadata") { _ = try MetadataInput.bytes("@" + missing, argument: "--metadata") }
        #expect(error?.code == .inputUnreadableFile)
        #expect(error?.detail == "--metadata: \(missing): no such file")
        #expect(
            refusal("--metadata") { _ = try MetadataInput.bytes("@" + directory.path, argument: "--metadata") }?.detail
                == "--metadata: \(directory.path): it is a directory")
        #expect(
            refusal("--metadata") { _ = try MetadataInput.bytes("@", argument: "--metadata") }?.code
                == .inputUnreadableFile)
        if getuid() != 0 {
            let locked = directory.appendingPathComponent("locked.json")
            try Data("secret".utf8).write(to: locked)
            try FileManager.default.setAttributes([.posixPermissions: 0o000], ofItemAtPath: locked.path)
            let unreadable = refusal("--metadata") {
                _ = try MetadataInput.bytes("@" + locked.path, argument: "--metadata")
            }
            #expect(unreadable?.detail == "--metadata: \(locked.path): it cannot be read (permissions?)")
            #expect(unreadable.map { !$0.description.contains("secret") } ?? false)
        }
    }
}
