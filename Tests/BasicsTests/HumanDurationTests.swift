import Basics
import Testing

/// The one style of durations (`1h 36m`, never `1 h 36 min`): the forms for contract amounts, screens
/// redrawn by the minute and benchmark milliseconds.
struct HumanDurationTests {
    @Test func contractAmountsBeyondSixtyFourBits() {
        #expect(HumanDuration.text(UInt64(5760)) == "1h 36m")
        #expect(HumanDuration.text(UInt64(120_000)) == "1d 9h")
        #expect(HumanDuration.text(UInt64.max) == "\(UInt64.max / 86_400)d")
    }

    @Test func toTheMinuteDropsSecondsOnceAMinuteHasPassed() {
        #expect(HumanDuration.toTheMinute(45) == "45s")
        #expect(HumanDuration.toTheMinute(725) == "12m")
        #expect(HumanDuration.toTheMinute(3600 + 35 * 60 + 5) == "1h 35m")
        #expect(HumanDuration.toTheMinute(3 * 86_400 + 4 * 3600) == "3d 4h")
        #expect(HumanDuration.toTheMinute(-3) == "0s")
    }

    @Test func milliseconds() {
        #expect(HumanDuration.milliseconds(850) == "850ms")
        #expect(HumanDuration.milliseconds(1250) == "1.3s")
        #expect(HumanDuration.milliseconds(45_000) == "45s")
        #expect(HumanDuration.milliseconds(59_960) == "1m")
        #expect(HumanDuration.milliseconds(185_000) == "3m 5s")
    }
}
