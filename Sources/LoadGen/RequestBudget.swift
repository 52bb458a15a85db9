import NIOConcurrencyHelpers
import NIOCore

/// Hands out the run's requests to connections on every event loop, and stops handing them out.
final class RequestBudget: Sendable {
    /// One request a connection may send; `intendedStart` is set in open-loop mode.
    struct Claim {
        let intendedStart: NIODeadline?
    }

    private struct State {
        var issued = 0
        var isStopped = false
    }

    private let state = NIOLockedValueBox(State())
    private let limit: Int?
    private let startedAt: NIODeadline
    private let endsAt: NIODeadline?
    private let intervalNanoseconds: Double?

    init(limit: Int?, startedAt: NIODeadline, timeLimitSeconds: Double?, rate: Double?) {
        self.limit = limit
        self.startedAt = startedAt
        endsAt = timeLimitSeconds.map { startedAt + .nanoseconds(Int64($0 * 1e9)) }
        intervalNanoseconds = rate.map { 1e9 / $0 }
    }

    /// The next request, or nil when the count, the time limit or a stop says the run is over.
    func claim(now: NIODeadline) -> Claim? {
        if let endsAt, now >= endsAt { return nil }
        return state.withLockedValue { state -> Claim? in
            guard !state.isStopped, limit.map({ state.issued < $0 }) ?? true else { return nil }
            var intendedStart: NIODeadline?
            if let intervalNanoseconds {
                // Open loop: request i is due at start + i × interval, whichever connection sends it.
                let due = startedAt + .nanoseconds(Int64(Double(state.issued) * intervalNanoseconds))
                if let endsAt, due >= endsAt { return nil }
                intendedStart = due
            }
            state.issued += 1
            return Claim(intendedStart: intendedStart)
        }
    }

    func stop() {
        state.withLockedValue { $0.isStopped = true }
    }
}
