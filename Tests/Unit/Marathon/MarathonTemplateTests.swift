import Foundation
import Providers
import Testing
import TraefikCore

/// `[marathon] filename`: the original's template data and functions (spec §12B, D22).
@Suite struct MarathonTemplateTests {
    /// integration/fixtures/marathon/marathon.tmpl, found from this file's place in the repository.
    static let templatePath = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("integration/fixtures/marathon/marathon.tmpl").path

    static let state = MarathonState(
        applications: [
            MarathonApplication(id: "/test", ports: [80]),
            MarathonApplication(id: "/group/api", labels: [
                "traefik.backend": "bar", "traefik.portIndex": "1", "traefik.protocol": "https", "traefik.weight": "5",
                "traefik.frontend.passHostHeader": "true", "traefik.frontend.entryPoints": "http,https",
            ], ports: [80, 443]),
            MarathonApplication(id: "/broken", labels: ["traefik.weight": "heavy"], ports: [80]),
        ],
        tasks: [
            MarathonTask(id: "test.1", appID: "/test", host: "127.0.0.1", ports: [31000]),
            MarathonTask(id: "test.2", appID: "/test", host: "127.0.0.2", ports: [31001]),
            MarathonTask(id: "group_api.1", appID: "/group/api", host: "10.0.0.1", ports: [31010, 31011]),
            MarathonTask(id: "broken.1", appID: "/broken", host: "10.0.0.1", ports: [31020]),
        ])

    private func provider(template: String?) throws -> MarathonProvider {
        try MarathonProvider(
            client: MarathonClient(endpoints: "http://127.0.0.1:1"), domain: "marathon.localhost", watch: false,
            templateFile: template)
    }

    @Test func theV1StyleTemplateRendersTheSameRoutesAsTheBuiltInOnes() throws {
        let rendered = try provider(template: Self.templatePath).event(for: Self.state)
        let builtIn = try provider(template: nil).event(for: Self.state)
        guard case .snapshot(let fromTemplate) = rendered, case .snapshot(let direct) = builtIn else {
            Issue.record("\(rendered) / \(builtIn)")
            return
        }
        #expect(fromTemplate.configuration == direct.configuration)
        #expect(direct.configuration.backends.keys.sorted() == ["backend-test", "backendbar"])
        #expect(direct.configuration.backends["backendbar"]?.servers["server-group_api-1"]?.url == "https://10.0.0.1:31011")
    }

    @Test func aCustomTemplateSeesTheDataAndTheDomain() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("marathon-tmpl-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("custom.tmpl").path
        try """
            [backends.all]{{range .Tasks}}
              [backends.all.servers.{{.ID | replace "." "_"}}]
              url = "http://{{.Host}}:{{index .Ports 0}}"{{end}}
            [frontends.f]
            backend = "all"
              [frontends.f.routes.r]
              rule = "Host"
              value = "all.{{.Domain}}"
            """.write(toFile: path, atomically: true, encoding: .utf8)
        let event = try provider(template: path).event(for: Self.state)
        guard case .snapshot(let snapshot) = event else { Issue.record("\(event)"); return }
        // The app disabled by its bad weight label is not in the data.
        #expect(snapshot.configuration.backends["all"]?.servers.keys.sorted() == ["group_api_1", "test_1", "test_2"])
        #expect(snapshot.configuration.frontends["f"]?.routes["r"]?.value == "all.marathon.localhost")
    }

    @Test func aTemplateErrorIsUnavailableNamingTheFile() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("marathon-tmpl-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("broken.tmpl").path
        try "{{range .Tasks}}{{getPort .}}{{end}}".write(toFile: path, atomically: true, encoding: .utf8)
        let event = try provider(template: path).event(for: Self.state)
        guard case .unavailable(let reason) = event else { Issue.record("\(event)"); return }
        #expect(reason.contains("broken.tmpl"))
        #expect(reason.contains("getPort takes a task and the applications"))
    }
}
