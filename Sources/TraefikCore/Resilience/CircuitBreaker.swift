/// Where a circuit breaker is (spec §7.3). Times are on the caller's monotonic clock.
public enum CircuitBreakerState: Sendable, Hashable {
    /// Every request passes.
    case standby
    /// Every request gets the fallback until `until`; the first request after it starts recovering.
    case tripped(until: Duration)
    /// A rising share of requests passes; the first request after `until` returns to standby.
    case recovering(since: Duration, until: Duration)
}

/// What to do with a request.
public enum CircuitBreakerAdmission: Sendable, Hashable {
    /// Send it to the backend, then `record` its response.
    case pass
    /// Answer 503 `Service Unavailable` without contacting the backend; record nothing.
    case fallback
}

/// One backend's circuit breaker (oxy `cbreaker`, spec §7.3): standby → tripped (fallback for
/// `fallbackDuration`) → recovering (the share of requests passed rises linearly from 0 to 50 %
/// over `recoveryDuration`) → standby. The expression is checked after a response, at most once
/// per `checkPeriod` (the first check is immediate), in standby and while recovering; when it
/// holds the breaker trips and its metrics start afresh.
///
/// Transitions happen only in `admit` and `record`, lazily, as in the original: there are no
/// timers. Not thread-safe: keep one per event loop or guard it.
public struct CircuitBreaker: Sendable {
    public struct Configuration: Sendable, Hashable {
        public var fallbackDuration: Duration
        public var recoveryDuration: Duration
        public var checkPeriod: Duration

        /// The original's fixed values: 10 s, 10 s and 100 ms.
        public init(
            fallbackDuration: Duration = .seconds(10),
            recoveryDuration: Duration = .seconds(10),
            checkPeriod: Duration = .milliseconds(100)
        ) {
            precondition(
                fallbackDuration >= .zero && recoveryDuration > .zero && checkPeriod >= .zero,
                "circuit breaker durations must not be negative, and recovery must take some time"
            )
            self.fallbackDuration = fallbackDuration
            self.recoveryDuration = recoveryDuration
            self.checkPeriod = checkPeriod
        }
    }

    public let expression: CircuitBreakerExpression
    public let configuration: Configuration
    public private(set) var state = CircuitBreakerState.standby
    public private(set) var metrics = BreakerMetrics()
    /// The next time the expression may be checked; nil before the first check.
    private var nextCheck: Duration?
    /// Requests passed and refused since recovery began.
    private var recoveryPassed = 0
    private var recoveryRefused = 0

    public init(expression: CircuitBreakerExpression, configuration: Configuration = Configuration()) {
        self.expression = expression
        self.configuration = configuration
    }

    /// Call when a request for the backend arrives.
    public mutating func admit(now: Duration) -> CircuitBreakerAdmission {
        switch state {
        case .standby:
            return .pass
        case .tripped(let until):
            if now.isBefore(until) { return .fallback }
            let recoveryEnd = now + configuration.recoveryDuration
            state = .recovering(since: now, until: recoveryEnd)
            recoveryPassed = 0
            recoveryRefused = 0
            return admitWhileRecovering(since: now, until: recoveryEnd, now: now)
        case .recovering(let since, let until):
            return admitWhileRecovering(since: since, until: until, now: now)
        }
    }

    /// Call when the response to a request that was let through has ended. A network failure is
    /// recorded as the status it was answered with (502, 504 or 500); no status as 0.
    public mutating func record(status: Int, latency: Duration, now: Duration) {
        metrics.record(status: status, latency: latency, now: now)
        if let nextCheck, now.isBefore(nextCheck) { return }
        nextCheck = now + configuration.checkPeriod
        if case .tripped = state { return }
        guard expression.evaluate(metrics.values(at: now)) else { return }
        state = .tripped(until: now + configuration.fallbackDuration)
        metrics.reset()
    }

    /// The share of requests passed since recovery began (0 outside recovery), for the API.
    public var recoveryPassedShare: Double {
        guard case .recovering = state, recoveryPassed + recoveryRefused > 0 else { return 0 }
        return Double(recoveryPassed) / Double(recoveryPassed + recoveryRefused)
    }

    /// The ratio controller: pass a request only if the share passed, counting it, stays below
    /// the target of 0.5 × elapsed / recoveryDuration.
    private mutating func admitWhileRecovering(since: Duration, until: Duration, now: Duration) -> CircuitBreakerAdmission {
        if now > until {
            state = .standby
            return .pass
        }
        let target = 0.5 * ((now - since) / configuration.recoveryDuration)
        let shareIfPassed = Double(recoveryPassed + 1) / Double(recoveryPassed + 1 + recoveryRefused)
        if shareIfPassed < target {
            recoveryPassed += 1
            return .pass
        }
        recoveryRefused += 1
        return .fallback
    }
}
