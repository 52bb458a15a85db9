import Foundation
import KVStores
import Providers
import Testing
import TraefikCore

/// `filename = "…tmpl"` on a KV provider: the user's Go template renders the routes (spec §12B, D22).
@Suite struct KVTemplateTests {
    /// integration/fixtures/kv/kv.tmpl, found from this file's place in the repository.
    static let templatePath = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("integration/fixtures/kv/kv.tmpl").path

    private func provider(_ store: InMemoryKVStore, template: String) -> KVProvider {
        KVProvider(name: .consul, store: store, endpoint: "memory", prefix: "/traefik", watch: false, templateFile: template)
    }

    @Test func theV1StyleTemplateRendersTheSameRoutesAsTheBuiltInLayout() async throws {
        var values = seedKeyTable
        values["/traefik/frontends/frontend2/entrypoints"] = "http"  // the template does not trim, like the original
        let event = await provider(InMemoryKVStore(values), template: Self.templatePath).currentEvent()
        guard case .snapshot(let rendered) = event else { Issue.record("\(event)"); return }
        let builtIn = KVConfigurationBuilder(provider: .consul).snapshot(from: tree(values), prefix: "/traefik")
        #expect(rendered.configuration == builtIn.configuration)
    }

    @Test func templateAndTOMLErrorsAreReportedWithTheFileNameAndKeepTheLastRoutes() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("kv-tmpl-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let broken = directory.appendingPathComponent("broken.tmpl").path
        try "[frontends]{{range List .Prefix \"/frontends/\"}}\n{{Nope .}}{{end}}".write(
            toFile: broken, atomically: true, encoding: .utf8)
        let parseError = await provider(InMemoryKVStore(seedKeyTable), template: broken).currentEvent()
        guard case .unavailable(let reason) = parseError else { Issue.record("\(parseError)"); return }
        #expect(reason.contains("broken.tmpl:2:"))
        #expect(reason.contains("Nope"))

        let badTOML = directory.appendingPathComponent("bad-toml.tmpl").path
        try "[backends.{{.Prefix}}]\nurl = ".write(toFile: badTOML, atomically: true, encoding: .utf8)
        let tomlError = await provider(InMemoryKVStore(seedKeyTable), template: badTOML).currentEvent()
        guard case .unavailable(let tomlReason) = tomlError else { Issue.record("\(tomlError)"); return }
        #expect(tomlReason.contains("bad-toml.tmpl (rendered)"))

        let missing = await provider(InMemoryKVStore(seedKeyTable), template: directory.path + "/none.tmpl")
            .currentEvent()
        guard case .unavailable(let missingReason) = missing else { Issue.record("\(missing)"); return }
        #expect(missingReason.contains("none.tmpl"))
    }

    @Test func theTemplateIsReadAgainAtEveryReload() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("kv-tmpl-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("one.tmpl").path
        let template = { (host: String) in
            "[frontends.f]\nbackend = \"b\"\n[frontends.f.routes.r]\nrule = \"Host\"\nvalue = \"\(host){{Get \"\" .Prefix \"/suffix\"}}\"\n"
        }
        try template("a").write(toFile: path, atomically: true, encoding: .utf8)
        let kv = provider(InMemoryKVStore(["/traefik/suffix": ".localhost"]), template: path)
        guard case .snapshot(let first) = await kv.currentEvent() else { Issue.record("no snapshot"); return }
        #expect(first.configuration.frontends["f"]?.routes["r"]?.value == "a.localhost")
        try template("b").write(toFile: path, atomically: true, encoding: .utf8)
        guard case .snapshot(let second) = await kv.currentEvent() else { Issue.record("no snapshot"); return }
        #expect(second.configuration.frontends["f"]?.routes["r"]?.value == "b.localhost")
    }
}
