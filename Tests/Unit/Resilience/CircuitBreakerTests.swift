import Testing
import TraefikCore

@Suite("Circuit-breaker state machine (spec §7.3, testable F1–F7)")
struct CircuitBreakerTests {
    private func breaker(_ text: String, _ configuration: CircuitBreaker.Configuration = .init()) throws -> CircuitBreaker {
        CircuitBreaker(expression: try CircuitBreakerExpression.parse(text), configuration: configuration)
    }

    /// Admits a request at `now` and, when it passes, records its response then.
    @discardableResult
    private func exchange(
        _ breaker: inout CircuitBreaker,
        at now: Duration,
        status: Int = 200,
        latency: Duration = .milliseconds(1)
    ) -> CircuitBreakerAdmission {
        let admission = breaker.admit(now: now)
        if admission == .pass { breaker.record(status: status, latency: latency, now: now) }
        return admission
    }

    @Test("The defaults are the original's: 10 s fallback, 10 s recovery, 100 ms checks")
    func defaults() {
        let configuration = CircuitBreaker.Configuration()
        #expect(configuration.fallbackDuration == .seconds(10))
        #expect(configuration.recoveryDuration == .seconds(10))
        #expect(configuration.checkPeriod == .milliseconds(100))
    }

    @Test("F1: the first 502 is checked at once and trips; then every request gets the fallback")
    func tripsOnNetworkErrors() throws {
        var breaker = try breaker("NetworkErrorRatio() > 0.5")
        #expect(breaker.state == .standby)
        #expect(exchange(&breaker, at: .seconds(1), status: 502) == .pass)
        #expect(breaker.state == .tripped(until: .seconds(11)))
        #expect(breaker.admit(now: .milliseconds(1001)) == .fallback)
        // The metrics start afresh after tripping.
        #expect(breaker.metrics.values(at: .seconds(1)).networkErrorRatio() == 0)
    }

    @Test("504 counts as a network error; 500 does not")
    func networkErrorStatuses() throws {
        var onGatewayTimeout = try breaker("NetworkErrorRatio() > 0.5")
        exchange(&onGatewayTimeout, at: .seconds(1), status: 504)
        #expect(onGatewayTimeout.state != .standby)
        var onServerError = try breaker("NetworkErrorRatio() > 0.5")
        exchange(&onServerError, at: .seconds(1), status: 500)
        #expect(onServerError.state == .standby)
    }

    @Test("F5: trips on the latency quantile, not below the threshold")
    func tripsOnLatency() throws {
        var fast = try breaker("LatencyAtQuantileMS(50.0) > 50")
        for step in 0..<20 {
            exchange(&fast, at: .milliseconds(100 * step), latency: .milliseconds(40))
        }
        #expect(fast.state == .standby)
        var slow = try breaker("LatencyAtQuantileMS(50.0) > 50")
        exchange(&slow, at: .seconds(2), latency: .milliseconds(100))
        #expect(slow.state == .tripped(until: .seconds(12)))
    }

    @Test("F6: trips on the ratio of response codes")
    func tripsOnResponseCodes() throws {
        var notFound = try breaker("ResponseCodeRatio(500, 600, 0, 600) > 0.5")
        for step in 0..<20 { exchange(&notFound, at: .milliseconds(100 * step), status: 404) }
        #expect(notFound.state == .standby)
        var failing = try breaker("ResponseCodeRatio(500, 600, 0, 600) > 0.5")
        exchange(&failing, at: .seconds(3), status: 200)
        exchange(&failing, at: .milliseconds(3100), status: 500)
        #expect(failing.state == .standby)  // 1 of 2 is not above 0.5
        exchange(&failing, at: .milliseconds(3200), status: 503)
        #expect(failing.state == .tripped(until: .milliseconds(13_200)))
    }

    @Test("F7: || trips on either condition, && needs both")
    func logicalOperators() throws {
        var either = try breaker("NetworkErrorRatio() > 0.5 || LatencyAtQuantileMS(50.0) > 50")
        exchange(&either, at: .seconds(1), status: 200, latency: .milliseconds(200))
        #expect(either.state != .standby)

        var both = try breaker("NetworkErrorRatio() > 0.5 && LatencyAtQuantileMS(50.0) > 50")
        exchange(&both, at: .seconds(1), status: 200, latency: .milliseconds(200))
        exchange(&both, at: .seconds(2), status: 502, latency: .milliseconds(1))
        #expect(both.state == .standby)  // half the responses failed, which is not above 0.5
        exchange(&both, at: .seconds(3), status: 502, latency: .milliseconds(300))
        #expect(both.state == .tripped(until: .seconds(13)))
    }

    @Test("The expression is checked at most once per check period")
    func checkPeriod() throws {
        var breaker = try breaker("NetworkErrorRatio() > 0.5")
        exchange(&breaker, at: .seconds(1), status: 200)  // checked: false; next check at 1.1 s
        for _ in 0..<5 { exchange(&breaker, at: .milliseconds(1050), status: 502) }
        #expect(breaker.state == .standby)
        exchange(&breaker, at: .milliseconds(1099), status: 502)
        #expect(breaker.state == .standby)
        exchange(&breaker, at: .milliseconds(1100), status: 502)
        #expect(breaker.state == .tripped(until: .milliseconds(11_100)))
    }

    @Test("F2: tripped for exactly the fallback duration; the first request after it starts recovering")
    func fallbackDuration() throws {
        var breaker = try breaker("NetworkErrorRatio() > 0.5")
        exchange(&breaker, at: .zero, status: 502)
        for millisecond in stride(from: 1, to: 10_000, by: 7) {
            #expect(breaker.admit(now: .milliseconds(millisecond)) == .fallback)
        }
        #expect(breaker.admit(now: .milliseconds(9_999)) == .fallback)
        #expect(breaker.state == .tripped(until: .seconds(10)))
        // At 10 s recovery starts; its target share is still 0, so this one is refused too.
        #expect(breaker.admit(now: .seconds(10)) == .fallback)
        #expect(breaker.state == .recovering(since: .seconds(10), until: .seconds(20)))
    }

    @Test("A custom fallback duration")
    func customFallback() throws {
        var breaker = try breaker("NetworkErrorRatio() > 0.5", .init(fallbackDuration: .seconds(3)))
        exchange(&breaker, at: .seconds(1), status: 502)
        #expect(breaker.state == .tripped(until: .seconds(4)))
        #expect(breaker.admit(now: .milliseconds(3999)) == .fallback)
        _ = breaker.admit(now: .seconds(4))
        #expect(breaker.state == .recovering(since: .seconds(4), until: .seconds(14)))
    }

    @Test("F3: during recovery the share passed rises linearly to 50 %, then all pass")
    func recoveryRamp() throws {
        var breaker = try breaker("NetworkErrorRatio() > 0.5")
        exchange(&breaker, at: .zero, status: 502)
        var passed = 0
        var total = 0
        var passedPerSecond = Array(repeating: 0, count: 10)
        // One request every 10 ms through the whole recovery, each answered 200.
        for millisecond in stride(from: 10_000, through: 20_000, by: 10) {
            let admission = exchange(&breaker, at: .milliseconds(millisecond))
            total += 1
            if admission == .pass {
                passed += 1
                passedPerSecond[min((millisecond - 10_000) / 1000, 9)] += 1
            }
            // The cumulative share follows 0.5 × elapsed / 10 s from below, within one request.
            let target = 0.5 * Double(millisecond - 10_000) / 10_000
            let share = Double(passed) / Double(total)
            #expect(share <= target + 1e-9 || passed == 0)
            #expect(share >= target - 1 / Double(total) - 0.001)
        }
        #expect(breaker.state == .recovering(since: .seconds(10), until: .seconds(20)))
        #expect(abs(breaker.recoveryPassedShare - 0.5) < 0.01)
        // Each second lets more through than the one before.
        for second in 1..<10 { #expect(passedPerSecond[second] > passedPerSecond[second - 1]) }
        #expect(passedPerSecond[0] < 10 && passedPerSecond[9] > 80)
        // Past the recovery time: standby, everything passes.
        #expect(breaker.admit(now: .milliseconds(20_001)) == .pass)
        #expect(breaker.state == .standby)
        for millisecond in 20_002..<20_100 { #expect(exchange(&breaker, at: .milliseconds(millisecond)) == .pass) }
    }

    @Test("F4: a failure during recovery trips again")
    func retripDuringRecovery() throws {
        var breaker = try breaker("NetworkErrorRatio() > 0.5")
        exchange(&breaker, at: .zero, status: 502)
        var millisecond = 10_000
        while breaker.admit(now: .milliseconds(millisecond)) == .fallback, millisecond < 20_000 { millisecond += 10 }
        #expect(millisecond < 20_000)
        if case .recovering = breaker.state {} else { Issue.record("expected recovering, got \(breaker.state)") }
        // The passed request fails.
        breaker.record(status: 502, latency: .milliseconds(1), now: .milliseconds(millisecond))
        #expect(breaker.state == .tripped(until: .milliseconds(millisecond + 10_000)))
        #expect(breaker.admit(now: .milliseconds(millisecond + 9_999)) == .fallback)
    }

    @Test("Healthy responses during recovery do not trip again")
    func healthyRecovery() throws {
        var breaker = try breaker("NetworkErrorRatio() > 0.5")
        exchange(&breaker, at: .zero, status: 502)
        for millisecond in stride(from: 10_000, through: 20_100, by: 50) {
            exchange(&breaker, at: .milliseconds(millisecond), status: 200)
        }
        #expect(breaker.state == .standby)
    }

    @Test("The API view shows state and remaining time")
    func healthView() throws {
        let backend = CompiledBackend(
            name: "backend1",
            servers: [BackendServer(name: "server1", url: try ServerURL.parse("http://127.0.0.1:8081"), weight: 1)],
            method: .wrr,
            circuitBreakerExpression: "NetworkErrorRatio() > 0.5"
        )
        let balancer = BackendBalancer(backend: backend)
        var breaker = try breaker("NetworkErrorRatio() > 0.5")
        var view = BackendHealthView(backend: backend, balancer: balancer, breaker: breaker, now: .zero)
        #expect(view.circuitBreaker == .init(expression: "NetworkErrorRatio() > 0.5", status: .standby))
        exchange(&breaker, at: .seconds(1), status: 502)
        view = BackendHealthView(backend: backend, balancer: balancer, breaker: breaker, now: .seconds(4))
        #expect(view.circuitBreaker?.status == .tripped(remaining: .seconds(7)))
        #expect(view.circuitBreaker?.status.name == "tripped")
        #expect(breaker.admit(now: .seconds(11)) == .fallback)  // target 0
        // Target 25 %; the share if passed would be 1/2, 1/3, 1/4 (not below), then 1/5.
        #expect(breaker.admit(now: .seconds(16)) == .fallback)
        #expect(breaker.admit(now: .seconds(16)) == .fallback)
        #expect(breaker.admit(now: .seconds(16)) == .fallback)
        #expect(breaker.admit(now: .seconds(16)) == .pass)
        view = BackendHealthView(backend: backend, balancer: balancer, breaker: breaker, now: .seconds(16))
        #expect(view.circuitBreaker?.status == .recovering(remaining: .seconds(5), passedShare: 0.2))
        #expect(view.servers == [.init(
            name: "server1", url: "http://127.0.0.1:8081", originalWeight: 1, currentWeight: 1, failureRatio: nil
        )])
        #expect(BackendHealthView(backend: backend, balancer: balancer, breaker: nil, now: .zero).circuitBreaker == nil)
    }
}
