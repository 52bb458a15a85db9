/// The request method as metrics label it: the standard methods, everything else as `other`.
enum MethodLabel: UInt8, CaseIterable, Sendable {
    case get, head, post, put, delete, patch, options, connect, trace, other

    var text: String {
        switch self {
        case .get: "GET"
        case .head: "HEAD"
        case .post: "POST"
        case .put: "PUT"
        case .delete: "DELETE"
        case .patch: "PATCH"
        case .options: "OPTIONS"
        case .connect: "CONNECT"
        case .trace: "TRACE"
        case .other: "other"
        }
    }

    /// Classifies the method bytes of a request line (case-sensitive, as methods are).
    init(_ method: UnsafeRawBufferPointer) {
        for label in MethodLabel.allCases where label != .other {
            let text = label.text.utf8
            if text.count == method.count && text.elementsEqual(method) {
                self = label
                return
            }
        }
        self = .other
    }
}

/// Request counts and durations of one event loop, touched only on that loop (no locks on the data path) and
/// merged into a `TrafficSnapshot` when the API asks (issue 8: `/health` and `/metrics`).
final class LoopTrafficStats: @unchecked Sendable {
    struct RequestKey: Hashable, Sendable {
        var entryPoint: String
        /// Empty when no frontend matched (404, redirects, path cleaning, bad requests).
        var frontend: String
        var backend: String
        var method: MethodLabel
        var status: Int
    }

    private var windowSecond: Int64 = -1
    private var windowCounts: [Int: Int] = [:]
    private var totalCounts: [Int: Int] = [:]
    private var totalNanoseconds: Int64 = 0
    private var requests: [RequestKey: Int] = [:]
    private var durations: [String: DurationHistogram] = [:]

    /// One answered request: `status` as the client got it, `duration` from its head to its last byte.
    func record(_ key: RequestKey, durationNanoseconds: Int64, nowNanoseconds: Int64) {
        let second = nowNanoseconds / 1_000_000_000
        if second != windowSecond {
            windowSecond = second
            windowCounts.removeAll(keepingCapacity: true)
        }
        windowCounts[key.status, default: 0] += 1
        totalCounts[key.status, default: 0] += 1
        totalNanoseconds &+= durationNanoseconds
        requests[key, default: 0] += 1
        durations[key.backend, default: DurationHistogram()].record(nanoseconds: durationNanoseconds)
    }

    func snapshot(nowNanoseconds: Int64) -> TrafficSnapshot {
        let current = nowNanoseconds / 1_000_000_000 == windowSecond ? windowCounts : [:]
        return TrafficSnapshot(
            statusCodeCounts: current, totalStatusCodeCounts: totalCounts, totalResponseNanoseconds: totalNanoseconds,
            requests: requests, durations: durations)
    }
}

/// Request durations in Prometheus buckets (seconds), by backend.
struct DurationHistogram: Sendable, Equatable {
    static let bounds: [Double] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]
    private static let boundNanoseconds: [Int64] = bounds.map { Int64($0 * 1e9) }

    /// Non-cumulative counts per bucket; the last one is +Inf.
    private(set) var counts = [Int](repeating: 0, count: bounds.count + 1)
    private(set) var sumNanoseconds: Int64 = 0

    mutating func record(nanoseconds: Int64) {
        var index = 0
        while index < Self.boundNanoseconds.count && nanoseconds > Self.boundNanoseconds[index] { index += 1 }
        counts[index] += 1
        sumNanoseconds &+= nanoseconds
    }

    var count: Int { counts.reduce(0, +) }

    /// Cumulative counts for `le` = each bound, then +Inf.
    var cumulative: [Int] {
        var running = 0
        return counts.map {
            running += $0
            return running
        }
    }

    static func + (lhs: Self, rhs: Self) -> Self {
        var sum = lhs
        for index in sum.counts.indices { sum.counts[index] += rhs.counts[index] }
        sum.sumNanoseconds &+= rhs.sumNanoseconds
        return sum
    }
}

/// Entry-point traffic merged over every event loop at one instant.
public struct TrafficSnapshot: Sendable, Equatable {
    /// Status → responses in the current second.
    public var statusCodeCounts: [Int: Int] = [:]
    /// Status → responses since start.
    public var totalStatusCodeCounts: [Int: Int] = [:]
    public var totalResponseNanoseconds: Int64 = 0
    var requests: [LoopTrafficStats.RequestKey: Int] = [:]
    var durations: [String: DurationHistogram] = [:]

    public init() {}

    init(
        statusCodeCounts: [Int: Int], totalStatusCodeCounts: [Int: Int], totalResponseNanoseconds: Int64,
        requests: [LoopTrafficStats.RequestKey: Int], durations: [String: DurationHistogram]
    ) {
        self.statusCodeCounts = statusCodeCounts
        self.totalStatusCodeCounts = totalStatusCodeCounts
        self.totalResponseNanoseconds = totalResponseNanoseconds
        self.requests = requests
        self.durations = durations
    }

    mutating func add(_ other: TrafficSnapshot) {
        statusCodeCounts.merge(other.statusCodeCounts, uniquingKeysWith: +)
        totalStatusCodeCounts.merge(other.totalStatusCodeCounts, uniquingKeysWith: +)
        totalResponseNanoseconds &+= other.totalResponseNanoseconds
        requests.merge(other.requests, uniquingKeysWith: +)
        durations.merge(other.durations, uniquingKeysWith: +)
    }

    /// Prometheus text of the request counter and the duration histogram.
    public func prometheusLines() -> String {
        var out = "# HELP traefik_requests_total Requests answered on the entry points.\n"
        out += "# TYPE traefik_requests_total counter\n"
        let keys = requests.keys.sorted {
            ($0.entryPoint, $0.frontend, $0.backend, $0.method.rawValue, $0.status)
                < ($1.entryPoint, $1.frontend, $1.backend, $1.method.rawValue, $1.status)
        }
        for key in keys {
            out += "traefik_requests_total{entrypoint=\"\(Self.label(key.entryPoint))\",frontend=\"\(Self.label(key.frontend))\","
            out += "backend=\"\(Self.label(key.backend))\",method=\"\(key.method.text)\",code=\"\(key.status)\"} "
            out += "\(requests[key]!)\n"
        }
        out += "# HELP traefik_request_duration_seconds Time from a request's head to its response's last byte.\n"
        out += "# TYPE traefik_request_duration_seconds histogram\n"
        for backend in durations.keys.sorted() {
            let histogram = durations[backend]!
            let label = "backend=\"\(Self.label(backend))\""
            for (index, count) in histogram.cumulative.enumerated() {
                let bound = index < DurationHistogram.bounds.count ? "\(DurationHistogram.bounds[index])" : "+Inf"
                out += "traefik_request_duration_seconds_bucket{\(label),le=\"\(bound)\"} \(count)\n"
            }
            out += "traefik_request_duration_seconds_sum{\(label)} \(Double(histogram.sumNanoseconds) / 1e9)\n"
            out += "traefik_request_duration_seconds_count{\(label)} \(histogram.count)\n"
        }
        return out
    }

    /// A Prometheus label value: backslash, double quote and newline escaped.
    public static func label(_ value: String) -> String {
        var out = ""
        for character in value {
            switch character {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            default: out.append(character)
            }
        }
        return out
    }
}
