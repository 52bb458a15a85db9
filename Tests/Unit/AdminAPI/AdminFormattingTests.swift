@testable import AdminAPI
import Testing
import TraefikCore

/// Go's spellings the API reproduces: JSON text, floats, durations, times.
@Suite struct AdminFormattingTests {
    @Test(arguments: [
        (Duration.zero, "0s"),
        (.nanoseconds(999), "999ns"),
        (.nanoseconds(1_500), "1.5µs"),
        (.nanoseconds(864_801_600), "864.8016ms"),
        (.seconds(1), "1s"),
        (.nanoseconds(35_456_865_605), "35.456865605s"),
        (.nanoseconds(2_346_885_931_127), "39m6.885931127s"),
        (.seconds(60), "1m0s"),
        (.seconds(3600), "1h0m0s"),
        (.seconds(93_784) + .milliseconds(500), "26h3m4.5s"),
    ])
    func goDurationStrings(duration: Duration, expected: String) {
        #expect(GoDuration.format(duration) == expected)
    }

    @Test(arguments: [
        (Duration.nanoseconds(2_346_885_931_127), 2346.885931127),
        (.nanoseconds(864_801_600), 0.8648016000000001),
        (.zero, 0),
    ])
    func goSeconds(duration: Duration, expected: Double) {
        #expect(HealthReport.goSeconds(duration) == expected)
    }

    @Test(arguments: [
        (0.0, "0"), (5.0, "5"), (-2.5, "-2.5"), (0.1, "0.1"), (0.00001, "0.00001"), (0.000001, "0.000001"),
        (1e-7, "1e-7"), (1.5e-10, "1.5e-10"), (1234567.5, "1234567.5"), (1e16, "10000000000000000"),
        (1e20, "100000000000000000000"), (1e21, "1e+21"), (2.5e300, "2.5e+300"), (0.8648016000000001, "0.8648016000000001"),
        (Double.nan, "null"),
    ])
    func goFloats(value: Double, expected: String) {
        #expect(GoFloat.format(value) == expected)
    }

    @Test func stringsAreEscapedLikeGoWithHTMLEscaping() {
        let value = JSONValue.string("a<b>&\"c\"\\ \n\r\t\u{01}\u{2028}\u{2029} é 🚀")
        #expect(String(decoding: value.rendered, as: UTF8.self)
            == #""a\u003cb\u003e\u0026\"c\"\\ \n\r\t\u0001\u2028\u2029 é 🚀""#)
    }

    @Test func objectKeysAreSortedByteWiseAndStructFieldsKeepTheirOrder() {
        let object = JSONValue.object(["server10": .integer(1), "server2": .integer(2), "Z": .null, "é": .bool(true)])
        #expect(String(decoding: object.rendered, as: UTF8.self) == #"{"Z":null,"server10":1,"server2":2,"é":true}"#)
        let fields = JSONValue.fields([("b", .array([])), ("a", .array([.integer(1), .string("x")]))])
        #expect(String(decoding: fields.rendered, as: UTF8.self) == #"{"b":[],"a":[1,"x"]}"#)
    }

    @Test func theTreeEncoderFollowsTheConfigurationsOwnEncoding() throws {
        let frontend = Frontend(backend: "b", entryPoints: ["http", "https"], priority: 3)
        let rendered = try JSONTreeEncoder.encode(frontend).rendered
        #expect(String(decoding: rendered, as: UTF8.self) == #"{"backend":"b","entryPoints":["http","https"],"priority":3}"#)
        #expect(String(decoding: try JSONTreeEncoder.encode(DynamicConfiguration()).rendered, as: UTF8.self) == "{}")
    }

    @Test(arguments: [
        (Int64(1_444_235_544), 362_238_909, "2015-10-07 16:32:24.362238909 +0000 UTC", "Wed, 07 Oct 2015 16:32:24 GMT"),
        (0, 0, "1970-01-01 00:00:00 +0000 UTC", "Thu, 01 Jan 1970 00:00:00 GMT"),
        (951_782_400, 500_000_000, "2000-02-29 00:00:00.5 +0000 UTC", "Tue, 29 Feb 2000 00:00:00 GMT"),
        (4_102_444_799, 1, "2099-12-31 23:59:59.000000001 +0000 UTC", "Thu, 31 Dec 2099 23:59:59 GMT"),
    ])
    func wallTimes(seconds: Int64, nanoseconds: Int, goString: String, httpDate: String) {
        let time = WallTime(seconds: seconds, nanoseconds: nanoseconds)
        #expect(time.goString == goString)
        #expect(time.httpDate == httpDate)
    }
}
