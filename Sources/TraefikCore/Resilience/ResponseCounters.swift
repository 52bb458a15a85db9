// Every call here takes `now`: the time since a fixed monotonic origin (for example the process
// uptime), never negative. Nothing reads a clock, so tests drive the windows by hand.

extension Duration {
    /// Whole seconds of a non-negative duration, rounded down.
    var wholeSeconds: Int64 { components.seconds }

    /// Whole microseconds of a duration, rounded down; 0 when negative.
    var wholeMicroseconds: UInt64 {
        let (seconds, attoseconds) = components
        guard seconds >= 0, attoseconds >= 0 else { return 0 }
        return UInt64(seconds) &* 1_000_000 &+ UInt64(attoseconds / 1_000_000_000_000)
    }
}

/// The half-open range of status codes `lowerBound ..< upperBound` that `ResponseCodeRatio`
/// counts. Unlike `Range`, it may be written backwards (then it is empty), as in Go.
public struct StatusCodeRange: Sendable, Hashable, CustomStringConvertible {
    public let lowerBound: Int
    public let upperBound: Int

    public init(_ lowerBound: Int, _ upperBound: Int) {
        self.lowerBound = lowerBound
        self.upperBound = upperBound
    }

    public var description: String { "[\(lowerBound), \(upperBound))" }
}

/// Responses over a rolling window of 10 × 1 s (spec §7.2): all of them, the network errors
/// (502 and 504, which is what network failures are mapped to) and the count of each status code.
///
/// Slot `s % 10` holds second `s` and is cleared when a later second reuses it; a slot counts
/// only while `now` is less than 10 s past its second. Recording costs O(1), without allocating.
public struct ResponseCounters: Sendable {
    public static let slotCount = 10
    /// Status codes 0 (a response with no status, e.g. a hijacked connection) to 999 are counted
    /// one by one; any other value counts only in the totals.
    public static let trackedStatusCodes = 0..<1000

    /// The second each slot holds, or `emptySlot`.
    private var slotSeconds: [Int64]
    private var totals: [UInt32]
    private var networkErrors: [UInt32]
    /// `slot * trackedStatusCodes.count + code`.
    private var statusCounts: [UInt32]

    private static let emptySlot = Int64.min

    public init() {
        slotSeconds = Array(repeating: Self.emptySlot, count: Self.slotCount)
        totals = Array(repeating: 0, count: Self.slotCount)
        networkErrors = Array(repeating: 0, count: Self.slotCount)
        statusCounts = Array(repeating: 0, count: Self.slotCount * Self.trackedStatusCodes.count)
    }

    public mutating func record(status: Int, now: Duration) {
        let slot = slotForWriting(now: now)
        totals[slot] &+= 1
        if status == 502 || status == 504 { networkErrors[slot] &+= 1 }
        if Self.trackedStatusCodes.contains(status) {
            statusCounts[slot * Self.trackedStatusCodes.count + status] &+= 1
        }
    }

    /// Forgets everything recorded.
    public mutating func reset() {
        for slot in slotSeconds.indices { slotSeconds[slot] = Self.emptySlot }
    }

    public func total(now: Duration) -> Int {
        sumOverWindow(now: now) { Int(totals[$0]) }
    }

    public func networkErrorCount(now: Duration) -> Int {
        sumOverWindow(now: now) { Int(networkErrors[$0]) }
    }

    /// Responses whose status is in `codes`.
    public func count(statusCodes codes: StatusCodeRange, now: Duration) -> Int {
        let lower = max(codes.lowerBound, Self.trackedStatusCodes.lowerBound)
        let upper = min(codes.upperBound, Self.trackedStatusCodes.upperBound)
        guard lower < upper else { return 0 }
        return sumOverWindow(now: now) { slot in
            let base = slot * Self.trackedStatusCodes.count
            var sum = 0
            for code in lower..<upper { sum += Int(statusCounts[base + code]) }
            return sum
        }
    }

    private mutating func slotForWriting(now: Duration) -> Int {
        let second = now.wholeSeconds
        let slot = Int(second % Int64(Self.slotCount))
        if slotSeconds[slot] != second {
            slotSeconds[slot] = second
            totals[slot] = 0
            networkErrors[slot] = 0
            let base = slot * Self.trackedStatusCodes.count
            for index in base..<(base + Self.trackedStatusCodes.count) { statusCounts[index] = 0 }
        }
        return slot
    }

    private func sumOverWindow(now: Duration, _ valueOfSlot: (Int) -> Int) -> Int {
        let second = now.wholeSeconds
        var sum = 0
        for slot in slotSeconds.indices where Self.isInWindow(slotSeconds[slot], second: second) {
            sum += valueOfSlot(slot)
        }
        return sum
    }

    /// Whether a slot holding `slotSecond` counts at `second` (a slot from the future, after the
    /// clock was set back, does not).
    static func isInWindow(_ slotSecond: Int64, second: Int64) -> Bool {
        slotSecond != emptySlot && slotSecond <= second && second - slotSecond < Int64(slotCount)
    }
}
