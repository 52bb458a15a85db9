import FakeFarm
import Foundation
import Testing

/// Issue 14: the release binary (`make release`, dist/traefik) needs no Swift runtime and no environment. It takes a
/// static release build, too slow for `make test`: `make release-check` builds it and runs these with
/// TRAEFIK_RELEASE_BINARY set.
@Suite(
    "static release binary",
    .enabled(if: ProcessInfo.processInfo.environment["TRAEFIK_RELEASE_BINARY"] != nil, "run by make release-check"))
struct StaticBinaryTests {
    static var binary: URL {
        URL(fileURLWithPath: ProcessInfo.processInfo.environment["TRAEFIK_RELEASE_BINARY"] ?? "dist/traefik")
    }

    /// Runs the binary with an empty environment (`env -i`).
    static func runBare(_ arguments: [String]) throws -> Process {
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        process.environment = [:]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        return process
    }

    @Test func versionWithAnEmptyEnvironmentShowsTheStamp() async throws {
        let outcome = try await ProcessRunner.run(URL(fileURLWithPath: "/usr/bin/env"), ["-i", Self.binary.path, "version"])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        // `<version> built on the <UTC date> from commit <hash>`: make release stamped all three.
        let words = outcome.stdout.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: " ")
        #expect(words.count == 8, "\(outcome.stdout)")
        #expect(words.dropFirst().prefix(3) == ["built", "on", "the"])
        #expect(words.count > 4 && words[4].count == 20 && words[4].hasSuffix("Z"), "ISO 8601 UTC date")
        #expect(words.dropFirst(5).prefix(2) == ["from", "commit"])
    }

    @Test func lddListsNoSwiftLibraries() async throws {
        let ldd = try await ProcessRunner.run(URL(fileURLWithPath: "/usr/bin/ldd"), [Self.binary.path])
        #expect(ldd.status == 0)
        let libraries = ldd.stdout.split(separator: "\n").compactMap { $0.split(separator: " ").first.map(String.init) }
        #expect(!libraries.isEmpty)
        for library in libraries {
            #expect(
                !["swift", "Foundation", "dispatch", "BlocksRuntime", "ICU"].contains { library.contains($0) },
                "\(library)")
        }
        #expect(!ldd.stdout.contains("not found"))
        let stripped = try await ProcessRunner.run(URL(fileURLWithPath: "/usr/bin/file"), [Self.binary.path])
        if stripped.status == 0 { #expect(stripped.stdout.contains(", stripped"), "\(stripped.stdout)") }
    }

    @Test func servesARequestWithAnEmptyEnvironment() async throws {
        let directory = try CommandLineTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let backend = WhoamiServer(name: "static")
        try await backend.start()
        let port = try PortAllocator.freePort()
        let config = try LaunchConfigurationTests.write(
            "[entryPoints]\n  [entryPoints.http]\n  address = \"127.0.0.1:\(port)\"\n[file]\n"
                + LaunchConfigurationTests.routes(backendPort: backend.port), to: "traefik.toml", in: directory)
        let process = try Self.runBare(["-c", config.path])
        try process.run()
        defer { if process.isRunning { process.terminate() } }
        try await eventually(timeout: .seconds(15), "the static binary serves on \(port)") {
            (try? await HTTPTestClient.request(port: port).status) == 200
        }
        #expect(try await HTTPTestClient.request(port: port).whoami().name == "static")
        process.terminate()
        await ProcessRunner.waitForExit(process)
        #expect(process.terminationStatus == 0)
        try await backend.stop()
    }
}
