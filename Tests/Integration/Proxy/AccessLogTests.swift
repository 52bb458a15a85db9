import FakeFarm
import Foundation
import Testing

@Suite("Access log")
struct AccessLogTests {
    @Test func everyRequestGetsACombinedLogFormatLine() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("traefik-access-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let logFile = directory.appendingPathComponent("access.log")
        let config = "accessLogsFile = \"\(logFile.path)\"\n" + testEntryPoint + """
            [backends]
              [backends.one.servers.s]
              url = "http://127.0.0.1:{{B1}}"
            [frontends]
              [frontends.api]
              backend = "one"
                [frontends.api.routes.r]
                rule = "PathPrefix"
                value = "/api"
            """
        try await ProxyHarness.with(backends: 1, toml: config) { proxy in
            _ = try await proxy.get("/api/x?q=1", host: "h", headers: [("User-Agent", "tester/1"), ("Referer", "http://r/")])
            _ = try await proxy.get("/missing", host: "h")
            _ = try await proxy.get("//api", host: "h")
            try await eventually(timeout: .seconds(5), "three access-log lines") {
                ((try? String(contentsOf: logFile, encoding: .utf8)) ?? "").split(separator: "\n").count == 3
            }
            let lines = try String(contentsOf: logFile, encoding: .utf8).split(separator: "\n").map(String.init)
            let proxied = try #require(lines.first { $0.contains("/api/x") })
            #expect(proxied.hasPrefix("127.0.0.1 - - ["))
            #expect(proxied.contains("] \"GET /api/x?q=1 HTTP/1.1\" 200 "))
            #expect(proxied.hasSuffix(" \"http://r/\" \"tester/1\""))
            #expect(lines.contains { $0.contains("\"GET /missing HTTP/1.1\" 404 19 \"-\" \"-\"") })
            #expect(lines.contains { $0.contains("\"GET //api HTTP/1.1\" 301 0") })
        }
    }
}
