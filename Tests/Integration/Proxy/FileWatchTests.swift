import FakeFarm
import Foundation
import Testing

@Suite("File provider")
struct FileWatchTests {
    static func rules(backendPort: Int, path: String) -> String {
        """
        [backends]
          [backends.one.servers.s]
          url = "http://127.0.0.1:\(backendPort)"
        [frontends]
          [frontends.f]
          backend = "one"
            [frontends.f.routes.r]
            rule = "Path"
            value = "\(path)"
        """
    }

    @Test func watchedRulesFileIsReappliedAndBrokenEditsAreIgnored() async throws {
        let backend = WhoamiServer(name: "watched")
        try await backend.start()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("traefik-watch-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let rulesFile = directory.appendingPathComponent("rules.toml")
        try Self.rules(backendPort: backend.port, path: "/old").write(to: rulesFile, atomically: true, encoding: .utf8)
        // watch defaults to true (D24)
        let config = testEntryPoint.replacingOccurrences(of: "[file]", with: "[file]\nfilename = \"\(rulesFile.path)\"")
        try await ProxyHarness.with(backends: 0, toml: config) { proxy in
            #expect(try await proxy.get("/old", host: "h").status == 200)

            try Self.rules(backendPort: backend.port, path: "/new").write(to: rulesFile, atomically: true, encoding: .utf8)
            try await eventually(timeout: .seconds(30), "the edited rules are served") {
                try await proxy.get("/new", host: "h").status == 200
            }
            #expect(try await proxy.get("/old", host: "h").status == 404)

            try "[frontends\nbroken".write(to: rulesFile, atomically: true, encoding: .utf8)
            try await eventually(timeout: .seconds(30), "the broken file was read and rejected") {
                proxy.traefik.rejectedUpdates == 1
            }
            #expect(try await proxy.get("/new", host: "h").status == 200)

            try Self.rules(backendPort: backend.port, path: "/fixed").write(to: rulesFile, atomically: true, encoding: .utf8)
            try await eventually(timeout: .seconds(30), "the fixed rules are served") {
                try await proxy.get("/fixed", host: "h").status == 200
            }
        }
        try await backend.stop()
        try? FileManager.default.removeItem(at: directory)
    }

    /// Editors save by writing a new file and renaming it over the old one; `rm` then re-creating is the other
    /// common pattern (testable G6). Both are picked up; while the file is missing the last routes keep serving.
    @Test func renameOverAndDeleteThenRecreateArePickedUp() async throws {
        let backend = WhoamiServer(name: "renamed")
        try await backend.start()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("traefik-rename-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let rulesFile = directory.appendingPathComponent("rules.toml")
        try Self.rules(backendPort: backend.port, path: "/first").write(to: rulesFile, atomically: false, encoding: .utf8)
        let config = "providersThrottleDuration = \"0s\"\n"
            + testEntryPoint.replacingOccurrences(of: "[file]", with: "[file]\nfilename = \"\(rulesFile.path)\"")
        try await ProxyHarness.with(backends: 0, toml: config) { proxy in
            #expect(try await proxy.get("/first", host: "h").status == 200)
            // Same size, written elsewhere and renamed over the watched path.
            let staged = directory.appendingPathComponent(".rules.toml.swp")
            try Self.rules(backendPort: backend.port, path: "/other").write(to: staged, atomically: false, encoding: .utf8)
            #expect(rename(staged.path, rulesFile.path) == 0)
            try await eventually(timeout: .seconds(20), "the renamed-over file is served") {
                try await proxy.get("/other", host: "h").status == 200
            }
            try FileManager.default.removeItem(at: rulesFile)
            try await eventually(timeout: .seconds(20), "the deletion was noticed") { proxy.traefik.rejectedUpdates >= 1 }
            #expect(try await proxy.get("/other", host: "h").status == 200, "the last good routes keep serving")
            try Self.rules(backendPort: backend.port, path: "/again").write(to: rulesFile, atomically: false, encoding: .utf8)
            try await eventually(timeout: .seconds(20), "the re-created file is served") {
                try await proxy.get("/again", host: "h").status == 200
            }
        }
        try await backend.stop()
        try? FileManager.default.removeItem(at: directory)
    }

    @Test func unwatchedFileIsReadOnce() async throws {
        let backend = WhoamiServer(name: "unwatched")
        try await backend.start()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("traefik-nowatch-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let rulesFile = directory.appendingPathComponent("rules.toml")
        try Self.rules(backendPort: backend.port, path: "/old").write(to: rulesFile, atomically: true, encoding: .utf8)
        let config = testEntryPoint.replacingOccurrences(
            of: "[file]", with: "[file]\nwatch = false\nfilename = \"\(rulesFile.path)\"")
        try await ProxyHarness.with(backends: 0, toml: config) { proxy in
            try Self.rules(backendPort: backend.port, path: "/new").write(to: rulesFile, atomically: true, encoding: .utf8)
            // watch = false: no poll ever picks the edit up.
            try await Task.sleep(for: .seconds(2))
            #expect(try await proxy.get("/old", host: "h").status == 200)
            #expect(try await proxy.get("/new", host: "h").status == 404)
        }
        try await backend.stop()
        try? FileManager.default.removeItem(at: directory)
    }

    @Test func throttleAppliesOnlyTheLastOfABurstOfEdits() async throws {
        let backend = WhoamiServer(name: "throttled")
        try await backend.start()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("traefik-throttle-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let rulesFile = directory.appendingPathComponent("rules.toml")
        func write(_ path: String) throws {
            try Self.rules(backendPort: backend.port, path: path).write(to: rulesFile, atomically: true, encoding: .utf8)
        }
        try write("/first")
        let config = "providersThrottleDuration = \"6s\"\n"
            + testEntryPoint.replacingOccurrences(of: "[file]", with: "[file]\nfilename = \"\(rulesFile.path)\"")
        try await ProxyHarness.with(backends: 0, toml: config) { proxy in
            // An applied edit opens a throttle period…
            try write("/opening")
            try await eventually(timeout: .seconds(20), "the opening edit is served") {
                try await proxy.get("/opening", host: "h").status == 200
            }
            let appliedWithOpening = proxy.traefik.configurationsApplied
            // …in which two more edits arrive, each seen by its own poll: only the last may be applied.
            let seen = proxy.traefik.providerUpdates
            try write("/middle")
            try await eventually(timeout: .seconds(30), "the provider read the middle edit") {
                proxy.traefik.providerUpdates > seen
            }
            let seenMiddle = proxy.traefik.providerUpdates
            try write("/final")
            try await eventually(timeout: .seconds(30), "the provider read the final edit") {
                proxy.traefik.providerUpdates > seenMiddle
            }
            // Nothing was published between the opening edit and reading the final one: the middle edit waited
            // in the throttle and the final one replaced it. (On a starved machine the polls can be so late that
            // the period ends in between, and then applying the middle edit is right; the throttle's logic
            // itself is unit-tested with a manual clock.)
            let burstInOnePeriod = proxy.traefik.configurationsApplied == appliedWithOpening
            var middleServed = false
            try await eventually(timeout: .seconds(20), "the final edit is served") {
                if try await proxy.get("/middle", host: "h").status != 404 { middleServed = true }
                return try await proxy.get("/final", host: "h").status == 200
            }
            if burstInOnePeriod { #expect(!middleServed, "the intermediate edit was applied") }
            #expect(try await proxy.get("/middle", host: "h").status == 404)
        }
        try await backend.stop()
        try? FileManager.default.removeItem(at: directory)
    }
}
