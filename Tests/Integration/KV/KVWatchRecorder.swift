import FakeFarm
import KVStores
import NIOConcurrencyHelpers

/// Consumes a store's watch stream in a task of its own and records what arrives, for `eventually` checks.
final class KVWatchRecorder: Sendable {
    private struct Seen {
        var events: [KVWatchEvent] = []
        var error: (any Error)?
        var finished = false
    }

    private let seen = NIOLockedValueBox(Seen())
    private let task: Task<Void, Never>

    init(_ stream: AsyncThrowingStream<KVWatchEvent, any Error>) {
        let seen = self.seen
        task = Task {
            do {
                for try await event in stream { seen.withLockedValue { $0.events.append(event) } }
            } catch {
                seen.withLockedValue { $0.error = error }
            }
            seen.withLockedValue { $0.finished = true }
        }
    }

    var events: [KVWatchEvent] { seen.withLockedValue { $0.events } }
    var error: (any Error)? { seen.withLockedValue { $0.error } }
    var finished: Bool { seen.withLockedValue { $0.finished } }

    struct Missing: Error, CustomStringConvertible {
        var description: String
    }

    /// Waits until as many events as `expected` have arrived; callers compare `events` afterwards.
    func waitFor(_ expected: [KVWatchEvent], timeout: Duration = .seconds(10)) async throws {
        do {
            try await eventually(timeout: timeout, "watch events \(expected)") { events.count >= expected.count }
        } catch {
            throw Missing(description: "waited for \(expected), got \(events), error \(String(describing: self.error))")
        }
    }

    /// Waits for the stream to end and returns the error it ended with.
    func waitForFailure(timeout: Duration = .seconds(10)) async throws -> (any Error)? {
        try await eventually(timeout: timeout, "the watch to end") { finished }
        return error
    }

    func cancel() {
        task.cancel()
    }
}
