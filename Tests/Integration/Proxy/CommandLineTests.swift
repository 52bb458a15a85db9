import FakeFarm
import Foundation
import Testing

/// The real `traefik` binary, as a user runs it.
@Suite("traefik command line")
struct CommandLineTests {
    static var binary: URL {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        return root.appendingPathComponent(".build/debug/traefik")
    }

    static func run(_ arguments: [String], in directory: URL? = nil) async throws -> ProcessRunner.Outcome {
        try await ProcessRunner.run(binary, arguments, in: directory)
    }

    static func temporaryDirectory() throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("traefik-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory
    }

    @Test func missingConfigFileExitsWith1AndSaysWhy() async throws {
        let outcome = try await Self.run(["--configFile=/nonexistent/traefik.toml"])
        #expect(outcome.status == 1)
        #expect(outcome.stderr.contains("/nonexistent/traefik.toml"))
    }

    @Test func invalidValueNamesFileKeyPathAndLine() async throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("bad.toml")
        try """
            [entryPoints]
              [entryPoints.http]
              address = "127.0.0.1:1"
            [file]
            [backends]
              [backends.b.servers.s]
              url = "http://127.0.0.1:1"
              weight = "ten"
            """.write(to: file, atomically: true, encoding: .utf8)
        let outcome = try await Self.run(["-c", file.path])
        #expect(outcome.status == 1)
        #expect(outcome.stderr.contains("bad.toml:8"))
        #expect(outcome.stderr.contains("backends.b.servers.s.weight"))
    }

    @Test func tomlSyntaxErrorGivesLineAndColumn() async throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("broken.toml")
        try "logLevel = \"INFO\"\n[entryPoints\n".write(to: file, atomically: true, encoding: .utf8)
        let outcome = try await Self.run(["--configFile", file.path])
        #expect(outcome.status == 1)
        #expect(outcome.stderr.contains("broken.toml:2"))
    }

    @Test func findsTraefikTomlInTheWorkingDirectoryAndServes() async throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let backend = WhoamiServer(name: "cli-backend")
        try await backend.start()
        let port = try PortAllocator.freePort()
        try """
            [entryPoints]
              [entryPoints.http]
              address = "127.0.0.1:\(port)"
            [file]
            filename = "rules.toml"
            """.write(to: directory.appendingPathComponent("traefik.toml"), atomically: true, encoding: .utf8)
        try """
            [backends]
              [backends.b.servers.s]
              url = "http://127.0.0.1:\(backend.port)"
            [frontends]
              [frontends.f]
              backend = "b"
            """.write(to: directory.appendingPathComponent("rules.toml"), atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = Self.binary
        process.currentDirectoryURL = directory
        process.standardError = FileHandle.nullDevice
        try process.run()
        try await eventually(timeout: .seconds(10), "the proxy serves the rules file") {
            (try? await HTTPTestClient.request(port: port, target: "/").status) == 200
        }
        #expect(try await HTTPTestClient.request(port: port).whoami().name == "cli-backend")
        process.terminate()
        await ProcessRunner.waitForExit(process)
        #expect(process.terminationStatus == 0)
        try await backend.stop()
    }
}
