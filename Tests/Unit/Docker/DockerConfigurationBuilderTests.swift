import Providers
import Testing
import TraefikCore

/// Labels, defaults, filters and generated names of the Docker provider (spec §10.2–§10.4, testable J2–J8, J10, J12
/// as decided in the README's Docker section).
@Suite struct DockerConfigurationBuilderTests {
    let builder = DockerConfigurationBuilder(domain: "docker.localhost")

    private func snapshot(_ containers: DockerContainer...) -> ProviderSnapshot {
        builder.snapshot(from: containers)
    }

    /// J2 and the seed's own example: `/web`, port 80, default rule and generated names (no literal quotes).
    @Test func aContainerWithoutLabelsGetsTheDefaultRouteAndNames() {
        let result = snapshot(DockerContainer(name: "/web", ipAddress: "172.17.0.5"))
        #expect(result.configuration == DynamicConfiguration(
            backends: ["backend-web": Backend(servers: ["server-web": Server(url: "http://172.17.0.5:80")])],
            frontends: [
                "frontend-Host-web-docker-localhost": Frontend(
                    backend: "backend-web",
                    routes: ["route-frontend-Host-web-docker-localhost": Route(rule: "Host", value: "web.docker.localhost")])
            ]))
        #expect(result.diagnostics.isEmpty)
    }

    /// J7: every label is reflected.
    @Test func everyLabelIsHonoured() {
        let result = snapshot(DockerContainer(
            name: "/api.v2", labels: [
                "traefik.frontend.rule": "Path", "traefik.frontend.value": "/x", "traefik.backend": "foo",
                "traefik.weight": "10", "traefik.protocol": "https", "traefik.frontend.passHostHeader": "true",
                "traefik.frontend.entryPoints": "http, https", "traefik.port": "8443",
            ], exposedPorts: ["80/tcp", "443/tcp"], ipAddress: "10.0.0.2"))
        #expect(result.configuration == DynamicConfiguration(
            backends: ["backend-foo": Backend(servers: ["server-api-v2": Server(url: "https://10.0.0.2:8443", weight: 10)])],
            frontends: [
                "frontend-Path-/x": Frontend(
                    backend: "backend-foo", entryPoints: ["http", "https"], passHostHeader: true,
                    routes: ["route-frontend-Path-/x": Route(rule: "Path", value: "/x")])
            ]))
    }

    /// J3, J5: no exposed port, `traefik.enable=false` → left out silently; any other enable value keeps it.
    @Test func containersWithoutPortsOrDisabledAreLeftOut() {
        let result = snapshot(
            DockerContainer(name: "/db", exposedPorts: [], ipAddress: "172.17.0.2"),
            DockerContainer(name: "/off", labels: ["traefik.enable": "false"], ipAddress: "172.17.0.3"),
            DockerContainer(name: "/on", labels: ["traefik.enable": "true"], ipAddress: "172.17.0.4"))
        #expect(result.configuration.backends.keys.sorted() == ["backend-on"])
        #expect(result.diagnostics.isEmpty)
        #expect(builder.selection(of: DockerContainer(name: "/db", exposedPorts: [], ipAddress: "1.2.3.4")) == .ignored)
    }

    /// J4: several exposed ports need `traefik.port`; with it, that port is used (even one not exposed).
    @Test func severalExposedPortsNeedThePortLabel() {
        let ports = ["80/tcp", "443/tcp"]
        #expect(builder.selection(of: DockerContainer(name: "/two", exposedPorts: ports, ipAddress: "1.2.3.4")) == .ignored)
        let result = snapshot(DockerContainer(
            name: "/two", labels: ["traefik.port": "8080"], exposedPorts: ports, ipAddress: "1.2.3.4"))
        #expect(result.configuration.backends["backend-two"]?.servers["server-two"]?.url == "http://1.2.3.4:8080")
        let single = snapshot(DockerContainer(name: "/udp", exposedPorts: ["53/udp"], ipAddress: "1.2.3.4"))
        #expect(single.configuration.backends["backend-udp"]?.servers["server-udp"]?.url == "http://1.2.3.4:53")
    }

    /// J6: rule without value (or the reverse) leaves the container out, with a diagnostic naming the label.
    @Test func ruleAndValueComeTogether() {
        let result = snapshot(
            DockerContainer(name: "/a", labels: ["traefik.frontend.rule": "Path"], ipAddress: "1.2.3.4"),
            DockerContainer(name: "/b", labels: ["traefik.frontend.value": "b.test"], ipAddress: "1.2.3.5"),
            DockerContainer(name: "/c", ipAddress: "1.2.3.6"))
        #expect(result.configuration.backends.keys.sorted() == ["backend-c"])
        #expect(result.diagnostics.map(\.description) == [
            "docker: containers.a: label traefik.frontend.rule is set without traefik.frontend.value; container a is left out",
            "docker: containers.b: label traefik.frontend.value is set without traefik.frontend.rule; container b is left out",
        ])
    }

    /// J8: the same `traefik.backend` → one backend with a server per container; each keeps its own frontend.
    @Test func containersSharingABackendShareIt() {
        let result = snapshot(
            DockerContainer(name: "/web1", labels: ["traefik.backend": "web"], ipAddress: "172.17.0.2"),
            DockerContainer(name: "/web2", labels: ["traefik.backend": "web"], ipAddress: "172.17.0.3"))
        #expect(result.configuration.backends == [
            "backend-web": Backend(servers: [
                "server-web1": Server(url: "http://172.17.0.2:80"), "server-web2": Server(url: "http://172.17.0.3:80"),
            ])
        ])
        #expect(result.configuration.frontends.keys.sorted() == [
            "frontend-Host-web1-docker-localhost", "frontend-Host-web2-docker-localhost",
        ])
    }

    /// §10.4: containers with the same rule and value share one frontend; the first by name gives its backend,
    /// passHostHeader and entry points. `[` and `]` are removed from the names, `.` → `-`.
    @Test func oneFrontendPerRuleAndValueFromItsFirstContainer() {
        let labels = ["traefik.frontend.rule": "Host", "traefik.frontend.value": "[shop].test"]
        var second = labels
        second["traefik.frontend.passHostHeader"] = "true"
        second["traefik.frontend.entryPoints"] = "https"
        let result = snapshot(
            DockerContainer(name: "/shop-b", labels: second, ipAddress: "172.17.0.3"),
            DockerContainer(name: "/shop-a", labels: labels, ipAddress: "172.17.0.2"))
        #expect(result.configuration.frontends == [
            "frontend-Host-shop-test": Frontend(
                backend: "backend-shop-a",
                routes: ["route-frontend-Host-shop-test": Route(rule: "Host", value: "[shop].test")])
        ])
        #expect(result.configuration.backends.count == 2)
    }

    /// D11 (J10 as fixed): `traefik.domain` replaces the provider's domain in the default value; with no domain at
    /// all the value is the bare name. Names: leading `/` dropped, other `/` → `-` (backend), removed (server).
    @Test func theDomainLabelAndNameEscaping() {
        let result = snapshot(
            DockerContainer(name: "/shop", labels: ["traefik.domain": "example.org"], ipAddress: "1.2.3.4"),
            DockerContainer(name: "/linked/child.x", ipAddress: "1.2.3.5"))
        #expect(result.configuration.frontends["frontend-Host-shop-example-org"]?.routes.values.first?.value
            == "shop.example.org")
        #expect(result.configuration.backends["backend-linked-child.x"]?.servers.keys.sorted() == ["server-linkedchild-x"])
        let bare = DockerConfigurationBuilder(domain: "").snapshot(from: [DockerContainer(name: "/web", ipAddress: "1.2.3.4")])
        #expect(bare.configuration.frontends["frontend-Host-web"]?.routes["route-frontend-Host-web"]?.value == "web")
        #expect(DockerNames.escaped("/a/b") == "a-b")
        #expect(DockerNames.server("/a/b.c") == "server-ab-c")
    }

    /// The server address: the bridge's, else the first user-defined network's by name; none → a diagnostic.
    @Test func theServerAddressComesFromTheBridgeOrTheFirstNamedNetwork() {
        let result = snapshot(
            DockerContainer(name: "/bridged", ipAddress: "172.17.0.2", networkAddresses: ["zeta": "10.9.0.2"]),
            DockerContainer(name: "/custom", networkAddresses: ["zeta": "10.9.0.3", "alpha": "10.1.0.3", "empty": ""]),
            DockerContainer(name: "/hostnet", networkAddresses: ["host": ""]))
        let urls = result.configuration.backends.mapValues { $0.servers.values.first?.url }
        #expect(urls == ["backend-bridged": "http://172.17.0.2:80", "backend-custom": "http://10.1.0.3:80"])
        #expect(result.diagnostics.map(\.keyPath) == ["containers.hostnet"])
        let v6 = snapshot(DockerContainer(name: "/v6", networkAddresses: ["net": "fd00::2"]))
        #expect(v6.configuration.backends["backend-v6"]?.servers["server-v6"]?.url == "http://[fd00::2]:80")
    }

    /// J12 as decided: a bad label value leaves out that container only, with a diagnostic naming container and
    /// label; the other containers serve.
    @Test(arguments: [
        ("traefik.frontend.passHostHeader", "yes", "label traefik.frontend.passHostHeader = \"yes\" is not true or false"),
        ("traefik.weight", "abc", "label traefik.weight = \"abc\" is not an integer"),
        ("traefik.port", "abc", "label traefik.port = \"abc\" is not a port number"),
        ("traefik.port", "70000", "label traefik.port = \"70000\" is not a port number"),
    ])
    func aBadLabelValueDisablesOnlyItsContainer(label: String, value: String, reason: String) {
        let result = snapshot(
            DockerContainer(name: "/bad", labels: [label: value], ipAddress: "1.2.3.4"),
            DockerContainer(name: "/good", ipAddress: "1.2.3.5"))
        #expect(result.configuration.backends.keys.sorted() == ["backend-good"])
        #expect(result.diagnostics == [
            ConfigDiagnostic(keyPath: "containers.bad", message: "\(reason); container bad is left out", provider: .docker)
        ])
    }

    /// The listing order does not matter: the same containers give the same snapshot (no spurious reloads).
    @Test func theSnapshotDoesNotDependOnTheListingOrder() {
        let a = DockerContainer(name: "/a", labels: ["traefik.frontend.rule": "Host", "traefik.frontend.value": "x"], ipAddress: "1.1.1.1")
        var bLabels = a.labels
        bLabels["traefik.backend"] = "other"
        let b = DockerContainer(name: "/b", labels: bLabels, ipAddress: "1.1.1.2")
        #expect(builder.snapshot(from: [a, b]) == builder.snapshot(from: [b, a]))
        #expect(builder.snapshot(from: [b, a]).configuration.frontends["frontend-Host-x"]?.backend == "backend-a")
    }

    /// An inspect document as the Engine API sends it reads into the fields the builder uses.
    @Test func anInspectDocumentIsRead() throws {
        let json = """
            {"Id":"4f1c","Name":"/web","State":{"Running":true},
             "Config":{"Labels":{"traefik.port":"8080","com.example":"x"},"ExposedPorts":{"8080/tcp":{}}},
             "NetworkSettings":{"IPAddress":"","Ports":{"8080/tcp":null,"9000/tcp":[{"HostIp":"0.0.0.0","HostPort":"9000"}]},
               "Networks":{"front":{"IPAddress":"10.5.0.7","Gateway":"10.5.0.1"}}}}
            """
        let container = try DockerContainer(inspect: DockerJSON(parsing: Array(json.utf8)))
        #expect(container.id == "4f1c")
        #expect(container.labels == ["traefik.port": "8080", "com.example": "x"])
        #expect(container.exposedPorts == ["8080/tcp", "9000/tcp"])
        #expect(container.networkAddresses == ["front": "10.5.0.7"])
        #expect(container.running)
        #expect(builder.snapshot(from: [container]).configuration.backends["backend-web"]?.servers["server-web"]?.url
            == "http://10.5.0.7:8080")
        #expect(throws: DockerEngineError.self) { try DockerContainer(inspect: DockerJSON(parsing: Array("{}".utf8))) }
    }
}
