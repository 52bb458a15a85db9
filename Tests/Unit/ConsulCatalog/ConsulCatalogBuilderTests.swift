import Foundation
import ProviderHTTP
import Providers
import Testing
import TraefikCore

/// The Consul catalog's routes (spec §12A; testable M1, M2, M4) and its template (§12B).
@Suite struct ConsulCatalogBuilderTests {
    static let listing = ConsulCatalogListing(services: [
        "test": [
            ConsulHealthEntry(node: "node1.dc", nodeAddress: "10.0.0.1", serviceName: "test", servicePort: 8080),
            ConsulHealthEntry(node: "node2", nodeAddress: "10.0.0.2", serviceName: "Test", servicePort: 8081),
        ],
        "idle": [],
    ])

    /// M1 and M2: one backend and frontend per service with passing instances, none for the others.
    @Test func servicesWithPassingInstancesGetTheOriginalsRoutes() {
        let snapshot = ConsulCatalogConfigurationBuilder.snapshot(from: Self.listing, domain: "consul.localhost")
        #expect(snapshot.configuration == DynamicConfiguration(
            backends: ["backend-test": Backend(servers: [
                "server-node1-dc-8080": Server(url: "http://10.0.0.1:8080"),
                "server-node2-8081": Server(url: "http://10.0.0.2:8081"),
            ])],
            frontends: ["frontend-test": Frontend(
                backend: "backend-test", routes: ["route-host-test": Route(rule: "Host", value: "test.consul.localhost")])]))
    }

    /// M4 and the original's name filter.
    @Test func serviceNamesAreLowercasedDeduplicatedAndThoseWithSpacesSkipped() {
        #expect(ConsulCatalogListing.serviceNames(inCatalog: ["Web", "web", "consul", "has space", "API"])
            == ["api", "consul", "web"])
    }

    @Test func healthEntriesAreDecoded() throws {
        let json = """
            [{"Node":{"ID":"","Node":"n1","Address":"10.1.1.1"},
              "Service":{"ID":"web-1","Service":"Web","Tags":["a"],"Address":"","Port":80},"Checks":[]}]
            """
        let entries = try JSONDecoder().decode([ConsulHealthEntry].self, from: Data(json.utf8))
        #expect(entries == [
            ConsulHealthEntry(node: "n1", nodeAddress: "10.1.1.1", serviceID: "web-1", serviceName: "Web", servicePort: 80,
                              serviceTags: ["a"]),
        ])
    }

    @Test func theV1StyleTemplateRendersTheSameRoutes() throws {
        let path = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("integration/fixtures/consul_catalog/consul_catalog.tmpl").path
        let client = try ProviderHTTPClient(endpoint: HTTPEndpoint(parsing: "127.0.0.1:1"))
        let templated = ConsulCatalogProvider(client: client, domain: "consul.localhost", templateFile: path)
        let builtIn = ConsulCatalogProvider(client: client, domain: "consul.localhost")
        guard case .snapshot(let rendered) = templated.event(for: Self.listing),
            case .snapshot(let direct) = builtIn.event(for: Self.listing)
        else {
            Issue.record("\(templated.event(for: Self.listing))")
            return
        }
        #expect(rendered.configuration == direct.configuration)
    }
}
