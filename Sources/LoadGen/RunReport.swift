import Histogram

/// Why a request failed.
public enum FailureKind: String, Sendable, CaseIterable, Codable {
    /// The TCP connection could not be made.
    case connect
    /// The connection reset or ended before the response was complete.
    case read
    /// No complete response within `-s` seconds.
    case timeout
    /// The response was not HTTP/1 as loadgen understands it.
    case parse
}

/// Failed requests, by kind.
public struct FailureCounts: Sendable, Equatable, Codable {
    public var connect = 0
    public var read = 0
    public var timeout = 0
    public var parse = 0

    public init() {}

    public var total: Int { connect + read + timeout + parse }

    public subscript(kind: FailureKind) -> Int {
        get {
            switch kind {
            case .connect: connect
            case .read: read
            case .timeout: timeout
            case .parse: parse
            }
        }
        set {
            switch kind {
            case .connect: connect = newValue
            case .read: read = newValue
            case .timeout: timeout = newValue
            case .parse: parse = newValue
            }
        }
    }

    mutating func add(_ other: FailureCounts) {
        for kind in FailureKind.allCases { self[kind] += other[kind] }
    }
}

/// What a run measured. Latencies are in microseconds; in `--rate` mode they start at each request's
/// intended send time, so time spent queued behind a slow server counts (no coordinated omission).
public struct RunReport: Sendable {
    /// Responses received in full, whatever their status.
    public var completed = 0
    public var failures = FailureCounts()
    /// Complete responses whose status was not 2xx.
    public var non2xx = 0
    /// Complete responses after which the connection stayed open for the next request.
    public var keepAliveResponses = 0
    /// Every byte read from the server.
    public var bytesReceived = 0
    /// Body payload bytes of complete responses.
    public var bodyBytes = 0
    public var elapsedSeconds = 0.0
    public var latencyMicroseconds = RunReport.makeLatencyHistogram()
    /// `Server` header and body length of the first response, as ab reports them.
    public var serverSoftware: String?
    public var documentLength: Int?
    /// The run was cut short by Ctrl-C.
    public var interrupted = false

    public init() {}

    public var requestsPerSecond: Double { elapsedSeconds > 0 ? Double(completed) / elapsedSeconds : 0 }

    /// Kilobytes (1024 bytes) received per second, as ab's "Transfer rate".
    public var transferRateKBPerSecond: Double {
        elapsedSeconds > 0 ? Double(bytesReceived) / 1024 / elapsedSeconds : 0
    }

    /// Latency at `percentile` (0–100) in milliseconds; 0 when nothing completed.
    public func latencyMilliseconds(atPercentile percentile: Double) -> Double {
        guard latencyMicroseconds.totalCount > 0 else { return 0 }
        return Double(latencyMicroseconds.valueAtPercentile(percentile)) / 1000
    }

    public var maximumLatencyMilliseconds: Double {
        latencyMicroseconds.totalCount > 0 ? Double(latencyMicroseconds.max) / 1000 : 0
    }

    public var meanLatencyMilliseconds: Double {
        latencyMicroseconds.totalCount > 0 ? latencyMicroseconds.mean / 1000 : 0
    }

    static func makeLatencyHistogram() -> Histogram<UInt64> {
        // One minute covers ab's default timeout twice over; longer values (late --rate runs) grow the range.
        var histogram = Histogram<UInt64>(highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: .three)
        histogram.autoResize = true
        return histogram
    }
}
