import FakeFarm
import Foundation
import Testing

/// Per-entry-point limits through the proxy (issue 10): maxConnections, header limits, the head and body
/// timeouts, and no file descriptor left behind by churn or failed dials.
@Suite struct LimitsTests {
    static func config(_ limits: String) -> String {
        catchAllConfig().replacingOccurrences(
            of: "address = \"127.0.0.1:{{PORT}}\"", with: "address = \"127.0.0.1:{{PORT}}\"\n  \(limits)")
    }

    @Test func maxConnectionsClosesTheOneTooMany() async throws {
        try await ProxyHarness.with(backends: 1, toml: Self.config("maxConnections = 2")) { proxy in
            let first = try await HTTPTestClient.connect(port: proxy.port)
            let second = try await HTTPTestClient.connect(port: proxy.port)
            for client in [first, second] {
                try await client.send("GET / HTTP/1.1\r\nHost: h\r\n\r\n")
                #expect(try await client.readResponse().status == 200)
            }
            let third = try await HTTPTestClient.connect(port: proxy.port)
            #expect(try await third.waitForClose(timeout: .seconds(5)), "a third connection was served")
            await third.close()
            await first.close()
            try await eventually(timeout: .seconds(10), "a connection is free again") {
                (try? await proxy.get("/", host: "h").status) == 200
            }
            await second.close()
        }
    }

    @Test func headerLimitsAreConfigurable() async throws {
        // The test client adds Host and Connection: 4 more lines make 6.
        let toml = Self.config("maxHeaderLines = 6\n  maxRequestLineBytes = 100")
        try await ProxyHarness.with(backends: 1, toml: toml) { proxy in
            let five = (1...4).map { ("X-H\($0)", "v") }
            let fiveLines = try await proxy.get("/", host: "h", headers: five).status
            #expect(fiveLines == 200)
            let six = (1...5).map { ("X-H\($0)", "v") }
            let sixLines = try await proxy.get("/", host: "h", headers: six).status
            #expect(sixLines == 431)
            let longLine = try await proxy.get("/" + String(repeating: "a", count: 120), host: "h").status
            #expect(longLine == 414)
            #expect(proxy.backends[0].requestsServed == 1)
        }
    }

    @Test func readHeaderTimeoutIsConfigurable() async throws {
        try await ProxyHarness.with(backends: 1, toml: Self.config("readHeaderTimeout = \"1s\"")) { proxy in
            let client = try await HTTPTestClient.connect(port: proxy.port)
            let started = ContinuousClock.now
            try await client.send("GET / HTTP/1.1\r\nHost: h\r\n")
            let response = try await client.readResponse(timeout: .seconds(10))
            #expect(response.status == 408)
            #expect(ContinuousClock.now - started >= .seconds(1))
            #expect(try await client.waitForClose())
            await client.close()
        }
    }

    /// A body that stops arriving ends the exchange with 408; one that arrives slowly but steadily is not cut.
    @Test func bodyIdleTimeoutCutsStalledUploadsOnly() async throws {
        try await ProxyHarness.with(backends: 1, toml: Self.config("bodyIdleTimeout = \"1s\"")) { proxy in
            let stalled = try await HTTPTestClient.connect(port: proxy.port)
            try await stalled.send("POST /up HTTP/1.1\r\nHost: h\r\nContent-Length: 100\r\n\r\n0123456789")
            #expect(try await stalled.readResponse(timeout: .seconds(10)).status == 408)
            #expect(try await stalled.waitForClose())
            await stalled.close()

            let steady = try await HTTPTestClient.connect(port: proxy.port)
            try await steady.send("POST /up HTTP/1.1\r\nHost: h\r\nContent-Length: 8\r\n\r\n")
            for byte in "abcdefgh" {
                try await Task.sleep(for: .milliseconds(400))  // the pace of a slow client, not a synchronisation
                try await steady.send(String(byte))
            }
            let response = try await steady.readResponse(timeout: .seconds(10))
            #expect(response.status == 200)
            #expect(try response.whoami().bodyLength == 8)
            await steady.close()
        }
    }

    /// 10 000 connections opened and closed and 1 000 requests to a refused backend (issue 10) leave the
    /// process's open file descriptors where they were.
    @Test func churnAndFailedDialsLeakNoFileDescriptors() async throws {
        let refused = try PortAllocator.closedPort()
        let toml = testEntryPoint + """
            [backends]
              [backends.down.servers.s]
              url = "http://127.0.0.1:\(refused)"
            [frontends]
              [frontends.f]
              backend = "down"
            """
        try await ProxyHarness.with(backends: 0, toml: toml) { proxy in
            #expect(try await proxy.get("/", host: "h").status == 502)
            let baseline = Self.openDescriptors()
            for _ in 0..<10_000 {
                let client = try await HTTPTestClient.connect(port: proxy.port)
                await client.close()
            }
            for _ in 0..<1_000 { #expect(try await proxy.get("/", host: "h").status == 502) }
            try await eventually(timeout: .seconds(20), "descriptors back to the baseline of \(baseline)") {
                Self.openDescriptors() <= baseline + 5
            }
        }
    }

    static func openDescriptors() -> Int {
        (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd").count) ?? 0
    }
}
