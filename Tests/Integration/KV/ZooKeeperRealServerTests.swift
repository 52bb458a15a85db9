import FakeFarm
import KVStores
import NIOCore
import NIOPosix
import Testing

/// The ZooKeeper store against the real server from the Debian package, started per test (a few seconds).
@Suite("ZooKeeper store against a real ZooKeeper", .serialized)
struct ZooKeeperRealServerTests {
    let group = MultiThreadedEventLoopGroup.singleton

    private func withServer(_ body: (ZooKeeperServerProcess, ZooKeeperStore) async throws -> Void) async throws {
        let server = try await ZooKeeperServerProcess.start(group: group)
        let store = ZooKeeperStore(endpoint: server.endpoint, eventLoopGroup: group)
        do {
            try await body(server, store)
        } catch {
            await store.close()
            let log = server.logTail(lines: 60)
            await server.stop()
            Issue.record("ZooKeeper log tail:\n\(log)")
            throw error
        }
        await store.close()
        await server.stop()
        #expect(!server.isRunning)
    }

    @Test func listsWhatWasWrittenAndWatchesTheWholeSubtree() async throws {
        try await withServer { server, store in
            let written = [
                KVEntry(key: "/traefik/backends/b1/servers/s1/url", value: "http://127.0.0.1:8081"),
                KVEntry(key: "/traefik/backends/b1/servers/s1/weight", value: "10"),
                KVEntry(key: "/traefik/frontends", value: "inner value"),
                KVEntry(key: "/traefik/frontends/f1/backend", value: "b1"),
                KVEntry(key: "/traefik/frontends/f1/routes/r1/rule", value: "Host"),
            ]
            try await store.put(written)
            #expect(try await store.listTree(prefix: "/traefik") == written)
            let absent = try await store.listTree(prefix: "/absent")
            #expect(absent == [])

            let recorder = await ZooKeeperWatchRecorder.recording(store.watchTree(prefix: "traefik"))
            try await eventually(timeout: .seconds(10), "watch armed") { await recorder.isArmed }
            try await store.put(key: "/traefik/backends/b1/servers/s1/weight", value: "20")
            try await eventually(timeout: .seconds(10), "deep change reported") { await recorder.changeCount >= 1 }
            let afterChange = await recorder.changeCount
            try await store.put(key: "/traefik/backends/b2/servers/s1/url", value: "http://127.0.0.1:8082")
            try await eventually(timeout: .seconds(10), "added subtree reported") { await recorder.changeCount > afterChange }
            let afterAdd = await recorder.changeCount
            try await store.deleteTree(key: "/traefik/frontends/f1")
            try await eventually(timeout: .seconds(10), "removed subtree reported") { await recorder.changeCount > afterAdd }
            #expect(try await store.listTree(prefix: "/traefik").map(\.key) == [
                "/traefik/backends/b1/servers/s1/url", "/traefik/backends/b1/servers/s1/weight",
                "/traefik/backends/b2/servers/s1/url", "/traefik/frontends",
            ])

            // Stopping the server ends the watch and makes the store unreachable.
            await server.stop()
            try await eventually(timeout: .seconds(15), "watch ended by the outage") { await recorder.finished }
            #expect(await recorder.failure?.kind == .unreachable)
            let error = await #expect(throws: KVStoreError.self) { try await store.listTree(prefix: "/traefik") }
            #expect(error?.kind == .unreachable)
            #expect(error?.description.contains(server.endpoint) == true)
        }
    }

    @Test func aThousandKeysRoundTrip() async throws {
        try await withServer { _, store in
            let entries = (0..<1_000).map { KVEntry(key: "/bulk/b\($0 % 10)/s\($0)", value: "value-\($0)") }
            try await store.put(entries)
            let clock = ContinuousClock()
            let started = clock.now
            let listed = try await store.listTree(prefix: "/bulk")
            let elapsed = clock.now - started
            #expect(listed == entries.sorted { $0.key < $1.key })
            #expect(elapsed < .seconds(5), "listing 1000 keys took \(elapsed)")
        }
    }
}
