import Providers
import Testing
import TraefikCore

/// Task and app selection, labels and generated names (spec §11.2, §11.3; testable K2–K6).
@Suite struct MarathonSelectionTests {
    private func snapshot(
        _ applications: [MarathonApplication], _ tasks: [MarathonTask], domain: String = "marathon.localhost"
    ) -> ProviderSnapshot {
        MarathonConfigurationBuilder.snapshot(
            from: MarathonSelection(MarathonState(applications: applications, tasks: tasks), domain: domain))
    }

    /// K2: names and the default route.
    @Test func anAppWithOneTaskGivesTheOriginalsNames() {
        let result = snapshot(
            [MarathonApplication(id: "/test", ports: [80])],
            [MarathonTask(id: "test.7c3d-11e5", appID: "/test", host: "127.0.0.1", ports: [31000])])
        #expect(result.configuration == DynamicConfiguration(
            backends: ["backend-test": Backend(servers: ["server-test-7c3d-11e5": Server(url: "http://127.0.0.1:31000")])],
            frontends: ["frontend-test": Frontend(
                backend: "backend-test",
                routes: ["route-host-test": Route(rule: "Host", value: "test.marathon.localhost")])]))
        #expect(result.diagnostics.isEmpty)
    }

    /// K3: `/group/app` → host `group-app.<domain>`, names with the leading dash.
    @Test func aGroupedAppIDIsEscapedInTheHostAndDashedInNames() {
        let result = snapshot(
            [MarathonApplication(id: "/group/app", ports: [80])],
            [MarathonTask(id: "group_app.1", appID: "/group/app", host: "10.0.0.1", ports: [31001])])
        let frontend = result.configuration.frontends["frontend-group-app"]
        #expect(frontend?.routes["route-host-group-app"] == Route(rule: "Host", value: "group-app.marathon.localhost"))
        #expect(frontend?.backend == "backend-group-app")
        #expect(result.configuration.backends["backend-group-app"]?.servers["server-group_app-1"]?.url == "http://10.0.0.1:31001")
    }

    /// K4: the port labels.
    @Test func portIndexAndPortPickTheTasksPort() {
        let result = snapshot(
            [
                MarathonApplication(id: "/byindex", labels: ["traefik.portIndex": "1"], ports: [80, 81]),
                MarathonApplication(id: "/byport", labels: ["traefik.port": "31012"], ports: [80, 81]),
            ],
            [
                MarathonTask(id: "byindex.1", appID: "/byindex", host: "h", ports: [31001, 31002]),
                MarathonTask(id: "byport.1", appID: "/byport", host: "h", ports: [31011, 31012]),
            ])
        #expect(result.configuration.backends["backend-byindex"]?.servers["server-byindex-1"]?.url == "http://h:31002")
        #expect(result.configuration.backends["backend-byport"]?.servers["server-byport-1"]?.url == "http://h:31012")
    }

    @Test(arguments: [
        (["traefik.portIndex": "0", "traefik.port": "80"], "labels traefik.portIndex and traefik.port are both set"),
        (["traefik.portIndex": "2"], "label traefik.portIndex = \"2\" is not an index of the app's 2 ports"),
        (["traefik.portIndex": "one"], "label traefik.portIndex = \"one\" is not an integer"),
        (["traefik.port": "http"], "label traefik.port = \"http\" is not an integer"),
        ([:], "the app has 2 ports and neither traefik.portIndex nor traefik.port"),
        (["traefik.weight": "abc", "traefik.portIndex": "0"], "label traefik.weight = \"abc\" is not an integer"),
        (["traefik.frontend.passHostHeader": "yes", "traefik.portIndex": "0"], "label traefik.frontend.passHostHeader = \"yes\" is not true or false"),
        (["traefik.protocol": "ftp", "traefik.portIndex": "0"], "label traefik.protocol = \"ftp\" is not http or https"),
    ])
    func aBadLabelDisablesOnlyItsAppWithADiagnostic(labels: [String: String], problem: String) {
        let result = snapshot(
            [
                MarathonApplication(id: "/bad", labels: labels, ports: [80, 81]),
                MarathonApplication(id: "/good", ports: [80]),
            ],
            [
                MarathonTask(id: "bad.1", appID: "/bad", host: "h", ports: [31001, 31002]),
                MarathonTask(id: "good.1", appID: "/good", host: "h", ports: [31003]),
            ])
        #expect(result.configuration.frontends.keys.sorted() == ["frontend-good"])
        #expect(result.configuration.backends.keys.sorted() == ["backend-good"])
        #expect(result.diagnostics.map(\.description) == [
            "marathon: frontends.frontend-bad: app /bad: \(problem); the app is not served",
        ])
    }

    @Test func aPortLabelTheTaskDoesNotHaveDropsThatTaskOnly() {
        let result = snapshot(
            [MarathonApplication(id: "/web", labels: ["traefik.port": "31002"], ports: [80])],
            [
                MarathonTask(id: "web.1", appID: "/web", host: "h", ports: [31002]),
                MarathonTask(id: "web.2", appID: "/web", host: "h", ports: [31005]),
            ])
        #expect(result.configuration.backends["backend-web"]?.servers.keys.sorted() == ["server-web-1"])
        #expect(result.diagnostics.map(\.message) == [
            "app /web, task web.2: traefik.port = 31002 is not one of the task's ports [31005]; the task is not served",
        ])
    }

    /// K5: with health checks, only tasks whose every check has reported alive.
    @Test func healthChecksKeepOnlyTasksWhoseEveryResultIsAlive() {
        let result = snapshot(
            [MarathonApplication(id: "/checked", ports: [80], healthCheckCount: 2)],
            [
                MarathonTask(id: "checked.none", appID: "/checked", host: "h", ports: [1]),
                MarathonTask(id: "checked.dead", appID: "/checked", host: "h", ports: [2], healthCheckResults: [true, false]),
                MarathonTask(id: "checked.ok", appID: "/checked", host: "h", ports: [3], healthCheckResults: [true, true]),
            ])
        #expect(result.configuration.backends["backend-checked"]?.servers.keys.sorted() == ["server-checked-ok"])
        #expect(result.diagnostics.isEmpty)
    }

    @Test func tasksWithoutPortsOrAppAndDisabledAppsAreLeftOutSilently() {
        let result = snapshot(
            [
                MarathonApplication(id: "/off", labels: ["traefik.enable": "false"], ports: [80]),
                MarathonApplication(id: "/portless", ports: []),
                MarathonApplication(id: "/idle", ports: [80]),
            ],
            [
                MarathonTask(id: "off.1", appID: "/off", host: "h", ports: [1]),
                MarathonTask(id: "portless.1", appID: "/portless", host: "h", ports: []),
                MarathonTask(id: "orphan.1", appID: "/gone", host: "h", ports: [2]),
            ])
        #expect(result.configuration == DynamicConfiguration())
        #expect(result.diagnostics.isEmpty)
    }

    /// K6 and the other labels.
    @Test func labelsSetBackendProtocolWeightHostHeaderEntryPointsAndRule() {
        let labels = [
            "traefik.backend": "bar", "traefik.protocol": "https", "traefik.weight": "10",
            "traefik.frontend.passHostHeader": "true", "traefik.frontend.entryPoints": "http, https",
            "traefik.frontend.rule": "PathPrefix", "traefik.frontend.value": "/api",
        ]
        let result = snapshot(
            [MarathonApplication(id: "/api", labels: labels, ports: [80])],
            [MarathonTask(id: "api.1", appID: "/api", host: "h", ports: [443])])
        #expect(result.configuration == DynamicConfiguration(
            backends: ["backendbar": Backend(servers: ["server-api-1": Server(url: "https://h:443", weight: 10)])],
            frontends: ["frontend-api": Frontend(
                backend: "backendbar", entryPoints: ["http", "https"], passHostHeader: true,
                routes: ["route-host-api": Route(rule: "PathPrefix", value: "/api")])]))
    }

    @Test func theDomainLabelReplacesTheProviderDomainAndAppsShareABackendByLabel() {
        let result = snapshot(
            [
                MarathonApplication(id: "/a", labels: ["traefik.domain": "apps.test", "traefik.backend": "-shared"], ports: [80]),
                MarathonApplication(id: "/b", labels: ["traefik.backend": "-shared"], ports: [80]),
            ],
            [
                MarathonTask(id: "a.1", appID: "/a", host: "h", ports: [1]),
                MarathonTask(id: "b.1", appID: "/b", host: "h", ports: [2]),
            ])
        #expect(result.configuration.frontends["frontend-a"]?.routes["route-host-a"]?.value == "a.apps.test")
        #expect(result.configuration.frontends["frontend-b"]?.routes["route-host-b"]?.value == "b.marathon.localhost")
        #expect(result.configuration.backends["backend-shared"]?.servers.keys.sorted() == ["server-a-1", "server-b-1"])
    }

    @Test func marathonJSONIsDecoded() throws {
        let apps = try MarathonState.decodeApplications(Array("""
            {"apps":[{"id":"/web","ports":[80,81],"labels":{"traefik.portIndex":"1"},"healthChecks":[{"path":"/"}]},
                     {"id":"/new","portDefinitions":[{"port":10000,"protocol":"tcp"}]}]}
            """.utf8))
        #expect(apps == [
            MarathonApplication(id: "/web", labels: ["traefik.portIndex": "1"], ports: [80, 81], healthCheckCount: 1),
            MarathonApplication(id: "/new", ports: [10000]),
        ])
        let tasks = try MarathonState.decodeTasks(Array("""
            {"tasks":[{"id":"web.1","appId":"/web","host":"10.0.0.2","ports":[31000,31001],
                       "healthCheckResults":[{"alive":true},{"alive":false}],"state":"TASK_RUNNING"}]}
            """.utf8))
        #expect(tasks == [
            MarathonTask(id: "web.1", appID: "/web", host: "10.0.0.2", ports: [31000, 31001], healthCheckResults: [true, false]),
        ])
    }
}
