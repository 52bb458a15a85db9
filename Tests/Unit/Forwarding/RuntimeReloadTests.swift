@testable import ProxyServer
import Testing
import TraefikCore

/// What a new runtime keeps of the previous one (issue 7: state survives reloads).
@Suite struct RuntimeReloadTests {
    static func runtime(servers: [String], expression: String, previous: ProxyRuntime? = nil) -> ProxyRuntime {
        var backend = Backend(servers: [:])
        for (index, url) in servers.enumerated() { backend.servers["s\(index)"] = Server(url: url) }
        backend.circuitBreaker = CircuitBreakerConfig(expression: expression)
        let routes = DynamicConfiguration(backends: ["b": backend], frontends: ["f": Frontend(backend: "b")])
        let compiled = CompiledConfiguration.compile(routes, entryPointNames: ["http"], defaultEntryPoints: ["http"])
        return ProxyRuntime(compiled, entryPoints: ["http"], previous: previous)
    }

    /// Trips the breaker of backend `b`: only network errors for a while.
    static func trip(_ runtime: ProxyRuntime, now: Duration) throws {
        let backend = try #require(runtime.backends["b"])
        for step in 0..<50 {
            let at = now + .milliseconds(step * 10)
            if case .server(_, let index) = backend.pick(now: at) {
                backend.record(server: index, status: 502, latency: .milliseconds(1), now: at)
            }
        }
        guard case .fallback = backend.pick(now: now + .seconds(1)) else {
            Issue.record("the breaker did not trip")
            return
        }
    }

    @Test func breakerStateSurvivesAServerBeingAdded() throws {
        let now = Duration.seconds(100)
        let before = Self.runtime(servers: ["http://127.0.0.1:1"], expression: "NetworkErrorRatio() > 0.5")
        try Self.trip(before, now: now)
        let after = Self.runtime(
            servers: ["http://127.0.0.1:1", "http://127.0.0.1:2"], expression: "NetworkErrorRatio() > 0.5", previous: before)
        #expect(after.backends["b"] !== before.backends["b"])
        guard case .fallback = after.backends["b"]!.pick(now: now + .seconds(2)) else {
            Issue.record("the tripped breaker was reset by the reload")
            return
        }
    }

    @Test func changedExpressionStartsAFreshBreaker() throws {
        let now = Duration.seconds(100)
        let before = Self.runtime(servers: ["http://127.0.0.1:1"], expression: "NetworkErrorRatio() > 0.5")
        try Self.trip(before, now: now)
        let after = Self.runtime(servers: ["http://127.0.0.1:1"], expression: "NetworkErrorRatio() > 0.9", previous: before)
        guard case .server = after.backends["b"]!.pick(now: now + .seconds(2)) else {
            Issue.record("a new expression kept the old breaker state")
            return
        }
    }
}
