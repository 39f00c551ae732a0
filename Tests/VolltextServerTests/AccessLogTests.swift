import Testing
@testable import VolltextServer

@Suite struct AccessLogTime {
    /// The log's `volltext.ms`: milliseconds, two places, rounded half up.
    @Test(arguments: [
        (Duration.microseconds(90), "0.09"), (.microseconds(1_234), "1.23"), (.microseconds(10_005), "10.01"),
        (.milliseconds(5), "5.00"), (.nanoseconds(4_999), "0.00"), (.seconds(2), "2000.00"), (.zero, "0.00"),
    ])
    func millisecondsToTwoPlaces(_ duration: Duration, _ text: String) {
        #expect(AccessLogMiddleware<VolltextRequestContext>.milliseconds(duration) == text)
    }
}
