import Foundation

/// Renders a `RunReport` as ab's summary or as one JSON object.
public enum ReportFormatter {
    /// ab's percentile table, plus 99.9.
    static let summaryPercentiles: [Double] = [50, 66, 75, 80, 90, 95, 98, 99, 99.9]

    public static func summary(_ report: RunReport, plan: LoadPlan) -> String {
        var lines: [String] = []
        func row(_ label: String, _ value: String) {
            lines.append(label.padding(toLength: 24, withPad: " ", startingAt: 0) + value)
        }
        if report.interrupted { lines.append("Interrupted: partial results.\n") }
        row("Server Software:", report.serverSoftware ?? "")
        row("Server Hostname:", plan.target.host)
        row("Server Port:", "\(plan.target.port)")
        lines.append("")
        row("Document Path:", plan.target.pathAndQuery)
        row("Document Length:", "\(report.documentLength ?? 0) bytes")
        lines.append("")
        row("Concurrency Level:", "\(plan.concurrency)")
        if let rate = plan.rate {
            row("Target rate:", "\(format(rate, 2)) [#/sec] (open loop; latency from intended send time)")
        }
        row("Time taken for tests:", "\(format(report.elapsedSeconds, 3)) seconds")
        row("Complete requests:", "\(report.completed)")
        row("Failed requests:", "\(report.failures.total)")
        let failures = report.failures
        lines.append(
            "   (Connect: \(failures.connect), Read: \(failures.read), Timeout: \(failures.timeout), Parse: \(failures.parse))"
        )
        row("Non-2xx responses:", "\(report.non2xx)")
        row("Keep-Alive requests:", "\(report.keepAliveResponses)")
        row("Total transferred:", "\(report.bytesReceived) bytes")
        row("HTML transferred:", "\(report.bodyBytes) bytes")
        row("Requests per second:", "\(format(report.requestsPerSecond, 2)) [#/sec] (mean)")
        if report.completed > 0 {
            let perRequest = report.elapsedSeconds * 1000 / Double(report.completed)
            row("Time per request:", "\(format(perRequest * Double(plan.concurrency), 3)) [ms] (mean)")
            row("Time per request:", "\(format(perRequest, 3)) [ms] (mean, across all concurrent requests)")
        }
        row("Transfer rate:", "\(format(report.transferRateKBPerSecond, 2)) [Kbytes/sec] received")
        if report.completed > 0 {
            lines.append("")
            lines.append("Percentage of the requests served within a certain time (ms)")
            for percentile in summaryPercentiles {
                let label = percentile == percentile.rounded() ? "\(Int(percentile))%" : "\(percentile)%"
                lines.append("  \(label.leftPadded(to: 5)) \(format(report.latencyMilliseconds(atPercentile: percentile), 3).leftPadded(to: 9))")
            }
            lines.append("  \("100%".leftPadded(to: 5)) \(format(report.maximumLatencyMilliseconds, 3).leftPadded(to: 9)) (longest request)")
            lines.append("  \("mean".leftPadded(to: 5)) \(format(report.meanLatencyMilliseconds, 3).leftPadded(to: 9))")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The JSON summary: counts, rates, and latency percentiles in milliseconds.
    public struct JSONSummary: Codable, Equatable, Sendable {
        public struct Failures: Codable, Equatable, Sendable {
            public var connect, read, timeout, parse, total: Int
        }

        public struct Latency: Codable, Equatable, Sendable {
            public var p50, p90, p99, p999, max, mean: Double
        }

        public var url: String
        public var concurrency: Int
        public var rate: Double?
        public var requests: Int
        public var failures: Failures
        public var non2xx: Int
        public var keepAliveRequests: Int
        public var seconds: Double
        public var rps: Double
        public var bytes: Int
        public var bodyBytes: Int
        /// Kilobytes (1024 bytes) per second.
        public var transferRate: Double
        public var latency: Latency
        public var serverSoftware: String?
        public var documentLength: Int?
        public var interrupted: Bool
    }

    public static func jsonSummary(_ report: RunReport, plan: LoadPlan) -> JSONSummary {
        let failures = report.failures
        return JSONSummary(
            url: plan.target.description, concurrency: plan.concurrency, rate: plan.rate,
            requests: report.completed,
            failures: .init(
                connect: failures.connect, read: failures.read, timeout: failures.timeout, parse: failures.parse,
                total: failures.total
            ),
            non2xx: report.non2xx, keepAliveRequests: report.keepAliveResponses,
            seconds: rounded(report.elapsedSeconds, 4), rps: rounded(report.requestsPerSecond, 2),
            bytes: report.bytesReceived, bodyBytes: report.bodyBytes,
            transferRate: rounded(report.transferRateKBPerSecond, 2),
            latency: .init(
                p50: rounded(report.latencyMilliseconds(atPercentile: 50), 3),
                p90: rounded(report.latencyMilliseconds(atPercentile: 90), 3),
                p99: rounded(report.latencyMilliseconds(atPercentile: 99), 3),
                p999: rounded(report.latencyMilliseconds(atPercentile: 99.9), 3),
                max: rounded(report.maximumLatencyMilliseconds, 3),
                mean: rounded(report.meanLatencyMilliseconds, 3)
            ),
            serverSoftware: report.serverSoftware, documentLength: report.documentLength,
            interrupted: report.interrupted
        )
    }

    public static func json(_ report: RunReport, plan: LoadPlan) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Encoding plain numbers, strings and optionals cannot fail.
        let data = (try? encoder.encode(jsonSummary(report, plan: plan))) ?? Data()
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    static func format(_ value: Double, _ decimals: Int) -> String {
        String(format: "%.\(decimals)f", value)
    }

    private static func rounded(_ value: Double, _ decimals: Int) -> Double {
        let scale = pow(10, Double(decimals))
        return (value * scale).rounded() / scale
    }
}

extension String {
    func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }
}
