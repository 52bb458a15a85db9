import Foundation
import LoadGen
import Testing

@Suite struct ReportFormatterTests {
    private func sampleReport() -> RunReport {
        var report = RunReport()
        report.completed = 1000
        report.failures.connect = 2
        report.failures.read = 1
        report.failures.timeout = 3
        report.non2xx = 7
        report.keepAliveResponses = 1000
        report.bytesReceived = 204_800
        report.bodyBytes = 18_000
        report.elapsedSeconds = 2
        report.serverSoftware = "unit-server"
        report.documentLength = 18
        for microseconds in 1...1000 { _ = report.latencyMicroseconds.record(UInt64(microseconds * 10)) }
        return report
    }

    private func samplePlan() throws -> LoadPlan {
        try LoadPlan(options: try LoadGenOptions.parse(["-n", "1000", "-c", "10", "-k", "http://127.0.0.1:8080/doc"]), body: [])
    }

    @Test func reportArithmetic() {
        let report = sampleReport()
        #expect(report.requestsPerSecond == 500)
        #expect(report.transferRateKBPerSecond == 100)
        #expect(report.failures.total == 6)
        #expect(abs(report.latencyMilliseconds(atPercentile: 50) - 5) < 0.01)
        #expect(abs(report.maximumLatencyMilliseconds - 10) < 0.01)
    }

    @Test func jsonCarriesTheCounts() throws {
        let text = ReportFormatter.json(sampleReport(), plan: try samplePlan())
        let summary = try JSONDecoder().decode(ReportFormatter.JSONSummary.self, from: Data(text.utf8))
        #expect(summary.requests == 1000)
        let failures = summary.failures
        #expect([failures.connect, failures.read, failures.timeout, failures.parse, failures.total] == [2, 1, 3, 0, 6] as [Int])
        #expect(summary.non2xx == 7)
        #expect(summary.keepAliveRequests == 1000)
        #expect(summary.seconds == 2)
        #expect(summary.rps == 500)
        #expect(summary.bytes == 204_800)
        #expect(summary.transferRate == 100)
        #expect(abs(summary.latency.p50 - 5) < 0.01)
        #expect(abs(summary.latency.p999 - 10) < 0.02)
        #expect(summary.latency.p90 <= summary.latency.p99 && summary.latency.p99 <= summary.latency.max)
        #expect(summary.url == "http://127.0.0.1:8080/doc")
        #expect(!summary.interrupted)
        #expect(text.hasSuffix("}\n") && !text.dropLast().contains("\n"))
    }

    @Test func summaryLooksLikeAb() throws {
        let text = ReportFormatter.summary(sampleReport(), plan: try samplePlan())
        for line in [
            "Server Software:        unit-server", "Document Path:          /doc", "Document Length:        18 bytes",
            "Concurrency Level:      10", "Time taken for tests:   2.000 seconds", "Complete requests:      1000",
            "Failed requests:        6", "(Connect: 2, Read: 1, Timeout: 3, Parse: 0)", "Non-2xx responses:      7",
            "Keep-Alive requests:    1000", "Total transferred:      204800 bytes", "Requests per second:    500.00 [#/sec] (mean)",
            "Transfer rate:          100.00 [Kbytes/sec] received", "99.9%", "(longest request)",
        ] {
            #expect(text.contains(line), "missing: \(line)")
        }
    }

    @Test func anEmptyRunHasNoPercentileTable() throws {
        let text = ReportFormatter.summary(RunReport(), plan: try samplePlan())
        #expect(text.contains("Complete requests:      0"))
        #expect(!text.contains("Percentage of the requests"))
    }
}

@Suite struct ProgressPolicyTests {
    @Test func shortRunsStayQuiet() {
        var policy = ProgressPolicy(requestLimit: 1000, timeLimitSeconds: nil)
        #expect(policy.line(for: RunSnapshot(elapsedSeconds: 5, completed: 900, failed: 0)) == nil)
    }

    @Test func longRequestRunsPrintEveryTenthOrEveryFiveSeconds() {
        var policy = ProgressPolicy(requestLimit: 1000, timeLimitSeconds: nil)
        let first = policy.line(for: RunSnapshot(elapsedSeconds: 10, completed: 150, failed: 0))
        #expect(first?.contains("150 requests (15%)") == true)
        #expect(policy.line(for: RunSnapshot(elapsedSeconds: 11, completed: 190, failed: 0)) == nil)
        #expect(policy.line(for: RunSnapshot(elapsedSeconds: 11.5, completed: 199, failed: 1)) != nil)
        #expect(policy.line(for: RunSnapshot(elapsedSeconds: 16, completed: 210, failed: 0)) == nil)
        #expect(policy.line(for: RunSnapshot(elapsedSeconds: 16.5, completed: 220, failed: 0)) != nil)
    }

    @Test func longTimedRunsPrintFromTheStart() {
        var policy = ProgressPolicy(requestLimit: nil, timeLimitSeconds: 60)
        #expect(policy.line(for: RunSnapshot(elapsedSeconds: 1, completed: 100, failed: 0)) == nil)
        let line = policy.line(for: RunSnapshot(elapsedSeconds: 5, completed: 500, failed: 2))
        #expect(line == "progress: 5.0 s, 500 requests (8%), 100 req/s, 2 failed")
        #expect(policy.line(for: RunSnapshot(elapsedSeconds: 6, completed: 600, failed: 2)) != nil)
    }
}
