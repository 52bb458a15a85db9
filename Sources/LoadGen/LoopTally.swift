import NIOConcurrencyHelpers
import NIOCore

/// The counts of the connections on one event loop. Its lock is only contended when progress is read.
final class LoopTally: Sendable {
    private struct FirstResponse {
        let at: NIODeadline
        let server: String?
        let documentLength: Int
    }

    private struct State {
        var report = RunReport()
        var firstResponse: FirstResponse?
    }

    private let state = NIOLockedValueBox(State())

    func recordResponse(_ response: ParsedResponse, latencyNanoseconds: Int64, bytesRead: Int, reused: Bool, at now: NIODeadline) {
        state.withLockedValue { state in
            state.report.completed += 1
            if !(200..<300).contains(response.status) { state.report.non2xx += 1 }
            if reused { state.report.keepAliveResponses += 1 }
            state.report.bytesReceived += bytesRead
            state.report.bodyBytes += response.bodyBytes
            _ = state.report.latencyMicroseconds.record(UInt64(max(1, latencyNanoseconds / 1000)))
            if state.firstResponse == nil {
                state.firstResponse = FirstResponse(at: now, server: response.server, documentLength: response.bodyBytes)
            }
        }
    }

    func recordFailure(_ kind: FailureKind, bytesRead: Int) {
        state.withLockedValue { state in
            state.report.failures[kind] += 1
            state.report.bytesReceived += bytesRead
        }
    }

    /// Completed and failed requests so far, for the progress line.
    var finishedRequests: (completed: Int, failed: Int) {
        state.withLockedValue { ($0.report.completed, $0.report.failures.total) }
    }

    /// Adds these counts into `total`; the earliest first response across loops names the server.
    static func combine(_ tallies: [LoopTally], into total: inout RunReport) {
        var earliest: FirstResponse?
        for tally in tallies {
            tally.state.withLockedValue { state in
                let report = state.report
                total.completed += report.completed
                total.failures.add(report.failures)
                total.non2xx += report.non2xx
                total.keepAliveResponses += report.keepAliveResponses
                total.bytesReceived += report.bytesReceived
                total.bodyBytes += report.bodyBytes
                total.latencyMicroseconds.add(report.latencyMicroseconds)
                if let first = state.firstResponse, earliest.map({ first.at < $0.at }) ?? true {
                    earliest = first
                }
            }
        }
        total.serverSoftware = earliest?.server
        total.documentLength = earliest?.documentLength
    }
}
