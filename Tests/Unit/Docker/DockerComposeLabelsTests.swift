import ConfigFormats
import Foundation
import Providers
import Testing
import TraefikCore

/// docker-compose.yml's labels, read as the provider reads a container's: the demo stack routes what it says.
@Suite struct DockerComposeLabelsTests {
    static let composeFile = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("docker-compose.yml").path

    /// Each service's `labels:` list (`key=value` items) as a container named as Compose names it.
    static func composeContainers() throws -> [DockerContainer] {
        let tree = try YAMLSource.parse(String(contentsOfFile: composeFile, encoding: .utf8), file: composeFile)
        guard case .table(let services)? = tree["services"]?.value else { throw ComposeFileError("no services") }
        return try services.enumerated().map { index, service in
            var labels: [String: String] = [:]
            if case .array(let items)? = service.node["labels"]?.value {
                for item in items {
                    guard case .string(let text) = item.value, let equals = text.firstIndex(of: "=") else {
                        throw ComposeFileError("\(service.key): a label that is not key=value")
                    }
                    labels[String(text[..<equals])] = String(text[text.index(after: equals)...])
                }
            }
            return DockerContainer(name: "/demo-\(service.key)-1", labels: labels, ipAddress: "172.18.0.\(index + 2)")
        }
    }

    @Test func theDemoStackRoutesWhoamiAndTheAPIAndNotTheProxy() throws {
        let snapshot = DockerConfigurationBuilder(domain: "docker.localhost").snapshot(from: try Self.composeContainers())
        #expect(snapshot.diagnostics.isEmpty)
        #expect(snapshot.configuration.backends.keys.sorted() == ["backend-api", "backend-whoami"])
        #expect(snapshot.configuration.backends["backend-api"]?.servers.values.first?.weight == 10)
        #expect(snapshot.configuration.frontends == [
            "frontend-Host-whoami-docker-localhost": Frontend(
                backend: "backend-whoami",
                routes: ["route-frontend-Host-whoami-docker-localhost": Route(rule: "Host", value: "whoami.docker.localhost")]),
            "frontend-PathPrefix-/api": Frontend(
                backend: "backend-api", passHostHeader: true,
                routes: ["route-frontend-PathPrefix-/api": Route(rule: "PathPrefix", value: "/api")]),
        ])
    }
}

private struct ComposeFileError: Error, CustomStringConvertible {
    var description: String

    init(_ description: String) {
        self.description = description
    }
}
