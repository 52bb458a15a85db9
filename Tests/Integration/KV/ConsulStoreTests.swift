import FakeFarm
import KVStores
import ProviderHTTP
import Testing

/// ConsulStore against FakeConsulServer: listings with Consul's string-prefix `recurse`, blocking-query watches,
/// index resets, outages.
@Suite struct ConsulStoreTests {
    static func seeded() async throws -> FakeConsulServer {
        let fake = try await FakeConsulServer.start()
        fake.putFolder("traefik")
        fake.putFolder("traefik/backends")
        fake.put("traefik/backends/b1/servers/s1/url", "http://127.0.0.1:9001")
        fake.put("/traefik/frontends/f1/backend", "b1")
        fake.put("traefik_configurations/x", "not mine")
        return fake
    }

    static func expectStoreError(_ kind: KVStoreError.Kind, _ error: (any Error)?) {
        #expect((error as? KVStoreError)?.kind == kind, "\(String(describing: error))")
    }

    @Test func listsLeavesBelowThePrefixWithLeadingSlashes() async throws {
        let fake = try await Self.seeded()
        defer { Task { await fake.stop() } }
        let store = try ConsulStore(endpoint: fake.endpoint)
        let expected = [
            KVEntry(key: "/traefik/backends/b1/servers/s1/url", value: "http://127.0.0.1:9001"),
            KVEntry(key: "/traefik/frontends/f1/backend", value: "b1"),
        ]
        #expect(try await store.listTree(prefix: "/traefik") == expected)
        #expect(try await store.listTree(prefix: "traefik") == expected)
        #expect(try await store.listTree(prefix: "/absent") == [])
        #expect(try await store.listTree(prefix: "").map(\.key) == expected.map(\.key) + ["/traefik_configurations/x"])
    }

    @Test func aChangeAfterArmedFiresButAStringPrefixSiblingDoesNot() async throws {
        let fake = try await Self.seeded()
        defer { Task { await fake.stop() } }
        let store = try ConsulStore(endpoint: fake.endpoint)
        let watch = KVWatchRecorder(store.watchTree(prefix: "/traefik"))
        defer { watch.cancel() }
        try await watch.waitFor([.armed])
        try await eventually("a blocking query") { fake.pendingBlockingQueryCount == 1 }
        fake.put("traefik/frontends/f1/backend", "b2")
        try await watch.waitFor([.armed, .changed])
        try await eventually("the next blocking query") { fake.pendingBlockingQueryIndexes == [fake.index] }
        fake.put("traefik_configurations/x", "changed, but not below traefik/")
        // Once the store asks from the sibling's index it has seen that answer, and yielded nothing for it.
        try await eventually("the query after the sibling change") { fake.pendingBlockingQueryIndexes == [fake.index] }
        fake.deleteTree("traefik/backends")
        try await watch.waitFor([.armed, .changed, .changed])
        try await eventually("the query after the deletion") { fake.pendingBlockingQueryIndexes == [fake.index] }
        #expect(watch.events == [.armed, .changed, .changed])
    }

    @Test func anIndexGoingBackwardsIsAChange() async throws {
        let fake = try await Self.seeded()
        defer { Task { await fake.stop() } }
        let store = try ConsulStore(endpoint: fake.endpoint)
        let watch = KVWatchRecorder(store.watchTree(prefix: "/traefik"))
        defer { watch.cancel() }
        try await watch.waitFor([.armed])
        try await eventually("a blocking query") { fake.pendingBlockingQueryCount == 1 }
        fake.resetIndex(to: 2)
        try await watch.waitFor([.armed, .changed])
        // Watching goes on from the new, lower index.
        try await eventually("a blocking query from the reset index") { fake.pendingBlockingQueryCount == 1 }
        fake.put("traefik/new", "1")
        try await watch.waitFor([.armed, .changed, .changed])
    }

    @Test func anExpiredWaitWithoutChangeIsNotAChange() async throws {
        let fake = try await Self.seeded()
        defer { Task { await fake.stop() } }
        let store = try ConsulStore(endpoint: fake.endpoint, blockingWait: .seconds(1))
        let watch = KVWatchRecorder(store.watchTree(prefix: "/traefik"))
        defer { watch.cancel() }
        try await watch.waitFor([.armed])
        try await eventually("the wait to expire") { fake.answeredBlockingQueryCount == 1 }
        try await eventually("the next blocking query") { fake.pendingBlockingQueryCount == 1 }
        #expect(watch.events == [.armed])
    }

    @Test func serverGoneEndsTheWatchAndListsFailUnreachable() async throws {
        let fake = try await Self.seeded()
        let store = try ConsulStore(endpoint: fake.endpoint)
        let watch = KVWatchRecorder(store.watchTree(prefix: "/traefik"))
        try await watch.waitFor([.armed])
        try await eventually("a blocking query") { fake.pendingBlockingQueryCount == 1 }
        await fake.stop()
        Self.expectStoreError(.unreachable, try await watch.waitForFailure())
        do {
            _ = try await store.listTree(prefix: "/traefik")
            Issue.record("listed a stopped Consul")
        } catch {
            Self.expectStoreError(.unreachable, error)
        }
    }

    @Test func cancellingTheWatchReleasesItsConnection() async throws {
        let fake = try await Self.seeded()
        defer { Task { await fake.stop() } }
        let store = try ConsulStore(endpoint: fake.endpoint)
        let watch = KVWatchRecorder(store.watchTree(prefix: "/traefik"))
        try await watch.waitFor([.armed])
        try await eventually("a blocking query") { fake.pendingBlockingQueryCount == 1 && fake.openConnectionCount == 1 }
        watch.cancel()
        try await eventually("the connection to be closed") {
            fake.openConnectionCount == 0 && fake.pendingBlockingQueryCount == 0
        }
    }
}
