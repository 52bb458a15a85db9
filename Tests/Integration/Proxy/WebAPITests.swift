import FakeFarm
import Foundation
import Testing
import TraefikApp

/// The web provider through real sockets (issue 8; spec §9, testable I): PUT applies through the watcher,
/// read-only mode, /health over a known traffic mix, /metrics, and the dashboard in a real browser.
@Suite struct WebAPITests {
    /// Appended after the rest of a configuration (a TOML table takes every key that follows it).
    static let web = """

        [web]
        address = "127.0.0.1:0"

        """

    static func api(_ proxy: ProxyHarness, _ method: String = "GET", _ target: String, body: String? = nil) async throws
        -> TestResponse
    {
        let port = try #require(proxy.traefik.apiPort)
        return try await HTTPTestClient.request(
            port: port, method: method, target: target, headers: [("Host", "api")], body: body.map { Array($0.utf8) })
    }

    static func webRoutes(backendPort: Int, path: String) -> String {
        #"{"backends":{"wb":{"servers":{"s":{"url":"http://127.0.0.1:\#(backendPort)"}}}},"# +
        #""frontends":{"wf":{"backend":"wb","routes":{"r":{"rule":"Path","value":"\#(path)"}}}}}"#
    }

    /// Only [web]: the entry points open with the first PUT (I16); the new route serves; /api shows it (I7).
    @Test func putAppliesTheWebConfiguration() async throws {
        let httpPort = try PortAllocator.freePort()
        let toml = """
            defaultEntryPoints = ["http"]
            [entryPoints]
              [entryPoints.http]
              address = "127.0.0.1:\(httpPort)"
            """ + Self.web
        try await ProxyHarness.with(backends: 1, toml: toml, waitForHTTP: false) { proxy in
            await #expect(throws: (any Error).self) { _ = try await HTTPTestClient.connect(port: httpPort) }
            #expect(try await Self.api(proxy, "GET", "/api").bodyText == "{}")
            let put = try await Self.api(
                proxy, "PUT", "/api/providers/web", body: Self.webRoutes(backendPort: proxy.backends[0].port, path: "/w"))
            #expect(put.status == 200)
            #expect(put.bodyText == "{}", "the answer is the state before the update")
            try await eventually(timeout: .seconds(10), "the web route serves") {
                (try? await HTTPTestClient.request(port: httpPort, target: "/w", headers: [("Host", "h")]).status) == 200
            }
            let document = try await Self.api(proxy, "GET", "/api")
            #expect(document.header("Content-Type") == "application/json; charset=UTF-8")
            #expect(document.bodyText.contains(#""web":{"backends":{"wb""#), "\(document.bodyText)")
            let server = try await Self.api(proxy, "GET", "/api/providers/web/backends/wb/servers/s")
            #expect(server.bodyText == #"{"url":"http://127.0.0.1:\#(proxy.backends[0].port)"}"#)
            #expect(try await Self.api(proxy, "PUT", "/api/providers/file", body: "{}").status == 400)
            let invalid = try await Self.api(proxy, "PUT", "/api/providers/web", body: "{\"backends\":")
            #expect(invalid.status == 400)
            #expect(try await Self.api(proxy, "DELETE", "/api/providers/web").status == 404)
        }
    }

    @Test func readOnlyRefusesPuts() async throws {
        let toml = catchAllConfig() + Self.web + "readOnly = true\n"
        try await ProxyHarness.with(backends: 1, toml: toml) { proxy in
            let put = try await Self.api(proxy, "PUT", "/api/providers/web", body: "{}")
            #expect(put.status == 403)
            #expect(put.bodyText == "REST API is in read-only mode")
            // The file provider's configuration is there.
            #expect(try await Self.api(proxy, "GET", "/api/providers/file/frontends/all").status == 200)
        }
    }

    /// A known mix of 200, 404 and 502 on the entry point is what /health and /metrics count; API calls are not.
    @Test func healthAndMetricsCountTheEntryPointTraffic() async throws {
        let refused = try PortAllocator.closedPort()
        let toml = testEntryPoint + """
            [backends]
              [backends.up.servers.s]
              url = "http://127.0.0.1:{{B1}}"
              [backends.down.servers.s]
              url = "http://127.0.0.1:\(refused)"
            [frontends]
              [frontends.ok]
              backend = "up"
                [frontends.ok.routes.r]
                rule = "Path"
                value = "/ok"
              [frontends.broken]
              backend = "down"
                [frontends.broken.routes.r]
                rule = "Path"
                value = "/broken"
            """ + Self.web
        try await ProxyHarness.with(backends: 1, toml: toml) { proxy in
            for _ in 0..<3 { #expect(try await proxy.get("/ok", host: "h").status == 200) }
            for _ in 0..<2 { #expect(try await proxy.get("/nothing", host: "h").status == 404) }
            #expect(try await proxy.get("/broken", host: "h", method: "POST").status == 502)
            _ = try await Self.api(proxy, "GET", "/api")
            let health = try await Self.api(proxy, "GET", "/health")
            #expect(health.status == 200)
            struct Health: Decodable {
                let total_status_code_count: [String: Int]
                let total_count: Int
                let pid: Int
            }
            let decoded = try JSONDecoder().decode(Health.self, from: Data(health.body))
            #expect(decoded.total_status_code_count == ["200": 3, "404": 2, "502": 1])
            #expect(decoded.total_count == 6)
            #expect(decoded.pid == Int(ProcessInfo.processInfo.processIdentifier))

            let metrics = try await Self.api(proxy, "GET", "/metrics")
            #expect(metrics.header("Content-Type")?.hasPrefix("text/plain; version=0.0.4") == true)
            let samples = try Self.parsePrometheus(metrics.bodyText)
            #expect(samples[#"traefik_requests_total{entrypoint="http",frontend="ok",backend="up",method="GET",code="200"}"#] == 3)
            #expect(samples[#"traefik_requests_total{entrypoint="http",frontend="",backend="",method="GET",code="404"}"#] == 2)
            #expect(samples[#"traefik_requests_total{entrypoint="http",frontend="broken",backend="down",method="POST",code="502"}"#] == 1)
            #expect(samples[#"traefik_request_duration_seconds_count{backend="up"}"#] == 3)
            #expect(samples["traefik_config_reloads_total"] == 1)
        }
    }

    /// Each sample line `name{labels} value`; comments checked to be HELP/TYPE; fails on anything else.
    static func parsePrometheus(_ text: String) throws -> [String: Double] {
        var samples: [String: Double] = [:]
        for line in text.split(separator: "\n") {
            if line.hasPrefix("# HELP ") || line.hasPrefix("# TYPE ") { continue }
            guard let space = line.lastIndex(of: " "), let value = Double(line[line.index(after: space)...]) else {
                throw TestFailure("not a Prometheus sample: \(line)")
            }
            samples[String(line[..<space])] = value
        }
        return samples
    }

    /// The dashboard in headless Chromium (installed by `make test`): frontends, backends and the health chart
    /// render from the live API. The screenshots are kept in test-artifacts/.
    @Test func dashboardRendersInABrowser() async throws {
        let toml = catchAllConfig() + Self.web
        try await ProxyHarness.with(backends: 1, toml: toml) { proxy in
            _ = try await proxy.get("/", host: "h")
            let port = try #require(proxy.traefik.apiPort)
            let script = TLSTests.fixtures.deletingLastPathComponent().deletingLastPathComponent()
                .deletingLastPathComponent().appendingPathComponent("scripts/dashboard-check.sh")
            // Kept after the run as a test artifact (ignored by git).
            let artifacts = script.deletingLastPathComponent().deletingLastPathComponent()
                .appendingPathComponent("test-artifacts")
            try FileManager.default.createDirectory(at: artifacts, withIntermediateDirectories: true)
            let screenshot = artifacts.appendingPathComponent("dashboard.png").path
            let outcome = try await ProcessRunner.run(
                URL(fileURLWithPath: "/bin/bash"), [script.path, "http://127.0.0.1:\(port)", screenshot])
            #expect(outcome.status == 0, "\(outcome.stdout) \(outcome.stderr)")
            #expect(FileManager.default.fileExists(atPath: screenshot))
        }
    }
}
