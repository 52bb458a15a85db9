/// Delays between attempts to reach a store or engine that failed (decision D15): exponential from `initial` by
/// `multiplier`, capped at `maximum`, forever, each delay jittered by ±`jitter` so many proxies restarted together
/// don't retry in step. Values as the original's backoff (0.5 s, ×1.5, ±50 %, 60 s), without its 15-minute budget.
public struct RetryBackoff: Sendable, Equatable {
    public var initial: Duration
    public var maximum: Duration
    public var multiplier: Double
    /// Fraction of each delay that is randomised, 0…1.
    public var jitter: Double
    private var attempt = 0

    public init(
        initial: Duration = .milliseconds(500),
        maximum: Duration = .seconds(60),
        multiplier: Double = 1.5,
        jitter: Double = 0.5
    ) {
        self.initial = initial
        self.maximum = maximum
        self.multiplier = multiplier
        self.jitter = jitter
    }

    /// The delay before the next attempt; each call moves one step further, until `reset()`.
    public mutating func nextDelay(using random: inout some RandomNumberGenerator) -> Duration {
        let initialSeconds = initial.secondsValue
        let maximumSeconds = maximum.secondsValue
        var base = initialSeconds
        // Grow step by step (bounded by the cap) rather than with pow(), so huge attempt counts cannot overflow.
        for _ in 0..<attempt where base < maximumSeconds { base *= multiplier }
        base = min(base, maximumSeconds)
        attempt += 1
        let spread = base * jitter
        let delay = spread > 0 ? Double.random(in: (base - spread)...(base + spread), using: &random) : base
        return .nanoseconds(Int64((delay * 1e9).rounded()))
    }

    public mutating func nextDelay() -> Duration {
        var generator = SystemRandomNumberGenerator()
        return nextDelay(using: &generator)
    }

    /// After a success: the next failure starts again from `initial`.
    public mutating func reset() { attempt = 0 }
}

extension Duration {
    fileprivate var secondsValue: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}
