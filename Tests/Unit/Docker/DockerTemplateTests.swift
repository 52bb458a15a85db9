import Foundation
import Providers
import Testing
import TraefikCore

/// `[docker] filename = "…tmpl"`: the user's Go template renders the routes (spec §12B, D22).
@Suite struct DockerTemplateTests {
    /// integration/fixtures/docker/docker.tmpl, found from this file's place in the repository.
    static let templatePath = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("integration/fixtures/docker/docker.tmpl").path

    static func provider(template: String?, domain: String = "docker.localhost") throws -> DockerProvider {
        // Never connected: only `event(for:)` is used.
        let engine = try DockerEngineClient(endpoint: "unix:///nonexistent/docker.sock", tls: nil)
        return DockerProvider(engine: engine, domain: domain, watch: false, templateFile: template)
    }

    static let containers = [
        DockerContainer(name: "/web", ipAddress: "172.17.0.5"),
        DockerContainer(
            name: "/api.v2", labels: [
                "traefik.frontend.rule": "Path", "traefik.frontend.value": "/x", "traefik.backend": "foo",
                "traefik.weight": "10", "traefik.protocol": "https", "traefik.frontend.passHostHeader": "true",
                "traefik.frontend.entryPoints": "http,https",
            ], ipAddress: "10.0.0.2"),
        DockerContainer(name: "/api2", labels: ["traefik.backend": "foo", "traefik.domain": "example.org"], ipAddress: "10.0.0.3"),
        DockerContainer(name: "/custom", networkAddresses: ["front": "10.9.0.4"]),
        DockerContainer(name: "/bad", labels: ["traefik.weight": "heavy"], ipAddress: "10.0.0.9"),
    ]

    @Test func theV1StyleTemplateRendersTheSameRoutesAsTheBuiltInOnes() throws {
        let event = try Self.provider(template: Self.templatePath).event(for: Self.containers)
        guard case .snapshot(let rendered) = event else { Issue.record("\(event)"); return }
        let builtIn = DockerConfigurationBuilder(domain: "docker.localhost").snapshot(from: Self.containers)
        #expect(rendered.configuration == builtIn.configuration)
        #expect(rendered.configuration.backends.count == 3)
        // A container a bad label disables is left out of .Containers, and its diagnostic stays.
        #expect(rendered.diagnostics.map(\.keyPath) == ["containers.bad"])
    }

    @Test func dataAndFunctionsAsTheSeedDocumentsThem() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("docker-tmpl-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("probe.tmpl").path
        // Everything rendered into one frontend's value, so the TOML stays valid and the text can be read back.
        try #"""
            [frontends.probe]
            backend = "b"
              [frontends.probe.routes.r]
              rule = "Host"
              value = "{{.Domain}}|{{range .Containers}}{{slice .ID 0 4}} {{.Name | replace "/" ""}} {{getDomain .}} {{getPort .}} {{getWeight .}} {{getProtocol .}} {{getPassHostHeader .}} {{getEntryPoints .}} {{getFrontendRule .}} {{getFrontendValue .}} [{{index .Config.Labels "traefik.backend"}}] {{.State.Running}};{{end}}|{{range $key, $containers := .Frontends}}{{$key}}={{len $containers}};{{end}}"
            """#.write(toFile: path, atomically: true, encoding: .utf8)
        let containers = [
            DockerContainer(id: "aaaa1111", name: "/one", ipAddress: "1.1.1.1"),
            DockerContainer(
                id: "bbbb2222", name: "/two", labels: ["traefik.domain": "example.org", "traefik.frontend.entryPoints": "a,b"],
                exposedPorts: ["81/tcp"], ipAddress: "1.1.1.2"),
        ]
        let event = try Self.provider(template: path).event(for: containers)
        guard case .snapshot(let rendered) = event else { Issue.record("\(event)"); return }
        #expect(rendered.configuration.frontends["probe"]?.routes["r"]?.value == [
            "docker.localhost|",
            "aaaa one docker.localhost 80 0 http false [] Host one.docker.localhost [] true;",
            "bbbb two example.org 81 0 http false [a b] Host two.example.org [] true;",
            "|Host-one-docker-localhost=1;Host-two-example-org=1;",
        ].joined())
    }

    @Test func templateAndTOMLErrorsAreReportedWithTheFileName() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("docker-tmpl-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let broken = directory.appendingPathComponent("broken.tmpl").path
        try "[backends]\n{{range .Containers}}{{getBackend}}{{end}}".write(toFile: broken, atomically: true, encoding: .utf8)
        let functionError = try Self.provider(template: broken).event(for: Self.containers)
        guard case .unavailable(let reason) = functionError else { Issue.record("\(functionError)"); return }
        #expect(reason.contains("broken.tmpl:2:"))
        #expect(reason.contains("getBackend"))

        let badTOML = directory.appendingPathComponent("bad-toml.tmpl").path
        try "[backends.{{range .Containers}}".write(toFile: badTOML, atomically: true, encoding: .utf8)
        guard case .unavailable = try Self.provider(template: badTOML).event(for: Self.containers) else {
            Issue.record("a template error must keep the last routes")
            return
        }
        let missing = try Self.provider(template: directory.appendingPathComponent("none.tmpl").path)
            .event(for: Self.containers)
        guard case .unavailable(let reason) = missing else { Issue.record("\(missing)"); return }
        #expect(reason.contains("none.tmpl"))
    }
}
