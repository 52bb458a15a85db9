import Testing
import TraefikCore

/// The rolling windows remember the current second between responses (to skip a 128-bit division per
/// response); these pin that a clock read out of order, as concurrent requests may read it, still files every
/// response under its own second.
@Suite("Rolling windows with a clock that steps back (spec §6.2, §7.2)")
struct WindowClockTests {
    @Test("Counters file each response under its own second when the clock steps back across a boundary")
    func countersAcrossBoundary() {
        var counters = ResponseCounters()
        counters.record(status: 502, now: .milliseconds(1999))
        counters.record(status: 200, now: .milliseconds(2000))
        counters.record(status: 502, now: .milliseconds(1999))
        counters.record(status: 200, now: .milliseconds(2500))
        counters.record(status: 504, now: .milliseconds(999))
        #expect(counters.total(now: .milliseconds(2500)) == 5)
        // Second 0 leaves the window at 10 s, second 1 at 11 s, second 2 at 12 s.
        #expect(counters.total(now: .seconds(10)) == 4)
        #expect(counters.networkErrorCount(now: .seconds(10)) == 2)
        #expect(counters.total(now: .seconds(11)) == 2)
        #expect(counters.networkErrorCount(now: .seconds(11)) == 0)
        #expect(counters.total(now: .seconds(12)) == 0)
    }

    @Test("The latency histogram files each sample under its own 10 s period when the clock steps back")
    func histogramAcrossBoundary() {
        var histogram = RollingLatencyHistogram()
        histogram.record(.milliseconds(1), now: .milliseconds(9999))
        histogram.record(.milliseconds(100), now: .seconds(10))
        histogram.record(.milliseconds(1), now: .milliseconds(9999))
        // Period 0 (0–10 s) leaves the window at 60 s; period 1 stays until 70 s.
        #expect(histogram.latency(atQuantile: 50, now: .milliseconds(59_999)) < .milliseconds(2))
        #expect(histogram.latency(atQuantile: 50, now: .seconds(60)) >= .milliseconds(100))
    }

    @Test("A negative latency counts as 0; one of hours reads back at the 1 h ceiling")
    func latencyExtremes() {
        var histogram = RollingLatencyHistogram()
        histogram.record(.milliseconds(-5), now: .seconds(3))
        #expect(histogram.latency(atQuantile: 100, now: .seconds(3)) == .zero)
        histogram.record(.seconds(5 * 3600), now: .seconds(3))
        #expect(histogram.latency(atQuantile: 100, now: .seconds(3)) >= .seconds(3600))
    }

    @Test("drr: a failure recorded before the clock stepped back still makes its server lose weight")
    func drrFailureBeforeClockStepBack() {
        var balancer = DynamicRoundRobin(weights: [1, 1])
        // Server 1 gets ready on successes in seconds 19–28.
        for second in 19...28 { balancer.record(server: 1, status: 200, now: .seconds(second)) }
        // Server 0 fails at 20 s, then at 5 s (the clock stepped back), then succeeds in seconds 21–28; it gets
        // ready at 28 s, when the failure at 20 s is still in its window while the last one recorded (5 s) is not.
        balancer.record(server: 0, status: 502, now: .seconds(20))
        balancer.record(server: 0, status: 502, now: .seconds(5))
        for second in 21...27 { balancer.record(server: 0, status: 200, now: .seconds(second)) }
        #expect(balancer.currentWeights == [1, 1])
        balancer.record(server: 0, status: 200, now: .seconds(28))
        #expect(balancer.currentWeights == [1, 4])
    }
}
