import FakeFarm
import Foundation
import KVStores
import NIOConcurrencyHelpers
import NIOPosix
import ProviderHTTP
import Testing
import TraefikCore

/// A key/value store the proxy reads routes from, as an operator would write to it.
protocol RouteStore: Sendable {
    /// The launch configuration section enabling the provider (`[etcd]` …).
    var section: String { get }
    /// Writes several keys; stores without transactions write them one by one, in key order.
    func write(_ values: [String: String]) async throws
    /// Cuts every client connection (sessions, watches) while the store stays up; false when it cannot.
    func dropConnections() async throws -> Bool
    func stop() async
}

extension RouteStore {
    func dropConnections() async throws -> Bool { false }
}

/// Every store the KV provider supports, fake and real (real etcd and ZooKeeper come from Debian; `make test`
/// installs them).
enum RouteStoreKind: String, CaseIterable, CustomTestStringConvertible, Sendable {
    case fakeEtcdV2, fakeEtcdV3, fakeConsul, fakeZooKeeper, boltdb, realEtcdV2, realEtcdV3, realZooKeeper

    var testDescription: String { rawValue }

    func start() async throws -> any RouteStore {
        switch self {
        case .fakeEtcdV2: try await FakeEtcdRoutes(server: FakeEtcdServer.start(), version: "v2")
        case .fakeEtcdV3: try await FakeEtcdRoutes(server: FakeEtcdServer.start(), version: "v3")
        case .fakeConsul: try await FakeConsulRoutes(server: FakeConsulServer.start())
        case .fakeZooKeeper: try await FakeZooKeeperRoutes(server: FakeZooKeeperServer.start(group: .singletonMultiThreadedEventLoopGroup))
        case .boltdb: try BoltRoutes()
        case .realEtcdV2: try await RealEtcdRoutes(process: EtcdServerProcess.start(), version: "v2")
        case .realEtcdV3: try await RealEtcdRoutes(process: EtcdServerProcess.start(), version: "v3")
        case .realZooKeeper: try await RealZooKeeperRoutes.start()
        }
    }
}

struct FakeEtcdRoutes: RouteStore {
    let server: FakeEtcdServer
    let version: String
    var section: String { "[etcd]\nendpoint = \"\(server.endpoint)\"\nversion = \"\(version)\"\n" }
    func write(_ values: [String: String]) async throws {
        for (key, value) in values.inWriteOrder { server.put(key, value) }
    }
    func dropConnections() async throws -> Bool {
        await server.dropConnections()
        return true
    }
    func stop() async { await server.stop() }
}

struct FakeConsulRoutes: RouteStore {
    let server: FakeConsulServer
    var section: String { "[consul]\nendpoint = \"\(server.endpoint)\"\n" }
    func write(_ values: [String: String]) async throws {
        for (key, value) in values.inWriteOrder { server.put(String(key.dropFirst()), value) }
    }
    func dropConnections() async throws -> Bool {
        await server.dropConnections()
        return true
    }
    func stop() async { await server.stop() }
}

struct FakeZooKeeperRoutes: RouteStore {
    let server: FakeZooKeeperServer
    var section: String { "[zookeeper]\nendpoint = \"\(server.endpoint)\"\n" }
    func write(_ values: [String: String]) async throws {
        for (key, value) in values.inWriteOrder { try await server.set(key, value) }
    }
    func dropConnections() async throws -> Bool {
        try await server.dropAllConnections()
        return true
    }
    func stop() async { try? await server.shutdown() }
}

/// A bbolt file rewritten (atomically, as bbolt commits look to a reader) at every write.
final class BoltRoutes: RouteStore {
    let directory: URL
    var path: String { directory.appendingPathComponent("traefik.db").path }
    private let values = NIOLockedValueBox([String: String]())

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("bolt-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    var section: String { "[boltdb]\nendpoint = \"\(path)\"\nprefix = \"traefik\"\n" }

    func write(_ new: [String: String]) async throws {
        let all = values.withLockedValue { values in
            // bbolt keys as libkv writes them: no leading slash.
            for (key, value) in new { values[String(key.dropFirst())] = value }
            return values
        }
        try BoltFileWriter().image(current: ["traefik": .libkv(all)]).write(to: path, atomically: true)
    }

    func removeFile() throws { try FileManager.default.removeItem(atPath: path) }

    func stop() async { try? FileManager.default.removeItem(at: directory) }
}

struct RealEtcdRoutes: RouteStore {
    let process: EtcdServerProcess
    let version: String
    var section: String { "[etcd]\nendpoint = \"\(process.endpoint)\"\nversion = \"\(version)\"\n" }

    func write(_ values: [String: String]) async throws {
        let client = try ProviderHTTPClient(endpoint: HTTPEndpoint(parsing: process.endpoint))
        for (key, value) in values.inWriteOrder {
            let request: ProviderHTTPRequest
            if version == "v2" {
                let form = "value=" + (value.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? value)
                request = ProviderHTTPRequest(
                    method: "PUT", target: "/v2/keys\(key)", headers: [("Content-Type", "application/x-www-form-urlencoded")],
                    body: Array(form.utf8))
            } else {
                let body = "{\"key\":\"\(Data(key.utf8).base64EncodedString())\",\"value\":\"\(Data(value.utf8).base64EncodedString())\"}"
                request = ProviderHTTPRequest(method: "POST", target: "/v3/kv/put", body: Array(body.utf8))
            }
            let response = try await client.send(request)
            guard (200..<300).contains(response.head.status) else { throw TestFailure("etcd put \(key): \(response.head.status)") }
        }
    }

    func stop() async { await process.stop() }
}

struct RealZooKeeperRoutes: RouteStore {
    let process: ZooKeeperServerProcess
    let writer: ZooKeeperStore

    static func start() async throws -> RealZooKeeperRoutes {
        let process = try await ZooKeeperServerProcess.start(group: .singletonMultiThreadedEventLoopGroup)
        return RealZooKeeperRoutes(
            process: process, writer: ZooKeeperStore(endpoint: process.endpoint, eventLoopGroup: .singletonMultiThreadedEventLoopGroup))
    }

    var section: String { "[zookeeper]\nendpoint = \"\(process.endpoint)\"\n" }
    func write(_ values: [String: String]) async throws {
        try await writer.put(values.inWriteOrder.map { KVEntry(key: $0.key, value: $0.value) })
    }
    func stop() async {
        await writer.close()
        await process.stop()
    }
}

extension Dictionary where Key == String, Value == String {
    /// Key order, with each frontend's `backend` key after the others and `alias` last: a frontend without `backend`
    /// is left out, so a store written key by key never shows a half-written frontend (one with no routes yet would
    /// match every request), and an alias never points at a half-written configuration.
    var inWriteOrder: [(key: String, value: String)] {
        func rank(_ key: String) -> Int { key.hasSuffix("/alias") ? 2 : key.hasSuffix("/backend") ? 1 : 0 }
        return sorted { (rank($0.key), $0.key) < (rank($1.key), $1.key) }
    }
}

/// The keys of one frontend `f<name>` (rule Host `<host>`) → backend `b<name>` with one server.
func routeKeys(_ prefix: String, name: String, host: String, serverPort: Int, weight: String = "1") -> [String: String] {
    [
        "\(prefix)/backends/b\(name)/servers/s1/url": "http://127.0.0.1:\(serverPort)",
        "\(prefix)/backends/b\(name)/servers/s1/weight": weight,
        "\(prefix)/frontends/f\(name)/backend": "b\(name)",
        "\(prefix)/frontends/f\(name)/routes/r/rule": "Host",
        "\(prefix)/frontends/f\(name)/routes/r/value": host,
    ]
}

/// A proxy whose only provider is one key/value store; its entry point opens with the store's first routes.
struct KVProxy: HostRoutedProxy {
    let harness: ProxyHarness
    let store: any RouteStore
    let port: Int

    var whoamiPorts: [Int] { harness.backends.map(\.port) }

    /// Starts the store and the proxy, writes `initial(backendPorts)` and waits until the routes serve.
    static func with(
        _ kind: RouteStoreKind, extraTOML: String = "",
        initial: ([Int]) -> [String: String],
        _ body: (KVProxy) async throws -> Void
    ) async throws {
        let store = try await kind.start()
        let toml = """
            ProvidersThrottleDuration = "100ms"
            [entryPoints]
              [entryPoints.http]
              address = "127.0.0.1:{{PORT}}"
            \(extraTOML)
            \(store.section)
            """
        let harness: ProxyHarness
        do {
            harness = try await ProxyHarness.start(backends: 2, toml: toml, waitForHTTP: false)
        } catch {
            await store.stop()
            throw error
        }
        do {
            try await store.write(initial(harness.backends.map(\.port)))
            let port = try await harness.listeningPort("the entry point opens with the store's routes")
            try await body(KVProxy(harness: harness, store: store, port: port))
        } catch {
            await harness.stop()
            await store.stop()
            throw error
        }
        await harness.stop()
        await store.stop()
    }
}

@Suite(.serialized) struct KVThroughProxyTests {
    @Test(arguments: RouteStoreKind.allCases)
    func initialLoadAndChangesAreServed(kind: RouteStoreKind) async throws {
        try await KVProxy.with(kind, initial: { ports in
            routeKeys("/traefik", name: "1", host: "one.test", serverPort: ports[0])
        }) { proxy in
            try await proxy.waitUntil("one.test", servedBy: "whoami1")
            #expect(try await proxy.get(host: "two.test").status == 404)
            // A changed server URL, then a second frontend.
            try await proxy.store.write(["/traefik/backends/b1/servers/s1/url": "http://127.0.0.1:\(proxy.whoamiPorts[1])"])
            try await proxy.waitUntil("one.test", servedBy: "whoami2")
            try await proxy.store.write(routeKeys("/traefik", name: "2", host: "two.test", serverPort: proxy.whoamiPorts[0]))
            try await proxy.waitUntil("two.test", servedBy: "whoami1")
            #expect(proxy.harness.traefik.currentDiagnostics.isEmpty)
        }
    }

    /// `/traefik/alias` switches between two complete configurations; requests under load see the old one, then the
    /// new one, never a mix (issue 11: "alias switch atomic under load").
    @Test(arguments: RouteStoreKind.allCases)
    func aliasSwitchIsAtomicUnderLoad(kind: RouteStoreKind) async throws {
        try await KVProxy.with(kind, initial: { ports in
            var keys = routeKeys("/configs/1", name: "a", host: "a.test", serverPort: ports[0])
            keys.merge(routeKeys("/configs/1", name: "b", host: "b.test", serverPort: ports[0])) { $1 }
            keys.merge(routeKeys("/configs/2", name: "a", host: "a.test", serverPort: ports[1])) { $1 }
            keys.merge(routeKeys("/configs/2", name: "b", host: "b.test", serverPort: ports[1])) { $1 }
            keys["/traefik/alias"] = "/configs/1"
            return keys
        }) { proxy in
            try await proxy.waitUntil("a.test", servedBy: "whoami1")
            try await proxy.waitUntil("b.test", servedBy: "whoami1")
            // Writing under the configuration not in use changes nothing served.
            try await proxy.store.write(["/configs/2/frontends/fa/routes/r/value": "a.test"])
            let progress = NIOLockedValueBox(0)
            let load = Task {
                var served: [String] = []
                // Alternating hosts: a mix would show as a → whoami2 then b → whoami1 (or the reverse).
                for index in 0..<4_000 where !Task.isCancelled {
                    let response = try await proxy.get(host: index % 2 == 0 ? "a.test" : "b.test")
                    served.append(response.status == 200 ? try response.whoami().name : "status \(response.status)")
                    progress.withLockedValue { $0 = served.count }
                    if served.count >= 40 && served.suffix(40).allSatisfy({ $0 == "whoami2" }) { break }
                }
                return served
            }
            try await eventually("load under way") { progress.withLockedValue { $0 } >= 20 }
            try await proxy.store.write(["/traefik/alias": "/configs/2"])
            let served = try await load.value
            let firstNew = served.firstIndex(of: "whoami2") ?? served.endIndex
            #expect(served.allSatisfy { $0 == "whoami1" || $0 == "whoami2" }, "\(Set(served))")
            #expect(firstNew > 0 && served[..<firstNew].allSatisfy { $0 == "whoami1" })
            #expect(served[firstNew...].allSatisfy { $0 == "whoami2" }, "old routes served after the switch")
            #expect(served.last == "whoami2")
        }
    }

    /// D15: a key with a bad value disables its frontend, with a diagnostic naming the key; the rest serves.
    @Test(arguments: [RouteStoreKind.fakeEtcdV2, .fakeConsul, .fakeZooKeeper, .boltdb])
    func aBadValueDisablesOnlyItsBackend(kind: RouteStoreKind) async throws {
        try await KVProxy.with(kind, initial: { ports in
            var keys = routeKeys("/traefik", name: "1", host: "one.test", serverPort: ports[0])
            keys.merge(routeKeys("/traefik", name: "2", host: "two.test", serverPort: ports[1], weight: "heavy")) { $1 }
            return keys
        }) { proxy in
            try await proxy.waitUntil("one.test", servedBy: "whoami1")
            #expect(try await proxy.get(host: "two.test").status == 404)
            let diagnostics = proxy.harness.traefik.currentDiagnostics.map(\.description)
            #expect(diagnostics.contains { $0.contains("/traefik/backends/b2/servers/s1/weight = \"heavy\" is not an integer") })
            try await proxy.store.write(["/traefik/backends/b2/servers/s1/weight": "3"])
            try await proxy.waitUntil("two.test", servedBy: "whoami2")
        }
    }

    /// D15: the store lost later keeps the last good routes; back again, changes apply.
    @Test func aLostStoreKeepsTheLastRoutesAndRecovers() async throws {
        try await KVProxy.with(.boltdb, initial: { ports in
            routeKeys("/traefik", name: "1", host: "one.test", serverPort: ports[0])
        }) { proxy in
            try await proxy.waitUntil("one.test", servedBy: "whoami1")
            let bolt = try #require(proxy.store as? BoltRoutes)
            let rejectedBefore = proxy.harness.traefik.rejectedUpdates
            try bolt.removeFile()
            try await eventually(timeout: .seconds(10), "the outage is noticed") {
                proxy.harness.traefik.rejectedUpdates > rejectedBefore
            }
            #expect(try await proxy.get(host: "one.test").whoami().name == "whoami1")
            try await bolt.write(["/traefik/backends/b1/servers/s1/url": "http://127.0.0.1:\(proxy.whoamiPorts[1])"])
            try await proxy.waitUntil("one.test", servedBy: "whoami2")
        }
    }

    /// A lost connection (watch, session) is retried; routes keep serving meanwhile and later changes apply.
    @Test(arguments: [RouteStoreKind.fakeEtcdV2, .fakeEtcdV3, .fakeConsul, .fakeZooKeeper])
    func aDroppedConnectionIsRetriedAndLaterChangesApply(kind: RouteStoreKind) async throws {
        try await KVProxy.with(kind, initial: { ports in
            routeKeys("/traefik", name: "1", host: "one.test", serverPort: ports[0])
        }) { proxy in
            try await proxy.waitUntil("one.test", servedBy: "whoami1")
            #expect(try await proxy.store.dropConnections())
            #expect(try await proxy.get(host: "one.test").whoami().name == "whoami1")
            try await proxy.store.write(["/traefik/backends/b1/servers/s1/url": "http://127.0.0.1:\(proxy.whoamiPorts[1])"])
            try await proxy.waitUntil("one.test", servedBy: "whoami2")
        }
    }

    /// D15 at start: a store nobody answers for does not stop the other providers' routes.
    @Test func anUnreachableStoreAtStartLeavesTheFileRoutesServing() async throws {
        let unusedPort = try PortAllocator.closedPort()
        let toml = """
            ProvidersThrottleDuration = "100ms"
            [entryPoints]
              [entryPoints.http]
              address = "127.0.0.1:{{PORT}}"
            [file]
            [consul]
            endpoint = "127.0.0.1:\(unusedPort)"
            [backends.b.servers.s]
            url = "http://127.0.0.1:{{B1}}"
            [frontends.f]
            backend = "b"
            """
        try await ProxyHarness.with(backends: 1, toml: toml) { proxy in
            #expect(try await proxy.get("/", host: "any.test").whoami().name == "whoami1")
            try await eventually(timeout: .seconds(10), "the consul outage is reported") {
                proxy.traefik.rejectedUpdates >= 1
            }
            #expect(try await proxy.get("/", host: "any.test").status == 200)
        }
    }
}
