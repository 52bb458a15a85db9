import Foundation
import Providers
import Testing
import TraefikCore

/// A bad part of a rules file is reported with its provider and where it is written (design.md "Errors as values").
@Suite struct DiagnosticLocationTests {
    @Test func badRuleNamesProviderFileLineAndColumn() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("rules-\(UUID().uuidString).toml").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try """
            [backends]
              [backends.b.servers.s]
              url = "http://127.0.0.1:1"
            [frontends]
              [frontends.good]
              backend = "b"
              [frontends.bad]
              backend = "b"
                [frontends.bad.routes.r]
                rule = "Hots"
                value = "example.com"
            """.write(toFile: path, atomically: true, encoding: .utf8)
        let snapshot = try FileProvider(path: path, watch: false).snapshot()
        let snapshots: [ProviderName: ProviderSnapshot] = [.file: snapshot]
        let merged = ConfigurationMerge.merge(snapshots)
        let compiled = CompiledConfiguration.compile(
            merged.configuration, entryPointNames: ["http"], defaultEntryPoints: ["http"])
        let diagnostics = merged.attributed(compiled.diagnostics, snapshots: snapshots)
        #expect(compiled.frontends.map(\.name) == ["good"])
        let bad = try #require(diagnostics.first)
        #expect(bad.provider == .file)
        #expect(bad.location?.file == path)
        #expect(bad.location?.line == 9)
        #expect("\(bad)".hasPrefix("file \(path):9:"), "\(bad)")
    }
}
