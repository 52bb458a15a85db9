import FakeFarm
import KVStores
import NIOCore
import NIOPosix
import Testing

/// The ZooKeeper store against the in-process fake server: listing, whole-subtree watches (D16), outages.
@Suite("ZooKeeper store against the fake server")
struct ZooKeeperFakeServerTests {
    let group = MultiThreadedEventLoopGroup.singleton

    private func withFake(
        requestTimeout: Duration = .seconds(5),
        _ body: (FakeZooKeeperServer, ZooKeeperStore) async throws -> Void
    ) async throws {
        let fake = try await FakeZooKeeperServer.start(group: group)
        let store = ZooKeeperStore(endpoint: fake.endpoint, requestTimeout: requestTimeout, eventLoopGroup: group)
        do {
            try await body(fake, store)
        } catch {
            await store.close()
            try await fake.shutdown()
            throw error
        }
        await store.close()
        try await fake.shutdown()
    }

    @Test func listsANestedTreeWithValuesOnInnerNodes() async throws {
        try await withFake { fake, store in
            try await fake.set("/traefik/backends/b1/servers/s1/url", "http://127.0.0.1:8081")
            try await fake.set("/traefik/backends/b1/servers/s1/weight", "1")
            try await fake.set("/traefik/frontends/f1/backend", "b1")
            // A value on a node that also has children: an entry, not a folder.
            try await fake.set("/traefik/frontends", "inner")
            try await fake.set("/traefik/empty", "")
            try await fake.set("/other/key", "not listed")

            let expected = [
                KVEntry(key: "/traefik/backends/b1/servers/s1/url", value: "http://127.0.0.1:8081"),
                KVEntry(key: "/traefik/backends/b1/servers/s1/weight", value: "1"),
                KVEntry(key: "/traefik/empty", value: ""),
                KVEntry(key: "/traefik/frontends", value: "inner"),
                KVEntry(key: "/traefik/frontends/f1/backend", value: "b1"),
            ]
            #expect(try await store.listTree(prefix: "/traefik") == expected)
            #expect(try await store.listTree(prefix: "traefik/") == expected)
            #expect(try await store.listTree(prefix: "/traefik/frontends/f1/backend") == [KVEntry(key: "/traefik/frontends/f1/backend", value: "b1")])
        }
    }

    @Test func absentPrefixListsNothing() async throws {
        try await withFake { _, store in
            let listed = try await store.listTree(prefix: "/traefik")
            #expect(listed == [])
        }
    }

    @Test func writesThroughTheStoreAreReadBack() async throws {
        try await withFake { fake, store in
            try await store.put([KVEntry(key: "/traefik/a", value: "1"), KVEntry(key: "/traefik/a/b", value: "2")])
            try await store.put(key: "/traefik/a", value: "3")
            #expect(try await fake.value(at: "/traefik/a") == "3")
            #expect(try await store.listTree(prefix: "/traefik") == [KVEntry(key: "/traefik/a", value: "3"), KVEntry(key: "/traefik/a/b", value: "2")])
            try await store.deleteTree(key: "/traefik")
            #expect(try await fake.value(at: "/traefik") == nil)
            try await store.deleteTree(key: "/traefik")
        }
    }

    @Test func aDeepValueChangeFiresTheWatch() async throws {
        try await withFake { fake, store in
            try await fake.set("/traefik/backends/b1/servers/s1/url", "http://a")
            let recorder = await ZooKeeperWatchRecorder.recording(store.watchTree(prefix: "/traefik"))
            try await eventually("watch armed") { await recorder.isArmed }
            // A data and a child watch on each of the 6 nodes from /traefik down (D16), in place before `.armed`.
            #expect(try await fake.watchCount() == 12)

            try await fake.set("/traefik/backends/b1/servers/s1/url", "http://b")
            try await eventually("deep change reported") { await recorder.changeCount >= 1 }
            // Re-armed: a second change is seen too.
            let seen = await recorder.changeCount
            try await fake.set("/traefik/backends/b1/servers/s1/url", "http://c")
            try await eventually("second change reported") { await recorder.changeCount > seen }
            #expect(await recorder.finished == false)
            await recorder.stop()
        }
    }

    @Test func addingAndRemovingChildrenFiresTheWatch() async throws {
        try await withFake { fake, store in
            try await fake.set("/traefik/frontends/f1/backend", "b1")
            let recorder = await ZooKeeperWatchRecorder.recording(store.watchTree(prefix: "/traefik"))
            try await eventually("watch armed") { await recorder.isArmed }

            try await fake.set("/traefik/frontends/f2/backend", "b2")
            try await eventually("child added") { await recorder.changeCount >= 1 }
            let afterAdd = await recorder.changeCount
            // The new subtree is watched too.
            try await fake.set("/traefik/frontends/f2/backend", "b3")
            try await eventually("change below the added child") { await recorder.changeCount > afterAdd }
            let afterChange = await recorder.changeCount
            try await fake.delete("/traefik/frontends/f1")
            try await eventually("child removed") { await recorder.changeCount > afterChange }
            await recorder.stop()
        }
    }

    @Test func changesOutsideThePrefixDoNotFire() async throws {
        try await withFake { fake, store in
            try await fake.set("/traefik/a", "1")
            try await fake.set("/traefikother/a", "1")
            let recorder = await ZooKeeperWatchRecorder.recording(store.watchTree(prefix: "/traefik"))
            try await eventually("watch armed") { await recorder.isArmed }
            try await fake.set("/traefikother/a", "2")
            // A change inside afterwards proves the outside one was delivered in order and ignored.
            try await fake.set("/traefik/a", "2")
            try await eventually("inside change") { await recorder.changeCount == 1 }
            #expect(await recorder.changeCount == 1)
            await recorder.stop()
        }
    }

    @Test func creatingAnAbsentPrefixFiresTheWatch() async throws {
        try await withFake { fake, store in
            let recorder = await ZooKeeperWatchRecorder.recording(store.watchTree(prefix: "/traefik"))
            try await eventually("watch armed") { await recorder.isArmed }
            try await fake.set("/traefik", "")
            try await eventually("prefix created") { await recorder.changeCount >= 1 }
            await recorder.stop()
        }
    }

    @Test func droppedConnectionEndsTheWatchAndTheNextCallReconnects() async throws {
        try await withFake { fake, store in
            try await fake.set("/traefik/a", "1")
            let recorder = await ZooKeeperWatchRecorder.recording(store.watchTree(prefix: "/traefik"))
            try await eventually("watch armed") { await recorder.isArmed }

            try await fake.dropAllConnections()
            try await eventually("watch ended") { await recorder.finished }
            let failure = try #require(await recorder.failure)
            #expect(failure.kind == .unreachable)
            #expect(failure.description.contains(fake.endpoint))
            // The store does not retry by itself, but a new call opens a new session.
            #expect(try await store.listTree(prefix: "/traefik") == [KVEntry(key: "/traefik/a", value: "1")])
        }
    }

    @Test func anUnresponsiveServerTimesOutTheRequest() async throws {
        try await withFake(requestTimeout: .seconds(1)) { fake, store in
            try await fake.set("/traefik/a", "1")
            let recorder = await ZooKeeperWatchRecorder.recording(store.watchTree(prefix: "/traefik"))
            try await eventually("watch armed") { await recorder.isArmed }
            try await fake.setUnresponsive(true)
            let error = await #expect(throws: KVStoreError.self) { try await store.listTree(prefix: "/traefik") }
            #expect(error?.kind == .unreachable)
            #expect(error?.description.contains("timed out") == true)
            #expect(error?.description.contains(fake.endpoint) == true)
            try await eventually("watch ended by the timeout") { await recorder.finished }
            #expect(await recorder.failure?.kind == .unreachable)
        }
    }

    @Test func aSilentServerIsDetectedByPingsAlone() async throws {
        let fake = try await FakeZooKeeperServer.start(group: group)
        let store = ZooKeeperStore(endpoint: fake.endpoint, sessionTimeout: .milliseconds(1_500), requestTimeout: .seconds(1), eventLoopGroup: group)
        let recorder = await ZooKeeperWatchRecorder.recording(store.watchTree(prefix: "/traefik"))
        try await eventually("watch armed") { await recorder.isArmed }
        try await fake.setUnresponsive(true)
        try await eventually("ping timeout ends the watch") { await recorder.finished }
        #expect(await recorder.failure?.kind == .unreachable)
        await store.close()
        try await fake.shutdown()
    }

    @Test func aThousandKeysAreListed() async throws {
        try await withFake { _, store in
            let entries = (0..<1_000).map { KVEntry(key: "/traefik/backends/b\($0 % 10)/servers/s\($0)/url", value: "http://10.0.0.\($0 % 250):\($0)") }
            try await store.put(entries)
            let clock = ContinuousClock()
            let started = clock.now
            let listed = try await store.listTree(prefix: "/traefik")
            let elapsed = clock.now - started
            #expect(listed == entries.sorted { $0.key < $1.key })
            #expect(elapsed < .seconds(5), "listing 1000 keys took \(elapsed)")
        }
    }

    @Test func unreachableEndpointAndClosedStoreThrowUnreachable() async throws {
        let port = try PortAllocator.closedPort()
        let store = ZooKeeperStore(endpoint: "127.0.0.1:\(port)", eventLoopGroup: group)
        let refused = await #expect(throws: KVStoreError.self) { try await store.listTree(prefix: "/") }
        #expect(refused?.kind == .unreachable)
        #expect(refused?.description.contains("127.0.0.1:\(port)") == true)

        let recorder = await ZooKeeperWatchRecorder.recording(store.watchTree(prefix: "/"))
        try await eventually("watch fails at once") { await recorder.finished }
        #expect(await recorder.failure?.kind == .unreachable)

        try await withFake { fake, store in
            let watching = await ZooKeeperWatchRecorder.recording(store.watchTree(prefix: "/"))
            try await eventually("watch armed") { await watching.isArmed }
            #expect(try await fake.sessionCount() == 1)
            await store.close()
            try await eventually("session closed") { try await fake.sessionCount() == 0 }
            try await eventually("watch ended by close") { await watching.finished }
            #expect(await watching.failure?.description.contains("closed") == true)
            let closed = await #expect(throws: KVStoreError.self) { try await store.listTree(prefix: "/") }
            #expect(closed?.kind == .unreachable)
        }
    }
}
