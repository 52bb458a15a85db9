import Testing
import TraefikCore

@Suite("Rolling breaker metrics (spec §7.2)")
struct RollingMetricsTests {
    @Test("Counters cover the last 10 one-second slots and forget older ones")
    func countersForget() {
        var counters = ResponseCounters()
        counters.record(status: 502, now: .milliseconds(500))
        counters.record(status: 200, now: .milliseconds(1200))
        counters.record(status: 504, now: .milliseconds(9900))
        #expect(counters.total(now: .milliseconds(9900)) == 3)
        #expect(counters.networkErrorCount(now: .milliseconds(9900)) == 2)
        // Second 0 leaves the window at 10 s, second 1 at 11 s.
        #expect(counters.total(now: .seconds(10)) == 2)
        #expect(counters.networkErrorCount(now: .seconds(10)) == 1)
        #expect(counters.total(now: .milliseconds(11_000)) == 1)
        #expect(counters.total(now: .seconds(20)) == 0)
    }

    @Test("A slot reused by a later second starts from zero")
    func slotReuse() {
        var counters = ResponseCounters()
        for _ in 0..<5 { counters.record(status: 500, now: .seconds(3)) }
        counters.record(status: 200, now: .milliseconds(13_500))
        #expect(counters.total(now: .milliseconds(13_500)) == 1)
        #expect(counters.count(statusCodes: StatusCodeRange(500, 600), now: .milliseconds(13_500)) == 0)
    }

    @Test("Status-code ranges are half-open; odd codes count only in the total")
    func statusCodeRanges() {
        var counters = ResponseCounters()
        let now = Duration.seconds(42)
        for status in [0, 200, 404, 499, 500, 503, 599, 600, 999, 1000, -1] {
            counters.record(status: status, now: now)
        }
        #expect(counters.total(now: now) == 11)
        #expect(counters.count(statusCodes: StatusCodeRange(500, 600), now: now) == 3)
        #expect(counters.count(statusCodes: StatusCodeRange(0, 600), now: now) == 7)
        #expect(counters.count(statusCodes: StatusCodeRange(0, 1), now: now) == 1)
        #expect(counters.count(statusCodes: StatusCodeRange(-100, 5000), now: now) == 9)
        #expect(counters.count(statusCodes: StatusCodeRange(600, 500), now: now) == 0)
        #expect(counters.networkErrorCount(now: now) == 0)
    }

    @Test("reset forgets everything; slots from the future do not count")
    func resetAndClockBack() {
        var counters = ResponseCounters()
        counters.record(status: 502, now: .seconds(5))
        counters.reset()
        #expect(counters.total(now: .seconds(5)) == 0)
        counters.record(status: 502, now: .seconds(15))
        #expect(counters.total(now: .seconds(5)) == 0)
        #expect(counters.total(now: .seconds(15)) == 1)
    }

    @Test("Quantiles of the latency histogram")
    func quantiles() {
        var histogram = RollingLatencyHistogram()
        let now = Duration.seconds(100)
        #expect(histogram.latency(atQuantile: 50, now: now) == .zero)
        for milliseconds in 1...100 { histogram.record(.milliseconds(milliseconds), now: now) }
        func milliseconds(_ quantile: Double) -> Double {
            histogram.latency(atQuantile: quantile, now: now) / .milliseconds(1)
        }
        #expect((50...50.8).contains(milliseconds(50)))
        #expect((90...91.5).contains(milliseconds(90)))
        #expect((100...101.6).contains(milliseconds(100)))
        #expect((100...101.6).contains(milliseconds(250)))
        #expect((1...1.02).contains(milliseconds(0)))
    }

    @Test("A recorded latency reads back at most 1/64 higher, from 1 µs to 1 h", arguments: [
        Duration.microseconds(1), .microseconds(127), .microseconds(128), .microseconds(129), .microseconds(1000),
        .milliseconds(50), .milliseconds(100), .milliseconds(123_457), .seconds(1800), .seconds(3600),
    ])
    func precision(latency: Duration) {
        var histogram = RollingLatencyHistogram()
        histogram.record(latency, now: .zero)
        let read = histogram.latency(atQuantile: 100, now: .zero)
        #expect(read >= latency)
        #expect(read / latency <= 1 + 1.0 / 64)
    }

    @Test("Latencies above 1 h count as 1 h; sub-microsecond ones as 0")
    func clamping() {
        var histogram = RollingLatencyHistogram()
        histogram.record(.seconds(7200), now: .zero)
        #expect(histogram.latency(atQuantile: 100, now: .zero) / .seconds(3600) <= 1 + 1.0 / 64)
        var fast = RollingLatencyHistogram()
        fast.record(.nanoseconds(300), now: .zero)
        #expect(fast.latency(atQuantile: 100, now: .zero) == .zero)
    }

    @Test("The histogram keeps six 10 s periods and forgets older ones")
    func histogramForgets() {
        var histogram = RollingLatencyHistogram()
        histogram.record(.milliseconds(200), now: .seconds(1))
        histogram.record(.milliseconds(10), now: .seconds(55))
        #expect(histogram.latency(atQuantile: 100, now: .seconds(59)) >= .milliseconds(200))
        // At 60 s the period [0, 10 s) is the seventh one back.
        #expect(histogram.latency(atQuantile: 100, now: .seconds(60)) < .milliseconds(11))
        histogram.record(.milliseconds(30), now: .seconds(60))
        #expect(histogram.latency(atQuantile: 100, now: .seconds(60)) < .milliseconds(31))
        #expect(histogram.latency(atQuantile: 100, now: .seconds(60)) >= .milliseconds(30))
        histogram.reset()
        #expect(histogram.latency(atQuantile: 100, now: .seconds(60)) == .zero)
    }

    @Test("Metric values: ratios are 0 without responses; latency in whole milliseconds")
    func metricValues() {
        var metrics = BreakerMetrics()
        let now = Duration.seconds(7)
        #expect(metrics.values(at: now).networkErrorRatio() == 0)
        #expect(metrics.values(at: now).responseCodeRatio(StatusCodeRange(500, 600), StatusCodeRange(0, 600)) == 0)
        #expect(metrics.values(at: now).latencyAtQuantileMS(50) == 0)
        metrics.record(status: 502, latency: .microseconds(40_900), now: now)
        metrics.record(status: 200, latency: .milliseconds(2), now: now)
        metrics.record(status: 500, latency: .milliseconds(3), now: now)
        metrics.record(status: 404, latency: .milliseconds(4), now: now)
        let values = metrics.values(at: now)
        #expect(values.networkErrorRatio() == 0.25)
        #expect(values.responseCodeRatio(StatusCodeRange(500, 600), StatusCodeRange(0, 600)) == 0.5)
        #expect(values.responseCodeRatio(StatusCodeRange(500, 600), StatusCodeRange(300, 400)) == 0)
        #expect(values.latencyAtQuantileMS(100) == 40)
        // The 2nd of 4 samples (50 % of 4, as HdrHistogram rounds): 2, [3], 4, 40.9 ms.
        #expect(values.latencyAtQuantileMS(50) == 3)
        metrics.reset()
        #expect(metrics.values(at: now).networkErrorRatio() == 0)
        #expect(metrics.values(at: now).latencyAtQuantileMS(100) == 0)
    }
}
