import TraefikCore

/// A circuit breaker's expression (spec §7.1) as the configuration gives it: parsed, and when it parses,
/// evaluated against recorded metrics and against extreme metric values. A parsed expression must parse the same
/// inside parentheses, and `&&`/`||` of it with itself must evaluate as it does.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    guard let expression = try? CircuitBreakerExpression.parse(text) else { return 0 }

    guard let parenthesised = try? CircuitBreakerExpression.parse("(" + text + ")"),
        parenthesised.condition == expression.condition
    else { fatalError("\(text.debugDescription) parses, but not to the same condition inside parentheses") }

    for source in metricSources {
        let verdict = expression.evaluate(source)
        let doubled = [
            CircuitBreakerCondition.and(expression.condition, expression.condition),
            .or(expression.condition, expression.condition),
        ]
        for condition in doubled where condition.evaluate(source) != verdict {
            fatalError("\(text.debugDescription): \(condition) disagrees with the expression alone")
        }
    }
    return 0
}

/// Real metrics with a mix of statuses (tracked, untracked, network errors) and latencies, plus extreme values.
private let metricSources: [any CircuitBreakerMetricSource & Sendable] = {
    var metrics = BreakerMetrics()
    let statuses = [200, 502, 504, 500, 404, 0, 999, 1000, -1, 301]
    for (index, status) in statuses.enumerated() {
        metrics.record(
            status: status, latency: .milliseconds(index * 37), now: .milliseconds(index * 700))
    }
    return [
        metrics.values(at: .seconds(7)),
        BreakerMetrics().values(at: .zero),
        FixedMetrics(ratio: .nan, latency: .max),
        FixedMetrics(ratio: -.infinity, latency: .min),
        FixedMetrics(ratio: 1, latency: 0),
    ]
}()

private struct FixedMetrics: CircuitBreakerMetricSource, Sendable {
    let ratio: Double
    let latency: Int

    func networkErrorRatio() -> Double { ratio }
    func responseCodeRatio(_ codes: StatusCodeRange, _ total: StatusCodeRange) -> Double { ratio }
    func latencyAtQuantileMS(_ quantile: Double) -> Int { latency }
}
