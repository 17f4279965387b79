import Testing

@testable import kalypso_console

/// `monitor --interval` and `--deadline-lead`: plain seconds as scripts pass them, or a number with a unit.
struct SecondsArgumentTests {
    @Test func secondsWithOrWithoutAUnit() {
        #expect(SecondsArgument(argument: "15")?.seconds == 15)
        #expect(SecondsArgument(argument: "0.3")?.seconds == 0.3)
        #expect(SecondsArgument(argument: "5s")?.seconds == 5)
        #expect(SecondsArgument(argument: "500ms")?.seconds == 0.5)
        #expect(SecondsArgument(argument: "2m")?.seconds == 120)
        #expect(SecondsArgument(argument: "1H")?.seconds == 3600)
    }

    @Test func anythingElseIsRefused() {
        for bad in ["", "s", "-5", "5 parsecs", "inf", "nan", "5d", "1e400"] {
            #expect(SecondsArgument(argument: bad) == nil, "\(bad)")
        }
    }

    @Test func theMonitorRefusesAnIntervalBelow50ms() throws {
        #expect(throws: (any Error).self) { try MonitorCommand.parse(["--interval", "10ms"]) }
        let command = try MonitorCommand.parse(["--interval", "5s", "--deadline-lead", "10m"])
        #expect(command.interval.seconds == 5)
        #expect(command.deadlineLead.seconds == 600)
    }
}
