import FakeFarm
import Foundation
import Testing
import TraefikCore

/// A proxy whose only provider is a (fake) Consul catalog, with the whoami backends registered by `prepare`.
struct ConsulCatalogProxy: HostRoutedProxy {
    let harness: ProxyHarness
    let catalog: FakeConsulCatalogServer
    let port: Int

    var whoamiPorts: [Int] { harness.backends.map(\.port) }

    static func with(
        prepare: (FakeConsulCatalogServer, [Int]) -> Void,
        _ body: (ConsulCatalogProxy) async throws -> Void
    ) async throws {
        let catalog = try await FakeConsulCatalogServer.start()
        let toml = """
            ProvidersThrottleDuration = "100ms"
            [entryPoints]
              [entryPoints.http]
              address = "127.0.0.1:{{PORT}}"
            [consulCatalog]
            endpoint = "\(catalog.endpoint)"
            domain = "consul.localhost"
            """
        do {
            try await ProxyHarness.with(backends: 2, toml: toml, waitForHTTP: false) { harness in
                prepare(catalog, harness.backends.map(\.port))
                let port = try await harness.listeningPort("the entry point opens with the catalog's routes")
                try await body(ConsulCatalogProxy(harness: harness, catalog: catalog, port: port))
            }
        } catch {
            await catalog.stop()
            throw error
        }
        await catalog.stop()
    }
}

@Suite(.serialized) struct ConsulCatalogThroughProxyTests {
    /// M1, M2, M4 at start, then M3: deregistering removes the route.
    @Test func registeredServicesAreServedAndDeregisteredOnesRemoved() async throws {
        try await ConsulCatalogProxy.with { catalog, ports in
            catalog.register(.init(id: "test-1", service: "test", port: ports[0]))
            catalog.register(.init(id: "web-1", service: "Web", node: "node2.dc1", port: ports[1]))
            catalog.register(.init(id: "sick-1", service: "sick", port: ports[0], passing: false))
        } _: { proxy in
            try await proxy.waitUntil("test.consul.localhost", servedBy: "whoami1")
            try await proxy.waitUntil("web.consul.localhost", servedBy: "whoami2")
            #expect(try await proxy.get(host: "sick.consul.localhost").status == 404)
            #expect(proxy.catalog.requests.contains("/v1/health/service/web"))
            proxy.catalog.deregister(id: "test-1")
            try await proxy.waitUntil("test.consul.localhost", servedBy: nil)
            try await proxy.waitUntil("web.consul.localhost", servedBy: "whoami2")
        }
    }

    /// The fix: a health change alone (the catalog index does not move) reloads too.
    @Test func aHealthChangeAloneReloads() async throws {
        try await ConsulCatalogProxy.with { catalog, ports in
            catalog.register(.init(id: "test-1", service: "test", port: ports[0]))
            catalog.register(.init(id: "test-2", service: "test", node: "node2", port: ports[1], passing: false))
        } _: { proxy in
            try await proxy.waitUntil("test.consul.localhost", servedBy: "whoami1")
            proxy.catalog.setPassing(id: "test-1", false)
            try await proxy.waitUntil("test.consul.localhost", servedBy: nil)
            proxy.catalog.setPassing(id: "test-2", true)
            try await proxy.waitUntil("test.consul.localhost", servedBy: "whoami2")
        }
    }

    /// D15: Consul gone keeps the last routes; back again, its changes apply.
    @Test func anOutageKeepsTheLastRoutesAndRecovers() async throws {
        try await ConsulCatalogProxy.with { catalog, ports in
            catalog.register(.init(id: "test-1", service: "test", port: ports[0]))
        } _: { proxy in
            try await proxy.waitUntil("test.consul.localhost", servedBy: "whoami1")
            let rejectedBefore = proxy.harness.traefik.rejectedUpdates
            await proxy.catalog.stop()
            try await eventually(timeout: .seconds(10), "the outage is noticed") {
                proxy.harness.traefik.rejectedUpdates > rejectedBefore
            }
            #expect(try await proxy.get(host: "test.consul.localhost").whoami().name == "whoami1")
            proxy.catalog.register(.init(id: "test-1", service: "test", port: proxy.whoamiPorts[1]))
            try await proxy.catalog.restart()
            try await proxy.waitUntil("test.consul.localhost", servedBy: "whoami2")
        }
    }
}
