/// Latencies over a rolling window (spec §7.2): 6 sub-histograms of 10 s each, so quantiles cover
/// the last 50 to 60 s.
///
/// Written here instead of using hdrhistogram-swift: fixed, preallocated log-linear buckets keep
/// `record` free of allocations and TraefikCore free of dependencies. Latencies are counted in
/// microseconds from 0 to 1 h (longer ones count as 1 h); below 128 µs each microsecond has its
/// own bucket, above that each power of two is split into 64 buckets, so a reported value is at
/// most 1/64 (1.6 %) above the recorded one, about the 2 significant digits of the original.
///
/// Sub-histogram `p % 6` holds the 10 s period `p` (`now / 10 s`) and is cleared when a later
/// period reuses it; the original rotated one sub-histogram per new sample instead, which keeps
/// old data after an idle minute.
public struct RollingLatencyHistogram: Sendable {
    private typealias Periods = InlineArray<6, Int64>
    public static let periodCount = Periods.count
    public static let period = Duration.seconds(periodSeconds)
    private static let periodSeconds: Int64 = 10
    public static let highestTrackableMicroseconds: UInt64 = 3_600_000_000

    /// The period each sub-histogram holds, or `emptyPeriod`. Inline rather than an array, so that
    /// recording touches one reference count (of `counts`) instead of two.
    private var periods = Periods(repeating: emptyPeriod)
    /// `subHistogram * Buckets.count + bucket`.
    private var counts: [UInt32]
    private var secondCache = WholeSecondCache()

    private static let emptyPeriod = Int64.min

    public init() {
        counts = Array(repeating: 0, count: Self.periodCount * Buckets.count)
    }

    public mutating func record(_ latency: Duration, now: Duration) {
        let period = Self.periodNumber(ofSecond: secondCache.wholeSeconds(of: now))
        let subHistogram = Int(period % Int64(Self.periodCount))
        let base = subHistogram * Buckets.count
        if periods[subHistogram] != period {
            periods[subHistogram] = period
            for index in base..<(base + Buckets.count) { counts[index] = 0 }
        }
        let microseconds = min(latency.wholeMicroseconds, Self.highestTrackableMicroseconds)
        counts[base + Buckets.index(ofMicroseconds: microseconds)] &+= 1
    }

    /// Forgets everything recorded.
    public mutating func reset() {
        for subHistogram in periods.indices { periods[subHistogram] = Self.emptyPeriod }
    }

    /// The latency at `quantile` (0–100, clamped) of the samples in the window: the highest value
    /// of the bucket where the running count reaches `quantile`% of all samples (rounded, at least
    /// one sample), as HdrHistogram's `ValueAtQuantile`. Zero when there are no samples.
    public func latency(atQuantile quantile: Double, now: Duration) -> Duration {
        let live = liveSubHistograms(now: now)
        var total = 0
        for subHistogram in 0..<Self.periodCount where live[subHistogram] {
            let base = subHistogram * Buckets.count
            for index in base..<(base + Buckets.count) { total += Int(counts[index]) }
        }
        guard total > 0 else { return .zero }
        let clamped = quantile.isNaN ? 0 : min(max(quantile, 0), 100)
        let target = max(1, Int((clamped / 100 * Double(total) + 0.5).rounded(.down)))
        var running = 0
        for bucket in 0..<Buckets.count {
            for subHistogram in 0..<Self.periodCount where live[subHistogram] {
                running += Int(counts[subHistogram * Buckets.count + bucket])
            }
            if running >= target { return .microseconds(Int64(Buckets.highestMicroseconds(ofBucket: bucket))) }
        }
        return .microseconds(Int64(Self.highestTrackableMicroseconds))
    }

    /// Which sub-histograms hold one of the last 6 periods (a bit set, so reading allocates nothing).
    private func liveSubHistograms(now: Duration) -> LiveSet {
        let current = Self.periodNumber(ofSecond: now.wholeSeconds)
        var live = LiveSet()
        for subHistogram in periods.indices {
            let period = periods[subHistogram]
            live[subHistogram] = period != Self.emptyPeriod && period <= current
                && current - period < Int64(Self.periodCount)
        }
        return live
    }

    private static func periodNumber(ofSecond second: Int64) -> Int64 {
        second / periodSeconds
    }

    /// A bit set over the 6 sub-histograms.
    private struct LiveSet {
        private var bits: UInt8 = 0

        subscript(index: Int) -> Bool {
            get { bits & (1 << index) != 0 }
            set { bits = newValue ? bits | (1 << index) : bits & ~(1 << index) }
        }
    }

    /// The log-linear bucket layout.
    enum Buckets {
        static let subBucketBits = 6
        /// Buckets per power of two above the exact range.
        static let subBucketsPerOctave = 1 << subBucketBits
        /// Values below this each have their own bucket.
        static let exactLimit = UInt64(2 << subBucketBits)
        static let count = index(ofMicroseconds: RollingLatencyHistogram.highestTrackableMicroseconds) + 1

        static func index(ofMicroseconds value: UInt64) -> Int {
            guard value >= exactLimit else { return Int(value) }
            let highestBit = UInt64.bitWidth - 1 - value.leadingZeroBitCount
            let shift = highestBit - subBucketBits
            let mantissa = Int(value >> UInt64(shift))
            return Int(exactLimit) + (shift - 1) * subBucketsPerOctave + (mantissa - subBucketsPerOctave)
        }

        static func highestMicroseconds(ofBucket index: Int) -> UInt64 {
            guard index >= Int(exactLimit) else { return UInt64(index) }
            let offset = index - Int(exactLimit)
            let shift = offset / subBucketsPerOctave + 1
            let mantissa = UInt64(offset % subBucketsPerOctave + subBucketsPerOctave)
            return ((mantissa + 1) << UInt64(shift)) - 1
        }
    }
}
