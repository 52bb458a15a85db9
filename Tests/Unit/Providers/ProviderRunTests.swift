import NIOConcurrencyHelpers
import Providers
import Testing
import TraefikCore

/// The loop every store- or engine-backed provider shares (D15): report a failure once, retry forever, stop when an
/// attempt returns.
@Suite struct ProviderRunTests {
    struct Down: Error, CustomStringConvertible {
        var description: String { "down" }
    }

    private static let quick = RetryBackoff(initial: .milliseconds(1), maximum: .milliseconds(4), multiplier: 2, jitter: 0)

    private func collect(_ stream: AsyncStream<ProviderEvent>) async -> [ProviderEvent] {
        var events: [ProviderEvent] = []
        for await event in stream { events.append(event) }
        return events
    }

    @Test func aFailureIsReportedOnceAndRetriedUntilAnAttemptReturns() async {
        let attempts = NIOLockedValueBox(0)
        let snapshot = ProviderSnapshot(configuration: DynamicConfiguration(frontends: ["f": Frontend(backend: "b")]))
        let events = await collect(ProviderRun.events(backoff: Self.quick, describe: { "test: \($0)" }) { output in
            let attempt = attempts.withLockedValue { $0 += 1; return $0 }
            if attempt < 5 { throw Down() }
            output.emit(.snapshot(snapshot))
            output.emit(.snapshot(snapshot))  // a repeat is dropped
        })
        #expect(attempts.withLockedValue { $0 } == 5)
        #expect(events == [.unavailable("test: down"), .snapshot(snapshot)])
    }

    @Test func theSameFailureRepeatedIsReportedOnceAndANewOneAgain() async {
        let attempts = NIOLockedValueBox(0)
        let events = await collect(ProviderRun.events(backoff: Self.quick, describe: { "\($0)" }) { _ in
            let attempt = attempts.withLockedValue { $0 += 1; return $0 }
            if attempt < 4 { throw Down() }
            if attempt < 6 { throw KVLike(reason: "no keys") }
        })
        #expect(attempts.withLockedValue { $0 } == 6)
        #expect(events == [.unavailable("down"), .unavailable("no keys")])
    }

    struct KVLike: Error, CustomStringConvertible {
        var reason: String
        var description: String { reason }
    }

    @Test func cancellingTheConsumerEndsTheAttempt() async throws {
        let started = NIOLockedValueBox(false)
        let ended = NIOLockedValueBox(false)
        let consumer = Task {
            await collect(ProviderRun.events(backoff: Self.quick, describe: { "\($0)" }) { _ in
                started.withLockedValue { $0 = true }
                defer { ended.withLockedValue { $0 = true } }
                try await Task.sleep(for: .seconds(60))
            })
        }
        let deadline = ContinuousClock.now + .seconds(5)
        while !started.withLockedValue({ $0 }) && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(2)) }
        consumer.cancel()
        _ = await consumer.value
        while !ended.withLockedValue({ $0 }) && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(2)) }
        #expect(ended.withLockedValue { $0 })
    }
}
