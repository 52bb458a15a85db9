import Testing
import TraefikCore

@Suite("Throttling configuration updates per provider")
struct ProviderThrottleTests {
    private struct Applied: Equatable, CustomStringConvertible {
        let at: Duration
        let provider: ProviderName
        let update: String

        var description: String { "\(update)@\(at) from \(provider.rawValue)" }
    }

    /// Feeds `events` in time order the way the watcher does: whatever is due before an event is
    /// applied first; after the last event, every pending update is applied at its deadline.
    private func run(
        period: Duration,
        _ events: [(at: Duration, provider: ProviderName, update: String)]
    ) -> [Applied] {
        var throttle = ProviderThrottle<String>(period: period)
        var applied: [Applied] = []
        func applyDue(upTo limit: Duration) {
            // At most one turn per provider: each turn applies at least the earliest pending update.
            for _ in ProviderName.allCases {
                guard let deadline = throttle.nextDeadline, deadline <= limit else { return }
                applied += throttle.takeDue(now: deadline).map { Applied(at: deadline, provider: $0.0, update: $0.1) }
            }
        }
        for event in events {
            applyDue(upTo: event.at)
            if let update = throttle.receive(event.update, from: event.provider, now: event.at) {
                applied.append(Applied(at: event.at, provider: event.provider, update: update))
            }
        }
        applyDue(upTo: .seconds(1_000_000))
        #expect(throttle.nextDeadline == nil)
        return applied
    }

    @Test("The first update of a provider applies at once")
    func firstUpdateImmediate() {
        var throttle = ProviderThrottle<String>(period: .seconds(2))
        #expect(throttle.receive("v1", from: .file, now: .seconds(100)) == "v1")
        #expect(throttle.nextDeadline == nil)
        #expect(throttle.takeDue(now: .seconds(1000)).isEmpty)
    }

    @Test("A burst costs one immediate apply and one trailing apply of its newest update")
    func burstCollapsesToNewest() {
        let applied = run(period: .seconds(2), [
            (.seconds(10), .file, "v1"),
            (.milliseconds(10_300), .file, "v2"),
            (.milliseconds(10_900), .file, "v3"),
            (.milliseconds(11_999), .file, "v4"),
        ])
        #expect(applied == [
            Applied(at: .seconds(10), provider: .file, update: "v1"),
            Applied(at: .seconds(12), provider: .file, update: "v4"),
        ])
    }

    @Test("The window restarts at the trailing apply")
    func windowRestartsAtTrailingApply() {
        let applied = run(period: .seconds(2), [
            (.seconds(0), .file, "v1"),
            (.seconds(1), .file, "v2"),
            (.seconds(3), .file, "v3"), // v2 applied at 2 s, so v3 waits until 4 s
            (.seconds(7), .file, "v4"), // quiet since 4 s: at once
        ])
        #expect(applied == [
            Applied(at: .seconds(0), provider: .file, update: "v1"),
            Applied(at: .seconds(2), provider: .file, update: "v2"),
            Applied(at: .seconds(4), provider: .file, update: "v3"),
            Applied(at: .seconds(7), provider: .file, update: "v4"),
        ])
    }

    @Test("H7/D14: providers sending inside each other's windows lose nothing (the seed lost B's update)")
    func interleavedProvidersLoseNothing() {
        // §13.1: A sends, B sends inside the window, A sends again inside B's window.
        let applied = run(period: .seconds(2), [
            (.seconds(0), .file, "A1"),
            (.milliseconds(500), .docker, "B1"),
            (.milliseconds(1000), .docker, "B2"),
            (.milliseconds(1200), .file, "A2"),
            (.milliseconds(1400), .docker, "B3"),
            (.milliseconds(1600), .file, "A3"),
        ])
        #expect(applied == [
            Applied(at: .seconds(0), provider: .file, update: "A1"),
            Applied(at: .milliseconds(500), provider: .docker, update: "B1"),
            Applied(at: .seconds(2), provider: .file, update: "A3"),
            Applied(at: .milliseconds(2500), provider: .docker, update: "B3"),
        ])
    }

    @Test("Updates due together come out in provider order")
    func dueTogetherInProviderOrder() {
        var throttle = ProviderThrottle<String>(period: .seconds(2))
        for provider in [ProviderName.consulCatalog, .docker, .file] {
            #expect(throttle.receive("first", from: provider, now: .zero) == "first")
            #expect(throttle.receive("second", from: provider, now: .seconds(1)) == nil)
        }
        let due = throttle.takeDue(now: .seconds(2))
        #expect(due.map(\.0) == [.file, .docker, .consulCatalog])
        #expect(due.map(\.1) == ["second", "second", "second"])
        #expect(throttle.nextDeadline == nil)
    }

    @Test("Period 0 applies every update at once")
    func zeroPeriod() {
        var throttle = ProviderThrottle<String>(period: .zero)
        for (index, update) in ["v1", "v2", "v3"].enumerated() {
            #expect(throttle.receive(update, from: .marathon, now: .seconds(5)) == update, "update \(index)")
        }
        #expect(throttle.nextDeadline == nil)
        #expect(throttle.takeDue(now: .seconds(5)).isEmpty)
    }

    @Test("nextDeadline is the earliest pending provider's last apply plus the period")
    func nextDeadlineValues() {
        var throttle = ProviderThrottle<String>(period: .seconds(2))
        _ = throttle.receive("w1", from: .web, now: .seconds(1))
        _ = throttle.receive("f1", from: .file, now: .seconds(2))
        #expect(throttle.nextDeadline == nil) // applied at once, nothing pending

        #expect(throttle.receive("f2", from: .file, now: .milliseconds(2500)) == nil)
        #expect(throttle.nextDeadline == .seconds(4))
        #expect(throttle.receive("w2", from: .web, now: .milliseconds(2900)) == nil)
        #expect(throttle.nextDeadline == .seconds(3))

        #expect(throttle.takeDue(now: .seconds(3)).map(\.1) == ["w2"])
        #expect(throttle.nextDeadline == .seconds(4))
        #expect(throttle.takeDue(now: .seconds(4)).map(\.1) == ["f2"])
        #expect(throttle.nextDeadline == nil)
    }

    @Test("takeDue returns nothing before the deadline and keeps the update pending")
    func takeDueBeforeAndAtDeadline() {
        var throttle = ProviderThrottle<String>(period: .seconds(2))
        _ = throttle.receive("v1", from: .etcd, now: .seconds(10))
        _ = throttle.receive("v2", from: .etcd, now: .seconds(11))
        #expect(throttle.takeDue(now: .milliseconds(11_999)).isEmpty)
        #expect(throttle.nextDeadline == .seconds(12))
        let due = throttle.takeDue(now: .seconds(12))
        #expect(due.map(\.0) == [.etcd])
        #expect(due.map(\.1) == ["v2"])
        #expect(throttle.takeDue(now: .seconds(12)).isEmpty)
    }

    @Test("A late takeDue starts the provider's next window at the time it ran")
    func lateTakeDueRecordsNow() {
        var throttle = ProviderThrottle<String>(period: .seconds(2))
        _ = throttle.receive("v1", from: .zookeeper, now: .zero)
        _ = throttle.receive("v2", from: .zookeeper, now: .seconds(1))
        #expect(throttle.takeDue(now: .seconds(5)).map(\.1) == ["v2"])
        #expect(throttle.receive("v3", from: .zookeeper, now: .seconds(6)) == nil)
        #expect(throttle.nextDeadline == .seconds(7))
    }

    @Test("An update arriving after its window ended replaces the stale pending one and applies at once")
    func newUpdateSupersedesOverduePending() {
        var throttle = ProviderThrottle<String>(period: .seconds(2))
        _ = throttle.receive("v1", from: .boltdb, now: .zero)
        _ = throttle.receive("v2", from: .boltdb, now: .seconds(1))
        #expect(throttle.receive("v3", from: .boltdb, now: .seconds(3)) == "v3")
        #expect(throttle.nextDeadline == nil)
        #expect(throttle.takeDue(now: .seconds(10)).isEmpty)
    }
}
