import FakeFarm
import Testing

@Suite("Routing through the proxy")
struct RoutingThroughProxyTests {
    static let config = testEntryPoint + """
        [backends]
          [backends.one]
            [backends.one.servers.s]
            url = "http://127.0.0.1:{{B1}}"
          [backends.two]
            [backends.two.servers.s]
            url = "http://127.0.0.1:{{B2}}"
        [frontends]
          [frontends.host]
          backend = "one"
            [frontends.host.routes.r]
            rule = "Host"
            value = "test.localhost"
          [frontends.template]
          backend = "two"
            [frontends.template.routes.r]
            rule = "Host"
            value = "{subdomain:[a-z]+}.example.com"
          [frontends.path]
          backend = "one"
            [frontends.path.routes.r]
            rule = "Path"
            value = "/articles/{category}/{id:[0-9]+}"
          [frontends.prefix]
          backend = "two"
            [frontends.prefix.routes.r]
            rule = "PathPrefix"
            value = "/api"
          [frontends.methods]
          backend = "one"
            [frontends.methods.routes.p]
            rule = "PathPrefix"
            value = "/write"
            [frontends.methods.routes.m]
            rule = "Methods"
            value = "POST,PUT"
          [frontends.headers]
          backend = "two"
            [frontends.headers.routes.h]
            rule = "Headers"
            value = "X-Tenant,blue"
          [frontends.regexp]
          backend = "one"
            [frontends.regexp.routes.h]
            rule = "HeadersRegexp"
            value = "Content-Type,application/(text|json)"
        """

    @Test func eachRuleKindRoutesToItsBackend() async throws {
        try await ProxyHarness.with(toml: Self.config) { proxy in
            let host = try await proxy.get("/", host: "test.localhost:8000")
            #expect(try host.whoami().name == "whoami1")
            #expect(try await proxy.get("/", host: "abc.example.com").whoami().name == "whoami2")
            #expect(try await proxy.get("/", host: "ab1.example.com").status == 404)
            #expect(try await proxy.get("/", host: "Test.localhost").status == 404)  // Host is case-sensitive
            #expect(try await proxy.get("/articles/news/12", host: "x").whoami().name == "whoami1")
            #expect(try await proxy.get("/articles/news/x", host: "x").status == 404)
            #expect(try await proxy.get("/apix?q=1", host: "x").whoami().name == "whoami2")
            #expect(try await proxy.get("/write/a", host: "x", method: "PUT", body: []).whoami().name == "whoami1")
            #expect(try await proxy.get("/write/a", host: "x", method: "GET").status == 404)
            #expect(try await proxy.get("/", host: "x", headers: [("x-tenant", "blue")]).whoami().name == "whoami2")
            #expect(try await proxy.get("/", host: "x", headers: [("X-Tenant", "red")]).status == 404)
            let regexp = try await proxy.get("/", host: "x", headers: [("Content-Type", "application/json; charset=utf-8")])
            #expect(try regexp.whoami().name == "whoami1")
        }
    }

    @Test func noMatchAnswers404WithGoBody() async throws {
        try await ProxyHarness.with(toml: Self.config) { proxy in
            let response = try await proxy.get("/nothing", host: "nowhere")
            #expect(response.status == 404)
            #expect(response.bodyText == "404 page not found\n")
            #expect(response.header("Content-Type") == "text/plain; charset=utf-8")
        }
    }

    @Test func uncleanPathsAreRedirectedToTheCleanedPath() async throws {
        try await ProxyHarness.with(toml: Self.config) { proxy in
            let doubled = try await proxy.get("//api/x", host: "x")
            #expect(doubled.status == 301)
            #expect(doubled.header("Location") == "/api/x")
            let dotted = try await proxy.get("/a/../b?x=1", host: "nowhere")
            #expect(dotted.status == 301)
            #expect(dotted.header("Location") == "/b?x=1")
            #expect(dotted.body.isEmpty)
        }
    }

    @Test func frontendOnAnotherEntryPointIsNotReachable() async throws {
        let config = testEntryPoint + """
              [entryPoints.admin]
              address = "127.0.0.1:0"
            [backends]
              [backends.one.servers.s]
              url = "http://127.0.0.1:{{B1}}"
            [frontends]
              [frontends.adminOnly]
              backend = "one"
              entryPoints = ["admin"]
            """
        try await ProxyHarness.with(toml: config) { proxy in
            let response = try await proxy.get("/", host: "x")
            #expect(response.status == 404)
        }
    }
}
