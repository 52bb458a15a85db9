import KVStores
import NIOConcurrencyHelpers
import Providers
import Testing
import TraefikCore

/// Collects a provider's events in the background so tests can wait for them with a deadline.
final class ProviderEventLog: Sendable {
    private let events = NIOLockedValueBox<[ProviderEvent]>([])
    private let finished = NIOLockedValueBox(false)
    private let task: Task<Void, Never>

    init(_ provider: some ConfigurationProvider) {
        let events = self.events
        let finished = self.finished
        task = Task {
            for await event in provider.events() { events.withLockedValue { $0.append(event) } }
            finished.withLockedValue { $0 = true }
        }
    }

    var all: [ProviderEvent] { events.withLockedValue { $0 } }
    var isFinished: Bool { finished.withLockedValue { $0 } }

    var snapshots: [DynamicConfiguration] {
        all.compactMap { if case .snapshot(let snapshot) = $0 { snapshot.configuration } else { nil } }
    }

    /// Waits (up to 5 s) until `condition` holds for the events so far.
    func wait(
        until condition: ([ProviderEvent]) -> Bool, sourceLocation: SourceLocation = #_sourceLocation
    ) async throws {
        let deadline = ContinuousClock.now + .seconds(5)
        while !condition(all) {
            guard ContinuousClock.now < deadline else {
                Issue.record("timed out; events: \(all)", sourceLocation: sourceLocation)
                return
            }
            try await Task.sleep(for: .milliseconds(5))
        }
    }

    func waitForSnapshot(count: Int, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        try await wait(until: { events in events.filter { if case .snapshot = $0 { true } else { false } }.count >= count },
            sourceLocation: sourceLocation)
    }

    func cancel() { task.cancel() }
}

private func hosts(_ configuration: DynamicConfiguration?) -> [String] {
    (configuration?.frontends.values.flatMap { $0.routes.values.map(\.value) } ?? []).sorted()
}

private func frontendKeys(prefix: String, host: String, backend: String = "b") -> [String: String] {
    [
        "\(prefix)/frontends/f/backend": backend,
        "\(prefix)/frontends/f/routes/r/rule": "Host",
        "\(prefix)/frontends/f/routes/r/value": host,
        "\(prefix)/backends/\(backend)/servers/s/url": "http://127.0.0.1:9",
        "\(prefix)/backends/\(backend)/servers/s/weight": "1",
    ]
}

private let quickRetry = RetryBackoff(initial: .milliseconds(10), maximum: .milliseconds(40), multiplier: 2, jitter: 0)

@Suite struct KVProviderTests {
    private func provider(_ store: InMemoryKVStore, watch: Bool = true) -> KVProvider {
        KVProvider(name: .etcd, store: store, endpoint: "memory", prefix: "/traefik", watch: watch, backoff: quickRetry)
    }

    @Test func loadsAtStartAndAppliesEveryChange() async throws {
        let store = InMemoryKVStore(seedKeyTable)
        let log = ProviderEventLog(provider(store))
        defer { log.cancel() }
        try await log.waitForSnapshot(count: 1)
        #expect(log.snapshots.first?.frontends.count == 2)
        store.put("/traefik/frontends/frontend1/routes/test_1/value", "changed.localhost")
        try await log.wait { _ in hosts(log.snapshots.last).contains("changed.localhost") }
        #expect(hosts(log.snapshots.last) == ["/test", "changed.localhost"])
    }

    @Test func anAliasRedirectsEveryReadAndSwitchesAtomically() async throws {
        var values = frontendKeys(prefix: "/traefik_configurations/1", host: "one.localhost")
        values.merge(frontendKeys(prefix: "/traefik_configurations/2", host: "two.localhost")) { $1 }
        values.merge(frontendKeys(prefix: "/traefik", host: "sibling.localhost")) { $1 }
        values["/traefik/alias"] = "/traefik_configurations/1/"
        let store = InMemoryKVStore(values)
        let log = ProviderEventLog(provider(store))
        defer { log.cancel() }
        try await log.waitForSnapshot(count: 1)
        #expect(log.snapshots.map(hosts) == [["one.localhost"]])

        // Writing under the other configuration changes nothing served.
        store.put("/traefik_configurations/2/frontends/f/routes/r/value", "two-b.localhost")
        // Writing under the alias target is applied (its tree is watched too).
        store.put("/traefik_configurations/1/frontends/f/routes/r/value", "one-b.localhost")
        try await log.waitForSnapshot(count: 2)
        store.put("/traefik/alias", "/traefik_configurations/2")
        try await log.waitForSnapshot(count: 3)
        #expect(log.snapshots.map(hosts) == [["one.localhost"], ["one-b.localhost"], ["two-b.localhost"]])
        // The old target is no longer watched: writing there emits nothing.
        store.put("/traefik_configurations/1/frontends/f/routes/r/value", "one-c.localhost")
        store.put("/traefik_configurations/2/frontends/f/routes/r/value", "two-c.localhost")
        try await log.waitForSnapshot(count: 4)
        #expect(log.snapshots.map(hosts).last == ["two-c.localhost"])
        #expect(log.snapshots.count == 4)
    }

    @Test func anOutageIsReportedOnceAndTheStoreIsRetriedUntilItIsBack() async throws {
        let store = InMemoryKVStore(seedKeyTable)
        let log = ProviderEventLog(provider(store))
        defer { log.cancel() }
        try await log.waitForSnapshot(count: 1)
        store.setReachable(false)
        try await log.wait { $0.contains { if case .unavailable = $0 { true } else { false } } }
        let callsDuringOutage = store.callCount
        try await log.wait { _ in store.callCount >= callsDuringOutage + 3 }  // retried…
        #expect(log.all.count == 2)  // …but reported once
        store.put("/traefik/frontends/frontend1/routes/test_1/value", "after.localhost")
        store.setReachable(true)
        try await log.waitForSnapshot(count: 2)
        #expect(hosts(log.snapshots.last).contains("after.localhost"))
    }

    @Test func unreachableOrEmptyAtStartIsRetriedUntilRoutesAppear() async throws {
        let store = InMemoryKVStore()
        store.setReachable(false)
        let log = ProviderEventLog(provider(store))
        defer { log.cancel() }
        try await log.wait { !$0.isEmpty }
        guard case .unavailable(let reason) = log.all.first else { Issue.record("\(log.all)"); return }
        #expect(reason.contains("etcd memory"))
        store.setReachable(true)
        try await log.wait { $0.count >= 2 }
        guard case .unavailable(let empty) = log.all.last else { Issue.record("\(log.all)"); return }
        #expect(empty.contains("no keys under /traefik"))
        store.put(frontendKeys(prefix: "/traefik", host: "late.localhost"))
        try await log.waitForSnapshot(count: 1)
        #expect(hosts(log.snapshots.last) == ["late.localhost"])
    }

    @Test func withoutWatchOneSnapshotEndsTheStream() async throws {
        let store = InMemoryKVStore(seedKeyTable)
        let log = ProviderEventLog(provider(store, watch: false))
        try await log.wait { _ in log.isFinished }
        #expect(log.snapshots.count == 1)
        #expect(store.watchCount == 0)
    }

    @Test func cancellingTheConsumerStopsTheWatches() async throws {
        let store = InMemoryKVStore(seedKeyTable)
        let log = ProviderEventLog(provider(store))
        try await log.waitForSnapshot(count: 1)
        #expect(store.watchCount == 1)
        log.cancel()
        try await log.wait { _ in store.watchCount == 0 }
    }

    @Test func currentEventReadsOnceThroughTheAlias() async throws {
        var values = frontendKeys(prefix: "/configs/a", host: "a.localhost")
        values["/traefik/alias"] = "configs/a"
        let event = await provider(InMemoryKVStore(values)).currentEvent()
        guard case .snapshot(let snapshot) = event else { Issue.record("\(event)"); return }
        #expect(hosts(snapshot.configuration) == ["a.localhost"])
    }
}
