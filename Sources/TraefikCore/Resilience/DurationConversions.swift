// Every call in Resilience takes `now`: the time since a fixed monotonic origin (for example the process
// uptime), never negative. Nothing reads a clock, so tests drive the windows by hand.
//
// These conversions run on every request, so they avoid `Duration.components`, whose 128-bit division
// takes a slow generic path in the standard library (measured: most of the per-request cost).

extension Duration {
    private static let attosecondsPerSecond: Int128 = 1_000_000_000_000_000_000
    private static let attosecondsPerMicrosecond: Int64 = 1_000_000_000_000

    /// Whole seconds of a non-negative duration, rounded down.
    var wholeSeconds: Int64 { Int64(attoseconds / Self.attosecondsPerSecond) }

    /// Whole microseconds of a duration, rounded down; 0 when negative.
    var wholeMicroseconds: UInt64 {
        let attoseconds = self.attoseconds
        guard attoseconds >= 0 else { return 0 }
        // Below 9.2 s the attoseconds fit 64 bits, where dividing by a constant is a multiplication.
        if let narrow = Int64(exactly: attoseconds) { return UInt64(narrow / Self.attosecondsPerMicrosecond) }
        let (seconds, subsecond) = components
        return UInt64(seconds) &* 1_000_000 &+ UInt64(subsecond / Self.attosecondsPerMicrosecond)
    }

    /// `self < other`, inlined: the standard library's `<` on `Duration` is a call.
    func isBefore(_ other: Duration) -> Bool { attoseconds < other.attoseconds }
}

/// `Duration.wholeSeconds` for a caller whose `now` mostly stays within one second from call to call: it
/// remembers the last second's bounds, so a call within them costs two comparisons instead of a division.
struct WholeSecondCache: Sendable {
    private static let attosecondsPerSecond: Int128 = 1_000_000_000_000_000_000

    private var second: Int64 = 0
    /// The attoseconds `second` covers, `lowerBound ..< upperBound`; empty until the first call.
    private var lowerBound: Int128 = 0
    private var upperBound: Int128 = 0

    @inline(__always)
    mutating func wholeSeconds(of now: Duration) -> Int64 {
        let attoseconds = now.attoseconds
        if attoseconds >= lowerBound, attoseconds < upperBound { return second }
        return remember(now)
    }

    /// Once a second, so kept out of line.
    @inline(never)
    private mutating func remember(_ now: Duration) -> Int64 {
        let attoseconds = now.attoseconds
        second = now.wholeSeconds
        // Rounding down and toward zero agree only from 0 up, so a negative `now` is not remembered.
        lowerBound = attoseconds >= 0 ? Int128(second) * Self.attosecondsPerSecond : 0
        upperBound = attoseconds >= 0 ? lowerBound + Self.attosecondsPerSecond : 0
        return second
    }
}
