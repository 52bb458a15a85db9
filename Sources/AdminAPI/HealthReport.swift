import TraefikCore

/// The `/health` document (spec §9.1), with the fields in the order thoas/stats declares them.
enum HealthReport {
    static func json(_ counters: HealthCounters, uptime: Duration, now: WallTime) -> JSONValue {
        let count = counters.statusCodeCounts.values.reduce(0, +)
        let totalCount = counters.totalStatusCodeCounts.values.reduce(0, +)
        let totalNanoseconds = nanoseconds(counters.totalResponseTime)
        let average = Duration.nanoseconds(totalCount > 0 ? totalNanoseconds / Int64(totalCount) : 0)
        return .fields([
            ("pid", .integer(Int(counters.pid))),
            ("uptime", .string(GoDuration.format(uptime))),
            ("uptime_sec", .number(goSeconds(uptime))),
            ("time", .string(now.goString)),
            ("unixtime", .integer(Int(now.seconds))),
            ("status_code_count", statusCounts(counters.statusCodeCounts)),
            ("total_status_code_count", statusCounts(counters.totalStatusCodeCounts)),
            ("count", .integer(count)),
            ("total_count", .integer(totalCount)),
            ("total_response_time", .string(GoDuration.format(counters.totalResponseTime))),
            ("total_response_time_sec", .number(goSeconds(counters.totalResponseTime))),
            ("average_response_time", .string(GoDuration.format(average))),
            ("average_response_time_sec", .number(goSeconds(average))),
        ])
    }

    /// Go marshals a `map[int]int` with the numbers as string keys.
    private static func statusCounts(_ counts: [Int: Int]) -> JSONValue {
        .object(Dictionary(uniqueKeysWithValues: counts.map { (String($0.key), JSONValue.integer($0.value)) }))
    }

    /// Go 1.5's `Duration.Seconds()`: whole seconds plus the remainder times 1e-9, so the float has
    /// the seed documentation's digits (`0.8648016000000001` for 864.8016 ms).
    static func goSeconds(_ duration: Duration) -> Double {
        let total = nanoseconds(duration)
        return Double(total / 1_000_000_000) + Double(total % 1_000_000_000) * 1e-9
    }

    private static func nanoseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        let (scaled, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        if overflow { return seconds < 0 ? .min : .max }
        return scaled.addingReportingOverflow(attoseconds / 1_000_000_000).partialValue
    }
}
