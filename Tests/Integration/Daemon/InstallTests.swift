import Foundation
import Testing

/// Issue 14: `make install` / `make uninstall` into a staging DESTDIR, with the debug binary standing in for
/// dist/traefik (the tree and the rules are the same).
@Suite("make install")
struct InstallTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    static func make(_ target: String, into destination: URL) async throws -> ProcessRunner.Outcome {
        try await ProcessRunner.run(URL(fileURLWithPath: "/usr/bin/make"), [
            "-s", "-C", root.path, target, "DESTDIR=\(destination.path)", "PREFIX=/usr/local", "SYSCONFDIR=/etc",
            "TRAEFIK_BINARY=\(CommandLineTests.binary.path)",
        ])
    }

    /// Every regular file under `directory`, relative to it, sorted.
    static func files(under directory: URL) -> [String] {
        let enumerator = FileManager.default.enumerator(atPath: directory.path)
        var files: [String] = []
        while let path = enumerator?.nextObject() as? String {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: directory.path + "/" + path, isDirectory: &isDirectory),
                !isDirectory.boolValue
            {
                files.append(path)
            }
        }
        return files.sorted()
    }

    @Test func installsTheDocumentedTreeAndUninstallRemovesIt() async throws {
        let destination = try CommandLineTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: destination) }
        let install = try await Self.make("install", into: destination)
        #expect(install.status == 0, "\(install.stderr)")
        #expect(Self.files(under: destination) == [
            "etc/traefik/traefik.toml", "usr/local/bin/traefik", "usr/local/lib/systemd/system/traefik.service",
        ])
        let binary = destination.appendingPathComponent("usr/local/bin/traefik")
        #expect(FileManager.default.isExecutableFile(atPath: binary.path))
        let sample = destination.appendingPathComponent("etc/traefik/traefik.toml")
        #expect(
            try Data(contentsOf: sample)
                == Data(contentsOf: Self.root.appendingPathComponent("packaging/traefik.toml")))
        // The sample is a valid configuration for the installed binary.
        let check = try await ProcessRunner.run(binary, ["check", "-c", sample.path])
        #expect(check.status == 0, "\(check.stderr)")

        let unit = try String(
            contentsOf: destination.appendingPathComponent("usr/local/lib/systemd/system/traefik.service"), encoding: .utf8)
        let lines = Set(unit.split(separator: "\n").map(String.init))
        #expect(lines.contains("ExecStart=/usr/local/bin/traefik --configFile=/etc/traefik/traefik.toml"))
        #expect(lines.isSuperset(of: [
            "Type=notify", "ExecReload=/bin/kill -HUP $MAINPID", "DynamicUser=yes",
            "AmbientCapabilities=CAP_NET_BIND_SERVICE", "ProtectSystem=strict", "LogsDirectory=traefik",
            "WorkingDirectory=/etc/traefik",
        ]))
        #expect(!unit.contains("@BINDIR@") && !unit.contains("@SYSCONFDIR@"), "every placeholder is filled in")
        // systemd's own parser, where it is installed: no unknown key, no bad value (it warns, exit status 0).
        let analyze = URL(fileURLWithPath: "/usr/bin/systemd-analyze")
        if FileManager.default.isExecutableFile(atPath: analyze.path) {
            let staged = destination.appendingPathComponent("traefik.service")
            try unit.replacingOccurrences(of: "/usr/local/bin/traefik", with: binary.path)
                .write(to: staged, atomically: true, encoding: .utf8)
            let verify = try await ProcessRunner.run(analyze, ["--man=no", "verify", staged.path])
            #expect(verify.status == 0 && verify.stderr.isEmpty, "\(verify.stderr)")
            try FileManager.default.removeItem(at: staged)
        }

        let uninstall = try await Self.make("uninstall", into: destination)
        #expect(uninstall.status == 0, "\(uninstall.stderr)")
        #expect(Self.files(under: destination) == [])
        #expect(!FileManager.default.fileExists(atPath: destination.appendingPathComponent("etc/traefik").path))
    }

    @Test func anExistingConfigurationIsNeverOverwrittenNorRemoved() async throws {
        let destination = try CommandLineTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: destination) }
        let config = destination.appendingPathComponent("etc/traefik/traefik.toml")
        try FileManager.default.createDirectory(at: config.deletingLastPathComponent(), withIntermediateDirectories: true)
        let mine = "logLevel = \"DEBUG\"\n# mine\n"
        try mine.write(to: config, atomically: true, encoding: .utf8)
        #expect(try await Self.make("install", into: destination).status == 0)
        #expect(try String(contentsOf: config, encoding: .utf8) == mine)
        #expect(try await Self.make("install", into: destination).status == 0, "installing again is fine")
        #expect(try await Self.make("uninstall", into: destination).status == 0)
        #expect(Self.files(under: destination) == ["etc/traefik/traefik.toml"])
        #expect(try String(contentsOf: config, encoding: .utf8) == mine)
    }

    @Test func installRefusesWithoutABinary() async throws {
        let destination = try CommandLineTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: destination) }
        let outcome = try await ProcessRunner.run(URL(fileURLWithPath: "/usr/bin/make"), [
            "-s", "-C", Self.root.path, "install", "DESTDIR=\(destination.path)",
            "TRAEFIK_BINARY=\(destination.path)/missing/traefik",
        ])
        #expect(outcome.status != 0)
        #expect(outcome.stderr.contains("run make release first"))
        #expect(Self.files(under: destination) == [])
    }
}
