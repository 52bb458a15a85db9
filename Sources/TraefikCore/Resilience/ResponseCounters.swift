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
    private typealias Slots = InlineArray<10, Slot>
    public static let slotCount = Slots.count
    /// Status codes 0 (a response with no status, e.g. a hijacked connection) to 999 are counted
    /// one by one; any other value counts only in the totals.
    public static let trackedStatusCodes = 0..<1000

    /// One second's totals.
    private struct Slot {
        /// The second the slot holds, or `emptySlot`.
        var second = ResponseCounters.emptySlot
        var total: UInt32 = 0
        var networkErrors: UInt32 = 0
    }

    /// Inline rather than an array, so that recording touches no reference count.
    private var slots = Slots(repeating: Slot())
    /// `slot * trackedStatusCodes.count + code`.
    private var statusCounts: [UInt32]
    private var secondCache = WholeSecondCache()

    private static let emptySlot = Int64.min

    public init() {
        statusCounts = Array(repeating: 0, count: Self.slotCount * Self.trackedStatusCodes.count)
    }

    public mutating func record(status: Int, now: Duration) {
        let slot = slotForWriting(second: secondCache.wholeSeconds(of: now))
        slots[slot].total &+= 1
        if status == 502 || status == 504 { slots[slot].networkErrors &+= 1 }
        if Self.trackedStatusCodes.contains(status) {
            statusCounts[slot * Self.trackedStatusCodes.count + status] &+= 1
        }
    }

    /// Forgets everything recorded.
    public mutating func reset() {
        for slot in slots.indices { slots[slot].second = Self.emptySlot }
    }

    public func total(now: Duration) -> Int {
        sumOverWindow(now: now) { Int(slots[$0].total) }
    }

    public func networkErrorCount(now: Duration) -> Int {
        sumOverWindow(now: now) { Int(slots[$0].networkErrors) }
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

    @inline(__always)
    private mutating func slotForWriting(second: Int64) -> Int {
        let slot = Int(second % Int64(Self.slotCount))
        if slots[slot].second != second { clear(slot: slot, for: second) }
        return slot
    }

    /// Once a second, so kept out of line.
    @inline(never)
    private mutating func clear(slot: Int, for second: Int64) {
        slots[slot] = Slot(second: second)
        let base = slot * Self.trackedStatusCodes.count
        for index in base..<(base + Self.trackedStatusCodes.count) { statusCounts[index] = 0 }
    }

    private func sumOverWindow(now: Duration, _ valueOfSlot: (Int) -> Int) -> Int {
        let second = now.wholeSeconds
        var sum = 0
        for slot in slots.indices where Self.isInWindow(slots[slot].second, second: second) {
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
