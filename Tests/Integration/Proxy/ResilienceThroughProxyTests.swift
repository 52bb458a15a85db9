import FakeFarm
import Foundation
import Testing

@Suite("Circuit breakers and drr through the proxy")
struct ResilienceThroughProxyTests {
    static func config(expression: String, serverURL: String = "http://127.0.0.1:{{B1}}") -> String {
        testEntryPoint + """
            [backends]
              [backends.guarded]
                [backends.guarded.circuitBreaker]
                expression = "\(expression)"
                [backends.guarded.servers.s]
                url = "\(serverURL)"
              [backends.plain.servers.s]
              url = "http://127.0.0.1:{{B1}}"
            [frontends]
              [frontends.guarded]
              backend = "guarded"
                [frontends.guarded.routes.r]
                rule = "PathPrefix"
                value = "/guarded"
              [frontends.plain]
              backend = "plain"
                [frontends.plain.routes.r]
                rule = "PathPrefix"
                value = "/plain"
            """
    }

    @Test func responseCodeRatioTripsTheBreakerToServiceUnavailable() async throws {
        try await ProxyHarness.with(backends: 1, toml: Self.config(expression: "ResponseCodeRatio(500, 600, 0, 600) > 0.5")) { proxy in
            let first = try await proxy.get("/guarded?status=500", host: "h")
            #expect(first.status == 500)  // the backend's own answer; the check right after it trips
            let tripped = try await proxy.get("/guarded", host: "h")
            #expect(tripped.status == 503)
            #expect(tripped.bodyText == "Service Unavailable")
            #expect(proxy.backends[0].requestsServed == 1)  // the fallback never reached the server
            #expect(try await proxy.get("/plain", host: "h").status == 200)  // other backends are not affected
            let view = try #require(proxy.traefik.proxy.store.runtime.healthViews().first { $0.name == "guarded" })
            #expect(view.circuitBreaker?.status.name != "standby")  // tripped, or recovering on a slow run
        }
    }

    @Test func trippedBreakerRecoversOnceTheServerHeals() async throws {
        try await ProxyHarness.with(backends: 1, toml: Self.config(expression: "ResponseCodeRatio(500, 600, 0, 600) > 0.5")) { proxy in
            let clock = ContinuousClock()
            let trippedAt = clock.now  // no later than the trip, which happens while this request is answered
            _ = try await proxy.get("/guarded?status=500", host: "h")
            // Healthy from now on; the breaker still answers 503 for its fallback duration (10 s)…
            let during = try await proxy.get("/guarded", host: "h")
            #expect(during.status == 503)
            try await eventually(timeout: .seconds(30), poll: .milliseconds(100), "requests reach the server again") {
                try await proxy.get("/guarded", host: "h").status == 200
            }
            #expect(clock.now - trippedAt >= .seconds(10), "the breaker let traffic through before its fallback ended")
            // …then ramps traffic up over 10 s, after which every request passes.
            try await eventually(timeout: .seconds(30), poll: .milliseconds(100), "every request passes again") {
                for _ in 0..<5 where try await proxy.get("/guarded", host: "h").status != 200 { return false }
                return true
            }
        }
    }

    @Test func networkErrorRatioTripsOnARefusingServer() async throws {
        let refusing = try RefusingPort()
        defer { refusing.close() }
        let config = Self.config(expression: "NetworkErrorRatio() > 0.5", serverURL: "http://127.0.0.1:\(refusing.port)")
        try await ProxyHarness.with(backends: 1, toml: config) { proxy in
            let first = try await proxy.get("/guarded", host: "h")
            #expect(first.status == 502)
            let second = try await proxy.get("/guarded", host: "h")
            #expect(second.status == 503)
        }
    }

    @Test func invalidExpressionDisablesOnlyItsFrontends() async throws {
        try await ProxyHarness.with(backends: 1, toml: Self.config(expression: "NetworkErrorRatio() > 1")) { proxy in
            let guarded = try await proxy.get("/guarded", host: "h")
            #expect(guarded.status == 404)
            let plain = try await proxy.get("/plain", host: "h")
            #expect(plain.status == 200)
        }
    }

    @Test func invalidExpressionIsReportedByCheckWithItsPosition() async throws {
        let directory = try CommandLineTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("traefik.toml")
        try """
            [file]
            [backends.b]
              [backends.b.circuitBreaker]
              expression = "LatencyAtQuantileMS(50) > 50"
              [backends.b.servers.s]
              url = "http://127.0.0.1:1"
            [frontends.f]
            backend = "b"
            """.write(to: file, atomically: true, encoding: .utf8)
        let check = try await CommandLineTests.run(["check", "-c", file.path])
        #expect(check.status == 1)
        #expect(check.stderr.contains("backends.b.circuitBreaker.expression"))
        #expect(check.stderr.contains("column"))
    }

    /// A drr backend `dyn` over two servers (`first`, `second`: URLs).
    static func drrConfig(first: String, second: String) -> String {
        testEntryPoint + """
            [backends]
              [backends.dyn]
                [backends.dyn.loadBalancer]
                method = "drr"
                [backends.dyn.servers.a]
                url = "\(first)"
                [backends.dyn.servers.b]
                url = "\(second)"
            [frontends]
              [frontends.f]
              backend = "dyn"
            """
    }

    /// Steady load until drr has 10 s of measurements of both servers and moved the weights (spec §6.2), then
    /// 1 000 more requests; returns how many of those `server` answered.
    static func shareAfterRebalancing(_ proxy: ProxyHarness, of server: WhoamiServer) async throws -> Int {
        let clock = ContinuousClock()
        let deadline = clock.now + .seconds(40)
        func weights() -> [Int] {
            proxy.traefik.proxy.store.runtime.healthViews().first { $0.name == "dyn" }?.servers.map(\.currentWeight) ?? []
        }
        while weights() == [1, 1], clock.now < deadline {
            _ = try await proxy.get("/", host: "h")
        }
        #expect(weights() != [1, 1], "drr never adjusted the weights")
        let before = server.requestsServed
        for _ in 0..<1000 { _ = try await proxy.get("/", host: "h") }
        return server.requestsServed - before
    }

    @Test func drrShiftsTrafficAwayFromAFailingServer() async throws {
        let refusing = try RefusingPort()
        defer { refusing.close() }
        let config = Self.drrConfig(first: "http://127.0.0.1:\(refusing.port)", second: "http://127.0.0.1:{{B1}}")
        try await ProxyHarness.with(backends: 1, toml: config) { proxy in
            let good = try await Self.shareAfterRebalancing(proxy, of: proxy.backends[0])
            #expect(good > 700, "the healthy server got \(good) of 1 000 requests")
        }
    }

    /// A slow server (30 ms per answer, no errors) receives a smaller share under drr, measured over 1 000 requests.
    @Test func drrShiftsTrafficAwayFromASlowServer() async throws {
        let slow = WhoamiServer(name: "slow", responseDelayMilliseconds: 30)
        try await slow.start()
        let config = Self.drrConfig(first: "http://127.0.0.1:{{B1}}", second: "http://127.0.0.1:\(slow.port)")
        try await ProxyHarness.with(backends: 1, toml: config) { proxy in
            let slowCount = try await Self.shareAfterRebalancing(proxy, of: slow)
            #expect(slowCount < 300, "the slow server got \(slowCount) of 1 000 requests")
        }
        try await slow.stop()
    }
}
