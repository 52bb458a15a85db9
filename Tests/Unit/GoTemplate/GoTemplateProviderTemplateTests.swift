import GoTemplate
import Testing

/// Templates in the style of Træfik v1's built-in provider templates, rendered with fake provider functions.
@Suite("GoTemplate provider templates")
struct GoTemplateProviderTemplateTests {
    // MARK: KV

    private static let kvTemplate = """
        {{$frontends := List .Prefix "/frontends/" }}
        {{$backends :=  List .Prefix "/backends/"}}

        [backends]{{range $backends}}
        {{$backend := .}}
        {{$servers := List $backend "/servers/" }}
        {{$circuitBreaker := Get "" . "/circuitbreaker/" "expression"}}
        {{with $circuitBreaker}}
            [backends.{{Last $backend}}.circuitBreaker]
              expression = "{{$circuitBreaker}}"
        {{end}}
        {{range $servers}}
            [backends.{{Last $backend}}.servers.{{Last .}}]
            url = "{{Get "" . "/url"}}"
            weight = {{Get ""  . "/weight"}}
        {{end}}
        {{end}}

        [frontends]{{range $frontends}}
          {{$frontend := Last .}}
          [frontends.{{$frontend}}]
          backend = "{{Get "" . "/backend"}}"
          passHostHeader = {{Get "false" . "/passHostHeader"}}
          {{$entryPoints := SplitGet . "/entrypoints"}}
          entryPoints = [{{range $entryPoints}}
            "{{.}}",
            {{end}}]
            {{$routes := List . "/routes/"}}
            {{range $routes}}
            [frontends.{{$frontend}}.routes.{{Last .}}]
            rule = "{{Get "" . "/rule"}}"
            value = "{{Get "" . "/value"}}"
            {{end}}
        {{end}}
        """

    /// The KV provider's helpers over an in-memory store, with the argument conventions of Træfik v1.
    private static func kvFunctions(_ store: [String: String]) -> TemplateFunctions {
        @Sendable func joined(_ parts: ArraySlice<TemplateValue>) -> String {
            parts.map { $0.asString ?? $0.printed }.joined()
        }
        return TemplateFunctions([
            "List": { arguments in
                var directory = joined(arguments[...])
                if !directory.hasSuffix("/") { directory += "/" }
                var children: Set<String> = []
                for key in store.keys where key.hasPrefix(directory) {
                    let rest = key.dropFirst(directory.count)
                    if let child = rest.split(separator: "/").first { children.insert(directory + child) }
                }
                return .list(children.sorted().map { .string($0) })
            },
            "Get": { arguments in
                guard let fallback = arguments.first else { throw TemplateFunctionError("Get needs a default") }
                return store[joined(arguments.dropFirst())].map { .string($0) } ?? fallback
            },
            "SplitGet": { arguments in
                guard let value = store[joined(arguments[...])] else { return .list([]) }
                return .list(value.split(separator: ",").map { .string(String($0)) })
            },
            "Last": { arguments in
                .string(String(arguments.last?.asString?.split(separator: "/").last ?? ""))
            },
        ])
    }

    @Test func kvTemplateRendersBackendsAndFrontends() throws {
        let store = [
            "/traefik/backends/backend1/circuitbreaker/expression": "NetworkErrorRatio() > 0.5",
            "/traefik/backends/backend1/servers/server1/url": "http://172.17.0.2:80",
            "/traefik/backends/backend1/servers/server1/weight": "10",
            "/traefik/backends/backend1/servers/server2/url": "http://172.17.0.3:80",
            "/traefik/backends/backend1/servers/server2/weight": "1",
            "/traefik/backends/backend2/servers/server1/url": "http://172.17.0.4:80",
            "/traefik/backends/backend2/servers/server1/weight": "1",
            "/traefik/frontends/frontend1/backend": "backend2",
            "/traefik/frontends/frontend1/routes/test_1/rule": "Host",
            "/traefik/frontends/frontend1/routes/test_1/value": "test.localhost",
            "/traefik/frontends/frontend2/backend": "backend1",
            "/traefik/frontends/frontend2/passHostHeader": "true",
            "/traefik/frontends/frontend2/entrypoints": "http,https",
            "/traefik/frontends/frontend2/routes/test_2/rule": "Path",
            "/traefik/frontends/frontend2/routes/test_2/value": "/test",
        ]
        let template = try GoTemplate(parsing: Self.kvTemplate, name: "kv.tmpl", functions: Self.kvFunctions(store))
        let output = try template.render(["Prefix": "/traefik"])
        // One element per output line, so that trailing blanks stay visible.
        let expected = [
            "",
            "",
            "",
            "[backends]",
            "",
            "",
            "",
            "",
            "    [backends.backend1.circuitBreaker]",
            "      expression = \"NetworkErrorRatio() > 0.5\"",
            "",
            "",
            "    [backends.backend1.servers.server1]",
            "    url = \"http://172.17.0.2:80\"",
            "    weight = 10",
            "",
            "    [backends.backend1.servers.server2]",
            "    url = \"http://172.17.0.3:80\"",
            "    weight = 1",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "    [backends.backend2.servers.server1]",
            "    url = \"http://172.17.0.4:80\"",
            "    weight = 1",
            "",
            "",
            "",
            "[frontends]",
            "  ",
            "  [frontends.frontend1]",
            "  backend = \"backend2\"",
            "  passHostHeader = false",
            "  ",
            "  entryPoints = []",
            "    ",
            "    ",
            "    [frontends.frontend1.routes.test_1]",
            "    rule = \"Host\"",
            "    value = \"test.localhost\"",
            "    ",
            "",
            "  ",
            "  [frontends.frontend2]",
            "  backend = \"backend1\"",
            "  passHostHeader = true",
            "  ",
            "  entryPoints = [",
            "    \"http\",",
            "    ",
            "    \"https\",",
            "    ]",
            "    ",
            "    ",
            "    [frontends.frontend2.routes.test_2]",
            "    rule = \"Path\"",
            "    value = \"/test\"",
            "    ",
            "",
        ].joined(separator: "\n")
        #expect(output == expected)
    }

    // MARK: Docker

    private static let dockerTemplate = """
        [backends]{{range .Containers}}
            [backends.backend-{{getBackend .}}.servers.server-{{.Name | replace "/" "" | replace "." "-"}}]
            url = "{{getProtocol .}}://{{.NetworkSettings.IPAddress}}:{{getPort .}}"
            weight = {{getWeight .}}
        {{end}}

        [frontends]{{range $frontend, $containers := .Frontends}}
          [frontends."frontend-{{$frontend | replace "." "-"}}"]{{$container := index $containers 0}}
          backend = "backend-{{getBackend $container}}"
          passHostHeader = {{getPassHostHeader $container}}
          entryPoints = [{{range getEntryPoints $container}}
            "{{.}}",
          {{end}}]
            [frontends."frontend-{{replace "." "-" $frontend}}".routes."route-frontend-{{replace "." "-" $frontend}}"]
            rule = "{{getFrontendRule $container}}"
            value = "{{getFrontendValue $container}}"
        {{end}}
        """

    private static func container(_ name: String, ip: String, labels: [String: TemplateValue]) -> TemplateValue {
        ["Name": .string(name), "NetworkSettings": ["IPAddress": .string(ip)], "Config": ["Labels": .map(labels)]]
    }

    private static let dockerFunctions: TemplateFunctions = {
        @Sendable func label(_ arguments: [TemplateValue], _ key: String, _ fallback: String) -> String {
            arguments.first?.asMap?["Config"]?.asMap?["Labels"]?.asMap?[key]?.asString ?? fallback
        }
        @Sendable func backend(_ arguments: [TemplateValue]) -> String {
            label(arguments, "traefik.backend", "web")
        }
        return TemplateFunctions([
            "getBackend": { .string(backend($0)) },
            "getPort": { .string(label($0, "traefik.port", "80")) },
            "getWeight": { .string(label($0, "traefik.weight", "0")) },
            "getProtocol": { .string(label($0, "traefik.protocol", "http")) },
            "getPassHostHeader": { .string(label($0, "traefik.frontend.passHostHeader", "false")) },
            "getEntryPoints": { arguments in
                let value = label(arguments, "traefik.frontend.entryPoints", "")
                return .list(value.split(separator: ",").map { .string(String($0)) })
            },
            "getFrontendRule": { .string(label($0, "traefik.frontend.rule", "Host")) },
            "getFrontendValue": { .string(label($0, "traefik.frontend.value", backend($0) + ".docker.localhost")) },
            "replace": { arguments in
                guard arguments.count == 3, let old = arguments[0].asString, let new = arguments[1].asString,
                    let text = arguments[2].asString
                else { throw TemplateFunctionError("replace wants old, new, string") }
                return .string(text.replacing(old, with: new))
            },
        ])
    }()

    private static func dockerData(extraWebContainers: Int = 0) -> TemplateValue {
        var web = [
            container("/web-1", ip: "172.17.0.2", labels: ["traefik.port": "8080", "traefik.weight": "10"]),
            container("/web.2", ip: "172.17.0.3", labels: [:]),
        ]
        for number in 0..<extraWebContainers {
            web.append(container("/web-x\(number)", ip: "10.1.\(number / 250).\(number % 250)", labels: [:]))
        }
        let api = container(
            "/api",
            ip: "172.17.0.4",
            labels: [
                "traefik.backend": "api", "traefik.port": "3000", "traefik.protocol": "https",
                "traefik.frontend.rule": "Path", "traefik.frontend.value": "/api",
                "traefik.frontend.passHostHeader": "true", "traefik.frontend.entryPoints": "http,https",
            ]
        )
        return [
            "Containers": .list(web + [api]),
            "Frontends": ["Host-web.docker.localhost": .list(web), "Path-/api": [api]],
            "Domain": "docker.localhost",
        ]
    }

    @Test func dockerTemplateRendersContainersAndFrontends() throws {
        let template = try GoTemplate(
            parsing: Self.dockerTemplate,
            name: "docker.tmpl",
            functions: Self.dockerFunctions
        )
        // One element per output line, so that trailing blanks stay visible.
        let expected = [
            "[backends]",
            "    [backends.backend-web.servers.server-web-1]",
            "    url = \"http://172.17.0.2:8080\"",
            "    weight = 10",
            "",
            "    [backends.backend-web.servers.server-web-2]",
            "    url = \"http://172.17.0.3:80\"",
            "    weight = 0",
            "",
            "    [backends.backend-api.servers.server-api]",
            "    url = \"https://172.17.0.4:3000\"",
            "    weight = 0",
            "",
            "",
            "[frontends]",
            "  [frontends.\"frontend-Host-web-docker-localhost\"]",
            "  backend = \"backend-web\"",
            "  passHostHeader = false",
            "  entryPoints = []",
            "    [frontends.\"frontend-Host-web-docker-localhost\".routes.\"route-frontend-Host-web-docker-localhost\"]",
            "    rule = \"Host\"",
            "    value = \"web.docker.localhost\"",
            "",
            "  [frontends.\"frontend-Path-/api\"]",
            "  backend = \"backend-api\"",
            "  passHostHeader = true",
            "  entryPoints = [",
            "    \"http\",",
            "  ",
            "    \"https\",",
            "  ]",
            "    [frontends.\"frontend-Path-/api\".routes.\"route-frontend-Path-/api\"]",
            "    rule = \"Path\"",
            "    value = \"/api\"",
            "",
        ].joined(separator: "\n")
        #expect(try template.render(Self.dockerData()) == expected)
    }

    @Test func oneParsedTemplateRendersConcurrently() async throws {
        let template = try GoTemplate(
            parsing: Self.dockerTemplate,
            name: "docker.tmpl",
            functions: Self.dockerFunctions
        )
        let data = Self.dockerData()
        let reference = try template.render(data)
        let outputs = try await withThrowingTaskGroup(of: String.self) { group in
            for _ in 0..<8 {
                group.addTask { try template.render(data) }
            }
            return try await group.reduce(into: [String]()) { $0.append($1) }
        }
        #expect(outputs.count == 8)
        #expect(outputs.allSatisfy { $0 == reference })
    }

    @Test func thousandContainerRangeRendersQuickly() throws {
        let template = try GoTemplate(
            parsing: Self.dockerTemplate,
            name: "docker.tmpl",
            functions: Self.dockerFunctions
        )
        let data = Self.dockerData(extraWebContainers: 1_000)
        let clock = ContinuousClock()
        var output = ""
        let elapsed = try clock.measure {
            output = try template.render(data)
        }
        #expect(output.contains("[backends.backend-web.servers.server-web-x999]"))
        #expect(output.contains(#"url = "http://10.1.3.249:80""#))
        // Generous for unoptimised debug builds on a shared machine; release renders this in a few milliseconds.
        #expect(elapsed < .seconds(2), "rendering took \(elapsed)")
    }

    // MARK: Consul catalog

    private static let consulCatalogTemplate = """
        [backends]{{range .Nodes}}{{$address := .Service.Address}}{{if not $address}}{{$address = .Node.Address}}{{end}}
            [backends.backend-{{getBackend .}}.servers.{{.Node.Node | replace "." "-"}}--{{.Service.Port}}]
            url = "http://{{$address}}:{{.Service.Port}}"
            {{- with .Service.Tags}}
            # tags: {{range $i, $tag := .}}{{if $i}},{{end}}{{$tag}}{{end}}{{end}}
        {{end}}

        [frontends]{{range .Services}}
          [frontends.frontend-{{.}}]
          backend = "backend-{{.}}"
          passHostHeader = false
            [frontends.frontend-{{.}}.routes.route-host-{{.}}]
            rule = "Host:{{getFrontendValue .}}"
        {{end}}
        """

    @Test func consulCatalogTemplateRendersNodesAndServices() throws {
        let functions = TemplateFunctions([
            "getBackend": { arguments in
                .string(arguments.first?.asMap?["Service"]?.asMap?["Service"]?.asString?.lowercased() ?? "")
            },
            "getFrontendValue": { arguments in .string("\(arguments.first?.asString ?? "").consul.localhost") },
            "replace": { arguments in
                .string(arguments[2].asString?.replacing(arguments[0].asString ?? "", with: arguments[1].asString ?? "") ?? "")
            },
        ])
        let data: TemplateValue = [
            "Services": ["api", "web"],
            "Nodes": [
                [
                    "Node": ["Node": "node1.dc", "Address": "10.0.0.1"],
                    "Service": ["Service": "Web", "Port": 80, "Address": "", "Tags": ["a", "b"]],
                ],
                [
                    "Node": ["Node": "node2", "Address": "10.0.0.2"],
                    "Service": ["Service": "api", "Port": 8080, "Address": "10.0.1.2", "Tags": []],
                ],
            ],
        ]
        let template = try GoTemplate(
            parsing: Self.consulCatalogTemplate,
            name: "consul_catalog.tmpl",
            functions: functions
        )
        let expected = """
            [backends]
                [backends.backend-web.servers.node1-dc--80]
                url = "http://10.0.0.1:80"
                # tags: a,b

                [backends.backend-api.servers.node2--8080]
                url = "http://10.0.1.2:8080"


            [frontends]
              [frontends.frontend-api]
              backend = "backend-api"
              passHostHeader = false
                [frontends.frontend-api.routes.route-host-api]
                rule = "Host:api.consul.localhost"

              [frontends.frontend-web]
              backend = "backend-web"
              passHostHeader = false
                [frontends.frontend-web.routes.route-host-web]
                rule = "Host:web.consul.localhost"

            """
        #expect(try template.render(data) == expected)
    }
}
