/// The three values a circuit-breaker expression can ask for (spec §7.1).
public protocol CircuitBreakerMetricSource {
    /// Responses with status 502 or 504 ÷ all responses; 0 when there are none.
    func networkErrorRatio() -> Double
    /// Responses with a status in `codes` ÷ responses with a status in `total`; 0 when the
    /// divisor is 0.
    func responseCodeRatio(_ codes: StatusCodeRange, _ total: StatusCodeRange) -> Double
    /// The latency at `quantile` (0–100) in whole milliseconds, rounded down.
    func latencyAtQuantileMS(_ quantile: Double) -> Int
}

/// What a circuit breaker measures (spec §7.2): response counters over 10 × 1 s and a latency
/// histogram over 6 × 10 s. Record each response of a request that was let through.
public struct BreakerMetrics: Sendable {
    public private(set) var counters = ResponseCounters()
    public private(set) var latencies = RollingLatencyHistogram()

    public init() {}

    /// A network failure is recorded as the status it was answered with (502, 504 or 500); a
    /// response without a status as 0.
    public mutating func record(status: Int, latency: Duration, now: Duration) {
        counters.record(status: status, now: now)
        latencies.record(latency, now: now)
    }

    public mutating func reset() {
        counters.reset()
        latencies.reset()
    }

    /// The metric values as seen at `now`, for `CircuitBreakerExpression.evaluate`.
    public func values(at now: Duration) -> Values {
        Values(metrics: self, now: now)
    }

    /// The metrics read at one instant.
    public struct Values: CircuitBreakerMetricSource, Sendable {
        let metrics: BreakerMetrics
        let now: Duration

        public func networkErrorRatio() -> Double {
            ratio(metrics.counters.networkErrorCount(now: now), metrics.counters.total(now: now))
        }

        public func responseCodeRatio(_ codes: StatusCodeRange, _ total: StatusCodeRange) -> Double {
            ratio(metrics.counters.count(statusCodes: codes, now: now), metrics.counters.count(statusCodes: total, now: now))
        }

        public func latencyAtQuantileMS(_ quantile: Double) -> Int {
            let latency = metrics.latencies.latency(atQuantile: quantile, now: now)
            return Int(latency.wholeMicroseconds / 1000)
        }

        private func ratio(_ dividend: Int, _ divisor: Int) -> Double {
            divisor == 0 ? 0 : Double(dividend) / Double(divisor)
        }
    }
}
