import ConfigFormats
import Foundation
import Testing

/// Issue 14: the Dockerfile and docker-compose.yml agree with each other and with the demo configuration (the labels
/// are decoded by the Docker provider's own logic in DockerComposeLabelsTests). No Docker engine runs here.
@Suite("Docker files")
struct DockerFilesTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    static func text(_ path: String) throws -> String {
        try String(contentsOf: root.appendingPathComponent(path), encoding: .utf8)
    }

    static func compose() throws -> ConfigNode {
        try YAMLSource.parse(try text("docker-compose.yml"), file: "docker-compose.yml")
    }

    static func strings(_ node: ConfigNode?) -> [String] {
        guard case .array(let elements)? = node?.value else { return [] }
        return elements.compactMap { if case .string(let text) = $0.value { text } else { nil } }
    }

    static func string(_ node: ConfigNode?) -> String? {
        if case .string(let text)? = node?.value { text } else { nil }
    }

    /// The port of a `:80` or `host:80` listen address.
    static func port(_ address: String?) -> Int? {
        address.flatMap { $0.split(separator: ":", omittingEmptySubsequences: false).last.flatMap { Int($0) } }
    }

    /// `FROM image AS name` lines: the build runs in the Swift image, the result in a slim one of the same
    /// distribution, with the static, stripped binary the build stage produced.
    @Test func dockerfileBuildsStaticAndRunsSlim() throws {
        let lines = try Self.text("Dockerfile").split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        let stages = lines.filter { $0.hasPrefix("FROM ") }.map { $0.split(separator: " ").map(String.init) }
        #expect(stages.count == 2)
        let builder = try #require(stages.first)
        #expect(builder[1].hasPrefix("swift:") && builder.count == 4 && builder[2] == "AS")
        let runtime = try #require(stages.last)[1]
        #expect(runtime.hasSuffix("-slim"))
        let distribution = try #require(builder[1].split(separator: "-").last)
        #expect(runtime.contains(distribution), "run on the distribution the binary was linked on")
        let build = lines.joined(separator: "\n")
        #expect(build.contains("--static-swift-stdlib") && build.contains("--product traefik"))
        #expect(build.contains("strip -o /traefik .build/release/traefik"))
        #expect(lines.contains("COPY --from=\(builder[3]) /traefik /usr/local/bin/traefik"))
        #expect(lines.contains(#"ENTRYPOINT ["/usr/local/bin/traefik"]"#))
        let exposed = Set(lines.filter { $0.hasPrefix("EXPOSE ") }.flatMap { $0.split(separator: " ").dropFirst() }.compactMap { Int($0) })
        // The image's ports are the demo's entry point and web API.
        let demo = try TOMLSource.parse(try Self.text("demo/docker-traefik.toml"), file: "docker-traefik.toml")
        let demoPorts = Set([Self.port(Self.string(demo["entryPoints"]?["http"]?["address"])),
                             Self.port(Self.string(demo["web"]?["address"]))].compactMap { $0 })
        #expect(exposed == demoPorts)
    }

    @Test func composeMountsAnExistingConfigurationAndPublishesItsPorts() throws {
        let compose = try Self.compose()
        let traefik = try #require(compose["services"]?["traefik"])
        #expect(Self.string(traefik["build"]) == ".")
        #expect(FileManager.default.fileExists(atPath: Self.root.appendingPathComponent("Dockerfile").path))
        let configFile = try #require(Self.string(traefik["command"])?.split(separator: "=").last.map(String.init))
        let mounts = Self.strings(traefik["volumes"]).map { $0.split(separator: ":").map(String.init) }
        let config = try #require(mounts.first { $0.count >= 2 && $0[1] == configFile }, "the --configFile is mounted")
        #expect(config[0].hasPrefix("./"))
        let demo = try TOMLSource.parse(try Self.text(config[0]), file: config[0])
        let published = Self.strings(traefik["ports"]).map { $0.split(separator: ":").compactMap { Int($0) } }
        let containerPorts = Set(published.compactMap(\.last))
        var listening: Set<Int> = []
        guard case .table(let entryPoints)? = demo["entryPoints"]?.value else {
            Issue.record("no entry points in \(config[0])")
            return
        }
        for entry in entryPoints { if let port = Self.port(Self.string(entry.node["address"])) { listening.insert(port) } }
        if let web = Self.port(Self.string(demo["web"]?["address"])) { listening.insert(web) }
        #expect(containerPorts == listening, "published \(containerPorts), listening \(listening)")
    }
}
