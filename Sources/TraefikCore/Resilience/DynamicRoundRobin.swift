/// `drr` (oxy rebalancer, spec §6.2): the weighted round robin of §6.1 whose weights move away
/// from servers that answer with more 5xx than the others, and back when they recover.
///
/// After every response (`record`) the weights are reconsidered, only when there are at least 2
/// servers, every server's meter is ready and the 10 s backoff has expired:
/// - a server is bad when its rating exceeds (median + MAD) × 1.5 of all ratings (an extra 0
///   joins the median and MAD when the count of servers is even);
/// - if some are good and some bad, each good server's weight is multiplied by 4 while that stays
///   ≤ 4096;
/// - if none stands out, each changed weight is divided by 4, but not below its original;
/// - when that changed anything, the weights are divided by their GCD (unless they are back at
///   the originals, which the original code would divide too, flapping every 10 s when the
///   configured weights share a divisor), the round robin restarts with them (its cursor reset,
///   as an update of a server resets it in the original) and the backoff starts.
///
/// Steady-state `next` and `record` allocate nothing: the per-server storage is preallocated.
/// Not thread-safe: keep one per event loop or guard it.
public struct DynamicRoundRobin: Sendable {
    public static let growthFactor = 4
    public static let maximumWeight = 4096
    public static let backoff = Duration.seconds(10)
    public static let outlierFactor = 1.5
    /// A response at least this slow marks its second as one to look at (see `markSlowServers`).
    static let slowMarginMicroseconds: UInt64 = 20_000

    /// The configured weights (below 1 counted as 1).
    public let originalWeights: [Int]
    /// The weights the round robin uses now.
    public private(set) var currentWeights: [Int]
    private var roundRobin: WeightedRoundRobin
    private var meters: [FailureRatioMeter]
    /// Scratch space for the split, sized once: the ratings, then the median and MAD sample.
    private var ratings: [Double]
    private var sample: [Double]
    private var isGood: [Bool]
    private var backoffUntil: Duration?
    private var secondCache = WholeSecondCache()
    /// Whether every meter is ready (once they are, they stay so).
    private var metersAreReady = false
    /// Whether `currentWeights == originalWeights`, kept so that a response compares no arrays.
    private var weightsAreOriginal = true

    public init(weights: [Int]) {
        roundRobin = WeightedRoundRobin(weights: weights)
        originalWeights = roundRobin.weights
        currentWeights = roundRobin.weights
        meters = Array(repeating: FailureRatioMeter(), count: weights.count)
        ratings = Array(repeating: 0, count: weights.count)
        sample = Array(repeating: 0, count: weights.count + 1)
        isGood = Array(repeating: true, count: weights.count)
    }

    /// A drr over a changed server list that keeps the failure measurements of the servers that stay, so a
    /// reload does not make a failing server look healthy again. The weights start from the new originals.
    /// - Parameter previousIndex: for each new server, its index in `previous`, or nil for a new server.
    public init(weights: [Int], keepingMeasurementsOf previous: DynamicRoundRobin, previousIndex: [Int?]) {
        self.init(weights: weights)
        for (index, old) in previousIndex.enumerated() {
            guard let old, meters.indices.contains(index), previous.meters.indices.contains(old) else { continue }
            meters[index] = previous.meters[old]
        }
    }

    /// The index of the next server, or nil when there are none.
    public mutating func next() -> Int? {
        roundRobin.next()
    }

    /// Records the response of server `server` (a network failure as its mapped 502, 504 or 500)
    /// and how long it took, and adjusts the weights when due. An index out of range is ignored.
    public mutating func record(server: Int, status: Int, latency: Duration = .zero, now: Duration) {
        guard meters.indices.contains(server) else { return }
        let second = secondCache.wholeSeconds(of: now)
        meters[server].record(
            isFailure: (500...504).contains(status), latencyMicroseconds: latency.wholeMicroseconds, second: second)
        adjustWeights(now: now, second: second)
    }

    /// Each server's failure ratio over the last 10 s (0 when it had no responses), for the API.
    public func failureRatios(now: Duration) -> [Double] {
        meters.map { $0.rating(now: now) }
    }

    /// Each server's mean response time over the last 10 s (0 when it had no responses), for the API.
    public func meanLatencies(now: Duration) -> [Duration] {
        meters.map { .microseconds(Int64($0.meanLatencyMicroseconds(now: now))) }
    }

    /// - Parameter second: `now.wholeSeconds`.
    private mutating func adjustWeights(now: Duration, second: Int64) {
        guard meters.count >= 2 else { return }
        if !metersAreReady {
            metersAreReady = meters.allSatisfy { $0.isReady }
            guard metersAreReady else { return }
        }
        if let backoffUntil, now.isBefore(backoffUntil) { return }
        // The healthy steady state, decided without rating and sorting: with no failure and no slow response
        // in any window no server can stand out, and weights at their originals have nothing to converge to.
        if weightsAreOriginal, !meters.contains(where: { $0.hasFailuresOrSlowResponses(atSecond: second) }) { return }
        let changed = markServers(now: now) ? growGoodServers() : convergeToOriginal()
        guard changed else { return }
        // Once back at the originals they stay as configured: dividing originals that share a
        // divisor would make them differ again and the convergence would never settle.
        if currentWeights != originalWeights { normaliseWeights() }
        weightsAreOriginal = currentWeights == originalWeights
        roundRobin = WeightedRoundRobin(weights: currentWeights)
        backoffUntil = now + Self.backoff
    }

    /// Splits the servers into good and bad; true when there are both.
    private mutating func markServers(now: Duration) -> Bool {
        for index in meters.indices {
            ratings[index] = meters[index].rating(now: now)
            sample[index] = ratings[index]
        }
        // An odd sample size puts the median on one value.
        let sampleCount = meters.count.isMultiple(of: 2) ? meters.count + 1 : meters.count
        sample[meters.count] = 0
        let median = Self.median(&sample, count: sampleCount)
        for index in 0..<sampleCount {
            sample[index] = abs(sample[index] - median)
        }
        let medianAbsoluteDeviation = Self.median(&sample, count: sampleCount)
        let limit = (median + medianAbsoluteDeviation) * Self.outlierFactor
        for index in ratings.indices { isGood[index] = ratings[index] <= limit }
        markSlowServers(now: now)
        let goodCount = isGood.reduce(0) { $0 + ($1 ? 1 : 0) }
        return goodCount > 0 && goodCount < ratings.count
    }

    /// "Servers that perform better" (the seed) includes answering faster: a server whose mean response time
    /// stands out like a failure ratio would — above (median + MAD) × 1.5 of all servers' means — and is at least
    /// `slowMargin` above the median is bad too. The margin keeps sub-millisecond jitter from moving weights.
    private mutating func markSlowServers(now: Duration) {
        for index in meters.indices {
            ratings[index] = meters[index].meanLatencyMicroseconds(now: now)
            sample[index] = ratings[index]
        }
        let count = meters.count
        let sampleCount = count.isMultiple(of: 2) ? count + 1 : count
        if sampleCount > count { sample[count] = 0 }
        let median = Self.median(&sample, count: sampleCount)
        for index in 0..<sampleCount { sample[index] = abs(sample[index] - median) }
        let medianAbsoluteDeviation = Self.median(&sample, count: sampleCount)
        let limit = max(
            (median + medianAbsoluteDeviation) * Self.outlierFactor, median + Double(Self.slowMarginMicroseconds))
        for index in ratings.indices where ratings[index] > limit { isGood[index] = false }
    }

    private mutating func growGoodServers() -> Bool {
        var changed = false
        for index in currentWeights.indices where isGood[index] {
            let grown = currentWeights[index] * Self.growthFactor
            if grown <= Self.maximumWeight {
                currentWeights[index] = grown
                changed = true
            }
        }
        return changed
    }

    private mutating func convergeToOriginal() -> Bool {
        var changed = false
        for index in currentWeights.indices where currentWeights[index] != originalWeights[index] {
            currentWeights[index] = max(currentWeights[index] / Self.growthFactor, originalWeights[index])
            changed = true
        }
        return changed
    }

    private mutating func normaliseWeights() {
        let divisor = currentWeights.reduce(0, Self.greatestCommonDivisor)
        guard divisor > 1 else { return }
        for index in currentWeights.indices { currentWeights[index] /= divisor }
    }

    /// The middle of the first `count` (odd) values, sorting them in place without allocating.
    private static func median(_ values: inout [Double], count: Int) -> Double {
        values.withUnsafeMutableBufferPointer { buffer in
            let slice = UnsafeMutableBufferPointer(rebasing: buffer[0..<count])
            heapSort(slice)
            return slice[count / 2]
        }
    }

    private static func heapSort(_ values: UnsafeMutableBufferPointer<Double>) {
        func siftDown(_ start: Int, _ end: Int) {
            var root = start
            while 2 * root + 1 < end {
                var child = 2 * root + 1
                if child + 1 < end, values[child] < values[child + 1] { child += 1 }
                guard values[root] < values[child] else { return }
                values.swapAt(root, child)
                root = child
            }
        }
        for start in stride(from: values.count / 2 - 1, through: 0, by: -1) { siftDown(start, values.count) }
        for end in stride(from: values.count - 1, to: 0, by: -1) {
            values.swapAt(0, end)
            siftDown(0, end)
        }
    }

    private static func greatestCommonDivisor(_ a: Int, _ b: Int) -> Int {
        var (a, b) = (a, b)
        while b != 0 { (a, b) = (b, a % b) }
        return a
    }
}

/// One server's share of 500–504 responses over 10 × 1 s (spec §6.2). It is ready once its two
/// counters (failures and the rest) have together written to 10 distinct seconds, as the
/// original's ratio counter counts them; it never becomes unready again.
struct FailureRatioMeter: Sendable {
    private typealias Slots = InlineArray<10, Slot>
    private static let slotCount = Slots.count
    private static let readyTouches = 10

    /// One second's counts.
    private struct Slot {
        var second = Int64.min
        var failures: UInt32 = 0
        var successes: UInt32 = 0
        var latencyMicroseconds: UInt64 = 0
    }

    /// Inline rather than arrays, so that recording touches no reference count.
    private var slots = Slots(repeating: Slot())
    /// The last second each counter wrote to.
    private var lastFailureSecond: Int64?
    private var lastSuccessSecond: Int64?
    /// The latest second a failure was recorded at (the last one unless the clock went back).
    private var latestFailureSecond: Int64?
    /// The latest second a response of at least the slow margin was recorded at.
    private var latestSlowSecond: Int64?
    private var touches = 0

    var isReady: Bool { touches >= Self.readyTouches }

    /// - Parameter second: the whole seconds of the response's time.
    mutating func record(isFailure: Bool, latencyMicroseconds: UInt64 = 0, second: Int64) {
        let slot = Int(second % Int64(Self.slotCount))
        if slots[slot].second != second { slots[slot] = Slot(second: second) }
        slots[slot].latencyMicroseconds &+= latencyMicroseconds
        if latencyMicroseconds >= DynamicRoundRobin.slowMarginMicroseconds {
            latestSlowSecond = max(latestSlowSecond ?? second, second)
        }
        if isFailure {
            slots[slot].failures &+= 1
            if lastFailureSecond != second { countTouch() }
            lastFailureSecond = second
            latestFailureSecond = max(latestFailureSecond ?? second, second)
        } else {
            slots[slot].successes &+= 1
            if lastSuccessSecond != second { countTouch() }
            lastSuccessSecond = second
        }
    }

    private mutating func countTouch() {
        touches = min(touches + 1, Self.readyTouches)
    }

    /// Whether a 500–504 or a slow response is in the window ending at `second` (then the servers are rated).
    func hasFailuresOrSlowResponses(atSecond second: Int64) -> Bool {
        if let latestSlowSecond, latestSlowSecond > second - Int64(Self.slotCount) { return true }
        return hasFailures(atSecond: second)
    }

    /// Mean response time in the window; 0 when there are no responses.
    func meanLatencyMicroseconds(now: Duration) -> Double {
        let second = now.wholeSeconds
        var sum: UInt64 = 0
        var total = 0
        for slot in slots.indices where ResponseCounters.isInWindow(slots[slot].second, second: second) {
            sum &+= slots[slot].latencyMicroseconds
            total += Int(slots[slot].failures) + Int(slots[slot].successes)
        }
        return total == 0 ? 0 : Double(sum) / Double(total)
    }

    /// Whether any 500–504 response is in the window ending at `second`.
    func hasFailures(atSecond second: Int64) -> Bool {
        // A slot's failures were recorded at its second, so none is in the window unless the latest is:
        // this decides the healthy steady state without reading the slots.
        guard let latestFailureSecond, latestFailureSecond > second - Int64(Self.slotCount) else { return false }
        for slot in slots.indices where slots[slot].failures > 0 {
            if ResponseCounters.isInWindow(slots[slot].second, second: second) { return true }
        }
        return false
    }

    /// Failures ÷ all responses in the window; 0 when there are none.
    func rating(now: Duration) -> Double {
        let second = now.wholeSeconds
        var failureCount = 0
        var total = 0
        for slot in slots.indices where ResponseCounters.isInWindow(slots[slot].second, second: second) {
            failureCount += Int(slots[slot].failures)
            total += Int(slots[slot].failures) + Int(slots[slot].successes)
        }
        return total == 0 ? 0 : Double(failureCount) / Double(total)
    }
}
