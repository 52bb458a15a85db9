import FakeFarm
import Testing

@Suite("Load balancing through the proxy")
struct BalancingThroughProxyTests {
    @Test func weights10And1GiveTenToOne() async throws {
        let config = testEntryPoint + """
            [backends]
              [backends.one]
                [backends.one.loadBalancer]
                method = "wrr"
                [backends.one.servers.a]
                url = "http://127.0.0.1:{{B1}}"
                weight = 10
                [backends.one.servers.b]
                url = "http://127.0.0.1:{{B2}}"
                weight = 1
            [frontends]
              [frontends.f1]
              backend = "one"
                [frontends.f1.routes.r]
                rule = "PathPrefix"
                value = "/f1"
              [frontends.f2]
              backend = "one"
                [frontends.f2.routes.r]
                rule = "PathPrefix"
                value = "/f2"
            """
        try await ProxyHarness.with(toml: config) { proxy in
            var names: [String] = []
            for index in 0..<110 {
                // Two frontends share the backend's sequence (E8), and new connections each time.
                names.append(try await proxy.get(index.isMultiple(of: 2) ? "/f1" : "/f2", host: "h").whoami().name)
            }
            #expect(names.filter { $0 == "whoami1" }.count == 100)
            #expect(names.filter { $0 == "whoami2" }.count == 10)
            #expect(Array(names.prefix(11)) == Array(repeating: "whoami1", count: 10) + ["whoami2"])
        }
    }

    @Test func drrIsAcceptedAndBalances() async throws {
        let config = testEntryPoint + """
            [backends]
              [backends.one]
                [backends.one.LoadBalancer]
                method = "DRR"
                [backends.one.servers.a]
                url = "http://127.0.0.1:{{B1}}"
                [backends.one.servers.b]
                url = "http://127.0.0.1:{{B2}}"
            [frontends]
              [frontends.f]
              backend = "one"
            """
        try await ProxyHarness.with(toml: config) { proxy in
            var names: [String] = []
            for _ in 0..<10 { names.append(try await proxy.get("/", host: "h").whoami().name) }
            #expect(names.filter { $0 == "whoami1" }.count == 5)
        }
    }
}
