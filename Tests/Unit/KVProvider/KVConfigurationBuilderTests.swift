import KVStores
import Providers
import Testing
import TraefikCore

/// The seed's key table (spec §12.2) under `/traefik`.
let seedKeyTable: [String: String] = [
    "/traefik/backends/backend1/circuitbreaker/expression": "NetworkErrorRatio() > 0.5",
    "/traefik/backends/backend1/servers/server1/url": "http://172.17.0.2:80",
    "/traefik/backends/backend1/servers/server1/weight": "10",
    "/traefik/backends/backend1/servers/server2/url": "http://172.17.0.3:80",
    "/traefik/backends/backend1/servers/server2/weight": "1",
    "/traefik/backends/backend2/loadbalancer/method": "drr",
    "/traefik/backends/backend2/servers/server1/url": "http://172.17.0.4:80",
    "/traefik/backends/backend2/servers/server1/weight": "1",
    "/traefik/backends/backend2/servers/server2/url": "http://172.17.0.5:80",
    "/traefik/backends/backend2/servers/server2/weight": "2",
    "/traefik/frontends/frontend1/backend": "backend2",
    "/traefik/frontends/frontend1/routes/test_1/rule": "Host",
    "/traefik/frontends/frontend1/routes/test_1/value": "test.localhost",
    "/traefik/frontends/frontend2/backend": "backend1",
    "/traefik/frontends/frontend2/passHostHeader": "true",
    "/traefik/frontends/frontend2/entrypoints": "http,https",
    "/traefik/frontends/frontend2/routes/test_2/rule": "Path",
    "/traefik/frontends/frontend2/routes/test_2/value": "/test",
]

func tree(_ values: [String: String]) -> KVTree {
    KVTree(values.map { KVEntry(key: $0.key, value: $0.value) })
}

@Suite struct KVConfigurationBuilderTests {
    let builder = KVConfigurationBuilder(provider: .etcd)

    @Test func seedKeyTableBuildsBothFrontendsAndBackends() {
        let snapshot = builder.snapshot(from: tree(seedKeyTable), prefix: "/traefik")
        let expected = DynamicConfiguration(
            backends: [
                "backend1": Backend(
                    servers: [
                        "server1": Server(url: "http://172.17.0.2:80", weight: 10),
                        "server2": Server(url: "http://172.17.0.3:80", weight: 1),
                    ],
                    circuitBreaker: CircuitBreakerConfig(expression: "NetworkErrorRatio() > 0.5")
                ),
                "backend2": Backend(
                    servers: [
                        "server1": Server(url: "http://172.17.0.4:80", weight: 1),
                        "server2": Server(url: "http://172.17.0.5:80", weight: 2),
                    ],
                    loadBalancer: LoadBalancerConfig(method: "drr")
                ),
            ],
            frontends: [
                "frontend1": Frontend(backend: "backend2", routes: ["test_1": Route(rule: "Host", value: "test.localhost")]),
                "frontend2": Frontend(
                    backend: "backend1", entryPoints: ["http", "https"], passHostHeader: true,
                    routes: ["test_2": Route(rule: "Path", value: "/test")]
                ),
            ]
        )
        #expect(snapshot.configuration == expected)
        #expect(snapshot.diagnostics.isEmpty)
        #expect(snapshot.locations["backends.backend1.servers.server2"]?.description
            == "/traefik/backends/backend1/servers/server2/url")
    }

    @Test func aBadWeightDisablesOnlyItsBackendAndNamesTheKey() {
        var values = seedKeyTable
        values["/traefik/backends/backend1/servers/server2/weight"] = "heavy"
        let snapshot = builder.snapshot(from: tree(values), prefix: "/traefik")
        #expect(snapshot.configuration.backends.keys.sorted() == ["backend2"])
        #expect(snapshot.configuration.frontends.count == 2)
        #expect(snapshot.diagnostics.map(\.description) == [
            "etcd /traefik/backends/backend1/servers/server2/weight: backends.backend1: "
                + "/traefik/backends/backend1/servers/server2/weight = \"heavy\" is not an integer; backend backend1 is disabled"
        ])
    }

    @Test func aMissingWeightMeansZeroLikeTheFileProvider() {
        var values = seedKeyTable
        values["/traefik/backends/backend1/servers/server1/weight"] = nil
        let snapshot = builder.snapshot(from: tree(values), prefix: "/traefik")
        #expect(snapshot.configuration.backends["backend1"]?.servers["server1"]?.weight == 0)
        #expect(snapshot.diagnostics.isEmpty)
    }

    @Test(arguments: [
        ("/traefik/frontends/frontend2/passHostHeader", "yes", "is not true or false"),
        ("/traefik/frontends/frontend2/backend", nil, "is missing"),
        ("/traefik/frontends/frontend2/routes/test_2/value", nil, "is missing"),
        ("/traefik/frontends/frontend2/priority", "high", "is not an integer"),
    ] as [(String, String?, String)])
    func aBadFrontendKeyDisablesOnlyThatFrontend(key: String, value: String?, problem: String) {
        var values = seedKeyTable
        values[key] = value
        let snapshot = builder.snapshot(from: tree(values), prefix: "/traefik")
        #expect(snapshot.configuration.frontends.keys.sorted() == ["frontend1"])
        #expect(snapshot.configuration.backends.count == 2)
        #expect(snapshot.diagnostics.count == 1)
        #expect(snapshot.diagnostics.first?.message.contains("\(key)") == true)
        #expect(snapshot.diagnostics.first?.message.contains(problem) == true)
        #expect(snapshot.diagnostics.first?.keyPath == "frontends.frontend2")
    }

    @Test func missingServerURLDisablesTheBackend() {
        var values = seedKeyTable
        values["/traefik/backends/backend2/servers/server1/url"] = nil
        let snapshot = builder.snapshot(from: tree(values), prefix: "/traefik")
        #expect(snapshot.configuration.backends.keys.sorted() == ["backend1"])
        #expect(snapshot.diagnostics.first?.keyPath == "backends.backend2")
    }

    @Test func entryPointListsAreTrimmedAndPriorityRead() {
        var values = seedKeyTable
        values["/traefik/frontends/frontend2/entrypoints"] = "http, https ,"
        values["/traefik/frontends/frontend2/priority"] = "7"
        let frontend = builder.snapshot(from: tree(values), prefix: "/traefik").configuration.frontends["frontend2"]
        #expect(frontend?.entryPoints == ["http", "https"])
        #expect(frontend?.priority == 7)
    }

    @Test func otherPrefixesAndSiblingsAreIgnored() {
        var values = seedKeyTable
        values["/traefik_configurations/1/frontends/other/backend"] = "backend1"
        values["/traefik/frontendsX/x/backend"] = "backend1"
        let snapshot = builder.snapshot(from: tree(values), prefix: "traefik/")
        #expect(snapshot.configuration.frontends.keys.sorted() == ["frontend1", "frontend2"])
    }

    @Test func keysAreNormalised() {
        #expect(KVKeyPath.normalised("traefik//backends/") == "/traefik/backends")
        #expect(KVKeyPath.normalised("") == "/")
        let listing = KVTree([KVEntry(key: "traefik/frontends/f/backend", value: "b")])
        #expect(listing.value(at: "/traefik/frontends/f/backend") == "b")
        #expect(listing.children(of: "/traefik/frontends") == ["f"])
        #expect(listing.children(of: "/") == ["traefik"])
    }
}

@Suite struct RetryBackoffTests {
    @Test func growsByTheMultiplierUpToTheCapWithoutJitter() {
        var backoff = RetryBackoff(initial: .milliseconds(500), maximum: .seconds(2), multiplier: 2, jitter: 0)
        let delays = (0..<5).map { _ in backoff.nextDelay() }
        #expect(delays == [.milliseconds(500), .seconds(1), .seconds(2), .seconds(2), .seconds(2)])
        backoff.reset()
        #expect(backoff.nextDelay() == .milliseconds(500))
    }

    @Test func jitterStaysWithinItsSpread() {
        var backoff = RetryBackoff(initial: .seconds(1), maximum: .seconds(60), multiplier: 1.5, jitter: 0.5)
        for _ in 0..<200 {
            let delay = backoff.nextDelay()
            #expect(delay >= .milliseconds(500) && delay <= .seconds(90))
        }
        // Two hundred steps in, the base is pinned at the cap.
        let capped = backoff.nextDelay()
        #expect(capped >= .seconds(30) && capped <= .seconds(90))
    }
}
