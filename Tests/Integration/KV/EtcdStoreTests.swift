import FakeFarm
import KVStores
import ProviderHTTP
import Testing

/// EtcdStore (v2 keys API and v3 gateway) against FakeEtcdServer: listings, watches, history loss, outages.
@Suite struct EtcdStoreTests {
    static let versions: [EtcdStore.APIVersion] = [.v2, .v3]

    static func seeded() async throws -> FakeEtcdServer {
        let fake = try await FakeEtcdServer.start()
        fake.put("/traefik/backends/b1/servers/s1/url", "http://127.0.0.1:9001")
        fake.put("/traefik/backends/b1/servers/s1/weight", "1")
        fake.put("/traefik/frontends/f1/backend", "b1")
        fake.put("/traefik_other/x", "not mine")
        fake.put("/elsewhere", "no")
        return fake
    }

    static func expectStoreError(_ kind: KVStoreError.Kind, _ error: (any Error)?) {
        let storeError = error as? KVStoreError
        #expect(storeError?.kind == kind, "\(String(describing: error))")
    }

    @Test(arguments: versions)
    func listsTheNestedTreeBelowThePrefixOnly(version: EtcdStore.APIVersion) async throws {
        let fake = try await Self.seeded()
        defer { Task { await fake.stop() } }
        let store = try EtcdStore(endpoint: fake.endpoint, version: version)
        let expected = [
            KVEntry(key: "/traefik/backends/b1/servers/s1/url", value: "http://127.0.0.1:9001"),
            KVEntry(key: "/traefik/backends/b1/servers/s1/weight", value: "1"),
            KVEntry(key: "/traefik/frontends/f1/backend", value: "b1"),
        ]
        #expect(try await store.listTree(prefix: "/traefik") == expected)
        #expect(try await store.listTree(prefix: "traefik/") == expected)
        #expect(try await store.listTree(prefix: "/traefik/frontends/f1/backend") == [expected[2]])
        #expect(try await store.listTree(prefix: "/absent") == [])
        #expect(try await store.listTree(prefix: "").count == 5)
    }

    @Test(arguments: versions)
    func aChangeAfterArmedFiresAndOthersPrefixesDoNot(version: EtcdStore.APIVersion) async throws {
        let fake = try await Self.seeded()
        defer { Task { await fake.stop() } }
        let store = try EtcdStore(endpoint: fake.endpoint, version: version)
        let watch = KVWatchRecorder(store.watchTree(prefix: "/traefik"))
        defer { watch.cancel() }
        try await watch.waitFor([.armed])
        fake.put("/traefik/frontends/f1/backend", "b2")
        try await watch.waitFor([.armed, .changed])
        fake.put("/traefik_other/x", "still not mine")
        fake.delete("/traefik/backends")
        try await watch.waitFor([.armed, .changed, .changed])
        #expect(watch.events == [.armed, .changed, .changed])
        #expect(watch.error == nil)
    }

    @Test func v2HistoryClearedRelistsAndKeepsWatching() async throws {
        let fake = try await Self.seeded()
        defer { Task { await fake.stop() } }
        let store = try EtcdStore(endpoint: fake.endpoint, version: .v2)
        let watch = KVWatchRecorder(store.watchTree(prefix: "/traefik"))
        defer { watch.cancel() }
        try await watch.waitFor([.armed])
        try await eventually("the first poll") { fake.pendingWatchCount == 1 }
        fake.forgetHistoryBeforeNextWatch()
        fake.put("/traefik/a", "1")
        // The event, then the next poll's errorCode 401 → a fresh listing, reported as one more change.
        try await watch.waitFor([.armed, .changed, .changed])
        #expect(fake.historyClearedReplyCount == 1)
        try await eventually("the watch to poll again") { fake.pendingWatchCount == 1 }
        fake.put("/traefik/b", "2")
        try await watch.waitFor([.armed, .changed, .changed, .changed])
        #expect(watch.error == nil)
    }

    @Test func v2EmptyPollRepliesArePolledAgain() async throws {
        let fake = try await Self.seeded()
        defer { Task { await fake.stop() } }
        let store = try EtcdStore(endpoint: fake.endpoint, version: .v2)
        let watch = KVWatchRecorder(store.watchTree(prefix: "/traefik"))
        defer { watch.cancel() }
        try await watch.waitFor([.armed])
        try await eventually("the first poll") { fake.pendingWatchCount == 1 }
        fake.endPollsEmpty()
        try await eventually("a poll after the empty reply") { fake.pendingWatchCount == 1 }
        #expect(watch.events == [.armed])
        fake.put("/traefik/a", "1")
        try await watch.waitFor([.armed, .changed])
    }

    @Test func v3CompactedWatchRelistsAndWatchesAgain() async throws {
        let fake = try await Self.seeded()
        defer { Task { await fake.stop() } }
        let store = try EtcdStore(endpoint: fake.endpoint, version: .v3)
        fake.forgetHistoryBeforeNextWatch()
        let watch = KVWatchRecorder(store.watchTree(prefix: "/traefik"))
        defer { watch.cancel() }
        try await watch.waitFor([.armed, .changed])
        #expect(fake.historyClearedReplyCount == 1)
        try await eventually("the second watch") { fake.pendingWatchCount == 1 }
        fake.put("/traefik/a", "1")
        try await watch.waitFor([.armed, .changed, .changed])
        #expect(watch.events == [.armed, .changed, .changed])
    }

    @Test(arguments: versions)
    func serverGoneEndsTheWatchAndListsFailUnreachable(version: EtcdStore.APIVersion) async throws {
        let fake = try await Self.seeded()
        let store = try EtcdStore(endpoint: fake.endpoint, version: version)
        let watch = KVWatchRecorder(store.watchTree(prefix: "/traefik"))
        try await watch.waitFor([.armed])
        try await eventually("the watch to be pending") { fake.pendingWatchCount == 1 }
        await fake.stop()
        Self.expectStoreError(.unreachable, try await watch.waitForFailure())
        await #expect(throws: KVStoreError.self) { try await store.listTree(prefix: "/traefik") }
        do {
            _ = try await store.listTree(prefix: "/traefik")
        } catch {
            Self.expectStoreError(.unreachable, error)
            #expect("\(error)".contains(fake.endpoint))
        }
    }

    @Test(arguments: versions)
    func droppedConnectionsEndTheWatch(version: EtcdStore.APIVersion) async throws {
        let fake = try await Self.seeded()
        defer { Task { await fake.stop() } }
        let store = try EtcdStore(endpoint: fake.endpoint, version: version)
        let watch = KVWatchRecorder(store.watchTree(prefix: "/traefik"))
        try await watch.waitFor([.armed])
        try await eventually("the watch to be pending") { fake.pendingWatchCount == 1 }
        await fake.dropConnections()
        Self.expectStoreError(.unreachable, try await watch.waitForFailure())
    }

    @Test(arguments: versions)
    func cancellingTheWatchReleasesItsConnection(version: EtcdStore.APIVersion) async throws {
        let fake = try await Self.seeded()
        defer { Task { await fake.stop() } }
        let store = try EtcdStore(endpoint: fake.endpoint, version: version)
        let watch = KVWatchRecorder(store.watchTree(prefix: "/traefik"))
        try await watch.waitFor([.armed])
        try await eventually("the watch to hold a connection") { fake.pendingWatchCount == 1 && fake.openConnectionCount == 1 }
        watch.cancel()
        try await eventually("the connection to be closed") { fake.openConnectionCount == 0 && fake.pendingWatchCount == 0 }
    }

    @Test func closedStoreIsUnreachable() async throws {
        let fake = try await Self.seeded()
        defer { Task { await fake.stop() } }
        let store = try EtcdStore(endpoint: fake.endpoint)
        await store.close()
        do {
            _ = try await store.listTree(prefix: "/traefik")
            Issue.record("a closed store listed")
        } catch {
            Self.expectStoreError(.unreachable, error)
        }
    }

    @Test(arguments: versions)
    func somethingElseAnsweringIsAnInvalidResponse(version: EtcdStore.APIVersion) async throws {
        let consul = try await FakeConsulServer.start()
        defer { Task { await consul.stop() } }
        let store = try EtcdStore(endpoint: consul.endpoint, version: version)
        do {
            _ = try await store.listTree(prefix: "/traefik")
            Issue.record("Consul passed for etcd")
        } catch {
            Self.expectStoreError(.invalidResponse, error)
        }
    }
}
