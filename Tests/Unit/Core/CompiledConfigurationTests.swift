import Testing
import TraefikCore

@Suite("Compiling a dynamic configuration")
struct CompiledConfigurationTests {
    private let backend = Backend(servers: ["server1": Server(url: "http://127.0.0.1:8081")])

    private func compile(
        frontends: [String: Frontend],
        backends: [String: Backend]? = nil,
        entryPoints: Set<String> = ["http"],
        defaults: [String] = ["http"]
    ) -> CompiledConfiguration {
        CompiledConfiguration.compile(
            DynamicConfiguration(backends: backends ?? ["backend1": backend], frontends: frontends),
            entryPointNames: entryPoints,
            defaultEntryPoints: defaults
        )
    }

    private func frontend(_ routes: [String: Route] = [:], priority: Int = 0, entryPoints: [String] = []) -> Frontend {
        Frontend(backend: "backend1", entryPoints: entryPoints, priority: priority, routes: routes)
    }

    @Test("C14/D5: the more specific rule wins over a shorter one")
    func specificityOrder() {
        let compiled = compile(frontends: [
            "a-front": frontend(["r": Route(rule: "PathPrefix", value: "/")]),
            "b-front": frontend(["r": Route(rule: "Path", value: "/x")]),
        ])
        let router = compiled.router(forEntryPoint: "http")
        #expect(router.firstMatch(CoreTestRequest(path: "/x"))?.name == "b-front")
        #expect(router.firstMatch(CoreTestRequest(path: "/y"))?.name == "a-front")
    }

    @Test("D5: priority, then route count, then value length, then name in byte order")
    func fullOrder() {
        let compiled = compile(frontends: [
            "catch-all": frontend(),
            "frontend2": frontend(["r": Route(rule: "PathPrefix", value: "/a")]),
            "frontend10": frontend(["r": Route(rule: "PathPrefix", value: "/b")]),
            "Zed": frontend(["r": Route(rule: "PathPrefix", value: "/c")]),
            "longer": frontend(["r": Route(rule: "PathPrefix", value: "/abcdef")]),
            "two-routes": frontend(["h": Route(rule: "Host", value: "a"), "p": Route(rule: "Path", value: "/")]),
            "important": frontend(priority: 5),
            "unimportant": frontend(["r": Route(rule: "Path", value: "/very/long/and/specific")], priority: -1),
        ])
        #expect(compiled.frontends.map(\.name) == [
            "important", "two-routes", "longer", "Zed", "frontend10", "frontend2", "catch-all", "unimportant",
        ])
        #expect(compiled.diagnostics.isEmpty)
    }

    @Test("C13: a frontend without routes catches everything its entry point receives")
    func catchAll() {
        let router = compile(frontends: ["frontend3": frontend()]).router(forEntryPoint: "http")
        #expect(router.firstMatch(CoreTestRequest(host: "any", path: "/any"))?.name == "frontend3")
    }

    @Test("Frontend fields are carried over; missing entry points take the defaults")
    func frontendFields() throws {
        var withHostHeader = frontend(["r": Route(rule: "Host", value: "a")], priority: 3)
        withHostHeader.passHostHeader = true
        let compiled = compile(
            frontends: ["f": withHostHeader, "g": frontend(entryPoints: ["https"])],
            entryPoints: ["http", "https"],
            defaults: ["http", "https"]
        )
        let f = try #require(compiled.frontends.first { $0.name == "f" })
        #expect(f.backendName == "backend1")
        #expect(f.passHostHeader)
        #expect(f.priority == 3)
        #expect(f.entryPoints == ["http", "https"])
        #expect(f.matcher == FrontendMatcher(rules: [try coreRule("Host", "a")]))
        let g = try #require(compiled.frontends.first { $0.name == "g" })
        #expect(g.entryPoints == ["https"])
    }

    @Test("C19: routers only hold the frontends wired to their entry point")
    func routersPerEntryPoint() {
        let compiled = compile(
            frontends: ["secure": frontend(entryPoints: ["https"]), "plain": frontend()],
            entryPoints: ["http", "https"]
        )
        #expect(compiled.router(forEntryPoint: "http").frontends.map(\.name) == ["plain"])
        #expect(compiled.router(forEntryPoint: "https").frontends.map(\.name) == ["secure"])
        #expect(compiled.router(forEntryPoint: "admin").frontends.isEmpty)
    }

    @Test("C15/C16: a bad route disables only its frontend, with a diagnostic per bad route")
    func badRouteDisablesOnlyItsFrontend() {
        let compiled = compile(frontends: [
            "frontend1": frontend(["test_1": Route(rule: "host", value: "a"), "test_2": Route(rule: "Path", value: "test")]),
            "frontend2": frontend(["r": Route(rule: "Path", value: "/ok")]),
        ])
        #expect(compiled.frontends.map(\.name) == ["frontend2"])
        #expect(compiled.diagnostics.map(\.keyPath) == ["frontends.frontend1.routes.test_1", "frontends.frontend1.routes.test_2"])
        #expect(compiled.diagnostics[0].message.contains("unknown rule \"host\""))
        #expect(compiled.diagnostics[1].message.contains("must start with"))
        #expect(compiled.diagnostics[0].description.hasPrefix("frontends.frontend1.routes.test_1: "))
    }

    @Test("C20: an undefined entry point disables the frontend")
    func undefinedEntryPoint() {
        let compiled = compile(frontends: ["f": frontend(entryPoints: ["http", "nope"]), "g": frontend()])
        #expect(compiled.frontends.map(\.name) == ["g"])
        #expect(compiled.diagnostics == [
            ConfigDiagnostic(keyPath: "frontends.f.entryPoints", message: "frontend disabled: undefined entry point \"nope\""),
        ])
    }

    @Test("D8: undefined default entry points are reported once; frontends stay enabled")
    func undefinedDefaultEntryPoint() {
        let compiled = compile(frontends: ["f": frontend(), "g": frontend()], entryPoints: ["web"], defaults: ["http"])
        #expect(compiled.frontends.map(\.name) == ["f", "g"])
        #expect(compiled.diagnostics.map(\.keyPath) == ["defaultEntryPoints"])
        #expect(compiled.router(forEntryPoint: "web").frontends.isEmpty)
    }

    @Test("A missing or unnamed backend disables the frontend")
    func missingBackend() {
        let compiled = compile(frontends: [
            "f": Frontend(backend: "nope"),
            "g": Frontend(),
            "h": frontend(),
        ])
        #expect(compiled.frontends.map(\.name) == ["h"])
        #expect(compiled.diagnostics.map(\.keyPath) == ["frontends.f.backend", "frontends.g.backend"])
        #expect(compiled.diagnostics[0].message.contains("\"nope\""))
    }

    @Test("Servers: ordered by name, weight 0 → 1, negative and bad URLs dropped, duplicates merged")
    func servers() throws {
        let compiled = compile(frontends: [:], backends: [
            "b": Backend(servers: [
                "s3": Server(url: "http://127.0.0.1:8083", weight: 5),
                "s1": Server(url: "http://127.0.0.1:8081"),
                "s2": Server(url: "http://127.0.0.1:8082", weight: -1),
                "s4": Server(url: "ftp://127.0.0.1"),
                "s5": Server(url: "http://127.0.0.1:8081/other/path", weight: 3),
            ]),
        ])
        let backend = try #require(compiled.backends["b"])
        #expect(backend.servers.map(\.name) == ["s1", "s3"])
        #expect(backend.servers.map(\.weight) == [3, 5])
        #expect(backend.servers[0].url == ServerURL(scheme: "http", host: "127.0.0.1", port: 8081, authority: "127.0.0.1:8081"))
        #expect(backend.method == .wrr)
        #expect(backend.circuitBreakerExpression == nil)
        #expect(compiled.diagnostics.map(\.keyPath) == [
            "backends.b.servers.s2.weight", "backends.b.servers.s4.url", "backends.b.servers.s5.url",
        ])
    }

    @Test("E4: URLs differing only by the default port are the same server")
    func defaultPortDuplicate() throws {
        let compiled = compile(frontends: [:], backends: [
            "b": Backend(servers: ["a": Server(url: "http://h"), "b": Server(url: "http://h:80")]),
        ])
        #expect(try #require(compiled.backends["b"]).servers.map(\.name) == ["a"])
    }

    @Test(
        "E5: load-balancer method is case-insensitive; unknown falls back to wrr",
        arguments: [("DRR", BalancerMethod.drr, false), ("wrr", .wrr, false), ("", .wrr, false), ("random", .wrr, true)]
    )
    func balancerMethod(configured: String, expected: BalancerMethod, reported: Bool) throws {
        let compiled = compile(frontends: [:], backends: [
            "b": Backend(loadBalancer: LoadBalancerConfig(method: configured)),
        ])
        #expect(try #require(compiled.backends["b"]).method == expected)
        #expect(compiled.diagnostics.map(\.keyPath) == (reported ? ["backends.b.loadBalancer.method"] : []))
    }

    @Test("The circuit-breaker expression is passed through")
    func circuitBreaker() throws {
        let compiled = compile(frontends: [:], backends: [
            "b": Backend(circuitBreaker: CircuitBreakerConfig(expression: "NetworkErrorRatio() > 0.5")),
            "c": Backend(circuitBreaker: CircuitBreakerConfig(expression: " ")),
        ])
        #expect(compiled.backends["b"]?.circuitBreakerExpression == "NetworkErrorRatio() > 0.5")
        #expect(compiled.backends["c"]?.circuitBreakerExpression == nil)
    }

    @Test("Compiling the same configuration twice gives the same result")
    func deterministic() {
        let frontends = Dictionary(uniqueKeysWithValues: (0..<50).map { ("f\($0)", frontend(["r": Route(rule: "PathPrefix", value: "/")])) })
        #expect(compile(frontends: frontends) == compile(frontends: frontends))
        #expect(compile(frontends: frontends).frontends.map(\.name) == frontends.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) })
    }
}
