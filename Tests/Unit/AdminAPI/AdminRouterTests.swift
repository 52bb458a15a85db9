@testable import AdminAPI
import Testing
import TraefikCore

/// The admin routes without sockets (spec §9, testable I1–I12).
@Suite struct AdminRouterTests {
    static let notFoundBody = "404 page not found\n"

    func router(_ source: FakeAdminSource = FakeAdminSource(), readOnly: Bool = false) -> AdminRouter {
        AdminRouter(readOnly: readOnly, source: source)
    }

    func get(_ target: String, from source: FakeAdminSource) async -> AdminResponse {
        await router(source).respond(method: "GET", target: target, body: [])
    }

    @Test func rootRedirectsToTheDashboard() async {
        let response = await get("/", from: FakeAdminSource())
        #expect(response.status == 302)
        #expect(response.header("Location") == "/dashboard/")
    }

    @Test func dashboardAssetsComeFromTheAssetTable() async {
        let index = await get("/dashboard/", from: FakeAdminSource())
        #expect(index.status == 200)
        #expect(index.header("Content-Type")?.hasPrefix("text/html") == true)
        #expect(index.body == Array(DashboardAssets.lookup("")!.body.utf8))

        let missing = await get("/dashboard/no-such-asset.js", from: FakeAdminSource())
        #expect(missing.status == 404)
        #expect(missing.bodyText == Self.notFoundBody)
        // Without the trailing slash the dashboard prefix does not match.
        #expect(await get("/dashboard", from: FakeAdminSource()).status == 404)
    }

    @Test func apiBeforeAnyConfigurationIsAnEmptyObject() async {
        let response = await get("/api", from: FakeAdminSource())
        #expect(response.status == 200)
        #expect(response.header("Content-Type") == "application/json; charset=UTF-8")
        #expect(response.bodyText == "{}")
    }

    @Test func apiAndProvidersShowTheStoredConfigurationInGoJSON() async {
        let source = FakeAdminSource(configurations: [.file: AdminSeedConfiguration.file, .web: DynamicConfiguration()])
        let api = await get("/api", from: source)
        let providers = await get("/api/providers", from: source)
        #expect(api.bodyText == #"{"file":"# + AdminSeedConfiguration.fileJSON + #","web":{}}"#)
        #expect(providers.bodyText == api.bodyText)
        // `>` is written as Go writes it (testable I6).
        #expect(api.bodyText.contains(#"NetworkErrorRatio() \u003e 0.5"#))
        #expect(await get("/api/providers/file", from: source).bodyText == AdminSeedConfiguration.fileJSON)
    }

    @Test func falseAndZeroFieldsAreLeftOut() async {
        let configuration = DynamicConfiguration(
            backends: ["b": Backend(servers: ["s": Server(url: "http://127.0.0.1:1")])],
            frontends: ["f": Frontend(backend: "b")])
        let source = FakeAdminSource(configurations: [.file: configuration])
        #expect(await get("/api/providers/file/backends/b/servers/s", from: source).bodyText == #"{"url":"http://127.0.0.1:1"}"#)
        #expect(await get("/api/providers/file/frontends/f", from: source).bodyText == #"{"backend":"b"}"#)
    }

    @Test(arguments: [
        ("/api/providers/file/backends/backend1/servers/server1", #"{"url":"http://172.17.0.2:80","weight":10}"#),
        ("/api/providers/file/backends/backend2", #"{"loadBalancer":{"method":"drr"},"servers":{"server1":{"url":"http://172.17.0.4:80","weight":1},"server2":{"url":"http://172.17.0.5:80","weight":2}}}"#),
        ("/api/providers/file/backends/backend2/servers", #"{"server1":{"url":"http://172.17.0.4:80","weight":1},"server2":{"url":"http://172.17.0.5:80","weight":2}}"#),
        ("/api/providers/file/frontends/frontend1/routes", #"{"test_1":{"rule":"Host","value":"test.localhost"}}"#),
        ("/api/providers/file/frontends/frontend2/routes/test_2", #"{"rule":"Path","value":"/test"}"#),
        ("/api/providers/web/backends", "null"),
        ("/api/providers/web/frontends", "null"),
        ("/api/providers/file/backends/empty/servers", "null"),
        ("/api/providers/file/frontends/bare/routes", "null"),
    ])
    func nestedLookups(target: String, expected: String) async {
        var file = AdminSeedConfiguration.file
        file.backends["empty"] = Backend()
        file.frontends["bare"] = Frontend(backend: "empty")
        let source = FakeAdminSource(configurations: [.file: file, .web: DynamicConfiguration()])
        let response = await get(target, from: source)
        #expect(response.status == 200)
        #expect(response.header("Content-Type") == "application/json; charset=UTF-8")
        #expect(response.bodyText == expected)
    }

    @Test(arguments: [
        "/api/providers/docker",
        "/api/providers/docker/backends",
        "/api/providers/file/backends/nope",
        "/api/providers/file/backends/backend1/servers/nope",
        "/api/providers/file/frontends/nope",
        "/api/providers/file/frontends/frontend1/routes/nope",
        "/api/providers/file/frontends/frontend1/servers",
        "/api/providers/file/backends/backend1/routes",
        "/api/providers/file/backends/backend1/servers/server1/url",
        "/api/providers/file/entryPoints",
        "/api/",
        "/api/providers/",
        "/nothing",
    ])
    func missingThingsAre404(target: String) async {
        let source = FakeAdminSource(configurations: [.file: AdminSeedConfiguration.file])
        let response = await get(target, from: source)
        #expect(response.status == 404)
        #expect(response.bodyText == Self.notFoundBody)
        #expect(response.header("Content-Type") == "text/plain; charset=utf-8")
    }

    @Test(arguments: [("POST", "/api"), ("DELETE", "/api/providers/web"), ("HEAD", "/health"), ("HEAD", "/api"),
                      ("PUT", "/api"), ("PUT", "/api/providers/web/backends"), ("POST", "/dashboard/"), ("get", "/api")])
    func otherMethodsAre404(method: String, target: String) async {
        let response = await router().respond(method: method, target: target, body: Array("{}".utf8))
        #expect(response.status == 404)
        #expect(response.bodyText == Self.notFoundBody)
    }

    @Test(arguments: [
        ("//api", "/api"),
        ("/api/./providers", "/api/providers"),
        ("/api/providers/../../health", "/health"),
        ("/api/./providers?x=1&y", "/api/providers?x=1&y"),
        ("/dashboard/../dashboard/", "/dashboard/"),
        ("http://example.com//api", "/api"),
    ])
    func uncleanPathsRedirectToTheCleanOne(target: String, location: String) async {
        let response = await router().respond(method: "GET", target: target, body: [])
        #expect(response.status == 301)
        #expect(response.header("Location") == location)
        #expect(response.body.isEmpty)
    }

    @Test func percentEscapesAreDecodedInNames() async {
        let source = FakeAdminSource(configurations: [
            .file: DynamicConfiguration(frontends: ["a b": Frontend(backend: "x")]),
        ])
        #expect(await get("/api/providers/file/frontends/a%20b", from: source).bodyText == #"{"backend":"x"}"#)
        #expect(await get("/api/providers/file/frontends/a%2", from: source).status == 400)
        #expect(await get("/api?query=1", from: source).status == 200)
    }

    // MARK: PUT (spec §9: read-only, then provider name, then JSON)

    @Test func readOnlyIsCheckedFirst() async {
        let source = FakeAdminSource()
        for provider in ["web", "file"] {
            let response = await router(source, readOnly: true)
                .respond(method: "PUT", target: "/api/providers/\(provider)", body: Array("not json".utf8))
            #expect(response.status == 403)
            #expect(response.bodyText == "REST API is in read-only mode")
        }
        #expect(source.replacements.isEmpty)
    }

    @Test func onlyTheWebProviderCanBeReplaced() async {
        let source = FakeAdminSource()
        let response = await router(source).respond(method: "PUT", target: "/api/providers/file", body: Array("{".utf8))
        #expect(response.status == 400)
        #expect(response.bodyText == "Only 'web' provider can be updated through the REST API")
        #expect(source.replacements.isEmpty)
    }

    @Test(arguments: ["", "{", #"{"backends": 3}"#, #"{"frontends":{"f":{"passHostHeader":"maybe"}}}"#, "[1] x"])
    func invalidJSONIs400WithTheParserMessage(body: String) async {
        let source = FakeAdminSource()
        let response = await router(source).respond(method: "PUT", target: "/api/providers/web", body: Array(body.utf8))
        #expect(response.status == 400)
        #expect(response.bodyText.hasSuffix("\n"))
        #expect(response.bodyText.count > 1)
        #expect(source.replacements.isEmpty)
    }

    @Test func emptyBodyNamesTheProblem() async {
        let response = await router().respond(method: "PUT", target: "/api/providers/web", body: [])
        #expect(response.bodyText == "line 1:1: unexpected end of input\n")
    }

    @Test func validPutAnswersTheStateBeforeAndHandsOverTheConfiguration() async {
        let source = FakeAdminSource(configurations: [.file: AdminSeedConfiguration.file])
        let body = #"""
            {"Backends": {"b1": {"Servers": {"s1": {"URL": "http://127.0.0.1:9000", "Weight": 3}},
                                 "unknownKey": true}},
             "frontends": {"f1": {"backend": "b1", "routes": {"r": {"rule": "Path", "value": "/x"}}}}}
            """#
        let response = await router(source).respond(method: "PUT", target: "/api/providers/web", body: Array(body.utf8))
        #expect(response.status == 200)
        #expect(response.header("Content-Type") == "application/json; charset=UTF-8")
        #expect(response.bodyText == #"{"file":"# + AdminSeedConfiguration.fileJSON + "}")
        #expect(source.replacements == [DynamicConfiguration(
            backends: ["b1": Backend(servers: ["s1": Server(url: "http://127.0.0.1:9000", weight: 3)])],
            frontends: ["f1": Frontend(backend: "b1", routes: ["r": Route(rule: "Path", value: "/x")])])])
        // The next read shows it (here at once; in the app after the throttle).
        #expect(await get("/api/providers/web/backends/b1/servers/s1", from: source).bodyText
            == #"{"url":"http://127.0.0.1:9000","weight":3}"#)
    }

    @Test func anEmptyObjectEmptiesTheWebProvider() async {
        let source = FakeAdminSource(configurations: [.web: AdminSeedConfiguration.file])
        let response = await router(source).respond(method: "PUT", target: "/api/providers/web", body: Array("{}".utf8))
        #expect(response.status == 200)
        #expect(source.replacements == [DynamicConfiguration()])
    }

    // MARK: /metrics, /health, additions

    @Test func metricsServeThePrometheusText() async {
        let response = await get("/metrics", from: FakeAdminSource(metrics: "a_total 1\n"))
        #expect(response.status == 200)
        #expect(response.header("Content-Type") == "text/plain; version=0.0.4; charset=utf-8")
        #expect(response.bodyText == "a_total 1\n")
    }

    @Test func healthUsesTheSourceCountersAndTheClocks() async {
        let started = ContinuousClock.now
        let counters = HealthCounters(
            pid: 2458, started: started, statusCodeCounts: [502: 1],
            totalStatusCodeCounts: [200: 7, 404: 21, 502: 13], totalResponseTime: .nanoseconds(35_456_865_605))
        let clocks = AdminRouter.Clocks(
            wall: { WallTime(seconds: 1_444_235_544, nanoseconds: 362_238_909) },
            monotonic: { started + .nanoseconds(2_346_885_931_127) })
        let router = AdminRouter(readOnly: false, source: FakeAdminSource(counters: counters), clocks: clocks)
        let response = await router.respond(method: "GET", target: "/health", body: [])
        #expect(response.status == 200)
        #expect(response.header("Content-Type") == "application/json; charset=UTF-8")
        #expect(response.bodyText == #"{"pid":2458,"uptime":"39m6.885931127s","uptime_sec":2346.885931127,"#
            + #""time":"2015-10-07 16:32:24.362238909 +0000 UTC","unixtime":1444235544,"#
            + #""status_code_count":{"502":1},"total_status_code_count":{"200":7,"404":21,"502":13},"#
            + #""count":1,"total_count":41,"total_response_time":"35.456865605s","total_response_time_sec":35.456865605,"#
            + #""average_response_time":"864.8016ms","average_response_time_sec":0.8648016000000001}"#)
    }

    @Test func healthWithoutTrafficHasZeroAverages() async {
        let started = ContinuousClock.now
        let clocks = AdminRouter.Clocks(wall: { WallTime(seconds: 0, nanoseconds: 0) }, monotonic: { started })
        let router = AdminRouter(
            readOnly: false, source: FakeAdminSource(counters: HealthCounters(pid: 1, started: started)), clocks: clocks)
        let response = await router.respond(method: "GET", target: "/health", body: [])
        #expect(response.bodyText == #"{"pid":1,"uptime":"0s","uptime_sec":0,"time":"1970-01-01 00:00:00 +0000 UTC","#
            + #""unixtime":0,"status_code_count":{},"total_status_code_count":{},"count":0,"total_count":0,"#
            + #""total_response_time":"0s","total_response_time_sec":0,"average_response_time":"0s","#
            + #""average_response_time_sec":0}"#)
    }

    @Test func liveBackendStateAndDiagnosticsAreAddedUnderTheirOwnKeys() async throws {
        let compiled = CompiledBackend(
            name: "backend1",
            servers: [BackendServer(name: "server1", url: try ServerURL.parse("http://172.17.0.2:80"), weight: 10)],
            method: .drr, circuitBreakerExpression: "NetworkErrorRatio() > 0.5")
        let breaker = CircuitBreaker(expression: try CircuitBreakerExpression.parse("NetworkErrorRatio() > 0.5"))
        let view = BackendHealthView(backend: compiled, balancer: BackendBalancer(backend: compiled), breaker: breaker, now: .zero)
        let notes = [
            ConfigDiagnostic(keyPath: "frontends.frontend1.routes.test_1", message: "bad rule", provider: .file),
            ConfigDiagnostic(keyPath: "backends.backend2.servers.server1.url", message: "server dropped"),
            ConfigDiagnostic(keyPath: "defaultEntryPoints", message: "no entry point https"),
        ]
        let source = FakeAdminSource(
            configurations: [.file: AdminSeedConfiguration.file, .web: AdminSeedConfiguration.file],
            states: ["backend1": view], notes: notes)

        let backend = await get("/api/providers/file/backends/backend1", from: source).bodyText
        #expect(backend.hasSuffix(#","status":{"circuitBreaker":{"expression":"NetworkErrorRatio() \u003e 0.5","state":"standby"},"#
            + #""method":"drr","servers":{"server1":{"currentWeight":10,"failureRatio":0}}}}"#))
        let frontend = await get("/api/providers/file/frontends/frontend1", from: source).bodyText
        #expect(frontend == #"{"backend":"backend2","diagnostics":["file: frontends.frontend1.routes.test_1: bad rule"],"#
            + #""routes":{"test_1":{"rule":"Host","value":"test.localhost"}}}"#)
        // No provider on the diagnostic: the first provider defining the name gets it; same for live state.
        #expect(await get("/api/providers/file/backends/backend2", from: source).bodyText
            .contains(#""diagnostics":["backends.backend2.servers.server1.url: server dropped"]"#))
        let webCopy = await get("/api/providers/web", from: source).bodyText
        #expect(!webCopy.contains("diagnostics") && !webCopy.contains("status"))

        let all = await get("/api/diagnostics", from: source)
        #expect(all.bodyText == #"["file: frontends.frontend1.routes.test_1: bad rule","#
            + #""backends.backend2.servers.server1.url: server dropped","defaultEntryPoints: no entry point https"]"#)
    }
}
